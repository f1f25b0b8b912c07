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
import MenuPage from '@/views/rbac/menu/index.vue'
import LoginLogPage from '@/views/log/login/index.vue'

function serve(handler) {
  const calls = []
  service.defaults.adapter = (config) => {
    calls.push(config)
    const [status, data] = handler(config) || [404, { detail: 'Not Found' }]
    const response = { data, status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
  }
  return calls
}

async function mountPage(component, { roles = ['admin'], labels = [] } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const user = useUserStore()
  user.roles = roles
  user.labels = labels
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/')
  const wrapper = mount(component, {
    global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } },
    attachTo: document.body
  })
  await flushPromises()
  await flushPromises()
  return wrapper
}

const USERS = {
  items: [
    { id: 1, username: 'admin', nickname: 'Administrator', email: 'admin@example.com', phone: null, status: 1, roles: [{ id: 1, code: 'admin', name: 'Admin' }], created_time: '2024-05-01T08:00:00Z' },
    { id: 2, username: 'opt', nickname: 'Operator', email: null, phone: '123456789', status: 0, roles: [], created_time: '2024-05-02T08:00:00Z' }
  ],
  total: 12,
  page: 1,
  size: 10
}

describe('pages against a fake API', () => {
  beforeEach(() => {
    setLocale('en')
    clearDictCache()
  })

  it('user page lists users with paging and filters, buttons follow the labels', async () => {
    const calls = serve((c) => (c.url === '/permission/user' ? [200, USERS] : null))
    const wrapper = await mountPage(UserPage, { roles: ['opt'], labels: ['perm:user:get', 'perm:user:delete'] })
    const text = wrapper.text()
    expect(text).toContain('Administrator')
    expect(text).toContain('Operator')
    expect(text).toMatch(/Total 12/) // Element Plus' own pager text
    const listCall = calls.find((c) => c.url === '/permission/user')
    expect(listCall.params).toEqual({ page: 1, size: 10 })
    // perm:user:post missing → no Add button; perm:user:delete present → Delete buttons
    const buttons = wrapper.findAll('button').map((b) => b.text())
    expect(buttons).not.toContain('Add')
    expect(buttons.filter((b) => b === 'Delete')).toHaveLength(2)
    expect(buttons).not.toContain('Edit')
    // the dictionary module is absent: status falls back to built-in labels
    expect(text).toContain('Disabled')

    // search with a date range sends ISO bounds
    const inputs = wrapper.findAll('input')
    await inputs[0].setValue('ad')
    await wrapper.findAll('button').find((b) => b.text() === 'Search').trigger('click')
    await flushPromises()
    const last = calls.filter((c) => c.url === '/permission/user').pop()
    expect(last.params).toMatchObject({ username: 'ad', page: 1 })
    wrapper.unmount()
  })

  it('menu page renders the tree with types from the dictionary fallback', async () => {
    serve((c) =>
      c.url === '/permission/menu'
        ? [200, [
            { id: 1, parent_id: null, type: 'dir', name: 'Permission', title: '权限管理', title_en: 'Permissions', path: '/permission', component: null, icon: 'lock', sort: 1, hidden: false, status: 1, perm: null,
              children: [{ id: 2, parent_id: 1, type: 'menu', name: 'User', title: '用户管理', title_en: 'Users', path: 'user', component: 'rbac/user/index', icon: 'user', sort: 1, hidden: false, status: 1, perm: 'perm:user:get', children: [] }] }
          ]]
        : null
    )
    const wrapper = await mountPage(MenuPage)
    const text = wrapper.text()
    expect(text).toContain('Permissions')
    expect(text).toContain('Directory')
    expect(text).toContain('2 in total')
    wrapper.unmount()
  })

  it('menu form sends text fields as strings (never null) and names new buttons after their parent', async () => {
    const writes = []
    const tree = [
      { id: 1, parent_id: null, type: 'dir', name: 'permission', title: '权限管理', title_en: 'Permissions', path: '/permission', component: '', icon: 'Lock', sort: 1, hidden: false, status: 1, perm: '',
        children: [{ id: 2, parent_id: 1, type: 'menu', name: 'rbac_user', title: '用户管理', title_en: 'Users', path: 'user', component: 'rbac/user/index', icon: 'User', sort: 1, hidden: false, status: 1, perm: 'perm:user:get', children: [] }] }
    ]
    serve((c) => {
      if (c.method === 'post') {
        writes.push(JSON.parse(c.data))
        return [201, { id: 99 }]
      }
      return c.url === '/permission/menu' ? [200, tree] : null
    })
    const wrapper = await mountPage(MenuPage)
    const state = wrapper.vm.$.setupState

    // a new directory at the root
    state.openAdd(null)
    await flushPromises()
    Object.assign(state.form, { title: '系统', name: 'system', path: '/system' })
    await state.submitForm()
    await flushPromises()
    expect(writes[0]).toEqual({
      parent_id: null, type: 'dir', name: 'system', title: '系统', title_en: '', path: '/system', component: '',
      icon: '', sort: 0, hidden: false, status: 1, perm: ''
    })

    // a button under "Users": its name follows the parent and the label's verb
    state.openAdd(tree[0].children[0])
    await flushPromises()
    expect(state.form.type).toBe('button')
    Object.assign(state.form, { title: '导出', perm: 'perm:user:export' })
    await flushPromises()
    expect(state.form.name).toBe('rbac_user:export')
    await state.submitForm()
    await flushPromises()
    expect(writes[1]).toMatchObject({ parent_id: 2, type: 'button', name: 'rbac_user:export', path: '', component: '', icon: '', perm: 'perm:user:export' })
    wrapper.unmount()
  })

  it('login log page shows success and failure tags', async () => {
    serve((c) =>
      c.url === '/system/log/login'
        ? [200, { items: [
            { id: 1, username: 'admin', ip: '127.0.0.1', user_agent: 'UA', status: 'success', message: 'ok', created_time: '2024-05-01T08:00:00Z' },
            { id: 2, username: 'eve', ip: '10.0.0.9', user_agent: 'UA', status: 'failed', message: 'bad password', created_time: '2024-05-01T09:00:00Z' }
          ], total: 2, page: 1, size: 10 }]
        : null
    )
    const wrapper = await mountPage(LoginLogPage)
    const text = wrapper.text()
    expect(text).toContain('Success')
    expect(text).toContain('Failed')
    expect(text).toContain('bad password')
    wrapper.unmount()
  })
})
