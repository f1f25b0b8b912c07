// The layout's chrome: the first load of the login page is small (precompressed assets), the
// theme drawer's settings survive a reload, and the tags bar's context menu and kept-alive pages.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, startBackend } from './setup.mjs'

const LIMIT = { timeout: 90_000 }
const FIRST_LOAD_BUDGET = 300 * 1024

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

async function englishPage() {
  const context = await browser.newContext()
  await context.addInitScript((l) => window.localStorage.setItem('lang', l), 'en')
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  return { context, page }
}

describe('first load', () => {
  it('the login page transfers under 300 KB on a cold cache', LIMIT, async () => {
    const { context, page } = await englishPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
    const responses = new Map()
    let encoded = 0
    cdp.on('Network.responseReceived', (e) => responses.set(e.requestId, e.response))
    cdp.on('Network.loadingFinished', (e) => {
      encoded += e.encodedDataLength
    })
    await page.goto(`${backend.url}/login`)
    await page.locator('input[name="username"]').waitFor()
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
    const assets = [...responses.values()].filter((r) => /\/assets\/.*\.(js|css)$/.test(r.url))
    const kb = (encoded / 1024).toFixed(1)
    const codings = new Set()
    for (const r of assets) {
      const headers = Object.fromEntries(Object.entries(r.headers).map(([k, v]) => [k.toLowerCase(), v]))
      // Files under 1 KB have no compressed copy (scripts/compress.mjs): not worth it.
      if (Number(headers['content-length']) >= 1024 || headers['content-encoding']) {
        assert.match(headers['content-encoding'] || '', /^(br|gzip)$/, `${r.url} is sent compressed`)
        assert.match(headers.vary || '', /accept-encoding/i, `${r.url} varies on Accept-Encoding`)
        codings.add(headers['content-encoding'])
      }
      assert.equal(headers['cache-control'], 'public, max-age=31536000, immutable', `${r.url} is cached for a year`)
    }
    console.log(`login page first load: ${kb} KB transferred (${responses.size} responses, ${assets.length} js/css assets, ${[...codings].join('+') || 'uncompressed'})`)
    assert.ok(encoded < FIRST_LOAD_BUDGET, `the login page's first load is ${kb} KB, over the 300 KB budget`)
    await context.close()
  })
})
