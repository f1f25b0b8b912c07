import Cookies from 'js-cookie'

type CookieAttributes = Cookies.CookieAttributes

// A session's tokens live in cookies (readable by every tab of the site, so the tabs share one
// session and see each other's rotations): the access token, the refresh token and the times.
export const TOKEN_KEY = 'Admin-Token'
export const REFRESH_KEY = 'Admin-Refresh-Token'
/** `{"exp": ms, "at": ms, "remember": bool}`: when the access token expires, when to renew it. */
export const EXPIRY_KEY = 'Admin-Token-Expiry'

/** Renew this long before the access token expires, at most a fifth of its lifetime. */
export const REFRESH_MARGIN_MS = 60 * 1000

function cookieAttributes(): CookieAttributes {
  const attrs: CookieAttributes = { path: '/', sameSite: 'Lax' }
  if (typeof window !== 'undefined' && window.location && window.location.protocol === 'https:') {
    attrs.secure = true
  }
  return attrs
}

function persistent(remember: boolean, seconds: number): CookieAttributes {
  const attrs = cookieAttributes()
  if (remember && Number.isFinite(seconds) && seconds > 0) attrs.expires = new Date(Date.now() + seconds * 1000)
  return attrs
}

export function getToken(): string | undefined {
  return Cookies.get(TOKEN_KEY)
}

export function getRefreshToken(): string | undefined {
  return Cookies.get(REFRESH_KEY)
}

/** When the access token expires and when to renew it (ms since the epoch); null when unknown. */
export interface TokenExpiry {
  exp: number
  at: number
  remember: boolean
}

export function getExpiry(): TokenExpiry | null {
  const raw = Cookies.get(EXPIRY_KEY)
  if (!raw) return null
  try {
    const value = JSON.parse(raw) as Partial<TokenExpiry>
    if (typeof value.exp !== 'number' || typeof value.at !== 'number') return null
    return { exp: value.exp, at: value.at, remember: !!value.remember }
  } catch {
    return null
  }
}

/**
 * Store the access token.
 *
 * Without "remember me" the cookie is a session cookie (no Expires: the browser drops it when
 * it closes). With it, the cookie lives as long as the token itself (`expiresIn` seconds).
 */
export function setToken(token: string, { remember = false, expiresIn }: { remember?: boolean; expiresIn?: number } = {}): string | undefined {
  return Cookies.set(TOKEN_KEY, token, persistent(remember, Number(expiresIn)))
}

/** The login body (and the refresh answer): what a session's cookies are written from. */
export interface TokenPair {
  access_token: string
  token_type?: string
  expires_in: number
  refresh_token?: string
  refresh_expires_in?: number
}

/**
 * Store a session's tokens. With "remember me" the cookies outlive the browser for as long as
 * the refresh token lives (the access token is renewed from it), else they are session cookies.
 */
export function setTokens(pair: TokenPair, { remember = false }: { remember?: boolean } = {}): void {
  const seconds = Number(pair.refresh_expires_in || pair.expires_in)
  setToken(pair.access_token, { remember, expiresIn: seconds })
  const lifetime = Math.max(0, Number(pair.expires_in) || 0) * 1000
  const now = Date.now()
  if (pair.refresh_token) {
    Cookies.set(REFRESH_KEY, pair.refresh_token, persistent(remember, seconds))
    const expiry: TokenExpiry = { exp: now + lifetime, at: now + lifetime - Math.min(REFRESH_MARGIN_MS, lifetime / 5), remember }
    Cookies.set(EXPIRY_KEY, JSON.stringify(expiry), persistent(remember, seconds))
  } else {
    Cookies.remove(REFRESH_KEY, { path: '/' })
    Cookies.remove(EXPIRY_KEY, { path: '/' })
  }
}

/** Forget the session's tokens (all three cookies). */
export function removeToken(): void {
  Cookies.remove(TOKEN_KEY, { path: '/' })
  Cookies.remove(REFRESH_KEY, { path: '/' })
  Cookies.remove(EXPIRY_KEY, { path: '/' })
}
