// End-to-end harness: the real backend (embedded profile, fresh SQLite database in a temp dir)
// serving the built dashboard, driven by Debian's Chromium through playwright-core.
//
// It builds nothing: `frontend/dist` must exist (`npm run build`, which `make` runs first).
// Environment knobs: CHROMIUM (default /usr/bin/chromium), E2E_FVA (default ../.venv/bin/fva).
import { spawn, spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { chromium } from 'playwright-core'

export const FRONTEND = resolve(fileURLToPath(new URL('..', import.meta.url)))
export const REPO = resolve(FRONTEND, '..')
export const DIST = join(FRONTEND, 'dist')
export const SCREENSHOTS = join(FRONTEND, 'e2e', 'screenshots')
const FVA = process.env.E2E_FVA || join(REPO, '.venv', 'bin', 'fva')
const CHROMIUM = process.env.CHROMIUM || '/usr/bin/chromium'

export const DESKTOP = { width: 1280, height: 800 }
export const PHONE = { width: 375, height: 812 }

function freePort() {
  return new Promise((done, fail) => {
    const server = createServer()
    server.unref()
    server.on('error', fail)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address()
      server.close(() => done(port))
    })
  })
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms))

// Every process group started here, so a crash or Ctrl-C still stops the server.
const groups = new Set()
function killGroup(pid, signal = 'SIGTERM') {
  try {
    process.kill(-pid, signal)
  } catch {
    /* already gone */
  }
}
process.on('exit', () => groups.forEach((pid) => killGroup(pid, 'SIGKILL')))
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, () => {
    groups.forEach((pid) => killGroup(pid, 'SIGKILL'))
    process.exit(130)
  })
}

/** Every list page of the dashboard (the backup page has no list). */
export const LIST_PAGES = [
  '/permission/user',
  '/permission/role',
  '/permission/menu',
  '/permission/label',
  '/log/login',
  '/log/operation',
  '/system/config',
  '/system/dict',
  '/system/job',
  '/system/job-log',
  '/system/dept',
  '/system/post',
  '/monitor/online',
  '/business/reg-code'
]
/** The widths every page must fit (issue 20). */
export const WIDTHS = [1280, 1440]

/**
 * Start `fva serve` on a free port with a fresh database, after `fva init`.
 * `scheduler: true` runs the job scheduler (off by default: no job fires behind a test's back).
 * `env`: further `APP_*` settings of this run (`{ APP_ACCESS_TOKEN_MINUTES: '1' }`).
 * Answers `{ url, api, outbox, dir, stop() }`; `stop()` ends the server's process group.
 */
export async function startBackend({ scheduler = false, seedLanguage = 'zh-CN', env: extra = {} } = {}) {
  if (!existsSync(join(DIST, 'index.html'))) throw new Error(`no built dashboard at ${DIST}: run npm run build first`)
  if (!existsSync(FVA)) throw new Error(`no backend at ${FVA}: run make install first`)
  const dir = mkdtempSync(join(tmpdir(), 'fva-e2e-'))
  const port = await freePort()
  const url = `http://127.0.0.1:${port}`
  const outbox = join(dir, 'outbox')
  const env = {}
  // Only this run's settings: an APP_* variable of the calling shell must not leak in.
  for (const [key, value] of Object.entries(process.env)) if (!key.startsWith('APP_')) env[key] = value
  Object.assign(env, {
    APP_ENV: 'development',
    APP_DATABASE_URL: `sqlite:///${join(dir, 'app.db')}`,
    APP_OUTBOX_DIR: outbox,
    APP_FRONTEND_DIST: DIST,
    APP_FRONTEND_URL: url,
    APP_SCHEDULER_ENABLED: scheduler ? 'true' : 'false',
    APP_LOG_LEVEL: 'WARNING',
    APP_SEED_LANGUAGE: seedLanguage,
    ...extra
  })

  const init = spawnSync(FVA, ['init'], { cwd: REPO, env, encoding: 'utf8', timeout: 120_000 })
  if (init.status !== 0) {
    rmSync(dir, { recursive: true, force: true })
    throw new Error(`fva init failed (${init.status}):\n${init.stdout}\n${init.stderr}`)
  }

  const log = []
  const child = spawn(FVA, ['serve', '--host', '127.0.0.1', '--port', String(port)], {
    cwd: REPO,
    env,
    detached: true, // its own process group: stop() kills uvicorn and anything it started
    stdio: ['ignore', 'pipe', 'pipe']
  })
  groups.add(child.pid)
  const keep = (chunk) => {
    log.push(chunk.toString())
    if (log.length > 200) log.shift()
  }
  child.stdout.on('data', keep)
  child.stderr.on('data', keep)
  let exited = null
  child.on('exit', (code, signal) => {
    exited = { code, signal }
  })

  async function stop() {
    if (!groups.has(child.pid)) return
    groups.delete(child.pid)
    if (!exited) {
      killGroup(child.pid, 'SIGTERM')
      for (let i = 0; i < 50 && !exited; i += 1) await sleep(100)
      if (!exited) killGroup(child.pid, 'SIGKILL')
    }
    rmSync(dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + 60_000
  for (;;) {
    if (exited) {
      await stop()
      throw new Error(`fva serve exited (${JSON.stringify(exited)}):\n${log.join('')}`)
    }
    try {
      const res = await fetch(`${url}/api/v1/health`)
      if (res.ok) break
    } catch {
      /* not listening yet */
    }
    if (Date.now() > deadline) {
      await stop()
      throw new Error(`fva serve did not answer /api/v1/health within 60 s:\n${log.join('')}`)
    }
    await sleep(150)
  }
  return { url, api: `${url}/api/v1`, outbox, dir, stop, log: () => log.join('') }
}

/** Chromium with a fresh, empty profile; `newContext` gives each scenario its own cookies. */
export async function launchBrowser() {
  if (!existsSync(CHROMIUM)) throw new Error(`no Chromium at ${CHROMIUM} (apt-get install chromium)`)
  const profile = mkdtempSync(join(tmpdir(), 'fva-e2e-chromium-'))
  const persistent = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-quic',
      '--no-first-run',
      '--disable-component-update',
      '--disable-sync'
    ]
  })
  const browser = persistent.browser()
  return {
    browser,
    async newContext(options = {}) {
      return browser.newContext({ viewport: DESKTOP, locale: 'en-US', timezoneId: 'UTC', ...options })
    },
    async close() {
      await persistent.close().catch(() => {})
      rmSync(profile, { recursive: true, force: true })
    }
  }
}

// ---------------------------------------------------------------- API helpers (node fetch)

export async function apiLogin(api, username, password) {
  const res = await fetch(`${api}/user/login`, {
    method: 'POST',
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ username, password })
  })
  if (!res.ok) throw new Error(`login ${username}: ${res.status} ${await res.text()}`)
  return (await res.json()).access_token
}

export async function apiCall(api, token, method, path, body) {
  const res = await fetch(`${api}${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}`, ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined
  })
  const text = await res.text()
  const data = text ? JSON.parse(text) : null
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${text}`)
  return data
}

// ---------------------------------------------------------------- page helpers

let shotCount = 0
/** A full-page screenshot under e2e/screenshots/, numbered in the order taken. */
export async function screenshot(page, name) {
  mkdirSync(SCREENSHOTS, { recursive: true })
  shotCount += 1
  const file = join(SCREENSHOTS, `${String(shotCount).padStart(2, '0')}-${name}.png`)
  // Let Element Plus finish its entrance transitions so the picture shows the settled page.
  await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
  await page.screenshot({ path: file, fullPage: true, animations: 'disabled' })
  return file
}

/** Remove the screenshots of the previous run (only the numbered ones this harness writes). */
export function clearScreenshots() {
  if (!existsSync(SCREENSHOTS)) return
  for (const name of readdirSync(SCREENSHOTS)) {
    if (/^\d\d-.*\.png$/.test(name)) rmSync(join(SCREENSHOTS, name), { force: true })
  }
}

/**
 * Screenshots of one test file, named `<prefix>-NN-<name>.png` with their own numbering, so files
 * run one after another do not mix their pictures. Clears that prefix's pictures of the last run.
 */
export function screenshotSeries(prefix) {
  const pattern = new RegExp(`^${prefix.replace(/[^A-Za-z0-9_]/g, '\\$&')}-\\d\\d-.*\\.png$`)
  if (existsSync(SCREENSHOTS)) {
    for (const name of readdirSync(SCREENSHOTS)) if (pattern.test(name)) rmSync(join(SCREENSHOTS, name), { force: true })
  }
  let count = 0
  return async function shot(page, name) {
    mkdirSync(SCREENSHOTS, { recursive: true })
    count += 1
    const file = join(SCREENSHOTS, `${prefix}-${String(count).padStart(2, '0')}-${name}.png`)
    await page.waitForLoadState('networkidle', { timeout: 5000 }).catch(() => {})
    await page.screenshot({ path: file, fullPage: true, animations: 'disabled' })
    return file
  }
}

/** Sign in through the login page and wait for the dashboard shell. */
export async function uiLogin(page, url, username, password, { expect = 'layout' } = {}) {
  await page.goto(`${url}/login`)
  await page.locator('input[name="username"]').fill(username)
  await page.locator('input[name="password"]').fill(password)
  await page.locator('.login-page button.auth-submit').click()
  if (expect === 'layout') await page.locator('.app-wrapper .sidebar-menu').waitFor()
}

/** Open a page of the dashboard and wait until its table has loaded. */
export async function openTablePage(page, url, path) {
  const listed = page.waitForResponse((r) => r.request().method() === 'GET' && /\/api\/v1\/(?!user\/|system\/dict\/)/.test(r.url()))
  await page.goto(`${url}${path}`)
  await listed
  await page.locator('.el-table').first().waitFor()
  await page.locator('.el-loading-mask').first().waitFor({ state: 'hidden' }).catch(() => {})
}

/** Texts of the visible buttons inside `scope` (a locator), trimmed, empty ones left out. */
export async function buttonTexts(scope) {
  const texts = await scope.locator('button:visible').allInnerTexts()
  return texts.map((t) => t.trim()).filter(Boolean)
}

// ---------------------------------------------------------------- the outbox

/** The newest `.eml` in the outbox (waiting for it up to `timeout` ms), parsed. */
export async function newestMail(outbox, { timeout = 10_000, after = 0 } = {}) {
  const deadline = Date.now() + timeout
  for (;;) {
    const files = existsSync(outbox) ? listFiles(outbox).filter((f) => f.endsWith('.eml')) : []
    const fresh = files.map((f) => ({ f, t: statSync(f).mtimeMs })).filter((x) => x.t >= after)
    if (fresh.length) {
      fresh.sort((a, b) => b.t - a.t)
      return parseMail(readFileSync(fresh[0].f, 'utf8'))
    }
    if (Date.now() > deadline) throw new Error(`no mail in ${outbox}`)
    await sleep(100)
  }
}

function listFiles(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const path = join(dir, name)
    if (statSync(path).isDirectory()) out.push(...listFiles(path))
    else out.push(path)
  }
  return out
}

function decodeBody(body, encoding) {
  const enc = (encoding || '').toLowerCase()
  if (enc === 'base64') return Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8')
  if (enc === 'quoted-printable') {
    const bytes = body
      .replace(/=\r?\n/g, '')
      .replace(/=([0-9A-Fa-f]{2})/g, (_, hex) => String.fromCharCode(parseInt(hex, 16)))
    return Buffer.from(bytes, 'latin1').toString('utf8')
  }
  return body
}

function splitHeaders(text) {
  const at = text.search(/\r?\n\r?\n/)
  const head = at < 0 ? text : text.slice(0, at)
  const body = at < 0 ? '' : text.slice(at).replace(/^\r?\n\r?\n/, '')
  const headers = {}
  for (const line of head.replace(/\r?\n[ \t]+/g, ' ').split(/\r?\n/)) {
    const i = line.indexOf(':')
    if (i > 0) headers[line.slice(0, i).trim().toLowerCase()] = line.slice(i + 1).trim()
  }
  return { headers, body }
}

/** A MIME message as `{ headers, text }`: every text part decoded and joined. */
export function parseMail(raw) {
  const { headers, body } = splitHeaders(raw)
  const parts = []
  const walk = (hdrs, content) => {
    const type = hdrs['content-type'] || 'text/plain'
    const boundary = /boundary="?([^";]+)"?/i.exec(type)
    if (/^multipart\//i.test(type) && boundary) {
      for (const chunk of content.split(`--${boundary[1]}`).slice(1)) {
        if (chunk.startsWith('--')) break
        const sub = splitHeaders(chunk.replace(/^\r?\n/, ''))
        walk(sub.headers, sub.body)
      }
    } else if (/^text\//i.test(type)) {
      parts.push(decodeBody(content, hdrs['content-transfer-encoding']))
    }
  }
  walk(headers, body)
  return { headers, text: parts.join('\n') }
}
