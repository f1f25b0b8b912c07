// Loads now and every `ms` while the page is shown: a page kept alive in a tab stops polling
// when it is left (deactivated) and starts again, with a fresh load, when it comes back.
import { onActivated, onBeforeUnmount, onDeactivated, onMounted } from 'vue'

export function useAutoRefresh(load, ms = 10_000) {
  let timer = null
  const stop = () => {
    if (timer !== null) clearInterval(timer)
    timer = null
  }
  const start = () => {
    stop()
    load()
    timer = setInterval(load, ms)
  }
  onMounted(start)
  onActivated(() => {
    if (timer === null) start()
  })
  onDeactivated(stop)
  onBeforeUnmount(stop)
  return { start, stop }
}
