// The notice slice against a fake API: the navbar's bell (count on mount, on route change and
// every 60 s; the drawer lists the notices with the unread ones marked; opening one shows its
// sanitised HTML and marks it read) and the administration page (list, publish, edit, delete).
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))
const confirmAction = vi.hoisted(() => vi.fn(async () => true))
vi.mock('@/utils/confirm', () => ({ confirmAction }))

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { clearDictCache } from '@/composables/useDict'
import { useUserStore } from '@/store/modules/user'
import NoticeBell from '@/views/notice/NoticeBell.vue'
import NoticePage from '@/views/notice/index.vue'

const MINE = [
  { id: 2, title: 'Second', type: 'announcement', published_time: '2026-01-02T00:00:00Z', creator: 'admin', read: false },
  { id: 1, title: 'First', type: 'notice', published_time: '2026-01-01T00:00:00Z', creator: 'admin', read: true }
]
const ADMIN_ROWS = [
  { id: 5, title: 'Draft one', type: 'notice', status: 'draft', published_time: null, creator: 'admin', created_time: '2026-01-01T00:00:00Z', modified_time: null },
  { id: 6, title: 'Live one', type: 'announcement', status: 'published', published_time: '2026-01-01T00:00:00Z', creator: 'admin', created_time: '2026-01-01T00:00:00Z', modified_time: null }
]

function serve(state) {
  const calls = []
  service.defaults.adapter = (config) => {
    const body = config.data ? JSON.parse(config.data) : undefined
    calls.push({ method: config.method, url: config.url, params: config.params, body })
    let status = config.method === 'post' ? 201 : config.method === 'get' ? 200 : 204
    let data = ''
    const url = config.url
    if (url === '/user/notices/unread-count') data = { count: state.unread }
    else if (url === '/user/notices') data = { items: state.mine, total: state.mine.length, page: 1, size: 20 }
    else if (url.startsWith('/user/notices/') && url.endsWith('/read')) {
      const id = Number(url.split('/')[3])
      const n = state.mine.find((m) => m.id === id)
      if (n && !n.read) state.unread -= 1
    } else if (url.startsWith('/user/notices/')) {
      const n = state.mine.find((m) => m.id === Number(url.split('/')[3]))
      data = { ...n, content: '<p>Hello <strong>world</strong></p>' }
    } else if (url === '/system/notice' && config.method === 'get') data = { items: ADMIN_ROWS, total: 2, page: 1, size: 10 }
    else if (url.startsWith('/system/notice/') && config.method === 'get') data = { ...ADMIN_ROWS[0], content: '<p>stored</p>', creator_id: 1 }
    else if (config.method === 'post') data = { id: 99 }
    else if (url.startsWith('/system/dict/')) status = 500
    const response = { data: JSON.parse(JSON.stringify(data ?? '')), status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
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
  return { wrapper, router }
}

const bell = (wrapper) => wrapper.find('.notice-bell').attributes('data-count')
const button = (row, text) => row.findAll('button').find((b) => b.text() === text)
const count = (calls) => calls.filter((c) => c.url === '/user/notices/unread-count').length

beforeEach(() => {
  setLocale('en')
  clearDictCache()
  confirmAction.mockClear()
  document.body.innerHTML = ''
})
afterEach(() => vi.useRealTimers())

describe('notice bell', () => {
  it('shows the unread count, refreshed on route change and every 60 s', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const state = { unread: 3, mine: MINE }
    const calls = serve(state)
    const { wrapper, router } = await mountWith(NoticeBell)
    expect(bell(wrapper)).toBe('3')
    expect(count(calls)).toBe(1)
    state.unread = 4
    await router.push('/b')
    await flushPromises()
    expect(count(calls)).toBe(2)
    expect(bell(wrapper)).toBe('4')
    vi.advanceTimersByTime(60_000)
    await flushPromises()
    expect(count(calls)).toBe(3)
    state.unread = 0
    vi.advanceTimersByTime(60_000)
    await flushPromises()
    expect(bell(wrapper)).toBe('0')
    wrapper.unmount()
    vi.advanceTimersByTime(120_000)
    expect(count(calls)).toBe(4) // the timer stops with the navbar
  })

  it('lists the notices with the unread marked; opening one shows it and marks it read', async () => {
    const state = { unread: 1, mine: MINE.map((m) => ({ ...m })) }
    const calls = serve(state)
    const { wrapper } = await mountWith(NoticeBell)
    await wrapper.find('.notice-bell').trigger('click')
    await flushPromises()
    const items = document.querySelectorAll('.notice-drawer .notice-item')
    expect([...items].map((i) => i.querySelector('.notice-item-title').textContent)).toEqual(['Second', 'First'])
    expect(items[0].classList.contains('unread')).toBe(true)
    expect(items[0].querySelector('.unread-dot')).not.toBeNull()
    expect(items[1].classList.contains('unread')).toBe(false)
    items[0].click()
    await flushPromises()
    const body = document.querySelector('.notice-drawer .notice-body')
    expect(body.innerHTML).toContain('<strong>world</strong>') // the server's sanitised HTML, as HTML
    expect(calls.filter((c) => c.method === 'put').map((c) => c.url)).toEqual(['/user/notices/2/read'])
    expect(bell(wrapper)).toBe('0')
    document.querySelector('.notice-drawer .notice-back').click()
    await flushPromises()
    document.querySelectorAll('.notice-drawer .notice-item')[1].click() // already read
    await flushPromises()
    expect(calls.filter((c) => c.method === 'put')).toHaveLength(1)
    wrapper.unmount()
  })

  it('stays quiet and keeps its count when the API fails', async () => {
    service.defaults.adapter = (config) => Promise.reject(Object.assign(new Error('500'), { config, response: { status: 500, data: {}, headers: {}, config }, isAxiosError: true }))
    const { wrapper } = await mountWith(NoticeBell)
    expect(bell(wrapper)).toBe('0')
    wrapper.unmount()
  })
})

describe('notice page', () => {
  it('lists notices with their type and status tags and publishes a draft after a confirmation', async () => {
    const calls = serve({ unread: 0, mine: [] })
    const { wrapper } = await mountWith(NoticePage)
    const rows = wrapper.findAll('.notice-table .el-table__body tr')
    expect(rows).toHaveLength(2)
    expect(rows[0].text()).toContain('Draft one')
    expect(rows[0].text()).toContain('Draft')
    expect(rows[1].text()).toContain('Announcement')
    await rows[0].find('.publish-button').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledOnce()
    const put = calls.find((c) => c.method === 'put')
    expect(put).toMatchObject({ url: '/system/notice/5', body: { status: 'published' } })
    await rows[1].find('.unpublish-button').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'put').pop()).toMatchObject({ url: '/system/notice/6', body: { status: 'draft' } })
    wrapper.unmount()
  })

  it('edits a notice read from the API (the list carries no content) and deletes after a confirmation', async () => {
    const calls = serve({ unread: 0, mine: [] })
    const { wrapper } = await mountWith(NoticePage)
    const row = wrapper.findAll('.notice-table .el-table__body tr')[0]
    await button(row, 'Edit').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url === '/system/notice/5' && c.method === 'get')).toBe(true)
    expect(document.querySelector('.notice-form .ProseMirror').innerHTML).toContain('stored')
    expect(document.querySelector('.notice-form input').value).toBe('Draft one')
    await button(row, 'Delete').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledOnce()
    expect(calls.filter((c) => c.method === 'delete').map((c) => c.url)).toEqual(['/system/notice/5'])
    wrapper.unmount()
  })

  it('hides the write buttons from a reader', async () => {
    serve({ unread: 0, mine: [] })
    const { wrapper } = await mountWith(NoticePage, { roles: ['opt'], labels: ['perm:notice:get'] })
    expect(wrapper.find('.add-notice').exists()).toBe(false)
    expect(wrapper.find('.publish-button').exists()).toBe(false)
    wrapper.unmount()
  })
})
