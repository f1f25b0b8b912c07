// Which paths name a page of the dashboard, whether or not the signed-in user may open it.
// A path the user's menus do not give is a 403 ("no permission") when it is one of these, and
// a 404 otherwise. The frontend sees only the user's own menus, so the pages are known from
// the modules' seeded menu paths and from the page files under src/views (a page at
// views/<module>/<page>/index.vue is known at /<module>/<page>).
import { modulePages } from '@/modules'

/** Menu paths seeded by the backend modules (see src/core/<module>/seed.py); the modules of src/modules.ts add theirs. */
export const SEEDED_PAGES = [
  '/permission/user',
  '/permission/role',
  '/permission/menu',
  '/permission/label',
  '/log/login',
  '/log/operation',
  '/system/config',
  '/system/dict',
  '/system/job',
  '/system/job-log',
  '/system/backup',
  ...modulePages()
]

/** Page folders that are not menu pages (public pages, the shell's own pages). */
const NOT_MENU_PAGES = new Set(['error', 'login', 'register', 'forget-password', 'reset-password', 'dashboard', 'profile', 'redirect'])

const pageFiles: Record<string, unknown> = import.meta.glob('../views/**/index.vue')

/** "/<module>/<page>" for every views/<module>/<page>/index.vue of `modules`. */
export function viewPaths(modules: Record<string, unknown> = pageFiles): string[] {
  const out: string[] = []
  for (const key of Object.keys(modules)) {
    const m = /^\.\.\/views\/(.+)\/index\.vue$/.exec(key)
    if (!m || NOT_MENU_PAGES.has(m[1].split('/')[0])) continue
    out.push(`/${m[1]}`)
  }
  return out
}

function normalize(path: unknown): string {
  const p = `/${String(path || '').split(/[?#]/)[0]}`.replace(/\/{2,}/g, '/')
  return p.length > 1 ? p.replace(/\/+$/, '') : p
}

/** True when `path` is a known page or a directory above one (e.g. /system). */
export function isKnownPage(path: string, pages: string[] = [...SEEDED_PAGES, ...viewPaths()]): boolean {
  const p = normalize(path)
  if (p === '/') return false
  return pages.some((page) => page === p || page.startsWith(`${p}/`))
}
