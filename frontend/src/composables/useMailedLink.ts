import { onMounted, ref } from 'vue'
import { useRoute } from 'vue-router'

/** Where a page opened from a mailed link is: checking it, ready to confirm, refused, or done. */
export type LinkState = 'checking' | 'ready' | 'invalid' | 'done'

/**
 * A page opened from a one-time link (`/register/:token`, `/confirm-email/:token`): `check` the
 * token when the page opens (what it answers is `details`), `confirm` it on the button.
 * An error of `confirm` is shown by the request interceptor; the page stays ready to try again.
 */
export function useMailedLink<D>(check: (token: string) => Promise<D>, confirm: (token: string) => Promise<unknown>) {
  const route = useRoute()
  const token = String(route.params.token || '')
  const state = ref<LinkState>('checking')
  const details = ref<D | null>(null)
  const submitting = ref(false)

  onMounted(async () => {
    try {
      const res = await check(token)
      details.value = res && typeof res === 'object' ? res : null
      state.value = 'ready'
    } catch {
      state.value = 'invalid'
    }
  })

  /** Confirm the link; `true` when it worked. */
  async function submit(): Promise<boolean> {
    submitting.value = true
    try {
      await confirm(token)
      state.value = 'done'
      return true
    } catch {
      return false
    } finally {
      submitting.value = false
    }
  }

  return { state, details, submitting, submit }
}
