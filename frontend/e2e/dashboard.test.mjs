// The dashboard in a real browser against the real backend (see setup.mjs).
// Run: npm run build && npm run e2e   (screenshots land in e2e/screenshots/)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import {
  DESKTOP,
  PHONE,
  apiCall,
  apiLogin,
  buttonTexts,
  clearScreenshots,
  launchBrowser,
  newestMail,
  openTablePage,
  screenshot,
  startBackend,
  uiLogin
} from './setup.mjs'

const ADMIN = ['admin', 'admin123']
const PASSWORD = 'E2e-Passw0rd!'

// Menus the seeded admin must see (English titles), by directory (the backend may add more).
const ALL_MENUS = {
  Permissions: ['Users', 'Roles', 'Menus', 'Permission labels'],
  System: ['Parameters', 'Dictionaries', 'Scheduled jobs', 'Job logs'],
  Business: ['Reg codes'],
  Logs: ['Login log', 'Operation log']
}

// No step may hang the run: each scenario has a ceiling (Playwright's own waits are 15 s).
const LIMIT = { timeout: 90_000 }

let backend
let browser
let adminToken
const contexts = []

/** A fresh browser context (own cookies and storage), in English unless `lang` says otherwise. */
async function newPage({ lang = 'en', viewport = DESKTOP } = {}) {
  const context = await browser.newContext({ viewport })
  if (lang) await context.addInitScript((l) => window.localStorage.setItem('lang', l), lang)
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  return page
}

/**
 * The sidebar a user should see, from the API's menu tree (`GET /user/routers`): directories by
 * title with their visible pages, plus Home. Built from the API so that menus the backend adds
 * later do not break the run; the scenarios check the menus they care about by name.
 */
function menuTree(menus, lang = 'en') {
  const title = (m) => (lang === 'en' ? m.title_en || m.title : m.title)
  const visible = (m) => m.type !== 'button' && !m.hidden && Number(m.status) !== 0
  const byOrder = (a, b) => (a.sort || 0) - (b.sort || 0) || a.id - b.id
  const tree = { '': [lang === 'en' ? 'Home' : '首页'] }
  for (const node of [...menus].filter(visible).sort(byOrder)) {
    if (node.type === 'dir') {
      const pages = (node.children || []).filter((c) => visible(c) && c.type === 'menu').sort(byOrder).map(title)
      if (pages.length) tree[title(node)] = pages
    } else tree[''].push(title(node))
  }
  return tree
}

async function routersOf(username, password) {
  const token = username === ADMIN[0] ? adminToken : await apiLogin(backend.api, username, password)
  return apiCall(backend.api, token, 'GET', '/user/routers')
}

/** Titles in the sidebar: `{ dir: [pages] }` plus top-level pages under '' (read from the DOM, hidden or not). */
async function sidebarTree(page) {
  return page.locator('.sidebar-menu').evaluate((menu) => {
    const tree = {}
    for (const li of menu.children) {
      const title = li.querySelector('.menu-title')
      if (!title) continue
      if (li.classList.contains('el-sub-menu')) {
        tree[title.textContent.trim()] = [...li.querySelectorAll('.el-menu-item .menu-title')].map((n) => n.textContent.trim())
      } else {
        ;(tree[''] = tree[''] || []).push(title.textContent.trim())
      }
    }
    return tree
  })
}

async function confirmMessageBox(page) {
  const box = page.locator('.el-message-box')
  await box.waitFor()
  await box.locator('.el-message-box__btns .el-button--primary').click()
  await box.waitFor({ state: 'hidden' })
}

function field(scope, label) {
  return scope.locator('.el-form-item').filter({ has: scope.page().locator('.el-form-item__label', { hasText: new RegExp(`^\\s*${label}\\s*$`) }) })
}

const tableRow = (page, text) => page.locator('.el-table__body-wrapper tr.el-table__row', { hasText: text })

async function noHorizontalOverflow(page) {
  return page.evaluate(() => ({
    scroll: document.documentElement.scrollWidth,
    body: document.body.scrollWidth,
    viewport: window.innerWidth
  }))
}

before(async () => {
  clearScreenshots()
  backend = await startBackend()
  browser = await launchBrowser()
  adminToken = await apiLogin(backend.api, ...ADMIN)
}, { timeout: 120_000 })

after(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  if (browser) await browser.close()
  if (backend) await backend.stop()
}, { timeout: 30_000 })

describe('dashboard end to end', () => {
  it('1. admin sees every menu, creates a user with role opt; that user sees only what opt may do', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await page.locator('.dashboard, .app-main').first().waitFor()
    await screenshot(page, 'admin-dashboard')
    const tree = await sidebarTree(page)
    assert.deepEqual(tree, menuTree((await routersOf(...ADMIN)).menus), 'the sidebar is the menu tree')
    for (const [dir, pages] of Object.entries(ALL_MENUS)) {
      for (const title of pages) assert.ok((tree[dir] || []).includes(title), `sidebar ${dir} > ${title}: ${JSON.stringify(tree)}`)
    }

    // every page the admin can open renders (and is photographed)
    const pages = [
      ['/permission/role', 'roles'],
      ['/permission/menu', 'menus'],
      ['/permission/label', 'labels'],
      ['/system/config', 'config'],
      ['/system/dict', 'dict'],
      ['/business/reg-code', 'regcodes'],
      ['/log/login', 'login-log'],
      ['/log/operation', 'operation-log']
    ]
    for (const [path, name] of pages) {
      await openTablePage(page, backend.url, path)
      assert.equal(await page.locator('.app-main .missing-text').count(), 0, `${path} has its page`)
      await screenshot(page, `admin-${name}`)
    }
    await page.goto(`${backend.url}/system/dict`)
    await page.locator('.dict-code-link', { hasText: 'sys_reg_code_state' }).click()
    const drawer = page.locator('.dict-items-drawer')
    await drawer.locator('.dict-item-table tr.el-table__row').first().waitFor()
    assert.match(await drawer.innerText(), /Inactive[\s\S]*Active[\s\S]*Expired/)
    await screenshot(page, 'admin-dict-items')
    // add an item in the drawer: it is listed with its English label as a tag of its style
    await drawer.locator('.add-item').click()
    const itemDialog = page.getByRole('dialog', { name: 'Add dictionary item' })
    await field(itemDialog, 'Label').locator('input').fill('已冻结')
    await field(itemDialog, 'English label').locator('input').fill('Frozen')
    await field(itemDialog, 'Value').locator('input').fill('9')
    await field(itemDialog, 'Tag style').locator('.el-select').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'warning' }).click()
    await screenshot(page, 'admin-dict-add-item')
    const added = page.waitForResponse((r) => r.url().endsWith('/api/v1/system/dict-item') && r.request().method() === 'POST')
    await itemDialog.getByRole('button', { name: 'OK' }).click()
    assert.equal((await added).status(), 201)
    const frozen = drawer.locator('tr.el-table__row', { hasText: 'Frozen' })
    await frozen.locator('.el-tag--warning', { hasText: 'Frozen' }).waitFor()

    // create a user with role opt in the users page
    await openTablePage(page, backend.url, '/permission/user')
    await page.locator('.table-toolbar').getByRole('button', { name: 'Add' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add user' })
    await dialog.waitFor()
    await field(dialog, 'Username').locator('input').fill('e2e_operator')
    await field(dialog, 'Nickname').locator('input').fill('E2E Operator')
    await field(dialog, 'Password').locator('input').fill(PASSWORD)
    await field(dialog, 'E-mail').locator('input').fill('e2e_operator@example.com')
    await field(dialog, 'Roles').locator('.el-select').click()
    await page.locator('.el-select-dropdown__item:visible', { hasText: 'opt' }).click()
    await dialog.locator('.el-dialog__title').click() // close the option list (Escape would close the dialog)
    await screenshot(page, 'admin-add-user-dialog')
    const created = page.waitForResponse((r) => r.url().endsWith('/api/v1/permission/user') && r.request().method() === 'POST')
    await dialog.getByRole('button', { name: 'OK' }).click()
    assert.equal((await created).status(), 201)
    const row = tableRow(page, 'e2e_operator')
    await row.waitFor()
    assert.match(await row.innerText(), /运维人员|opt/)
    await screenshot(page, 'admin-users')

    // the new user: opt's menus, opt's buttons
    const optPage = await newPage()
    await uiLogin(optPage, backend.url, 'e2e_operator', PASSWORD)
    const routers = await routersOf('e2e_operator', PASSWORD)
    assert.deepEqual(routers.roles, ['opt'])
    assert.deepEqual(await sidebarTree(optPage), menuTree(routers.menus), "opt's menus, no others")

    await openTablePage(optPage, backend.url, '/permission/user')
    await tableRow(optPage, 'e2e_operator').waitFor()
    const userButtons = await buttonTexts(optPage.locator('.app-main'))
    for (const hidden of ['Add', 'Edit', 'Delete', 'More']) assert.ok(!userButtons.includes(hidden), `no ${hidden} on users: ${userButtons}`)
    await screenshot(optPage, 'opt-users-read-only')

    await openTablePage(optPage, backend.url, '/system/config')
    const configButtons = await buttonTexts(optPage.locator('.app-main'))
    assert.ok(configButtons.includes('Add'), `Add on config: ${configButtons}`)
    assert.ok(configButtons.includes('Edit') && configButtons.includes('Delete'))
    await screenshot(optPage, 'opt-config')

    await openTablePage(optPage, backend.url, '/permission/role')
    const roleButtons = await buttonTexts(optPage.locator('.app-main'))
    assert.ok(!roleButtons.includes('Add'), `no Add on roles: ${roleButtons}`)
  })

  it('2. user sees the reg codes read-only', LIMIT, async () => {
    const batch = await apiCall(backend.api, adminToken, 'POST', '/business/reg-code', { count: 3, reg_times: 30, remark: 'for user' })
    assert.equal(batch.count, 3)
    const page = await newPage()
    await uiLogin(page, backend.url, 'user', '123456')
    assert.deepEqual(await sidebarTree(page), { '': ['Home'], Business: ['Reg codes'] })
    await openTablePage(page, backend.url, '/business/reg-code')
    for (const { code } of batch.items) await tableRow(page, code).waitFor()
    const buttons = await buttonTexts(page.locator('.app-main'))
    for (const hidden of ['Generate', 'Activate', 'Edit', 'Delete']) assert.ok(!buttons.includes(hidden), `no ${hidden}: ${buttons}`)
    const headers = await page.locator('.regcode-table th').allInnerTexts()
    assert.ok(!headers.map((h) => h.trim()).includes('Actions'), 'no actions column')
    assert.ok((await tableRow(page, batch.items[0].code).innerText()).includes('Inactive'))
    await screenshot(page, 'user-regcodes-read-only')
  })

  it('3. a parameter edited in the page is what GET /config-setting/key/{key} answers', LIMIT, async () => {
    const key = 'e2e.greeting'
    await apiCall(backend.api, adminToken, 'POST', '/system/config-setting', { name: 'E2E greeting', key, value: 'hello', remark: '', sort: 9 })
    // read once so the backend's cache holds the old value: the edit must invalidate it
    assert.equal((await apiCall(backend.api, adminToken, 'GET', `/system/config-setting/key/${key}`)).value, 'hello')

    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/system/config')
    const row = tableRow(page, key)
    await row.getByRole('button', { name: 'Edit' }).click()
    const dialog = page.getByRole('dialog', { name: 'Edit parameter' })
    await dialog.waitFor()
    assert.equal(await field(dialog, 'Key').locator('input').inputValue(), key)
    await field(dialog, 'Value').locator('textarea').fill('hello from the page')
    await screenshot(page, 'admin-edit-config')
    const saved = page.waitForResponse((r) => /\/system\/config-setting\/\d+$/.test(r.url()) && r.request().method() === 'PUT')
    await dialog.getByRole('button', { name: 'OK' }).click()
    assert.ok((await saved).ok())
    await dialog.waitFor({ state: 'hidden' })
    await row.filter({ hasText: 'hello from the page' }).waitFor()

    const byKey = await apiCall(backend.api, adminToken, 'GET', `/system/config-setting/key/${key}`)
    assert.equal(byKey.value, 'hello from the page')
  })

  it('4. a reg code activated in the page shows its deadline in the row', LIMIT, async () => {
    const { items } = await apiCall(backend.api, adminToken, 'POST', '/business/reg-code', { count: 1, reg_times: 7, remark: 'activate me' })
    const code = items[0].code
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/business/reg-code')
    const row = tableRow(page, code)
    assert.equal((await row.locator('.deadline').innerText()).trim(), '')
    await row.getByRole('button', { name: 'Activate' }).click()
    const activated = page.waitForResponse((r) => r.url().endsWith(`/business/reg-code/${items[0].id}/activate`))
    await confirmMessageBox(page)
    const answer = await (await activated).json()
    assert.ok(answer.deadline, 'the API answers the deadline')
    // the browser runs in UTC: the row shows the deadline as YYYY-MM-DD HH:mm:ss
    const shown = answer.deadline.replace('T', ' ').slice(0, 19)
    await row.locator('.deadline', { hasText: shown }).waitFor()
    assert.match(await row.innerText(), /Active/)
    assert.equal(await row.getByRole('button', { name: 'Activate' }).count(), 0)
    await screenshot(page, 'admin-regcode-activated')

    // the generate dialog lists fresh codes for copying
    await page.locator('.generate-button').click()
    const dialog = page.getByRole('dialog', { name: 'Generate registration codes' })
    await field(dialog, 'How many').locator('input').fill('2')
    await field(dialog, 'How many').locator('input').press('Tab')
    const generated = page.waitForResponse((r) => r.url().endsWith('/business/reg-code') && r.request().method() === 'POST')
    await dialog.getByRole('button', { name: 'OK' }).click()
    const batch = await (await generated).json()
    const listed = await dialog.locator('.generated-codes textarea').inputValue()
    assert.deepEqual(listed.split('\n'), batch.items.map((it) => it.code))
    await screenshot(page, 'admin-regcode-generated')
  })

  it('5. the language switch changes the menu titles (zh-CN ↔ en)', LIMIT, async () => {
    const page = await newPage({ lang: null })
    await uiLogin(page, backend.url, ...ADMIN)
    const zh = await sidebarTree(page)
    assert.deepEqual(zh, menuTree((await routersOf(...ADMIN)).menus, 'zh-CN'))
    assert.ok('权限管理' in zh && '系统管理' in zh, `Chinese titles: ${Object.keys(zh)}`)
    assert.deepEqual(zh['权限管理'], ['用户管理', '角色管理', '菜单管理', '权限标识'])
    await screenshot(page, 'lang-zh-CN')

    const switchTo = async (label) => {
      await page.locator('.navbar .lang-trigger').click()
      await page.locator('.el-dropdown-menu__item:visible', { hasText: label }).click()
    }
    await switchTo('English')
    await page.locator('.sidebar-menu .menu-title', { hasText: 'Permissions' }).waitFor()
    const en = await sidebarTree(page)
    assert.deepEqual(en, menuTree((await routersOf(...ADMIN)).menus, 'en'))
    assert.deepEqual(en.Permissions, ALL_MENUS.Permissions)
    assert.equal(await page.locator('html').getAttribute('lang'), 'en')
    await screenshot(page, 'lang-en')

    await switchTo('简体中文')
    await page.locator('.sidebar-menu .menu-title', { hasText: '权限管理' }).waitFor()
    assert.deepEqual(await sidebarTree(page), zh)
  })

  it('6. after logout, browser Back lands on the login page', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/permission/user')
    await page.locator('.navbar .user-trigger').click()
    await page.locator('.el-dropdown-menu__item:visible', { hasText: 'Sign out' }).click()
    await confirmMessageBox(page)
    await page.waitForURL((u) => u.pathname === '/login')
    await page.locator('.login-page input[name="username"]').waitFor()
    await page.goBack()
    await page.waitForURL((u) => u.pathname === '/login')
    await page.locator('.login-page input[name="username"]').waitFor()
    assert.equal(await page.locator('.app-wrapper').count(), 0, 'no dashboard shell after Back')
    await screenshot(page, 'after-logout-back')
  })

  it('7. registration: form, mail link, confirmation, sign-in', LIMIT, async () => {
    const page = await newPage()
    await page.goto(`${backend.url}/register`)
    await page.locator('.auth-card input').first().waitFor()
    await screenshot(page, 'register')
    const started = Date.now() - 1000
    await page.getByPlaceholder('Username').fill('e2e_newcomer')
    await page.getByPlaceholder('E-mail').fill('newcomer@example.com')
    await page.getByPlaceholder('Nickname').fill('Newcomer')
    await page.getByPlaceholder('Password', { exact: true }).fill(PASSWORD)
    await page.getByPlaceholder('Confirm password').fill(PASSWORD)
    const posted = page.waitForResponse((r) => r.url().endsWith('/api/v1/user/register') && r.request().method() === 'POST')
    await page.getByRole('button', { name: 'Sign up' }).click()
    assert.ok((await posted).ok())
    await page.locator('.el-result', { hasText: 'newcomer@example.com' }).waitFor()
    await screenshot(page, 'register-sent')

    const mail = await newestMail(backend.outbox, { after: started })
    assert.match(mail.headers.to || '', /newcomer@example\.com/)
    const link = new RegExp(`${backend.url.replace(/[.:/]/g, '\\$&')}/register/[A-Za-z0-9_-]+`).exec(mail.text)
    assert.ok(link, `a confirmation link in the mail:\n${mail.text}`)
    await page.goto(link[0])
    await page.getByRole('button', { name: 'Activate account' }).waitFor()
    assert.match(await page.locator('.auth-card').innerText(), /e2e_newcomer/)
    await screenshot(page, 'register-confirm')
    await page.getByRole('button', { name: 'Activate account' }).click()
    await page.locator('.el-result', { hasText: 'Your account is active' }).waitFor()
    await page.waitForURL((u) => u.pathname === '/login')

    await uiLogin(page, backend.url, 'e2e_newcomer', PASSWORD)
    const tree = await sidebarTree(page)
    assert.deepEqual(tree.Business, ['Reg codes'], 'the default role (user) reads reg codes')
    assert.match(await page.locator('.navbar .user-name').innerText(), /Newcomer/)
    await screenshot(page, 'newcomer-dashboard')
  })

  it('8. a user without a role sees the no-role page', LIMIT, async () => {
    await apiCall(backend.api, adminToken, 'POST', '/permission/user', {
      username: 'e2e_norole', password: PASSWORD, nickname: 'No Role', status: 1, role_ids: []
    })
    const page = await newPage()
    await uiLogin(page, backend.url, 'e2e_norole', PASSWORD, { expect: 'nothing' })
    await page.waitForURL((u) => u.pathname === '/no-role')
    await page.locator('.no-role-card', { hasText: 'No role assigned yet' }).waitFor()
    assert.equal(await page.locator('.app-wrapper').count(), 0)
    await screenshot(page, 'no-role')
  })

  it('layout: 1280x800 keeps the sidebar open, 375x812 collapses it without horizontal overflow', LIMIT, async () => {
    const desktop = await newPage()
    await uiLogin(desktop, backend.url, ...ADMIN)
    await openTablePage(desktop, backend.url, '/business/reg-code')
    const side = await desktop.locator('.sidebar-container').boundingBox()
    assert.ok(side.x >= 0 && side.width >= 200, `desktop sidebar open: ${JSON.stringify(side)}`)
    const main = await desktop.locator('.main-container').boundingBox()
    assert.ok(main.x >= side.width - 1, 'the page starts right of the sidebar')
    let o = await noHorizontalOverflow(desktop)
    assert.ok(o.scroll <= o.viewport && o.body <= o.viewport, `desktop overflow ${JSON.stringify(o)}`)

    const phone = await newPage({ viewport: PHONE })
    await uiLogin(phone, backend.url, ...ADMIN)
    for (const [path, name] of [
      ['/index', 'dashboard'],
      ['/permission/user', 'users'],
      ['/system/config', 'config'],
      ['/system/dict', 'dict'],
      ['/business/reg-code', 'regcodes'],
      ['/log/operation', 'operation-log']
    ]) {
      if (path === '/index') await phone.goto(`${backend.url}${path}`)
      else await openTablePage(phone, backend.url, path)
      await phone.locator('.app-wrapper.mobile').waitFor()
      const box = await phone.locator('.sidebar-container').boundingBox()
      assert.ok(!box || box.x + box.width <= 0, `${path}: sidebar hidden on a phone (${JSON.stringify(box)})`)
      const content = await phone.locator('.main-container').boundingBox()
      assert.equal(Math.round(content.x), 0, `${path}: content uses the full width`)
      o = await noHorizontalOverflow(phone)
      assert.ok(o.scroll <= o.viewport && o.body <= o.viewport, `${path}: no horizontal overflow on a phone ${JSON.stringify(o)}`)
      await screenshot(phone, `phone-${name}`)
    }

    // the hamburger opens the drawer; choosing a page closes it
    await phone.locator('.navbar .hamburger').click()
    await phone.locator('.app-wrapper.mobile.sidebar-opened').waitFor()
    await phone.locator('.sidebar-menu .el-sub-menu__title', { hasText: 'System' }).click()
    await screenshot(phone, 'phone-sidebar-open')
    await phone.locator('.sidebar-menu .el-menu-item', { hasText: 'Parameters' }).click()
    await phone.waitForURL((u) => u.pathname === '/system/config')
    await phone.locator('.app-wrapper.mobile.sidebar-collapsed').waitFor()

    const login = await newPage({ viewport: PHONE })
    await login.goto(`${backend.url}/login`)
    await login.locator('.login-page input[name="username"]').waitFor()
    o = await noHorizontalOverflow(login)
    assert.ok(o.scroll <= o.viewport, `login page fits a phone ${JSON.stringify(o)}`)
    await screenshot(login, 'phone-login')
  })
})
