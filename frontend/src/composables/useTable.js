import { computed, reactive, ref } from 'vue'
import { cleanParams, dateRangeParams } from '@/utils/format'

/**
 * State of a server-paginated list page.
 * `fetcher(params)` answers `{items, total, page, size}`; `toParams(query)` turns the search
 * form into API filters, defaulting to the query minus empty values; each field named in
 * `dateRanges` (a [from, to] of the search form) is sent as `<name>_start` / `<name>_end`
 * bounds (see dateRangeParams) before that.
 * `fields` (a list, or a function giving it, read again when what it reads changes) are the
 * search card's fields (see SearchForm), answered as `fields` for TableCard: each starts empty
 * ('' , or [] for a 'daterange', which is sent as bounds), before `defaults`; `sortable` adds
 * the `sort` / `order` of onSortChange.
 */
export function useTable(fetcher, { fields, sortable = false, defaults = {}, toParams, dateRanges = [], immediate = true } = {}) {
  const fieldList = typeof fields === 'function' ? fields : () => fields || []
  const initialFields = fieldList()
  dateRanges = [...dateRanges, ...initialFields.filter((f) => f.type === 'daterange').map((f) => f.prop)]
  defaults = {
    ...Object.fromEntries(initialFields.map((f) => [f.prop, f.type === 'daterange' ? [] : ''])),
    ...(sortable ? { sort: '', order: '' } : {}),
    ...defaults
  }
  const initial = () => ({ page: 1, size: 10, ...JSON.parse(JSON.stringify(defaults)) })
  const query = reactive(initial())
  const list = ref([])
  const total = ref(0)
  const loading = ref(false)
  let seq = 0

  async function getList() {
    const mine = ++seq
    loading.value = true
    try {
      let params = { ...query }
      for (const name of dateRanges) {
        const { [name]: range, ...rest } = params
        params = { ...rest, ...dateRangeParams(range, name) }
      }
      params = cleanParams(toParams ? toParams(params) : params)
      const res = await fetcher(params)
      if (mine !== seq) return // a newer request is on its way
      list.value = (res && res.items) || []
      total.value = (res && res.total) || 0
      // Deleting the last row of the last page: step back to a page that has rows.
      if (!list.value.length && total.value > 0 && query.page > 1) {
        query.page = Math.max(1, Math.ceil(total.value / query.size))
        return getList()
      }
    } catch {
      if (mine === seq) list.value = []
    } finally {
      if (mine === seq) loading.value = false
    }
  }

  function handleQuery() {
    query.page = 1
    return getList()
  }

  function resetQuery() {
    const fresh = initial()
    for (const key of Object.keys(query)) if (!(key in fresh)) delete query[key]
    Object.assign(query, fresh, { size: query.size })
    return getList()
  }

  /** A table's `@sort-change`: the column's `prop` is the API's `sort`, asc or desc. */
  function onSortChange({ prop, order }) {
    query.sort = order ? prop : ''
    query.order = order === 'ascending' ? 'asc' : order === 'descending' ? 'desc' : ''
    return handleQuery()
  }

  if (immediate) getList()

  return { query, list, total, loading, getList, handleQuery, resetQuery, onSortChange, fields: fields ? computed(fieldList) : null }
}
