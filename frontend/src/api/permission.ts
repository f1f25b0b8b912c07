// Admin routes of the RBAC module: users, roles, menus and permission labels.
import type { AxiosRequestConfig } from 'axios'
import { api, fillPath, untyped, type QueryParams, type Schemas } from './client'

export type User = Schemas['UserOut']
export type Role = Schemas['RoleOut']
export type Menu = Schemas['MenuOut']
export type Label = Schemas['LabelOut']

// ---- users
export function listUsers(query: QueryParams<'/permission/user'>, config: AxiosRequestConfig = {}) {
  return api.get('/permission/user', { query, config })
}
export function getUser(id: number) {
  return api.get('/permission/user/{user_id}', { path: { user_id: id } })
}
export function createUser(body: Schemas['UserCreate']) {
  return api.post('/permission/user', { body })
}
export function updateUser(id: number, body: Schemas['UserUpdate']) {
  return api.put('/permission/user/{user_id}', { path: { user_id: id }, body })
}
export function deleteUser(id: number) {
  return api.delete('/permission/user/{user_id}', { path: { user_id: id } })
}
export function setUserStatus(id: number, status: Schemas['UserStatus']['status']) {
  return api.put('/permission/user/{user_id}/active', { path: { user_id: id }, body: { status } })
}
export function resetUserPassword(id: number, newPassword: string) {
  return api.put('/permission/user/{user_id}/password', { path: { user_id: id }, body: { new_password: newPassword } })
}
/** Turn off a user's two-factor sign-in (they enrol again); ends their sessions. 204. */
export function resetUserMfa(id: number) {
  return untyped.delete<void>(fillPath('/permission/user/{user_id}/2fa', { user_id: id }))
}
export function setUserRoles(id: number, roleIds: number[]) {
  return api.put('/permission/user/{user_id}/roles', { path: { user_id: id }, body: { role_ids: roleIds } })
}

// ---- roles
export function listRoles(query: QueryParams<'/permission/role'>, config: AxiosRequestConfig = {}) {
  return api.get('/permission/role', { query, config })
}
export function getRole(id: number) {
  return api.get('/permission/role/{role_id}', { path: { role_id: id } })
}
export function createRole(body: Schemas['RoleCreate']) {
  return api.post('/permission/role', { body })
}
export function updateRole(id: number, body: Schemas['RoleUpdate']) {
  return api.put('/permission/role/{role_id}', { path: { role_id: id }, body })
}
export function deleteRole(id: number) {
  return api.delete('/permission/role/{role_id}', { path: { role_id: id } })
}
export function setRoleMenus(id: number, menuIds: number[], config: AxiosRequestConfig = {}) {
  return api.put('/permission/role/{role_id}/menus', { path: { role_id: id }, body: { menu_ids: menuIds }, config })
}
export function setRoleLabels(id: number, labelIds: number[], config: AxiosRequestConfig = {}) {
  return api.put('/permission/role/{role_id}/perm-labels', { path: { role_id: id }, body: { label_ids: labelIds }, config })
}

// ---- a role's data scope: which rows (users, reg codes, departments) its holders see.
export type DataScopeBody = Schemas['RoleDataScope']
export type DataScope = DataScopeBody['data_scope']
/** The scopes in the dialog's order; a scope the API adds and this list lacks fails the typecheck. */
export const DATA_SCOPES = ['all', 'custom', 'dept', 'dept_and_below', 'self'] as const satisfies readonly DataScope[]
const everyScope: [Exclude<DataScope, (typeof DATA_SCOPES)[number]>] extends [never] ? true : never = true
void everyScope

/** The body of a data-scope change: the chosen departments for `custom`, none for the others
 * (the API refuses departments with any other scope). */
export function dataScopeBody(scope: DataScope, deptIds: Iterable<number> = []): DataScopeBody {
  if (scope === 'custom') return { data_scope: 'custom', dept_ids: [...new Set(deptIds)].sort((a, b) => a - b) }
  return { data_scope: scope, dept_ids: [] }
}

export function setRoleDataScope(id: number, body: DataScopeBody, config: AxiosRequestConfig = {}) {
  return api.put('/permission/role/{role_id}/data-scope', { path: { role_id: id }, body, config })
}

// ---- menus
export function getMenuTree(config: AxiosRequestConfig = {}) {
  return api.get('/permission/menu', { config })
}
export function getMenu(id: number) {
  return api.get('/permission/menu/{menu_id}', { path: { menu_id: id } })
}
export function createMenu(body: Schemas['MenuCreate']) {
  return api.post('/permission/menu', { body })
}
export function updateMenu(id: number, body: Schemas['MenuUpdate']) {
  return api.put('/permission/menu/{menu_id}', { path: { menu_id: id }, body })
}
export function deleteMenu(id: number) {
  return api.delete('/permission/menu/{menu_id}', { path: { menu_id: id } })
}

// ---- permission labels
export function listLabels(query: QueryParams<'/permission/perm-label'>, config: AxiosRequestConfig = {}) {
  return api.get('/permission/perm-label', { query, config })
}
export function getLabel(id: number) {
  return api.get('/permission/perm-label/{label_id}', { path: { label_id: id } })
}
export function createLabel(body: Schemas['LabelCreate']) {
  return api.post('/permission/perm-label', { body })
}
export function updateLabel(id: number, body: Schemas['LabelUpdate']) {
  return api.put('/permission/perm-label/{label_id}', { path: { label_id: id }, body })
}
export function deleteLabel(id: number) {
  return api.delete('/permission/perm-label/{label_id}', { path: { label_id: id } })
}

/** A page of a list: what every list route answers. */
export interface Page<T> {
  items: T[]
  total: number
  page: number
  size: number
}

/** Read every page of a list endpoint (for pickers: all roles, all labels). */
export async function fetchAll<T, Q extends object>(
  listFn: (query: Q & { page: number; size: number }, config?: AxiosRequestConfig) => Promise<Page<T>>,
  params: Q = {} as Q,
  { size = 100, maxPages = 50, config }: { size?: number; maxPages?: number; config?: AxiosRequestConfig } = {}
): Promise<T[]> {
  const items: T[] = []
  for (let page = 1; page <= maxPages; page += 1) {
    const res = await listFn({ ...params, page, size }, config)
    const batch = (res && res.items) || []
    items.push(...batch)
    if (batch.length < size || items.length >= ((res && res.total) || 0)) break
  }
  return items
}
