// The login page's steps (docs/sessions.md, "Login", "Captcha", "Two-factor sign-in") against a
// fake API: remember me, the captcha (from the start, or after captcha_invalid, renewed after
// every failed attempt), the second factor, and the enrolment a role requires.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({
  ...(await importOriginal()),
  ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() })
}))

import { ElMessage } from 'element-plus'
import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import { constantRoutes } from '@/router/routes'
import { getRefreshToken, getToken, removeToken } from '@/utils/auth'
import LoginPage from '@/views/login/index.vue'

const TOKENS = { access_token: 'jwt-a', token_type: 'bearer', expires_in: 1800, refresh_token: 'jwt-r', refresh_expires_in: 86400 }
const SVG = '<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script><rect width="1" height="1"/></svg>'

/** `answers[METHOD url]`: `[status, body]`, or a list of them taken in turn (the last one stays). */
function serve(answers = {}) {
  const calls = []
  let captchas = 0
  service.defaults.adapter = (config) => {
    const key = `${config.method.toUpperCase()} ${config.url}`
    const body = typeof config.data === 'string' && config.data.startsWith('{') ? JSON.parse(config.data) : config.data
    const form = body instanceof URLSearchParams || (typeof body === 'string' && body.includes('=')) ? Object.fromEntries(new URLSearchParams(body)) : body
    calls.push({ key, body: form })
    let answer = answers[key]
    if (Array.isArray(answer) && Array.isArray(answer[0])) answer = answer.length > 1 ? answer.shift() : answer[0]
    if (!answer && key === 'GET /user/captcha') {
      captchas += 1
      answer = [200, { captcha_id: `cap-${captchas}`, image: `data:image/png;base64,AAA${captchas}`, enabled: false }]
    }
    const [status, data] = answer || [200, {}]
    const response = { data, status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
  }
  return calls
}

async function mountLogin(path = '/login?redirect=/system/config') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({ history: createMemoryHistory(), routes: constantRoutes })
  await router.push(path)
  const replace = vi.spyOn(router, 'replace').mockResolvedValue()
  const wrapper = mount(LoginPage, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body })
  await settle()
  return { wrapper, replace }
}

async function settle() {
  for (let i = 0; i < 3; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

async function fill(wrapper, values) {
  for (const [placeholder, value] of Object.entries(values)) {
    const input = wrapper.find(`input[placeholder="${placeholder}"]`)
    expect(input.exists(), placeholder).toBe(true)
    await input.setValue(value)
  }
}

async function submit(wrapper) {
  await wrapper.find('form').trigger('submit')
  await settle()
}

const posts = (calls, key) => calls.filter((c) => c.key === key)
const lastMessage = () => ElMessage.mock.calls.at(-1)?.[0].message

describe('login page', () => {
  beforeEach(() => {
    setLocale('en')
    removeToken()
    localStorage.clear()
    ElMessage.mockClear()
  })

  it('sends remember=true with remember me and keeps the refresh token', async () => {
    const calls = serve({ 'POST /user/login': [200, TOKENS] })
    const { wrapper, replace } = await mountLogin()
    expect(wrapper.find('input[placeholder="Captcha"]').exists()).toBe(false)
    await fill(wrapper, { Username: 'admin', Password: 'admin123' })
    await wrapper.find('.el-checkbox input').setValue(true)
    await submit(wrapper)
    expect(posts(calls, 'POST /user/login')[0].body).toEqual({ username: 'admin', password: 'admin123', remember: 'true' })
    expect(getToken()).toBe('jwt-a')
    expect(getRefreshToken()).toBe('jwt-r')
    expect(replace).toHaveBeenCalledWith('/system/config')
    wrapper.unmount()
  })

  it('shows the captcha from the start when the switch is on, and sends it', async () => {
    const calls = serve({
      'GET /user/captcha': [200, { captcha_id: 'c-1', image: 'data:image/png;base64,QUJD', enabled: true }],
      'POST /user/login': [200, TOKENS]
    })
    const { wrapper } = await mountLogin()
    expect(wrapper.find('.captcha-image img').attributes('src')).toBe('data:image/png;base64,QUJD')
    await fill(wrapper, { Username: 'admin', Password: 'admin123', Captcha: 'x7Kp' })
    await submit(wrapper)
    expect(posts(calls, 'POST /user/login')[0].body).toEqual({ username: 'admin', password: 'admin123', captcha_id: 'c-1', captcha_code: 'x7Kp' })
    wrapper.unmount()
  })

  it('shows the captcha after captcha_invalid and renews it after every failed attempt', async () => {
    const calls = serve({
      'POST /user/login': [
        [400, { detail: 'x', code: 'captcha_invalid' }],
        [401, { detail: 'Incorrect username or password', code: 'bad_credentials' }]
      ]
    })
    const { wrapper } = await mountLogin()
    await fill(wrapper, { Username: 'admin', Password: 'wrong' })
    await submit(wrapper)
    expect(lastMessage()).toBe('The captcha is wrong or has expired: enter the new one')
    const img = () => wrapper.find('.captcha-image img').attributes('src')
    expect(img()).toBe('data:image/png;base64,AAA2') // the page's first captcha was 1
    await fill(wrapper, { Password: 'wrong', Captcha: 'abcd' })
    await submit(wrapper)
    expect(posts(calls, 'POST /user/login')[1].body).toMatchObject({ captcha_id: 'cap-2', captcha_code: 'abcd' })
    expect(img()).toBe('data:image/png;base64,AAA3')
    // a click renews it too
    await wrapper.find('.captcha-image').trigger('click')
    await settle()
    expect(img()).toBe('data:image/png;base64,AAA4')
    expect(getToken()).toBeUndefined()
    wrapper.unmount()
  })

  it('asks for the second factor when the login answers mfa_required', async () => {
    const calls = serve({
      'POST /user/login': [200, { mfa_required: true, mfa_token: 'mfa-1', expires_in: 300 }],
      'POST /user/login/2fa': [
        [400, { detail: 'x', code: 'mfa_code_invalid' }],
        [200, TOKENS]
      ]
    })
    const { wrapper, replace } = await mountLogin()
    await fill(wrapper, { Username: 'admin', Password: 'admin123' })
    await submit(wrapper)
    expect(getToken()).toBeUndefined() // no session before the second factor
    expect(wrapper.text()).toContain('Two-factor authentication')
    await fill(wrapper, { 'Code or recovery code': '000000' })
    await submit(wrapper)
    expect(lastMessage()).toBe('The code is wrong or has been used already')
    expect(getToken()).toBeUndefined()
    await fill(wrapper, { 'Code or recovery code': 'abcde-12345' })
    await submit(wrapper)
    expect(posts(calls, 'POST /user/login/2fa').map((c) => c.body)).toEqual([
      { mfa_token: 'mfa-1', code: '000000' },
      { mfa_token: 'mfa-1', code: 'abcde-12345' }
    ])
    expect(getToken()).toBe('jwt-a')
    expect(replace).toHaveBeenCalledWith('/system/config')
    wrapper.unmount()
  })

  it('goes back to the password when the mfa token is no longer good', async () => {
    serve({
      'POST /user/login': [200, { mfa_required: true, mfa_token: 'mfa-1', expires_in: 300 }],
      'POST /user/login/2fa': [401, { detail: 'x', code: 'mfa_token_invalid' }]
    })
    const { wrapper } = await mountLogin()
    await fill(wrapper, { Username: 'admin', Password: 'admin123' })
    await submit(wrapper)
    await fill(wrapper, { 'Code or recovery code': '123456' })
    await submit(wrapper)
    expect(lastMessage()).toBe('The sign-in step has expired: enter your password again')
    expect(wrapper.find('input[placeholder="Password"]').exists()).toBe(true)
    expect(wrapper.find('input[placeholder="Password"]').element.value).toBe('')
    wrapper.unmount()
  })

  it('enrols when a role requires 2FA: QR as an image, the code, the recovery codes once, then signed in', async () => {
    const codes = Array.from({ length: 10 }, (_, i) => `aaaa${i}-bbbb${i}`)
    const calls = serve({
      'POST /user/login': [200, { mfa_enrol_required: true, mfa_token: 'enrol-1', expires_in: 300 }],
      'POST /user/login/2fa/setup': [200, { secret: 'JBSWY3DPEHPK3PXP', otpauth_uri: 'otpauth://totp/x', qr_svg: SVG }],
      'POST /user/login/2fa/enable': [200, { recovery_codes: codes, token: TOKENS }]
    })
    const { wrapper, replace } = await mountLogin()
    await fill(wrapper, { Username: 'opt', Password: 'opt123' })
    await submit(wrapper)
    expect(posts(calls, 'POST /user/login/2fa/setup')[0].body).toEqual({ mfa_token: 'enrol-1' })
    // The SVG is never markup in the page: an <img> with a data: URL.
    expect(wrapper.find('svg script').exists()).toBe(false)
    const src = wrapper.find('.totp-qr img').attributes('src')
    expect(src.startsWith('data:image/svg+xml')).toBe(true)
    expect(decodeURIComponent(src.split(',').slice(1).join(','))).toBe(SVG)
    expect(wrapper.text()).toContain('JBSW Y3DP EHPK 3PXP')
    await fill(wrapper, { '6-digit code': '123456' })
    await wrapper.find('.totp-setup form').trigger('submit')
    await settle()
    expect(posts(calls, 'POST /user/login/2fa/enable')[0].body).toEqual({ mfa_token: 'enrol-1', code: '123456' })
    for (const code of codes) expect(wrapper.text()).toContain(code)
    expect(getToken()).toBeUndefined() // signed in only once the codes are saved
    expect(replace).not.toHaveBeenCalled()
    await wrapper.find('.recovery-done').trigger('click')
    await settle()
    expect(getToken()).toBe('jwt-a')
    expect(replace).toHaveBeenCalledWith('/system/config')
    wrapper.unmount()
  })
})
