// Notices: administration (`/system/notice`) and the signed-in user's own (`/user/notices`),
// over the types generated from the backend's OpenAPI document (`make api-types`).
import type { AxiosRequestConfig } from 'axios'
import { api, type QueryParams, type Schemas } from '@/api/client'

export type Notice = Schemas['NoticeOut']
export type NoticeBrief = Schemas['NoticeBrief']
export type UserNotice = Schemas['UserNoticeOut']

// ---- administration
export function listNotices(query: QueryParams<'/system/notice'> = {}) {
  return api.get('/system/notice', { query })
}
/** With its `content`: the sanitised HTML the server stored. */
export function getNotice(id: number) {
  return api.get('/system/notice/{notice_id}', { path: { notice_id: id } })
}
/** Answers `{id}` (201). The content is sanitised by the server before it is stored. */
export function createNotice(body: Schemas['NoticeCreate']) {
  return api.post('/system/notice', { body })
}
/** `{status: 'published'}` publishes (the first time stamps `published_time`), `'draft'` unpublishes. */
export function updateNotice(id: number, body: Schemas['NoticeUpdate']) {
  return api.put('/system/notice/{notice_id}', { path: { notice_id: id }, body })
}
export function deleteNotice(id: number) {
  return api.delete('/system/notice/{notice_id}', { path: { notice_id: id } })
}

// ---- the signed-in user's notices (published only); the bell's calls are silent
const quiet: AxiosRequestConfig = { silent: true } as AxiosRequestConfig

export function myNotices(query: QueryParams<'/user/notices'> = {}) {
  return api.get('/user/notices', { query, config: quiet })
}
/** Reading one does not mark it read: `markNoticeRead` does. */
export function myNotice(id: number) {
  return api.get('/user/notices/{notice_id}', { path: { notice_id: id } })
}
export function markNoticeRead(id: number) {
  return api.put('/user/notices/{notice_id}/read', { path: { notice_id: id }, config: quiet })
}
export function unreadNoticeCount() {
  return api.get('/user/notices/unread-count', { config: quiet })
}
