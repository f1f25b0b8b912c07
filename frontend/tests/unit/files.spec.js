// The file slice against a fake API: the file page (list with sizes, upload with progress,
// download named by the server, confirmed delete, the labels' buttons, a too-large file stopped
// before it is sent) and the profile's avatar (preview first, upload on confirmation, the
// user's avatar replaced at once).
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

const messages = vi.hoisted(() => ({ success: vi.fn(), error: vi.fn(), warning: vi.fn() }))
vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), messages) }))
const confirmAction = vi.hoisted(() => vi.fn(async () => true))
vi.mock('@/utils/confirm', () => ({ confirmAction }))

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { useUserStore } from '@/store/modules/user'
import FilePage from '@/views/file/index.vue'
import AvatarUpload from '@/views/profile/AvatarUpload.vue'

const ROWS = [
  { id: 5, name: 'Q1 report.pdf', media_type: 'application/pdf', size: 1536, sha256: 'a'.repeat(64), creator_id: 1, creator: 'admin', created_time: '2026-01-01T00:00:00Z' },
  { id: 6, name: 'notes.txt', media_type: 'text/plain', size: 12, sha256: 'b'.repeat(64), creator_id: 1, creator: 'admin', created_time: '2026-01-02T00:00:00Z' }
]
const NEW_AVATAR = '/api/v1/user/avatar/' + 'c'.repeat(32) + '.png'

function serve(state = {}) {
  const calls = []
  service.defaults.adapter = (config) => {
    const form = config.data instanceof FormData ? config.data : null
    const body = form ? form : config.data ? JSON.parse(config.data) : undefined
    calls.push({ method: config.method, url: config.url, params: config.params, body, responseType: config.responseType })
    let status = config.method === 'post' ? 201 : config.method === 'get' ? 200 : 204
    let data = ''
    let headers = {}
    const url = config.url
    if (url === '/system/file' && config.method === 'get') data = { items: ROWS, total: 2, page: 1, size: 10 }
    else if (url === '/system/file' && config.method === 'post') {
      if (config.onUploadProgress) config.onUploadProgress({ loaded: 50, total: 100 })
      data = { id: 7 }
    } else if (url.endsWith('/download')) {
      data = new TextEncoder().encode('%PDF-1.7').buffer
      headers = { 'content-type': 'application/pdf', 'content-disposition': "attachment; filename=\"download.pdf\"; filename*=UTF-8''Q1%20report.pdf" }
    } else if (url === '/user/avatar') {
      status = 200
      data = { avatar: NEW_AVATAR }
      state.avatar = NEW_AVATAR
    } else if (url === '/user/info') data = { id: 1, username: 'admin', nickname: 'Admin', avatar: state.avatar || null, status: 1, roles: ['admin'] }
    const raw = data instanceof ArrayBuffer ? data : JSON.parse(JSON.stringify(data ?? ''))
    const transformed = config.transformResponse && data instanceof ArrayBuffer ? [].concat(config.transformResponse).reduce((d, fn) => fn(d, headers, status), raw) : raw
    const response = { data: transformed, status, statusText: '', headers, config, request: {} }
    return Promise.resolve(response)
  }
  return calls
}

async function mountWith(component, { roles = ['admin'], labels = [] } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const user = useUserStore()
  user.roles = roles
  user.labels = labels
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/a')
  const wrapper = mount(component, { global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } }, attachTo: document.body })
  await flushPromises()
  return { wrapper, user }
}

async function choose(wrapper, selector, file) {
  const input = wrapper.find(selector)
  Object.defineProperty(input.element, 'files', { value: [file], configurable: true })
  await input.trigger('change')
  await flushPromises()
}

const button = (wrapper, text) => wrapper.findAll('button').find((b) => b.text() === text)

beforeEach(() => {
  setLocale('en')
  confirmAction.mockClear()
  Object.values(messages).forEach((m) => m.mockClear())
  document.body.innerHTML = ''
  URL.createObjectURL = vi.fn(() => 'blob:preview')
  URL.revokeObjectURL = vi.fn()
})

describe('the file page', () => {
  it('lists the files with readable sizes', async () => {
    serve()
    const { wrapper } = await mountWith(FilePage)
    const text = wrapper.find('.file-table').text()
    expect(text).toContain('Q1 report.pdf')
    expect(text).toContain('1.5 KB')
    expect(text).toContain('12 B')
  })

  it('uploads the chosen file as multipart with progress, then lists again', async () => {
    const calls = serve()
    const { wrapper } = await mountWith(FilePage)
    const lists = calls.filter((c) => c.url === '/system/file' && c.method === 'get').length
    await choose(wrapper, 'input.file-input', new File(['hello'], 'hello.txt', { type: 'text/plain' }))
    const upload = calls.find((c) => c.url === '/system/file' && c.method === 'post')
    expect(upload.body).toBeInstanceOf(FormData)
    expect(upload.body.get('file').name).toBe('hello.txt')
    expect(calls.filter((c) => c.url === '/system/file' && c.method === 'get').length).toBe(lists + 1)
    expect(messages.success).toHaveBeenCalledWith('Uploaded hello.txt')
  })

  it('stops a file above the limit before sending it', async () => {
    const calls = serve()
    const { wrapper } = await mountWith(FilePage)
    const big = new File(['x'], 'big.zip')
    Object.defineProperty(big, 'size', { value: 11 * 1024 * 1024 })
    await choose(wrapper, 'input.file-input', big)
    expect(calls.some((c) => c.method === 'post')).toBe(false)
    expect(messages.error).toHaveBeenCalledWith('A file is at most 10 MiB')
  })

  it('downloads under the name the server gives', async () => {
    const calls = serve()
    const clicked = vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(() => {})
    const { wrapper } = await mountWith(FilePage)
    await wrapper.find('.download-button').trigger('click')
    await flushPromises()
    const call = calls.find((c) => c.url === '/system/file/5/download')
    expect(call.responseType).toBe('arraybuffer')
    expect(clicked).toHaveBeenCalledTimes(1)
    expect(clicked.mock.contexts[0].download).toBe('Q1 report.pdf')
    clicked.mockRestore()
  })

  it('deletes after a confirmation naming the file', async () => {
    const calls = serve()
    const { wrapper } = await mountWith(FilePage)
    await button(wrapper, 'Delete').trigger('click')
    await flushPromises()
    expect(confirmAction.mock.calls[0][0]).toContain('Q1 report.pdf')
    expect(calls.some((c) => c.method === 'delete' && c.url === '/system/file/5')).toBe(true)
  })

  it('shows a reader no upload and no delete, but the download', async () => {
    serve()
    const { wrapper } = await mountWith(FilePage, { roles: ['opt'], labels: ['perm:file:get'] })
    expect(wrapper.find('.upload-file').exists()).toBe(false)
    expect(button(wrapper, 'Delete')).toBeUndefined()
    expect(wrapper.find('.download-button').exists()).toBe(true)
  })
})

describe('the avatar upload', () => {
  it('previews the picture, uploads it on confirmation and takes the new avatar', async () => {
    const calls = serve()
    const { wrapper, user } = await mountWith(AvatarUpload)
    await choose(wrapper, 'input.avatar-input', new File([new Uint8Array([137, 80, 78, 71])], 'me.png', { type: 'image/png' }))
    expect(wrapper.find('.avatar-preview img').attributes('src')).toBe('blob:preview')
    expect(calls.some((c) => c.url === '/user/avatar')).toBe(false) // nothing sent before confirming
    await wrapper.find('.avatar-save').trigger('click')
    await flushPromises()
    const upload = calls.find((c) => c.url === '/user/avatar')
    expect(upload.body.get('file').name).toBe('me.png')
    expect(user.avatar).toBe(NEW_AVATAR)
    expect(wrapper.find('.user-avatar img').attributes('src')).toBe(NEW_AVATAR)
    expect(URL.revokeObjectURL).toHaveBeenCalledWith('blob:preview')
  })

  it('refuses a picture of another type and can cancel a preview', async () => {
    const calls = serve()
    const { wrapper } = await mountWith(AvatarUpload)
    await choose(wrapper, 'input.avatar-input', new File(['<svg/>'], 'me.svg', { type: 'image/svg+xml' }))
    expect(messages.error).toHaveBeenCalledWith('An avatar is a PNG, JPEG or WebP picture')
    expect(wrapper.find('.avatar-preview').exists()).toBe(false)
    await choose(wrapper, 'input.avatar-input', new File(['x'], 'me.webp', { type: 'image/webp' }))
    await wrapper.find('.avatar-cancel').trigger('click')
    await flushPromises()
    expect(wrapper.find('.avatar-preview').exists()).toBe(false)
    expect(calls.some((c) => c.url === '/user/avatar')).toBe(false)
  })
})
