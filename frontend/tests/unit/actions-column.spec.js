// A read-only user sees no Actions column: every list page hides it when the user holds none
// of the labels behind its buttons, and shows it as soon as one of them is held.
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
import RolePage from '@/views/rbac/role/index.vue'
import MenuPage from '@/views/rbac/menu/index.vue'
import LabelPage from '@/views/rbac/label/index.vue'
import ConfigPage from '@/views/system/config/index.vue'
import DictItems from '@/views/system/dict/DictItems.vue'
import RegcodePage from '@/views/business/regcode/index.vue'

function serveEmpty() {
  service.defaults.adapter = (config) => {
    let data = { items: [], total: 0, page: 1, size: 10 }
    if (config.url === '/permission/menu' || config.url.startsWith('/system/dict/') || config.url === '/report') data = []
    return Promise.resolve({ data, status: 200, statusText: '', headers: {}, config, request: {} })
  }
}

async function mountPage(component, labels, props = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const user = useUserStore()
  user.roles = ['opt']
  user.labels = labels
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/')
  const wrapper = mount(component, {
    props,
    global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } },
    attachTo: document.body
  })
  await flushPromises()
  await flushPromises()
  return wrapper
}

const headers = (wrapper) => wrapper.findAll('.el-table__header th').map((th) => th.text().trim())

const PAGES = [
  ['users', UserPage, 'user', ['perm:user:put', 'perm:user:delete']],
  ['roles', RolePage, 'role', ['perm:role:put', 'perm:role:delete']],
  ['menus', MenuPage, 'menu', ['perm:menu:put', 'perm:menu:post', 'perm:menu:delete']],
  ['permission labels', LabelPage, 'label', ['perm:label:put', 'perm:label:delete']],
  ['config parameters', ConfigPage, 'config', ['perm:config:put', 'perm:config:delete']],
  ['dictionary items', DictItems, 'dict', ['perm:dict:put', 'perm:dict:delete'], { typeCode: 'sys_user_status' }],
  ['registration codes', RegcodePage, 'regcode', ['perm:regcode:put', 'perm:regcode:delete']]
]

describe('the Actions column of the list pages', () => {
  beforeEach(() => {
    setLocale('en')
    clearDictCache()
    serveEmpty()
  })

  it.each(PAGES)('%s: hidden for a read-only user', async (_name, page, resource, _writes, props) => {
    const wrapper = await mountPage(page, [`perm:${resource}:get`], props)
    const cols = headers(wrapper)
    expect(cols.length).toBeGreaterThan(1)
    expect(cols).not.toContain('Actions')
    wrapper.unmount()
  })

  it.each(PAGES)('%s: shown with any one of its labels', async (_name, page, resource, writes, props) => {
    for (const label of writes) {
      const wrapper = await mountPage(page, [`perm:${resource}:get`, label], props)
      expect(headers(wrapper)).toContain('Actions')
      wrapper.unmount()
    }
  })
})
