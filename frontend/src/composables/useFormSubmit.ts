import { ref, type Ref } from 'vue'

interface Validatable {
  validate: () => Promise<unknown>
}

/**
 * The submit of a one-form page: validate the form, then run `action` with `loading` on.
 * A refused request is already shown by the request interceptor, so it only ends the loading.
 */
export function useFormSubmit(formRef: Ref<Validatable | undefined>, action: () => Promise<unknown>) {
  const loading = ref(false)
  async function submit(): Promise<void> {
    if (loading.value || !formRef.value) return
    const valid = await formRef.value.validate().catch(() => false)
    if (!valid) return
    loading.value = true
    try {
      await action()
    } catch {
      /* shown by the interceptor */
    } finally {
      loading.value = false
    }
  }
  return { loading, submit }
}
