import { defineStore } from 'pinia'
import type { RouteLocationNormalizedLoaded, RouteMeta } from 'vue-router'

/** An open tab: the page's address, its route name and its meta (title, affix, noCache). */
export interface VisitedView {
  path: string
  fullPath: string
  name?: RouteLocationNormalizedLoaded['name']
  meta: RouteMeta
}

type RouteLike = Pick<RouteLocationNormalizedLoaded, 'path' | 'fullPath' | 'name' | 'meta'>

function toView(route: RouteLike): VisitedView {
  return {
    path: route.path,
    fullPath: route.fullPath,
    name: route.name,
    meta: { ...route.meta }
  }
}

/** A page whose instance is kept alive while its tab is open (named, and not `meta.noCache`). */
function cacheable(view: { name?: unknown; meta?: RouteMeta }): view is { name: string; meta?: RouteMeta } {
  return typeof view.name === 'string' && !!view.name && !(view.meta && view.meta.noCache)
}

/**
 * The opened pages shown as tabs above the content, and the names of the pages kept alive
 * (`<keep-alive :include>` in AppMain): a page keeps its state while its tab stays open.
 */
export const useTagsViewStore = defineStore('tagsView', {
  state: () => ({ visited: [] as VisitedView[], cachedViews: [] as string[], refreshKeys: {} as Record<string, number> }),
  actions: {
    add(route: RouteLike) {
      if (!route.meta || (!route.meta.title && !route.meta.titleKey)) return
      if (route.name === 'NotFound' || route.name === 'Forbidden') return
      if (cacheable(route) && !this.cachedViews.includes(route.name)) this.cachedViews.push(route.name)
      const existing = this.visited.find((v) => v.path === route.path)
      if (existing) {
        existing.fullPath = route.fullPath
        return
      }
      this.visited.push(toView(route))
    },
    /** Keep only the cached names of the tabs still open. */
    syncCache() {
      const open = new Set(this.visited.filter(cacheable).map((v) => v.name))
      this.cachedViews = this.cachedViews.filter((name) => open.has(name))
    },
    /** Close a tab; answers the tab to show instead when it was the active one. */
    close(path: string): VisitedView | null {
      const index = this.visited.findIndex((v) => v.path === path)
      if (index < 0 || this.visited[index].meta.affix) return null
      this.visited.splice(index, 1)
      this.syncCache()
      return this.visited[index] || this.visited[index - 1] || null
    },
    closeOthers(path: string) {
      this.visited = this.visited.filter((v) => v.meta.affix || v.path === path)
      this.syncCache()
    },
    /** Close the tabs left of `path` (affixed ones stay). */
    closeLeft(path: string) {
      const index = this.visited.findIndex((v) => v.path === path)
      if (index < 0) return
      this.visited = this.visited.filter((v, i) => i >= index || v.meta.affix)
      this.syncCache()
    },
    /** Close the tabs right of `path` (affixed ones stay). */
    closeRight(path: string) {
      const index = this.visited.findIndex((v) => v.path === path)
      if (index < 0) return
      this.visited = this.visited.filter((v, i) => i <= index || v.meta.affix)
      this.syncCache()
    },
    closeAll() {
      this.visited = this.visited.filter((v) => v.meta.affix)
      this.syncCache()
    },
    /** Drop a page's kept instance; `restore` caches it again once the new one has mounted. */
    uncache(name: string) {
      this.cachedViews = this.cachedViews.filter((n) => n !== name)
    },
    /** A new key for the page at `path`: AppMain re-mounts it. */
    bumpRefresh(path: string) {
      this.refreshKeys = { ...this.refreshKeys, [path]: (this.refreshKeys[path] || 0) + 1 }
    },
    reset() {
      this.visited = []
      this.cachedViews = []
      this.refreshKeys = {}
    }
  }
})
