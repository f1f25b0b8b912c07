// The ExcelToolbar (report export / template / import) and the download helpers, against a
// fake API that answers files with real headers.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))

import { ElMessage } from 'element-plus'
import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import { clearReportCache } from '@/api/report'
import { filenameFromDisposition, requestFile } from '@/utils/download'
import { exportParams, importErrorMessage } from '@/components/ExcelToolbar/excel'
import ExcelToolbar from '@/components/ExcelToolbar/index.vue'

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** handler(config) → [status, body, headers]; a body that is an ArrayBuffer goes out as is. */
function serve(handler) {
  const calls = []
  service.defaults.adapter = (config) => {
    calls.push(config)
    const [status, body, headers = {}] = handler(config) || [404, { detail: 'Not Found', code: 'not_found' }]
    let data = body
    if (Object.prototype.toString.call(body) !== '[object ArrayBuffer]') {
      data = JSON.parse(JSON.stringify(body))
      // What the browser hands over for `responseType: 'arraybuffer'`: the JSON text's bytes.
      if (config.responseType === 'arraybuffer') data = new TextEncoder().encode(JSON.stringify(body)).buffer
    }
    const response = { data, status, statusText: '', headers: { 'content-type': 'application/json', ...headers }, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
  }
  return calls
}

const bytes = (text) => new TextEncoder().encode(text).buffer

const REPORTS = [
  {
    name: 'users',
    title: '用户',
    title_en: 'Users',
    can_export: true,
    can_import: false,
    columns: [],
    import_columns: []
  },
  {
    name: 'config_settings',
    title: '参数设置',
    title_en: 'Parameters',
    can_export: true,
    can_import: true,
    columns: [],
    import_columns: [
      { key: 'name', header: '参数名称', header_en: 'Name', type: 'str', dictionary: null, required: true },
      { key: 'key', header: '参数键名', header_en: 'Key', type: 'str', dictionary: null, required: true },
      { key: 'remark', header: '备注', header_en: 'Remark', type: 'str', dictionary: null, required: false }
    ]
  }
]

function mountToolbar(props) {
  const pinia = createPinia()
  setActivePinia(pinia)
  return mount(ExcelToolbar, {
    props,
    global: { plugins: [pinia, i18n], stubs: { transition: false } },
    attachTo: document.body
  })
}

// Catch what would be saved: the blob URL and the <a download> name.
function captureDownloads() {
  const saved = []
  URL.createObjectURL = vi.fn((blob) => {
    saved.push({ blob })
    return `blob:test/${saved.length}`
  })
  URL.revokeObjectURL = vi.fn()
  vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function click() {
    saved[saved.length - 1].filename = this.download
    saved[saved.length - 1].href = this.href
  })
  return saved
}

const buttons = (wrapper) => wrapper.findAll('button').map((b) => b.text().trim())

describe('filenameFromDisposition', () => {
  it('prefers the RFC 5987 filename* (UTF-8, percent-encoded Chinese) over filename', () => {
    const header = `attachment; filename="users_20261128.xlsx"; filename*=UTF-8''%E7%94%A8%E6%88%B7_20261128.xlsx`
    expect(filenameFromDisposition(header)).toBe('用户_20261128.xlsx')
    // whatever the order of the parameters, and in any case
    expect(filenameFromDisposition(`attachment; FILENAME*=utf-8''%E5%AD%97%E5%85%B8%E6%95%B0%E6%8D%AE_%E5%AF%BC%E5%85%A5%E6%A8%A1%E6%9D%BF.xlsx; filename="dict_items_template.xlsx"`)).toBe('字典数据_导入模板.xlsx')
    // with a language tag, and spaces encoded as %20
    expect(filenameFromDisposition(`attachment; filename*=UTF-8'zh-CN'%E6%8A%A5%E8%A1%A8%20%E4%B8%80.xlsx`)).toBe('报表 一.xlsx')
  })

  it('falls back to the plain filename (quoted or not), then to the given default', () => {
    expect(filenameFromDisposition('attachment; filename="backup_0003_20261128_031147.zip"')).toBe('backup_0003_20261128_031147.zip')
    expect(filenameFromDisposition('attachment; filename=report.xlsx')).toBe('report.xlsx')
    expect(filenameFromDisposition('attachment; filename="say \\"hi\\".xlsx"')).toBe('say "hi".xlsx')
    // a broken filename* (bad percent-encoding) does not win over a good filename
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''%E7%94%ZZ.xlsx; filename="plain.xlsx"`)).toBe('plain.xlsx')
    expect(filenameFromDisposition(`attachment; filename*=ISO-8859-1''caf%E9.xlsx`)).toBe('café.xlsx')
    expect(filenameFromDisposition('attachment', 'fallback.xlsx')).toBe('fallback.xlsx')
    expect(filenameFromDisposition(undefined, 'fallback.xlsx')).toBe('fallback.xlsx')
  })

  it('keeps only a base name: no directories from the network', () => {
    expect(filenameFromDisposition(`attachment; filename*=UTF-8''..%2F..%2Fetc%2Fpasswd`)).toBe('passwd')
    expect(filenameFromDisposition('attachment; filename="C:\\\\temp\\\\x.xlsx"')).toBe('x.xlsx')
  })
})

describe('requestFile', () => {
  beforeEach(() => setLocale('zh-CN'))

  it('answers the blob and the server name, and sends the UI language', async () => {
    const calls = serve(() => [200, bytes('PK..'), { 'content-type': XLSX, 'content-disposition': `attachment; filename="users_1.xlsx"; filename*=UTF-8''%E7%94%A8%E6%88%B7_1.xlsx` }])
    const file = await requestFile({ url: '/report/users/export', params: { status: '1' } })
    expect(file.filename).toBe('用户_1.xlsx')
    expect(file.blob).toBeInstanceOf(Blob)
    expect(file.blob.size).toBe(4)
    expect(calls[0].headers['Accept-Language']).toBe('zh-CN')
    expect(calls[0].responseType).toBe('arraybuffer')
  })

  it('decodes a JSON error so the interceptor shows its detail', async () => {
    serve(() => [404, { detail: 'no such report', code: 'report_not_found' }])
    const err = await requestFile({ url: '/report/nope/export' }).catch((e) => e)
    expect(err.status).toBe(404)
    expect(err.apiCode).toBe('report_not_found')
    expect(ElMessage).toHaveBeenCalledWith(expect.objectContaining({ type: 'error', message: 'no such report' }))
  })
})

describe('exportParams', () => {
  it('drops paging and empty values and turns date ranges into _start / _end', () => {
    const params = exportParams({ page: 3, size: 20, username: ' bob ', status: '', created: ['2026-01-01', '2026-01-31'], deadline: [], sort: 'id', order: 'desc' })
    expect(params).toMatchObject({ username: 'bob', sort: 'id', order: 'desc' })
    expect(params.created_start).toMatch(/^2026-01-01T00:00:00[+-]\d\d:\d\d$/)
    expect(params.created_end).toMatch(/^2026-01-31T23:59:59[+-]\d\d:\d\d$/)
    for (const gone of ['page', 'size', 'status', 'created', 'deadline']) expect(params).not.toHaveProperty(gone)
  })
})

describe('ExcelToolbar', () => {
  beforeEach(() => {
    setLocale('en')
    clearReportCache()
    ElMessage.mockClear()
    ElMessage.success.mockClear()
  })

  it('shows the buttons the report list allows, reading GET /report once', async () => {
    const calls = serve((c) => (c.url === '/report' ? [200, REPORTS] : null))
    const users = mountToolbar({ report: 'users', query: {} })
    const config = mountToolbar({ report: 'config_settings', query: {} })
    const missing = mountToolbar({ report: 'reg_codes', query: {} })
    await flushPromises()
    expect(buttons(users)).toEqual(['Export']) // can_import false: no import, no template
    expect(buttons(config)).toEqual(['Export', 'Import', 'Download template'])
    expect(missing.find('button').exists()).toBe(false) // not in the caller's list: nothing
    expect(calls.filter((c) => c.url === '/report')).toHaveLength(1)
    users.unmount()
    config.unmount()
    missing.unmount()
  })

  it('exports with the page filters and saves under the server name', async () => {
    const saved = captureDownloads()
    const calls = serve((c) => {
      if (c.url === '/report') return [200, REPORTS]
      if (c.url === '/report/users/export') {
        return [200, bytes('xlsx-bytes'), { 'content-type': XLSX, 'content-disposition': `attachment; filename="users_20261128.xlsx"; filename*=UTF-8''%E7%94%A8%E6%88%B7_20261128.xlsx` }]
      }
      return null
    })
    const wrapper = mountToolbar({ report: 'users', query: { page: 2, size: 10, username: 'ad', status: '1', created: ['2026-01-01', '2026-01-31'] } })
    await flushPromises()
    await wrapper.find('.excel-export').trigger('click')
    await flushPromises()
    const call = calls.find((c) => c.url === '/report/users/export')
    expect(call.params).toMatchObject({ username: 'ad', status: '1' })
    expect(call.params).not.toHaveProperty('page')
    expect(call.params.created_start).toMatch(/^2026-01-01T00:00:00/)
    expect(call.headers['Accept-Language']).toBe('en')
    expect(saved).toHaveLength(1)
    expect(saved[0].filename).toBe('用户_20261128.xlsx')
    expect(saved[0].blob.size).toBe('xlsx-bytes'.length)
    wrapper.unmount()
  })

  it('lists the rows a 422 import_rejected names, and imports nothing', async () => {
    const rejected = {
      detail: 'the file was not imported: 2 rows are invalid',
      errors: [
        { row: 2, column: 'Key', message: 'this key exists' },
        { row: 5, column: 'Name', message: 'is required' }
      ],
      code: 'import_rejected'
    }
    const calls = serve((c) => {
      if (c.url === '/report') return [200, REPORTS]
      if (c.url === '/report/config_settings/import') return [422, rejected]
      return null
    })
    const wrapper = mountToolbar({ report: 'config_settings', query: {} })
    await flushPromises()
    await wrapper.find('.excel-import').trigger('click')
    await flushPromises()
    const dialog = document.body.querySelector('.excel-import-dialog')
    expect(dialog.textContent).toContain('Import Parameters')
    expect(dialog.textContent).toContain('Name *') // required columns from import_columns
    const state = wrapper.vm.$.setupState
    state.onFileChange({ raw: new File(['x'], 'params.xlsx', { type: XLSX }) })
    await state.submitImport()
    await flushPromises()

    const call = calls.find((c) => c.url === '/report/config_settings/import')
    expect(call.method).toBe('post')
    expect(call.data.get('file').name).toBe('params.xlsx')
    expect(ElMessage).not.toHaveBeenCalledWith(expect.objectContaining({ type: 'error' })) // silent: no toast
    const rows = [...dialog.querySelectorAll('.excel-error-table .el-table__body tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent.trim())
    )
    expect(rows).toEqual([
      ['2', 'Key', 'this key exists'],
      ['5', 'Name', 'is required']
    ])
    expect(dialog.querySelector('.excel-error').textContent).toContain('Nothing was imported: 2 problems')
    expect(wrapper.emitted('imported')).toBeUndefined()
    wrapper.unmount()
  })

  it('explains a refused file in words and reports a good import', async () => {
    let answer = [400, { detail: 'the spreadsheet has more than 5000 rows', code: 'too_many_rows' }]
    serve((c) => {
      if (c.url === '/report') return [200, REPORTS]
      if (c.url === '/report/config_settings/import') return answer
      return null
    })
    const wrapper = mountToolbar({ report: 'config_settings', query: {} })
    await flushPromises()
    const state = wrapper.vm.$.setupState
    state.openImport()
    state.onFileChange({ raw: new File(['x'], 'big.xlsx') })
    await state.submitImport()
    await flushPromises()
    expect(state.dialog.message).toBe('The spreadsheet has too many rows (the spreadsheet has more than 5000 rows)')
    expect(state.dialog.errors).toEqual([])

    answer = [200, { count: 7 }]
    await state.submitImport()
    await flushPromises()
    expect(ElMessage.success).toHaveBeenCalledWith('7 rows imported')
    expect(wrapper.emitted('imported')).toEqual([[{ count: 7 }]])
    expect(state.dialog.open).toBe(false)
    wrapper.unmount()
  })

  it('has a message for every refusal code, 413 included', () => {
    const t = i18n.global.t
    const err = (status, body) => ({ response: { status, data: body } })
    expect(importErrorMessage(err(400, { detail: 'this file is not an .xlsx spreadsheet', code: 'not_a_spreadsheet' }), t)).toBe(
      'This file is not an .xlsx spreadsheet (this file is not an .xlsx spreadsheet)'
    )
    for (const code of ['spreadsheet_too_large', 'zip_bomb', 'spreadsheet_unsafe']) {
      expect(importErrorMessage(err(400, { detail: '', code }), t)).toBe(t(`excel.errors.${code}`))
    }
    expect(importErrorMessage(err(413, { detail: 'too big', code: 'payload_too_large' }), t)).toBe('The file is too large to upload (too big)')
    expect(importErrorMessage(err(413, {}), t)).toBe('The file is too large to upload')
    expect(importErrorMessage({}, t)).toBe(t('request.networkError'))
  })
})
