// Sessions in a real browser against the real backend (docs/sessions.md; see setup.mjs): the
// silent renewal keeps a page working across an access-token expiry, two-factor sign-in set up
// on the profile page and then used to sign in (the TOTP computed here, RFC 6238), and a forced
// logout from the online-users page sends the other browser to the login page.
//
// The backend runs with APP_ACCESS_TOKEN_MINUTES=1: the renewal scenario waits out one access
// token (about 75 s). A seconds setting in the backend would make it shorter.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { createHmac } from 'node:crypto'
import { launchBrowser, openTablePage, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const ADMIN = ['admin', 'admin123']
const OPT = ['opt', 'opt123']
const USER = ['user', '123456']
const ACCESS_MINUTES = 1
const LIMIT = { timeout: 90_000 }
const shot = screenshotSeries('sessions')

let backend
let browser
const contexts = []

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript(() => window.localStorage.setItem('lang', 'en'))
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  return page
}

// ---- TOTP (RFC 6238: HMAC-SHA1, 6 digits, 30-second steps) from the key the page shows
function base32Decode(text) {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'
  let bits = ''
  for (const ch of text.replace(/[\s=]/g, '').toUpperCase()) {
    const value = alphabet.indexOf(ch)
    if (value < 0) throw new Error(`not base32: ${ch}`)
    bits += value.toString(2).padStart(5, '0')
  }
  const bytes = []
  for (let i = 0; i + 8 <= bits.length; i += 8) bytes.push(parseInt(bits.slice(i, i + 8), 2))
  return Buffer.from(bytes)
}

const stepNow = () => Math.floor(Date.now() / 1000 / 30)

function totp(secret, step) {
  const counter = Buffer.alloc(8)
  counter.writeBigUInt64BE(BigInt(step))
  const hmac = createHmac('sha1', base32Decode(secret)).update(counter).digest()
  const offset = hmac[hmac.length - 1] & 0x0f
  const value = (hmac.readUInt32BE(offset) & 0x7fffffff) % 1_000_000
  return String(value).padStart(6, '0')
}

async function cookie(page, name) {
  const cookies = await page.context().cookies()
  const found = cookies.find((c) => c.name === name)
  return found ? decodeURIComponent(found.value) : undefined
}

async function confirmMessageBox(page) {
  const box = page.locator('.el-message-box')
  await box.waitFor()
  await box.locator('.el-message-box__btns .el-button--primary').click()
  await box.waitFor({ state: 'hidden' })
}

describe('sessions', () => {
  before(async () => {
    backend = await startBackend({ env: { APP_ACCESS_TOKEN_MINUTES: String(ACCESS_MINUTES) } })
    browser = await launchBrowser()
  })

  after(async () => {
    for (const context of contexts) await context.close().catch(() => {})
    if (browser) await browser.close()
    if (backend) await backend.stop()
  })

  it('1. a page keeps working across an access-token expiry (401 token_expired → one renewal → retry)', { timeout: 60_000 * ACCESS_MINUTES + 90_000 }, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/system/config')
    const firstAccess = await cookie(page, 'Admin-Token')
    const firstRefresh = await cookie(page, 'Admin-Refresh-Token')
    assert.ok(firstAccess && firstRefresh, 'both tokens kept after sign-in')

    // Wait out the first access token. The page may renew ahead meanwhile (the notice bell
    // polls), so then put that first, expired, token back and hide its expiry from the page:
    // the next request goes with it and must be answered 401 token_expired, renewed once with
    // the refresh token the page holds now, and retried.
    await page.waitForTimeout(ACCESS_MINUTES * 60_000 + 15_000) // past the expiry and any leeway
    const far = Date.now() + 3_600_000
    await page.context().addCookies([
      { name: 'Admin-Token', value: encodeURIComponent(firstAccess), url: backend.url },
      { name: 'Admin-Token-Expiry', value: encodeURIComponent(JSON.stringify({ exp: far, at: far, remember: false })), url: backend.url }
    ])
    const heldRefresh = await cookie(page, 'Admin-Refresh-Token')

    const refreshes = []
    const statuses = []
    page.on('response', (r) => {
      const path = new URL(r.url()).pathname
      if (path === '/api/v1/user/token/refresh') refreshes.push(r.status())
      if (path === '/api/v1/system/config-setting') statuses.push(r.status())
    })
    const listed = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/system/config-setting' && r.status() === 200)
    await page.locator('.app-main .right-toolbar button').nth(1).click() // Refresh
    await listed
    assert.deepEqual(refreshes, [200], 'one renewal')
    // The list went out with the expired token (401) and was retried (200), unless a bell poll
    // met the expiry first and the list waited for that same renewal (200 alone).
    assert.ok(['401,200', '200'].includes(statuses.join(',')), `list answers: ${statuses}`)
    assert.notEqual(await cookie(page, 'Admin-Refresh-Token'), heldRefresh, 'rotated by the renewal')
    assert.equal(new URL(page.url()).pathname, '/system/config', 'still on the page')
    assert.notEqual(await cookie(page, 'Admin-Token'), firstAccess)
    assert.notEqual(await cookie(page, 'Admin-Refresh-Token'), firstRefresh, 'the refresh token rotated')
    await shot(page, 'after-renewal')
  })

  it('2. two-factor sign-in: set up on the profile page, then sign in with a code', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...USER)
    await page.goto(`${backend.url}/profile?tab=mfa`)
    await page.locator('.two-factor .mfa-state', { hasText: 'Off' }).waitFor()
    await page.locator('.two-factor .mfa-setup').click()
    await page.locator('.totp-qr img').waitFor()
    assert.match(await page.locator('.totp-qr img').getAttribute('src'), /^data:image\/svg\+xml/)
    assert.equal(await page.locator('.two-factor svg').count(), 0, 'the QR code is an image, not markup')
    const secret = (await page.locator('.totp-secret-value').innerText()).replace(/\s+/g, '')
    const step = stepNow()
    await page.locator('input[name="totp"]').fill(totp(secret, step))
    const enabled = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/user/2fa/enable')
    await page.locator('.totp-setup button[type="submit"]').click()
    assert.equal((await enabled).status(), 200)
    const codes = await page.locator('.recovery-list code').allInnerTexts()
    assert.equal(codes.length, 10)
    for (const code of codes) assert.match(code, /^[a-z0-9]{5}-[a-z0-9]{5}$/i)
    await shot(page, 'recovery-codes')
    await page.locator('.recovery-done').click()
    await page.locator('.two-factor .mfa-state', { hasText: 'On' }).waitFor()

    // A new browser: the password, then the second step with the code of the next step (a code
    // is good once, so not the one that turned 2FA on; one step of drift is allowed).
    const other = await newPage()
    await uiLogin(other, backend.url, ...USER, { expect: 'none' })
    await other.locator('.login-mfa input[name="code"]').waitFor()
    assert.equal(await cookie(other, 'Admin-Token'), undefined, 'no session before the second factor')
    await other.locator('.login-mfa input[name="code"]').fill(totp(secret, step + 1))
    await other.locator('.login-mfa button.auth-submit').click()
    await other.locator('.app-wrapper .sidebar-menu').waitFor()
    assert.ok(await cookie(other, 'Admin-Refresh-Token'))

    // and a recovery code signs in once
    const third = await newPage()
    await uiLogin(third, backend.url, ...USER, { expect: 'none' })
    await third.locator('.login-mfa input[name="code"]').fill(codes[0])
    await third.locator('.login-mfa button.auth-submit').click()
    await third.locator('.app-wrapper .sidebar-menu').waitFor()
  })

  it('3. a forced logout on the online-users page sends the other browser to the login page', LIMIT, async () => {
    const optPage = await newPage()
    await uiLogin(optPage, backend.url, ...OPT)

    const admin = await newPage()
    await uiLogin(admin, backend.url, ...ADMIN)
    await openTablePage(admin, backend.url, '/monitor/online')
    await admin.locator('.current-tag').first().waitFor()
    const listed = admin.waitForResponse((r) => new URL(r.url()).searchParams.get('username') === 'opt')
    await admin.locator('.app-main .search-form input[placeholder="Enter Username"]').fill('opt')
    await admin.locator('.app-main .search-form').getByRole('button', { name: 'Search' }).click()
    assert.ok((await listed).ok())
    const row = admin.locator('.app-main .el-table__body-wrapper tr.el-table__row', { hasText: 'opt' }).first()
    await row.waitFor()
    await shot(admin, 'online-users')
    await row.locator('.force-logout').click()
    const ended = admin.waitForResponse((r) => r.request().method() === 'DELETE' && new URL(r.url()).pathname.startsWith('/api/v1/monitor/online/'))
    await confirmMessageBox(admin)
    assert.equal((await ended).status(), 204)

    // opt's next request fails with token_revoked: the login page
    await optPage.goto(`${backend.url}/index`)
    await optPage.waitForURL((u) => u.pathname === '/login')
    await optPage.locator('.login-page input[name="username"]').waitFor()
    assert.equal(await cookie(optPage, 'Admin-Token'), undefined)
    await shot(optPage, 'forced-out')
  })
})
