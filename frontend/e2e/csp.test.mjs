// The dashboard and the API docs work under the app's Content-Security-Policy, in real Chromium:
// no violation is reported (console "Refused to ..." or a securitypolicyviolation event) on the
// login page, after login on the pages with the most widgets, nor on /docs and /redoc.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, openTablePage, startBackend, uiLogin } from './setup.mjs'

const LIMIT = { timeout: 90_000 }

let backend
let browser

before(async () => {
  backend = await startBackend()
  browser = await launchBrowser()
}, { timeout: 120_000 })

after(async () => {
  if (browser) await browser.close()
  if (backend) await backend.stop()
}, { timeout: 30_000 })

/** A page that records every CSP violation it sees, from the console and from the DOM event. */
async function watchedPage() {
  const context = await browser.newContext()
  await context.addInitScript(() => {
    window.__cspViolations = []
    document.addEventListener('securitypolicyviolation', (e) => {
      window.__cspViolations.push(`${e.violatedDirective} ${e.blockedURI} ${e.sourceFile}:${e.lineNumber}`)
    })
  })
  await context.addInitScript((l) => window.localStorage.setItem('lang', l), 'en')
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  const consoleViolations = []
  page.on('console', (msg) => {
    const text = msg.text()
    if (/Refused to|Content Security Policy/i.test(text)) consoleViolations.push(text)
  })
  const documents = []
  page.on('response', (r) => {
    if (r.request().resourceType() === 'document') documents.push(r)
  })
  async function violations() {
    const fromEvents = await page.evaluate(() => window.__cspViolations || []).catch(() => [])
    return [...consoleViolations, ...fromEvents]
  }
  return { context, page, violations, documents }
}

function assertPolicy(response) {
  const csp = response.headers()['content-security-policy'] || ''
  assert.match(csp, /script-src 'self'(;|$)/, `${response.url()} has the CSP: ${csp}`)
  assert.match(csp, /frame-ancestors 'none'/)
  assert.equal(response.headers()['x-frame-options'], 'DENY')
  assert.equal(response.headers()['x-content-type-options'], 'nosniff')
}

describe('content security policy', () => {
  it('the login page and the dashboard after login report no violation', LIMIT, async () => {
    const { context, page, violations, documents } = await watchedPage()
    await page.goto(`${backend.url}/login`)
    await page.locator('input[name="username"]').waitFor()
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
    assert.deepEqual(await violations(), [], 'login page')

    await uiLogin(page, backend.url, 'admin', 'admin123')
    for (const path of ['/permission/user', '/system/dict', '/system/job', '/business/reg-code']) {
      await openTablePage(page, backend.url, path)
      await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
    }
    // A dialog, a select and a date picker: the widgets that style themselves at run time.
    await openTablePage(page, backend.url, '/permission/user')
    await page.locator('.table-toolbar').getByRole('button', { name: 'Add' }).click()
    const dialog = page.getByRole('dialog', { name: 'Add user' })
    await dialog.waitFor()
    await dialog.locator('.el-select').first().click()
    await page.locator('.el-select-dropdown__item:visible').first().waitFor()
    await page.keyboard.press('Escape')
    assert.deepEqual(await violations(), [], 'dashboard after login')
    assert.ok(documents.length >= 1)
    for (const doc of documents) assertPolicy(doc)
    await context.close()
  })

  it('/docs and /redoc render from the app alone, with no violation', LIMIT, async () => {
    const { context, page, violations } = await watchedPage()
    const outside = []
    page.on('request', (r) => {
      if (!r.url().startsWith(backend.url) && !r.url().startsWith('data:') && !r.url().startsWith('blob:')) outside.push(r.url())
    })
    const docs = await page.goto(`${backend.url}/docs`)
    assertPolicy(docs)
    await page.locator('.swagger-ui .opblock').first().waitFor()
    await page.locator('.swagger-ui .btn.authorize').waitFor()
    const redoc = await page.goto(`${backend.url}/redoc`)
    assertPolicy(redoc)
    await page.locator('.api-content h1, .api-content h2').first().waitFor()
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
    assert.deepEqual(await violations(), [], 'docs pages')
    assert.deepEqual(outside, [], 'no request leaves the app (no CDN)')
    await context.close()
  })
})
