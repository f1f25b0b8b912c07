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

function serve() {
  const writes = []
  service.defaults.adapter = (config) => {
    let data
    if (config.method === 'put') {
      writes.push({ url: config.url, body: JSON.parse(config.data) })
      data = ''
    } else if (config.url === '/permission/role/5') data = { id: 5, code: 'editor', name: 'Editor', menu_ids: [1, 2, 21], label_ids: [11] }
    else if (config.url === '/permission/menu') data = TREE
    else if (config.url === '/permission/perm-label') data = { items: LABELS, total: LABELS.length, page: 1, size: 100 }
    return Promise.resolve({ data, status: config.method === 'put' ? 204 : 200, statusText: '', headers: {}, config, request: {} })
  }
  return writes
}

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

  it('shows exactly the menus and labels the role has, and saves them back unchanged', async () => {
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
        { url: '/permission/role/5/perm-labels', body: { label_ids: [11] } }
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
})
