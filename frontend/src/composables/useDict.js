import { reactive, toRefs } from 'vue'
import { getDictItems } from '@/api/dictionary'
import { getLocale } from '@/locales'
import { moduleDicts } from '@/modules'

/**
 * Built-in items, used only while `GET /system/dict/{type}` fails (backend down, module
 * missing, no permission). They mirror the seeded dictionaries so the pages read the same.
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
    { label: '菜单', label_en: 'Menu', value: 'menu', css_class: 'success' },
    { label: '按钮', label_en: 'Button', value: 'button', css_class: 'info' }
  ],
  sys_yes_no: [
    { label: '是', label_en: 'Yes', value: '1', css_class: 'primary' },
    { label: '否', label_en: 'No', value: '0', css_class: 'info' }
  ],
  sys_login_status: [
    { label: '成功', label_en: 'Success', value: 'success', css_class: 'success' },
    { label: '失败', label_en: 'Failed', value: 'failed', css_class: 'danger' },
    { label: '退出', label_en: 'Signed out', value: 'logout', css_class: 'info' }
  ],
  // and those of the dashboard's modules (src/modules.ts)
  ...moduleDicts()
}

// type code -> { items: reactive array, promise, fallbackAt }
const cache = new Map()
const RETRY_AFTER_MS = 60 * 1000

function normalize(items) {
  if (!Array.isArray(items)) return null
  return items
    .filter((it) => it && it.value !== undefined && it.value !== null)
    .map((it, index) => ({
      label: it.label,
      label_en: it.label_en || '',
      value: String(it.value),
      css_class: it.css_class || it.list_class || '',
      sort: Number.isFinite(Number(it.sort)) ? Number(it.sort) : index
    }))
    .sort((a, b) => a.sort - b.sort)
}

function fetchInto(type, entry) {
  entry.promise = getDictItems(type)
    .then((res) => {
      const items = normalize(res)
      if (!items) throw new Error('not a dictionary')
      // An empty answer is a real dictionary (every item disabled): no fallback for it.
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
 * `{label, label_en, value, css_class, sort}` filled from `GET /system/dict/{type}`, cached for
 * the session, falling back to built-in defaults only when the request fails. Show an item with
 * `dictLabel(item)` (or `DictTag`): `label_en` in English when it has one, else `label`.
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

/**
 * Ask the server again for dictionaries already in use (after editing them), updating the
 * arrays that pages hold; types not loaded yet are left for their first use.
 */
export function reloadDict(...types) {
  const wanted = types.length ? types : [...cache.keys()]
  return Promise.all(
    wanted.map((type) => {
      const entry = cache.get(type)
      return entry ? fetchInto(type, entry) : undefined
    })
  )
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
