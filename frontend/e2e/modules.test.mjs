// Scheduled jobs and spreadsheet reports in a real browser against the real backend (see
// setup.mjs), here with the job scheduler running.
// Run: npm run build && npm run e2e   (screenshots land in e2e/screenshots/modules-NN-*.png)
import { after, before, describe, it } from 'node:test'
import assert from 'node:assert/strict'
import { spawnSync } from 'node:child_process'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import { inflateRawSync } from 'node:zlib'
import { REPO, apiCall, apiLogin, launchBrowser, openTablePage, screenshotSeries, startBackend, uiLogin } from './setup.mjs'

const ADMIN = ['admin', 'admin123']
// The interpreter beside the backend's `fva` (E2E_FVA points at another checkout's venv from a worktree).
const PYTHON = process.env.E2E_PYTHON || join(process.env.E2E_FVA ? dirname(process.env.E2E_FVA) : join(REPO, '.venv', 'bin'), 'python')
const LIMIT = { timeout: 90_000 }
// Unique per run, so a name or code never meets one of another run (or a seeded one).
const TAG = Date.now().toString(36).toUpperCase()

let backend
let browser
let adminToken
let files // temp dir for downloads and generated spreadsheets
let shot
const contexts = []

async function newPage() {
  const context = await browser.newContext({ acceptDownloads: true })
  await context.addInitScript(() => window.localStorage.setItem('lang', 'en'))
  contexts.push(context)
  const page = await context.newPage()
  page.setDefaultTimeout(15_000)
  return page
}

const tableRow = (scope, text) => scope.locator('.el-table__body-wrapper tr.el-table__row', { hasText: text })
const visibleOption = (page, text) => page.locator('.el-select-dropdown__item:visible').filter({ hasText: text })
const apiPath = (response) => new URL(response.url()).pathname.replace(/^\/api\/v1/, '')

async function confirmMessageBox(page) {
  const box = page.locator('.el-message-box')
  await box.waitFor()
  await box.locator('.el-message-box__btns .el-button--primary').click()
  await box.waitFor({ state: 'hidden' })
}

/** Label → text of an Element Plus `el-descriptions` (bordered) inside `scope`. */
function descriptions(scope) {
  return scope.locator('.el-descriptions').evaluate((root) => {
    const out = {}
    for (const label of root.querySelectorAll('.el-descriptions__label')) {
      const content = label.nextElementSibling
      if (content) out[label.textContent.trim()] = content.textContent.trim()
    }
    return out
  })
}

/**
 * Poll `read()` until `done(value)`, running `refresh()` (which must wait for its own request)
 * between reads; explicit short waits only, up to `timeout` ms. Answers the last value.
 */
async function pollUntil(read, done, refresh, { timeout = 20_000, what = 'condition' } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; last: ${JSON.stringify(value)}`)
    await new Promise((r) => setTimeout(r, 250))
    await refresh()
  }
}

// ---------------------------------------------------------------- xlsx without a dependency

/** The entries of a zip archive (central directory; stored or deflated) as name → Buffer. */
function unzip(buffer) {
  let eocd = -1
  for (let i = buffer.length - 22; i >= Math.max(0, buffer.length - 22 - 65_535); i -= 1) {
    if (buffer.readUInt32LE(i) === 0x06054b50) {
      eocd = i
      break
    }
  }
  if (eocd < 0) throw new Error('not a zip archive (no end of central directory)')
  const count = buffer.readUInt16LE(eocd + 10)
  let at = buffer.readUInt32LE(eocd + 16)
  const entries = new Map()
  for (let n = 0; n < count; n += 1) {
    if (buffer.readUInt32LE(at) !== 0x02014b50) throw new Error(`bad central directory entry at ${at}`)
    const method = buffer.readUInt16LE(at + 10)
    const size = buffer.readUInt32LE(at + 20)
    const nameLength = buffer.readUInt16LE(at + 28)
    const extraLength = buffer.readUInt16LE(at + 30)
    const commentLength = buffer.readUInt16LE(at + 32)
    const local = buffer.readUInt32LE(at + 42)
    const name = buffer.toString('utf8', at + 46, at + 46 + nameLength)
    if (buffer.readUInt32LE(local) !== 0x04034b50) throw new Error(`bad local header of ${name}`)
    const start = local + 30 + buffer.readUInt16LE(local + 26) + buffer.readUInt16LE(local + 28)
    const raw = buffer.subarray(start, start + size)
    if (method === 0) entries.set(name, raw)
    else if (method === 8) entries.set(name, inflateRawSync(raw))
    else throw new Error(`${name}: compression method ${method} not supported`)
    at += 46 + nameLength + extraLength + commentLength
  }
  return entries
}

const unescapeXml = (text) =>
  text.replace(/&(#x[0-9a-f]+|#\d+|amp|lt|gt|quot|apos);/gi, (_, e) => {
    if (e[0] === '#') return String.fromCodePoint(e[1].toLowerCase() === 'x' ? parseInt(e.slice(2), 16) : parseInt(e.slice(1), 10))
    return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[e.toLowerCase()]
  })
const texts = (xml) => [...xml.matchAll(/<t\b[^>]*>([\s\S]*?)<\/t>/g)].map((m) => unescapeXml(m[1])).join('')

function columnIndex(ref) {
  let n = 0
  for (const ch of /^[A-Z]+/.exec(ref)[0]) n = n * 26 + ch.charCodeAt(0) - 64
  return n - 1
}

/** The cells of the first sheet of an .xlsx as rows of strings (inline or shared strings, values). */
function readSheet(path) {
  const zip = unzip(readFileSync(path))
  const sheet = zip.get('xl/worksheets/sheet1.xml')
  if (!sheet) throw new Error(`${path}: no xl/worksheets/sheet1.xml in ${[...zip.keys()]}`)
  const shared = zip.has('xl/sharedStrings.xml')
    ? [...zip.get('xl/sharedStrings.xml').toString('utf8').matchAll(/<si>([\s\S]*?)<\/si>/g)].map((m) => texts(m[1]))
    : []
  const rows = []
  for (const row of sheet.toString('utf8').matchAll(/<row\b[^>]*>([\s\S]*?)<\/row>/g)) {
    const cells = []
    for (const cell of row[1].matchAll(/<c\b([^>]*?)(?:\/>|>([\s\S]*?)<\/c>)/g)) {
      const ref = /\br="([A-Z]+)\d+"/.exec(cell[1])
      const type = (/\bt="(\w+)"/.exec(cell[1]) || [])[1] || 'n'
      const body = cell[2] || ''
      const v = /<v>([\s\S]*?)<\/v>/.exec(body)
      let value = ''
      if (type === 'inlineStr') value = texts(body)
      else if (type === 's') value = shared[Number(v[1])]
      else if (v) value = unescapeXml(v[1])
      cells[ref ? columnIndex(ref[1]) : cells.length] = value
    }
    rows.push(Array.from(cells, (c) => c ?? ''))
  }
  return rows
}

/** Rows of a sheet as objects keyed by its header row. */
function sheetRecords(rows) {
  const [header, ...data] = rows
  return data.map((r) => Object.fromEntries(header.map((h, i) => [h, r[i] ?? ''])))
}

/** The template with its example rows replaced by `rows`, written by openpyxl (the backend's own). */
function fillTemplate(template, target, rows) {
  const script = [
    'import json, sys',
    'import openpyxl',
    'src, dst, rows = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])',
    'wb = openpyxl.load_workbook(src)',
    'ws = wb.active',
    'ws.delete_rows(2, ws.max_row)',
    'for row in rows:',
    '    ws.append(row)',
    'wb.save(dst)'
  ].join('\n')
  const run = spawnSync(PYTHON, ['-c', script, template, target, JSON.stringify(rows)], { encoding: 'utf8', timeout: 30_000 })
  if (run.status !== 0) throw new Error(`openpyxl failed (${run.status}): ${run.error ? `${PYTHON}: ${run.error.message}` : run.stderr}`)
  return target
}

/** Click `trigger` and save the download it starts under the temp dir; answers `{ path, name }`. */
async function download(page, trigger, as) {
  const [file] = await Promise.all([page.waitForEvent('download'), trigger.click()])
  const failure = await file.failure()
  assert.equal(failure, null, `download ${file.suggestedFilename()} failed: ${failure}`)
  const path = join(files, as)
  await file.saveAs(path)
  return { path, name: file.suggestedFilename() }
}

before(async () => {
  shot = screenshotSeries('modules')
  files = mkdtempSync(join(tmpdir(), 'fva-e2e-files-'))
  backend = await startBackend({ scheduler: true })
  browser = await launchBrowser()
  adminToken = await apiLogin(backend.api, ...ADMIN)
}, { timeout: 120_000 })

after(async () => {
  for (const context of contexts) await context.close().catch(() => {})
  if (browser) await browser.close()
  if (backend) await backend.stop()
  if (files) rmSync(files, { recursive: true, force: true })
}, { timeout: 30_000 })

describe('modules end to end', () => {
  it('1. a job created in the page, run now: its manual run succeeds and shows its output', LIMIT, async () => {
    const JOB = `e2e job ${TAG}`
    const MESSAGE = `hello from e2e ${TAG}`
    const CRON = '0 3 * * *'
    const scripts = await apiCall(backend.api, adminToken, 'GET', '/system/job/scripts')
    const demo = scripts.find((s) => s.name === 'demo')
    assert.ok(demo, `a demo script: ${scripts.map((s) => s.name)}`)
    assert.deepEqual(demo.params.map((p) => p.name), ['message', 'seconds', 'fail'])
    const expected = await apiCall(backend.api, adminToken, 'GET', `/system/job/cron/next?expr=${encodeURIComponent(CRON)}`)
    // the browser runs in UTC: the page shows each instant as YYYY-MM-DD HH:mm:ss
    const shownTimes = expected.next_fire_times.map((t) => new Date(t).toISOString().replace('T', ' ').slice(0, 19))

    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/system/job')
    await shot(page, 'jobs')

    // ---- the form: script, arguments, cron with its preview
    await page.locator('.add-job').click()
    const dialog = page.getByRole('dialog', { name: 'Add job' })
    await dialog.waitFor()
    await dialog.locator('.job-name input').fill(JOB)
    await dialog.locator('.job-script').click()
    await visibleOption(page, /^\s*demo\b/).click()
    await dialog.locator('.script-info').waitFor()
    assert.equal((await dialog.locator('.script-signature').innerText()).trim(), `demo${demo.signature}`)
    // choosing the script filled in its defaults; give our own
    assert.match(await dialog.locator('.job-kwargs textarea').inputValue(), /"seconds"/)
    await dialog.locator('.job-args textarea').fill('[]')
    await dialog.locator('.job-kwargs textarea').fill(JSON.stringify({ message: MESSAGE, seconds: 0.2 }, null, 2))
    await dialog.locator('.job-cron input').fill(CRON)
    const preview = dialog.locator('.cron-preview li')
    await preview.nth(4).waitFor()
    assert.deepEqual((await preview.allInnerTexts()).map((t) => t.trim()), shownTimes, 'five next fire times, as the API computes them')
    await dialog.locator('.el-radio', { hasText: 'Running' }).click()
    assert.equal(await dialog.locator('.el-form-item__error').count(), 0, 'no field complains')
    await shot(page, 'job-form')

    const created = page.waitForResponse((r) => apiPath(r) === '/system/job' && r.request().method() === 'POST')
    await dialog.locator('.job-submit').click()
    const createdRes = await created
    assert.equal(createdRes.status(), 201, await createdRes.text())
    const jobId = (await createdRes.json()).id
    await dialog.waitFor({ state: 'hidden' })
    const job = await apiCall(backend.api, adminToken, 'GET', `/system/job/${jobId}`)
    assert.equal(job.script, 'demo')
    assert.deepEqual(job.args, [])
    assert.deepEqual(job.kwargs, { message: MESSAGE, seconds: 0.2 })
    assert.equal(job.cron, CRON)
    assert.equal(job.status, 'running')

    const row = tableRow(page, JOB)
    await row.waitFor()
    assert.match(await row.innerText(), /demo[\s\S]*"seconds":0\.2[\s\S]*0 3 \* \* \*/)
    // running on the schedule: the next fire is the first time the preview showed
    await row.locator('.next-fire', { hasText: shownTimes[0] }).waitFor()
    await shot(page, 'job-created')

    // ---- run now
    await row.locator('.run-job').click()
    const ran = page.waitForResponse((r) => apiPath(r) === `/system/job/${jobId}/run` && r.request().method() === 'POST')
    await confirmMessageBox(page)
    const ranRes = await ran
    assert.equal(ranRes.status(), 202)
    const logId = (await ranRes.json()).log_id
    assert.ok(Number.isInteger(logId), `a log id: ${logId}`)
    const alert = page.locator('.run-started')
    await alert.filter({ hasText: `run #${logId}` }).waitFor()
    await shot(page, 'job-run-started')

    // ---- the "view run" link: the job-log page opens that run's detail
    await alert.locator('.run-log-link').click()
    await page.waitForURL((u) => u.pathname === '/system/job-log' && u.searchParams.get('log_id') === String(logId))
    const detail = page.getByRole('dialog', { name: 'Run detail' })
    await detail.locator('.el-descriptions').waitFor()
    const info = await pollUntil(
      () => descriptions(detail),
      (d) => d.ID === String(logId) && d.Result && d.Result !== 'Running',
      async () => {
        const fetched = page.waitForResponse((r) => apiPath(r) === `/system/job-log/${logId}`)
        await detail.getByRole('button', { name: 'Refresh' }).click()
        await fetched
      },
      { what: `run #${logId} to finish` }
    )
    assert.equal(info.Result, 'Success', `the run's detail: ${JSON.stringify(info)}`)
    assert.equal(info.Trigger, 'Manual')
    assert.equal(info['Job name'], `${JOB} #${jobId}`)
    assert.equal(info.Script, 'demo')
    const output = await detail.locator('.log-output').innerText()
    assert.ok(output.includes(`${JOB}: ${MESSAGE}`), `the echo in the output: ${output}`)
    assert.ok(output.includes('slept 0.2 s'), `the result in the output: ${output}`)
    assert.equal(await detail.locator('.log-error').count(), 0, 'no error block')
    await shot(page, 'job-run-detail')
    await detail.getByRole('button', { name: 'Close', exact: true }).click()
    await detail.waitFor({ state: 'hidden' })

    // ---- the job's runs, from its "Logs" button: exactly this manual run, a success
    await openTablePage(page, backend.url, '/system/job')
    const listed = page.waitForResponse((r) => apiPath(r) === '/system/job-log' && new URL(r.url()).searchParams.get('job_id') === String(jobId))
    await tableRow(page, JOB).locator('.job-logs').click()
    await page.waitForURL((u) => u.pathname === '/system/job-log' && u.searchParams.get('job_id') === String(jobId))
    await listed
    assert.equal((await page.locator('.job-filter').innerText()).trim(), JOB)
    const runs = page.locator('.job-log-table .el-table__body-wrapper tr.el-table__row')
    const runRows = await pollUntil(
      () => runs.allInnerTexts(),
      (rows) => rows.length === 1 && /Success/.test(rows[0]),
      async () => {
        const again = page.waitForResponse((r) => apiPath(r) === '/system/job-log')
        await page.locator('.table-card .right-toolbar button').nth(1).click()
        await again
      },
      { what: 'the job-log list to show the run as a success' }
    )
    assert.match(runRows[0], new RegExp(`^${logId}\\b`), `the row is run #${logId}: ${runRows[0]}`)
    assert.ok(runRows[0].includes(JOB) && /\bManual\b/.test(runRows[0]) && /\bSuccess\b/.test(runRows[0]), runRows[0])
    await shot(page, 'job-logs-of-job')
  })

  it('2. reg codes: export follows the filter; template filled and imported; a bad row is reported', LIMIT, async () => {
    const batch = await apiCall(backend.api, adminToken, 'POST', '/business/reg-code', { count: 3, reg_times: 15, remark: `e2e ${TAG}` })
    const [active, ...inactive] = batch.items
    await apiCall(backend.api, adminToken, 'PUT', `/business/reg-code/${active.id}/activate`)
    const activeList = await apiCall(backend.api, adminToken, 'GET', '/business/reg-code?state=1&size=100')
    assert.deepEqual(activeList.items.map((c) => c.code), [active.code], 'the API: one active code')

    const page = await newPage()
    await uiLogin(page, backend.url, ...ADMIN)
    await openTablePage(page, backend.url, '/business/reg-code')
    for (const code of batch.items.map((c) => c.code)) await tableRow(page, code).waitFor()

    // ---- filter: state = Active, then Search
    await page.locator('.state-filter').click()
    await visibleOption(page, /^\s*Active\s*$/).click()
    const searched = page.waitForResponse((r) => apiPath(r) === '/business/reg-code' && new URL(r.url()).searchParams.get('state') === '1')
    await page.locator('.search-card').getByRole('button', { name: 'Search' }).click()
    await searched
    const rows = page.locator('.regcode-table .el-table__body-wrapper tr.el-table__row')
    await tableRow(page, inactive[0].code).waitFor({ state: 'detached' })
    assert.equal(await rows.count(), 1, 'one active code listed')
    assert.match(await rows.first().innerText(), new RegExp(`${active.code}[\\s\\S]*Active`))
    await shot(page, 'regcodes-active')

    // ---- export: the download holds exactly the filtered rows
    const exported = page.waitForResponse((r) => apiPath(r) === '/report/reg_codes/export')
    const sheet = await download(page, page.locator('.excel-export'), 'export.xlsx')
    const exportUrl = new URL((await exported).url())
    assert.equal(exportUrl.searchParams.get('state'), '1', `the export carries the filter: ${exportUrl.search}`)
    assert.match(sheet.name, /\.xlsx$/)
    const exportRows = readSheet(sheet.path)
    assert.ok(exportRows[0].includes('Code') && exportRows[0].includes('State'), `English headers: ${exportRows[0]}`)
    const records = sheetRecords(exportRows)
    assert.deepEqual(records.map((r) => r.Code), [active.code], `exactly the active code: ${JSON.stringify(records)}`)
    assert.equal(records[0].State, 'Active')
    assert.equal(records[0]['Days valid'], '15')
    assert.equal(records[0].ID, String(active.id))
    for (const code of inactive) assert.ok(!JSON.stringify(exportRows).includes(code.code), `${code.code} not exported`)

    // ---- back to every code; the template from the import dialog
    const reset = page.waitForResponse((r) => apiPath(r) === '/business/reg-code')
    await page.locator('.search-card').getByRole('button', { name: 'Reset' }).click()
    await reset
    await tableRow(page, inactive[0].code).waitFor()
    await page.locator('.excel-import').click()
    const dialog = page.getByRole('dialog', { name: 'Import Reg codes' })
    await dialog.waitFor()
    assert.match(await dialog.locator('.excel-columns').innerText(), /Code \*[\s\S]*Days valid \*[\s\S]*Remark/)
    const template = await download(page, dialog.locator('.excel-template-link'), 'template.xlsx')
    const templateRows = readSheet(template.path)
    assert.deepEqual(templateRows[0], ['Code', 'Days valid', 'Remark'], 'the template header row')
    assert.equal(templateRows.length, 2, 'a header and one example row')

    // ---- two new codes, written into the template by openpyxl, imported through the dialog
    const fresh = [`E2E-IMP-${TAG}-1`, `E2E-IMP-${TAG}-2`]
    const good = fillTemplate(template.path, join(files, 'two-codes.xlsx'), [
      [fresh[0], 10, 'imported one'],
      [fresh[1], 20, 'imported two']
    ])
    await dialog.locator('input.el-upload__input').setInputFiles(good)
    await dialog.locator('.el-upload-list__item', { hasText: 'two-codes.xlsx' }).waitFor()
    await shot(page, 'regcodes-import-dialog')
    const imported = page.waitForResponse((r) => apiPath(r) === '/report/reg_codes/import')
    await dialog.locator('.excel-submit').click()
    const importedRes = await imported
    assert.equal(importedRes.status(), 200, await importedRes.text())
    assert.equal((await importedRes.json()).count, 2)
    await page.locator('.el-message--success', { hasText: '2 rows imported' }).waitFor()
    await dialog.waitFor({ state: 'hidden' })
    for (const [i, code] of fresh.entries()) {
      const row = tableRow(page, code)
      await row.waitFor()
      assert.match(await row.innerText(), new RegExp(`${i === 0 ? 10 : 20}[\\s\\S]*Inactive[\\s\\S]*imported ${i === 0 ? 'one' : 'two'}`))
    }
    await shot(page, 'regcodes-imported')

    // ---- a file with a bad cell: nothing imported, the row and column listed
    const bad = fillTemplate(template.path, join(files, 'bad-row.xlsx'), [
      [`E2E-BAD-${TAG}-1`, 5, 'fine'],
      [`E2E-BAD-${TAG}-2`, 'abc', 'bad days']
    ])
    await page.locator('.excel-import').click()
    await dialog.waitFor()
    // the last file leaves the list (with Element Plus's fade-out); no file chosen, Import is off
    assert.ok(await dialog.locator('.excel-submit').isDisabled(), 'Import disabled until a file is chosen')
    await dialog.locator('.el-upload-list__item').waitFor({ state: 'detached' })
    await dialog.locator('input.el-upload__input').setInputFiles(bad)
    const refused = page.waitForResponse((r) => apiPath(r) === '/report/reg_codes/import')
    await dialog.locator('.excel-submit').click()
    assert.equal((await refused).status(), 422)
    await dialog.locator('.excel-error', { hasText: /Nothing was imported: 1 problems?\b/ }).waitFor()
    const errorRows = await dialog.locator('.excel-error-table .el-table__body-wrapper tr.el-table__row').allInnerTexts()
    assert.equal(errorRows.length, 1, `one problem: ${errorRows}`)
    const [rowNo, column, message] = errorRows[0].split(/\t|\n/).map((s) => s.trim()).filter(Boolean)
    assert.deepEqual([rowNo, column], ['3', 'Days valid'], `row 3 (the sheet's numbering), column Days valid: ${errorRows[0]}`)
    assert.match(message, /whole number/)
    assert.ok(await dialog.isVisible(), 'the dialog stays open')
    await shot(page, 'regcodes-import-errors')
    const everything = await apiCall(backend.api, adminToken, 'GET', '/business/reg-code?size=100')
    const codes = everything.items.map((c) => c.code)
    assert.equal(everything.total, 5, `3 generated + 2 imported: ${codes}`)
    assert.ok(!codes.some((c) => c.startsWith('E2E-BAD-')), 'all or nothing: the good row of the bad file was not imported either')
  })
})
