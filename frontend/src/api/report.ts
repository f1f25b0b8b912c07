// Spreadsheet reports (`/report`): which the caller may export or import, and the files.
import { api, type Schemas } from './client'
import { getToken } from '@/utils/auth'
import { requestFile, uploadFile, type DownloadedFile, type UploadConfig } from '@/utils/download'

export type Report = Schemas['ReportOut']

// One read per signed-in user: the answer depends on the caller's labels.
let cached: { token: string; promise: Promise<Report[]> | null } | null = null

/** The reports the caller may export or import, with their columns; cached per token. */
export function listReports(): Promise<Report[]> {
  const token = getToken() || ''
  if (!cached || cached.token !== token) {
    const entry: { token: string; promise: Promise<Report[]> | null } = { token, promise: null }
    entry.promise = api.get('/report', { config: { silent: true } }).catch((err: unknown) => {
      if (cached === entry) cached = null // let the next caller try again
      throw err
    })
    cached = entry
  }
  return cached.promise as Promise<Report[]>
}

export function clearReportCache(): void {
  cached = null
}

/** `.xlsx` of the rows the list filters `params` select. */
export function exportReport(name: string, params?: object): Promise<DownloadedFile> {
  return requestFile({ url: '/report/{name}/export', path: { name }, params, fallbackName: `${name}.xlsx` })
}

/** The import sheet: header row and one example row. */
export function downloadReportTemplate(name: string): Promise<DownloadedFile> {
  return requestFile({ url: '/report/{name}/template', path: { name }, fallbackName: `${name}_template.xlsx` })
}

/** Import every row or none: `{count}`, or 422 `import_rejected` with `[{row, column, message}]`. */
export function importReport(name: string, file: Blob, config: UploadConfig = {}): Promise<Schemas['ImportOut']> {
  return uploadFile('/report/{name}/import', file, { ...config, path: { name } })
}
