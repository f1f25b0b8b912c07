import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import PermissionDialog from '@/views/rbac/role/PermissionDialog.vue'

const TREE = [
  {
    id: 1, type: 'dir', title: '权限管理', title_en: 'Permissions', icon: 'Lock', perm: null,
    children: [
      {
        id: 2, type: 'menu', title: '用户管理', title_en: 'Users', icon: 'User', perm: 'perm:user:get',
        children: [
          { id: 21, type: 'button', title: '新增', title_en: 'Add', perm: 'perm:user:post', children: [] },
          { id: 22, type: 'button', title: '删除', title_en: 'Delete', perm: 'perm:user:delete', children: [] }
        ]
      },
      { id: 3, type: 'menu', title: '角色管理', title_en: 'Roles', icon: 'UserFilled', perm: 'perm:role:get', children: [] }
    ]
  }
]
const LABELS = [
  { id: 11, label: 'perm:user:get', name: 'list users', status: 1 },
  { id: 12, label: 'perm:user:post', name: 'create users', status: 1 },
  { id: 13, label: 'perm:user:delete', name: 'delete users', status: 1 },
  { id: 14, label: 'perm:role:get', name: 'list roles', status: 1 }
]

// A label that no button names: the tree never touches it.
const EXTRA = { id: 15, label: 'perm:report:run', name: 'run reports', status: 1 }

function serve({ role = { menu_ids: [1, 2, 21], label_ids: [11] }, labels = LABELS, refuse = null } = {}) {
  const writes = []
  service.defaults.adapter = (config) => {
    let data
    let status = 200
    if (config.method === 'put') {
      writes.push({ url: config.url, body: JSON.parse(config.data) })
      if (refuse && config.url.endsWith(refuse.url)) {
        const error = new Error('refused')
        error.config = config
        error.response = { data: refuse.body, status: 403, statusText: '', headers: {}, config }
        return Promise.reject(error)
      }
      data = ''
      status = 204
    } else if (config.url === '/permission/role/5') data = { id: 5, code: 'editor', name: 'Editor', ...role }
    else if (config.url === '/permission/menu') data = TREE
    else if (config.url === '/permission/perm-label') {
      const { page = 1, size = 10 } = config.params || {}
      data = { items: labels.slice((page - 1) * size, page * size), total: labels.length, page, size }
    }
    return Promise.resolve({ data, status, statusText: '', headers: {}, config, request: {} })
  }
  return writes
}

const body = (writes, suffix) => writes.find((w) => w.url.endsWith(suffix)).body

/** Tick or untick a node as a click does: the tree changes, then the dialog hears of it. */
function click(wrapper, node, value) {
  const t = tree(wrapper)
  t.setChecked(node.id, value, false)
  wrapper.vm.$.setupState.onCheck(node, { checkedKeys: t.getCheckedKeys() })
}

async function save(wrapper) {
  await wrapper.vm.$.setupState.submit()
  await flushPromises()
}

const USERS = TREE[0].children[0]
const ADD = USERS.children[0]
const DELETE = USERS.children[1]

async function open() {
  const wrapper = mount(PermissionDialog, { global: { plugins: [i18n] }, attachTo: document.body })
  wrapper.vm.show({ id: 5, code: 'editor', name: 'Editor' })
  await flushPromises()
  await flushPromises()
  return wrapper
}

function tree(wrapper) {
  return wrapper.findComponent({ name: 'ElTree' }).vm
}

describe('role permission dialog', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    setLocale('en')
  })

  it('shows exactly the menus and labels the role has, and saves them back with the ticked buttons\' labels', async () => {
    const writes = serve()
    const wrapper = await open()
    expect(tree(wrapper).getCheckedKeys().sort()).toEqual([1, 2, 21])
    // a parent with only some children ticked does not drag the others in
    expect(tree(wrapper).getCheckedKeys()).not.toContain(22)

    await wrapper.vm.$.setupState.submit()
    await flushPromises()
    expect(writes).toEqual(
      expect.arrayContaining([
        { url: '/permission/role/5/menus', body: { menu_ids: expect.arrayContaining([1, 2, 21]) } },
        // "Add" (21) is ticked, so its label perm:user:post (12) is granted with it
        { url: '/permission/role/5/perm-labels', body: { label_ids: [11, 12] } }
      ])
    )
    expect(writes.find((w) => w.url.endsWith('/menus')).body.menu_ids).toHaveLength(3)
    expect(wrapper.emitted('saved')).toHaveLength(1)
    wrapper.unmount()
  })

  it('links parents and children on click when linkage is on', async () => {
    serve()
    const wrapper = await open()
    const state = wrapper.vm.$.setupState
    const t = tree(wrapper)
    // untick "Users": its buttons go too, the directory stays
    t.setChecked(2, false, false)
    state.onCheck(TREE[0].children[0], { checkedKeys: t.getCheckedKeys() })
    expect(t.getCheckedKeys().sort()).toEqual([1])
    // tick the "Delete" button: its menu and directory come along, its sibling does not
    t.setChecked(22, true, false)
    state.onCheck(TREE[0].children[0].children[1], { checkedKeys: t.getCheckedKeys() })
    expect(t.getCheckedKeys().sort((a, b) => a - b)).toEqual([1, 2, 22])
    wrapper.unmount()
  })

  it('ticks the labels named by the ticked buttons', async () => {
    serve()
    const wrapper = await open()
    const state = wrapper.vm.$.setupState
    state.syncLabelsFromMenus()
    // menus 2 (perm:user:get) and 21 (perm:user:post) are ticked
    expect([...state.selectedLabels].sort()).toEqual([11, 12])
    wrapper.unmount()
  })

  it('ticking a button grants its label, and labels no button names stay as they were', async () => {
    const writes = serve({ role: { menu_ids: [1, 2], label_ids: [11, 15] }, labels: [...LABELS, EXTRA] })
    const wrapper = await open()
    click(wrapper, ADD, true)
    // the labels tab follows at once
    expect(wrapper.vm.$.setupState.selectedLabels).toContain(12)
    await save(wrapper)
    expect(body(writes, '/menus').menu_ids.sort()).toEqual([1, 2, 21])
    expect(body(writes, '/perm-labels').label_ids.sort()).toEqual([11, 12, 15])
    wrapper.unmount()
  })

  it('unticking a button revokes its label', async () => {
    const writes = serve({ role: { menu_ids: [1, 2, 21, 22], label_ids: [11, 12, 13, 15] }, labels: [...LABELS, EXTRA] })
    const wrapper = await open()
    click(wrapper, DELETE, false)
    await save(wrapper)
    expect(body(writes, '/menus').menu_ids.sort()).toEqual([1, 2, 21])
    expect(body(writes, '/perm-labels').label_ids.sort()).toEqual([11, 12, 15])
    wrapper.unmount()
  })

  it('finds a button\'s label on a later page of the label list', async () => {
    const filler = Array.from({ length: 100 }, (_, i) => ({ id: 1000 + i, label: `perm:x${i}:get`, name: `x${i}`, status: 1 }))
    const writes = serve({ role: { menu_ids: [1, 2], label_ids: [] }, labels: [...filler, ...LABELS] })
    const wrapper = await open()
    click(wrapper, ADD, true)
    await save(wrapper)
    expect(body(writes, '/perm-labels').label_ids).toEqual([12])
    wrapper.unmount()
  })

  it('draws parents half-checked when only some children are ticked, and saves them', async () => {
    const writes = serve({ role: { menu_ids: [1, 2, 21], label_ids: [] } })
    const wrapper = await open()
    const t = tree(wrapper)
    expect(t.getNode(2).indeterminate).toBe(true) // Users: Add ticked, Delete not
    expect(t.getNode(1).indeterminate).toBe(true) // Permissions: Roles not ticked
    await flushPromises()
    const halfBoxes = document.body.querySelectorAll('.el-tree .el-checkbox__input.is-indeterminate')
    expect(halfBoxes.length).toBe(2)

    // everything under Users ticked: Users is fully checked, Permissions still half
    click(wrapper, DELETE, true)
    expect(t.getNode(2).indeterminate).toBe(false)
    expect(t.getNode(1).indeterminate).toBe(true)

    // without linkage a lone button still brings its (half-checked) parents into the save
    wrapper.vm.$.setupState.linkage = false
    t.setCheckedKeys([])
    click(wrapper, DELETE, true)
    expect(t.getCheckedKeys()).toEqual([22])
    expect(t.getNode(2).indeterminate).toBe(true)
    await save(wrapper)
    expect(body(writes, '/menus').menu_ids.sort((a, b) => a - b)).toEqual([1, 2, 22])
    wrapper.unmount()
  })

  it('shows a refused grant (privilege_exceeded) in the dialog, which stays open', async () => {
    const detail = 'you may grant only permissions and menus you hold yourself'
    serve({ refuse: { url: '/menus', body: { detail, code: 'privilege_exceeded' } } })
    const wrapper = await open()
    await save(wrapper)
    const alert = document.body.querySelector('.perm-save-error')
    expect(alert).not.toBeNull()
    expect(alert.textContent).toContain('You can grant only the permissions and menus you hold yourself')
    expect(alert.textContent).toContain(detail)
    expect(wrapper.emitted('saved')).toBeUndefined()
    expect(wrapper.vm.$.setupState.open).toBe(true)
    wrapper.unmount()
  })

  it('shows each label\'s name and code apart, the code in a muted tag', async () => {
    serve()
    const wrapper = await open()
    wrapper.vm.$.setupState.tab = 'labels'
    await flushPromises()
    const item = [...document.body.querySelectorAll('.label-items .el-checkbox')].find((el) => el.textContent.includes('create users'))
    expect(item).toBeTruthy()
    expect(item.querySelector('.label-name').textContent.trim()).toBe('create users')
    const code = item.querySelector('.el-tag.label-code')
    expect(code).not.toBeNull()
    expect(code.textContent.trim()).toBe('perm:user:post')
    wrapper.unmount()
  })
})
