function pad(n) {
  return String(n).padStart(2, '0')
}

/** "2024-05-01T08:30:00Z" → "2024-05-01 16:30:00" in the browser's time zone. */
export function formatDateTime(value, withSeconds = true) {
  if (!value) return ''
  const date = value instanceof Date ? value : new Date(value)
  if (Number.isNaN(date.getTime())) return String(value)
  const day = `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}`
  const time = `${pad(date.getHours())}:${pad(date.getMinutes())}${withSeconds ? `:${pad(date.getSeconds())}` : ''}`
  return `${day} ${time}`
}

export function formatDate(value) {
  return formatDateTime(value).slice(0, 10)
}

function offset(date) {
  const minutes = -date.getTimezoneOffset()
  const sign = minutes >= 0 ? '+' : '-'
  const abs = Math.abs(minutes)
  return `${sign}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`
}

/** ISO 8601 with the local offset, e.g. "2024-05-01T00:00:00+08:00". */
export function toLocalIso(date) {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())}` +
    `T${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}${offset(date)}`
  )
}

/**
 * A date-range picker value (["2024-05-01", "2024-05-31"]) as list filters:
 * `{created_start: <first day 00:00:00>, created_end: <last day 23:59:59>}`.
 */
export function dateRangeParams(range, prefix = 'created') {
  if (!Array.isArray(range) || range.length !== 2 || !range[0] || !range[1]) return {}
  const [y1, m1, d1] = String(range[0]).split('-').map(Number)
  const [y2, m2, d2] = String(range[1]).split('-').map(Number)
  return {
    [`${prefix}_start`]: toLocalIso(new Date(y1, m1 - 1, d1, 0, 0, 0)),
    [`${prefix}_end`]: toLocalIso(new Date(y2, m2 - 1, d2, 23, 59, 59))
  }
}

/** Drop empty filter values so the query string only carries what the user set. */
export function cleanParams(params) {
  const out = {}
  for (const [key, value] of Object.entries(params || {})) {
    if (value === undefined || value === null || value === '') continue
    if (Array.isArray(value) && !value.length) continue
    out[key] = typeof value === 'string' ? value.trim() : value
  }
  return out
}

export function formatDuration(ms) {
  if (ms === undefined || ms === null || ms === '') return ''
  const n = Number(ms)
  if (Number.isNaN(n)) return String(ms)
  return n >= 1000 ? `${(n / 1000).toFixed(2)} s` : `${Math.round(n)} ms`
}
