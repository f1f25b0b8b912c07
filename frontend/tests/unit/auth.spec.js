import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest'
import { createPinia, setActivePinia } from 'pinia'

const fakeRouter = vi.hoisted(() => ({
  currentRoute: { value: { fullPath: '/login', path: '/login', matched: [{}] } },
  replace: vi.fn()
}))
vi.mock('@/router', () => ({ default: fakeRouter }))

import { TOKEN_KEY, getToken, removeToken, setToken } from '@/utils/auth'
import service from '@/utils/request'
import { useUserStore } from '@/store/modules/user'

// Record what is written to document.cookie: the attributes (Expires) are not readable back.
const native = Object.getOwnPropertyDescriptor(Document.prototype, 'cookie')
let writes

function expiresOf(write) {
  const match = /;\s*expires=([^;]+)/i.exec(write)
  return match ? Date.parse(match[1]) : null
}

describe('token cookie', () => {
  beforeEach(() => {
    writes = []
    Object.defineProperty(document, 'cookie', {
      configurable: true,
      get: () => native.get.call(document),
      set: (value) => {
        writes.push(value)
        native.set.call(document, value)
      }
    })
    removeToken()
    writes = []
  })

  afterEach(() => {
    delete document.cookie // back to the prototype's accessor
    vi.useRealTimers()
  })

  it('is named Admin-Token and readable back', () => {
    setToken('t1')
    expect(TOKEN_KEY).toBe('Admin-Token')
    expect(writes[0].startsWith('Admin-Token=t1')).toBe(true)
    expect(getToken()).toBe('t1')
  })

  it('is a session cookie (no Expires) without remember me', () => {
    setToken('t2', { remember: false, expiresIn: 3600 })
    expect(writes).toHaveLength(1)
    expect(writes[0]).not.toMatch(/expires=/i)
    expect(writes[0]).toMatch(/path=\//i)
  })

  it('lives expires_in seconds with remember me', () => {
    vi.useFakeTimers()
    vi.setSystemTime(new Date('2024-03-01T10:00:00Z'))
    setToken('t3', { remember: true, expiresIn: 7200 })
    expect(expiresOf(writes[0])).toBe(Date.parse('2024-03-01T12:00:00Z'))
  })

  it('falls back to a session cookie when remember me has no usable lifetime', () => {
    setToken('t4', { remember: true, expiresIn: undefined })
    expect(writes[0]).not.toMatch(/expires=/i)
  })

  it('is removed by expiring it', () => {
    setToken('t5')
    removeToken()
    expect(getToken()).toBeUndefined()
    const last = writes.filter((w) => w.startsWith('Admin-Token=')).pop()
    expect(last.startsWith('Admin-Token=;')).toBe(true)
    expect(expiresOf(last)).toBeLessThan(Date.now())
  })

  describe('through the login action', () => {
    function answerLogin(body) {
      const seen = []
      service.defaults.adapter = (config) => {
        seen.push(config)
        return Promise.resolve({ data: body, status: 200, statusText: 'OK', headers: {}, config, request: {} })
      }
      return seen
    }

    beforeEach(() => setActivePinia(createPinia()))

    it('posts the OAuth2 form and keeps a session cookie without remember me', async () => {
      const seen = answerLogin({ access_token: 'jwt-a', token_type: 'bearer', expires_in: 1800 })
      const user = useUserStore()
      await user.login({ username: ' admin ', password: 'admin123', remember: false })
      expect(seen[0].url).toBe('/user/login')
      expect(String(seen[0].headers['Content-Type'])).toContain('application/x-www-form-urlencoded')
      expect(String(seen[0].data)).toBe('username=admin&password=admin123')
      expect(getToken()).toBe('jwt-a')
      expect(user.token).toBe('jwt-a')
      const write = writes.find((w) => w.startsWith('Admin-Token=jwt-a'))
      expect(write).not.toMatch(/expires=/i)
    })

    it('keeps the cookie for expires_in seconds with remember me', async () => {
      vi.useFakeTimers({ toFake: ['Date'] })
      vi.setSystemTime(new Date('2024-06-01T00:00:00Z'))
      answerLogin({ access_token: 'jwt-b', token_type: 'bearer', expires_in: 86400 })
      await useUserStore().login({ username: 'admin', password: 'admin123', remember: true })
      const write = writes.find((w) => w.startsWith('Admin-Token=jwt-b'))
      expect(expiresOf(write)).toBe(Date.parse('2024-06-02T00:00:00Z'))
    })
  })
})
