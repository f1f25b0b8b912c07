// Registration codes (`/business/reg-code`): the worked example of a business module.
import { api, type QueryParams, type Schemas } from '@/api/client'

export type RegCode = Schemas['RegCodeOut']

export function listRegCodes(query: QueryParams<'/business/reg-code'>) {
  return api.get('/business/reg-code', { query })
}
export function getRegCode(id: number) {
  return api.get('/business/reg-code/{code_id}', { path: { code_id: id } })
}
/** Batch generation: `{count, reg_times, remark}` → `{count, items}`. */
export function generateRegCodes(body: Schemas['RegCodeGenerate']) {
  return api.post('/business/reg-code', { body })
}
/** Only `reg_times` (before activation) and `remark` can change. */
export function updateRegCode(id: number, body: Schemas['RegCodeUpdate']) {
  return api.put('/business/reg-code/{code_id}', { path: { code_id: id }, body })
}
/** Starts the validity: answers the row with `first_active_time`, `deadline` and `state` set. */
export function activateRegCode(id: number) {
  return api.put('/business/reg-code/{code_id}/activate', { path: { code_id: id } })
}
export function deleteRegCode(id: number) {
  return api.delete('/business/reg-code/{code_id}', { path: { code_id: id } })
}
