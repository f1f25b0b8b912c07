import axios, { type AxiosError, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios'
import { ElMessage } from 'element-plus'
import router from '@/router'
import { getExpiry, getRefreshToken, getToken, removeToken, setTokens, type TokenPair } from '@/utils/auth'
import { getLocale, t, te } from '@/locales'

declare module 'axios' {
  interface AxiosRequestConfig {
    /** No toast for this request's errors: the caller says what went wrong. */
    silent?: boolean
    /** A call of the session machinery (the refresh): no bearer token, no renewal, no sign-out on 401. */
    skipAuth?: boolean
    /** Set on the one retry of a request after its token was renewed. */
    retried?: boolean
  }
}

/** The error body of the API: `{detail, code}`, `detail` one sentence; the fields or rows
 * concerned in `errors` when there are several (`[{loc, msg, type}]` or `[{row, column, message}]`). */
export interface ErrorBody {
  detail?: unknown
  code?: string
  errors?: unknown[]
}

/** One line for an error body: its field errors with their fields when it has them, else `detail`. */
export function messageOf(data: ErrorBody | undefined | null): string {
  const errors = data && data.errors
  if (Array.isArray(errors) && errors.some((e) => e && typeof e === 'object' && 'loc' in e)) return formatDetail(errors)
  return formatDetail(data && data.detail)
}

/** A rejected request: axios' error plus the status, the API's `code` and `detail` as one line. */
export interface ApiError extends AxiosError<ErrorBody> {
  status?: number
  apiCode?: string
  detail?: string
}

/** One item of FastAPI's list of validation errors. */
interface ValidationItem {
  loc?: unknown
  msg?: string
}

/** Pages reachable without a token; a 401 there is shown, not turned into a redirect. */
export const WHITE_LIST = ['/login', '/register', '/forget-password']
export const WHITE_LIST_PREFIXES = ['/register/', '/reset-password/', '/confirm-email/']

export function isWhiteListed(path: string): boolean {
  return WHITE_LIST.includes(path) || WHITE_LIST_PREFIXES.some((prefix) => path.startsWith(prefix))
}

const service = axios.create({
  baseURL: import.meta.env.VITE_APP_BASE_API || '/api/v1',
  timeout: 20000
})

/** The Accept-Language value for the dashboard's language: the API answers (and mails) in it. */
export function acceptLanguage(locale: string = getLocale()): string {
  return locale === 'en' ? 'en' : 'zh-CN'
}

// ---- silent renewal of the access token (docs/sessions.md, "Rotation")
//
// The refresh token is good once: presenting it twice ends the session (`refresh_reused`). So
// the renewal is one flight per tab (every request that needs it waits for the same one), runs
// under a lock shared by the tabs of the site (Web Locks, where the browser has them), and
// looks at the cookies first: a tab that finds a refresh token other than the one it set out
// to use takes the tokens another tab has just written instead of renewing again.

const REFRESH_LOCK = 'fva-token-refresh'
let inflight: Promise<string> | null = null

/** A renewal refused with a 401: the session is over and the tab has been signed out. Reads as
 * the 401 it is (`status`, `apiCode`), so the callers that look at those (the router guard) do. */
export class SessionEndedError extends Error {
  readonly status = 401
  readonly apiCode: string
  constructor(readonly code: string) {
    super(`session ended: ${code}`)
    this.name = 'SessionEndedError'
    this.apiCode = code
  }
}

interface LockManagerLike {
  request(name: string, callback: () => Promise<unknown>): Promise<unknown>
}

function withTabLock<T>(work: () => Promise<T>): Promise<T> {
  const locks = typeof navigator !== 'undefined' ? (navigator as Navigator & { locks?: LockManagerLike }).locks : undefined
  return locks && typeof locks.request === 'function' ? (locks.request(REFRESH_LOCK, work) as Promise<T>) : work()
}

async function rotate(before: string | undefined): Promise<string> {
  const current = getRefreshToken()
  const access = getToken()
  if (!current) {
    // signed out in another tab meanwhile
    signOut('token_revoked')
    throw new SessionEndedError('token_revoked')
  }
  if (current !== before && access) return access // another tab renewed while this one waited
  let pair: TokenPair
  try {
    pair = (await service.post('/user/token/refresh', { refresh_token: current }, { skipAuth: true, silent: true })) as unknown as TokenPair
  } catch (caught) {
    const err = caught as ApiError
    if (err && err.status === 401) {
      const code = err.apiCode || 'token_expired'
      signOut(code)
      throw new SessionEndedError(code)
    }
    throw caught
  }
  const expiry = getExpiry()
  setTokens(pair, { remember: !!(expiry && expiry.remember) })
  return pair.access_token
}

/**
 * Renew the access token: one flight for every caller of this tab, under the tabs' lock.
 * Resolves with the access token to use; rejects with a SessionEndedError when the API refused
 * the refresh token (the tab is then signed out), or with the request's error (network, 5xx).
 */
export function refreshSession(): Promise<string> {
  if (!inflight) {
    const before = getRefreshToken()
    inflight = withTabLock(() => rotate(before)).finally(() => {
      inflight = null
    })
  }
  return inflight
}

/** Whether the access token is due for renewal (within the margin before its expiry). */
export function renewalDue(now: number = Date.now()): boolean {
  const expiry = getExpiry()
  return !!expiry && !!getRefreshToken() && now >= expiry.at
}

function bearerOf(config: AxiosRequestConfig): string {
  const header = config.headers && (config.headers as Record<string, unknown>).Authorization
  return typeof header === 'string' ? header.replace(/^Bearer\s+/i, '') : ''
}

service.interceptors.request.use(async (config: InternalAxiosRequestConfig) => {
  if (!config.skipAuth && !config.retried && renewalDue()) {
    // Shortly before the expiry: renew first. A network failure lets the request go with the
    // current token (still good for a moment); an ended session stops it here.
    try {
      await refreshSession()
    } catch (caught) {
      if (caught instanceof SessionEndedError) throw caught
    }
  }
  const token = config.skipAuth ? undefined : getToken()
  if (config.headers) {
    if (token && !config.headers.Authorization) config.headers.Authorization = `Bearer ${token}`
    if (!config.headers['Accept-Language']) config.headers['Accept-Language'] = acceptLanguage()
  }
  return config
})

/** Seconds to wait from a Retry-After header (delta-seconds or an HTTP date); null when absent. */
export function parseRetryAfter(value: unknown, now: number = Date.now()): number | null {
  if (value === undefined || value === null || value === '') return null
  const text = String(value).trim()
  if (/^\d+$/.test(text)) return Number(text)
  const date = Date.parse(text)
  if (Number.isNaN(date)) return null
  return Math.max(0, Math.ceil((date - now) / 1000))
}

function fieldOf(loc: unknown): string {
  if (!Array.isArray(loc)) return ''
  // ["body", "email"] → "email"; the first element only says where the value came from.
  const parts = loc.filter((p: unknown) => typeof p !== 'string' || !['body', 'query', 'path', 'header', 'cookie'].includes(p))
  return parts.join('.')
}

/** Turn the API's `detail` (a string, or FastAPI's list of validation errors) into one line. */
export function formatDetail(detail: unknown, max = 3): string {
  if (detail === undefined || detail === null || detail === '') return ''
  if (typeof detail === 'string') return detail
  if (Array.isArray(detail)) {
    const lines = detail.slice(0, max).map((raw: unknown) => {
      if (typeof raw === 'string') return raw
      const item = raw as ValidationItem | null
      const field = fieldOf(item && item.loc)
      const msg = (item && item.msg) || ''
      // The API's schema sentences start with their field already (in the request's language).
      return field && !msg.startsWith(`${field} `) ? `${field}: ${msg}` : msg
    })
    const more = detail.length > max ? ` (+${detail.length - max})` : ''
    return lines.filter(Boolean).join('; ') + more
  }
  if (typeof detail === 'object' && (detail as ValidationItem).msg) return String((detail as ValidationItem).msg)
  try {
    return JSON.stringify(detail)
  } catch {
    return String(detail)
  }
}

function currentFullPath(): string {
  const route = router.currentRoute && router.currentRoute.value
  if (route && route.matched && route.matched.length) return route.fullPath
  // Before the first navigation has finished (a page load whose guard is still fetching the
  // user) the router has no current route yet: the address bar holds the page being opened.
  const { pathname, search, hash } = window.location
  return `${pathname}${search}${hash}`
}

function showError(message: string): void {
  ElMessage({ type: 'error', message, grouping: true, duration: 5000, showClose: true })
}

/** The dashboard's own words for an API error `code` (`request.codes.*`), '' when it has none. */
export function codeMessage(code: string | undefined): string {
  if (!code) return ''
  const key = `request.codes.${code}`
  return te(key) ? t(key) : ''
}

/** Why a session ended, in the dashboard's words (a revoked session, a reused refresh token). */
function endedMessage(code: string | undefined): string {
  const key = `request.ended.${code}`
  return code && te(key) ? t(key) : t('request.sessionExpired')
}

function handleUnauthorized(data: ErrorBody | undefined, config: AxiosRequestConfig): void {
  const hadToken = !!getToken()
  removeToken()
  const path = currentFullPath()
  const pathname = path.split('?')[0]
  const code = data && data.code
  if (isWhiteListed(pathname)) {
    // e.g. wrong credentials on the login form: say so, there is nowhere to redirect to.
    if (!config.silent) showError(codeMessage(code) || formatDetail(data && data.detail) || t('request.sessionExpired'))
    return
  }
  if (!config.silent && hadToken) showError(endedMessage(code))
  router.replace({ path: '/login', query: { redirect: path } })
}

/** Sign this tab out after the API refused to renew its session: the login page, with why. */
function signOut(code: string): void {
  removeToken()
  showError(endedMessage(code))
  const path = currentFullPath()
  if (isWhiteListed(path.split('?')[0])) return
  router.replace({ path: '/login', query: { redirect: path } })
}

/** A 401 `token_expired`: renew (or take the token another request or tab renewed) and retry once. */
async function renewAndRetry(error: ApiError, config: InternalAxiosRequestConfig): Promise<unknown> {
  const sent = bearerOf(config)
  const current = getToken()
  let token: string
  if (current && current !== sent && !renewalDue()) {
    token = current
  } else {
    try {
      token = await refreshSession()
    } catch (caught) {
      if (!(caught instanceof SessionEndedError) && !config.silent) showError(t('request.networkError'))
      error.status = 401
      error.apiCode = caught instanceof SessionEndedError ? caught.code : 'token_expired'
      error.detail = messageOf(error.response && error.response.data)
      return Promise.reject(error)
    }
  }
  config.headers.Authorization = `Bearer ${token}`
  config.retried = true
  return service.request(config)
}

service.interceptors.response.use(
  (response) => response.data,
  (error: ApiError) => {
    if (axios.isCancel(error)) return Promise.reject(error)
    // The renewal before this request found the session ended: already signed out and said.
    if (error instanceof SessionEndedError) return Promise.reject(error)
    const config: AxiosRequestConfig = error.config || {}
    const response = error.response
    if (!response) {
      if (!config.silent) {
        const timedOut = error.code === 'ECONNABORTED' || error.code === 'ETIMEDOUT'
        showError(timedOut ? t('request.timeout') : t('request.networkError'))
      }
      return Promise.reject(error)
    }
    const { status, data } = response
    const code = data && data.code
    const detail = messageOf(data)
    if (status === 401) {
      const internal = config as InternalAxiosRequestConfig
      if (config.skipAuth) {
        // the session machinery's own call: its caller decides
      } else if (code === 'token_expired' && !config.retried && getRefreshToken() && internal.headers) {
        return renewAndRetry(error, internal)
      } else {
        handleUnauthorized(data, config)
      }
    } else if (status === 403) {
      // A signed-in user without any role gets a dedicated page, not an error toast per request.
      // privilege_exceeded (granting what one does not hold) is said in the user's language.
      if (code !== 'no_role' && !config.silent) {
        showError(code === 'privilege_exceeded' ? t('request.privilegeExceeded') : detail || t('request.forbidden'))
      }
    } else if (status === 429) {
      if (!config.silent) {
        const seconds = parseRetryAfter(response.headers && response.headers['retry-after'])
        const worded = codeMessage(code)
        showError(worded || (seconds === null ? t('request.tooManyNoWait') : t('request.tooMany', { seconds })))
      }
    } else if (!config.silent) {
      let message = codeMessage(code) || detail
      if (!message) {
        if (status === 404) message = t('request.notFound')
        else if (status === 422) message = t('request.validation')
        else message = t('request.serverError', { status })
      }
      showError(message)
    }
    error.status = status
    error.apiCode = code
    error.detail = detail
    return Promise.reject(error)
  }
)

export default service
