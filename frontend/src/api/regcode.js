// Registration codes (`/business/reg-code`): the worked example of a business module.
import request from '@/utils/request'

export function listRegCodes(params) {
  return request.get('/business/reg-code', { params })
}
export function getRegCode(id) {
  return request.get(`/business/reg-code/${id}`)
}
/** Batch generation: `{count, reg_times, remark}` → `{count, items}`. */
export function generateRegCodes(data) {
  return request.post('/business/reg-code', data)
}
/** Only `reg_times` (before activation) and `remark` can change. */
export function updateRegCode(id, data) {
  return request.put(`/business/reg-code/${id}`, data)
}
/** Starts the validity: answers the row with `first_active_time`, `deadline` and `state` set. */
export function activateRegCode(id) {
  return request.put(`/business/reg-code/${id}/activate`)
}
export function deleteRegCode(id) {
  return request.delete(`/business/reg-code/${id}`)
}
