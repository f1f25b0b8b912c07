// Admin routes of the RBAC module: users, roles, menus and permission labels.
import request from '@/utils/request'

// ---- users
export function listUsers(params, config = {}) {
  return request.get('/permission/user', { params, ...config })
}
export function getUser(id) {
  return request.get(`/permission/user/${id}`)
}
export function createUser(data) {
  return request.post('/permission/user', data)
}
export function updateUser(id, data) {
  return request.put(`/permission/user/${id}`, data)
}
export function deleteUser(id) {
  return request.delete(`/permission/user/${id}`)
}
export function setUserStatus(id, status) {
  return request.put(`/permission/user/${id}/active`, { status })
}
export function resetUserPassword(id, newPassword) {
  return request.put(`/permission/user/${id}/password`, { new_password: newPassword })
}
export function setUserRoles(id, roleIds) {
  return request.put(`/permission/user/${id}/roles`, { role_ids: roleIds })
}

// ---- roles
export function listRoles(params, config = {}) {
  return request.get('/permission/role', { params, ...config })
}
export function getRole(id) {
  return request.get(`/permission/role/${id}`)
}
export function createRole(data) {
  return request.post('/permission/role', data)
}
export function updateRole(id, data) {
  return request.put(`/permission/role/${id}`, data)
}
export function deleteRole(id) {
  return request.delete(`/permission/role/${id}`)
}
export function setRoleMenus(id, menuIds, config = {}) {
  return request.put(`/permission/role/${id}/menus`, { menu_ids: menuIds }, config)
}
export function setRoleLabels(id, labelIds, config = {}) {
  return request.put(`/permission/role/${id}/perm-labels`, { label_ids: labelIds }, config)
}

// ---- menus
export function getMenuTree(config = {}) {
  return request.get('/permission/menu', config)
}
export function getMenu(id) {
  return request.get(`/permission/menu/${id}`)
}
export function createMenu(data) {
  return request.post('/permission/menu', data)
}
export function updateMenu(id, data) {
  return request.put(`/permission/menu/${id}`, data)
}
export function deleteMenu(id) {
  return request.delete(`/permission/menu/${id}`)
}

// ---- permission labels
export function listLabels(params, config = {}) {
  return request.get('/permission/perm-label', { params, ...config })
}
export function getLabel(id) {
  return request.get(`/permission/perm-label/${id}`)
}
export function createLabel(data) {
  return request.post('/permission/perm-label', data)
}
export function updateLabel(id, data) {
  return request.put(`/permission/perm-label/${id}`, data)
}
export function deleteLabel(id) {
  return request.delete(`/permission/perm-label/${id}`)
}

/** Read every page of a list endpoint (for pickers: all roles, all labels). */
export async function fetchAll(listFn, params = {}, { size = 100, maxPages = 50, config } = {}) {
  const items = []
  for (let page = 1; page <= maxPages; page += 1) {
    const res = await listFn({ ...params, page, size }, config)
    const batch = (res && res.items) || []
    items.push(...batch)
    if (batch.length < size || items.length >= ((res && res.total) || 0)) break
  }
  return items
}
