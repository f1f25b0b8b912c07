// Dictionaries: types (`/system/dict-type`), their items (`/system/dict-item`) and the
// cached read of one type's enabled items (`/system/dict/{type_code}`) that pages use.
import request from '@/utils/request'

/** Items of one dictionary type: a plain array of {label, label_en, value, css_class, sort}. */
export function getDictItems(typeCode) {
  // Silent: pages fall back to built-in defaults when the dictionary module is unavailable.
  return request.get(`/system/dict/${encodeURIComponent(typeCode)}`, { silent: true })
}

// ---- types
export function listDictTypes(params) {
  return request.get('/system/dict-type', { params })
}
export function getDictType(id) {
  return request.get(`/system/dict-type/${id}`)
}
export function createDictType(data) {
  return request.post('/system/dict-type', data)
}
export function updateDictType(id, data) {
  return request.put(`/system/dict-type/${id}`, data)
}
export function deleteDictType(id) {
  return request.delete(`/system/dict-type/${id}`)
}

// ---- items (each names its type by `type_code`)
export function listDictItemRows(params) {
  return request.get('/system/dict-item', { params })
}
export function getDictItem(id) {
  return request.get(`/system/dict-item/${id}`)
}
export function createDictItem(data) {
  return request.post('/system/dict-item', data)
}
export function updateDictItem(id, data) {
  return request.put(`/system/dict-item/${id}`, data)
}
export function deleteDictItem(id) {
  return request.delete(`/system/dict-item/${id}`)
}
