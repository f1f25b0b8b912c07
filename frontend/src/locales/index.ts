import { createI18n } from 'vue-i18n'
import zhCN from './zh-CN'
import en from './en'
import { getItem, setItem } from '@/utils/storage'
import { moduleMessages, type Messages } from '@/modules'

export const LANG_KEY = 'lang'
export type Locale = 'zh-CN' | 'en'

export const SUPPORTED_LOCALES: Array<{ value: Locale; label: string }> = [
  { value: 'zh-CN', label: '简体中文' },
  { value: 'en', label: 'English' }
]
export const DEFAULT_LOCALE: Locale = 'zh-CN'

/** The dashboard's messages: its own catalogues plus each module's (src/modules.ts). */
export const messages = {
  'zh-CN': moduleMessages('zh-CN', zhCN as Messages),
  en: moduleMessages('en', en as Messages)
}

function isLocale(value: unknown): value is Locale {
  return SUPPORTED_LOCALES.some((l) => l.value === value)
}

function initialLocale(): Locale {
  const saved = getItem(LANG_KEY)
  return isLocale(saved) ? saved : DEFAULT_LOCALE
}

const i18n = createI18n({
  legacy: false,
  globalInjection: true,
  locale: initialLocale(),
  fallbackLocale: DEFAULT_LOCALE,
  messages,
  missingWarn: false,
  fallbackWarn: false
})

export function getLocale(): Locale {
  return i18n.global.locale.value
}

export function setLocale(locale: string): void {
  if (!isLocale(locale)) return
  i18n.global.locale.value = locale
  setItem(LANG_KEY, locale)
  if (typeof document !== 'undefined') document.documentElement.setAttribute('lang', locale)
}

/** Whether `key` has a text in the current (or the fallback) locale. */
export function te(key: string): boolean {
  return i18n.global.te(key) || i18n.global.te(key, DEFAULT_LOCALE)
}

/** Translate outside of components (interceptors, stores, router guards). */
export function t(key: string, values?: Record<string, unknown>): string {
  return i18n.global.t(key, values || {})
}

export default i18n
