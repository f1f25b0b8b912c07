// Backup page against a fake API: the download name, the RESTORE gate, the sign-out after a
// restore, and a refused archive explained.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))

import { ElMessage } from 'element-plus'
import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { getToken, setToken } from '@/utils/auth'
import { useUserStore } from '@/store/modules/user'
import BackupPage from '@/views/system/backup/index.vue'

function serve(handler) {
  const calls = []
  service.defaults.adapter = (config) => {
    calls.push(config)
    const [status, body, headers = {}] = handler(config) || [404, { detail: 'Not Found' }]
    let data = body
    if (typeof body === 'string') data = new TextEncoder().encode(body).buffer
    else if (config.responseType === 'arraybuffer') data = new TextEncoder().encode(JSON.stringify(body)).buffer
    else data = JSON.parse(JSON.stringify(body))
    const response = { data, status, statusText: '', headers: { 'content-type': 'application/json', ...headers }, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
  }
  return calls
}

const RESTORED = {
  revision: '0003',
  rows: 234,
  tables: [
    { name: 't_users', rows: 3 },
    { name: 't_roles', rows: 3 }
  ]
}

async function mountPage({ roles = ['admin'], labels = [] } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  setToken('test-token')
  const user = useUserStore()
  user.token = 'test-token'
  user.roles = roles
  user.labels = labels
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/login', component: { template: '<div/>' } },
      { path: '/:p(.*)*', component: { template: '<div/>' } }
    ]
  })
  await router.push('/system/backup')
  const wrapper = mount(BackupPage, {
    global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } },
    attachTo: document.body
  })
  await flushPromises()
  return { wrapper, router, user }
}

const zip = () => new File(['PK\u0003\u0004'], 'backup_0003_20261128_031147.zip', { type: 'application/zip' })
const restoreCalls = (calls) => calls.filter((c) => c.url === '/system/backup/restore')
const confirmButton = () => document.body.querySelector('.restore-confirm .confirm-restore')

async function typeWord(word) {
  const input = document.body.querySelector('.restore-confirm .confirm-word input')
  input.value = word
  input.dispatchEvent(new Event('input'))
  await flushPromises()
}

describe('backup page', () => {
  beforeEach(() => {
    setLocale('en')
    ElMessage.success.mockClear()
  })

  it('backs up now and saves the zip under the server name', async () => {
    const saved = []
    URL.createObjectURL = vi.fn(() => 'blob:test/1')
    URL.revokeObjectURL = vi.fn()
    vi.spyOn(HTMLAnchorElement.prototype, 'click').mockImplementation(function click() {
      saved.push(this.download)
    })
    const calls = serve((c) =>
      c.url === '/system/backup' && c.method === 'post'
        ? [200, 'PK-zip-bytes', { 'content-type': 'application/zip', 'content-disposition': `attachment; filename="backup_0003_20261128_031147.zip"; filename*=UTF-8''backup_0003_20261128_031147.zip` }]
        : null
    )
    const { wrapper } = await mountPage()
    await wrapper.find('.backup-now').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.url === '/system/backup')).toHaveLength(1)
    expect(saved).toEqual(['backup_0003_20261128_031147.zip'])
    expect(wrapper.find('.last-backup').text()).toContain('backup_0003_20261128_031147.zip')
    wrapper.unmount()
  })

  it('restores only after RESTORE is typed, then signs out and goes to the sign-in page', async () => {
    const calls = serve((c) => (c.url === '/system/backup/restore' ? [200, RESTORED] : null))
    const { wrapper, router, user } = await mountPage()
    const state = wrapper.vm.$.setupState
    expect(wrapper.find('.restore-start').attributes('disabled')).toBeDefined() // no file yet

    state.onFileChange({ raw: zip() })
    await flushPromises()
    await wrapper.find('.restore-start').trigger('click')
    await flushPromises()
    expect(document.body.querySelector('.restore-confirm').textContent).toContain('Type RESTORE to confirm')
    expect(confirmButton().disabled).toBe(true)

    for (const wrong of ['', 'restore', 'RESTOR', 'yes']) {
      await typeWord(wrong)
      expect(confirmButton().disabled).toBe(true)
      await state.doRestore() // even called directly (Enter in the box), nothing is sent
    }
    expect(restoreCalls(calls)).toHaveLength(0)
    expect(getToken()).toBe('test-token')

    await typeWord('RESTORE')
    expect(confirmButton().disabled).toBe(false)
    confirmButton().click()
    await flushPromises()

    const [call] = restoreCalls(calls)
    expect(call.method).toBe('post')
    expect(call.data.get('file').name).toBe('backup_0003_20261128_031147.zip')
    // every token was revoked: this one is forgotten at once
    expect(getToken()).toBeFalsy()
    expect(user.token).toBe('')
    const done = document.body.querySelector('.restore-done')
    expect(done.textContent).toContain('Restored revision 0003: 234 rows')
    expect(done.textContent).toContain('Every session was signed out')
    expect(done.textContent).toContain('t_users')

    done.querySelector('.to-login').click()
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/login')
    wrapper.unmount()
  })

  it('explains a refused archive with the server detail and keeps the session', async () => {
    const calls = serve((c) =>
      c.url === '/system/backup/restore'
        ? [400, { detail: 'the backup is of revision 0002, the database of 0003', code: 'backup_revision_mismatch' }]
        : null
    )
    ElMessage.mockClear()
    const { wrapper } = await mountPage()
    const state = wrapper.vm.$.setupState
    state.onFileChange({ raw: zip() })
    state.askRestore()
    await flushPromises()
    await typeWord('RESTORE')
    await state.doRestore()
    await flushPromises()
    expect(restoreCalls(calls)).toHaveLength(1)
    const error = wrapper.find('.restore-error')
    expect(error.text()).toContain('This backup was made by a different database version')
    expect(error.text()).toContain('the backup is of revision 0002, the database of 0003')
    expect(ElMessage).not.toHaveBeenCalled() // shown in the card, not as a toast
    expect(getToken()).toBe('test-token')
    expect(document.body.querySelector('.restore-done')).toBeNull()
    wrapper.unmount()
  })

  it('shows each card only with its label', async () => {
    serve(() => null)
    const { wrapper } = await mountPage({ roles: ['opt'], labels: ['perm:backup:post'] })
    expect(wrapper.find('.backup-now').exists()).toBe(true)
    expect(wrapper.find('.restore-card').exists()).toBe(false)
    wrapper.unmount()
  })
})
