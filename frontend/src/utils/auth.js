import Cookies from 'js-cookie'

export const TOKEN_KEY = 'Admin-Token'

function cookieAttributes() {
  const attrs = { path: '/', sameSite: 'Lax' }
  if (typeof window !== 'undefined' && window.location && window.location.protocol === 'https:') {
    attrs.secure = true
  }
  return attrs
}

export function getToken() {
  return Cookies.get(TOKEN_KEY)
}

/**
 * Store the access token.
 *
 * Without "remember me" the cookie is a session cookie (no Expires: the browser drops it when
 * it closes). With it, the cookie lives as long as the token itself (`expiresIn` seconds).
 */
export function setToken(token, { remember = false, expiresIn } = {}) {
  const attrs = cookieAttributes()
  const seconds = Number(expiresIn)
  if (remember && Number.isFinite(seconds) && seconds > 0) {
    attrs.expires = new Date(Date.now() + seconds * 1000)
  }
  return Cookies.set(TOKEN_KEY, token, attrs)
}

export function removeToken() {
  Cookies.remove(TOKEN_KEY, { path: '/' })
}
