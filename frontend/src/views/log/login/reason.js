import { t, te } from '@/locales'

/**
 * A login-log row's reason in the dashboard's language. The API stores a stable code
 * (`wrong_password`); rows written before the codes hold the same words with spaces
 * ("wrong password"). Anything else (a future reason) shows as stored.
 */
export function loginReason(message) {
  if (!message) return ''
  const code = String(message).trim().toLowerCase().replace(/\s+/g, '_')
  const key = `log.reasons.${code}`
  return te(key) ? t(key) : message
}
