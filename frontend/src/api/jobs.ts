// Scheduled jobs (`/system/job`) and the log of their runs (`/system/job-log`).
import type { AxiosRequestConfig } from 'axios'
import { api, type QueryParams, type Schemas } from './client'

export type Job = Schemas['JobOut']
export type JobScript = Schemas['ScriptOut']

export function listJobs(query: QueryParams<'/system/job'>) {
  return api.get('/system/job', { query })
}
/** The job plus `next_fire_times` (the next five). */
export function getJob(id: number) {
  return api.get('/system/job/{job_id}', { path: { job_id: id } })
}
export function createJob(body: Schemas['JobCreate'], config: AxiosRequestConfig = {}) {
  return api.post('/system/job', { body, config })
}
/** Same fields as create, all optional; 204. */
export function updateJob(id: number, body: Schemas['JobUpdate'], config: AxiosRequestConfig = {}) {
  return api.put('/system/job/{job_id}', { path: { job_id: id }, body, config })
}
export function deleteJob(id: number) {
  return api.delete('/system/job/{job_id}', { path: { job_id: id } })
}
export function pauseJob(id: number) {
  return api.put('/system/job/{job_id}/pause', { path: { job_id: id } })
}
export function resumeJob(id: number) {
  return api.put('/system/job/{job_id}/resume', { path: { job_id: id } })
}
/** Run once now, whatever the status: 202 `{log_id}` (the run goes on in the background). */
export function runJob(id: number) {
  return api.post('/system/job/{job_id}/run', { path: { job_id: id } })
}
/** The scripts a job may run, with their parameters. */
export function listJobScripts(config: AxiosRequestConfig = {}) {
  return api.get('/system/job/scripts', { config })
}
/** `{cron, next_fire_times}` of an expression; 422 `cron_invalid` with the reason. */
export function cronNext(expr: string, config: AxiosRequestConfig = {}) {
  return api.get('/system/job/cron/next', { query: { expr }, config })
}

// ---- runs
export function listJobLogs(query: QueryParams<'/system/job-log'>) {
  return api.get('/system/job-log', { query })
}
/** One run with its `output`. */
export function getJobLog(id: number) {
  return api.get('/system/job-log/{log_id}', { path: { log_id: id } })
}
