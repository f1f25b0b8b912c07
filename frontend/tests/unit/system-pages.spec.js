// Config parameters, dictionaries and registration codes against a fake API.
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
import DictTag from '@/components/DictTag/index.vue'
import ConfigPage from '@/views/system/config/index.vue'
import DictPage from '@/views/system/dict/index.vue'
import RegCodePage from '@/views/business/regcode/index.vue'

function serve(handler) {
  const calls = []
  service.defaults.adapter = (config) => {
    calls.push(config)
    const [status, body] = handler(config) || [404, { detail: 'Not Found' }]
    // A copy, as a real response would be: pages may change the rows they were given.
    const data = JSON.parse(JSON.stringify(body))
    const response = { data, status, statusText: '', headers: {}, config, request: {} }
    if (status < 400) return Promise.resolve(response)
    return Promise.reject(Object.assign(new Error(String(status)), { config, response, isAxiosError: true }))
  }
  return calls
}

async function mountPage(component, { roles = ['admin'], labels = [] } = {}) {
  const pinia = createPinia()
  setActivePinia(pinia)
  const user = useUserStore()
  user.roles = roles
  user.labels = labels
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
  await router.push('/')
  const wrapper = mount(component, {
    global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } },
    attachTo: document.body
  })
  await flushPromises()
  await flushPromises()
  return wrapper
}

const buttonTexts = (wrapper) => wrapper.findAll('button').map((b) => b.text().trim()).filter(Boolean)
const lastCall = (calls, url, method = 'get') => calls.filter((c) => c.url === url && c.method === method).pop()
const tableOf = (wrapper) => wrapper.findComponent({ name: 'ElTable' })

const REG_STATE = [
  { label: '未激活', label_en: 'Inactive', value: '0', css_class: 'info', sort: 1 },
  { label: '已激活', label_en: 'Active', value: '1', css_class: 'success', sort: 2 },
  { label: '已过期', label_en: 'Expired', value: '2', css_class: 'danger', sort: 3 }
]
const CODES = {
  items: [
    { id: 1, code: 'AAAAA-BBBBB-CCCCC-DDDDD', reg_times: 30, first_active_time: null, deadline: null, state: 0, remark: 'batch 1', creator_id: 1, creator: 'admin', created_time: '2026-01-02T03:04:05Z', modified_time: null },
    { id: 2, code: 'EEEEE-FFFFF-GGGGG-HHHHH', reg_times: 7, first_active_time: '2026-01-03T00:00:00Z', deadline: '2026-01-10T00:00:00Z', state: 1, remark: '', creator_id: 1, creator: 'opt', created_time: '2026-01-02T03:04:05Z', modified_time: null }
  ],
  total: 2,
  page: 1,
  size: 10
}

function regcodeApi(extra = () => null) {
  return serve((c) => {
    const hit = extra(c)
    if (hit) return hit
    if (c.url === '/system/dict/sys_reg_code_state') return [200, REG_STATE]
    if (c.url === '/business/reg-code' && c.method === 'get') return [200, CODES]
    return null
  })
}

describe('registration codes page', () => {
  beforeEach(() => {
    setLocale('en')
    clearDictCache()
    confirmAction.mockClear()
  })

  it('sends the filters (ISO date ranges) and the column sort to the API', async () => {
    const calls = regcodeApi()
    const wrapper = await mountPage(RegCodePage)
    expect(lastCall(calls, '/business/reg-code').params).toEqual({ page: 1, size: 10 })

    const state = wrapper.vm.$.setupState
    state.query.code = ' AAAAA '
    state.query.state = '0'
    state.query.deadline = ['2026-02-01', '2026-02-28']
    state.query.created = ['2026-01-01', '2026-01-31']
    await wrapper.findAll('button').find((b) => b.text() === 'Search').trigger('click')
    await flushPromises()
    const params = lastCall(calls, '/business/reg-code').params
    expect(params).toMatchObject({ code: 'AAAAA', state: '0', page: 1, size: 10 })
    expect(params.deadline_start).toMatch(/^2026-02-01T00:00:00[+-]\d\d:\d\d$/)
    expect(params.deadline_end).toMatch(/^2026-02-28T23:59:59[+-]\d\d:\d\d$/)
    expect(params.created_start).toMatch(/^2026-01-01T00:00:00/)
    expect(params.created_end).toMatch(/^2026-01-31T23:59:59/)
    expect(params).not.toHaveProperty('deadline')
    expect(params).not.toHaveProperty('created')

    // sortable columns: the table's sort-change becomes the API's sort and order
    tableOf(wrapper).vm.$emit('sort-change', { prop: 'deadline', order: 'descending' })
    await flushPromises()
    expect(lastCall(calls, '/business/reg-code').params).toMatchObject({ sort: 'deadline', order: 'desc', page: 1 })
    tableOf(wrapper).vm.$emit('sort-change', { prop: 'state', order: 'ascending' })
    await flushPromises()
    expect(lastCall(calls, '/business/reg-code').params).toMatchObject({ sort: 'state', order: 'asc' })
    tableOf(wrapper).vm.$emit('sort-change', { prop: 'state', order: null })
    await flushPromises()
    expect(lastCall(calls, '/business/reg-code').params).not.toHaveProperty('sort')
    wrapper.unmount()
  })

  it('shows the rows with dictionary state tags, days and creator; admin gets every action', async () => {
    regcodeApi()
    const wrapper = await mountPage(RegCodePage)
    const text = wrapper.text()
    expect(text).toContain('AAAAA-BBBBB-CCCCC-DDDDD')
    expect(text).toContain('30 days')
    expect(text).toContain('Inactive') // label_en of the server's dictionary
    expect(text).toContain('Active')
    expect(text).toContain('opt')
    const tags = wrapper.findAll('.state-tag .el-tag')
    expect(tags[0].classes()).toContain('el-tag--info')
    expect(tags[1].classes()).toContain('el-tag--success')
    const buttons = buttonTexts(wrapper)
    expect(buttons).toContain('Generate')
    expect(buttons.filter((b) => b === 'Activate')).toHaveLength(1) // only the inactive code
    expect(buttons.filter((b) => b === 'Edit')).toHaveLength(2)
    expect(buttons.filter((b) => b === 'Delete')).toHaveLength(2)
    wrapper.unmount()
  })

  it('is read-only for a user holding only perm:regcode:get', async () => {
    regcodeApi()
    const wrapper = await mountPage(RegCodePage, { roles: ['user'], labels: ['perm:regcode:get'] })
    expect(wrapper.text()).toContain('AAAAA-BBBBB-CCCCC-DDDDD')
    const buttons = buttonTexts(wrapper)
    for (const hidden of ['Generate', 'Activate', 'Edit', 'Delete']) expect(buttons).not.toContain(hidden)
    expect(wrapper.text()).not.toContain('Actions') // no empty operation column either
    wrapper.unmount()
  })

  it('activates after a confirmation and shows the deadline the API answered in the row', async () => {
    const activated = { ...CODES.items[0], first_active_time: '2026-03-01T10:00:00Z', deadline: '2026-03-31T10:00:00Z', state: 1 }
    const calls = regcodeApi((c) => (c.url === '/business/reg-code/1/activate' && c.method === 'put' ? [200, activated] : null))
    const wrapper = await mountPage(RegCodePage)
    confirmAction.mockResolvedValueOnce(false)
    await wrapper.findAll('button').find((b) => b.text() === 'Activate').trigger('click')
    await flushPromises()
    expect(calls.some((c) => c.url.endsWith('/activate'))).toBe(false) // cancelled: nothing sent

    await wrapper.findAll('button').find((b) => b.text() === 'Activate').trigger('click')
    await flushPromises()
    expect(confirmAction).toHaveBeenCalledTimes(2)
    expect(lastCall(calls, '/business/reg-code/1/activate', 'put')).toBeTruthy()
    const firstRow = wrapper.findAll('.regcode-table .el-table__body tr')[0]
    expect(firstRow.find('.deadline').text()).toMatch(/^2026-03-3[01] \d\d:\d\d:\d\d$/)
    expect(buttonTexts(wrapper)).not.toContain('Activate')
    wrapper.unmount()
  })

  it('generates a batch and lists the new codes for copying', async () => {
    const batch = { count: 2, items: [{ ...CODES.items[0], id: 9, code: 'NEW01-AAAAA-BBBBB-CCCCC' }, { ...CODES.items[0], id: 10, code: 'NEW02-AAAAA-BBBBB-CCCCC' }] }
    const calls = regcodeApi((c) => (c.url === '/business/reg-code' && c.method === 'post' ? [201, batch] : null))
    const wrapper = await mountPage(RegCodePage)
    const state = wrapper.vm.$.setupState
    state.openGenerate()
    await flushPromises()
    Object.assign(state.genForm, { count: 2, reg_times: 90, remark: ' for ACME ' })
    await state.submitGenerate()
    await flushPromises()
    expect(JSON.parse(lastCall(calls, '/business/reg-code', 'post').data)).toEqual({ count: 2, reg_times: 90, remark: 'for ACME' })
    const area = document.body.querySelector('.generated-codes textarea')
    expect(area.value).toBe('NEW01-AAAAA-BBBBB-CCCCC\nNEW02-AAAAA-BBBBB-CCCCC')
    expect(document.body.textContent).toContain('2 codes generated')
    wrapper.unmount()
  })

  it('edits the remark only once a code is active (its validity is fixed)', async () => {
    const calls = regcodeApi((c) => (c.method === 'put' ? [200, {}] : null))
    const wrapper = await mountPage(RegCodePage)
    const state = wrapper.vm.$.setupState
    state.openEdit(CODES.items[1])
    state.form.remark = 'vip'
    state.form.reg_times = 99
    await state.submitEdit()
    expect(JSON.parse(lastCall(calls, '/business/reg-code/2', 'put').data)).toEqual({ remark: 'vip' })
    state.openEdit(CODES.items[0])
    state.form.reg_times = 45
    await state.submitEdit()
    expect(JSON.parse(lastCall(calls, '/business/reg-code/1', 'put').data)).toEqual({ remark: 'batch 1', reg_times: 45 })
    wrapper.unmount()
  })
})

describe('config parameters page', () => {
  const CONFIGS = {
    items: [{ id: 1, name: 'Open sign-up', key: 'sys.account.registration_open', value: 'true', remark: '', sort: 1, created_time: '2026-01-01T00:00:00Z', modified_time: null }],
    total: 1,
    page: 1,
    size: 10
  }

  beforeEach(() => {
    setLocale('en')
    clearDictCache()
  })

  it('lists, filters, sorts and saves parameters', async () => {
    const calls = serve((c) => {
      if (c.url === '/system/config-setting' && c.method === 'get') return [200, CONFIGS]
      if (c.method === 'post' || c.method === 'put') return [200, { id: 1 }]
      return null
    })
    const wrapper = await mountPage(ConfigPage)
    expect(wrapper.text()).toContain('sys.account.registration_open')
    const { table, crud } = wrapper.vm.$.setupState
    table.query.key = 'sys.'
    table.query.created = ['2026-01-01', '2026-01-02']
    await table.handleQuery()
    expect(lastCall(calls, '/system/config-setting').params).toMatchObject({ key: 'sys.', created_start: expect.stringMatching(/^2026-01-01T/) })
    tableOf(wrapper).vm.$emit('sort-change', { prop: 'key', order: 'ascending' })
    await flushPromises()
    expect(lastCall(calls, '/system/config-setting').params).toMatchObject({ sort: 'key', order: 'asc' })

    crud.openEdit(CONFIGS.items[0])
    await flushPromises()
    crud.form.value = 'false\n'
    await crud.submitForm()
    await flushPromises()
    expect(JSON.parse(lastCall(calls, '/system/config-setting/1', 'put').data)).toEqual({
      name: 'Open sign-up', key: 'sys.account.registration_open', value: 'false\n', remark: '', sort: 1
    })
    wrapper.unmount()
  })

  it('hides add, edit and delete without the config labels', async () => {
    serve((c) => (c.url === '/system/config-setting' ? [200, CONFIGS] : null))
    const wrapper = await mountPage(ConfigPage, { roles: ['user'], labels: ['perm:config:get'] })
    const buttons = buttonTexts(wrapper)
    for (const hidden of ['Add', 'Edit', 'Delete']) expect(buttons).not.toContain(hidden)
    wrapper.unmount()
  })
})

describe('dictionaries page', () => {
  const TYPES = { items: [{ id: 10, code: 'sys_reg_code_state', name: 'Reg code state', status: 1, remark: '', created_time: '2026-01-01T00:00:00Z' }], total: 1, page: 1, size: 10 }
  const ITEMS = {
    items: [{ id: 24, type_code: 'sys_reg_code_state', label: '未激活', label_en: 'Inactive', value: '0', sort: 1, status: 1, css_class: 'info', remark: '', created_time: '2026-01-01T00:00:00Z' }],
    total: 1,
    page: 1,
    size: 10
  }

  beforeEach(() => {
    setLocale('en')
    clearDictCache()
  })

  it('opens the items of a type and creates one in that type', async () => {
    const calls = serve((c) => {
      if (c.url === '/system/dict-type' && c.method === 'get') return [200, TYPES]
      if (c.url === '/system/dict-item' && c.method === 'get') return [200, ITEMS]
      if (c.url === '/system/dict-item' && c.method === 'post') return [201, { id: 30 }]
      return null
    })
    const wrapper = await mountPage(DictPage)
    expect(wrapper.text()).toContain('sys_reg_code_state')
    await wrapper.find('.dict-code-link').trigger('click')
    await flushPromises()
    await flushPromises()
    expect(lastCall(calls, '/system/dict-item').params).toMatchObject({ type_code: 'sys_reg_code_state', page: 1 })
    const drawer = document.body.querySelector('.dict-items-drawer')
    expect(drawer.textContent).toContain('Inactive')
    expect(drawer.textContent).toContain('Reg code state (sys_reg_code_state)')

    const items = wrapper.findComponent({ name: 'DictItems' })
    const state = items.vm.$.setupState
    state.openAdd()
    await flushPromises()
    Object.assign(state.form, { label: '已作废', label_en: 'Void', value: '3', css_class: 'warning' })
    await state.submitForm()
    await flushPromises()
    expect(JSON.parse(lastCall(calls, '/system/dict-item', 'post').data)).toEqual({
      type_code: 'sys_reg_code_state', label: '已作废', label_en: 'Void', value: '3', sort: 2, status: 1, css_class: 'warning', remark: ''
    })
    wrapper.unmount()
  })
})

describe('DictTag and the language', () => {
  it('shows label_en in English and label in Chinese, with the css_class as tag type', async () => {
    setLocale('en')
    const wrapper = mount(DictTag, { props: { options: REG_STATE, value: 2 }, global: { plugins: [i18n] } })
    expect(wrapper.text()).toBe('Expired')
    expect(wrapper.find('.el-tag').classes()).toContain('el-tag--danger')
    setLocale('zh-CN')
    await flushPromises()
    expect(wrapper.text()).toBe('已过期')
    await wrapper.setProps({ options: [{ label: '默认', label_en: '', value: '1', css_class: 'default' }], value: '1' })
    setLocale('en')
    await flushPromises()
    expect(wrapper.text()).toBe('默认') // no English label: the label
    expect(wrapper.find('.el-tag').classes()).toContain('el-tag--plain')
    wrapper.unmount()
  })

  it('every request carries Accept-Language from the current locale', async () => {
    const calls = serve(() => [200, {}])
    setLocale('en')
    await service.get('/anything')
    setLocale('zh-CN')
    await service.get('/anything')
    expect(calls.map((c) => c.headers['Accept-Language'])).toEqual(['en', 'zh-CN'])
    setLocale('en')
  })
})
