import { describe, it, expect, beforeEach, vi } from 'vitest'

// The router is replaced by a stand-in whose current route we control; the message toast is
// spied on. The HTTP transport is faked through axios' adapter, so the real interceptors run.
const fakeRouter = vi.hoisted(() => ({
  currentRoute: { value: { fullPath: '/', path: '/', matched: [] } },
  replace: vi.fn(() => Promise.resolve())
}))
vi.mock('@/router', () => ({ default: fakeRouter }))
vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))

import { ElMessage } from 'element-plus'
import service, { formatDetail, parseRetryAfter } from '@/utils/request'
import { getToken, setToken, removeToken } from '@/utils/auth'
import { setLocale } from '@/locales'

function at(fullPath) {
  fakeRouter.currentRoute.value = { fullPath, path: fullPath.split('?')[0], matched: [{ path: fullPath }] }
}

/** Answer every request with `status`, `data` and `headers`, recording the request configs. */
function respond(status, data, headers = {}) {
  const seen = []
  service.defaults.adapter = (config) => {
    seen.push(config)
    const response = { data, status, statusText: String(status), headers, config, request: {} }
    return new Promise((resolve, reject) => {
      if (config.validateStatus(status)) resolve(response)
      else {
        const err = new Error(`Request failed with status code ${status}`)
        err.config = config
        err.response = response
        err.isAxiosError = true
        reject(err)
      }
    })
  }
  return seen
}

function lastMessage() {
  const calls = ElMessage.mock.calls
  return calls.length ? calls[calls.length - 1][0].message : undefined
}

describe('request interceptors', () => {
  beforeEach(() => {
    ElMessage.mockClear()
    fakeRouter.replace.mockClear()
    removeToken()
    setLocale('en')
    at('/index')
  })

  it('sends the token as a bearer header and unwraps the body', async () => {
    setToken('abc.def.ghi')
    const seen = respond(200, { id: 1, username: 'admin' })
    const data = await service.get('/user/info')
    expect(data).toEqual({ id: 1, username: 'admin' })
    expect(seen[0].headers.Authorization).toBe('Bearer abc.def.ghi')
    expect(seen[0].baseURL).toBe('/api/v1')
  })

  it('sends no Authorization header without a token', async () => {
    const seen = respond(200, {})
    await service.get('/health')
    expect(seen[0].headers.Authorization).toBeUndefined()
  })

  it('on 401 clears the token and redirects to the login page with the current full path', async () => {
    setToken('expired')
    at('/permission/user?page=2&size=20')
    respond(401, { detail: 'Token expired', code: 'token_invalid' })
    await expect(service.get('/permission/user')).rejects.toMatchObject({ status: 401 })
    expect(getToken()).toBeUndefined()
    expect(fakeRouter.replace).toHaveBeenCalledWith({
      path: '/login',
      query: { redirect: '/permission/user?page=2&size=20' }
    })
    expect(lastMessage()).toMatch(/session has expired/i)
  })

  it('on 401 before the first page has loaded uses the address bar for the redirect', async () => {
    setToken('expired')
    fakeRouter.currentRoute.value = { fullPath: '/', path: '/', matched: [] }
    window.history.replaceState(null, '', '/log/login?username=bob')
    respond(401, { detail: 'Not authenticated' })
    await expect(service.get('/user/info')).rejects.toBeTruthy()
    expect(fakeRouter.replace).toHaveBeenCalledWith({ path: '/login', query: { redirect: '/log/login?username=bob' } })
    window.history.replaceState(null, '', '/')
  })

  it('on 401 from the login form shows the reason instead of redirecting', async () => {
    at('/login?redirect=/index')
    respond(401, { detail: 'Incorrect username or password', code: 'bad_credentials' })
    await expect(service.post('/user/login', 'username=a&password=b')).rejects.toBeTruthy()
    expect(fakeRouter.replace).not.toHaveBeenCalled()
    expect(lastMessage()).toBe('Incorrect username or password')
  })

  it('on 403 shows the server detail and keeps the session', async () => {
    setToken('valid')
    respond(403, { detail: 'Missing permission perm:user:delete', code: 'forbidden' })
    await expect(service.delete('/permission/user/3')).rejects.toMatchObject({ status: 403, apiCode: 'forbidden' })
    expect(lastMessage()).toBe('Missing permission perm:user:delete')
    expect(getToken()).toBe('valid')
    expect(fakeRouter.replace).not.toHaveBeenCalled()
  })

  it('on 403 privilege_exceeded says so in the user\'s language', async () => {
    setToken('valid')
    respond(403, { detail: 'you may grant only roles whose permissions you hold yourself', code: 'privilege_exceeded' })
    await expect(service.put('/permission/user/3/roles', { role_ids: [1] })).rejects.toMatchObject({ status: 403, apiCode: 'privilege_exceeded' })
    expect(lastMessage()).toBe('You can grant only the roles, permissions and menus you hold yourself')
    setLocale('zh-CN')
    respond(403, { detail: 'you may grant only roles whose permissions you hold yourself', code: 'privilege_exceeded' })
    await expect(service.put('/permission/user/3/roles', { role_ids: [1] })).rejects.toBeTruthy()
    expect(lastMessage()).toBe('只能授予您自己拥有的角色、权限和菜单')
    setLocale('en')
    expect(getToken()).toBe('valid')
  })

  it('on 403 no_role stays quiet and lets the caller decide', async () => {
    setToken('valid')
    respond(403, { detail: 'User has no role', code: 'no_role' })
    await expect(service.get('/user/routers')).rejects.toMatchObject({ status: 403, apiCode: 'no_role' })
    expect(ElMessage).not.toHaveBeenCalled()
    expect(getToken()).toBe('valid')
  })

  it('on 429 says when to retry, from Retry-After', async () => {
    respond(429, { detail: 'Too many login attempts', code: 'rate_limited' }, { 'retry-after': '42' })
    await expect(service.post('/user/login', 'x')).rejects.toMatchObject({ status: 429 })
    expect(lastMessage()).toMatch(/42 seconds/)

    setLocale('zh-CN')
    respond(429, { detail: 'slow down' }, { 'retry-after': '7' })
    await expect(service.post('/user/login', 'x')).rejects.toBeTruthy()
    expect(lastMessage()).toContain('7 秒')
  })

  it('on 429 without Retry-After still says to retry later', async () => {
    respond(429, { detail: 'slow down' })
    await expect(service.get('/x')).rejects.toBeTruthy()
    expect(lastMessage()).toMatch(/retry later/i)
  })

  it('on 422 shows the first validation messages with their fields', async () => {
    respond(422, {
      detail: 'value is not a valid email address; String should have at least 6 characters',
      code: 'validation_error',
      errors: [
        { loc: ['body', 'email'], msg: 'value is not a valid email address', type: 'value_error' },
        { loc: ['body', 'password'], msg: 'String should have at least 6 characters', type: 'string_too_short' }
      ]
    })
    await expect(service.post('/permission/user', {})).rejects.toBeTruthy()
    expect(lastMessage()).toBe('email: value is not a valid email address; password: String should have at least 6 characters')
  })

  it('asks the API for the dashboard\'s language', async () => {
    const seen = respond(200, {})
    await service.get('/user/info')
    expect(seen[0].headers['Accept-Language']).toBe('en')
    setLocale('zh-CN')
    await service.get('/user/info')
    expect(seen[1].headers['Accept-Language']).toBe('zh-CN')
    setLocale('en')
  })

  it('on 422 shows the API\'s localized sentences without naming the field twice', async () => {
    respond(422, {
      detail: 'email 为必填项',
      errors: [{ loc: ['body', 'email'], msg: 'email 为必填项', type: 'missing' }],
      code: 'validation_error'
    })
    await expect(service.post('/permission/user', {})).rejects.toBeTruthy()
    expect(lastMessage()).toBe('email 为必填项')
  })

  it('on other errors shows detail, or a generic text by status', async () => {
    respond(409, { detail: 'Username already exists', code: 'user_exists' })
    await expect(service.post('/permission/user', {})).rejects.toMatchObject({ apiCode: 'user_exists' })
    expect(lastMessage()).toBe('Username already exists')

    respond(500, '<html>oops</html>')
    await expect(service.get('/x')).rejects.toBeTruthy()
    expect(lastMessage()).toBe('Server error (500)')
  })

  it('stays silent when the request asks for it', async () => {
    respond(404, { detail: 'Not Found' })
    await expect(service.get('/system/dict/sys_yes_no', { silent: true })).rejects.toBeTruthy()
    expect(ElMessage).not.toHaveBeenCalled()
  })
})

describe('helpers', () => {
  it('parseRetryAfter reads seconds and HTTP dates', () => {
    expect(parseRetryAfter('120')).toBe(120)
    const now = Date.parse('2024-01-01T00:00:00Z')
    expect(parseRetryAfter('Mon, 01 Jan 2024 00:01:30 GMT', now)).toBe(90)
    expect(parseRetryAfter(undefined)).toBeNull()
    expect(parseRetryAfter('soon')).toBeNull()
  })

  it('formatDetail caps long validation lists', () => {
    const detail = Array.from({ length: 5 }, (_, i) => ({ loc: ['query', `f${i}`], msg: 'bad' }))
    expect(formatDetail(detail)).toBe('f0: bad; f1: bad; f2: bad (+2)')
  })
})
