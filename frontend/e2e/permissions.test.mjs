// The permission faults, in a real browser against the real backend (see setup.mjs):
// a button ticked in the role dialog grants its label; a read-only list has no Actions column;
// a page the user may not open is a 403 inside the layout (a path that does not exist stays a
// 404); the edit-user dialog shows status and roles with aligned labels.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, apiLogin, buttonTexts, launchBrowser, openTablePage, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const ADMIN = ['admin', 'admin123']
const CLERK = ['e2e_clerk', 'Clerk-Passw0rd!']
const LIMIT = { timeout: 90_000 }
const shot = screenshotSeries('permissions')

let backend
let browser
let adminToken
let role
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

async function allLabels() {
  const out = []
  for (let page = 1; ; page += 1) {
    const res = await apiCall(backend.api, adminToken, 'GET', `/permission/perm-label?page=${page}&size=100`)
    out.push(...res.items)
    if (res.items.length < 100 || out.length >= res.total) return out
  }
}

const tableRow = (page, text) => page.locator('.el-table__body-wrapper tr.el-table__row', { hasText: text })

before(async () => {
  backend = await startBackend()
  browser = await launchBrowser()
  adminToken = await apiLogin(backend.api, ...ADMIN)
  // a role that may read users, and a user holding it
  const menus = flatten(await apiCall(backend.api, adminToken, 'GET', '/permission/menu'))
  const byName = (name) => menus.find((m) => m.name === name).id
  const labels = await allLabels()
  role = await apiCall(backend.api, adminToken, 'POST', '/permission/role', { code: 'e2e_clerk', name: 'E2E clerk', status: 1 })
  await apiCall(backend.api, adminToken, 'PUT', `/permission/role/${role.id}/menus`, { menu_ids: [byName('permission'), byName('rbac_user')] })
  await apiCall(backend.api, adminToken, 'PUT', `/permission/role/${role.id}/perm-labels`, { label_ids: [labels.find((l) => l.label === 'perm:user:get').id] })
  await apiCall(backend.api, adminToken, 'POST', '/permission/user', { username: CLERK[0], password: CLERK[1], nickname: 'E2E clerk', role_ids: [role.id] })
}, { timeout: 120_000 })

after(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  if (browser) await browser.close()
  if (backend) await backend.stop()
}, { timeout: 30_000 })

describe('permissions end to end', () => {
  it('1. read-only users: no Actions column; other pages are 403 inside the layout, unknown paths 404', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...CLERK)
    await openTablePage(page, backend.url, '/permission/user')
    await tableRow(page, CLERK[0]).waitFor()
    const headers = (await page.locator('.app-main .el-table__header th').allInnerTexts()).map((h) => h.trim())
    assert.ok(headers.includes('Username'), `columns: ${headers}`)
    assert.ok(!headers.includes('Actions'), `no Actions column: ${headers}`)
    await shot(page, 'clerk-users-read-only')

    await page.goto(`${backend.url}/system/config`)
    const forbidden = page.locator('.app-wrapper .app-main .forbidden-page')
    await forbidden.waitFor()
    assert.match(await forbidden.innerText(), /403[\s\S]*No permission/)
    assert.equal(new URL(page.url()).pathname, '/system/config')
    await page.locator('.app-wrapper .sidebar-menu').waitFor() // the layout is there
    await shot(page, 'clerk-403')

    await page.goto(`${backend.url}/no/such/page`)
    await page.locator('.error-page .error-code', { hasText: '404' }).waitFor()
    assert.equal(await page.locator('.app-wrapper').count(), 0, 'the 404 page stands outside the layout')
  })

  it('2. ticking "Add user" in the role dialog grants perm:user:post, so the clerk gets the Add button', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/permission/role')
    await tableRow(page, 'e2e_clerk').getByRole('button', { name: 'Permissions' }).click()
    const dialog = page.getByRole('dialog', { name: 'Permissions - E2E clerk' })
    const node = (title) => dialog.locator('.el-tree-node__content').filter({ has: page.locator('span', { hasText: new RegExp(`^${title}$`) }) })
    await node('Add user').waitFor()
    await node('Add user').locator('.el-checkbox').click()
    // Users: Add ticked, Edit and Delete not: half-checked; so is Permissions above it
    await node('Users').locator('.el-checkbox__input.is-indeterminate').waitFor()
    await node('Permissions').locator('.el-checkbox__input.is-indeterminate').waitFor()
    await dialog.getByRole('tab', { name: /Permission labels/ }).click()
    const item = dialog.locator('.label-items .el-checkbox', { hasText: 'perm:user:post' })
    assert.ok(await item.locator('.el-tag.label-code').isVisible(), 'the code in its own tag')
    assert.ok((await item.getAttribute('class')).includes('is-checked'), 'the label follows the button')
    await shot(page, 'admin-role-permissions')
    const saved = page.waitForResponse((r) => r.url().endsWith(`/permission/role/${role.id}/perm-labels`))
    await dialog.getByRole('button', { name: 'OK' }).click()
    assert.ok((await saved).ok())
    await dialog.waitFor({ state: 'hidden' })

    const detail = await apiCall(backend.api, adminToken, 'GET', `/permission/role/${role.id}`)
    const post = (await allLabels()).find((l) => l.label === 'perm:user:post')
    assert.ok(detail.label_ids.includes(post.id), `label granted: ${JSON.stringify(detail)}`)

    const clerk = await newPage()
    await uiLogin(clerk, backend.url, ...CLERK)
    await openTablePage(clerk, backend.url, '/permission/user')
    await tableRow(clerk, CLERK[0]).waitFor()
    assert.ok((await buttonTexts(clerk.locator('.table-toolbar'))).includes('Add'))
    const headers = (await clerk.locator('.app-main .el-table__header th').allInnerTexts()).map((h) => h.trim())
    assert.ok(!headers.includes('Actions'), 'still no Actions column: Add is not a row action')
  })

  it('3. the edit-user dialog shows status and roles, labels aligned', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/permission/user')
    await tableRow(page, CLERK[0]).getByRole('button', { name: 'Edit' }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit user' })
    await dialog.locator('.user-form').waitFor()
    const labels = dialog.locator('.el-form-item__label')
    const texts = (await labels.allInnerTexts()).map((t) => t.replace('*', '').trim())
    for (const name of ['Username', 'Nickname', 'Status', 'Roles']) assert.ok(texts.includes(name), `${name} in ${texts}`)
    assert.match(await dialog.locator('.role-select').innerText(), /E2E clerk/)
    // one label width, and the labels of a column end at the same x
    const boxes = await labels.evaluateAll((els) => els.map((e) => e.getBoundingClientRect()).map((r) => ({ left: Math.round(r.left), right: Math.round(r.right), width: Math.round(r.width) })))
    assert.equal(new Set(boxes.map((b) => b.width)).size, 1, JSON.stringify(boxes))
    assert.ok(new Set(boxes.map((b) => b.right)).size <= 2, `two columns at most: ${JSON.stringify(boxes)}`)
    await shot(page, 'admin-edit-user')
  })
})
