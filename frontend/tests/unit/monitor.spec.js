// The server and cache monitor pages against a fake API: the figures render, both pages ask
// again every 10 s while shown (and stop when left), clearing a namespace asks first, and only
// a holder of perm:monitor:delete sees the clear buttons (never on a protected namespace).
import { describe, it, expect, beforeEach, afterEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))
const confirmAction = vi.hoisted(() => vi.fn(async () => true))
vi.mock('@/utils/confirm', () => ({ confirmAction }))
// The chart itself is ECharts on a canvas: its page test needs only its option.
vi.mock('@/views/monitor/MonitorChart.vue', async () => {
  const { h } = await import('vue')
  return {
    __esModule: true,
    default: {
      name: 'MonitorChart',
      props: ['option', 'height'],
      render() {
        return h('div', { class: 'chart-stub', 'data-series': this.option.series.length })
      }
    }
  }
})

import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { useUserStore } from '@/store/modules/user'
import CachePage from '@/views/monitor/cache/index.vue'
import ServerPage from '@/views/monitor/server/index.vue'

const HOST = {
  hostname: 'box', pid: 42, python: '3.11.7', packages: { fastapi: '0.165.0' }, started_at: '2026-01-01T00:00:00Z',
  uptime_seconds: 90061, cpu_percent: 12.5, cpu_count: 2, memory_total: 8 << 30, memory_used: 2 << 30, memory_percent: 25,
  disk_path: '/srv', disk_total: 100 << 30, disk_used: 40 << 30, disk_percent: 40, process_rss: 120 << 20, process_threads: 7
}
const SERVERS = {
  heartbeat_seconds: 10,
  items: [
    { instance: 'box:42:aa', current: true, reported_at: '2026-01-01T00:00:10Z', host: HOST, pools: [{ name: 'write', size: 10, checked_out: 1, overflow: 0 }], scheduler: { enabled: true, leader: true, next_fires: [{ job_id: 3, fire_time: '2026-01-01T00:05:00Z' }] } },
    { instance: 'box:43:bb', current: false, reported_at: '2026-01-01T00:00:08Z', host: { ...HOST, pid: 43 }, pools: [], scheduler: { enabled: true, leader: false, next_fires: [] } }
  ]
}
const CACHE = {
  info: { backend: 'redis', version: '7.2.4', uptime_seconds: 3600, used_memory: 2 << 20, used_memory_peak: 3 << 20, max_memory: 0, clients: 3, hits: 3, misses: 1, hit_rate: 0.75, ops_per_second: 12, keys: 40, commands: [{ name: 'get', calls: 9 }] },
  namespaces: [
    { name: 'sessions', label_zh: '登录会话', label_en: 'Sign-in sessions', kind: 'session', clearable: false, keys: 2, capped: false },
    { name: 'cache', label_zh: '数据缓存', label_en: 'Data cache', kind: 'data', clearable: true, keys: 5, capped: false }
  ]
}

function serve() {
  const calls = []
  service.defaults.adapter = (config) => {
    calls.push({ method: config.method, url: config.url })
    let data = ''
    if (config.url === '/monitor/server') data = SERVERS
    else if (config.url === '/monitor/cache') data = CACHE
    else if (config.url.endsWith('/keys')) data = { items: [{ key: 'dict:x', type: 'string', ttl_seconds: 30, viewable: true }], total: 1, page: 1, size: 10 }
    else if (config.method === 'delete') data = { deleted: 5 }
    return Promise.resolve({ data: JSON.parse(JSON.stringify(data)), status: 200, statusText: '', headers: {}, config, request: {} })
  }
  return calls
}

async function mountPage(component, { roles = ['admin'], labels = [] } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const user = useUserStore()
  user.roles = roles
  user.labels = labels
  const wrapper = mount(component, { global: { plugins: [pinia, i18n, directives], stubs: { transition: false } }, attachTo: document.body })
  await flushPromises()
  return wrapper
}

const asked = (calls, url) => calls.filter((c) => c.method === 'get' && c.url === url).length

beforeEach(() => {
  setLocale('en')
  confirmAction.mockClear()
  document.body.innerHTML = ''
})
afterEach(() => vi.useRealTimers())

describe('server monitor page', () => {
  it('shows every instance, this one tagged, with its pools and next fires', async () => {
    serve()
    const wrapper = await mountPage(ServerPage)
    const cards = wrapper.findAll('.server-card')
    expect(cards.map((c) => c.attributes('data-instance'))).toEqual(['box:42:aa', 'box:43:bb'])
    expect(cards[0].find('.current-tag').exists()).toBe(true)
    expect(cards[1].find('.current-tag').exists()).toBe(false)
    const text = cards[0].text()
    expect(text).toContain('12.5%')
    expect(text).toContain('1 d 1 h 1 min')
    expect(text).toContain('Writes')
    expect(text).toContain('Leader')
    expect(cards[0].find('.fires-table').text()).toContain('3')
  })

  it('asks again every 10 s and stops when the page goes', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] })
    const calls = serve()
    const wrapper = await mountPage(ServerPage)
    expect(asked(calls, '/monitor/server')).toBe(1)
    vi.advanceTimersByTime(10_000)
    await flushPromises()
    expect(asked(calls, '/monitor/server')).toBe(2)
    expect(wrapper.find('.chart-stub').exists()).toBe(true)
    wrapper.unmount()
    vi.advanceTimersByTime(60_000)
    expect(asked(calls, '/monitor/server')).toBe(2)
  })
})

describe('cache monitor page', () => {
  it('shows the server figures, the charts and the namespaces', async () => {
    serve()
    const wrapper = await mountPage(CachePage)
    const info = wrapper.find('.cache-info').text()
    expect(info).toContain('7.2.4')
    expect(info).toContain('75.0%')
    expect(info).toContain('2.0 MB')
    expect(wrapper.find('.memory-chart').attributes('data-series')).toBe('2') // memory and commands/s
    expect(wrapper.find('.command-chart').exists()).toBe(true)
    const rows = wrapper.findAll('.namespace-table tbody tr')
    expect(rows.map((r) => r.find('.ns-name').text())).toEqual(['sessions', 'cache'])
    expect(rows[0].find('.clear-namespace').exists()).toBe(false) // protected
    expect(rows[1].find('.clear-namespace').exists()).toBe(true)
  })

  it('asks before clearing: cancelled sends nothing, confirmed clears and reloads', async () => {
    const calls = serve()
    const wrapper = await mountPage(CachePage)
    const clear = wrapper.findAll('.namespace-table tbody tr')[1].find('.clear-namespace')
    confirmAction.mockResolvedValueOnce(false)
    await clear.trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledTimes(1)
    expect(confirmAction.mock.calls[0][0]).toContain('"Data cache"')
    expect(calls.filter((c) => c.method === 'delete')).toEqual([])
    await clear.trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'delete').map((c) => c.url)).toEqual(['/monitor/cache/cache'])
    expect(asked(calls, '/monitor/cache')).toBe(2)
  })

  it('lists a namespace\'s keys when it is chosen', async () => {
    const calls = serve()
    const wrapper = await mountPage(CachePage)
    await wrapper.findAll('.namespace-table tbody tr')[1].trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url === '/monitor/cache/cache/keys')).toBe(true)
    expect(wrapper.find('.key-table').text()).toContain('dict:x')
  })

  it('shows no clear button without perm:monitor:delete', async () => {
    serve()
    const wrapper = await mountPage(CachePage, { roles: ['opt'], labels: ['perm:monitor:get'] })
    expect(wrapper.findAll('.clear-namespace')).toEqual([])
  })
})
