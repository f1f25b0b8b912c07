// File downloads and uploads through the shared axios instance (token, Accept-Language, the
// error toasts and the 401 redirect all still apply).
import request from '@/utils/request'

/** Long transfers (a whole backup, a big spreadsheet) must not hit the default 20 s timeout. */
export const TRANSFER_TIMEOUT = 10 * 60 * 1000

function headerOf(headers, name) {
  if (!headers) return ''
  if (typeof headers.get === 'function') return headers.get(name) || ''
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name)
  return key ? headers[key] || '' : ''
}

// Bytes as a Latin-1 string ("%E9" → "é") for an ISO-8859-1 `filename*`.
function percentDecodeLatin1(text) {
  return text.replace(/%([0-9a-f]{2})/gi, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
}

// Keep only the last path segment and drop control characters: the name comes from the network.
function safeName(name) {
  const base = String(name || '')
    .replace(/[\u0000-\u001f\u007f]/g, '')
    .split(/[\\/]/)
    .pop()
    .trim()
  return base === '.' || base === '..' ? '' : base
}

function unquote(value) {
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
export function filenameFromDisposition(header, fallback = '') {
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

function decodeJson(data) {
  if (data === undefined || data === null || data === '') return data
  let text = data
  // (By tag, not instanceof: the buffer may come from another realm, e.g. a test's fake API.)
  if (Object.prototype.toString.call(data) === '[object ArrayBuffer]' || ArrayBuffer.isView(data)) {
    text = new TextDecoder('utf-8').decode(data)
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
function fileTransform(fallbackName) {
  return function transform(data, headers, status) {
    const type = String(headerOf(headers, 'content-type'))
    if ((status && status >= 400) || type.includes('application/json')) return decodeJson(data)
    const blob = data instanceof Blob ? data : new Blob([data], { type: type || 'application/octet-stream' })
    return { blob, filename: filenameFromDisposition(headerOf(headers, 'content-disposition'), fallbackName), type }
  }
}

/**
 * Fetch a file: resolves `{blob, filename, type}`, the name taken from `Content-Disposition`.
 * Errors reject as for any other request (the interceptor shows the server's `detail`).
 */
export function requestFile({ url, method = 'get', params, data, fallbackName = 'download', ...config }) {
  return request({
    url,
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
export function saveBlob(blob, filename) {
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

/** POST one file as multipart field `file`. */
export function uploadFile(url, file, { onProgress, ...config } = {}) {
  const form = new FormData()
  form.append('file', file)
  return request.post(url, form, {
    timeout: TRANSFER_TIMEOUT,
    ...config,
    onUploadProgress: onProgress
      ? (event) => {
          if (event && event.total) onProgress(Math.round((event.loaded / event.total) * 100))
        }
      : undefined
  })
}

/** "12.3 KB" style sizes for files. */
export function formatBytes(bytes) {
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
