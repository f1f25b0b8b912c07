// The home page's charts in real Chromium against the real backend: with sign-ins (good and
// failed) and job runs (a success and a failure) behind them, the admin's home page draws the
// four charts on canvas, with no console error and no CSP violation; a user without
// perm:monitor:get keeps the shortcut cards and never asks for the overview.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { apiCall, apiLogin, launchBrowser, screenshot, startBackend, uiLogin } from './setup.mjs'

const LIMIT = { timeout: 90_000 }
const CHARTS = ['chart-logins', 'chart-job-runs', 'chart-roles', 'chart-depts']

let backend
let browser

before(async () => {
  backend = await startBackend()
  browser = await launchBrowser()
  const token = await apiLogin(backend.api, 'admin', 'admin123')
  // Two failed sign-ins (fewer than the captcha's threshold of the client).
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${backend.api}/user/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ username: 'opt', password: 'wrong-password' })
    })
    assert.equal(res.status, 401)
  }
  for (const fail of [false, true]) {
    const job = await apiCall(backend.api, token, 'POST', '/system/job', {
      name: `home chart ${fail ? 'failure' : 'success'}`,
      script: 'demo',
      kwargs: { message: 'home', seconds: 0, fail },
      cron: '0 3 * * *',
      misfire_policy: 'run_once',
      notify: 'none',
      notify_user_ids: [],
      status: 'paused'
    })
    const { log_id: logId } = await apiCall(backend.api, token, 'POST', `/system/job/${job.id}/run`)
    // The run is in the background: wait until its log is finished.
    for (let i = 0; i < 100; i++) {
      const log = await apiCall(backend.api, token, 'GET', `/system/job-log/${logId}`)
      if (log.status !== 'running') break
      await new Promise((r) => setTimeout(r, 100))
    }
  }
}, { timeout: 120_000 })

after(async () => {
  if (browser) await browser.close()
  if (backend) await backend.stop()
}, { timeout: 30_000 })

/** A page that records console errors, page errors and CSP violations. */
async function watchedPage(lang = 'en') {
  const context = await browser.newContext()
  await context.addInitScript(() => {
    window.__cspViolations = []
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)
    })
  })
  await context.addInitScript((l) => window.localStorage.setItem('lang', l), lang)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const problems = []
  page.on('console', (msg) => {
    if (msg.type() === 'error' || /Refused to|Content Security Policy/i.test(msg.text())) problems.push(msg.text())
  })
  page.on('pageerror', (err) => problems.push(String(err)))
  const overviewCalls = []
  page.on('request', (r) => {
    if (new URL(r.url()).pathname === '/api/v1/monitor/overview') overviewCalls.push(r.url())
  })
  async function violations() {
    const fromEvents = await page.evaluate(() => window.__cspViolations || []).catch(() => [])
    return [...problems, ...fromEvents]
  }
  return { context, page, violations, overviewCalls }
}

describe('home page charts', () => {
  it('draws the four charts with data for the admin, cleanly', LIMIT, async () => {
    const { context, page, violations } = await watchedPage()
    const answered = page.waitForResponse((r) => new URL(r.url()).pathname === '/api/v1/monitor/overview')
    await uiLogin(page, backend.url, 'admin', 'admin123')
    const overview = await (await answered).json()
    assert.equal(overview.timezone, 'UTC')
    const today = overview.logins.at(-1)
    assert.ok(today.success >= 2 && today.failure === 2, JSON.stringify(today))
    assert.deepEqual(overview.job_runs.at(-1), { ...overview.job_runs.at(-1), success: 1, failure: 1 })
    assert.ok(overview.sessions >= 2)

    for (const chart of CHARTS) await page.locator(`[data-test="${chart}"] canvas`).first().waitFor()
    for (const chart of CHARTS) {
      const size = await page.locator(`[data-test="${chart}"] canvas`).first().boundingBox()
      assert.ok(size && size.width > 100 && size.height > 100, `${chart} is drawn: ${JSON.stringify(size)}`)
    }
    assert.equal(await page.locator('[data-test="stat-sessions"]').innerText(), String(overview.sessions))
    await page.getByText('Sign-ins, last 30 days').waitFor()
    await page.getByText('Shortcuts').waitFor()
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
    await page.waitForTimeout(1500) // for the picture only: ECharts' entry animation ends
    await screenshot(page, 'home-charts')
    assert.deepEqual(await violations(), [])
    await context.close()
  })

  it('words the charts in Chinese', LIMIT, async () => {
    const { context, page, violations } = await watchedPage('zh-CN')
    await uiLogin(page, backend.url, 'admin', 'admin123')
    await page.getByText('近 30 天登录').waitFor()
    for (const chart of CHARTS) await page.locator(`[data-test="${chart}"] canvas`).first().waitFor()
    assert.deepEqual(await violations(), [])
    await context.close()
  })

  it('keeps the shortcut cards alone for a user without the label', LIMIT, async () => {
    const { context, page, violations, overviewCalls } = await watchedPage()
    await uiLogin(page, backend.url, 'user', '123456')
    await page.getByText('Shortcuts').waitFor()
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
    assert.equal(await page.locator('[data-test="overview"]').count(), 0)
    assert.deepEqual(overviewCalls, [])
    assert.deepEqual(await violations(), [])
    await context.close()
  })
})
