import { reactive } from 'vue'
import { getItem, setItem } from '@/utils/storage'

const PREFIX = 'columns:'

/** The id column of a list, `width` wide (`sort`: the API sorts by it). */
export const idColumn = (width, { sort = false } = {}) => ({ prop: 'id', label: 'common.id', width, sort })

/** The creation time column of a list (`label` an i18n key; `sort`: the API sorts by it). */
export const createdColumn = ({ sort = false, label = 'common.createdTime', width } = {}) => ({ key: 'created', prop: 'created_time', label, time: true, sort, width })

/**
 * The columns of one list page that the right toolbar's column picker shows or hides.
 * `columns` is `{ key: label }` (`label` an i18n key), or a list of column definitions
 * `[{ key (default: prop), label, visible?, prop, width, min (min-width; such a column ellipsises
 * a long value with a tooltip unless `tip: false`), sort (server sort), align, fixed, time (a
 * TimeColumn; dash, cellClass), dict (a DictColumn: a useDict list or its ref) }]` that
 * DataColumns renders (`defs`); idColumn and createdColumn give the two every table has;
 * the keys in `hidden` (or `visible: false`) start hidden until the user picks them. The choice is kept in localStorage under `columns:<page>`
 * as `{key: shown}`, so it survives a reload; keys it does not know take their default.
 */
export function useColumns(page, columns, { hidden = [] } = {}) {
  const list = Array.isArray(columns)
    ? columns.map((c) => ({
        ...c,
        key: c.key || c.prop,
        tip: c.tip ?? c.min !== undefined,
        visible: c.visible !== false && !hidden.includes(c.key || c.prop)
      }))
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

  return { page, items, defs: Array.isArray(columns) ? list : [], visible, set }
}
