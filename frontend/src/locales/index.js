import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'
import { getItem, setItem } from '@/utils/storage'

export const LANG_KEY = 'lang'
export const SUPPORTED_LOCALES = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' }
]
export const DEFAULT_LOCALE = 'zh-CN'

function initialLocale() {
  const saved = getItem(LANG_KEY)
  return SUPPORTED_LOCALES.some((l) => l.value === saved) ? saved : DEFAULT_LOCALE
}

const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: initialLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages: { 'zh-CN': zhCN, en },
  missingWarn: false,
  fallbackWarn: false
})

export function getLocale() {
  return i18n.global.locale.value
}

export function setLocale(locale) {
  if (!SUPPORTED_LOCALES.some((l) => l.value === locale)) return
  i18n.global.locale.value = locale
  setItem(LANG_KEY, locale)
  if (typeof document !== 'undefined') document.documentElement.setAttribute('lang', locale)
}

/** Whether `key` has a text in the current (or the fallback) locale. */
export function te(key) {
  return i18n.global.te(key) || i18n.global.te(key, DEFAULT_LOCALE)
}

/** Translate outside of components (interceptors, stores, router guards). */
export function t(key, values) {
  return i18n.global.t(key, values || {})
}

export default i18n
