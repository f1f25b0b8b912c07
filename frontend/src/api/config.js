// Config parameters (`/system/config-setting`): key/value settings read by the backend.
import request from '@/utils/request'

export function listConfigs(params) {
  return request.get('/system/config-setting', { params })
}
export function getConfig(id) {
  return request.get(`/system/config-setting/${id}`)
}
/** `{key, value, name}` of one parameter, read through the backend's cache. */
export function getConfigByKey(key, config = {}) {
  return request.get(`/system/config-setting/key/${encodeURIComponent(key)}`, config)
}
export function createConfig(data) {
  return request.post('/system/config-setting', data)
}
export function updateConfig(id, data) {
  return request.put(`/system/config-setting/${id}`, data)
}
export function deleteConfig(id) {
  return request.delete(`/system/config-setting/${id}`)
}
