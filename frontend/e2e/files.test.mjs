// Files and avatars end to end, in a real browser against the real backend (see setup.mjs):
// the admin uploads an avatar on the profile page (previewed first) and sees it in the navbar,
// served without a token and shown under the app's CSP; then uploads a file on the file page,
// downloads it under its own name and deletes it after the confirmation.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { launchBrowser, openTablePage, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const ADMIN = ['admin', 'admin123']
const LIMIT = { timeout: 120_000 }
// A 24×24 PNG.
const PNG = Buffer.from(
  'iVBORw0KGgoAAAANSUhEUgAAABgAAAAYCAIAAABvFaqvAAAAIklEQVR4nGO8oxHFQA3ARBVTRg0aNWjUoFGDRg0aNYgiAAAExAGOhCJrrwAAAABJRU5ErkJggg==',
  'base64'
)
const NOTE = 'E2E 附件 notes.txt'
const shot = screenshotSeries('files')

let backend
let browser
let files
const contexts = []
const violations = []

async function newPage() {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 }, acceptDownloads: true })
  await context.addInitScript(() => window.localStorage.setItem('lang', 'en'))
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  page.on('console', (msg) => {
    if (/Refused to|Content Security Policy/i.test(msg.text())) violations.push(msg.text())
  })
  return page
}

before(async () => {
  files = mkdtempSync(join(tmpdir(), 'fva-e2e-files-'))
  backend = await startBackend({ env: { APP_FILE_DIR: files } })
  browser = await launchBrowser()
}, { timeout: 120_000 })

after(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  if (browser) await browser.close()
  if (backend) await backend.stop()
  if (files) rmSync(files, { recursive: true, force: true })
}, { timeout: 30_000 })

describe('files and avatars end to end', () => {
  it('an avatar uploaded on the profile shows in the navbar', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    const navbar = page.locator('.navbar .user-avatar')
    assert.equal(await navbar.locator('img').count(), 0) // initials only, no avatar yet
    await page.goto(`${backend.url}/profile`)
    await page.locator('.avatar-upload .avatar-change').waitFor()
    await page.locator('.avatar-upload input.avatar-input').setInputFiles({ name: 'me.png', mimeType: 'image/png', buffer: PNG })
    await page.locator('.avatar-upload .avatar-preview img').waitFor()
    await shot(page, 'avatar-preview')
    const uploaded = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/user/avatar'))
    await page.locator('.avatar-upload .avatar-save').click()
    const answer = await uploaded
    assert.equal(answer.status(), 200)
    const { avatar } = await answer.json()
    assert.match(avatar, /^\/api\/v1\/user\/avatar\/[0-9a-f]{32}\.png$/)

    const img = navbar.locator('img')
    await img.waitFor()
    assert.equal(await img.getAttribute('src'), avatar)
    // The picture really loaded (public route, allowed by the CSP's img-src 'self').
    await page.waitForFunction(() => {
      const el = document.querySelector('.navbar .user-avatar img')
      return el && el.complete && el.naturalWidth === 24
    })
    await shot(page, 'avatar-navbar')
    // And it is the user's everywhere: the user list shows it too.
    await openTablePage(page, backend.url, '/permission/user')
    const row = page.locator('.el-table__row', { hasText: 'admin' }).first()
    assert.equal(await row.locator('.user-list-avatar img').getAttribute('src'), avatar)
  })

  it('a file is uploaded, downloaded under its name and deleted after the confirmation', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/system/file')
    const created = page.waitForResponse((r) => r.request().method() === 'POST' && r.url().endsWith('/api/v1/system/file'))
    await page.locator('input.file-input').setInputFiles({ name: NOTE, mimeType: 'text/html', buffer: Buffer.from('hello from e2e\n') })
    assert.equal((await created).status(), 201)
    const row = page.locator('.file-table tr.el-table__row', { hasText: NOTE })
    await row.waitFor()
    assert.match(await row.innerText(), /text\/plain/) // the type is the bytes', not the header's
    await shot(page, 'list')

    const downloading = page.waitForEvent('download')
    await row.locator('.download-button').click()
    const download = await downloading
    assert.equal(download.suggestedFilename(), NOTE)
    assert.equal(readFileSync(await download.path(), 'utf8'), 'hello from e2e\n')

    const deleted = page.waitForResponse((r) => r.request().method() === 'DELETE' && /\/api\/v1\/system\/file\/\d+$/.test(r.url()))
    await row.getByRole('button', { name: 'Delete' }).click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await box.innerText(), /notes\.txt/)
    await box.locator('.el-message-box__btns .el-button--primary').click()
    assert.equal((await deleted).status(), 204)
    await row.waitFor({ state: 'detached' })
    assert.deepEqual(violations, [])
  })
})
