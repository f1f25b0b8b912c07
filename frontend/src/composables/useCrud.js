import { nextTick, reactive, ref } from 'vue'
import { ElMessage } from 'element-plus'
import { confirmAction } from '@/utils/confirm'
import { t } from '@/locales'

/** A form rule: the field named by the i18n key `label` must be filled in. */
export const requiredRule = (label, trigger = 'blur') => ({ required: true, trigger, message: () => t('common.required', { field: t(label) }) })
/** A form rule: the value must match `pattern`, else the i18n message `message`. */
export const patternRule = (pattern, message) => ({ pattern, trigger: 'blur', message: () => t(message) })

/**
 * Run one API action of a page: on success show `success` (an i18n key or a function giving
 * the text) and call `then`; on failure stay quiet, since the request interceptor has already
 * said what went wrong. Resolves true when it succeeded.
 */
export async function attempt(action, { success, then } = {}) {
  let result
  try {
    result = await action()
  } catch {
    return false // shown by the interceptor
  }
  if (success) ElMessage.success(typeof success === 'function' ? success(result) : t(success))
  if (then) then(result)
  return true
}

/** The form with every string trimmed: what most forms send. */
export const trimmed = (form) =>
  Object.fromEntries(Object.entries(form).map(([k, v]) => [k, typeof v === 'string' ? v.trim() : v]))

/**
 * The fields of `empty` taken from `row`, each as the type of its blank value (a number stays a
 * number, a missing string is ''), so a row fills the form it is edited in.
 */
export function formOf(empty, row) {
  return Object.fromEntries(
    Object.entries(empty).map(([k, blank]) => {
      const v = row[k]
      if (v === null || v === undefined) return [k, blank]
      if (typeof blank === 'number') return [k, Number.isFinite(Number(v)) ? Number(v) : blank]
      if (typeof blank === 'string') return [k, String(v)]
      return [k, v]
    })
  )
}

/**
 * The add / edit dialog and delete cycle of a list page.
 * - `emptyForm()` the blank form; `fromRow(row)` the form fields of a row being edited
 *   (default: the blank form's fields taken from the row, see formOf).
 * - `save(form, dialog)` writes (look at `dialog.mode`, 'add' or 'edit', and `dialog.id`);
 *   or else `api.create(body)` / `api.update(id, body)` with `body(form, dialog)` (default:
 *   the form trimmed), and `api.remove(id)` for `destroy`.
 * - `destroy(row)` deletes; `confirmText(row)` the question asked first (default: "Delete
 *   "{name}"?" with `nameOf(row)`).
 * - `reload()` after a save or a delete (usually `getList`).
 * Success messages are the common ones (added / updated / deleted).
 */
export function useCrud({ emptyForm = () => ({}), fromRow, save, destroy, api, body = trimmed, nameOf = (row) => row.name, confirmText, reload = () => {} } = {}) {
  if (!fromRow) fromRow = (row) => formOf(emptyForm(), row)
  if (!save && api) save = (f, d) => (d.mode === 'add' ? api.create(body(f, d)) : api.update(d.id, body(f, d)))
  if (!destroy && api) destroy = (row) => api.remove(row.id)
  const dialog = reactive({ open: false, mode: 'add', saving: false, id: null, row: null })
  const formRef = ref()
  const form = reactive(emptyForm())

  function show(mode, row, fields) {
    Object.assign(form, emptyForm(), fields)
    dialog.mode = mode
    dialog.id = row ? row.id : null
    dialog.row = row || null
    dialog.open = true
    nextTick(() => formRef.value && formRef.value.clearValidate())
  }

  /** Open the dialog blank; `fields` preset some of the form. */
  const openAdd = (fields = {}) => show('add', null, fields)
  const openEdit = (row) => show('edit', row, fromRow(row))

  async function submitForm() {
    if (formRef.value) {
      const valid = await formRef.value.validate().catch(() => false)
      if (!valid) return false
    }
    dialog.saving = true
    try {
      return await attempt(() => save(form, dialog), {
        success: dialog.mode === 'add' ? 'common.addSuccess' : 'common.editSuccess',
        then: () => {
          dialog.open = false
          reload()
        }
      })
    } finally {
      dialog.saving = false
    }
  }

  async function remove(row) {
    const message = confirmText ? confirmText(row) : t('common.confirmDelete', { name: nameOf(row) })
    if (!(await confirmAction(message))) return false
    return attempt(() => destroy(row), { success: 'common.deleteSuccess', then: () => reload() })
  }

  return { dialog, formRef, form, openAdd, openEdit, submitForm, remove }
}
