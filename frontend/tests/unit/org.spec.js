// The organisation module in the dashboard against a fake API: the department tree helpers, the
// department and post pages, the user page's department filter and pickers, and the role
// page's data scope dialog (dept_ids only for `custom`).
import { describe, it, expect, beforeEach, vi } from 'vitest'
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
import { dataScopeBody } from '@/api/permission'
import { cascadeCheck, deptOptions, findDept, flattenDepts, subtreeIds } from '@/views/org/tree'
import DeptPage from '@/views/org/dept/index.vue'
import PostPage from '@/views/org/post/index.vue'
import UserPage from '@/views/rbac/user/index.vue'
import DataScopeDialog from '@/views/rbac/role/DataScopeDialog.vue'

const node = (id, parent_id, name, children = [], status = 1) => ({ id, parent_id, name, sort: 0, leader: '', phone: '', email: '', status, created_time: '2026-01-01T00:00:00Z', children })
// 1 Head office -> 2 R&D (-> 3 Platform), 4 Marketing
const TREE = [node(1, 0, 'Head office', [node(2, 1, 'R&D', [node(3, 2, 'Platform')]), node(4, 1, 'Marketing')])]
const POSTS = [
  { id: 1, code: 'ceo', name: 'CEO', sort: 1, status: 1, remark: '', created_time: '2026-01-01T00:00:00Z' },
  { id: 2, code: 'staff', name: 'Staff', sort: 2, status: 1, remark: '', created_time: '2026-01-01T00:00:00Z' },
  { id: 3, code: 'intern', name: 'Intern', sort: 3, status: 0, remark: '', created_time: '2026-01-01T00:00:00Z' }
]
const ROW = { id: 7, username: 'zoe', nickname: 'Zoe', email: null, phone: null, avatar: null, status: 1, roles: [], dept_id: 3, dept_name: 'Platform', post_ids: [2], created_time: '2026-01-01T00:00:00Z' }

/** A fake API: `routes(config)` answers `[status, body]` or nothing (then a 200 with ''). */
function serve(routes = () => null) {
  const calls = []
  service.defaults.adapter = (config) => {
    const body = config.data ? JSON.parse(config.data) : undefined
    calls.push({ method: config.method, url: config.url, params: config.params, body })
    let [status, data] = routes(config) || []
    if (status === undefined) {
      status = config.method === 'post' ? 201 : config.method === 'get' ? 200 : 204
      if (config.url === '/system/dept') data = TREE
      else if (config.url === '/system/post') data = { items: POSTS, total: POSTS.length, page: 1, size: 100 }
      else if (config.url === '/permission/user' && config.method === 'get') data = { items: [ROW], total: 1, page: 1, size: 10 }
      else if (config.url === '/permission/role' && config.method === 'get') data = { items: [], total: 0, page: 1, size: 100 }
      else if (config.method === 'post') data = { id: 99 }
      else data = ''
    }
    const response = { data: JSON.parse(JSON.stringify(data ?? '')), status, statusText: '', headers: {}, config, request: {} }
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
  const wrapper = mount(component, { global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } }, attachTo: document.body })
  await flushPromises()
  await flushPromises()
  return wrapper
}

const lastCall = (calls, url, method = 'get') => calls.filter((c) => c.url === url && c.method === method).pop()
const treeNode = (wrapper, name) => wrapper.findAll('.dept-filter .el-tree-node__content').find((n) => n.text().trim() === name)

beforeEach(() => {
  setLocale('en')
  clearDictCache()
  confirmAction.mockClear()
})

describe('department tree helpers', () => {
  it('walk, find and take subtrees', () => {
    expect(flattenDepts(TREE).map((d) => d.id)).toEqual([1, 2, 3, 4])
    expect(findDept(TREE, 3).name).toBe('Platform')
    expect(findDept(TREE, 42)).toBeNull()
    expect(subtreeIds(findDept(TREE, 2))).toEqual([2, 3])
    expect(subtreeIds(null)).toEqual([])
  })

  it('build picker options without the department being moved and everything below it', () => {
    expect(deptOptions(TREE)).toEqual([
      { value: 1, label: 'Head office', children: [{ value: 2, label: 'R&D', children: [{ value: 3, label: 'Platform', children: [] }] }, { value: 4, label: 'Marketing', children: [] }] }
    ])
    const moving = deptOptions(TREE, { exclude: 2 })
    expect(flattenDepts(moving.map(function rename(o) { return { id: o.value, name: o.label, children: o.children.map(rename) } })).map((d) => d.id)).toEqual([1, 4])
  })

  it('keep a current value the tree lacks (disabled, or outside the scope) as a named, unpickable option', () => {
    const options = deptOptions(TREE, { current: { id: 9, name: 'Closed office' } })
    expect(options[1]).toEqual({ value: 9, label: 'Closed office', disabled: true, children: [] })
    expect(deptOptions(TREE, { current: { id: 3, name: 'Platform' } })).toHaveLength(1) // already there
    expect(deptOptions(TREE, { current: { id: null } })).toHaveLength(1)
  })

  it('tick a department with everything below it, and untick the same way, leaving ancestors alone', () => {
    expect(cascadeCheck([4], findDept(TREE, 2), true).sort()).toEqual([2, 3, 4])
    expect(cascadeCheck([1, 2, 3, 4], findDept(TREE, 2), false).sort()).toEqual([1, 4])
  })
})

describe('data scope body', () => {
  it('carries departments only for custom (an empty list otherwise, as the API accepts)', () => {
    expect(dataScopeBody('custom', [4, 2, 2])).toEqual({ data_scope: 'custom', dept_ids: [2, 4] })
    expect(dataScopeBody('custom')).toEqual({ data_scope: 'custom', dept_ids: [] })
    for (const scope of ['all', 'dept', 'dept_and_below', 'self']) expect(dataScopeBody(scope, [1, 2])).toEqual({ data_scope: scope, dept_ids: [] })
  })
})

describe('data scope dialog', () => {
  async function open(role = { data_scope: 'custom', dept_ids: [4] }) {
    const calls = serve((c) => (c.url === '/permission/role/5' && c.method === 'get' ? [200, { id: 5, code: 'sales', name: 'Sales', menu_ids: [], label_ids: [], ...role }] : null))
    setActivePinia(createPinia())
    const wrapper = mount(DataScopeDialog, { global: { plugins: [i18n] }, attachTo: document.body })
    wrapper.vm.show({ id: 5, code: 'sales', name: 'Sales' })
    await flushPromises()
    await flushPromises()
    return { wrapper, calls, state: wrapper.vm.$.setupState }
  }
  const tree = () => document.body.querySelector('.scope-tree')
  const checked = () => [...document.body.querySelectorAll('.scope-tree .el-tree-node.is-checked > .el-tree-node__content')].map((n) => n.textContent.trim())

  it('shows the role\'s scope and custom departments, and saves exactly the ticked ones', async () => {
    const { wrapper, calls, state } = await open()
    expect(state.scope).toBe('custom')
    expect(checked()).toEqual(['Marketing'])
    // ticking R&D ticks Platform below it too (the linkage), not Head office above it
    const rd = [...document.body.querySelectorAll('.scope-tree .el-tree-node__content')].find((n) => n.textContent.trim() === 'R&D')
    rd.querySelector('.el-checkbox').click()
    await flushPromises()
    expect(checked().sort()).toEqual(['Marketing', 'Platform', 'R&D'])
    await state.submit()
    await flushPromises()
    expect(lastCall(calls, '/permission/role/5/data-scope', 'put').body).toEqual({ data_scope: 'custom', dept_ids: [2, 3, 4] })
    expect(wrapper.emitted('saved')).toHaveLength(1)
    wrapper.unmount()
  })

  it('sends no departments with another scope, and shows no tree for it', async () => {
    const { wrapper, calls, state } = await open()
    const own = document.body.querySelector('.scope-dept input')
    own.click()
    await flushPromises()
    expect(state.scope).toBe('dept')
    expect(tree()).toBeNull()
    await state.submit()
    await flushPromises()
    expect(lastCall(calls, '/permission/role/5/data-scope', 'put').body).toEqual({ data_scope: 'dept', dept_ids: [] })
    wrapper.unmount()
  })

  it('unticks a subtree on its own when the linkage is off', async () => {
    const { wrapper, calls, state } = await open({ data_scope: 'all', dept_ids: [] })
    expect(tree()).toBeNull()
    state.scope = 'custom'
    await state.applyTicked()
    state.linkage = false
    await flushPromises()
    const rd = [...document.body.querySelectorAll('.scope-tree .el-tree-node__content')].find((n) => n.textContent.trim() === 'R&D')
    rd.querySelector('.el-checkbox').click()
    await flushPromises()
    expect(checked()).toEqual(['R&D'])
    await state.submit()
    await flushPromises()
    expect(lastCall(calls, '/permission/role/5/data-scope', 'put').body).toEqual({ data_scope: 'custom', dept_ids: [2] })
    wrapper.unmount()
  })
})

describe('user page: department tree and pickers', () => {
  it('lists a clicked department (and below it), and clears it on a second click or "All departments"', async () => {
    const calls = serve()
    const wrapper = await mountPage(UserPage)
    expect(lastCall(calls, '/system/dept').params).toEqual({})
    expect(lastCall(calls, '/permission/user').params).toEqual({ page: 1, size: 10 })

    await treeNode(wrapper, 'R&D').trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/permission/user').params).toEqual({ page: 1, size: 10, dept_id: 2 })
    expect(wrapper.find('.dept-filter .el-tree-node.is-current').text()).toContain('R&D')

    await treeNode(wrapper, 'R&D').trigger('click') // again: cleared
    await flushPromises()
    expect(lastCall(calls, '/permission/user').params).toEqual({ page: 1, size: 10 })

    await treeNode(wrapper, 'Marketing').trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/permission/user').params).toMatchObject({ dept_id: 4 })
    await wrapper.find('.dept-filter-all').trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/permission/user').params).toEqual({ page: 1, size: 10 })
    expect(wrapper.find('.dept-filter .el-tree-node.is-current').exists()).toBe(false)

    // the search's Reset clears the chosen department too
    await treeNode(wrapper, 'Platform').trigger('click')
    await flushPromises()
    await wrapper.findAll('button').find((b) => b.text() === 'Reset').trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/permission/user').params).toEqual({ page: 1, size: 10 })
    wrapper.unmount()
  })

  it('shows the department column; without perm:dept:get and perm:post:get no tree, no pickers, no such request', async () => {
    const calls = serve()
    const wrapper = await mountPage(UserPage, { roles: ['clerk'], labels: ['perm:user:get', 'perm:user:put'] })
    expect(wrapper.find('.dept-filter').exists()).toBe(false)
    expect(wrapper.text()).toContain('Platform') // dept_name, from the list itself
    wrapper.vm.$.setupState.openEdit(ROW)
    await flushPromises()
    expect(document.body.querySelector('.user-form .dept-select')).toBeNull()
    expect(document.body.querySelector('.user-form .post-select')).toBeNull()
    await wrapper.vm.$.setupState.submitForm()
    await flushPromises()
    expect(calls.some((c) => c.url === '/system/dept' || c.url === '/system/post')).toBe(false)
    // the department and posts stay as they are: not in the body
    expect(lastCall(calls, '/permission/user/7', 'put').body).toEqual({ nickname: 'Zoe', email: null, phone: null, avatar: null })
    wrapper.unmount()
  })

  it('offers enabled departments and posts in the dialog, and sends them only when they changed', async () => {
    const calls = serve()
    const wrapper = await mountPage(UserPage)
    const state = wrapper.vm.$.setupState
    state.openEdit(ROW)
    await flushPromises()
    expect(lastCall(calls, '/system/dept').params).toEqual({ status: 1 })
    expect(lastCall(calls, '/system/post').params).toMatchObject({ page: 1, size: 100 })
    expect(document.body.querySelector('.user-form .dept-select').textContent).toContain('Platform')
    expect(document.body.querySelector('.user-form .post-select').textContent).toContain('Staff')

    await state.submitForm()
    await flushPromises()
    expect(lastCall(calls, '/permission/user/7', 'put').body).toEqual({ nickname: 'Zoe', email: null, phone: null, avatar: null })

    state.openEdit(ROW)
    await flushPromises()
    state.form.dept_id = 4
    state.form.post_ids = [1, 2]
    await state.submitForm()
    await flushPromises()
    expect(lastCall(calls, '/permission/user/7', 'put').body).toEqual({ nickname: 'Zoe', email: null, phone: null, avatar: null, dept_id: 4, post_ids: [1, 2] })

    state.openEdit(ROW)
    await flushPromises()
    state.form.dept_id = undefined // the picker cleared: no department any more
    await state.submitForm()
    await flushPromises()
    expect(lastCall(calls, '/permission/user/7', 'put').body).toMatchObject({ dept_id: null })

    state.openAdd()
    await flushPromises()
    Object.assign(state.form, { username: 'neo', password: 'Passw0rd-long', nickname: 'Neo', dept_id: 2, post_ids: [2] })
    await state.submitForm()
    await flushPromises()
    expect(lastCall(calls, '/permission/user', 'post').body).toMatchObject({ username: 'neo', dept_id: 2, post_ids: [2] })
    wrapper.unmount()
  })
})

describe('department page', () => {
  it('draws the tree, sends the search to the API and reads it back', async () => {
    const calls = serve()
    const wrapper = await mountPage(DeptPage)
    const rows = wrapper.findAll('.dept-table .el-table__body tr.el-table__row').map((r) => r.find('td').text().trim())
    expect(rows).toEqual(['Head office', 'R&D', 'Platform', 'Marketing'])
    expect(wrapper.text()).toContain('4 in total')
    const state = wrapper.vm.$.setupState
    state.query.name = ' R&D '
    state.query.status = '1'
    await wrapper.findAll('button').find((b) => b.text() === 'Search').trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/system/dept').params).toEqual({ name: 'R&D', status: '1' })
    await wrapper.findAll('button').find((b) => b.text() === 'Reset').trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/system/dept').params).toEqual({})
    wrapper.unmount()
  })

  it('adds a child under a row, edits without offering the department\'s own subtree as parent, deletes after asking', async () => {
    const calls = serve()
    const wrapper = await mountPage(DeptPage)
    const state = wrapper.vm.$.setupState
    const row = (name) => wrapper.findAll('.dept-table .el-table__body tr.el-table__row').find((r) => r.find('td').text().trim() === name)

    await row('R&D').find('.add-child').trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/system/dept').params).toEqual({ status: 1 }) // the parent picker: enabled ones
    expect(state.form.parent_id).toBe(2)
    state.form.name = ' Mobile '
    await state.crud.submitForm()
    await flushPromises()
    expect(lastCall(calls, '/system/dept', 'post').body).toEqual({ parent_id: 2, name: 'Mobile', sort: 0, leader: '', phone: '', email: '', status: 1 })

    state.openEdit(findDept(TREE, 2))
    await flushPromises()
    const offered = flattenDepts(state.parentOptions.map(function rename(o) { return { id: o.value, name: o.label, children: o.children.map(rename) } })).map((d) => d.id)
    expect(offered).toEqual([0, 1, 4]) // the root, and neither R&D nor Platform below it
    state.form.parent_id = 4
    await state.crud.submitForm()
    await flushPromises()
    expect(lastCall(calls, '/system/dept/2', 'put').body).toMatchObject({ parent_id: 4, name: 'R&D' })

    confirmAction.mockResolvedValueOnce(false)
    await state.crud.remove(findDept(TREE, 4))
    expect(lastCall(calls, '/system/dept/4', 'delete')).toBeUndefined()
    await state.crud.remove(findDept(TREE, 4))
    await flushPromises()
    expect(lastCall(calls, '/system/dept/4', 'delete')).toBeTruthy()
    wrapper.unmount()
  })

  it('is read-only without the write labels', async () => {
    serve()
    const wrapper = await mountPage(DeptPage, { roles: ['clerk'], labels: ['perm:dept:get'] })
    const buttons = wrapper.findAll('button').map((b) => b.text().trim())
    for (const hidden of ['Add', 'Add child', 'Edit', 'Delete']) expect(buttons).not.toContain(hidden)
    expect(wrapper.text()).not.toContain('Actions')
    wrapper.unmount()
  })
})

describe('post page', () => {
  it('lists with the search and creates a post', async () => {
    const calls = serve()
    const wrapper = await mountPage(PostPage)
    expect(wrapper.text()).toContain('intern')
    const state = wrapper.vm.$.setupState
    state.table.query.code = 'st'
    await wrapper.findAll('button').find((b) => b.text() === 'Search').trigger('click')
    await flushPromises()
    expect(lastCall(calls, '/system/post').params).toEqual({ page: 1, size: 10, code: 'st' })
    state.crud.openAdd()
    Object.assign(state.crud.form, { code: 'lead', name: ' Team lead ', sort: 3 })
    await state.crud.submitForm()
    await flushPromises()
    expect(lastCall(calls, '/system/post', 'post').body).toEqual({ code: 'lead', name: 'Team lead', sort: 3, status: 1, remark: '' })
    wrapper.unmount()
  })
})
