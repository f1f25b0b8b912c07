// The server and cache monitors in a real browser against the real backend (embedded profile,
// see setup.mjs): both pages render with data and their charts (ECharts, under the app's CSP),
// and clearing a cache namespace asks first: cancelling sends nothing, confirming clears it.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const ADMIN = ['admin', 'admin123']
const LIMIT = { timeout: 120_000 }
const shot = screenshotSeries('monitor')

let backend
let browser
const contexts = []
const violations = []

async function newPage(lang = 'en') {
  const context = await browser.newContext({ viewport: { width: 1280, height: 800 } })
  await context.addInitScript((l) => window.localStorage.setItem('lang', l), lang)
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  page.on('console', (msg) => {
    if (/Refused to|Content Security Policy/i.test(msg.text())) violations.push(msg.text())
  })
  return page
}

/** Resolves once a canvas inside `selector` has been drawn at a non-zero size. */
async function chartDrawn(page, selector) {
  const canvas = page.locator(`${selector} canvas`).first()
  await canvas.waitFor()
  const box = await canvas.boundingBox()
  assert.ok(box && box.width > 0 && box.height > 0, `${selector} has a drawn chart`)
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

describe('server and cache monitors', () => {
  it('the server page shows this instance with its figures and a chart', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    const answered = page.waitForResponse((r) => r.request().method() === 'GET' && r.url().endsWith('/api/v1/monitor/server'))
    await page.goto(`${backend.url}/monitor/server`)
    assert.equal((await answered).status(), 200)
    const card = page.locator('.server-card').first()
    await card.waitFor()
    assert.equal(await page.locator('.server-card').count(), 1, 'the embedded profile: just itself')
    await card.locator('.current-tag').waitFor()
    const text = await card.innerText()
    assert.match(text, /CPU/)
    assert.match(text, /Python\s+3\.\d+/)
    assert.match(text, /Writes/) // the database pool
    assert.match(await card.locator('.cpu-usage').innerText(), /\d+(\.\d)?%/)
    await chartDrawn(page, '.server-chart')
    await shot(page, 'server')
  })

  it('the cache page shows the memory cache and asks before clearing a namespace', LIMIT, async () => {
    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await page.goto(`${backend.url}/monitor/cache`)
    await page.locator('.cache-info .cache-backend').waitFor()
    assert.match(await page.locator('.cache-info .cache-backend').innerText(), /In-process cache/)
    assert.ok(Number(await page.locator('.cache-info .cache-entries').innerText()) >= 1)
    const row = page.locator('.namespace-table tr.el-table__row', { hasText: 'Data cache' })
    await row.waitFor()
    assert.ok(Number(await row.locator('.ns-keys').innerText()) >= 1)
    await chartDrawn(page, '.memory-chart')

    // its keys, and one value
    await row.click()
    const key = page.locator('.key-table tr.el-table__row').first()
    await key.waitFor()
    await key.locator('.view-value').click()
    await page.locator('.value-dialog .value-body').waitFor()
    await shot(page, 'value')
    await page.keyboard.press('Escape')
    await page.locator('.value-dialog').waitFor({ state: 'hidden' })

    // clearing asks first; cancelling sends nothing
    const deletes = []
    page.on('request', (r) => {
      if (r.method() === 'DELETE' && r.url().includes('/api/v1/monitor/cache/')) deletes.push(r.url())
    })
    await row.locator('.clear-namespace').click()
    const box = page.locator('.el-message-box')
    await box.waitFor()
    assert.match(await box.innerText(), /Clear the namespace "Data cache"\?/)
    await shot(page, 'confirm')
    await box.getByRole('button', { name: 'Cancel' }).click()
    await box.waitFor({ state: 'hidden' })
    assert.deepEqual(deletes, [])

    // confirming clears it
    await row.locator('.clear-namespace').click()
    const cleared = page.waitForResponse((r) => r.request().method() === 'DELETE' && r.url().endsWith('/api/v1/monitor/cache/cache'))
    await page.locator('.el-message-box').getByRole('button', { name: 'OK' }).click()
    const answer = await cleared
    assert.equal(answer.status(), 200)
    assert.ok((await answer.json()).deleted >= 1)
    await page.locator('.el-message--success', { hasText: 'keys cleared' }).waitFor()
    assert.deepEqual(deletes, [`${backend.api}/monitor/cache/cache`])
    await shot(page, 'cleared')
  })

  it('the pages speak Chinese too, and nothing broke the CSP', LIMIT, async () => {
    const page = await newPage('zh-CN')
    await uiLogin(page, backend.url, ...ADMIN)
    await page.goto(`${backend.url}/monitor/cache`)
    await page.locator('.namespace-table tr.el-table__row', { hasText: '数据缓存' }).waitFor()
    assert.match(await page.locator('.cache-info').innerText(), /进程内缓存/)
    await page.goto(`${backend.url}/monitor/server`)
    await page.locator('.server-card .current-tag', { hasText: '本实例' }).waitFor()
    assert.deepEqual(violations, [], 'the charts and the pages run under the CSP')
  })
})
