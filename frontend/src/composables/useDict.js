import { reactive, toRefs } from 'vue'
import { getDictItems } from '@/api/dict'
import { getLocale } from '@/locales'

/**
 * Built-in items used while the dictionary module of the backend is missing or unreachable.
 * `label_en` is a frontend-only extra so the fallback follows the language switch.
 */
export const DEFAULT_DICTS = {
  sys_user_status: [
    { label: '正常', label_en: 'Enabled', value: '1', css_class: 'success' },
    { label: '停用', label_en: 'Disabled', value: '0', css_class: 'danger' }
  ],
  sys_common_status: [
    { label: '正常', label_en: 'Enabled', value: '1', css_class: 'success' },
    { label: '停用', label_en: 'Disabled', value: '0', css_class: 'danger' }
  ],
  sys_menu_type: [
    { label: '目录', label_en: 'Directory', value: 'dir', css_class: 'warning' },
    { label: '菜单', label_en: 'Menu', value: 'menu', css_class: 'primary' },
    { label: '按钮', label_en: 'Button', value: 'button', css_class: 'info' }
  ],
  sys_yes_no: [
    { label: '是', label_en: 'Yes', value: 'Y', css_class: 'primary' },
    { label: '否', label_en: 'No', value: 'N', css_class: 'info' }
  ]
}

// type code -> { items: reactive array, promise, fallbackAt }
const cache = new Map()
const RETRY_AFTER_MS = 60 * 1000

function normalize(items) {
  if (!Array.isArray(items)) return null
  return items
    .filter((it) => it && it.value !== undefined && it.value !== null)
    .map((it) => ({
      label: it.label,
      label_en: it.label_en,
      value: String(it.value),
      css_class: it.css_class || it.list_class || ''
    }))
}

function fetchInto(type, entry) {
  entry.promise = getDictItems(type)
    .then((res) => {
      const items = normalize(res)
      if (!items || !items.length) throw new Error('empty dictionary')
      entry.items.splice(0, entry.items.length, ...items)
      entry.fallbackAt = 0
    })
    .catch(() => {
      if (!entry.items.length || entry.fallbackAt) {
        entry.items.splice(0, entry.items.length, ...(DEFAULT_DICTS[type] || []).map((it) => ({ ...it })))
      }
      entry.fallbackAt = Date.now()
    })
  return entry.promise
}

function load(type) {
  let entry = cache.get(type)
  if (!entry) {
    entry = { items: reactive([]), promise: null, fallbackAt: 0 }
    cache.set(type, entry)
    fetchInto(type, entry)
  } else if (entry.fallbackAt && Date.now() - entry.fallbackAt > RETRY_AFTER_MS) {
    // Showing the defaults: the dictionary module may have come up since, ask again.
    entry.fallbackAt = Date.now()
    fetchInto(type, entry)
  }
  return entry
}

/**
 * `const { sys_user_status } = useDict('sys_user_status')`: reactive arrays of
 * `{label, value, css_class}` filled from `GET /system/dict/{type}`, cached for the session,
 * falling back to built-in defaults when the request fails.
 */
export function useDict(...types) {
  const result = {}
  for (const type of types) result[type] = load(type).items
  return toRefs(reactive(result))
}

/** Wait until the given dictionaries have loaded (or fallen back). */
export function dictReady(...types) {
  return Promise.all(types.map((type) => load(type).promise))
}

export function clearDictCache(type) {
  if (type) cache.delete(type)
  else cache.clear()
}

const TRUE_WORDS = ['1', 'y', 'yes', 'true', 'on']
const FALSE_WORDS = ['0', 'n', 'no', 'false', 'off']

function canonical(value) {
  if (value === true) return 'true'
  if (value === false) return 'false'
  const text = String(value ?? '').trim().toLowerCase()
  if (TRUE_WORDS.includes(text)) return 'true'
  if (FALSE_WORDS.includes(text)) return 'false'
  return text
}

/** Match an item value against a field value: "1" matches 1 and true, "N" matches false. */
export function dictValueEquals(itemValue, value) {
  if (String(itemValue) === String(value)) return true
  return canonical(itemValue) === canonical(value)
}

export function findDictItem(items, value) {
  return (items || []).find((it) => dictValueEquals(it.value, value)) || null
}

export function dictLabel(item, locale = getLocale()) {
  if (!item) return ''
  if (locale === 'en' && item.label_en) return item.label_en
  return item.label
}

/** Label for a value, or the value itself when the dictionary has no such item. */
export function selectDictLabel(items, value) {
  const item = findDictItem(items, value)
  return item ? dictLabel(item) : value === undefined || value === null ? '' : String(value)
}
