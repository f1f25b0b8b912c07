// Notices end to end, in a real browser against the real backend (see setup.mjs): the admin
// writes a notice in the rich-text editor and publishes it; the operator, signed in in another
// browser context, sees the bell's count go up on the next route change, opens the drawer, reads
// the notice (its sanitised HTML) and sees the count go down.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, apiLogin, launchBrowser, openTablePage, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const ADMIN = ['admin', 'admin123']
const OPT = ['opt', 'opt123']
const LIMIT = { timeout: 120_000 }
const TITLE = 'E2E maintenance window'
const shot = screenshotSeries('notice')

let backend
let browser
const contexts = []
// Content-Security-Policy violations seen by any page (the editor must work under the app's CSP).
const violations = []

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript(() => window.localStorage.setItem('lang', 'en'))
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  page.on('console', (msg) => {
    if (/Refused to|Content Security Policy/i.test(msg.text())) violations.push(msg.text())
  })
  return page
}

/** The bell's count once it reads `want` (it asks on mount, on route change and every 60 s). */
async function waitForBell(page, want) {
  const bell = page.locator('.navbar .notice-bell')
  let seen = null
  for (let i = 0; i < 100; i += 1) {
    seen = await bell.getAttribute('data-count')
    if (seen === String(want)) return
    await page.waitForTimeout(100)
  }
  assert.fail(`the bell shows ${seen}, not ${want}`)
}

before(async () => {
  backend = await startBackend()
  browser = await launchBrowser()
}, { timeout: 120_000 })

after(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  if (browser) await browser.close()
  if (backend) await backend.stop()
}, { timeout: 30_000 })

describe('notices end to end', () => {
  it('a notice the admin publishes rings the operator\'s bell, and reading it quiets it', LIMIT, async () => {
    const opt = await newPage()
    await uiLogin(opt, backend.url, ...OPT)
    await waitForBell(opt, 0)

    // the admin writes a draft in the editor (with a script the server must strip)
    const admin = await newPage()
    await uiLogin(admin, backend.url, ...ADMIN)
    await openTablePage(admin, backend.url, '/system/notice')
    await admin.locator('.app-main .add-notice').click()
    const form = admin.locator('.notice-form')
    await form.locator('input').first().fill(TITLE)
    const editor = form.locator('.ProseMirror')
    await editor.click()
    await admin.keyboard.type('The service stops at 22:00. ')
    await admin.keyboard.press('Control+b')
    await admin.keyboard.type('Save your work')
    await admin.keyboard.press('Control+b')
    await admin.keyboard.type(' <script>alert(1)</script>')
    await shot(admin, 'editor')
    const created = admin.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/system/notice'))
    await admin.locator('.el-dialog:visible').getByRole('button', { name: 'OK' }).click()
    assert.equal((await created).status(), 201)
    const row = admin.locator('.notice-table tr.el-table__row', { hasText: TITLE })
    await row.waitFor()
    assert.match(await row.innerText(), /Draft/)

    // a draft rings no bell
    await opt.goto(`${backend.url}/profile`)
    await waitForBell(opt, 0)

    // publish, after the confirmation
    await row.locator('.publish-button').click()
    const published = admin.waitForResponse((r) => r.request().method() === 'PUT' && /\/api\/v1\/system\/notice\/\d+$/.test(r.url()))
    await admin.locator('.el-message-box').getByRole('button', { name: 'OK' }).click()
    assert.equal((await published).status(), 204)
    await admin.locator('.notice-table tr.el-table__row', { hasText: TITLE }).locator('.unpublish-button').waitFor()
    await shot(admin, 'published')

    // the operator's next route change asks again: one unread
    await opt.goto(`${backend.url}/index`)
    await waitForBell(opt, 1)
    await opt.locator('.navbar .notice-bell').click()
    const item = opt.locator('.notice-drawer .notice-item', { hasText: TITLE })
    await item.waitFor()
    assert.ok(await item.evaluate((el) => el.classList.contains('unread')))
    await shot(opt, 'drawer')
    const marked = opt.waitForResponse((r) => r.request().method() === 'PUT' && /\/user\/notices\/\d+\/read$/.test(r.url()))
    await item.click()
    assert.equal((await marked).status(), 204)
    const body = opt.locator('.notice-drawer .notice-body')
    await body.waitFor()
    assert.equal(await body.locator('strong').innerText(), 'Save your work')
    assert.equal(await opt.locator('.notice-drawer .notice-body script').count(), 0)
    await waitForBell(opt, 0)
    await shot(opt, 'read')

    // and the server agrees
    const token = await apiLogin(backend.api, ...OPT)
    assert.deepEqual(await apiCall(backend.api, token, 'GET', '/user/notices/unread-count'), { count: 0 })
    assert.deepEqual(violations, [], 'the editor, the page and the bell run under the CSP')
  })
})
