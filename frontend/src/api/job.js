// Scheduled jobs (`/system/job`) and the log of their runs (`/system/job-log`).
import request from '@/utils/request'

export function listJobs(params) {
  return request.get('/system/job', { params })
}
/** The job plus `next_fire_times` (the next five). */
export function getJob(id) {
  return request.get(`/system/job/${id}`)
}
/** `{name, script, args, kwargs, cron, misfire_policy, concurrent, status, notify, notify_user_ids, remark}` → `{id}`. */
export function createJob(data, config = {}) {
  return request.post('/system/job', data, config)
}
/** Same fields as create, all optional; 204. */
export function updateJob(id, data, config = {}) {
  return request.put(`/system/job/${id}`, data, config)
}
export function deleteJob(id) {
  return request.delete(`/system/job/${id}`)
}
export function pauseJob(id) {
  return request.put(`/system/job/${id}/pause`)
}
export function resumeJob(id) {
  return request.put(`/system/job/${id}/resume`)
}
/** Run once now, whatever the status: 202 `{log_id}` (the run goes on in the background). */
export function runJob(id) {
  return request.post(`/system/job/${id}/run`)
}
/** The scripts a job may run: `[{name, description, signature, params: [{name, kind, annotation, required, default}]}]`. */
export function listJobScripts(config = {}) {
  return request.get('/system/job/scripts', config)
}
/** `{cron, next_fire_times}` of an expression; 422 `cron_invalid` with the reason. */
export function cronNext(expr, config = {}) {
  return request.get('/system/job/cron/next', { params: { expr }, ...config })
}

// ---- runs
export function listJobLogs(params) {
  return request.get('/system/job-log', { params })
}
/** One run with its `output`. */
export function getJobLog(id) {
  return request.get(`/system/job-log/${id}`)
}
