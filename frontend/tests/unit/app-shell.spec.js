import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import App from '@/App.vue'
import { constantRoutes } from '@/router/routes'
import { installGuard } from '@/router/guard'
import { removeToken, setToken } from '@/utils/auth'
import { useAppStore } from '@/store/modules/app'

const ROUTERS = {
  roles: ['opt'],
  labels: ['perm:user:get'],
  menus: [
    {
      id: 1, type: 'dir', name: 'Permission', title: '权限管理', title_en: 'Permissions', path: '/permission', icon: 'Lock', sort: 1, hidden: false, status: 1,
      children: [
        { id: 2, type: 'menu', name: 'User', title: '用户管理', title_en: 'Users', path: 'user', component: 'rbac/user/index', icon: 'User', sort: 1, hidden: false, status: 1, children: [] },
        { id: 3, type: 'menu', name: 'Secret', title: '隐藏菜单', title_en: 'Hidden one', path: 'secret', component: 'rbac/label/index', sort: 2, hidden: true, status: 1, children: [] }
      ]
    }
  ]
}

function serve() {
  service.defaults.adapter = (config) => {
    const table = {
      '/user/info': { id: 2, username: 'opt', nickname: 'Operator Wang', roles: ['opt'] },
      '/user/routers': ROUTERS,
      '/permission/user': { items: [{ id: 9, username: 'zoe', nickname: 'Zoe', status: 1, roles: [], created_time: '2024-01-01T00:00:00Z' }], total: 1, page: 1, size: 10 }
    }
    if (!(config.url in table)) {
      const response = { data: { detail: 'Not Found' }, status: 404, headers: {}, config }
      return Promise.reject(Object.assign(new Error('404'), { config, response }))
    }
    return Promise.resolve({ data: table[config.url], status: 200, statusText: 'OK', headers: {}, config, request: {} })
  }
}

describe('application shell', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    removeToken()
    setLocale('zh-CN')
  })

  it('renders the layout with the menu sidebar, breadcrumbs and the page, and follows the language', async () => {
    setToken('valid')
    serve()
    const pinia = createPinia()
    setActivePinia(pinia)
    const router = createRouter({ history: createMemoryHistory(), routes: constantRoutes })
    installGuard(router)
    await router.push('/permission/user')
    const wrapper = mount(App, { global: { plugins: [pinia, i18n, router, directives] }, attachTo: document.body })
    await flushPromises()
    await new Promise((r) => setTimeout(r, 50))
    await flushPromises()

    const sidebar = wrapper.find('.sidebar')
    expect(sidebar.exists()).toBe(true)
    expect(sidebar.text()).toContain('首页')
    expect(sidebar.text()).toContain('权限管理')
    expect(sidebar.text()).not.toContain('隐藏菜单')
    expect(wrapper.find('.app-breadcrumb').text()).toContain('用户管理')
    expect(wrapper.find('.navbar').text()).toContain('Operator Wang')
    expect(wrapper.find('.app-main').text()).toContain('zoe')
    expect(document.title).toContain('用户管理')

    useAppStore().setLanguage('en')
    await flushPromises()
    expect(wrapper.find('.sidebar').text()).toContain('Permissions')
    expect(wrapper.find('.app-breadcrumb').text()).toContain('Users')
    expect(wrapper.find('.app-main').text()).toContain('Username')
    expect(localStorage.getItem('lang')).toBe('en')
    expect(document.title).toContain('Users')
    wrapper.unmount()
  })
})
