// Online users (`/monitor/online`): every live session, across the instances. Typed by hand from
// docs/sessions.md until `make api-types` has the routes.
import { api, fillPath, untyped, type QueryParams, type Schemas } from '@/api/client'

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

// ---- server monitor (`/monitor/server`) and cache monitor (`/monitor/cache`), over the types
// generated from the backend's OpenAPI document (`make api-types`).

/** One running instance, as its last heartbeat reported it. `current`: the one answering. */
export type ServerEntry = Schemas['ServerOut']
export type Servers = Schemas['ServersOut']
export type CacheOverview = Schemas['CacheOut']
export type CacheNamespace = Schemas['NamespaceOut']
export type CacheKey = Schemas['CacheKeyOut']
/** A value as its namespace allows: a session its user and expiry, a secret nothing. */
export type CacheValue = Schemas['CacheValueOut']

/** Every running instance; this one first. */
export function getServers() {
  return api.get('/monitor/server')
}

export function getCache() {
  return api.get('/monitor/cache')
}

export function listCacheKeys(namespace: string, query: QueryParams<'/monitor/cache/{namespace}/keys'> = {}) {
  return api.get('/monitor/cache/{namespace}/keys', { path: { namespace }, query })
}

/** The key is escaped whole (`/` too); the server reads it back as it was. */
export function getCacheValue(namespace: string, key: string) {
  return api.get('/monitor/cache/{namespace}/keys/{key}', { path: { namespace, key } })
}

/** Clears one namespace on every instance; answers `{deleted}`. */
export function clearCacheNamespace(namespace: string) {
  return api.delete('/monitor/cache/{namespace}', { path: { namespace } })
}
