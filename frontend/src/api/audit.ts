// The audit module: who signed in (`/system/log/login`) and what was changed (`/system/log/operation`).
import { api, type QueryParams } from './client'

export function listLoginLogs(query: QueryParams<'/system/log/login'>) {
  return api.get('/system/log/login', { query })
}

export function listOperationLogs(query: QueryParams<'/system/log/operation'>) {
  return api.get('/system/log/operation', { query })
}
