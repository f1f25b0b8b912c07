// Dictionaries: types (`/system/dict-type`), their items (`/system/dict-item`) and the
// cached read of one type's enabled items (`/system/dict/{type_code}`) that pages use.
import { api, type QueryParams, type Schemas } from './client'

export type DictOption = Schemas['DictOption']

/** Items of one dictionary type: a plain array of {label, label_en, value, css_class, sort}. */
export function getDictItems(typeCode: string) {
  // Silent: pages fall back to built-in defaults when the dictionary module is unavailable.
  return api.get('/system/dict/{type_code}', { path: { type_code: typeCode }, config: { silent: true } })
}

// ---- types
export function listDictTypes(query: QueryParams<'/system/dict-type'>) {
  return api.get('/system/dict-type', { query })
}
export function getDictType(id: number) {
  return api.get('/system/dict-type/{type_id}', { path: { type_id: id } })
}
export function createDictType(body: Schemas['DictTypeCreate']) {
  return api.post('/system/dict-type', { body })
}
export function updateDictType(id: number, body: Schemas['DictTypeUpdate']) {
  return api.put('/system/dict-type/{type_id}', { path: { type_id: id }, body })
}
export function deleteDictType(id: number) {
  return api.delete('/system/dict-type/{type_id}', { path: { type_id: id } })
}

// ---- items (each names its type by `type_code`)
export function listDictItemRows(query: QueryParams<'/system/dict-item'>) {
  return api.get('/system/dict-item', { query })
}
export function getDictItem(id: number) {
  return api.get('/system/dict-item/{item_id}', { path: { item_id: id } })
}
export function createDictItem(body: Schemas['DictItemCreate']) {
  return api.post('/system/dict-item', { body })
}
export function updateDictItem(id: number, body: Schemas['DictItemUpdate']) {
  return api.put('/system/dict-item/{item_id}', { path: { item_id: id }, body })
}
export function deleteDictItem(id: number) {
  return api.delete('/system/dict-item/{item_id}', { path: { item_id: id } })
}
