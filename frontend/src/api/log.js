import request from '@/utils/request'

export function listLoginLogs(params) {
  return request.get('/system/log/login', { params })
}

export function listOperationLogs(params) {
  return request.get('/system/log/operation', { params })
}
