// Scheduled jobs and their runs against a fake API: the form's cron preview and field errors,
// run-now with its link to the run, the job-log page following its route query.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({ ...(await importOriginal()), ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() }) }))
const confirmAction = vi.hoisted(() => vi.fn(async () => true))
vi.mock('@/utils/confirm', () => ({ confirmAction }))

import { ElMessage } from 'element-plus'
import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { clearDictCache } from '@/composables/useDict'
import { useUserStore } from '@/store/modules/user'
import JobForm from '@/views/system/job/JobForm.vue'
import JobPage from '@/views/system/job/index.vue'
import JobLogPage from '@/views/system/job-log/index.vue'
import { checkArguments, defaultArguments, parseJsonField } from '@/views/system/job/jobArgs'

function serve(handler) {
  const calls = []
  service.defaults.adapter = (config) => {
    calls.push(config)
    const [status, body] = handler(config) || [404, { detail: 'Not Found' }]
    const data = body === undefined ? '' : JSON.parse(JSON.stringify(body))
    const response = { data, status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
  }
  return calls
}

const DICTS = {
  sys_job_status: [
    { label: '运行中', label_en: 'Running', value: 'running', css_class: 'success', sort: 1 },
    { label: '暂停', label_en: 'Paused', value: 'paused', css_class: 'warning', sort: 2 }
  ],
  sys_misfire_policy: [
    { label: '全部补执行', label_en: 'Run every missed fire', value: 'run_now', css_class: 'primary', sort: 1 },
    { label: '补执行一次', label_en: 'Run once', value: 'run_once', css_class: 'success', sort: 2 },
    { label: '放弃执行', label_en: 'Skip', value: 'skip', css_class: 'info', sort: 3 }
  ],
  sys_job_notify: [
    { label: '不通知', label_en: 'None', value: 'none', css_class: 'info', sort: 1 },
    { label: '失败时通知', label_en: 'On failure', value: 'failure', css_class: 'warning', sort: 2 },
    { label: '总是通知', label_en: 'Always', value: 'always', css_class: 'primary', sort: 3 }
  ],
  sys_job_log_status: [
    { label: '成功', label_en: 'Success', value: 'success', css_class: 'success', sort: 1 },
    { label: '失败', label_en: 'Failed', value: 'failed', css_class: 'danger', sort: 2 }
  ]
}
const SCRIPTS = [
  {
    name: 'demo',
    description: 'Echo a message, sleep `seconds`, and raise when `fail` is true: to try jobs out',
    signature: "(message: str = 'hello', seconds: float = 1.0, fail: bool = False)",
    params: [
      { name: 'message', kind: 'positional_or_keyword', annotation: 'str', required: false, default: 'hello' },
      { name: 'seconds', kind: 'positional_or_keyword', annotation: 'float', required: false, default: 1.0 },
      { name: 'fail', kind: 'positional_or_keyword', annotation: 'bool', required: false, default: false }
    ]
  },
  {
    name: 'clean_job_logs',
    description: 'Delete the logs of job runs that started more than `days` days ago',
    signature: '(days: int = 30)',
    params: [{ name: 'days', kind: 'positional_or_keyword', annotation: 'int', required: false, default: 30 }]
  }
]
const JOB = {
  id: 5,
  name: 'demo',
  script: 'demo',
  args: [],
  kwargs: { message: 'hello', seconds: 1 },
  cron: '0 * * * *',
  misfire_policy: 'skip',
  concurrent: false,
  status: 'paused',
  notify: 'none',
  notify_user_ids: [],
  remark: 'a demo',
  next_fire_time: null,
  creator_id: null,
  created_time: '2026-11-28T03:11:08Z',
  modified_time: '2026-11-28T03:11:08Z'
}
const FIVE = ['2026-11-28T03:15:00Z', '2026-11-28T03:20:00Z', '2026-11-28T03:25:00Z', '2026-11-28T03:30:00Z', '2026-11-28T03:35:00Z']
const CRON_INVALID = {
  detail: 'a cron expression has 5 fields (minute hour day month weekday) or 6',
  errors: [{ loc: ['body', 'cron'], msg: 'a cron expression has 5 fields (minute hour day month weekday) or 6', type: 'cron_invalid' }],
  code: 'cron_invalid'
}

function jobApi(extra = () => null) {
  return serve((c) => {
    const hit = extra(c)
    if (hit) return hit
    const dict = /^\/system\/dict\/(\w+)$/.exec(c.url)
    if (dict) return [200, DICTS[dict[1]] || []]
    if (c.url === '/system/job/scripts') return [200, SCRIPTS]
    if (c.url === '/permission/user') return [200, { items: [{ id: 7, username: 'ops', nickname: 'Ops', email: 'ops@example.com' }], total: 1, page: 1, size: 50 }]
    if (c.url === '/system/job' && c.method === 'get') return [200, { items: [JOB], total: 1, page: 1, size: 10 }]
    if (c.url === '/system/job/cron/next') {
      const expr = c.params.expr
      return expr.split(' ').length >= 5 ? [200, { cron: expr, next_fire_times: FIVE }] : [422, CRON_INVALID]
    }
    return null
  })
}

async function makeRouter(path = '/system/job') {
  const router = createRouter({
    history: createMemoryHistory(),
    routes: [
      { path: '/system/job', component: { template: '<div/>' } },
      // the job-log page where the menus put it (found by its component, not a fixed path)
      { path: '/ops/runs', component: { template: '<div/>' }, meta: { component: 'system/job-log/index', fullPath: '/ops/runs' } },
      { path: '/:p(.*)*', component: { template: '<div/>' } }
    ]
  })
  await router.push(path)
  return router
}

async function mountWith(component, { props = {}, roles = ['admin'], labels = [], path } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const user = useUserStore()
  user.roles = roles
  user.labels = labels
  const router = await makeRouter(path)
  const wrapper = mount(component, {
    props,
    global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } },
    attachTo: document.body
  })
  await flushPromises()
  await flushPromises()
  return { wrapper, router }
}

const wait = (ms) => new Promise((resolve) => setTimeout(resolve, ms))
// Element Plus shows a form item's message 100 ms after its state turns to error.
async function settle() {
  await flushPromises()
  await wait(130)
  await flushPromises()
}
const cronCalls = (calls) => calls.filter((c) => c.url === '/system/job/cron/next')
const formItem = (label) =>
  [...document.body.querySelectorAll('.job-dialog .el-form-item')].find((el) => el.querySelector('.el-form-item__label')?.textContent.trim() === label)

describe('job arguments', () => {
  it('parse as JSON of the right shape', () => {
    expect(parseJsonField('', 'array')).toEqual({ value: [] })
    expect(parseJsonField(' {"days": 3} ', 'object')).toEqual({ value: { days: 3 } })
    expect(parseJsonField('{"days": 3', 'object').error.key).toBe('job.jsonInvalid')
    expect(parseJsonField('{}', 'array').error.key).toBe('job.argsNotArray')
    expect(parseJsonField('[1]', 'object').error.key).toBe('job.kwargsNotObject')
  })

  it('are checked against the signature and filled from its defaults', () => {
    const [demo] = SCRIPTS
    expect(checkArguments(demo, [], { message: 'hi' })).toEqual([])
    expect(checkArguments(demo, ['a', 1, true, 'x'], {}).map((p) => p.key)).toEqual(['job.tooManyArgs'])
    expect(checkArguments(demo, [], { nope: 1 })).toEqual([{ field: 'kwargs', key: 'job.unknownArg', values: { name: 'nope' } }])
    expect(checkArguments(demo, ['a'], { message: 'b' }).map((p) => p.key)).toEqual(['job.argGivenTwice'])
    const needy = { params: [{ name: 'path', kind: 'positional_or_keyword', required: true, default: null }] }
    expect(checkArguments(needy, [], {}).map((p) => p.key)).toEqual(['job.missingArgs'])
    expect(checkArguments(needy, ['/tmp'], {})).toEqual([])
    expect(defaultArguments(demo)).toEqual({ args: [], kwargs: { message: 'hello', seconds: 1.0, fail: false } })
  })
})

describe('job form', () => {
  beforeEach(() => {
    setLocale('en')
    clearDictCache()
  })

  it('previews the next five fire times of the cron being typed, debounced', async () => {
    const calls = jobApi()
    const { wrapper } = await mountWith(JobForm, { props: { open: true, scripts: SCRIPTS, previewDelay: 20 } })
    const form = wrapper.vm.$.setupState.form
    // The debounce runs on a fake clock: a busy machine must not let a keystroke's timer fire.
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] })
    try {
      form.cron = '*/5'
      await flushPromises()
      form.cron = '*/5 * * *'
      await flushPromises()
      form.cron = ' */5 * * * * '
      await flushPromises()
      vi.advanceTimersByTime(60)
    } finally {
      vi.useRealTimers()
    }
    await flushPromises()
    // only the last expression (trimmed) was asked for
    expect(cronCalls(calls).map((c) => c.params.expr)).toEqual(['*/5 * * * *'])
    expect(cronCalls(calls)[0].silent).toBe(true)
    const items = [...document.body.querySelectorAll('.cron-preview li')].map((li) => li.textContent.trim())
    expect(items).toHaveLength(5)
    for (const item of items) expect(item).toMatch(/^2026-11-2[78] \d\d:\d\d:00$/)
    expect(document.body.querySelector('.cron-preview').textContent).toContain('Next five fire times')
    wrapper.unmount()
  })

  it('shows a refused cron under the field, with no toast, and does not submit it', async () => {
    const calls = jobApi()
    ElMessage.mockClear()
    const { wrapper } = await mountWith(JobForm, { props: { open: true, scripts: SCRIPTS, previewDelay: 0 } })
    const state = wrapper.vm.$.setupState
    Object.assign(state.form, { name: 'x', script: 'demo', cron: 'bad cron' })
    await settle()
    expect(cronCalls(calls).map((c) => c.params.expr)).toEqual(['bad cron'])
    const error = formItem('Cron').querySelector('.el-form-item__error')
    expect(error.textContent).toContain('a cron expression has 5 fields')
    expect(document.body.querySelector('.cron-preview')).toBeNull()
    expect(ElMessage).not.toHaveBeenCalled()

    await state.submit()
    await flushPromises()
    expect(calls.some((c) => c.url === '/system/job' && c.method === 'post')).toBe(false)

    // fixing it clears the message and shows the times
    state.form.cron = '0 3 * * *'
    await settle()
    expect(formItem('Cron').querySelector('.el-form-item__error')).toBeNull()
    expect(document.body.querySelectorAll('.cron-preview li')).toHaveLength(5)
    wrapper.unmount()
  })

  it('notifies users picked from the user list, not typed addresses', async () => {
    const calls = jobApi((c) => (c.url === '/system/job' && c.method === 'post' ? [201, { id: 9 }] : null))
    const { wrapper } = await mountWith(JobForm, { props: { open: true, scripts: SCRIPTS, previewDelay: 0 } })
    const state = wrapper.vm.$.setupState
    expect(calls.some((c) => c.url === '/permission/user')).toBe(false) // not until it notifies
    Object.assign(state.form, { name: 'nightly', script: 'demo', cron: '0 3 * * *', notify: 'failure' })
    await settle()
    expect(calls.some((c) => c.url === '/permission/user')).toBe(true)
    expect(state.userOptions.map((o) => o.label)).toEqual(['Ops (ops)'])
    state.form.notify_user_ids = [7]
    await flushPromises()
    await state.submit()
    await settle()
    const body = JSON.parse(calls.filter((c) => c.method === 'post').pop().data)
    expect(body).toMatchObject({ notify: 'failure', notify_user_ids: [7] })
    expect(body).not.toHaveProperty('notify_emails')
    wrapper.unmount()
  })

  it('puts the API field errors next to their fields (409 name, 422 kwargs)', async () => {
    let answer = [409, { detail: 'a job has this name', code: 'job_name_exists' }]
    const calls = jobApi((c) => (c.url === '/system/job' && c.method === 'post' ? answer : null))
    const { wrapper } = await mountWith(JobForm, { props: { open: true, scripts: SCRIPTS, previewDelay: 0 } })
    const state = wrapper.vm.$.setupState
    Object.assign(state.form, { name: 'demo', script: 'demo', cron: '0 3 * * *', kwargsText: '{"message": "hi"}' })
    await flushPromises()
    await state.submit()
    await settle()
    const body = JSON.parse(calls.filter((c) => c.method === 'post').pop().data)
    expect(body).toMatchObject({ name: 'demo', script: 'demo', args: [], kwargs: { message: 'hi' }, cron: '0 3 * * *', status: 'paused', notify: 'none', notify_user_ids: [] })
    expect(formItem('Job name').querySelector('.el-form-item__error').textContent).toContain('a job has this name')

    answer = [422, { detail: "the arguments do not fit demo(...): got an unexpected keyword argument 'zz'", errors: [{ loc: ['body', 'kwargs'], msg: "the arguments do not fit demo(...): got an unexpected keyword argument 'zz'", type: 'job_args_invalid' }], code: 'job_args_invalid' }]
    state.form.name = 'demo 2'
    await flushPromises()
    await state.submit()
    await settle()
    expect(formItem('Job name').querySelector('.el-form-item__error')).toBeNull()
    expect(formItem('Named args').querySelector('.el-form-item__error').textContent).toContain("unexpected keyword argument 'zz'")
    expect(wrapper.emitted('saved')).toBeUndefined()

    answer = [201, { id: 9 }]
    await state.submit()
    await flushPromises()
    expect(wrapper.emitted('saved')).toHaveLength(1)
    wrapper.unmount()
  })

  it('catches bad JSON and unknown arguments before asking the API', async () => {
    const calls = jobApi()
    const { wrapper } = await mountWith(JobForm, { props: { open: true, scripts: SCRIPTS, previewDelay: 0 } })
    const state = wrapper.vm.$.setupState
    Object.assign(state.form, { name: 'x', script: 'demo', cron: '0 3 * * *', kwargsText: '{"zz": 1}' })
    await settle()
    expect(formItem('Named args').querySelector('.el-form-item__error').textContent).toContain('The script has no parameter "zz"')
    state.form.argsText = '[1,'
    await settle()
    expect(formItem('Positional args').querySelector('.el-form-item__error').textContent).toContain('Not valid JSON')
    await state.submit()
    await flushPromises()
    expect(calls.some((c) => c.method === 'post')).toBe(false)
    wrapper.unmount()
  })
})

describe('jobs page', () => {
  beforeEach(() => {
    setLocale('en')
    clearDictCache()
    confirmAction.mockClear()
  })

  it('runs a job now, says it started and links to that run', async () => {
    const calls = jobApi((c) => (c.url === '/system/job/5/run' && c.method === 'post' ? [202, { log_id: 42 }] : null))
    const { wrapper, router } = await mountWith(JobPage)
    expect(wrapper.text()).toContain('demo')
    confirmAction.mockResolvedValueOnce(false)
    await wrapper.find('.run-job').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url === '/system/job/5/run')).toBe(false) // cancelled: nothing sent

    await wrapper.find('.run-job').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.url === '/system/job/5/run' && c.method === 'post')).toHaveLength(1)
    expect(ElMessage.success).toHaveBeenCalledWith('Job "demo" started')
    const alert = wrapper.find('.run-started')
    expect(alert.text()).toContain('Job "demo" started (run #42)')
    const link = wrapper.find('.run-log-link')
    expect(link.text()).toBe('View run #42')
    await link.trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/ops/runs')
    expect(router.currentRoute.value.query).toEqual({ log_id: '42' })
    wrapper.unmount()
  })

  it('hides run, edit and delete without their labels; logs stay', async () => {
    jobApi()
    const { wrapper } = await mountWith(JobPage, { roles: ['opt'], labels: ['perm:job:get', 'perm:job:run'] })
    const texts = wrapper.findAll('button').map((b) => b.text().trim())
    expect(texts).toContain('Run now')
    expect(texts).toContain('Logs')
    for (const hidden of ['Add', 'Edit', 'Delete']) expect(texts).not.toContain(hidden)
    expect(wrapper.find('.status-switch').exists()).toBe(false) // a tag instead of the switch
    wrapper.unmount()
  })

  it('pauses and resumes from the status switch', async () => {
    const calls = jobApi((c) => (c.method === 'put' && /\/(pause|resume)$/.test(c.url) ? [204, undefined] : null))
    const { wrapper } = await mountWith(JobPage)
    await wrapper.find('.status-switch').trigger('click')
    await flushPromises()
    expect(calls.filter((c) => c.method === 'put').map((c) => c.url)).toEqual(['/system/job/5/resume'])
    wrapper.unmount()
  })

  it('opens the runs of a job on the job-log page', async () => {
    jobApi()
    const { wrapper, router } = await mountWith(JobPage)
    await wrapper.find('.job-logs').trigger('click')
    await flushPromises()
    expect(router.currentRoute.value.path).toBe('/ops/runs')
    expect(router.currentRoute.value.query).toEqual({ job_id: '5', job_name: 'demo' })
    wrapper.unmount()
  })
})

describe('job-log page', () => {
  const RUN = { id: 42, job_id: 5, job_name: 'demo', script: 'demo', trigger: 'manual', status: 'failed', scheduled_time: null, start_time: '2026-11-28T03:11:25Z', end_time: '2026-11-28T03:11:26Z', duration_ms: 1001, error: 'RuntimeError: boom', instance: 'vm:1:abc' }

  beforeEach(() => {
    setLocale('en')
    clearDictCache()
  })

  it('filters by the job in the route and opens the run in ?log_id with its output', async () => {
    const calls = serve((c) => {
      const dict = /^\/system\/dict\/(\w+)$/.exec(c.url)
      if (dict) return [200, DICTS[dict[1]] || []]
      if (c.url === '/system/job-log') return [200, { items: [RUN], total: 1, page: 1, size: 10 }]
      if (c.url === '/system/job-log/42') return [200, { ...RUN, output: 'demo: hello\nslept 1 s' }]
      return null
    })
    const { wrapper } = await mountWith(JobLogPage, { path: '/ops/runs?job_id=5&job_name=demo&log_id=42' })
    const list = calls.filter((c) => c.url === '/system/job-log')
    expect(list).toHaveLength(1)
    expect(list[0].params).toEqual({ job_id: '5', page: 1, size: 10 })
    expect(wrapper.find('.job-filter').text()).toBe('demo')
    expect(wrapper.text()).toContain('Manual')

    const dialog = document.body.querySelector('.job-log-dialog')
    expect(calls.some((c) => c.url === '/system/job-log/42')).toBe(true)
    expect(dialog.querySelector('.log-output').textContent).toBe('demo: hello\nslept 1 s')
    expect(dialog.querySelector('.log-error').textContent).toBe('RuntimeError: boom')
    expect(dialog.textContent).toContain('Failed')

    // dropping the job filter lists every run again
    await wrapper.vm.$.setupState.clearJobFilter()
    await flushPromises()
    expect(calls.filter((c) => c.url === '/system/job-log').pop().params).toEqual({ page: 1, size: 10 })
    wrapper.unmount()
  })

  it('kept alive while another page is shown, asks nothing until its own address changes', async () => {
    const calls = serve((c) => {
      const dict = /^\/system\/dict\/(\w+)$/.exec(c.url)
      if (dict) return [200, DICTS[dict[1]] || []]
      if (c.url === '/system/job-log') return [200, { items: [RUN], total: 1, page: 1, size: 10 }]
      if (c.url === '/system/job-log/42') return [200, RUN]
      return null
    })
    // Mounted outside a router-view, the page stays alive across navigations as in <keep-alive>.
    const { wrapper, router } = await mountWith(JobLogPage, { path: '/ops/runs?job_id=5&log_id=42' })
    const runs = () => calls.filter((c) => c.url.startsWith('/system/job-log'))
    expect(runs().map((c) => c.url)).toEqual(['/system/job-log', '/system/job-log/42'])

    await router.push('/system/job') // another tab
    await flushPromises()
    expect(runs()).toHaveLength(2)
    await router.push('/ops/runs?job_id=5&log_id=42') // back to its tab, as it was
    await flushPromises()
    expect(runs()).toHaveLength(2)
    await router.push('/ops/runs?job_id=6') // its own address changed: that job's runs
    await flushPromises()
    expect(runs()).toHaveLength(3)
    expect(runs()[2].params).toEqual({ job_id: '6', page: 1, size: 10 })
    wrapper.unmount()
  })
})

describe('job form cron builder', () => {
  beforeEach(() => {
    setLocale('en')
    clearDictCache()
  })

  it('opens under the cron box, shows the preset picked, and its choices rewrite the box and the preview', { timeout: 20_000 }, async () => {
    const calls = jobApi()
    const { wrapper } = await mountWith(JobForm, { props: { open: true, scripts: SCRIPTS, previewDelay: 5 } })
    const form = wrapper.vm.$.setupState.form
    expect(document.body.querySelector('.job-dialog .cron-builder')).toBeNull()
    document.body.querySelector('.job-dialog .cron-builder-toggle').click()
    await settle()
    const builder = document.body.querySelector('.job-dialog .cron-builder')
    expect(builder).not.toBeNull()
    expect([...builder.querySelectorAll('.el-tabs__item')].map((t) => t.textContent.trim())).toEqual(['Second', 'Minute', 'Hour', 'Day', 'Month', 'Weekday'])

    form.cron = '0 3 * * 1' // as the presets menu sets it
    await settle()
    const checked = (key) => builder.querySelector(`.cron-pane-${key} .el-radio.is-checked`).dataset.type
    expect(checked('hour')).toBe('specific')
    expect(builder.querySelector('.cron-pane-hour .cron-value[data-value="3"]').classList).toContain('is-checked')

    // Weekday: every day.
    const every = builder.querySelector('.cron-pane-week .el-radio[data-type="every"] input')
    every.checked = true
    every.dispatchEvent(new Event('change'))
    await settle()
    expect(form.cron).toBe('0 3 * * *')
    // The next-fires preview follows the builder's expression.
    expect(cronCalls(calls).map((c) => c.params.expr).at(-1)).toBe('0 3 * * *')
    expect(document.body.querySelectorAll('.cron-preview li')).toHaveLength(5)
    wrapper.unmount()
  })
})
