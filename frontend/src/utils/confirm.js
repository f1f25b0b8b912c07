import { ElMessageBox } from 'element-plus'
import { t } from '@/locales'

/** Ask before a destructive action; resolves true when the user confirmed. */
export async function confirmAction(message, { title, type = 'warning', confirmText } = {}) {
  try {
    await ElMessageBox.confirm(message, title || t('common.warning'), {
      type,
      confirmButtonText: confirmText || t('common.confirm'),
      cancelButtonText: t('common.cancel'),
      autofocus: false
    })
    return true
  } catch {
    return false
  }
}
