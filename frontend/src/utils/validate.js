import { t } from '@/locales'

export const USERNAME_RE = /^[A-Za-z0-9_.@-]{3,64}$/
export const EMAIL_RE = /^[^\s@]+@[^\s@]+\.[^\s@]+$/
export const PHONE_RE = /^\+?[0-9][0-9\- ]{5,19}$/
export const LABEL_RE = /^perm:[A-Za-z0-9_-]+:[A-Za-z0-9_-]+$/
export const ROLE_CODE_RE = /^[A-Za-z][A-Za-z0-9_-]{1,63}$/
export const MENU_NAME_RE = /^[A-Za-z0-9_:.-]{1,64}$/
/** Config parameter keys, as the backend checks them. */
export const CONFIG_KEY_RE = /^[A-Za-z][A-Za-z0-9_.:-]{0,99}$/
/** Post codes, as the backend checks them. */
export const POST_CODE_RE = /^[A-Za-z0-9_.:-]{1,64}$/
/** Dictionary type codes, as the backend checks them. */
export const DICT_CODE_RE = /^[a-z][a-z0-9_]{1,99}$/
/** Tag styles a dictionary item may carry ('' = none). */
export const DICT_CSS_CLASSES = ['default', 'primary', 'success', 'info', 'warning', 'danger']

export const PASSWORD_MIN = 8
export const PASSWORD_MAX = 128

export function isEmail(value) {
  return EMAIL_RE.test(String(value || ''))
}

/**
 * Rules of a new password (`password`, named by the text `labelKey`) and of its repetition
 * (`confirm`), for a form holding both.
 */
export function newPasswordRules(form, labelKey) {
  return {
    password: [
      { required: true, trigger: 'blur', message: () => t('common.required', { field: t(labelKey) }) },
      { min: PASSWORD_MIN, max: PASSWORD_MAX, trigger: 'blur', message: () => t('register.passwordRule') }
    ],
    confirm: [
      {
        trigger: 'blur',
        validator: (_r, value, cb) => (value === form.password ? cb() : cb(new Error(t('common.passwordMismatch'))))
      }
    ]
  }
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
