import { describe, it, expect, beforeEach, vi } from 'vitest'
import { createRouter, createMemoryHistory } from 'vue-router'
import { createPinia, setActivePinia } from 'pinia'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))

import { ElMessage } from 'element-plus'
import service from '@/utils/request'
import { constantRoutes } from '@/router/routes'
import { installGuard } from '@/router/guard'
import { getToken, removeToken, setToken } from '@/utils/auth'
import { useUserStore } from '@/store/modules/user'
import { usePermissionStore } from '@/store/modules/permission'

const INFO = { id: 2, username: 'opt', nickname: 'Operator', roles: ['opt'], status: 1 }
const ROUTERS = {
  roles: ['opt'],
  labels: ['perm:user:get', 'perm:log:get'],
  menus: [
    {
      id: 1, type: 'dir', name: 'Permission', title: '权限管理', title_en: 'Permissions', path: '/permission', icon: 'lock', sort: 1, hidden: false, status: 1,
      children: [
        { id: 2, type: 'menu', name: 'User', title: '用户管理', title_en: 'Users', path: 'user', component: 'rbac/user/index', sort: 1, hidden: false, status: 1, children: [] }
      ]
    }
  ]
}

// Fake transport: a table of url → [status, body].
function serve(table) {
  const calls = []
  service.defaults.adapter = (config) => {
    calls.push(`${config.method.toUpperCase()} ${config.url}`)
    const [status, data] = table[config.url] || [404, { detail: 'Not Found' }]
    const response = { data, status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    const err = new Error(`status ${status}`)
    Object.assign(err, { config, response, isAxiosError: true })
    return Promise.reject(err)
  }
  return calls
}

function makeRouter() {
  const router = createRouter({ history: createMemoryHistory(), routes: constantRoutes })
  installGuard(router)
  return router
}

describe('navigation guard', () => {
  beforeEach(() => {
    setActivePinia(createPinia())
    removeToken()
    ElMessage.mockClear()
  })

  it('sends a visitor without a token to the login page, keeping the target', async () => {
    serve({})
    const router = makeRouter()
    await router.push('/permission/user?page=3')
    expect(router.currentRoute.value.path).toBe('/login')
    expect(router.currentRoute.value.query.redirect).toBe('/permission/user?page=3')
  })

  it('lets a visitor open the public pages', async () => {
    serve({})
    const router = makeRouter()
    for (const path of ['/register', '/register/tok123', '/forget-password', '/reset-password/tok456']) {
      await router.push(path)
      expect(router.currentRoute.value.path).toBe(path)
    }
  })

  it('loads the user and the menu routes, then opens the requested page', async () => {
    setToken('valid')
    const calls = serve({ '/user/info': [200, INFO], '/user/routers': [200, ROUTERS] })
    const router = makeRouter()
    await router.push('/permission/user')
    expect(router.currentRoute.value.name).toBe('User')
    expect(calls).toEqual(['GET /user/info', 'GET /user/routers'])
    const user = useUserStore()
    expect(user.labels).toEqual(['perm:user:get', 'perm:log:get'])
    expect(user.roles).toEqual(['opt'])
    expect(usePermissionStore().sidebarMenus[0].children[0].path).toBe('/permission/user')
    // a signed-in user going to the login page is sent home
    await router.push('/login')
    expect(router.currentRoute.value.path).toBe('/index')
    // routes are loaded once
    await router.push('/permission/user')
    expect(calls).toHaveLength(2)
  })

  it('parks a user without a role on the no-role page, without error toasts or loops', async () => {
    setToken('valid')
    const calls = serve({
      '/user/info': [200, { ...INFO, roles: [] }],
      '/user/routers': [403, { detail: 'User has no role', code: 'no_role' }]
    })
    const router = makeRouter()
    await router.push('/index')
    expect(router.currentRoute.value.path).toBe('/no-role')
    await router.push('/permission/user')
    expect(router.currentRoute.value.path).toBe('/no-role')
    expect(ElMessage).not.toHaveBeenCalled()
    expect(calls.filter((c) => c.endsWith('/user/routers'))).toHaveLength(1)
    expect(getToken()).toBe('valid')
  })

  it('after logout, Back lands on the login page and the old routes are gone', async () => {
    setToken('valid')
    serve({ '/user/info': [200, INFO], '/user/routers': [200, ROUTERS], '/user/logout': [204, ''] })
    const router = makeRouter()
    await router.push('/index')
    await router.push('/permission/user')
    expect(router.currentRoute.value.name).toBe('User')

    await useUserStore().logout()
    await router.replace('/login')
    expect(getToken()).toBeUndefined()
    expect(router.hasRoute('User')).toBe(false)

    router.back()
    await new Promise((r) => setTimeout(r, 20))
    expect(router.currentRoute.value.path).toBe('/login')
  })

  it('opens a page that exists but is not the user\'s as 403 inside the layout, at the same address', async () => {
    setToken('valid')
    serve({ '/user/info': [200, INFO], '/user/routers': [200, ROUTERS] })
    const router = makeRouter()
    // first navigation of a session (the routes are loaded on the way)
    await router.push('/system/config?x=1')
    let route = router.currentRoute.value
    expect(route.name).toBe('Forbidden')
    expect(route.fullPath).toBe('/system/config?x=1')
    // rendered inside the layout: the first matched record is the layout
    expect(route.matched).toHaveLength(2)
    expect(route.matched[0].path).toBe('/')
    // later navigations, a directory above a page, and a page file's own path
    for (const path of ['/permission/role', '/system', '/rbac/menu']) {
      await router.push(path)
      route = router.currentRoute.value
      expect([path, route.name]).toEqual([path, 'Forbidden'])
      expect(route.path).toBe(path)
    }
    // the user's own page still opens
    await router.push('/permission/user')
    expect(router.currentRoute.value.name).toBe('User')
  })

  it('keeps the bare 404 page for paths that do not exist', async () => {
    setToken('valid')
    serve({ '/user/info': [200, INFO], '/user/routers': [200, ROUTERS] })
    const router = makeRouter()
    for (const path of ['/no/such/page', '/systemx', '/permission/user/extra/deep']) {
      await router.push(path)
      const route = router.currentRoute.value
      expect([path, route.name]).toEqual([path, 'NotFound'])
      expect(route.matched).toHaveLength(1) // outside the layout
    }
  })
})
