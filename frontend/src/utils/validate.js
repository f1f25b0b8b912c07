export const USERNAME_RE = /^[A-Za-z0-9_.@-]{3,64}$/
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
export const PHONE_RE = /^\+?[0-9][0-9\- ]{5,19}$/
export const LABEL_RE = /^perm:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/
export const ROLE_CODE_RE = /^[A-Za-z][A-Za-z0-9_-]{1,63}$/
export const MENU_NAME_RE = /^[A-Za-z0-9_:.-]{1,64}$/

export const PASSWORD_MIN = 6
export const PASSWORD_MAX = 64

export function isEmail(value) {
  return EMAIL_RE.test(String(value || ''))
}

/** Element Plus form rule: optional field that must match `re` when filled. */
export function optionalPattern(re, message) {
  return {
    validator(_rule, value, callback) {
      if (value === undefined || value === null || value === '' || re.test(String(value))) callback()
      else callback(new Error(typeof message === 'function' ? message() : message))
    },
    trigger: 'blur'
  }
}
