// The layout's chrome: the first load of the login page is small (precompressed assets), the
// theme drawer's settings survive a reload, and the tags bar's context menu and kept-alive pages.
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { launchBrowser, openTablePage, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const shot = screenshotSeries('chrome')

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
  /** Bytes on the wire for the login page on a cold cache, and the codings the assets came in. */
  async function measureLogin(acceptEncoding) {
    const { context, page } = await englishPage()
    const cdp = await context.newCDPSession(page)
    await cdp.send('Network.enable')
    await cdp.send('Network.setCacheDisabled', { cacheDisabled: true })
    if (acceptEncoding) await cdp.send('Network.setExtraHTTPHeaders', { headers: { 'Accept-Encoding': acceptEncoding } })
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
    await context.close()
    return { encoded, codings: [...codings], responses: responses.size, assets: assets.length }
  }

  const report = (label, { encoded, codings, responses, assets }) => {
    const kb = (encoded / 1024).toFixed(1)
    console.log(`login page first load, ${label}: ${kb} KB transferred (${responses} responses, ${assets} js/css assets, ${codings.join('+') || 'uncompressed'})`)
    return kb
  }

  it('the login page transfers under 300 KB on a cold cache', LIMIT, async () => {
    const measured = await measureLogin(null)
    const kb = report("Chromium's own Accept-Encoding", measured)
    assert.deepEqual(measured.codings, ['br'])
    assert.ok(measured.encoded < FIRST_LOAD_BUDGET, `the login page's first load is ${kb} KB, over the 300 KB budget`)
  })

  it('a client that takes only gzip gets the gzip copies, under 300 KB too', LIMIT, async () => {
    // About 40 KB more than brotli; nginx (gzip_static) sends these to every client.
    const measured = await measureLogin('gzip, deflate')
    const kb = report('Accept-Encoding: gzip, deflate', measured)
    assert.deepEqual(measured.codings, ['gzip'])
    assert.ok(measured.encoded < FIRST_LOAD_BUDGET, `the login page's first load with gzip is ${kb} KB, over the 300 KB budget`)
  })
})

describe('theme drawer', () => {
  it('dark mode and the theme colour are applied, remembered, and on <html> before the app mounts', LIMIT, async () => {
    const { context, page } = await englishPage()
    // Records the state of <html> when the app first renders into #app.
    await context.addInitScript(() => {
      new MutationObserver((records, observer) => {
        const app = document.getElementById('app')
        if (!app || !app.firstElementChild) return
        observer.disconnect()
        const root = document.documentElement
        window.__atMount = { dark: root.classList.contains('dark'), primary: root.style.getPropertyValue('--el-color-primary') }
      }).observe(document, { childList: true, subtree: true })
    })
    await uiLogin(page, backend.url, 'admin', 'admin123')
    assert.deepEqual(await page.evaluate(() => window.__atMount), { dark: false, primary: '' })

    await page.locator('.navbar-settings').click()
    const drawer = page.locator('.settings-drawer')
    await drawer.getByText('Dark mode').waitFor()
    await drawer.locator('.setting-dark').click()
    await drawer.locator('.settings-swatch[data-color="#11a983"]').click()
    await drawer.locator('.setting-sidebar-logo').click()
    const styles = () =>
      page.evaluate(() => ({
        dark: document.documentElement.classList.contains('dark'),
        primary: getComputedStyle(document.documentElement).getPropertyValue('--el-color-primary').trim(),
        bg: getComputedStyle(document.body).backgroundColor,
        logo: !!document.querySelector('.sidebar-logo')
      }))
    const applied = await styles()
    assert.equal(applied.dark, true)
    assert.equal(applied.primary, '#11a983')
    assert.equal(applied.logo, false)
    assert.notEqual(applied.bg, 'rgb(240, 242, 245)', 'the page background follows dark mode')
    await shot(page, 'theme-drawer-dark')
    await page.keyboard.press('Escape')

    await page.reload()
    await page.locator('.app-wrapper .sidebar-menu').waitFor()
    assert.deepEqual(await page.evaluate(() => window.__atMount), { dark: true, primary: '#11a983' })
    assert.deepEqual(await styles(), applied)
    await openTablePage(page, backend.url, '/permission/user')
    await shot(page, 'users-dark-green')
    await context.close()
  })
})

describe('tags view', () => {
  it('a page keeps its state between tabs; the context menu refreshes it and closes tabs', LIMIT, async () => {
    const { context, page } = await englishPage()
    await uiLogin(page, backend.url, 'admin', 'admin123')
    await openTablePage(page, backend.url, '/permission/user')
    const search = page.locator('.app-main .search-form input').first()
    await search.fill('kept-alive')
    const tag = (name) => page.locator('.tags-view .tags-item', { hasText: name })
    await tag('Home').click()
    await page.locator('.app-main .dashboard, .app-main').first().waitFor()
    await page.waitForURL(/\/index$/)
    await tag('Users').click()
    await page.waitForURL(/\/permission\/user$/)
    assert.equal(await search.inputValue(), 'kept-alive', 'the user page was kept alive')

    await tag('Users').click({ button: 'right' })
    const menu = page.locator('.tags-context-menu')
    assert.deepEqual(await menu.locator('li').allInnerTexts(), ['Refresh', 'Close', 'Close others', 'Close tabs to the left', 'Close tabs to the right', 'Close all'])
    const reloaded = page.waitForResponse((r) => /\/api\/v1\/permission\/user\?/.test(r.url()))
    await menu.locator('[data-action="refresh"]').click()
    await reloaded
    await page.waitForFunction(() => document.querySelector('.app-main .search-form input')?.value === '')
    assert.equal(await menu.count(), 0)

    await tag('Users').click({ button: 'right' })
    await menu.locator('[data-action="all"]').click()
    await page.waitForURL(/\/index$/)
    assert.deepEqual(await page.locator('.tags-view .tags-item').allInnerTexts(), ['Home'])
    await context.close()
  })
})

describe('cron builder', () => {
  it('builds an expression in the job form that the API previews', LIMIT, async () => {
    const { context, page } = await englishPage()
    await uiLogin(page, backend.url, 'admin', 'admin123')
    await openTablePage(page, backend.url, '/system/job')
    await page.locator('.add-job').click()
    const dialog = page.getByRole('dialog', { name: 'Add job' })
    await dialog.waitFor()
    await dialog.locator('.cron-builder-toggle').click()
    const builder = dialog.locator('.cron-builder')
    await builder.getByRole('tab', { name: 'Minute' }).click()
    const previewed = (expr) => page.waitForResponse((r) => r.url().includes('/system/job/cron/next') && new URL(r.url()).searchParams.get('expr') === expr)
    let answer = previewed('*/15 * * * *')
    await builder.locator('.cron-pane-minute .el-radio[data-type="step"]').click()
    await builder.locator('.cron-pane-minute .cron-step input').fill('15')
    await builder.locator('.cron-pane-minute .cron-step input').press('Tab')
    assert.equal((await answer).status(), 200)
    assert.equal(await dialog.locator('.job-cron input').inputValue(), '*/15 * * * *')

    answer = previewed('*/15 9-17 * * *')
    await builder.getByRole('tab', { name: 'Hour' }).click()
    await builder.locator('.cron-pane-hour .el-radio[data-type="range"]').click()
    await builder.locator('.cron-pane-hour .cron-range-from input').fill('9')
    await builder.locator('.cron-pane-hour .cron-range-from input').press('Tab')
    await builder.locator('.cron-pane-hour .cron-range-to input').fill('17')
    await builder.locator('.cron-pane-hour .cron-range-to input').press('Tab')
    assert.equal((await answer).status(), 200)
    await dialog.locator('.cron-preview li').first().waitFor()
    assert.equal(await dialog.locator('.cron-preview li').count(), 5)
    await shot(page, 'cron-builder')

    // A preset picked from the menu shows in the tabs.
    await dialog.getByRole('button', { name: 'Presets' }).click()
    await page.locator('.el-dropdown-menu__item:visible', { hasText: '0 3 * * 1' }).click()
    await builder.getByRole('tab', { name: 'Weekday' }).click()
    assert.equal(await builder.locator('.cron-pane-week .el-radio.is-checked').getAttribute('data-type'), 'specific')
    assert.equal(await builder.locator('.cron-pane-week .cron-value.is-checked').innerText(), 'Mon')
    await context.close()
  })
})
