import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({
  ...(await importOriginal()),
  ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() })
}))

import service, { isWhiteListed } from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import { constantRoutes } from '@/router/routes'
import { useUserStore } from '@/store/modules/user'
import ProfilePage from '@/views/profile/index.vue'
import ConfirmEmailPage from '@/views/confirm-email/index.vue'

const ME = { id: 7, username: 'mover', nickname: 'Mo', email: 'old@example.com', phone: null, avatar: null, status: 1, roles: ['user'] }

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

async function mountAt(component, path, info) {
  const pinia = createPinia()
  setActivePinia(pinia)
  if (info) useUserStore().info = info
  const router = createRouter({ history: createMemoryHistory(), routes: constantRoutes })
  await router.push(path)
  const wrapper = mount(component, { global: { plugins: [pinia, i18n, router] }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

function field(wrapper, label) {
  // The basic-info form (the password tab has a "Current password" of its own).
  const item = wrapper.findAll('form')[0].findAll('.el-form-item').find((f) => f.find('label').exists() && f.find('label').text() === label)
  return item ? item.find('input') : null
}

async function settle() {
  await flushPromises()
  await new Promise((r) => setTimeout(r, 0))
  await flushPromises()
}

describe('e-mail change', () => {
  beforeEach(() => setLocale('en'))

  it('the profile asks for the current password and mails the new address instead of saving it', async () => {
    const calls = serve({ 'GET /user/info': [200, ME], 'POST /user/email': [202, { detail: 'sent', expires_in: 1800 }] })
    const wrapper = await mountAt(ProfilePage, '/profile', ME)
    expect(field(wrapper, 'Current password')).toBeNull()
    await field(wrapper, 'E-mail').setValue('new@example.com')
    await flushPromises()
    await field(wrapper, 'Current password').setValue('my password')
    await wrapper.findAll('button').find((b) => b.text() === 'Save').trigger('click')
    await settle()
    const put = calls.find((c) => c.method === 'PUT' && c.url === '/user/info')
    expect(put.body).not.toHaveProperty('email')
    expect(put.body).toMatchObject({ nickname: 'Mo' })
    expect(calls.find((c) => c.url === '/user/email')).toMatchObject({
      method: 'POST',
      body: { email: 'new@example.com', current_password: 'my password' }
    })
    expect(wrapper.text()).toContain('Check your new inbox')
    wrapper.unmount()
  })

  it('other fields save without a password when the address stays', async () => {
    const calls = serve({ 'GET /user/info': [200, ME] })
    const wrapper = await mountAt(ProfilePage, '/profile', ME)
    await field(wrapper, 'Nickname').setValue('Moe')
    await wrapper.findAll('button').find((b) => b.text() === 'Save').trigger('click')
    await settle()
    expect(calls.find((c) => c.method === 'PUT' && c.url === '/user/info').body).toMatchObject({ nickname: 'Moe' })
    expect(calls.find((c) => c.url === '/user/email')).toBeUndefined()
    wrapper.unmount()
  })

  it('the link page is public, shows the new address and confirms it', async () => {
    expect(isWhiteListed('/confirm-email/tok-1')).toBe(true)
    const calls = serve({
      'GET /user/email/tok-1': [200, { username: 'mover', email: 'new@example.com', expires_at: '2026-12-01T10:00:00Z' }],
      'PUT /user/email/tok-1': [204, '']
    })
    const wrapper = await mountAt(ConfirmEmailPage, '/confirm-email/tok-1')
    expect(wrapper.text()).toContain('new@example.com')
    await wrapper.findAll('button').find((b) => b.text() === 'Use this address').trigger('click')
    await settle()
    expect(calls.map((c) => `${c.method} ${c.url}`)).toEqual(['GET /user/email/tok-1', 'PUT /user/email/tok-1'])
    expect(wrapper.text()).toContain('Your e-mail address has been changed.')
    wrapper.unmount()
  })
})
