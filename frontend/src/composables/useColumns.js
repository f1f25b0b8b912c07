import { reactive } from 'vue'
import { getItem, setItem } from '@/utils/storage'

const PREFIX = 'columns:'

/**
 * The columns of one list page that the right toolbar's column picker shows or hides.
 * `columns` is `{ key: label }` (`label` an i18n key), or `[{ key, label, visible? }]`;
 * the keys in `hidden` (or `visible: false`) start hidden until the user picks them. The choice is kept in localStorage under `columns:<page>`
 * as `{key: shown}`, so it survives a reload; keys it does not know take their default.
 */
export function useColumns(page, columns, { hidden = [] } = {}) {
  const list = Array.isArray(columns)
    ? columns
    : Object.entries(columns).map(([key, label]) => ({ key, label, visible: !hidden.includes(key) }))
  let saved = {}
  try {
    saved = JSON.parse(getItem(PREFIX + page, '{}')) || {}
  } catch {
    saved = {}
  }
  const items = reactive(
    list.map((c) => ({
      key: c.key,
      label: c.label,
      visible: typeof saved[c.key] === 'boolean' ? saved[c.key] : c.visible !== false
    }))
  )

  function persist() {
    setItem(PREFIX + page, JSON.stringify(Object.fromEntries(items.map((c) => [c.key, c.visible]))))
  }

  /** Whether the column `key` is shown (a key not under the picker always is). */
  function visible(key) {
    const item = items.find((c) => c.key === key)
    return item ? item.visible : true
  }

  function set(key, value) {
    const item = items.find((c) => c.key === key)
    if (!item) return
    item.visible = !!value
    persist()
  }

  return { page, items, visible, set }
}
