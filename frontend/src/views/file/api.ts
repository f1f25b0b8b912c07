// Files (`/system/file`): attachments uploaded, listed, downloaded and deleted, over the types
// generated from the backend's OpenAPI document (`make api-types`). The signed-in user's avatar
// upload is in `@/api/user` (the profile page is the platform's).
import { api, type QueryParams, type Schemas } from '@/api/client'
import { requestFile, uploadFile, type DownloadedFile, type UploadConfig } from '@/utils/download'

export type StoredFile = Schemas['FileOut']

export function listFiles(query: QueryParams<'/system/file'> = {}) {
  return api.get('/system/file', { query })
}
/** Answers `{id}` (201); the type is judged from the bytes, the name kept as data. */
export function uploadAttachment(file: Blob, config: UploadConfig = {}): Promise<Schemas['Created']> {
  return uploadFile('/system/file', file, config)
}
/** The bytes, named as the server's `Content-Disposition` says. */
export function downloadAttachment(id: number, fallbackName = 'download'): Promise<DownloadedFile> {
  return requestFile({ url: '/system/file/{file_id}/download', path: { file_id: id }, fallbackName })
}
export function deleteFile(id: number) {
  return api.delete('/system/file/{file_id}', { path: { file_id: id } })
}
