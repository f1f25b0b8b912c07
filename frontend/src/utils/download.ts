// File downloads and uploads through the shared axios instance (token, Accept-Language, the
// error toasts and the 401 redirect all still apply).
import type { AxiosProgressEvent, AxiosRequestConfig, AxiosResponseHeaders, RawAxiosResponseHeaders } from 'axios'
import request from '@/utils/request'
import { fillPath, type ApiPath, type ResponseOf } from '@/api/client'

/** A file the API answered: its bytes, the name from `Content-Disposition`, its type. */
export interface DownloadedFile {
  blob: Blob
  filename: string
  type: string
}

type Headers = AxiosResponseHeaders | RawAxiosResponseHeaders | undefined

/** Long transfers (a whole backup, a big spreadsheet) must not hit the default 20 s timeout. */
export const TRANSFER_TIMEOUT = 10 * 60 * 1000

function headerOf(headers: Headers, name: string): string {
  if (!headers) return ''
  if (typeof headers.get === 'function') return String(headers.get(name) || '')
  const raw = headers as Record<string, unknown>
  const key = Object.keys(raw).find((k) => k.toLowerCase() === name)
  return key ? String(raw[key] || '') : ''
}

// Bytes as a Latin-1 string ("%E9" → "é") for an ISO-8859-1 `filename*`.
function percentDecodeLatin1(text: string): string {
  return text.replace(/%([0-9a-f]{2})/gi, (_, hex: string) => String.fromCharCode(parseInt(hex, 16)))
}

// Keep only the last path segment and drop control characters: the name comes from the network.
function safeName(name: unknown): string {
  const base = String(name || '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .split(/[\\/]/)
    .pop()!
    .trim()
  return base === '.' || base === '..' ? '' : base
}

function unquote(value: string): string {
  const text = value.trim()
  if (text.length >= 2 && text.startsWith('"') && text.endsWith('"')) {
    return text.slice(1, -1).replace(/\\(.)/g, '$1')
  }
  return text
}

/**
 * The file name of a `Content-Disposition` header: the RFC 5987 / 6266 `filename*` first
 * (`filename*=UTF-8''%E7%94%A8%E6%88%B7.xlsx` → "用户.xlsx"), then the plain `filename`
 * (quoted or not), else `fallback`.
 */
export function filenameFromDisposition(header: unknown, fallback = ''): string {
  const text = String(header || '')
  // `filename*=charset'lang'value`; the value may (wrongly, but it happens) be quoted.
  const star = /(?:^|;)\s*filename\*\s*=\s*("[^"]*"|[^;]*)/i.exec(text)
  if (star) {
    const value = unquote(star[1])
    const parts = /^([^']*)'[^']*'(.*)$/.exec(value)
    if (parts) {
      const charset = parts[1].trim().toLowerCase()
      try {
        const decoded = charset === 'iso-8859-1' || charset === 'latin1' ? percentDecodeLatin1(parts[2]) : decodeURIComponent(parts[2])
        const name = safeName(decoded)
        if (name) return name
      } catch {
        /* malformed percent-encoding: fall back to the plain filename */
      }
    }
  }
  const plain = /(?:^|;)\s*filename\s*=\s*("(?:[^"\\]|\\.)*"|[^;]*)/i.exec(text)
  if (plain) {
    const name = safeName(unquote(plain[1]))
    if (name) return name
  }
  return fallback
}

function decodeJson(data: unknown): unknown {
  if (data === undefined || data === null || data === '') return data
  let text: unknown = data
  // (By tag, not instanceof: the buffer may come from another realm, e.g. a test's fake API.)
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]' || ArrayBuffer.isView(data)) {
    text = new TextDecoder('utf-8').decode(data as ArrayBuffer)
  }
  if (typeof text !== 'string') return data
  try {
    return JSON.parse(text)
  } catch {
    return text
  }
}

/**
 * A response transform for binary answers: an error (or a JSON body) is decoded so the
 * request interceptor reads `detail` and `code` as usual; a file becomes `{blob, filename, type}`.
 */
function fileTransform(fallbackName: string) {
  return function transform(data: unknown, headers: Headers, status?: number): unknown {
    const type = String(headerOf(headers, 'content-type'))
    if ((status && status >= 400) || type.includes('application/json')) return decodeJson(data)
    const blob = data instanceof Blob ? data : new Blob([data as BlobPart], { type: type || 'application/octet-stream' })
    const file: DownloadedFile = { blob, filename: filenameFromDisposition(headerOf(headers, 'content-disposition'), fallbackName), type }
    return file
  }
}

/**
 * Fetch a file: resolves `{blob, filename, type}`, the name taken from `Content-Disposition`.
 * Errors reject as for any other request (the interceptor shows the server's `detail`).
 */
export interface FileRequest extends Omit<AxiosRequestConfig, 'url'> {
  /** A route of the API (`/report/{name}/export`), its parameters in `path`. */
  url: ApiPath<'get'> | ApiPath<'post'>
  path?: Record<string, string | number>
  /** The name when the answer carries none. */
  fallbackName?: string
}

export function requestFile({ url, path, method = 'get', params, data, fallbackName = 'download', ...config }: FileRequest): Promise<DownloadedFile> {
  // The response interceptor answers the transformed body: the DownloadedFile.
  return request.request<DownloadedFile, DownloadedFile>({
    url: fillPath(url, path),
    method,
    params,
    data,
    timeout: TRANSFER_TIMEOUT,
    ...config,
    responseType: 'arraybuffer',
    transformResponse: [fileTransform(fallbackName)]
  })
}

/** Hand a blob to the browser as a download named `filename`. */
export function saveBlob(blob: Blob, filename?: string): void {
  const url = URL.createObjectURL(blob)
  const link = document.createElement('a')
  link.href = url
  link.download = filename || 'download'
  link.rel = 'noopener'
  link.style.display = 'none'
  document.body.appendChild(link)
  link.click()
  link.remove()
  // Some browsers read the URL after click() returns: free it a little later.
  setTimeout(() => URL.revokeObjectURL(url), 30000)
}

/** POST one file as multipart field `file` to a route `url` (a path of the API, filled in). */
export interface UploadConfig extends AxiosRequestConfig {
  /** The route's path parameters. */
  path?: Record<string, string | number>
  /** Called with the percentage sent so far. */
  onProgress?: (percent: number) => void
}

export function uploadFile<P extends ApiPath<'post'>>(url: P, file: Blob, { path, onProgress, ...config }: UploadConfig = {}): Promise<ResponseOf<'post', P>> {
  const form = new FormData()
  form.append('file', file)
  const sent = request.post(fillPath(url, path), form, {
    timeout: TRANSFER_TIMEOUT,
    ...config,
    onUploadProgress: onProgress
      ? (event: AxiosProgressEvent) => {
          if (event && event.total) onProgress(Math.round((event.loaded / event.total) * 100))
        }
      : undefined
  })
  // The response interceptor answers the body, not the AxiosResponse.
  return sent as unknown as Promise<ResponseOf<'post', P>>
}

/** "12.3 KB" style sizes for files. */
export function formatBytes(bytes: unknown): string {
  const n = Number(bytes)
  if (!Number.isFinite(n) || n < 0) return ''
  if (n < 1024) return `${n} B`
  const units = ['KB', 'MB', 'GB']
  let value = n / 1024
  let unit = 0
  while (value >= 1024 && unit < units.length - 1) {
    value /= 1024
    unit += 1
  }
  return `${value.toFixed(value >= 10 ? 0 : 1)} ${units[unit]}`
}
