import Cookies from 'js-cookie'

type CookieAttributes = Cookies.CookieAttributes

export const TOKEN_KEY = 'Admin-Token'

function cookieAttributes(): CookieAttributes {
  const attrs: CookieAttributes = { path: '/', sameSite: 'Lax' }
  if (typeof window !== 'undefined' && window.location && window.location.protocol === 'https:') {
    attrs.secure = true
  }
  return attrs
}

export function getToken(): string | undefined {
  return Cookies.get(TOKEN_KEY)
}

/**
 * Store the access token.
 *
 * Without "remember me" the cookie is a session cookie (no Expires: the browser drops it when
 * it closes). With it, the cookie lives as long as the token itself (`expiresIn` seconds).
 */
export function setToken(token: string, { remember = false, expiresIn }: { remember?: boolean; expiresIn?: number } = {}): string | undefined {
  const attrs = cookieAttributes()
  const seconds = Number(expiresIn)
  if (remember && Number.isFinite(seconds) && seconds > 0) {
    attrs.expires = new Date(Date.now() + seconds * 1000)
  }
  return Cookies.set(TOKEN_KEY, token, attrs)
}

export function removeToken(): void {
  Cookies.remove(TOKEN_KEY, { path: '/' })
}
