// The home page against a fake API: a holder of perm:monitor:get gets the overview's charts
// (ECharts stubbed: jsdom has no canvas) built from the answer, zero days included, in both
// languages; anyone else keeps the shortcut cards and never calls the overview.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'
import { baseCompile } from '@intlify/message-compiler'

const charts = vi.hoisted(() => [])
vi.mock('vue-echarts', async () => {
  const { defineComponent, h } = await import('vue')
  return {
    default: defineComponent({
      props: { option: { type: Object, required: true }, theme: { type: String, default: undefined } },
      setup(props, { attrs }) {
        charts.push(props)
        return () => h('div', { class: 'chart-stub', 'data-test': attrs['data-test'] })
      }
    })
  }
})
vi.mock('@/views/dashboard/echarts', () => ({}))

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { useUserStore } from '@/store/modules/user'
import { useSettingsStore } from '@/store/modules/settings'
import HomePage from '@/views/dashboard/index.vue'
// Loaded here first, so the page's lazy import of it resolves within a test's settling.
import '@/views/dashboard/OverviewCharts.vue'
import { dayLabel, deptsOption, groupName, jobRunsOption, loginsOption, rolesOption } from '@/views/dashboard/charts'
import locale from '@/views/dashboard/locale'

const DAYS = Array.from({ length: 30 }, (_, i) => {
  const day = new Date(Date.UTC(2026, 2, 1 + i)).toISOString().slice(0, 10)
  return { day, success: i === 29 ? 5 : 0, failure: i === 8 ? 2 : i === 29 ? 1 : 0 }
})
const OVERVIEW = {
  timezone: 'Asia/Shanghai',
  logins: DAYS,
  job_runs: DAYS.map((d, i) => ({ day: d.day, success: i === 29 ? 3 : 0, failure: i === 29 ? 4 : 0 })),
  sessions: 7,
  users_by_role: [
    { kind: 'one', id: 1, name: 'admin', count: 2 },
    { kind: 'others', id: null, name: '', count: 4 }
  ],
  users_by_dept: [
    { kind: 'one', id: 4, name: 'R&D', count: 5 },
    { kind: 'none', id: null, name: '', count: 1 }
  ]
}

function serve(answer = () => [200, OVERVIEW]) {
  const calls = []
  service.defaults.adapter = (config) => {
    calls.push({ method: config.method, url: config.url })
    const [status, data] = config.url === '/monitor/overview' ? answer() : [200, '']
    const response = { data: JSON.parse(JSON.stringify(data ?? '')), status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
  }
  return calls
}

async function settle() {
  for (let i = 0; i < 5; i++) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 0))
  }
}

async function mountHome({ roles = ['admin'], labels = [] } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const user = useUserStore()
  user.roles = roles
  user.labels = labels
  user.info = { id: 1, username: 'u', nickname: 'U' }
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/')
  const wrapper = mount(HomePage, { global: { plugins: [pinia, i18n, router, directives] }, attachTo: document.body })
  await settle()
  return wrapper
}

const t = (key, values) => i18n.global.t(key, values || {})

describe('home page charts', () => {
  beforeEach(() => {
    charts.length = 0
    setLocale('en')
  })

  it('shows the four charts and the figures of today to a holder of the label', async () => {
    const calls = serve()
    const wrapper = await mountHome({ roles: ['opt'], labels: ['perm:monitor:get'] })
    expect(calls.filter((c) => c.url === '/monitor/overview')).toHaveLength(1)
    const shown = wrapper.findAll('.chart-stub').map((c) => c.attributes('data-test'))
    expect(shown).toEqual(['chart-logins', 'chart-job-runs', 'chart-roles', 'chart-depts'])
    expect(wrapper.find('[data-test="stat-sessions"]').text()).toBe('7')
    const text = wrapper.text()
    expect(text).toContain('Sign-ins, last 30 days')
    expect(text).toContain('Asia/Shanghai')
    expect(text).toContain('Shortcuts') // the shortcut cards stay
    const [logins, runs, roles, depts] = charts.map((c) => c.option)
    expect(logins.xAxis.data).toHaveLength(30)
    expect(logins.xAxis.data[0]).toBe('03-01')
    expect(logins.series.map((s) => s.data[8])).toEqual([0, 2])
    expect(runs.series.map((s) => s.type)).toEqual(['bar', 'bar'])
    expect(runs.series.map((s) => s.data[29])).toEqual([3, 4])
    expect(roles.series[0].data).toEqual([{ name: 'admin', value: 2 }, { name: 'Others', value: 4 }])
    // Largest on top: the category axis runs bottom-up.
    expect(depts.yAxis.data).toEqual(['No department', 'R&D'])
    wrapper.unmount()
  })

  it('keeps the shortcut cards alone for a user without the label, and never asks', async () => {
    const calls = serve()
    const wrapper = await mountHome({ roles: ['user'], labels: ['perm:regcode:get'] })
    expect(calls.filter((c) => c.url === '/monitor/overview')).toEqual([])
    expect(wrapper.find('[data-test="overview"]').exists()).toBe(false)
    expect(wrapper.text()).toContain('Shortcuts')
    wrapper.unmount()
  })

  it('says so when the overview fails, and draws nothing', async () => {
    serve(() => [503, { detail: 'down', code: 'service_unavailable' }])
    const wrapper = await mountHome()
    expect(wrapper.text()).toContain('The figures could not be loaded')
    expect(wrapper.findAll('.chart-stub')).toHaveLength(0)
    wrapper.unmount()
  })

  it("draws with ECharts' dark theme in the layout's dark mode", async () => {
    serve()
    const wrapper = await mountHome()
    expect(charts.map((c) => c.theme)).toEqual([undefined, undefined, undefined, undefined])
    useSettingsStore().dark = true
    await settle()
    expect(charts.map((c) => c.theme)).toEqual(['dark', 'dark', 'dark', 'dark'])
    expect(charts.every((c) => c.option.backgroundColor === 'transparent')).toBe(true)
    wrapper.unmount()
  })

  it('words the charts in Chinese too', async () => {
    setLocale('zh-CN')
    serve()
    const wrapper = await mountHome()
    expect(wrapper.text()).toContain('近 30 天登录')
    expect(charts.at(-1).option.yAxis.data).toEqual(['未分配部门', 'R&D'])
    wrapper.unmount()
  })
})

describe('home page chart options', () => {
  const local = (key) => {
    const [, name] = key.split('.')
    return locale.en.overview[name]
  }

  it('keep every day, zero days as 0, and name the groups', () => {
    const zero = DAYS.map((d) => ({ ...d, success: 0, failure: 0 }))
    expect(loginsOption(zero, local).series.every((s) => s.data.length === 30 && s.data.every((n) => n === 0))).toBe(true)
    expect(jobRunsOption(zero, local).series[0].stack).toBe('runs')
    expect(dayLabel('2026-12-31')).toBe('12-31')
    expect(groupName({ kind: 'one', id: 9, name: '', count: 1 }, local)).toBe('#9')
    expect(rolesOption([], local).series[0].data).toEqual([])
    expect(deptsOption([{ kind: 'others', id: null, name: '', count: 3 }], local).yAxis.data).toEqual(['Others'])
  })

  it('have the same keys in both languages, each compiling', () => {
    expect(Object.keys(locale.en.overview).sort()).toEqual(Object.keys(locale['zh-CN'].overview).sort())
    const broken = []
    for (const lang of ['en', 'zh-CN']) {
      for (const [key, text] of Object.entries(locale[lang].overview)) {
        baseCompile(text, { onError: (e) => broken.push(`${lang} ${key}: ${e.message}`) })
      }
    }
    expect(broken).toEqual([])
    expect(t('dashboard.quickLinks')).toBeTruthy()
  })
})
