// Online users (`/monitor/online`): every live session, across the instances. Typed by hand from
// docs/sessions.md until `make api-types` has the routes.
import { fillPath, untyped } from '@/api/client'

/** One live session. `current`: the caller's own. */
export interface OnlineSession {
  session_id: string
  user_id: number
  username: string
  ip: string
  browser: string
  os: string
  login_time: string
  last_seen: string
  current: boolean
}

export interface OnlineQuery {
  page?: number
  size?: number
  username?: string
  ip?: string
}

export interface OnlinePage {
  items: OnlineSession[]
  total: number
  page: number
  size: number
}

/** Newest sign-in first; the caller's data scope. */
export function listOnline(query: OnlineQuery = {}) {
  return untyped.get<OnlinePage>('/monitor/online', { query })
}

/** Force one session out (its tokens fail at once). 204. */
export function forceLogout(sessionId: string) {
  return untyped.delete<void>(fillPath('/monitor/online/{session_id}', { session_id: sessionId }))
}

/** End every session of a user. 204. */
export function forceLogoutUser(userId: number) {
  return untyped.delete<void>(fillPath('/monitor/online/user/{user_id}', { user_id: userId }))
}
