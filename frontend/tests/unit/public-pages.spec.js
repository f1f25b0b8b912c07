import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({
  ...(await importOriginal()),
  ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() })
}))

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import { constantRoutes } from '@/router/routes'
import { getToken, removeToken } from '@/utils/auth'
import RegisterPage from '@/views/register/index.vue'
import ConfirmPage from '@/views/register/confirm.vue'
import ForgetPage from '@/views/forget-password/index.vue'
import ResetPage from '@/views/reset-password/index.vue'
import LoginPage from '@/views/login/index.vue'

function serve(answers = {}) {
  const calls = []
  service.defaults.adapter = (config) => {
    const body = typeof config.data === 'string' && config.data.startsWith('{') ? JSON.parse(config.data) : config.data
    calls.push({ method: config.method.toUpperCase(), url: config.url, body })
    const [status, data] = answers[`${config.method.toUpperCase()} ${config.url}`] || [200, {}]
    const response = { data, status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response }))
  }
  return calls
}

async function mountAt(component, path) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = createRouter({ history: createMemoryHistory(), routes: constantRoutes })
  await router.push(path)
  const wrapper = mount(component, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body })
  await flushPromises()
  return { wrapper, router }
}

async function fill(wrapper, values) {
  for (const [placeholder, value] of Object.entries(values)) {
    const input = wrapper.find(`input[placeholder="${placeholder}"]`)
    expect(input.exists(), placeholder).toBe(true)
    await input.setValue(value)
  }
}

async function click(wrapper, text) {
  const button = wrapper.findAll('button').find((b) => b.text() === text)
  expect(button, text).toBeTruthy()
  await button.trigger('click')
  await flushPromises()
  await new Promise((r) => setTimeout(r, 0))
  await flushPromises()
}

describe('public pages', () => {
  beforeEach(() => {
    setLocale('en')
    removeToken()
  })

  it('login posts the form, stores the token and follows the redirect', async () => {
    const calls = serve({ 'POST /user/login': [200, { access_token: 'jwt-1', token_type: 'bearer', expires_in: 60 }] })
    const { wrapper, router } = await mountAt(LoginPage, '/login?redirect=/permission/user%3Fpage%3D2')
    const replace = vi.spyOn(router, 'replace').mockResolvedValue()
    await fill(wrapper, { Username: 'admin', Password: 'admin123' })
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
    const post = calls.find((c) => c.url === '/user/login')
    expect(post).toMatchObject({ method: 'POST', url: '/user/login' })
    expect(String(post.body)).toBe('username=admin&password=admin123')
    expect(getToken()).toBe('jwt-1')
    expect(replace).toHaveBeenCalledWith('/permission/user?page=2')
    wrapper.unmount()
  })

  it('login never redirects off-site', async () => {
    serve({ 'POST /user/login': [200, { access_token: 'jwt-2', token_type: 'bearer', expires_in: 60 }] })
    const { wrapper, router } = await mountAt(LoginPage, '/login?redirect=//evil.example/x')
    const replace = vi.spyOn(router, 'replace').mockResolvedValue()
    await fill(wrapper, { Username: 'admin', Password: 'admin123' })
    await wrapper.find('form').trigger('submit')
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
    expect(replace).toHaveBeenCalledWith('/')
    wrapper.unmount()
  })

  it('register sends username, email, password and nickname', async () => {
    const calls = serve({ 'POST /user/check/username/availability': [404, { detail: 'Not Found' }], 'POST /user/check/email/availability': [200, { available: true }] })
    const { wrapper } = await mountAt(RegisterPage, '/register')
    await fill(wrapper, { Username: 'new_user', 'E-mail': 'new@example.com', Nickname: 'Newbie', Password: 'secret12', 'Confirm password': 'secret12' })
    await click(wrapper, 'Sign up')
    const post = calls.find((c) => c.url === '/user/register')
    expect(post).toMatchObject({ method: 'POST', body: { username: 'new_user', email: 'new@example.com', password: 'secret12', nickname: 'Newbie' } })
    expect(wrapper.text()).toContain('new@example.com')
    wrapper.unmount()
  })

  it('register refuses a taken username before sending', async () => {
    const calls = serve({ 'POST /user/check/username/availability': [200, { available: false }], 'POST /user/check/email/availability': [200, { available: true }] })
    const { wrapper } = await mountAt(RegisterPage, '/register')
    await fill(wrapper, { Username: 'admin', 'E-mail': 'a@example.com', Password: 'secret12', 'Confirm password': 'secret12' })
    await click(wrapper, 'Sign up')
    expect(calls.find((c) => c.url === '/user/register')).toBeUndefined()
    expect(calls.map((c) => c.url)).toContain('/user/check/username/availability')
    await new Promise((r) => setTimeout(r, 150)) // the form shows errors after a short debounce
    expect(wrapper.text()).toContain('This username is taken')
    wrapper.unmount()
  })

  it('confirm checks the token, then activates it', async () => {
    const calls = serve({ 'GET /user/register/tok-9': [200, { username: 'newbie', email: 'n@example.com' }], 'PUT /user/register/tok-9': [204, ''] })
    const { wrapper } = await mountAt(ConfirmPage, '/register/tok-9')
    expect(wrapper.text()).toContain('newbie')
    await click(wrapper, 'Activate account')
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /user/register/tok-9', 'PUT /user/register/tok-9'])
    expect(wrapper.text()).toContain('Your account is active')
    wrapper.unmount()
  })

  it('confirm says when the link is invalid', async () => {
    serve({ 'GET /user/register/old': [404, { detail: 'Link expired', code: 'token_invalid' }] })
    const { wrapper } = await mountAt(ConfirmPage, '/register/old')
    expect(wrapper.text()).toContain('invalid or has expired')
    wrapper.unmount()
  })

  it('forgot password posts the e-mail', async () => {
    const calls = serve()
    const { wrapper } = await mountAt(ForgetPage, '/forget-password')
    await fill(wrapper, { 'Account e-mail': 'me@example.com' })
    await click(wrapper, 'Send reset mail')
    expect(calls[0]).toMatchObject({ method: 'POST', url: '/user/forget-password', body: { email: 'me@example.com' } })
    wrapper.unmount()
  })

  it('reset password puts the new password to the token', async () => {
    const calls = serve({ 'PUT /user/forget-password/abc': [204, ''] })
    const { wrapper } = await mountAt(ResetPage, '/reset-password/abc')
    await fill(wrapper, { 'New password': 'n3wpass1', 'Confirm new password': 'n3wpass1' })
    await click(wrapper, 'Reset password')
    expect(calls[0]).toMatchObject({ method: 'PUT', url: '/user/forget-password/abc', body: { new_password: 'n3wpass1' } })
    wrapper.unmount()
  })
})
