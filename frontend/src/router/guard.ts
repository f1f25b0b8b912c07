import type { Router } from 'vue-router'
import { getToken } from '@/utils/auth'
import { isWhiteListed, type ApiError } from '@/utils/request'
import { useUserStore } from '@/store/modules/user'
import { usePermissionStore } from '@/store/modules/permission'
import { useTagsViewStore } from '@/store/modules/tagsView'
import { routeTitle } from '@/utils/title'
import { isKnownPage } from './known'
import { t } from '@/locales'

/**
 * Sign-in gate. Without a token only the public pages open. With one, the first navigation
 * loads the user and the menu routes; a user without a role is parked on /no-role.
 */
export function installGuard(router: Router): void {
  router.beforeEach(async (to) => {
    const permission = usePermissionStore()
    const user = useUserStore()
    const token = getToken()

    if (!token) {
      // The token is gone (logout, 401, expiry): forget the previous user's routes.
      if (permission.loaded) {
        permission.reset()
        useTagsViewStore().reset()
      }
      if (user.token || user.info) user.clear()
      if (isWhiteListed(to.path)) return true
      return { path: '/login', query: to.fullPath === '/' ? {} : { redirect: to.fullPath }, replace: true }
    }

    if (to.path === '/login') return { path: '/', replace: true }

    if (!permission.loaded) {
      try {
        if (!user.info) await user.getInfo()
        const routes = await permission.generateRoutes()
        routes.forEach((route) => permission.addRemover(router.addRoute(route)))
      } catch (caught) {
        const err = caught as ApiError | undefined
        if (err && err.status === 403 && err.apiCode === 'no_role') {
          permission.markNoRole()
        } else if (err && err.status === 401) {
          return false // the response interceptor is already redirecting to /login
        } else {
          // Network trouble or a server error: keep the token, show the error page of the
          // request (the interceptor already told the user), and let a reload try again.
          permission.markFailed()
          return to.path === '/' || to.path === '/index' ? true : { path: '/index', replace: true }
        }
      }
      if (permission.noRole) return to.path === '/no-role' ? true : { path: '/no-role', replace: true }
      // Re-resolve: the target may be one of the routes just added.
      return { path: to.path, query: to.query, hash: to.hash, replace: true }
    }

    if (permission.noRole && to.path !== '/no-role') return { path: '/no-role', replace: true }
    if (!permission.noRole && to.path === '/no-role') return { path: '/', replace: true }
    if (to.name === 'NotFound' || to.name === 'Forbidden') {
      // No route of the user's matched. A page that exists (but not for this user) is a 403
      // inside the layout; anything else, or when the menus could not be read, a 404.
      const wanted = !permission.failed && isKnownPage(to.path) ? 'Forbidden' : 'NotFound'
      if (to.name !== wanted) {
        return { name: wanted, params: { pathMatch: to.params.pathMatch }, query: to.query, hash: to.hash, replace: true }
      }
    }
    return true
  })

  router.afterEach((to) => {
    const title = routeTitle(to.meta)
    document.title = title ? `${title} - ${t('app.title')}` : t('app.title')
  })
}
