// Config parameters (`/system/config-setting`): key/value settings read by the backend.
import type { AxiosRequestConfig } from 'axios'
import { api, type QueryParams, type Schemas } from './client'

export type ConfigSetting = Schemas['ConfigOut']

export function listConfigs(query: QueryParams<'/system/config-setting'>) {
  return api.get('/system/config-setting', { query })
}
export function getConfig(id: number) {
  return api.get('/system/config-setting/{setting_id}', { path: { setting_id: id } })
}
/** `{key, value, name}` of one parameter, read through the backend's cache. */
export function getConfigByKey(key: string, config: AxiosRequestConfig = {}) {
  return api.get('/system/config-setting/key/{key}', { path: { key }, config })
}
export function createConfig(body: Schemas['ConfigCreate']) {
  return api.post('/system/config-setting', { body })
}
export function updateConfig(id: number, body: Schemas['ConfigUpdate']) {
  return api.put('/system/config-setting/{setting_id}', { path: { setting_id: id }, body })
}
export function deleteConfig(id: number) {
  return api.delete('/system/config-setting/{setting_id}', { path: { setting_id: id } })
}
