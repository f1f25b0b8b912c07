// Turn the menu tree of `GET /user/routers` into vue-router records and sidebar items.
// Pure functions: the page modules and layout components are passed in (or defaulted), so
// they are easy to test with a fake module map.
import type { RouteComponent, RouteMeta, RouteRecordRaw } from 'vue-router'

/**
 * A node of the menu tree (`MenuOut` of the API). Loose on purpose: older answers and the
 * mock API give `status` / `hidden` as strings and may leave fields out.
 */
export interface MenuNode {
  id?: number
  name?: string
  title?: string
  title_en?: string
  icon?: string
  path?: string
  component?: string
  perm?: string
  type?: string
  sort?: number | string
  status?: number | string | boolean
  hidden?: boolean | number | string
  children?: MenuNode[]
}

/** A lazily loaded page. */
type Loader = () => Promise<unknown>
/** Page loaders by file: keys look like "../views/rbac/user/index.vue". */
export type ViewModules = Record<string, Loader>

/** What a menu route carries in `meta` (beside vue-router's own). */
declare module 'vue-router' {
  interface RouteMeta {
    title?: string
    titleEn?: string
    titleKey?: string
    icon?: string
    hidden?: boolean
    perm?: string
    menuId?: number
    type?: string
    fullPath?: string
    component?: string
    missing?: boolean
    wrapper?: boolean
    affix?: boolean
    noCache?: boolean
  }
}

/** One item of the sidebar. */
export interface SidebarItem {
  id?: number
  name?: string
  title: string
  titleEn: string
  icon: string
  path: string
  external: boolean
  type?: string
  children?: SidebarItem[]
}

interface BuildContext {
  modules: ViewModules
  layout: RouteComponent | Loader
  parentView: RouteComponent | Loader
  missing: RouteComponent | Loader
  usedNames: Set<string>
}

export interface BuildOptions {
  modules?: ViewModules
  layout?: RouteComponent | Loader
  parentView?: RouteComponent | Loader
  missing?: RouteComponent | Loader
}

const Layout = () => import('@/layout/index.vue')
const ParentView = () => import('@/layout/components/ParentView.vue')
const ComponentMissing = () => import('@/views/error/ComponentMissing.vue')

/** Every page under src/views, lazily loaded: keys look like "../views/rbac/user/index.vue". */
export const viewModules: ViewModules = import.meta.glob('../views/**/*.vue')

/** Route names used by the constant routes; a menu may not take them over. */
export const RESERVED_NAMES = new Set([
  'Login',
  'Register',
  'RegisterConfirm',
  'ForgetPassword',
  'ResetPassword',
  'Dashboard',
  'Profile',
  'NotFound',
  'Forbidden',
  'NoRole',
  'Redirect'
])

export function isExternal(path: string | undefined): boolean {
  return /^(https?:|mailto:|tel:)/.test(path || '')
}

function normalizeComponent(component: unknown): string {
  return String(component || '')
    .trim()
    .replace(/^@\/views\//, '')
    .replace(/^(\.\.\/|\.\/)?views\//, '')
    .replace(/^\/+/, '')
    .replace(/\.vue$/, '')
}

/**
 * Map a menu's component string ("rbac/user/index", "/rbac/user/index.vue", "rbac/user")
 * to a lazy loader from `modules`; null when no such page exists.
 */
export function resolveView(component: unknown, modules: ViewModules = viewModules): Loader | null {
  const name = normalizeComponent(component)
  if (!name) return null
  const candidates = [`../views/${name}.vue`, `../views/${name}/index.vue`]
  for (const key of candidates) {
    if (modules[key]) return modules[key]
  }
  return null
}

function isEnabled(node: MenuNode): boolean {
  // status 0 = disabled; anything else (1, "1", undefined) counts as enabled
  return !(node.status === 0 || node.status === '0' || node.status === false)
}

function isHidden(node: MenuNode): boolean {
  return node.hidden === true || node.hidden === 1 || node.hidden === '1' || node.hidden === 'Y'
}

function bySort(a: MenuNode, b: MenuNode): number {
  return (Number(a.sort) || 0) - (Number(b.sort) || 0) || (Number(a.id) || 0) - (Number(b.id) || 0)
}

/** The navigable children of a node (directories and menus, enabled), in sort order. */
function routableChildren(node: MenuNode): MenuNode[] {
  return (node.children || []).filter((c) => c.type !== 'button' && isEnabled(c)).sort(bySort)
}

export function joinPath(parent: string, child: string | undefined): string {
  if (!child) return parent || '/'
  if (isExternal(child) || child.startsWith('/')) return child
  const base = (parent || '').replace(/\/+$/, '')
  return `${base}/${child}`.replace(/\/{2,}/g, '/')
}

function metaOf(node: MenuNode, fullPath: string): RouteMeta {
  return {
    title: node.title || node.name || '',
    titleEn: node.title_en || '',
    icon: node.icon || '',
    hidden: isHidden(node),
    perm: node.perm || '',
    menuId: node.id,
    type: node.type,
    fullPath,
    component: node.component || ''
  }
}

function routeName(node: MenuNode, usedNames: Set<string>): string {
  let name = node.name ? String(node.name) : `Menu${node.id}`
  if (RESERVED_NAMES.has(name) || usedNames.has(name)) name = `${name}_${node.id}`
  usedNames.add(name)
  return name
}

function firstLeafPath(node: MenuNode, fullPath: string): string | null {
  for (const child of routableChildren(node)) {
    const childPath = joinPath(fullPath, child.path)
    if (isExternal(childPath)) continue
    if (child.type === 'dir') {
      const leaf = firstLeafPath(child, childPath)
      if (leaf) return leaf
    } else {
      return childPath
    }
  }
  return null
}

function buildNode(node: MenuNode, parentFullPath: string, ctx: BuildContext, depth: number): RouteRecordRaw | null {
  const fullPath = joinPath(parentFullPath, node.path || '')
  if (isExternal(fullPath)) return null // external links live in the sidebar only
  const meta = metaOf(node, fullPath)
  // Top-level records need absolute paths; nested ones stay relative to their parent.
  const path = depth === 0 ? (fullPath.startsWith('/') ? fullPath : `/${fullPath}`) : node.path || ''

  if (node.type === 'dir') {
    const children = routableChildren(node)
      .map((child) => buildNode(child, fullPath, ctx, depth + 1))
      .filter((r): r is RouteRecordRaw => r !== null)
    const record: RouteRecordRaw = {
      path,
      name: routeName(node, ctx.usedNames),
      component: depth === 0 ? ctx.layout : ctx.parentView,
      meta,
      children
    }
    const leaf = firstLeafPath(node, fullPath)
    return leaf ? { ...record, redirect: leaf } : record
  }

  // type "menu": a page
  const view = resolveView(node.component, ctx.modules) || ctx.missing
  const page: RouteRecordRaw = {
    path,
    name: routeName(node, ctx.usedNames),
    component: view,
    meta: { ...meta, missing: view === ctx.missing }
  }
  if (depth > 0) return page
  // A page at the top level is wrapped in the layout so it gets the sidebar and navbar.
  return {
    path,
    component: ctx.layout,
    meta: { ...meta, wrapper: true },
    children: [{ ...page, path: '' }]
  }
}

/**
 * Build route records from a menu tree.
 * Buttons and disabled nodes are left out; hidden nodes become routes but not sidebar items.
 */
export function buildRoutes(menus: MenuNode[] | null | undefined, options: BuildOptions = {}): RouteRecordRaw[] {
  const ctx: BuildContext = {
    modules: options.modules || viewModules,
    layout: options.layout || Layout,
    parentView: options.parentView || ParentView,
    missing: options.missing || ComponentMissing,
    usedNames: new Set()
  }
  return (menus || [])
    .filter((m) => m.type !== 'button' && isEnabled(m))
    .sort(bySort)
    .map((m) => buildNode(m, '', ctx, 0))
    .filter((r): r is RouteRecordRaw => r !== null)
}

/**
 * Sidebar items: visible, enabled directories and menus with their full paths.
 * `{ id, title, titleEn, icon, path, external, children }`; empty directories are dropped.
 */
export function buildSidebar(menus: MenuNode[] | null | undefined, parentFullPath = ''): SidebarItem[] {
  const items: SidebarItem[] = []
  for (const node of (menus || []).slice().sort(bySort)) {
    if (node.type === 'button' || !isEnabled(node) || isHidden(node)) continue
    const fullPath = joinPath(parentFullPath, node.path || '')
    const item: SidebarItem = {
      id: node.id,
      name: node.name,
      title: node.title || node.name || '',
      titleEn: node.title_en || '',
      icon: node.icon || '',
      path: isExternal(fullPath) || fullPath.startsWith('/') ? fullPath : `/${fullPath}`,
      external: isExternal(fullPath),
      type: node.type
    }
    if (node.type === 'dir') {
      item.children = buildSidebar(node.children || [], item.path)
      if (!item.children.length) continue
    }
    items.push(item)
  }
  return items
}

/** Walk a menu tree depth-first. */
export function walkMenus(menus: MenuNode[] | null | undefined, fn: (node: MenuNode, parent: MenuNode | null) => void, parent: MenuNode | null = null): void {
  for (const node of menus || []) {
    fn(node, parent)
    if (node.children && node.children.length) walkMenus(node.children, fn, node)
  }
}
