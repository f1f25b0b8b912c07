// Backup and restore (`/system/backup`): every table as CSV in one zip, and back.
import { requestFile, uploadFile } from '@/utils/download'

/** A fresh backup: `{blob, filename}` (a zip). */
export function downloadBackup() {
  return requestFile({ url: '/system/backup', method: 'post', fallbackName: 'backup.zip' })
}

/** Replace every table's rows with the zip's: `{revision, rows, tables: [{name, rows}]}`; signs everyone out. */
export function restoreBackup(file, config = {}) {
  return uploadFile('/system/backup/restore', file, config)
}
