import { describe, it, expect } from 'vitest'
import { createRouter, createMemoryHistory } from 'vue-router'
import { buildRoutes, buildSidebar, resolveView, viewModules } from '@/router/dynamic'

// A payload shaped like `GET /user/routers` → menus.
const menus = [
  {
    id: 10,
    parent_id: null,
    type: 'dir',
    name: 'Log',
    title: '日志管理',
    title_en: 'Logs',
    path: '/log',
    component: null,
    icon: 'log',
    sort: 2,
    hidden: false,
    status: 1,
    perm: null,
    children: [
      { id: 11, parent_id: 10, type: 'menu', name: 'LoginLog', title: '登录日志', title_en: 'Login log', path: 'login', component: 'log/login/index', icon: 'logininfor', sort: 1, hidden: false, status: 1, perm: 'perm:log:get', children: [] },
      { id: 12, parent_id: 10, type: 'menu', name: 'OperationLog', title: '操作日志', title_en: 'Operation log', path: 'operation', component: 'log/operation/index', icon: 'form', sort: 2, hidden: false, status: 1, perm: 'perm:log:get', children: [] }
    ]
  },
  {
    id: 1,
    parent_id: null,
    type: 'dir',
    name: 'Permission',
    title: '权限管理',
    title_en: 'Permissions',
    path: '/permission',
    component: null,
    icon: 'lock',
    sort: 1,
    hidden: false,
    status: 1,
    perm: null,
    children: [
      {
        id: 3, parent_id: 1, type: 'menu', name: 'Role', title: '角色管理', title_en: 'Roles', path: 'role',
        component: 'rbac/role/index', icon: 'peoples', sort: 2, hidden: false, status: 1, perm: 'perm:role:get', children: []
      },
      {
        id: 2, parent_id: 1, type: 'menu', name: 'User', title: '用户管理', title_en: 'Users', path: 'user',
        component: 'rbac/user/index', icon: 'user', sort: 1, hidden: false, status: 1, perm: 'perm:user:get',
        children: [
          { id: 21, parent_id: 2, type: 'button', name: 'UserAdd', title: '新增', path: null, component: null, sort: 1, hidden: false, status: 1, perm: 'perm:user:post', children: [] },
          { id: 22, parent_id: 2, type: 'button', name: 'UserDelete', title: '删除', path: null, component: null, sort: 2, hidden: false, status: 1, perm: 'perm:user:delete', children: [] }
        ]
      },
      {
        id: 4, parent_id: 1, type: 'menu', name: 'MenuDetail', title: '隐藏页', title_en: 'Hidden page', path: 'detail/:id',
        component: 'rbac/menu/index', icon: '', sort: 5, hidden: true, status: 1, perm: null, children: []
      },
      {
        id: 5, parent_id: 1, type: 'menu', name: 'Config', title: '参数设置', title_en: 'Settings', path: 'config',
        component: 'demo/missing/index', icon: 'edit', sort: 6, hidden: false, status: 1, perm: null, children: []
      },
      {
        id: 6, parent_id: 1, type: 'dir', name: 'Nested', title: '嵌套目录', title_en: 'Nested', path: 'nested',
        component: null, icon: 'tree', sort: 7, hidden: false, status: 1, perm: null,
        children: [
          { id: 61, parent_id: 6, type: 'menu', name: 'Label', title: '权限标识', title_en: 'Labels', path: 'label', component: '/rbac/label/index.vue', icon: 'label', sort: 1, hidden: false, status: 1, perm: null, children: [] }
        ]
      },
      {
        id: 7, parent_id: 1, type: 'menu', name: 'Disabled', title: '停用', path: 'off', component: 'rbac/user/index',
        sort: 8, hidden: false, status: 0, perm: null, children: []
      }
    ]
  },
  {
    id: 30, parent_id: null, type: 'menu', name: 'RegCode', title: '注册码', title_en: 'Reg codes', path: '/regcode',
    component: 'demo/regcode-missing/index', icon: 'code', sort: 3, hidden: false, status: 1, perm: null, children: []
  },
  {
    id: 40, parent_id: null, type: 'menu', name: 'Docs', title: '文档', title_en: 'Docs', path: 'https://example.org/docs',
    component: null, icon: 'documentation', sort: 4, hidden: false, status: 1, perm: null, children: []
  },
  {
    id: 50, parent_id: null, type: 'menu', name: 'Profile', title: '冲突名称', path: '/my', component: 'profile/index',
    icon: '', sort: 9, hidden: true, status: 1, perm: null, children: []
  }
]

const Layout = { name: 'FakeLayout' }
const ParentView = { name: 'FakeParentView' }
const Missing = { name: 'FakeMissing' }
const build = () => buildRoutes(menus, { layout: Layout, parentView: ParentView, missing: Missing })

function findRoute(routes, name) {
  for (const r of routes) {
    if (r.name === name) return r
    const hit = findRoute(r.children || [], name)
    if (hit) return hit
  }
  return null
}

describe('resolveView', () => {
  it('maps the seeded component strings to the real page files', () => {
    for (const c of ['rbac/user/index', 'rbac/role/index', 'rbac/menu/index', 'rbac/label/index', 'log/login/index', 'log/operation/index', 'system/config/index', 'system/dict/index', 'business/regcode/index']) {
      const loader = resolveView(c)
      expect(loader, c).toBe(viewModules[`../views/${c}.vue`])
      expect(typeof loader).toBe('function')
    }
  })

  it('accepts a leading slash, a .vue suffix or a folder name', () => {
    expect(resolveView('/rbac/user/index.vue')).toBe(viewModules['../views/rbac/user/index.vue'])
    expect(resolveView('rbac/user')).toBe(viewModules['../views/rbac/user/index.vue'])
  })

  it('answers null for unknown or empty components', () => {
    expect(resolveView('system/nope/index')).toBeNull()
    expect(resolveView('')).toBeNull()
    expect(resolveView(null)).toBeNull()
  })
})

describe('buildRoutes', () => {
  it('makes top-level directories layout routes, sorted, redirecting to their first page', () => {
    const routes = build()
    expect(routes.map((r) => r.path)).toEqual(['/permission', '/log', '/regcode', '/my'])
    const perm = routes[0]
    expect(perm.component).toBe(Layout)
    expect(perm.name).toBe('Permission')
    expect(perm.redirect).toBe('/permission/user')
    expect(perm.meta).toMatchObject({ title: '权限管理', titleEn: 'Permissions', icon: 'lock' })
    expect(routes[1].redirect).toBe('/log/login')
  })

  it('maps pages to lazy views and keeps child paths relative', () => {
    const routes = build()
    const user = findRoute(routes, 'User')
    expect(user.path).toBe('user')
    expect(user.component).toBe(viewModules['../views/rbac/user/index.vue'])
    expect(user.meta).toMatchObject({ title: '用户管理', titleEn: 'Users', perm: 'perm:user:get', fullPath: '/permission/user', hidden: false })
    expect(findRoute(routes, 'LoginLog').component).toBe(viewModules['../views/log/login/index.vue'])
  })

  it('leaves buttons and disabled menus out', () => {
    const routes = build()
    expect(findRoute(routes, 'UserAdd')).toBeNull()
    expect(findRoute(routes, 'UserDelete')).toBeNull()
    expect(findRoute(routes, 'Disabled')).toBeNull()
    expect(findRoute(routes, 'User').children).toBeUndefined()
  })

  it('keeps hidden menus routable but flags them', () => {
    const hidden = findRoute(build(), 'MenuDetail')
    expect(hidden).not.toBeNull()
    expect(hidden.meta.hidden).toBe(true)
    expect(hidden.path).toBe('detail/:id')
  })

  it('uses a pass-through view for nested directories', () => {
    const nested = findRoute(build(), 'Nested')
    expect(nested.component).toBe(ParentView)
    expect(nested.path).toBe('nested')
    expect(nested.redirect).toBe('/permission/nested/label')
    expect(nested.children.map((c) => c.name)).toEqual(['Label'])
    expect(nested.children[0].component).toBe(viewModules['../views/rbac/label/index.vue'])
  })

  it('points unknown components at the placeholder view', () => {
    const config = findRoute(build(), 'Config')
    expect(config.component).toBe(Missing)
    expect(config.meta.missing).toBe(true)
    expect(config.meta.component).toBe('demo/missing/index')
    const regcode = findRoute(build(), 'RegCode')
    expect(regcode.component).toBe(Missing)
  })

  it('wraps a top-level page in the layout and skips external links', () => {
    const routes = build()
    const wrapper = routes.find((r) => r.path === '/regcode')
    expect(wrapper.component).toBe(Layout)
    expect(wrapper.children).toHaveLength(1)
    expect(wrapper.children[0]).toMatchObject({ path: '', name: 'RegCode' })
    expect(JSON.stringify(routes.map((r) => r.path))).not.toContain('example.org')
  })

  it('never lets a menu take over a constant route name', () => {
    const mine = findRoute(build(), 'Profile_50')
    expect(mine).not.toBeNull()
    expect(findRoute(build(), 'Profile')).toBeNull()
  })

  it('produces records vue-router resolves to the right pages', () => {
    const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/', component: Layout }] })
    build().forEach((r) => router.addRoute(r))
    const resolved = router.resolve('/permission/user')
    expect(resolved.name).toBe('User')
    expect(resolved.matched.map((m) => m.path)).toEqual(['/permission', '/permission/user'])
    expect(router.resolve('/permission/nested/label').name).toBe('Label')
    expect(router.resolve('/permission/detail/7').params).toEqual({ id: '7' })
    expect(router.resolve('/regcode').name).toBe('RegCode')
  })
})

describe('buildSidebar', () => {
  it('shows visible directories and menus with full paths, no buttons', () => {
    const items = buildSidebar(menus)
    expect(items.map((i) => i.title)).toEqual(['权限管理', '日志管理', '注册码', '文档'])
    const perm = items[0]
    expect(perm.children.map((c) => c.path)).toEqual([
      '/permission/user',
      '/permission/role',
      '/permission/config',
      '/permission/nested'
    ])
    expect(perm.children[0].children).toBeUndefined()
    expect(perm.children[3].children[0].path).toBe('/permission/nested/label')
    const docs = items[3]
    expect(docs).toMatchObject({ external: true, path: 'https://example.org/docs', titleEn: 'Docs' })
  })

  it('drops directories left empty', () => {
    const items = buildSidebar([
      { id: 1, type: 'dir', name: 'Empty', title: 'x', path: '/x', status: 1, children: [
        { id: 2, type: 'menu', name: 'H', title: 'h', path: 'h', hidden: true, status: 1, component: 'rbac/user/index' }
      ] }
    ])
    expect(items).toEqual([])
  })
})
