import { defineStore } from 'pinia'

function toView(route) {
  return {
    path: route.path,
    fullPath: route.fullPath,
    name: route.name,
    meta: { ...route.meta }
  }
}

/** The opened pages shown as tabs above the content. */
export const useTagsViewStore = defineStore('tagsView', {
  state: () => ({ visited: [] }),
  actions: {
    add(route) {
      if (!route.meta || (!route.meta.title && !route.meta.titleKey)) return
      if (route.name === 'NotFound' || route.name === 'Forbidden') return
      const existing = this.visited.find((v) => v.path === route.path)
      if (existing) {
        existing.fullPath = route.fullPath
        return
      }
      this.visited.push(toView(route))
    },
    /** Close a tab; answers the tab to show instead when it was the active one. */
    close(path) {
      const index = this.visited.findIndex((v) => v.path === path)
      if (index < 0 || this.visited[index].meta.affix) return null
      this.visited.splice(index, 1)
      return this.visited[index] || this.visited[index - 1] || null
    },
    closeOthers(path) {
      this.visited = this.visited.filter((v) => v.meta.affix || v.path === path)
    },
    closeAll() {
      this.visited = this.visited.filter((v) => v.meta.affix)
    },
    reset() {
      this.visited = []
    }
  }
})
