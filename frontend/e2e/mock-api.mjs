// A small in-memory stand-in for the FastAPI backend, for previewing the dashboard without it.
// It follows the contract in docs/ARCHITECTURE (routes under /api/v1, list envelopes, errors as
// {detail, code}) closely enough for clicking through the pages; it is not the real API.
//
//   npm run build && node e2e/mock-api.mjs            # serves dist/ + the API on :8890
//   VITE_DEV_API_TARGET=http://127.0.0.1:8890 npm run dev  # or: dev server against it
//
// Accounts: admin/admin123 (admin), opt/opt123 (read-only labels), norole/123456 (no role).
import http from 'node:http'
import { readFile, stat } from 'node:fs/promises'
import { extname, join, normalize } from 'node:path'
import { fileURLToPath } from 'node:url'
import { randomUUID } from 'node:crypto'

const PORT = Number(process.env.MOCK_PORT || 8890)
const DIST = fileURLToPath(new URL('../dist/', import.meta.url))
const now = () => new Date().toISOString()
let seq = 1000
const nextId = () => ++seq

// ---------------------------------------------------------------- data
const LABELS = []
for (const res of ['user', 'role', 'menu', 'label', 'dept', 'post']) {
  for (const verb of ['get', 'post', 'put', 'delete']) {
    LABELS.push({ id: LABELS.length + 1, label: `perm:${res}:${verb}`, name: `${res} ${verb}`, status: 1, remark: null, created_time: now() })
  }
}
LABELS.push({ id: LABELS.length + 1, label: 'perm:log:get', name: 'log get', status: 1, remark: null, created_time: now() })

const btn = (id, parent, title, titleEn, perm, sort) => ({
  id, parent_id: parent, type: 'button', name: null, title, title_en: titleEn, path: null, component: null, icon: null, sort, hidden: false, status: 1, perm, children: []
})
const MENUS = [
  {
    id: 1, parent_id: null, type: 'dir', name: 'Permission', title: '权限管理', title_en: 'Permissions', path: '/permission', component: null, icon: 'Lock', sort: 1, hidden: false, status: 1, perm: null,
    children: [
      { id: 2, parent_id: 1, type: 'menu', name: 'User', title: '用户管理', title_en: 'Users', path: 'user', component: 'rbac/user/index', icon: 'User', sort: 1, hidden: false, status: 1, perm: 'perm:user:get',
        children: [btn(21, 2, '新增用户', 'Add user', 'perm:user:post', 1), btn(22, 2, '修改用户', 'Edit user', 'perm:user:put', 2), btn(23, 2, '删除用户', 'Delete user', 'perm:user:delete', 3)] },
      { id: 3, parent_id: 1, type: 'menu', name: 'Role', title: '角色管理', title_en: 'Roles', path: 'role', component: 'rbac/role/index', icon: 'UserFilled', sort: 2, hidden: false, status: 1, perm: 'perm:role:get',
        children: [btn(31, 3, '新增角色', 'Add role', 'perm:role:post', 1), btn(32, 3, '修改角色', 'Edit role', 'perm:role:put', 2), btn(33, 3, '删除角色', 'Delete role', 'perm:role:delete', 3)] },
      { id: 4, parent_id: 1, type: 'menu', name: 'MenuManage', title: '菜单管理', title_en: 'Menus', path: 'menu', component: 'rbac/menu/index', icon: 'Menu', sort: 3, hidden: false, status: 1, perm: 'perm:menu:get', children: [] },
      { id: 5, parent_id: 1, type: 'menu', name: 'PermLabel', title: '权限标识', title_en: 'Permission labels', path: 'label', component: 'rbac/label/index', icon: 'PriceTag', sort: 4, hidden: false, status: 1, perm: 'perm:label:get', children: [] }
    ]
  },
  {
    id: 6, parent_id: null, type: 'dir', name: 'Log', title: '日志管理', title_en: 'Logs', path: '/log', component: null, icon: 'Document', sort: 2, hidden: false, status: 1, perm: null,
    children: [
      { id: 7, parent_id: 6, type: 'menu', name: 'LoginLog', title: '登录日志', title_en: 'Login log', path: 'login', component: 'log/login/index', icon: 'Tickets', sort: 1, hidden: false, status: 1, perm: 'perm:log:get', children: [] },
      { id: 8, parent_id: 6, type: 'menu', name: 'OperationLog', title: '操作日志', title_en: 'Operation log', path: 'operation', component: 'log/operation/index', icon: 'Memo', sort: 2, hidden: false, status: 1, perm: 'perm:log:get', children: [] }
    ]
  },
  { id: 9, parent_id: null, type: 'dir', name: 'System', title: '系统管理', title_en: 'System', path: '/system', component: null, icon: 'Setting', sort: 3, hidden: false, status: 1, perm: null,
    // A menu whose component has no page file: shows the "missing page component" placeholder.
    children: [
      { id: 10, parent_id: 9, type: 'menu', name: 'MissingDemo', title: '缺失页面示例', title_en: 'Missing page (demo)', path: 'missing', component: 'demo/missing/index', icon: 'Tools', sort: 9, hidden: false, status: 1, perm: null, children: [] },
      { id: 11, parent_id: 9, type: 'menu', name: 'Dept', title: '部门管理', title_en: 'Departments', path: 'dept', component: 'org/dept/index', icon: 'OfficeBuilding', sort: 1, hidden: false, status: 1, perm: 'perm:dept:get',
        children: [btn(111, 11, '新增部门', 'Add department', 'perm:dept:post', 1), btn(112, 11, '修改部门', 'Edit department', 'perm:dept:put', 2), btn(113, 11, '删除部门', 'Delete department', 'perm:dept:delete', 3)] },
      { id: 12, parent_id: 9, type: 'menu', name: 'Post', title: '岗位管理', title_en: 'Posts', path: 'post', component: 'org/post/index', icon: 'Postcard', sort: 2, hidden: false, status: 1, perm: 'perm:post:get',
        children: [btn(121, 12, '新增岗位', 'Add post', 'perm:post:post', 1), btn(122, 12, '修改岗位', 'Edit post', 'perm:post:put', 2), btn(123, 12, '删除岗位', 'Delete post', 'perm:post:delete', 3)] }
    ] }
]

const flatMenus = () => {
  const out = []
  const walk = (list) => list.forEach((m) => { out.push(m); walk(m.children || []) })
  walk(MENUS)
  return out
}

const ROLES = [
  { id: 1, code: 'admin', name: '超级管理员', status: 1, sort: 1, remark: 'all permissions', created_time: now(), data_scope: 'all', dept_ids: [], menu_ids: flatMenus().map((m) => m.id), label_ids: LABELS.map((l) => l.id) },
  { id: 2, code: 'opt', name: '运维', status: 1, sort: 2, remark: 'read all', created_time: now(), data_scope: 'dept_and_below', dept_ids: [], menu_ids: [1, 2, 3, 4, 5, 6, 7, 8, 9, 11, 12], label_ids: LABELS.filter((l) => l.label.endsWith(':get')).map((l) => l.id) }
]

// Departments as rows (`parent_id` 0: a root); the API answers them as a tree.
const DEPTS = [
  { id: 1, parent_id: 0, name: '总公司', sort: 0, leader: '张总', phone: '010-12345678', email: 'office@example.com', status: 1, created_time: now() },
  { id: 2, parent_id: 1, name: '研发部', sort: 1, leader: '李工', phone: '', email: 'rd@example.com', status: 1, created_time: now() },
  { id: 3, parent_id: 2, name: '平台组', sort: 1, leader: '', phone: '', email: '', status: 1, created_time: now() },
  { id: 4, parent_id: 1, name: '市场部', sort: 2, leader: '王经理', phone: '', email: '', status: 1, created_time: now() },
  { id: 5, parent_id: 1, name: '已撤销部门', sort: 3, leader: '', phone: '', email: '', status: 0, created_time: now() }
]
const POSTS = [
  { id: 1, code: 'ceo', name: '总经理', sort: 1, status: 1, remark: '', created_time: now() },
  { id: 2, code: 'manager', name: '经理', sort: 2, status: 1, remark: '', created_time: now() },
  { id: 3, code: 'staff', name: '员工', sort: 3, status: 1, remark: '', created_time: now() },
  { id: 4, code: 'intern', name: '实习生', sort: 4, status: 0, remark: 'no longer hired', created_time: now() }
]

const USERS = [
  { id: 1, username: 'admin', password: 'admin123', nickname: '管理员', email: 'admin@example.com', phone: '13800000000', avatar: null, status: 1, role_ids: [1], dept_id: 1, post_ids: [1], created_time: '2024-01-01T08:00:00Z', modified_time: now() },
  { id: 2, username: 'opt', password: 'opt123', nickname: '运维小王', email: 'opt@example.com', phone: null, avatar: null, status: 1, role_ids: [2], dept_id: 2, post_ids: [3], created_time: '2024-02-01T08:00:00Z', modified_time: now() },
  { id: 3, username: 'norole', password: '123456', nickname: '新用户', email: null, phone: null, avatar: null, status: 1, role_ids: [], dept_id: null, post_ids: [], created_time: '2024-03-01T08:00:00Z', modified_time: now() }
]
for (let i = 4; i <= 26; i++) {
  USERS.push({ id: i, username: `user${i}`, password: '123456', nickname: `用户${i}`, email: `user${i}@example.com`, phone: null, avatar: null, status: i % 5 ? 1 : 0, role_ids: i % 3 ? [2] : [], dept_id: [2, 3, 4, 5][i % 4], post_ids: [3], created_time: new Date(Date.UTC(2024, 3, i)).toISOString(), modified_time: now() })
}

const LOGIN_LOGS = []
const OPER_LOGS = []
for (let i = 1; i <= 37; i++) {
  LOGIN_LOGS.push({ id: i, username: i % 4 ? 'admin' : 'eve', ip: `192.0.2.${i}`, user_agent: 'Mozilla/5.0 (X11; Linux x86_64) Chrome/120', status: i % 4 ? 'success' : 'failed', message: i % 4 ? 'login ok' : 'wrong password', created_time: new Date(Date.UTC(2024, 4, 1, i)).toISOString() })
  const methods = ['GET', 'POST', 'PUT', 'DELETE']
  OPER_LOGS.push({ id: i, user_id: 1, username: 'admin', method: methods[i % 4], path: `/api/v1/permission/user/${i}`, summary: 'user operation', status_code: i % 9 ? 200 : 403, ip: '192.0.2.1', duration_ms: 3 + i * 7, created_time: new Date(Date.UTC(2024, 4, 1, i)).toISOString() })
}

const TOKENS = new Map() // token → user id
const FAILS = new Map() // username → [timestamps]

// ---------------------------------------------------------------- helpers
class HttpError extends Error {
  constructor(status, detail, code, headers = {}) {
    super(detail)
    Object.assign(this, { status, detail, code, headers })
  }
}
const fail = (status, detail, code, headers) => { throw new HttpError(status, detail, code, headers) }

function page(list, q) {
  const p = Math.max(1, Number(q.get('page') || 1))
  const s = Math.min(100, Math.max(1, Number(q.get('size') || 10)))
  return { items: list.slice((p - 1) * s, p * s), total: list.length, page: p, size: s }
}
const like = (value, q) => !q || String(value || '').toLowerCase().includes(q.toLowerCase())
function inRange(iso, q) {
  const t = Date.parse(iso)
  const start = q.get('created_start')
  const end = q.get('created_end')
  return (!start || t >= Date.parse(start)) && (!end || t <= Date.parse(end))
}

function rolesOf(user) {
  return ROLES.filter((r) => user.role_ids.includes(r.id) && r.status === 1)
}
function labelsOf(user) {
  const ids = new Set(rolesOf(user).flatMap((r) => r.label_ids))
  return LABELS.filter((l) => ids.has(l.id) && l.status === 1).map((l) => l.label)
}
function requireUser(req) {
  const auth = req.headers.authorization || ''
  const token = auth.startsWith('Bearer ') ? auth.slice(7) : ''
  const id = TOKENS.get(token)
  const user = USERS.find((u) => u.id === id)
  if (!user) fail(401, 'Not authenticated', 'token_invalid')
  return { user, token }
}
function requireLabel(req, label) {
  const { user } = requireUser(req)
  if (rolesOf(user).some((r) => r.code === 'admin')) return user
  if (!labelsOf(user).includes(label)) fail(403, `Missing permission ${label}`, 'forbidden')
  return user
}
const publicUser = (u) => {
  const { password, role_ids, ...rest } = u
  const dept = DEPTS.find((d) => d.id === u.dept_id)
  return { ...rest, dept_name: dept ? dept.name : null, roles: ROLES.filter((r) => role_ids.includes(r.id)).map(({ id, code, name }) => ({ id, code, name })) }
}

// ---- departments: the tree, subtrees, and the data scope (a small imitation of the backend's)
/** `id` and the ids of every department below it. */
function subtree(id) {
  const out = [id]
  for (let i = 0; i < out.length; i++) for (const d of DEPTS) if (d.parent_id === out[i]) out.push(d.id)
  return out
}
/** Rows as a tree of `keep` (ids; all when null), each kept node with its ancestors. */
function deptTree(keep = null) {
  const wanted = new Set()
  for (const d of DEPTS) {
    if (keep && !keep.has(d.id)) continue
    for (let n = d; n; n = DEPTS.find((p) => p.id === n.parent_id)) wanted.add(n.id)
  }
  const order = (a, b) => a.sort - b.sort || a.id - b.id
  const build = (parent) => DEPTS.filter((d) => d.parent_id === parent && wanted.has(d.id)).sort(order).map((d) => ({ ...d, children: build(d.id) }))
  return build(0)
}
/** What a caller may see: null for everything, else `{ depts: Set, self: id }` (the union of their roles). */
function scopeOf(user) {
  const roles = rolesOf(user)
  if (roles.some((r) => r.code === 'admin' || r.data_scope === 'all')) return null
  const depts = new Set()
  let self = null
  for (const r of roles) {
    if (r.data_scope === 'custom') r.dept_ids.forEach((id) => depts.add(id))
    if (r.data_scope === 'dept' && user.dept_id) depts.add(user.dept_id)
    if (r.data_scope === 'dept_and_below' && user.dept_id) subtree(user.dept_id).forEach((id) => depts.add(id))
    if (r.data_scope === 'self') self = user.id
  }
  return { depts, self }
}
const inScope = (scope, u) => !scope || scope.depts.has(u.dept_id) || scope.self === u.id
function checkDept(id) {
  if (id === null || id === undefined) return
  const d = DEPTS.find((x) => x.id === Number(id))
  if (!d) fail(422, 'No such department', 'dept_not_found')
  if (d.status !== 1) fail(422, 'The department is disabled', 'dept_disabled')
}
function checkPosts(ids) {
  for (const id of ids || []) if (!POSTS.some((p) => p.id === Number(id))) fail(422, 'No such post', 'post_not_found')
}
function menuTreeFor(ids) {
  const keep = (list) => list.filter((m) => ids.has(m.id)).map((m) => ({ ...m, children: keep(m.children || []) }))
  return keep(MENUS)
}
function findMenu(id, list = MENUS, parent = null) {
  for (const m of list) {
    if (m.id === id) return { menu: m, siblings: list, parent }
    const hit = findMenu(id, m.children || [], m)
    if (hit) return hit
  }
  return null
}

async function readBody(req) {
  const chunks = []
  for await (const c of req) chunks.push(c)
  const raw = Buffer.concat(chunks).toString('utf8')
  if (!raw) return {}
  if ((req.headers['content-type'] || '').includes('application/x-www-form-urlencoded')) return Object.fromEntries(new URLSearchParams(raw))
  try { return JSON.parse(raw) } catch { fail(422, [{ loc: ['body'], msg: 'Invalid JSON', type: 'json_invalid' }]) }
}

// ---------------------------------------------------------------- routes
const routes = []
const on = (method, pattern, handler) => routes.push({ method, re: new RegExp(`^${pattern.replace(/:(\w+)/g, '(?<$1>[^/]+)')}$`), handler })

on('GET', '/health', () => ({ status: 'ok' }))
on('POST', '/user/login', async (req, body) => {
  const recent = (FAILS.get(body.username) || []).filter((t) => Date.now() - t < 60000)
  if (recent.length >= 5) fail(429, 'Too many login attempts', 'rate_limited', { 'Retry-After': String(Math.ceil((recent[0] + 60000 - Date.now()) / 1000)) })
  const user = USERS.find((u) => u.username === body.username && u.password === body.password)
  if (!user) {
    FAILS.set(body.username, [...recent, Date.now()])
    LOGIN_LOGS.unshift({ id: nextId(), username: body.username, ip: '127.0.0.1', user_agent: req.headers['user-agent'] || '', status: 'failed', message: 'wrong credentials', created_time: now() })
    fail(401, 'Incorrect username or password', 'bad_credentials')
  }
  if (user.status !== 1) fail(403, 'User is disabled', 'user_disabled')
  const token = randomUUID()
  TOKENS.set(token, user.id)
  LOGIN_LOGS.unshift({ id: nextId(), username: user.username, ip: '127.0.0.1', user_agent: req.headers['user-agent'] || '', status: 'success', message: 'login ok', created_time: now() })
  return { access_token: token, token_type: 'bearer', expires_in: 3600 }
})
on('POST', '/user/logout', (req) => { TOKENS.delete(requireUser(req).token); return [204, null] })
on('GET', '/user/info', (req) => {
  const { user } = requireUser(req)
  return { ...publicUser(user), roles: rolesOf(user).map((r) => r.code) }
})
on('PUT', '/user/info', (req, body) => {
  const { user } = requireUser(req)
  for (const k of ['nickname', 'email', 'phone', 'avatar']) if (k in body) user[k] = body[k]
  return { ...publicUser(user), roles: rolesOf(user).map((r) => r.code) }
})
on('PUT', '/user/password', (req, body) => {
  const { user } = requireUser(req)
  if (body.old_password !== user.password) fail(400, 'Old password is wrong', 'bad_password')
  user.password = body.new_password
  for (const [t, id] of TOKENS) if (id === user.id) TOKENS.delete(t)
  return [204, null]
})
on('GET', '/user/routers', (req) => {
  const { user } = requireUser(req)
  const roles = rolesOf(user)
  if (!roles.length) fail(403, 'User has no role', 'no_role')
  const ids = new Set(roles.flatMap((r) => r.menu_ids))
  return { roles: roles.map((r) => r.code), labels: labelsOf(user), menus: menuTreeFor(ids) }
})
on('POST', '/user/register', (req, body) => {
  if (USERS.some((u) => u.username === body.username)) fail(409, 'Username already exists', 'user_exists')
  return [202, { detail: 'mail sent' }]
})
on('GET', '/user/register/:token', (req, body, p) => (p.token === 'bad' ? fail(404, 'Link invalid', 'token_invalid') : { username: 'newbie', email: 'newbie@example.com' }))
on('PUT', '/user/register/:token', () => [204, null])
on('POST', '/user/forget-password', () => [202, { detail: 'mail sent' }])
on('PUT', '/user/forget-password/:token', () => [204, null])

// users
on('GET', '/permission/user', (req, body, p, q) => {
  const me = requireLabel(req, 'perm:user:get')
  const scope = scopeOf(me)
  const below = q.get('dept_id') ? new Set(subtree(Number(q.get('dept_id')))) : null
  let list = USERS.filter((u) => inScope(scope, u) && (!below || below.has(u.dept_id)) && like(u.username, q.get('username')) && like(u.nickname, q.get('nickname')) && (!q.get('status') || String(u.status) === q.get('status')) && inRange(u.created_time, q))
  const sort = q.get('sort') || 'id'
  const dir = q.get('order') === 'desc' ? -1 : 1
  list = list.slice().sort((a, b) => (a[sort] > b[sort] ? dir : a[sort] < b[sort] ? -dir : 0))
  return page(list.map(publicUser), q)
})
on('POST', '/permission/user', (req, body) => {
  requireLabel(req, 'perm:user:post')
  if (USERS.some((u) => u.username === body.username)) fail(409, `Username ${body.username} already exists`, 'user_exists')
  checkDept(body.dept_id)
  checkPosts(body.post_ids)
  const user = { id: nextId(), avatar: null, status: 1, created_time: now(), modified_time: now(), dept_id: null, ...body, role_ids: body.role_ids || [], post_ids: body.post_ids || [] }
  USERS.push(user)
  return [201, publicUser(user)]
})
// A user outside the caller's data scope is a 404, as one that does not exist.
const userById = (id, req) => {
  const u = USERS.find((x) => x.id === Number(id))
  if (!u || (req && !inScope(scopeOf(requireUser(req).user), u))) fail(404, 'User not found', 'user_not_found')
  return u
}
on('GET', '/permission/user/:id', (req, b, p) => { requireLabel(req, 'perm:user:get'); return publicUser(userById(p.id, req)) })
on('PUT', '/permission/user/:id', (req, body, p) => {
  requireLabel(req, 'perm:user:put')
  const u = userById(p.id, req)
  if ('dept_id' in body) checkDept(body.dept_id)
  if ('post_ids' in body) checkPosts(body.post_ids)
  for (const k of ['nickname', 'email', 'phone', 'avatar', 'dept_id', 'post_ids']) if (k in body) u[k] = body[k]
  return [204, null]
})
on('DELETE', '/permission/user/:id', (req, b, p) => {
  requireLabel(req, 'perm:user:delete')
  const u = userById(p.id)
  if (u.username === 'admin') fail(400, 'The admin user cannot be deleted', 'admin_protected')
  USERS.splice(USERS.indexOf(u), 1)
  return [204, null]
})
on('PUT', '/permission/user/:id/active', (req, body, p) => { requireLabel(req, 'perm:user:put'); userById(p.id).status = body.status; return [204, null] })
on('PUT', '/permission/user/:id/password', (req, body, p) => { requireLabel(req, 'perm:user:put'); userById(p.id).password = body.new_password; return [204, null] })
on('PUT', '/permission/user/:id/roles', (req, body, p) => { requireLabel(req, 'perm:user:put'); userById(p.id).role_ids = body.role_ids; return [204, null] })

// roles
const roleOut = ({ menu_ids, label_ids, dept_ids, ...r }) => r
const roleById = (id) => ROLES.find((r) => r.id === Number(id)) || fail(404, 'Role not found', 'role_not_found')
on('GET', '/permission/role', (req, b, p, q) => {
  requireLabel(req, 'perm:role:get')
  return page(ROLES.filter((r) => like(r.name, q.get('name')) && like(r.code, q.get('code')) && (!q.get('status') || String(r.status) === q.get('status'))).map(roleOut), q)
})
on('POST', '/permission/role', (req, body) => {
  requireLabel(req, 'perm:role:post')
  if (ROLES.some((r) => r.code === body.code)) fail(409, 'Role code already exists', 'role_exists')
  const role = { id: nextId(), created_time: now(), data_scope: 'all', dept_ids: [], menu_ids: [], label_ids: [], ...body }
  ROLES.push(role)
  return [201, roleOut(role)]
})
on('GET', '/permission/role/:id', (req, b, p) => { requireLabel(req, 'perm:role:get'); return roleById(p.id) })
on('PUT', '/permission/role/:id', (req, body, p) => { requireLabel(req, 'perm:role:put'); return roleOut(Object.assign(roleById(p.id), body)) })
on('DELETE', '/permission/role/:id', (req, b, p) => {
  requireLabel(req, 'perm:role:delete')
  const r = roleById(p.id)
  if (r.code === 'admin') fail(400, 'The admin role cannot be deleted', 'admin_protected')
  ROLES.splice(ROLES.indexOf(r), 1)
  return [204, null]
})
on('PUT', '/permission/role/:id/menus', (req, body, p) => { requireLabel(req, 'perm:role:put'); roleById(p.id).menu_ids = body.menu_ids; return [204, null] })
on('PUT', '/permission/role/:id/perm-labels', (req, body, p) => { requireLabel(req, 'perm:role:put'); roleById(p.id).label_ids = body.label_ids; return [204, null] })
on('PUT', '/permission/role/:id/data-scope', (req, body, p) => {
  requireLabel(req, 'perm:role:put')
  const role = roleById(p.id)
  if (!['all', 'custom', 'dept', 'dept_and_below', 'self'].includes(body.data_scope)) fail(422, 'Unknown data scope', 'validation_error')
  if (body.data_scope !== 'custom' && (body.dept_ids || []).length) fail(422, 'Departments go only with the custom scope', 'dept_ids_not_allowed')
  const ids = body.data_scope === 'custom' ? (body.dept_ids || []).map(Number) : []
  if (ids.some((id) => !DEPTS.some((d) => d.id === id))) fail(422, 'No such department', 'dept_not_found')
  Object.assign(role, { data_scope: body.data_scope, dept_ids: ids })
  return [204, null]
})

// departments
const deptById = (id) => DEPTS.find((d) => d.id === Number(id)) || fail(404, 'Department not found', 'dept_not_found')
function deptRules(body, id = null) {
  const parent = body.parent_id === undefined ? (id ? deptById(id).parent_id : 0) : Number(body.parent_id)
  if (parent) {
    const p = DEPTS.find((d) => d.id === parent) || fail(422, 'No such parent department', 'dept_not_found')
    if (p.status !== 1) fail(422, 'The parent department is disabled', 'dept_disabled')
    if (id && subtree(Number(id)).includes(parent)) fail(409, 'A department cannot move under itself or below it', 'dept_cycle')
  }
  const name = body.name === undefined ? deptById(id).name : body.name
  if (DEPTS.some((d) => d.parent_id === parent && d.name === name && d.id !== Number(id))) fail(409, 'The name is taken under this parent', 'dept_name_exists')
}
on('GET', '/system/dept', (req, b, p, q) => {
  const me = requireLabel(req, 'perm:dept:get')
  const scope = scopeOf(me)
  const name = q.get('name')
  const status = q.get('status')
  const keep = new Set(DEPTS.filter((d) => (!scope || scope.depts.has(d.id)) && like(d.name, name) && (!status || String(d.status) === status)).map((d) => d.id))
  // disabling hides a department and everything below it from a status=1 list
  if (status === '1') for (const d of DEPTS) if (d.status !== 1) subtree(d.id).forEach((id) => keep.delete(id))
  return deptTree(keep)
})
on('POST', '/system/dept', (req, body) => {
  requireLabel(req, 'perm:dept:post')
  deptRules(body)
  const dept = { id: nextId(), parent_id: 0, sort: 0, leader: '', phone: '', email: '', status: 1, created_time: now(), ...body }
  DEPTS.push(dept)
  return [201, { id: dept.id }]
})
on('GET', '/system/dept/:id', (req, b, p) => { requireLabel(req, 'perm:dept:get'); return { ...deptById(p.id), children: [] } })
on('PUT', '/system/dept/:id', (req, body, p) => {
  requireLabel(req, 'perm:dept:put')
  deptRules(body, p.id)
  Object.assign(deptById(p.id), body)
  return [204, null]
})
on('DELETE', '/system/dept/:id', (req, b, p) => {
  requireLabel(req, 'perm:dept:delete')
  const d = deptById(p.id)
  if (DEPTS.some((x) => x.parent_id === d.id)) fail(409, 'The department has departments below it', 'dept_has_children')
  if (USERS.some((u) => u.dept_id === d.id)) fail(409, 'Users belong to the department', 'dept_has_users')
  DEPTS.splice(DEPTS.indexOf(d), 1)
  return [204, null]
})

// posts
const postById = (id) => POSTS.find((x) => x.id === Number(id)) || fail(404, 'Post not found', 'post_not_found')
on('GET', '/system/post', (req, b, p, q) => {
  requireLabel(req, 'perm:post:get')
  const list = POSTS.filter((x) => like(x.code, q.get('code')) && like(x.name, q.get('name')) && (!q.get('status') || String(x.status) === q.get('status')))
  return page(list.slice().sort((a, b) => a.sort - b.sort || a.id - b.id), q)
})
on('POST', '/system/post', (req, body) => {
  requireLabel(req, 'perm:post:post')
  if (POSTS.some((x) => x.code === body.code)) fail(409, 'The post code is taken', 'post_code_exists')
  const post = { id: nextId(), sort: 0, status: 1, remark: '', created_time: now(), ...body }
  POSTS.push(post)
  return [201, { id: post.id }]
})
on('GET', '/system/post/:id', (req, b, p) => { requireLabel(req, 'perm:post:get'); return postById(p.id) })
on('PUT', '/system/post/:id', (req, body, p) => {
  requireLabel(req, 'perm:post:put')
  const post = postById(p.id)
  if (body.code && POSTS.some((x) => x.code === body.code && x.id !== post.id)) fail(409, 'The post code is taken', 'post_code_exists')
  Object.assign(post, body)
  return [204, null]
})
on('DELETE', '/system/post/:id', (req, b, p) => {
  requireLabel(req, 'perm:post:delete')
  const post = postById(p.id)
  if (USERS.some((u) => u.post_ids.includes(post.id))) fail(409, 'A user holds the post', 'post_in_use')
  POSTS.splice(POSTS.indexOf(post), 1)
  return [204, null]
})

// menus
on('GET', '/permission/menu', (req) => { requireLabel(req, 'perm:menu:get'); return MENUS })
on('POST', '/permission/menu', (req, body) => {
  requireLabel(req, 'perm:menu:post')
  const menu = { id: nextId(), children: [], ...body }
  if (body.parent_id) findMenu(body.parent_id).menu.children.push(menu)
  else MENUS.push(menu)
  return [201, menu]
})
on('GET', '/permission/menu/:id', (req, b, p) => { requireLabel(req, 'perm:menu:get'); return (findMenu(Number(p.id)) || fail(404, 'Menu not found', 'menu_not_found')).menu })
on('PUT', '/permission/menu/:id', (req, body, p) => {
  requireLabel(req, 'perm:menu:put')
  const hit = findMenu(Number(p.id)) || fail(404, 'Menu not found', 'menu_not_found')
  const { children, ...rest } = body
  Object.assign(hit.menu, rest)
  return hit.menu
})
on('DELETE', '/permission/menu/:id', (req, b, p) => {
  requireLabel(req, 'perm:menu:delete')
  const hit = findMenu(Number(p.id)) || fail(404, 'Menu not found', 'menu_not_found')
  hit.siblings.splice(hit.siblings.indexOf(hit.menu), 1)
  return [204, null]
})

// labels
const labelById = (id) => LABELS.find((l) => l.id === Number(id)) || fail(404, 'Label not found', 'label_not_found')
on('GET', '/permission/perm-label', (req, b, p, q) => {
  requireLabel(req, 'perm:label:get')
  return page(LABELS.filter((l) => like(l.label, q.get('label')) && like(l.name, q.get('name')) && (!q.get('status') || String(l.status) === q.get('status'))), q)
})
on('POST', '/permission/perm-label', (req, body) => {
  requireLabel(req, 'perm:label:post')
  if (LABELS.some((l) => l.label === body.label)) fail(409, 'Label already exists', 'label_exists')
  const label = { id: nextId(), created_time: now(), ...body }
  LABELS.push(label)
  return [201, label]
})
on('GET', '/permission/perm-label/:id', (req, b, p) => { requireLabel(req, 'perm:label:get'); return labelById(p.id) })
on('PUT', '/permission/perm-label/:id', (req, body, p) => { requireLabel(req, 'perm:label:put'); return Object.assign(labelById(p.id), body) })
on('DELETE', '/permission/perm-label/:id', (req, b, p) => { requireLabel(req, 'perm:label:delete'); LABELS.splice(LABELS.indexOf(labelById(p.id)), 1); return [204, null] })

// logs
on('GET', '/system/log/login', (req, b, p, q) => {
  requireLabel(req, 'perm:log:get')
  return page(LOGIN_LOGS.filter((l) => like(l.username, q.get('username')) && (!q.get('status') || l.status === q.get('status')) && inRange(l.created_time, q)), q)
})
on('GET', '/system/log/operation', (req, b, p, q) => {
  requireLabel(req, 'perm:log:get')
  return page(OPER_LOGS.filter((l) => like(l.username, q.get('username')) && (!q.get('method') || l.method === q.get('method')) && inRange(l.created_time, q)), q)
})
// /system/dict/{type} is deliberately absent (404): the dashboard falls back to its defaults.

// ---------------------------------------------------------------- server
const TYPES = { '.html': 'text/html; charset=utf-8', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.png': 'image/png', '.ico': 'image/x-icon', '.woff2': 'font/woff2', '.json': 'application/json' }

// MOCK_AUTOLOGIN=admin: pages come with a session cookie for that user (headless screenshots).
function autoLoginCookie(req) {
  const who = process.env.MOCK_AUTOLOGIN
  if (!who || /(?:^|;\s*)Admin-Token=/.test(req.headers.cookie || '')) return {}
  const user = USERS.find((u) => u.username === who)
  if (!user) return {}
  const token = `auto-${user.username}`
  TOKENS.set(token, user.id)
  return { 'Set-Cookie': `Admin-Token=${token}; Path=/; SameSite=Lax` }
}

async function serveStatic(req, res, pathname) {
  let file = normalize(join(DIST, decodeURIComponent(pathname)))
  if (!file.startsWith(DIST)) file = join(DIST, 'index.html')
  try {
    if (!(await stat(file)).isFile()) throw new Error('dir')
  } catch {
    file = join(DIST, 'index.html') // history-mode fallback
  }
  try {
    const data = await readFile(file)
    const extra = extname(file) === '.html' ? autoLoginCookie(req) : {}
    res.writeHead(200, { 'Content-Type': TYPES[extname(file)] || 'application/octet-stream', ...extra })
    res.end(data)
  } catch {
    res.writeHead(404, { 'Content-Type': 'text/plain' })
    res.end('Build the dashboard first: npm run build')
  }
}

function send(res, status, data, headers = {}) {
  if (status === 204 || data === null) {
    res.writeHead(status, headers)
    return res.end()
  }
  res.writeHead(status, { 'Content-Type': 'application/json', ...headers })
  res.end(JSON.stringify(data))
}

const server = http.createServer(async (req, res) => {
  const url = new URL(req.url, 'http://localhost')
  if (!url.pathname.startsWith('/api/v1/')) return serveStatic(req, res, url.pathname)
  const path = url.pathname.slice('/api/v1'.length).replace(/\/$/, '')
  try {
    for (const r of routes) {
      const m = r.method === req.method && r.re.exec(path)
      if (!m) continue
      const body = ['POST', 'PUT', 'PATCH'].includes(req.method) ? await readBody(req) : {}
      const out = await r.handler(req, body, m.groups || {}, url.searchParams)
      return Array.isArray(out) && typeof out[0] === 'number' ? send(res, out[0], out[1]) : send(res, 200, out)
    }
    fail(404, 'Not Found', 'not_found')
  } catch (err) {
    if (err instanceof HttpError) return send(res, err.status, { detail: err.detail, code: err.code }, err.headers)
    console.error(err)
    send(res, 500, { detail: 'Internal error', code: 'internal' })
  }
})

server.listen(PORT, '127.0.0.1', () => {
  console.log(`mock API + dashboard on http://127.0.0.1:${PORT} (admin/admin123, opt/opt123, norole/123456)`)
})
