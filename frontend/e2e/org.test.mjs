// Departments and data scope, in a real browser against the real backend (see setup.mjs):
// clicking a department in the tree beside the user list narrows the list to it and what is
// below it; setting a role's scope to "chosen departments" in the role page's dialog changes
// the user list that a holder of the role sees on the next request.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, apiLogin, launchBrowser, openTablePage, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const ADMIN = ['admin', 'admin123']
const VIEWER = ['e2e_viewer', 'Viewer-Passw0rd!']
const LIMIT = { timeout: 90_000 }
const shot = screenshotSeries('org')

let backend
let browser
let adminToken
let role
const dept = {}
const contexts = []

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript(() => window.localStorage.setItem('lang', 'en'))
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  return page
}

const flatten = (nodes) => nodes.flatMap((n) => [n, ...flatten(n.children || [])])
const call = (method, path, body) => apiCall(backend.api, adminToken, method, path, body)

async function allLabels() {
  const out = []
  for (let page = 1; ; page += 1) {
    const res = await call('GET', `/permission/perm-label?page=${page}&size=100`)
    out.push(...res.items)
    if (res.items.length < 100 || out.length >= res.total) return out
  }
}

// The usernames of the seed and of this file: each row of the user list names one of them.
const USERNAMES = new Set(['admin', 'opt', 'user', VIEWER[0], 'e2e_sales', 'e2e_support'])

/** The usernames in the user list, one per row (whichever columns are shown). */
async function listedUsers(page) {
  const rows = await page.locator('.app-main .el-table__body-wrapper tr.el-table__row').allInnerTexts()
  return rows.map((text) => text.split(/\s+/).find((word) => USERNAMES.has(word)) || text.trim())
}

/** Wait until the user list shows what `check(usernames)` wants (the list answers, then draws). */
async function waitForUsers(page, check, what) {
  let seen = []
  for (let i = 0; i < 50; i += 1) {
    seen = await listedUsers(page)
    if (check(seen)) return seen
    await page.waitForTimeout(100)
  }
  assert.fail(`${what}: the list shows ${JSON.stringify(seen)}`)
}

/** Search the list for usernames containing `text` (this file's users start with e2e_). */
async function searchUsername(page, text) {
  const listed = page.waitForResponse((r) => r.request().method() === 'GET' && new URL(r.url()).searchParams.get('username') === text)
  await page.locator('.app-main .search-form input[placeholder="Enter Username"]').fill(text)
  await page.locator('.app-main .search-form').getByRole('button', { name: 'Search' }).click()
  assert.ok((await listed).ok())
}

const treeNode = (page, name) => page.locator('.dept-filter .el-tree-node__content').filter({ has: page.locator('.dept-filter-node', { hasText: new RegExp(`^${name}$`) }) })

/** Click a department of the tree and wait for the list request it makes. */
async function clickDept(page, name, { expectDept }) {
  const listed = page.waitForResponse((r) => {
    const url = new URL(r.url())
    return r.request().method() === 'GET' && url.pathname === '/api/v1/permission/user' && url.searchParams.get('dept_id') === (expectDept === null ? null : String(expectDept))
  })
  await treeNode(page, name).click()
  assert.ok((await listed).ok())
}

before(async () => {
  backend = await startBackend()
  browser = await launchBrowser()
  adminToken = await apiLogin(backend.api, ...ADMIN)
  // a company of our own beside the seeded one: E2E Corp -> E2E Sales, E2E Support
  dept.corp = (await call('POST', '/system/dept', { parent_id: 0, name: 'E2E Corp' })).id
  dept.sales = (await call('POST', '/system/dept', { parent_id: dept.corp, name: 'E2E Sales', sort: 1 })).id
  dept.support = (await call('POST', '/system/dept', { parent_id: dept.corp, name: 'E2E Support', sort: 2 })).id
  // a role that may read users (its scope starts as "all"), and a user of it in Sales
  const menus = flatten(await call('GET', '/permission/menu'))
  const byName = (name) => menus.find((m) => m.name === name).id
  const labels = await allLabels()
  role = await call('POST', '/permission/role', { code: 'e2e_viewer', name: 'E2E viewer', status: 1 })
  await call('PUT', `/permission/role/${role.id}/menus`, { menu_ids: [byName('permission'), byName('rbac_user')] })
  await call('PUT', `/permission/role/${role.id}/perm-labels`, { label_ids: [labels.find((l) => l.label === 'perm:user:get').id] })
  await call('POST', '/permission/user', { username: VIEWER[0], password: VIEWER[1], nickname: 'E2E viewer', role_ids: [role.id], dept_id: dept.sales })
  await call('POST', '/permission/user', { username: 'e2e_sales', password: 'Sales-Passw0rd!', nickname: 'E2E seller', role_ids: [], dept_id: dept.sales })
  await call('POST', '/permission/user', { username: 'e2e_support', password: 'Support-Passw0rd!', nickname: 'E2E helper', role_ids: [], dept_id: dept.support })
}, { timeout: 120_000 })

after(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  if (browser) await browser.close()
  if (backend) await backend.stop()
}, { timeout: 30_000 })

describe('departments and data scope end to end', () => {
  it('1. a department clicked in the tree beside the user list narrows the list to it and below it', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/permission/user')
    await treeNode(page, 'E2E Sales').waitFor()
    await waitForUsers(page, (u) => u.includes('admin'), 'every user at first')
    // this file's users only (however many users the seed has), then by department
    await searchUsername(page, 'e2e_')
    await waitForUsers(page, (u) => !u.includes('admin'), 'the search')

    await clickDept(page, 'E2E Sales', { expectDept: dept.sales })
    let users = await waitForUsers(page, (u) => !u.includes('e2e_support'), 'Sales only')
    assert.deepEqual(users.sort(), ['e2e_sales', 'e2e_viewer'])
    await page.locator('.dept-filter .el-tree-node.is-current', { hasText: 'E2E Sales' }).waitFor()
    // the department column names it
    assert.match(await page.locator('.app-main .el-table__body-wrapper tr.el-table__row', { hasText: 'e2e_sales' }).innerText(), /E2E Sales/)
    await shot(page, 'users-of-sales')

    // a parent lists everything below it
    await clickDept(page, 'E2E Corp', { expectDept: dept.corp })
    users = await waitForUsers(page, (u) => u.includes('e2e_support'), 'Corp and below')
    assert.deepEqual(users.sort(), ['e2e_sales', 'e2e_support', 'e2e_viewer'])

    // a second click on it clears the filter (the username search stays)
    await clickDept(page, 'E2E Corp', { expectDept: null })
    users = await waitForUsers(page, (u) => u.length === 3, 'no department')
    assert.deepEqual(users.sort(), ['e2e_sales', 'e2e_support', 'e2e_viewer'])
    assert.equal(await page.locator('.dept-filter .el-tree-node.is-current').count(), 0)
    // and Reset clears both
    await clickDept(page, 'E2E Support', { expectDept: dept.support })
    await waitForUsers(page, (u) => u.length === 1, 'Support')
    await page.locator('.app-main .search-form').getByRole('button', { name: 'Reset' }).click()
    await waitForUsers(page, (u) => u.includes('admin'), 'every user after Reset')
    assert.equal(await page.locator('.dept-filter .el-tree-node.is-current').count(), 0)

    // the filter box narrows the tree itself
    await page.locator('.dept-filter-input input').fill('Supp')
    await treeNode(page, 'E2E Sales').waitFor({ state: 'hidden' })
    assert.ok(await treeNode(page, 'E2E Support').isVisible())
  })

  it('2. a role set to chosen departments in the dialog changes the list its holder sees', LIMIT, async () => {
    const viewer = await newPage()
    await uiLogin(viewer, backend.url, ...VIEWER)
    await openTablePage(viewer, backend.url, '/permission/user')
    // scope "all": every user; and without perm:dept:get, no tree but a working list
    await waitForUsers(viewer, (u) => u.includes('admin'), 'the viewer sees all at first')
    await searchUsername(viewer, 'e2e_')
    const before = await waitForUsers(viewer, (u) => !u.includes('admin'), 'the search')
    assert.deepEqual(before.sort(), ['e2e_sales', 'e2e_support', 'e2e_viewer'])
    assert.equal(await viewer.locator('.dept-filter').count(), 0, 'no department tree without perm:dept:get')

    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/permission/role')
    const row = page.locator('.el-table__body-wrapper tr.el-table__row', { hasText: 'e2e_viewer' })
    await row.getByRole('button', { name: 'Data scope' }).click()
    const dialog = page.getByRole('dialog', { name: 'Data scope - E2E viewer' })
    await dialog.locator('.scope-options').waitFor()
    assert.ok((await dialog.locator('.scope-all').getAttribute('class')).includes('is-checked'), 'the role starts with all data')
    await dialog.locator('.scope-custom').click()
    const node = dialog.locator('.scope-tree .el-tree-node__content').filter({ hasText: /^E2E Support$/ })
    await node.waitFor()
    await node.locator('.el-checkbox').click()
    await shot(page, 'scope-dialog')
    const saved = page.waitForResponse((r) => r.request().method() === 'PUT' && r.url().endsWith(`/permission/role/${role.id}/data-scope`))
    await dialog.getByRole('button', { name: 'OK' }).click()
    const response = await saved
    assert.equal(response.status(), 204)
    assert.deepEqual(JSON.parse(response.request().postData()), { data_scope: 'custom', dept_ids: [dept.support] })
    await dialog.waitFor({ state: 'hidden' })
    await row.filter({ hasText: 'Chosen departments' }).waitFor() // the list shows the scope

    const detail = await call('GET', `/permission/role/${role.id}`)
    assert.equal(detail.data_scope, 'custom')
    assert.deepEqual(detail.dept_ids, [dept.support])

    // the viewer's next request: only Support's users (not even the viewer, who sits in Sales,
    // nor admin in the head office)
    await openTablePage(viewer, backend.url, '/permission/user')
    const users = await waitForUsers(viewer, (u) => !u.includes('admin'), 'the viewer sees Support only')
    assert.deepEqual(users, ['e2e_support'])
    await shot(viewer, 'viewer-scoped')
  })
})
