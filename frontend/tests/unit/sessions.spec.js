// Sessions in the HTTP client (docs/sessions.md, "Rotation"): the access token is renewed
// silently, once for every request that needs it (single flight), never a second time when
// another tab has just renewed (a refresh token presented twice ends the session), and a
// refused renewal signs the tab out with a message. The transport is faked through axios'
// adapter at the network boundary, so the real interceptors and cookies run.
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest'

const fakeRouter = vi.hoisted(() => ({
  currentRoute: { value: { fullPath: '/system/config', path: '/system/config', matched: [{}] } },
  replace: vi.fn(() => Promise.resolve())
}))
vi.mock('@/router', () => ({ default: fakeRouter }))
vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))

import { ElMessage } from 'element-plus'
import service from '@/utils/request'
import { getExpiry, getRefreshToken, getToken, removeToken, setTokens } from '@/utils/auth'
import { setLocale } from '@/locales'

const pair = (access, refresh, expiresIn = 1800) => ({ access_token: access, token_type: 'bearer', expires_in: expiresIn, refresh_token: refresh, refresh_expires_in: 86400 })

/**
 * A fake API whose valid access tokens are `valid`: a request with any other answers 401
 * token_expired; `/user/token/refresh` runs `refresh(body)` (answers `[status, data]`).
 */
function serve({ valid, refresh, before = () => {} }) {
  const calls = []
  service.defaults.adapter = async (config) => {
    const body = typeof config.data === 'string' && config.data.startsWith('{') ? JSON.parse(config.data) : config.data
    const auth = config.headers.Authorization || ''
    calls.push({ url: config.url, auth, body })
    await before(config)
    // Give the other requests of the batch the time to fail too before anything answers.
    await new Promise((r) => setTimeout(r, 5))
    let status = 200
    let data = { url: config.url }
    if (config.url === '/user/token/refresh') [status, data] = await refresh(body)
    else if (!valid.includes(auth.replace('Bearer ', ''))) [status, data] = [401, { detail: 'expired', code: 'token_expired' }]
    const response = { data, status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return response
    throw Object.assign(new Error(String(status)), { config, response, isAxiosError: true })
  }
  return calls
}

const refreshes = (calls) => calls.filter((c) => c.url === '/user/token/refresh')
const lastMessage = () => ElMessage.mock.calls.at(-1)?.[0].message

describe('silent renewal', () => {
  beforeEach(() => {
    setLocale('en')
    removeToken()
    ElMessage.mockClear()
    fakeRouter.replace.mockClear()
  })
  afterEach(() => {
    delete navigator.locks
    removeToken()
  })

  it('renews once when three requests fail with 401 token_expired, then retries all three', async () => {
    setTokens(pair('access-1', 'refresh-1'))
    const calls = serve({ valid: ['access-2'], refresh: () => [200, pair('access-2', 'refresh-2')] })
    const answers = await Promise.all(['/a', '/b', '/c'].map((url) => service.get(url)))
    expect(answers.map((a) => a.url)).toEqual(['/a', '/b', '/c'])
    expect(refreshes(calls)).toHaveLength(1)
    expect(refreshes(calls)[0].body).toEqual({ refresh_token: 'refresh-1' })
    expect(refreshes(calls)[0].auth).toBe('') // the refresh call carries no bearer token
    for (const url of ['/a', '/b', '/c']) {
      expect(calls.filter((c) => c.url === url).map((c) => c.auth)).toEqual(['Bearer access-1', 'Bearer access-2'])
    }
    expect(getToken()).toBe('access-2')
    expect(getRefreshToken()).toBe('refresh-2')
    expect(fakeRouter.replace).not.toHaveBeenCalled()
  })

  it('renews before sending when the token is about to expire, once for concurrent requests', async () => {
    setTokens(pair('access-1', 'refresh-1', 1800))
    // The expiry as written 29½ minutes ago: inside the renewal margin now.
    document.cookie = `Admin-Token-Expiry=${encodeURIComponent(JSON.stringify({ exp: Date.now() + 30000, at: Date.now() - 30000, remember: false }))}; path=/`
    const calls = serve({ valid: ['access-1', 'access-2'], refresh: () => [200, pair('access-2', 'refresh-2', 1800)] })
    await Promise.all([service.get('/a'), service.get('/b')])
    expect(refreshes(calls)).toHaveLength(1)
    expect(calls.filter((c) => c.url !== '/user/token/refresh').map((c) => c.auth)).toEqual(['Bearer access-2', 'Bearer access-2'])
    expect(getExpiry().at).toBeGreaterThan(Date.now())
  })

  it('takes the tokens another tab has just renewed instead of renewing again (401 path)', async () => {
    setTokens(pair('access-1', 'refresh-1'))
    let otherTabRenewed = false
    const calls = serve({
      valid: ['access-2'],
      refresh: () => [401, { code: 'refresh_reused' }],
      // While this tab's request is on the way, another tab renews the shared cookies.
      before: () => {
        if (!otherTabRenewed) setTokens(pair('access-2', 'refresh-2'))
        otherTabRenewed = true
      }
    })
    const answer = await service.get('/a')
    expect(answer.url).toBe('/a')
    expect(refreshes(calls)).toHaveLength(0)
    expect(calls.map((c) => c.auth)).toEqual(['Bearer access-1', 'Bearer access-2'])
  })

  it('takes the tokens another tab wrote while this one waited for the tabs\' lock', async () => {
    setTokens(pair('access-1', 'refresh-1'))
    // The other tab holds the lock and renews; this tab's turn comes after.
    navigator.locks = {
      request: async (_name, work) => {
        setTokens(pair('access-2', 'refresh-2'))
        return work()
      }
    }
    const calls = serve({ valid: ['access-2'], refresh: () => [401, { code: 'refresh_reused' }] })
    // The request fails on a token nobody has renewed yet as far as this tab saw.
    service.defaults.adapter = ((inner) => async (config) => {
      if (config.headers.Authorization === 'Bearer access-1') {
        const response = { data: { code: 'token_expired' }, status: 401, statusText: '', headers: {}, config, request: {} }
        // sent with access-1, which is still what the cookie holds when the 401 arrives
        throw Object.assign(new Error('401'), { config, response, isAxiosError: true })
      }
      return inner(config)
    })(service.defaults.adapter)
    const answer = await service.get('/a')
    expect(answer.url).toBe('/a')
    expect(refreshes(calls)).toHaveLength(0)
    expect(getRefreshToken()).toBe('refresh-2')
  })

  it('signs out to the login page with a message when the renewal is refused (refresh_reused)', async () => {
    setTokens(pair('access-1', 'refresh-1'))
    const calls = serve({ valid: [], refresh: () => [401, { detail: 'reused', code: 'refresh_reused' }] })
    const results = await Promise.allSettled(['/a', '/b', '/c'].map((url) => service.get(url)))
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'rejected'])
    expect(results[0].reason).toMatchObject({ status: 401, apiCode: 'refresh_reused' })
    expect(refreshes(calls)).toHaveLength(1)
    expect(getToken()).toBeUndefined()
    expect(getRefreshToken()).toBeUndefined()
    expect(fakeRouter.replace).toHaveBeenCalledWith({ path: '/login', query: { redirect: '/system/config' } })
    expect(ElMessage.mock.calls).toHaveLength(1)
    expect(lastMessage()).toMatch(/signed out for safety/)
  })

  it('signs out with a message when the session was ended (token_revoked), without renewing', async () => {
    setTokens(pair('access-1', 'refresh-1'))
    const calls = serve({ valid: [], refresh: () => [200, pair('x', 'y')] })
    service.defaults.adapter = ((inner) => async (config) => {
      if (config.url !== '/user/token/refresh') {
        calls.push({ url: config.url })
        const response = { data: { detail: 'revoked', code: 'token_revoked' }, status: 401, statusText: '', headers: {}, config, request: {} }
        throw Object.assign(new Error('401'), { config, response, isAxiosError: true })
      }
      return inner(config)
    })(service.defaults.adapter)
    await expect(service.get('/a')).rejects.toMatchObject({ status: 401, apiCode: 'token_revoked' })
    expect(refreshes(calls)).toHaveLength(0)
    expect(getToken()).toBeUndefined()
    expect(fakeRouter.replace).toHaveBeenCalledWith({ path: '/login', query: { redirect: '/system/config' } })
    expect(lastMessage()).toMatch(/You have been signed out/)
  })

  it('keeps the session when the renewal fails for want of the network', async () => {
    setTokens(pair('access-1', 'refresh-1'))
    serve({ valid: [], refresh: () => Promise.reject(Object.assign(new Error('Network Error'), { code: 'ERR_NETWORK' })) })
    await expect(service.get('/a')).rejects.toMatchObject({ status: 401 })
    expect(getRefreshToken()).toBe('refresh-1')
    expect(fakeRouter.replace).not.toHaveBeenCalled()
  })

  it('stops a request whose renewal ahead of the expiry is refused, and signs out once', async () => {
    setTokens(pair('access-1', 'refresh-1'))
    document.cookie = `Admin-Token-Expiry=${encodeURIComponent(JSON.stringify({ exp: Date.now() + 30000, at: Date.now() - 30000, remember: false }))}; path=/`
    const calls = serve({ valid: ['access-1'], refresh: () => [401, { detail: 'revoked', code: 'token_revoked' }] })
    const results = await Promise.allSettled([service.get('/a'), service.get('/b')])
    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected'])
    expect(calls.map((c) => c.url)).toEqual(['/user/token/refresh']) // neither request went out
    // read as the 401 it is (the router guard then leaves the redirect to the login page alone)
    expect(results[0].reason).toMatchObject({ status: 401, apiCode: 'token_revoked' })
    expect(getToken()).toBeUndefined()
    expect(fakeRouter.replace).toHaveBeenCalledTimes(1)
    expect(ElMessage.mock.calls).toHaveLength(1)
    expect(lastMessage()).toMatch(/You have been signed out/)
  })

  it('logout calls /user/logout and forgets both tokens', async () => {
    const { createPinia, setActivePinia } = await import('pinia')
    const { useUserStore } = await import('@/store/modules/user')
    setActivePinia(createPinia())
    setTokens(pair('access-1', 'refresh-1'))
    const calls = serve({ valid: ['access-1'], refresh: () => [500, {}] })
    await useUserStore().logout()
    expect(calls.map((c) => [c.url, c.auth])).toEqual([['/user/logout', 'Bearer access-1']])
    expect(getToken()).toBeUndefined()
    expect(getRefreshToken()).toBeUndefined()
    expect(getExpiry()).toBeNull()
  })

  it('signs out when another tab signed out while this one waited to renew', async () => {
    setTokens(pair('access-1', 'refresh-1'))
    navigator.locks = {
      request: async (_name, work) => {
        removeToken() // the other tab's logout
        return work()
      }
    }
    const calls = serve({ valid: [], refresh: () => [200, pair('x', 'y')] })
    await expect(service.get('/a')).rejects.toMatchObject({ status: 401 })
    expect(refreshes(calls)).toHaveLength(0)
    expect(fakeRouter.replace).toHaveBeenCalledWith({ path: '/login', query: { redirect: '/system/config' } })
  })

  it('keeps "remember me" across a renewal', async () => {
    setTokens(pair('access-1', 'refresh-1'), { remember: true })
    serve({ valid: ['access-2'], refresh: () => [200, pair('access-2', 'refresh-2')] })
    await service.get('/a')
    expect(getExpiry().remember).toBe(true)
  })
})
