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

// ---- server monitor (`/monitor/server`) -----------------------------------------------

export interface PoolFigures {
  name: string
  size: number
  checked_out: number
  overflow: number
}

export interface HostFigures {
  hostname: string
  pid: number
  python: string
  packages: Record<string, string>
  started_at: string
  uptime_seconds: number
  cpu_percent: number
  cpu_count: number
  memory_total: number
  memory_used: number
  memory_percent: number
  disk_path: string
  disk_total: number
  disk_used: number
  disk_percent: number
  process_rss: number
  process_threads: number
}

/** One running instance, as its last heartbeat reported it. `current`: the one answering. */
export interface ServerEntry {
  instance: string
  current: boolean
  reported_at: string
  host: HostFigures
  pools: PoolFigures[]
  scheduler: { enabled: boolean; leader: boolean; next_fires: { job_id: number; fire_time: string }[] }
}

export interface Servers {
  items: ServerEntry[]
  heartbeat_seconds: number
}

/** Every running instance; this one first. */
export function getServers() {
  return untyped.get<Servers>('/monitor/server')
}

// ---- cache monitor (`/monitor/cache`) -------------------------------------------------

export interface CacheInfo {
  backend: 'redis' | 'memory' | string
  version?: string | null
  uptime_seconds?: number | null
  used_memory?: number | null
  used_memory_peak?: number | null
  max_memory?: number | null
  clients?: number | null
  hits?: number | null
  misses?: number | null
  hit_rate?: number | null
  ops_per_second?: number | null
  keys?: number | null
  entries?: number | null
  max_entries?: number | null
  ttl_seconds?: number | null
  commands: { name: string; calls: number }[]
}

export interface CacheNamespace {
  name: string
  label_zh: string
  label_en: string
  kind: 'session' | 'secret' | 'data' | 'counter' | string
  clearable: boolean
  keys: number
  capped: boolean
}

export interface CacheOverview {
  info: CacheInfo
  namespaces: CacheNamespace[]
}

export interface CacheKey {
  key: string
  type: string
  ttl_seconds: number | null
  viewable: boolean
}

export interface CacheKeyPage {
  items: CacheKey[]
  total: number
  page: number
  size: number
}

/** A value as its namespace allows: a session its user and expiry, a secret nothing. */
export interface CacheValue {
  namespace: string
  key: string
  type: string
  ttl_seconds: number | null
  masked: boolean
  value: unknown
}

export function getCache() {
  return untyped.get<CacheOverview>('/monitor/cache')
}

export function listCacheKeys(namespace: string, query: { page?: number; size?: number } = {}) {
  return untyped.get<CacheKeyPage>(fillPath('/monitor/cache/{namespace}/keys', { namespace }), { query })
}

/** The key goes in the path as it is (keys hold `:`); each segment is escaped. */
export function getCacheValue(namespace: string, key: string) {
  const path = key.split('/').map(encodeURIComponent).join('/')
  return untyped.get<CacheValue>(`${fillPath('/monitor/cache/{namespace}/keys', { namespace })}/${path}`)
}

/** Clears one namespace on every instance. */
export function clearCacheNamespace(namespace: string) {
  return untyped.delete<{ deleted: number }>(fillPath('/monitor/cache/{namespace}', { namespace }))
}
