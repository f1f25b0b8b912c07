// Departments (`/system/dept`) and posts (`/system/post`): the organisation module's calls.
// Typed by hand from the API contract for now: once `make api-types` has the routes in
// `src/api/schema.d.ts`, each call becomes `api.get('/system/dept', { query })` over the
// generated types and these interfaces become `Schemas['DeptOut']` and so on.
import type { AxiosRequestConfig } from 'axios'
import request from '@/utils/request'
import { fillPath } from '@/api/client'
import type { Page } from '@/api/permission'

/** 1 enabled, 0 disabled (`sys_common_status`). */
export type Status = 0 | 1

/** A department as the tree answers it; `parent_id` 0 is a root. */
export interface Dept {
  id: number
  parent_id: number
  name: string
  sort: number
  /** "" when none, as for `phone` and `email` (never null). */
  leader: string
  phone: string
  email: string
  status: Status
  created_time: string
  children: Dept[]
}

/** Filters of the tree: a matching department comes with its ancestors. */
export interface DeptQuery {
  name?: string
  status?: Status
}

export interface DeptCreate {
  parent_id: number
  name: string
  sort?: number
  leader?: string
  phone?: string
  email?: string
  status?: Status
}
export type DeptUpdate = Partial<DeptCreate>

export interface Post {
  id: number
  code: string
  name: string
  sort: number
  status: Status
  remark: string
  created_time: string
}

export interface PostQuery {
  code?: string
  name?: string
  status?: Status
  page?: number
  size?: number
}

export interface PostCreate {
  code: string
  name: string
  sort?: number
  status?: Status
  remark?: string
}
export type PostUpdate = Partial<PostCreate>

/** What a create answers (201). */
export interface Created {
  id: number
}

type Method = 'get' | 'post' | 'put' | 'delete'

// The interceptor answers the body (or rejects with an ApiError), not the AxiosResponse.
function call<T>(method: Method, url: string, { params, data, config }: { params?: object; data?: unknown; config?: AxiosRequestConfig } = {}): Promise<T> {
  return request.request({ ...config, method, url, params, data }) as unknown as Promise<T>
}

// ---- departments
/** The whole tree (the caller's data scope, plus the ancestors needed to draw it): root nodes. */
export function listDepts(query: DeptQuery = {}, config: AxiosRequestConfig = {}) {
  return call<Dept[]>('get', '/system/dept', { params: query, config })
}
/** The enabled departments, for pickers. */
export function enabledDepts(config: AxiosRequestConfig = {}) {
  return listDepts({ status: 1 }, config)
}
export function getDept(id: number) {
  return call<Dept>('get', fillPath('/system/dept/{dept_id}', { dept_id: id }))
}
export function createDept(body: DeptCreate) {
  return call<Created>('post', '/system/dept', { data: body })
}
/** Moving (a new `parent_id`) takes the whole subtree along. */
export function updateDept(id: number, body: DeptUpdate) {
  return call<void>('put', fillPath('/system/dept/{dept_id}', { dept_id: id }), { data: body })
}
export function deleteDept(id: number) {
  return call<void>('delete', fillPath('/system/dept/{dept_id}', { dept_id: id }))
}

// ---- posts
export function listPosts(query: PostQuery = {}, config: AxiosRequestConfig = {}) {
  return call<Page<Post>>('get', '/system/post', { params: query, config })
}
export function getPost(id: number) {
  return call<Post>('get', fillPath('/system/post/{post_id}', { post_id: id }))
}
export function createPost(body: PostCreate) {
  return call<Created>('post', '/system/post', { data: body })
}
export function updatePost(id: number, body: PostUpdate) {
  return call<void>('put', fillPath('/system/post/{post_id}', { post_id: id }), { data: body })
}
export function deletePost(id: number) {
  return call<void>('delete', fillPath('/system/post/{post_id}', { post_id: id }))
}
