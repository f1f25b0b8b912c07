// Pure helpers of the ExcelToolbar: list filters → export parameters, import errors → text.
import { cleanParams, dateRangeParams } from '@/utils/format'
import { formatDetail } from '@/utils/request'

/** Codes of a refused upload (400 / 413) that have their own translated message. */
export const UPLOAD_ERROR_CODES = [
  'not_a_spreadsheet',
  'spreadsheet_too_large',
  'zip_bomb',
  'spreadsheet_unsafe',
  'too_many_rows',
  'payload_too_large'
]

// Paging does not select rows for an export (it takes them all), and the API refuses
// parameters its list does not know.
const NOT_FILTERS = new Set(['page', 'size'])
const DAY_RE = /^\d{4}-\d{2}-\d{2}$/

/**
 * The export's query string from a page's list query: empty values and paging dropped, a
 * date-range picker value `created: ['2026-01-01', '2026-01-31']` becomes
 * `created_start` / `created_end` (as the pages' `toParams` do).
 */
export function exportParams(query) {
  const out = {}
  for (const [key, value] of Object.entries(query || {})) {
    if (NOT_FILTERS.has(key)) continue
    if (Array.isArray(value) && value.length === 2 && value.every((v) => DAY_RE.test(String(v || '')))) {
      Object.assign(out, dateRangeParams(value, key))
    } else if (Array.isArray(value) && value.length === 2 && value.every((v) => !v)) {
      continue // a cleared range picker
    } else {
      out[key] = value
    }
  }
  return cleanParams(out)
}

function bodyOf(err) {
  return (err && err.response && err.response.data) || {}
}

/** The `[{row, column, message}]` of a 422 `import_rejected`, else []. */
export function importErrorRows(err) {
  const body = bodyOf(err)
  if (!err || !err.response || err.response.status !== 422 || !Array.isArray(body.errors)) return []
  if (body.code && body.code !== 'import_rejected') return []
  return body.errors
    .filter((d) => d && typeof d === 'object' && ('row' in d || 'message' in d))
    .map((d) => ({ row: d.row ?? '', column: d.column ?? '', message: d.message ?? d.msg ?? '' }))
}

/** One line for any other failed import: the translated code, plus the server's specifics. */
export function importErrorMessage(err, t) {
  const body = bodyOf(err)
  const code = body.code || (err && err.apiCode) || ''
  const detail = formatDetail(body.detail) || (err && err.detail) || ''
  if (!err || !err.response) return t('request.networkError')
  if (UPLOAD_ERROR_CODES.includes(code) || err.response.status === 413) {
    const known = t(`excel.errors.${UPLOAD_ERROR_CODES.includes(code) ? code : 'payload_too_large'}`)
    return detail && detail !== known ? `${known} (${detail})` : known
  }
  if (err.response.status === 403) return detail || t('request.forbidden')
  return detail || t('request.serverError', { status: err.response.status })
}
