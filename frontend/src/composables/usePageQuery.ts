import { shallowRef, watch, type ShallowRef } from 'vue'
import { useRoute, type LocationQuery } from 'vue-router'

/**
 * The route's query while the route is this page's, for pages that follow their query.
 * A kept-alive page stays mounted when another tab is shown: watching `route.query` directly
 * would see the other page's query (and, say, reload a list for a filter that was never asked).
 * This one changes only when this page's own address does.
 */
export function usePageQuery(): ShallowRef<LocationQuery> {
  const route = useRoute()
  const path = route.path
  const query = shallowRef(route.query)
  let seen = route.fullPath
  watch(
    () => route.fullPath,
    (fullPath) => {
      if (route.path !== path || fullPath === seen) return
      seen = fullPath
      query.value = route.query
    }
  )
  return query
}
