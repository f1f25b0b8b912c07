import axios, { type AxiosError, type AxiosRequestConfig, type InternalAxiosRequestConfig } from 'axios'
import { ElMessage } from 'element-plus'
import router from '@/router'
import { getToken, removeToken } from '@/utils/auth'
import { getLocale, t } from '@/locales'

declare module 'axios' {
  interface AxiosRequestConfig {
    /** No toast for this request's errors: the caller says what went wrong. */
    silent?: boolean
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

service.interceptors.request.use((config: InternalAxiosRequestConfig) => {
  const token = getToken()
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

function handleUnauthorized(data: ErrorBody | undefined, config: AxiosRequestConfig): void {
  const hadToken = !!getToken()
  removeToken()
  const path = currentFullPath()
  const pathname = path.split('?')[0]
  if (isWhiteListed(pathname)) {
    // e.g. wrong credentials on the login form: say so, there is nowhere to redirect to.
    if (!config.silent) showError(formatDetail(data && data.detail) || t('request.sessionExpired'))
    return
  }
  if (!config.silent && hadToken) showError(t('request.sessionExpired'))
  router.replace({ path: '/login', query: { redirect: path } })
}

service.interceptors.response.use(
  (response) => response.data,
  (error: ApiError) => {
    if (axios.isCancel(error)) return Promise.reject(error)
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
      handleUnauthorized(data, config)
    } else if (status === 403) {
      // A signed-in user without any role gets a dedicated page, not an error toast per request.
      // privilege_exceeded (granting what one does not hold) is said in the user's language.
      if (code !== 'no_role' && !config.silent) {
        showError(code === 'privilege_exceeded' ? t('request.privilegeExceeded') : detail || t('request.forbidden'))
      }
    } else if (status === 429) {
      if (!config.silent) {
        const seconds = parseRetryAfter(response.headers && response.headers['retry-after'])
        showError(seconds === null ? t('request.tooManyNoWait') : t('request.tooMany', { seconds }))
      }
    } else if (!config.silent) {
      let message = detail
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
