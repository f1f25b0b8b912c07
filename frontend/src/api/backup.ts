// Backup and restore (`/system/backup`): every table as CSV in one zip, and back.
import type { Schemas } from './client'
import { requestFile, uploadFile, type DownloadedFile, type UploadConfig } from '@/utils/download'

/** A fresh backup (a zip). */
export function downloadBackup(): Promise<DownloadedFile> {
  return requestFile({ url: '/system/backup', method: 'post', fallbackName: 'backup.zip' })
}

/** Replace every table's rows with the zip's; signs everyone out. */
export function restoreBackup(file: Blob, config: UploadConfig = {}): Promise<Schemas['RestoreOut']> {
  return uploadFile('/system/backup/restore', file, config)
}
