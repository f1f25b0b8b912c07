// The list pages' tables, in a real browser against the real backend (see setup.mjs):
// every list page fits at 1280 and 1440 px in both languages (no sideways scrolling that hides
// columns under the fixed Actions column, no header cut or wrapped, no
// cell that overflows unless it is ellipsised with a tooltip, no datetime or single word broken
// over two lines, no action cell on two lines), and the column picker of the right toolbar
// hides a column for good (it is still hidden after a reload).
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { LIST_PAGES, WIDTHS, apiCall, apiLogin, launchBrowser, openTablePage, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const ADMIN = ['admin', 'admin123']
const LIMIT = { timeout: 240_000 }
const shot = screenshotSeries('tables')

const LANGUAGES = ['en', 'zh-CN']

let backend
let browser

before(async () => {
  backend = await startBackend({ scheduler: true })
  browser = await launchBrowser()
  const token = await apiLogin(backend.api, ...ADMIN)
  const call = (method, path, body) => apiCall(backend.api, token, method, path, body)
  // rows with realistic, longish values on the pages that start empty
  await call('POST', '/permission/user', {
    username: 'e2e_long_name_user',
    password: 'Long-Passw0rd!',
    nickname: 'A rather long nickname',
    email: 'someone.with.a.long.address@example-company.com',
    phone: '13800138000',
    role_ids: []
  })
  const admin = (await call('GET', '/permission/user?username=admin&size=10')).items.find((u) => u.username === 'admin')
  await call('POST', '/business/reg-code', { count: 3, reg_times: 3650, remark: 'a batch for the spring campaign of the northern sales region' })
  const job = await call('POST', '/system/job', {
    name: 'Nightly clean-up of expired sessions',
    script: 'demo',
    kwargs: { message: 'hello from the table test', seconds: 0.1 },
    cron: '0 3 * * *',
    misfire_policy: 'run_once',
    notify: 'failure',
    notify_user_ids: [admin.id],
    status: 'running',
    remark: 'keeps the session table small; safe to run at any time'
  })
  await call('POST', `/system/job/${job.id}/run`)
}, { timeout: 120_000 })

after(async () => {
  if (browser) await browser.close()
  if (backend) await backend.stop()
}, { timeout: 30_000 })

/**
 * What does not fit in the visible tables of the page: one line per fault, empty when all fit.
 * A cell ellipsised on purpose (`show-overflow-tooltip`, Element Plus gives it `.el-tooltip`)
 * may overflow; every other cell may not. Header texts and action cells stay on one line, and
 * so do datetimes and words (a word broken over lines is as good as cut).
 */
function tableFaults() {
  const faults = []
  const lines = (el) => {
    const range = document.createRange()
    range.selectNodeContents(el)
    const tops = new Set()
    for (const rect of range.getClientRects()) if (rect.width > 0 && rect.height > 0) tops.add(Math.round(rect.bottom))
    // inline boxes of one line share a bottom within a few pixels
    const sorted = [...tops].sort((a, b) => a - b)
    let count = 0
    let last = -Infinity
    for (const b of sorted) {
      if (b - last > 6) count += 1
      last = b
    }
    return count
  }
  const visible = (el) => el.offsetParent !== null && el.getBoundingClientRect().width > 0
  const name = (cell) => (cell.innerText || '').trim().replace(/\s+/g, ' ').slice(0, 40)
  const DATETIME = /^\d{4}-\d\d-\d\d \d\d:\d\d(:\d\d)?$/
  for (const table of document.querySelectorAll('.app-main .el-table')) {
    if (!visible(table)) continue
    // every column in view: no horizontal scrolling, nothing hidden under the fixed Actions
    const wrap = table.querySelector('.el-table__body-wrapper .el-scrollbar__wrap')
    if (wrap && wrap.scrollWidth > wrap.clientWidth + 1) faults.push(`the table scrolls sideways (${wrap.scrollWidth} > ${wrap.clientWidth}): columns are hidden`)
    const headers = [...table.querySelectorAll('.el-table__header-wrapper th .cell')]
    headers.forEach((cell, index) => {
      if (!visible(cell)) return
      if (cell.scrollWidth > cell.clientWidth + 1) faults.push(`header #${index} "${name(cell)}" overflows (${cell.scrollWidth} > ${cell.clientWidth})`)
      else if ((cell.innerText || '').trim() && lines(cell) > 1) faults.push(`header #${index} "${name(cell)}" wraps to ${lines(cell)} lines`)
    })
    for (const row of table.querySelectorAll('.el-table__body-wrapper tr.el-table__row')) {
      ;[...row.querySelectorAll('td .cell')].forEach((cell, index) => {
        if (!visible(cell)) return
        const text = (cell.innerText || '').trim()
        const header = headers[index] ? name(headers[index]) : `#${index}`
        if (cell.querySelector('.table-actions')) {
          if (cell.scrollWidth > cell.clientWidth + 1) faults.push(`actions "${text}" overflow`)
          const buttons = [...cell.querySelectorAll('.table-actions > *')].filter(visible)
          const tops = new Set(buttons.map((b) => Math.round(b.getBoundingClientRect().top / 4)))
          if (tops.size > 1) faults.push(`actions "${name(cell)}" wrap to ${tops.size} lines`)
          return
        }
        if (cell.classList.contains('el-tooltip')) return // ellipsised, with its tooltip
        if (cell.scrollWidth > cell.clientWidth + 1) faults.push(`${header}: "${name(cell)}" overflows (${cell.scrollWidth} > ${cell.clientWidth})`)
        else if (text && (DATETIME.test(text) || !/\s/.test(text)) && lines(cell) > 1) faults.push(`${header}: "${name(cell)}" is broken over ${lines(cell)} lines`)
        // a word inside the cell (a script name, a code) broken over two lines is cut as well
        for (const el of cell.querySelectorAll('*')) {
          const word = (el.innerText || '').trim()
          if (el.children.length || !word || /\s/.test(word) || !visible(el)) continue
          if (lines(el) > 1) faults.push(`${header}: "${word.slice(0, 40)}" is broken over ${lines(el)} lines`)
        }
      })
    }
  }
  return faults
}

describe('list tables end to end', () => {
  it('1. every list page fits at 1280 and 1440 px, in English and Chinese', LIMIT, async () => {
    const faults = []
    for (const lang of LANGUAGES) {
      for (const width of WIDTHS) {
        const context = await browser.newContext({ viewport: { width, height: 900 } })
        await context.addInitScript((l) => window.localStorage.setItem('lang', l), lang)
        const page = await context.newPage()
        page.setDefaultTimeout(15_000)
        await uiLogin(page, backend.url, ...ADMIN)
        for (const path of LIST_PAGES) {
          await openTablePage(page, backend.url, path)
          await page.locator('.app-main .el-table__body-wrapper tr.el-table__row').first().waitFor()
          await page.waitForTimeout(150) // the table settles its column widths
          for (const fault of await page.evaluate(tableFaults)) faults.push(`${lang} ${width}px ${path}: ${fault}`)
          if (width === 1280) await shot(page, `${lang}-${path.split('/').pop()}`)
        }
        await context.close()
      }
    }
    assert.deepEqual(faults, [], `cells that do not fit:\n${faults.join('\n')}`)
  })

  it('2. the column picker hides a column, and it stays hidden after a reload', LIMIT, async () => {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } })
    await context.addInitScript(() => window.localStorage.setItem('lang', 'en'))
    const page = await context.newPage()
    page.setDefaultTimeout(15_000)
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/permission/user')
    const headers = async () => (await page.locator('.app-main .el-table__header th').allInnerTexts()).map((h) => h.trim()).filter(Boolean)
    assert.ok((await headers()).includes('E-mail'), `columns: ${await headers()}`)

    await page.locator('.app-main .right-toolbar .column-picker').click()
    const panel = page.locator('.column-picker-panel:visible')
    await panel.waitFor()
    await panel.locator('.el-checkbox', { hasText: 'E-mail' }).click()
    await page.locator('.app-main .el-table__header th', { hasText: 'E-mail' }).waitFor({ state: 'detached' })
    assert.ok(!(await headers()).includes('E-mail'), `hidden: ${await headers()}`)
    await shot(page, 'column-hidden')

    await page.reload()
    await page.locator('.app-main .el-table__body-wrapper tr.el-table__row').first().waitFor()
    const after = await headers()
    assert.ok(!after.includes('E-mail'), `still hidden after a reload: ${after}`)
    assert.ok(after.includes('Username'), `the others stay: ${after}`)

    // shown again, also for good
    await page.locator('.app-main .right-toolbar .column-picker').click()
    await page.locator('.column-picker-panel:visible .el-checkbox', { hasText: 'E-mail' }).click()
    await page.locator('.app-main .el-table__header th', { hasText: 'E-mail' }).waitFor()
    await context.close()
  })
})
