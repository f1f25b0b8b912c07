import { reactive, unref } from 'vue'
import { getItem, setItem } from '@/utils/storage'

const PREFIX = 'columns:'

/** The id column of a list, `width` wide (`sort`: the API sorts by it). */
export const idColumn = (width, { sort = false } = {}) => ({ prop: 'id', label: 'common.id', width, sort })

/** The creation time column of a list (`label` an i18n key; `sort`: the API sorts by it; `search`: a date range filter). */
export const createdColumn = ({ sort = false, label = 'common.createdTime', width, search = false } = {}) => ({ key: 'created', prop: 'created_time', label, time: true, sort, width, search })

/**
 * The columns of one list page that the right toolbar's column picker shows or hides.
 * `columns` is `{ key: label }` (`label` an i18n key), or a list of column definitions
 * `[{ key (default: prop), label, visible?, prop, width, min (min-width; such a column ellipsises
 * a long value with a tooltip unless `tip: false`), sort (server sort), align, fixed, code (the
 * value set as code), time (a
 * TimeColumn; dash, cellClass), dict (a DictColumn: a useDict list or its ref) }]` that
 * DataColumns renders (`defs`); idColumn and createdColumn give the two every table has;
 * a column with `search` (true, or the field's own settings) is also a field of the search
 * card, in the same order (`search()` answers them for useTable's `fields`: a `dict` column is
 * a select of it, a `time` one a date range named after its key, else a text input);
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

  /** The search card's fields: the columns marked `search`. */
  function search() {
    return list
      .filter((c) => c.search)
      .map((c) => {
        const kind = c.time ? { prop: c.key, type: 'daterange' } : c.dict ? { prop: c.prop, type: 'select', dict: c.dict } : { prop: c.prop }
        const field = { label: c.label, ...kind, ...(c.search === true ? {} : c.search) }
        return { ...field, dict: unref(field.dict), options: unref(field.options) }
      })
  }

  return { page, items, defs: Array.isArray(columns) ? list : [], visible, set, search }
}
