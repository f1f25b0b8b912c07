// The edit-user dialog shows status and roles beside the profile fields, every label at one
// width, and saves each change through its own route.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { clearDictCache } from '@/composables/useDict'
import { useUserStore } from '@/store/modules/user'
import UserPage from '@/views/rbac/user/index.vue'

const ROLES = [
  { id: 1, code: 'admin', name: 'Admin', status: 1 },
  { id: 2, code: 'opt', name: 'Operator', status: 1 },
  { id: 3, code: 'user', name: 'Member', status: 1 }
]
const ROW = { id: 7, username: 'zoe', nickname: 'Zoe', email: 'zoe@example.com', phone: null, avatar: null, status: 1, roles: [{ id: 3, code: 'user', name: 'Member' }], created_time: '2024-05-01T08:00:00Z' }

function serve() {
  const writes = []
  service.defaults.adapter = (config) => {
    let data = ''
    if (config.method === 'put') writes.push({ url: config.url, body: JSON.parse(config.data) })
    else if (config.url === '/permission/user') data = { items: [ROW], total: 1, page: 1, size: 10 }
    else if (config.url === '/permission/role') data = { items: ROLES, total: ROLES.length, page: 1, size: 100 }
    else if (config.url.startsWith('/system/dict/')) {
      // no dictionary module: the built-in status labels are used
      const response = { data: { detail: 'Not Found' }, status: 404, statusText: '', headers: {}, config }
      return Promise.reject(Object.assign(new Error('404'), { config, response, isAxiosError: true }))
    } else if (config.url === '/report') data = []
    return Promise.resolve({ data, status: 200, statusText: '', headers: {}, config, request: {} })
  }
  return writes
}

async function openEdit() {
  const pinia = createPinia()
  setActivePinia(pinia)
  useUserStore().roles = ['admin']
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/')
  const wrapper = mount(UserPage, { global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } }, attachTo: document.body })
  await flushPromises()
  wrapper.vm.$.setupState.openEdit(ROW)
  await flushPromises()
  await flushPromises()
  const form = document.body.querySelector('.user-form')
  return { wrapper, form, state: wrapper.vm.$.setupState }
}

const labelsOf = (form) => [...form.querySelectorAll('.el-form-item__label')]

describe('edit-user dialog', () => {
  beforeEach(() => {
    setLocale('en')
    clearDictCache()
  })

  it('shows status and roles directly, with the user\'s current values', async () => {
    serve()
    const { wrapper, form } = await openEdit()
    const names = labelsOf(form).map((l) => l.textContent.trim())
    expect(names).toEqual(expect.arrayContaining(['Username', 'Nickname', 'Status', 'Roles']))
    expect(form.querySelector('.el-radio.is-checked').textContent).toContain('Enabled')
    expect(form.querySelector('.role-select').textContent).toContain('Member')
    wrapper.unmount()
  })

  it('gives every label the same width, in one two-column grid', async () => {
    serve()
    const { wrapper, form } = await openEdit()
    const widths = labelsOf(form).map((l) => l.style.width)
    expect(widths.length).toBeGreaterThanOrEqual(6)
    expect(widths[0]).toMatch(/^\d+px$/)
    expect(new Set(widths).size).toBe(1)
    const cols = [...form.querySelectorAll('.el-col')]
    expect(cols.every((c) => c.classList.contains('el-col-sm-12') || c.classList.contains('el-col-24'))).toBe(true)
    wrapper.unmount()
  })

  it('saves the profile, and status and roles only when they changed', async () => {
    let writes = serve()
    let { wrapper, state } = await openEdit()
    await state.submitForm()
    await flushPromises()
    expect(writes.map((w) => w.url)).toEqual(['/permission/user/7'])
    wrapper.unmount()

    writes = serve()
    ;({ wrapper, state } = await openEdit())
    state.form.status = 0
    state.form.role_ids = [2, 3]
    await state.submitForm()
    await flushPromises()
    expect(writes).toEqual([
      { url: '/permission/user/7', body: { nickname: 'Zoe', email: 'zoe@example.com', phone: null, avatar: null } },
      { url: '/permission/user/7/active', body: { status: 0 } },
      { url: '/permission/user/7/roles', body: { role_ids: [2, 3] } }
    ])
    wrapper.unmount()
  })
})
