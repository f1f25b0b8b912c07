import { defineStore } from 'pinia'
import type { RouteRecordRaw } from 'vue-router'
import { getRouters } from '@/api/user'
import type { Menu } from '@/api/permission'
import { buildRoutes, buildSidebar } from '@/router/dynamic'
import { useUserStore } from './user'

export const usePermissionStore = defineStore('permission', {
  state: () => ({
    menus: [] as Menu[],
    routes: [] as RouteRecordRaw[],
    loaded: false,
    noRole: false,
    failed: false,
    removers: [] as Array<() => void>
  }),
  getters: {
    sidebarMenus: (state) => buildSidebar(state.menus)
  },
  actions: {
    /** Fetch the user's menus, roles and labels; answer the route records to add. */
    async generateRoutes(): Promise<RouteRecordRaw[]> {
      const res = await getRouters()
      const user = useUserStore()
      user.setPermissions({ roles: res.roles || [], labels: res.labels || [] })
      this.menus = res.menus || []
      this.routes = buildRoutes(this.menus)
      this.loaded = true
      this.noRole = false
      this.failed = false
      return this.routes
    },
    addRemover(remove: () => void) {
      this.removers.push(remove)
    },
    markNoRole() {
      this.menus = []
      this.routes = []
      this.loaded = true
      this.noRole = true
    },
    markFailed() {
      this.loaded = true
      this.failed = true
    },
    /** Remove the routes added for the previous user. */
    reset() {
      this.removers.forEach((remove) => remove())
      this.$reset()
    }
  }
})
