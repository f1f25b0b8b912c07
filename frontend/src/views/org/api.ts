// Departments (`/system/dept`) and posts (`/system/post`): the organisation module's calls, over
// the types generated from the backend's OpenAPI document (`make api-types`).
import type { AxiosRequestConfig } from 'axios'
import { api, type QueryParams, type Schemas } from '@/api/client'

/** A department as the tree answers it; `parent_id` 0 is a root, `leader`/`phone`/`email` "" when none. */
export type Dept = Schemas['DeptOut']
export type Post = Schemas['PostOut']

// ---- departments
/** The whole tree (the caller's data scope, plus the ancestors needed to draw it): root nodes.
 * A department matching the filters comes with its ancestors. */
export function listDepts(query: QueryParams<'/system/dept'> = {}, config: AxiosRequestConfig = {}) {
  return api.get('/system/dept', { query, config })
}
/** The enabled departments, for pickers. */
export function enabledDepts(config: AxiosRequestConfig = {}) {
  return listDepts({ status: 1 }, config)
}
export function getDept(id: number) {
  return api.get('/system/dept/{dept_id}', { path: { dept_id: id } })
}
/** Answers `{id}` (201). */
export function createDept(body: Schemas['DeptCreate']) {
  return api.post('/system/dept', { body })
}
/** Moving (a new `parent_id`) takes the whole subtree along. */
export function updateDept(id: number, body: Schemas['DeptUpdate']) {
  return api.put('/system/dept/{dept_id}', { path: { dept_id: id }, body })
}
export function deleteDept(id: number) {
  return api.delete('/system/dept/{dept_id}', { path: { dept_id: id } })
}

// ---- posts
export function listPosts(query: QueryParams<'/system/post'> = {}, config: AxiosRequestConfig = {}) {
  return api.get('/system/post', { query, config })
}
export function getPost(id: number) {
  return api.get('/system/post/{post_id}', { path: { post_id: id } })
}
/** Answers `{id}` (201). */
export function createPost(body: Schemas['PostCreate']) {
  return api.post('/system/post', { body })
}
export function updatePost(id: number, body: Schemas['PostUpdate']) {
  return api.put('/system/post/{post_id}', { path: { post_id: id }, body })
}
export function deletePost(id: number) {
  return api.delete('/system/post/{post_id}', { path: { post_id: id } })
}
