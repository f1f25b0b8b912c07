// The pages of issue 16 against a fake API: online users (force logout, all of a user's
// sessions, both confirmed first, under perm:online:delete), the profile's two-factor section
// (enrol; disable with password and code, confirmed) and the user list's Reset 2FA (confirmed).
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))
const confirmAction = vi.hoisted(() => vi.fn(async () => true))
vi.mock('@/utils/confirm', () => ({ confirmAction }))

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { clearDictCache } from '@/composables/useDict'
import { useUserStore } from '@/store/modules/user'
import OnlinePage from '@/views/monitor/online/index.vue'
import TwoFactor from '@/views/profile/TwoFactor.vue'
import UserPage from '@/views/rbac/user/index.vue'
import LoginLogPage from '@/views/log/login/index.vue'

const session = (session_id, user_id, username, current = false) => ({
  session_id,
  user_id,
  username,
  ip: '10.0.0.' + user_id,
  browser: 'Chrome 126',
  os: 'Linux',
  login_time: '2026-05-01T08:00:00Z',
  last_seen: '2026-05-01T09:00:00Z',
  current
})
const SESSIONS = [session('a'.repeat(32), 1, 'admin', true), session('b'.repeat(32), 2, 'opt'), session('c'.repeat(32), 2, 'opt')]

/** A fake API: `routes(config)` answers `[status, body]`, or nothing for the defaults. */
function serve(routes = () => null) {
  const calls = []
  service.defaults.adapter = (config) => {
    const body = config.data ? JSON.parse(config.data) : undefined
    calls.push({ method: config.method, url: config.url, params: config.params, body })
    let [status, data] = routes(config) || []
    if (status === undefined) {
      status = config.method === 'get' ? 200 : 204
      if (config.url === '/monitor/online') data = { items: SESSIONS, total: SESSIONS.length, page: 1, size: 10 }
      else if (config.url === '/permission/user') data = { items: [{ id: 7, username: 'zoe', nickname: 'Zoe', status: 1, roles: [], created_time: '2026-01-01T00:00:00Z' }], total: 1, page: 1, size: 10 }
      else if (config.url === '/permission/role') data = { items: [], total: 0, page: 1, size: 100 }
      else data = ''
    }
    const response = { data: JSON.parse(JSON.stringify(data ?? '')), status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
  }
  return calls
}

async function mountPage(component, { roles = ['admin'], labels = [], info = { id: 1, username: 'admin' } } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const user = useUserStore()
  user.roles = roles
  user.labels = labels
  user.info = info
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/')
  const wrapper = mount(component, { global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } }, attachTo: document.body })
  await settle()
  return wrapper
}

async function settle() {
  for (let i = 0; i < 3; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

const deletes = (calls) => calls.filter((c) => c.method === 'delete').map((c) => c.url)
const rowOf = (wrapper, index) => wrapper.findAll('.el-table__body-wrapper tbody tr')[index]

beforeEach(() => {
  setLocale('en')
  clearDictCache()
  confirmAction.mockReset()
  confirmAction.mockImplementation(async () => true)
})

describe('online users page', () => {
  it('lists the sessions with the search by username and IP, and tags the caller\'s own', async () => {
    const calls = serve()
    const wrapper = await mountPage(OnlinePage)
    expect(calls.find((c) => c.url === '/monitor/online').params).toEqual({ page: 1, size: 10 })
    expect(wrapper.findAll('.current-tag')).toHaveLength(1)
    expect(rowOf(wrapper, 0).text()).toContain('This session')
    expect(wrapper.text()).toContain('Chrome 126')
    const search = wrapper.findAll('.el-form-item__label').map((l) => l.text())
    expect(search).toEqual(expect.arrayContaining(['Username', 'IP address']))
    wrapper.unmount()
  })

  it('asks before forcing a session out, and sends nothing when declined', async () => {
    const calls = serve()
    const wrapper = await mountPage(OnlinePage)
    // the caller's own row has neither button
    expect(rowOf(wrapper, 0).find('.force-logout').exists()).toBe(false)
    expect(rowOf(wrapper, 0).find('.logout-user').exists()).toBe(false)
    confirmAction.mockImplementationOnce(async () => false)
    await rowOf(wrapper, 1).find('.force-logout').trigger('click')
    await settle()
    expect(confirmAction).toHaveBeenCalledTimes(1)
    expect(confirmAction.mock.calls[0][0]).toContain('opt')
    expect(deletes(calls)).toEqual([])

    const lists = calls.filter((c) => c.url === '/monitor/online').length
    await rowOf(wrapper, 1).find('.force-logout').trigger('click')
    await settle()
    expect(deletes(calls)).toEqual([`/monitor/online/${'b'.repeat(32)}`])
    expect(calls.filter((c) => c.url === '/monitor/online').length).toBe(lists + 1) // reloaded
    wrapper.unmount()
  })

  it('ends all of a user\'s sessions after a confirmation', async () => {
    const calls = serve()
    const wrapper = await mountPage(OnlinePage)
    confirmAction.mockImplementationOnce(async () => false)
    await rowOf(wrapper, 2).find('.logout-user').trigger('click')
    await settle()
    expect(deletes(calls)).toEqual([])
    await rowOf(wrapper, 2).find('.logout-user').trigger('click')
    await settle()
    expect(confirmAction.mock.calls[1][0]).toBe('End every session of "opt"? They are signed out at once.')
    expect(deletes(calls)).toEqual(['/monitor/online/user/2'])
    wrapper.unmount()
  })

  it('shows no buttons without perm:online:delete', async () => {
    serve()
    const wrapper = await mountPage(OnlinePage, { roles: ['viewer'], labels: ['perm:online:get'] })
    expect(wrapper.find('.force-logout').exists()).toBe(false)
    expect(wrapper.find('.logout-user').exists()).toBe(false)
    wrapper.unmount()
  })
})

describe('profile: two-factor authentication', () => {
  it('enrols: setup, QR and key, the code, then the recovery codes once', async () => {
    let enabled = false
    const codes = Array.from({ length: 10 }, (_, i) => `k${i}aaa-bbbbb`)
    const calls = serve((config) => {
      if (config.url === '/user/2fa') return [200, { enabled, recovery_codes_left: enabled ? 10 : 0 }]
      if (config.url === '/user/2fa/setup') return [200, { secret: 'ABCDEFGH', otpauth_uri: 'otpauth://totp/x', qr_svg: '<svg xmlns="http://www.w3.org/2000/svg"/>' }]
      if (config.url === '/user/2fa/enable') {
        enabled = true
        return [200, { recovery_codes: codes }]
      }
      return null
    })
    const wrapper = await mountPage(TwoFactor)
    expect(wrapper.find('.mfa-state').text()).toBe('Off')
    await wrapper.find('.mfa-setup').trigger('click')
    await settle()
    expect(wrapper.find('.totp-qr img').attributes('src')).toMatch(/^data:image\/svg\+xml/)
    await wrapper.find('input[name="totp"]').setValue('12345') // five digits: refused before sending
    await wrapper.find('.totp-setup form').trigger('submit')
    await settle()
    expect(calls.some((c) => c.url === '/user/2fa/enable')).toBe(false)
    await wrapper.find('input[name="totp"]').setValue('123456')
    await wrapper.find('.totp-setup form').trigger('submit')
    await settle()
    expect(calls.find((c) => c.url === '/user/2fa/enable').body).toEqual({ code: '123456' })
    for (const code of codes) expect(wrapper.text()).toContain(code)
    await wrapper.find('.recovery-done').trigger('click')
    await settle()
    expect(wrapper.text()).not.toContain(codes[0]) // shown once
    expect(wrapper.find('.mfa-state').text()).toBe('On')
    expect(wrapper.find('.mfa-codes-left').text()).toBe('10')
    wrapper.unmount()
  })

  it('disables with the password and a code, after a confirmation', async () => {
    const calls = serve((config) => (config.url === '/user/2fa' ? [200, { enabled: true, recovery_codes_left: 7 }] : null))
    const wrapper = await mountPage(TwoFactor)
    await wrapper.find('.mfa-disable').trigger('click')
    await settle()
    const dialog = document.body.querySelector('.el-dialog')
    const set = async (name, value) => {
      const input = dialog.querySelector(`input[name="${name}"]`)
      input.value = value
      input.dispatchEvent(new Event('input'))
      await settle()
    }
    await set('mfa-password', 'admin123')
    await set('mfa-code', '654321')
    confirmAction.mockImplementationOnce(async () => false)
    dialog.querySelector('.mfa-disable-submit').click()
    await settle()
    expect(confirmAction).toHaveBeenCalledTimes(1)
    expect(calls.some((c) => c.url === '/user/2fa/disable')).toBe(false)
    dialog.querySelector('.mfa-disable-submit').click()
    await settle()
    expect(calls.find((c) => c.url === '/user/2fa/disable').body).toEqual({ password: 'admin123', code: '654321' })
    wrapper.unmount()
  })
})

describe('user list: Reset 2FA', () => {
  it('resets after a confirmation, and not when declined', async () => {
    const calls = serve()
    const wrapper = await mountPage(UserPage)
    const state = wrapper.vm.$.setupState
    const row = { id: 7, username: 'zoe' }
    confirmAction.mockImplementationOnce(async () => false)
    state.onMore('mfa', row)
    await settle()
    expect(deletes(calls)).toEqual([])
    state.onMore('mfa', row)
    await settle()
    expect(confirmAction.mock.calls[1][0]).toContain('"zoe"')
    expect(deletes(calls)).toEqual(['/permission/user/7/2fa'])
    wrapper.unmount()
  })
})

describe('login log', () => {
  it('words the status logout and the new outcomes, also with a dictionary seeded before sessions', async () => {
    const row = (id, status, message) => ({ id, username: 'opt', ip: '10.0.0.2', status, message, user_agent: 'x', created_time: '2026-05-01T08:00:00Z' })
    serve((config) => {
      if (config.url === '/system/dict/sys_login_status')
        return [200, [{ label: '成功', label_en: 'Success', value: 'success', css_class: 'success' }, { label: '失败', label_en: 'Failed', value: 'failed', css_class: 'danger' }]]
      if (config.url === '/system/log/login')
        return [200, { items: [row(1, 'logout', 'forced_logout'), row(2, 'failed', 'captcha_invalid'), row(3, 'failed', 'mfa_invalid'), row(4, 'success', 'mfa'), row(5, 'failed', 'refresh_reused')], total: 5, page: 1, size: 10 }]
      return null
    })
    const wrapper = await mountPage(LoginLogPage)
    const text = wrapper.text()
    expect(text).toContain('Signed out')
    expect(text).not.toMatch(/\blogout\b/)
    for (const worded of ['Signed out by an administrator', 'Wrong captcha', 'Wrong two-factor code', 'Signed in with two-factor authentication', 'Session ended: refresh token reused']) {
      expect(text).toContain(worded)
    }
    wrapper.unmount()
  })
})
