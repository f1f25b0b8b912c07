// Spreadsheet reports (`/report`): which the caller may export or import, and the files.
import request from '@/utils/request'
import { getToken } from '@/utils/auth'
import { requestFile, uploadFile } from '@/utils/download'

// One read per signed-in user: the answer depends on the caller's labels.
let cached = null

/** `[{name, title, title_en, can_export, can_import, columns, import_columns}]`, cached per token. */
export function listReports() {
  const token = getToken() || ''
  if (!cached || cached.token !== token) {
    const entry = { token, promise: null }
    entry.promise = request.get('/report', { silent: true }).catch((err) => {
      if (cached === entry) cached = null // let the next caller try again
      throw err
    })
    cached = entry
  }
  return cached.promise
}

export function clearReportCache() {
  cached = null
}

/** `.xlsx` of the rows the list filters `params` select: `{blob, filename}`. */
export function exportReport(name, params) {
  return requestFile({ url: `/report/${encodeURIComponent(name)}/export`, params, fallbackName: `${name}.xlsx` })
}

/** The import sheet: header row and one example row. */
export function downloadReportTemplate(name) {
  return requestFile({ url: `/report/${encodeURIComponent(name)}/template`, fallbackName: `${name}_template.xlsx` })
}

/** Import every row or none: `{count}`, or 422 `import_rejected` with `[{row, column, message}]`. */
export function importReport(name, file, config = {}) {
  return uploadFile(`/report/${encodeURIComponent(name)}/import`, file, config)
}
