import { getLocale, t } from '@/locales'

/** Title of a route or sidebar item in the current language (menus carry title and title_en). */
export function menuTitle(item, locale = getLocale()) {
  if (!item) return ''
  if (item.titleKey) return t(item.titleKey)
  if (locale === 'en' && item.titleEn) return item.titleEn
  return item.title || ''
}

export function routeTitle(meta) {
  return menuTitle(meta || {})
}
