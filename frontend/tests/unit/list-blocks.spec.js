// The shared blocks of the list pages: the column picker of the right toolbar (and that its
// choice survives a reload, in localStorage per page), the search form, and useCrud's
// add / edit / delete cycle (confirmation before a delete, success message, reload).
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory } from 'vue-router'

vi.mock('element-plus', async (importOriginal) => ({
  ...(await importOriginal()),
  ElMessage: Object.assign(vi.fn(), { success: vi.fn(), error: vi.fn(), warning: vi.fn() })
}))
vi.mock('@/utils/confirm', () => ({ confirmAction: vi.fn() }))

import { ElMessage } from 'element-plus'
import service from '@/utils/request'
import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { confirmAction } from '@/utils/confirm'
import { clearDictCache } from '@/composables/useDict'
import { useColumns } from '@/composables/useColumns'
import { attempt, useCrud } from '@/composables/useCrud'
import { useUserStore } from '@/store/modules/user'
import RightToolbar from '@/components/RightToolbar/index.vue'
import SearchForm from '@/components/SearchForm/index.vue'
import LabelPage from '@/views/rbac/label/index.vue'

const COLUMNS = [
  { key: 'name', label: 'user.username' },
  { key: 'email', label: 'user.email' },
  { key: 'phone', label: 'user.phone', visible: false }
]

beforeEach(() => {
  window.localStorage.clear()
  document.body.innerHTML = ''
  setActivePinia(createPinia())
  setLocale('en')
  vi.mocked(ElMessage.success).mockClear()
  vi.mocked(confirmAction).mockReset()
})

describe('useColumns', () => {
  it('starts from the defaults and remembers the choice per page across a reload', () => {
    const first = useColumns('demo/page', COLUMNS)
    expect(first.items.map((c) => c.visible)).toEqual([true, true, false])
    first.set('email', false)
    first.set('phone', true)
    expect(first.visible('email')).toBe(false)
    expect(JSON.parse(window.localStorage.getItem('columns:demo/page'))).toEqual({ name: true, email: false, phone: true })

    // "a reload": the page builds its columns again and reads the stored choice
    const again = useColumns('demo/page', COLUMNS)
    expect(again.visible('email')).toBe(false)
    expect(again.visible('phone')).toBe(true)
    expect(again.visible('not-a-picked-column')).toBe(true)
    // another page keeps its own
    expect(useColumns('other/page', COLUMNS).visible('email')).toBe(true)
  })

  it('survives a broken stored value and a new column takes its default', () => {
    window.localStorage.setItem('columns:demo/page', '{not json')
    expect(useColumns('demo/page', COLUMNS).visible('email')).toBe(true)
    window.localStorage.setItem('columns:demo/page', JSON.stringify({ email: false }))
    const cols = useColumns('demo/page', COLUMNS)
    expect(cols.visible('email')).toBe(false)
    expect(cols.visible('phone')).toBe(false) // not stored: its default
  })
})

describe('RightToolbar column picker', () => {
  it('lists the columns as checkboxes and unticking one hides it, for good', async () => {
    const columns = useColumns('demo/page', COLUMNS)
    const wrapper = mount(RightToolbar, { props: { columns }, global: { plugins: [i18n], stubs: { transition: false } }, attachTo: document.body })
    await wrapper.find('.column-picker').trigger('click')
    await flushPromises()
    const panel = document.body.querySelector('.column-picker-panel')
    expect(panel).toBeTruthy()
    const boxes = [...panel.querySelectorAll('.el-checkbox')]
    expect(boxes.map((b) => b.textContent.trim())).toEqual(['Username', 'E-mail', 'Phone'])
    expect(boxes.map((b) => b.classList.contains('is-checked'))).toEqual([true, true, false])

    boxes[1].querySelector('input').click()
    await flushPromises()
    expect(columns.visible('email')).toBe(false)
    expect(JSON.parse(window.localStorage.getItem('columns:demo/page')).email).toBe(false)
    wrapper.unmount()
  })

  it('has no picker when the page gives no columns', () => {
    const wrapper = mount(RightToolbar, { global: { plugins: [i18n] } })
    expect(wrapper.find('.column-picker').exists()).toBe(false)
    expect(wrapper.findAll('button')).toHaveLength(2)
  })

  it('a list page hides the unticked column and still does after a remount', async () => {
    service.defaults.adapter = (config) => {
      const data = config.url === '/permission/perm-label'
        ? { items: [{ id: 1, label: 'perm:user:get', name: 'Read users', status: 1, remark: 'r', created_time: '2026-01-01T00:00:00Z' }], total: 1, page: 1, size: 10 }
        : []
      return Promise.resolve({ data, status: 200, statusText: '', headers: {}, config, request: {} })
    }
    clearDictCache()
    const mountPage = async () => {
      const pinia = createPinia()
      setActivePinia(pinia)
      useUserStore().roles = ['admin']
      const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: { template: '<div/>' } }] })
      await router.push('/')
      const w = mount(LabelPage, { global: { plugins: [pinia, i18n, router, directives], stubs: { transition: false } }, attachTo: document.body })
      await flushPromises()
      return w
    }
    const headers = (w) => w.findAll('.el-table__header th').map((th) => th.text().trim()).filter(Boolean)
    let wrapper = await mountPage()
    expect(headers(wrapper)).toContain('Remark')
    wrapper.findComponent(RightToolbar).props('columns').set('remark', false)
    await flushPromises()
    expect(headers(wrapper)).not.toContain('Remark')
    wrapper.unmount()

    wrapper = await mountPage()
    expect(headers(wrapper)).not.toContain('Remark')
    expect(headers(wrapper)).toContain('Name')
    wrapper.unmount()
  }, 30_000)
})

describe('SearchForm', () => {
  it('renders inputs, selects and date ranges from the fields, and emits search and reset', async () => {
    const model = { name: '', status: '', created: [] }
    const wrapper = mount(SearchForm, {
      props: {
        model,
        fields: [
          { prop: 'name', label: 'user.username' },
          { prop: 'status', label: 'user.status', type: 'select', options: [{ label: 'On', value: '1' }] },
          { prop: 'created', label: 'common.createdTime', type: 'daterange' }
        ]
      },
      global: { plugins: [createPinia(), i18n] }
    })
    const labels = wrapper.findAll('.el-form-item__label').map((l) => l.text())
    expect(labels).toEqual(['Username', 'Status', 'Created'])
    expect(wrapper.find('input[placeholder="Enter Username"]').exists()).toBe(true)
    const buttons = wrapper.findAll('button')
    await buttons.find((b) => b.text() === 'Search').trigger('click')
    await buttons.find((b) => b.text() === 'Reset').trigger('click')
    expect(wrapper.emitted('search')).toHaveLength(1)
    expect(wrapper.emitted('reset')).toHaveLength(1)
    expect(wrapper.find('.search-card').exists()).toBe(true)
  })
})

describe('useCrud', () => {
  function setup(overrides = {}) {
    const calls = []
    const reload = vi.fn()
    const crud = useCrud({
      emptyForm: () => ({ name: '', note: '' }),
      fromRow: (row) => ({ name: row.name }),
      save: async (form, dialog) => calls.push([dialog.mode, dialog.id, { ...form }]),
      destroy: async (row) => calls.push(['delete', row.id]),
      reload,
      ...overrides
    })
    return { crud, calls, reload }
  }

  it('opens blank or with the row, saves by mode, says so, closes and reloads', async () => {
    const { crud, calls, reload } = setup()
    crud.openAdd({ note: 'x' })
    expect(crud.dialog).toMatchObject({ open: true, mode: 'add', id: null })
    expect({ ...crud.form }).toEqual({ name: '', note: 'x' })
    crud.form.name = 'new'
    expect(await crud.submitForm()).toBe(true)
    expect(calls.pop()).toEqual(['add', null, { name: 'new', note: 'x' }])
    expect(ElMessage.success).toHaveBeenLastCalledWith('Created')
    expect(crud.dialog.open).toBe(false)
    expect(reload).toHaveBeenCalledTimes(1)

    crud.openEdit({ id: 7, name: 'old' })
    expect({ ...crud.form }).toEqual({ name: 'old', note: '' })
    await crud.submitForm()
    expect(calls.pop()).toEqual(['edit', 7, { name: 'old', note: '' }])
    expect(ElMessage.success).toHaveBeenLastCalledWith('Updated')
  })

  it('a failed save keeps the dialog open, shows no success and does not reload', async () => {
    const { crud, reload } = setup({ save: () => Promise.reject(new Error('422')) })
    crud.openAdd()
    expect(await crud.submitForm()).toBe(false)
    expect(crud.dialog.open).toBe(true)
    expect(crud.dialog.saving).toBe(false)
    expect(ElMessage.success).not.toHaveBeenCalled()
    expect(reload).not.toHaveBeenCalled()
  })

  it('asks before a delete: declined nothing happens, confirmed it deletes, says so, reloads', async () => {
    const { crud, calls, reload } = setup()
    vi.mocked(confirmAction).mockResolvedValueOnce(false)
    expect(await crud.remove({ id: 3, name: 'three' })).toBe(false)
    expect(confirmAction).toHaveBeenLastCalledWith('Delete "three"? This cannot be undone.')
    expect(calls).toEqual([])
    vi.mocked(confirmAction).mockResolvedValueOnce(true)
    expect(await crud.remove({ id: 3, name: 'three' })).toBe(true)
    expect(calls).toEqual([['delete', 3]])
    expect(ElMessage.success).toHaveBeenLastCalledWith('Deleted')
    expect(reload).toHaveBeenCalledTimes(1)
  })

  it('attempt stays quiet on failure and passes the answer on', async () => {
    expect(await attempt(() => Promise.reject(new Error('x')), { success: 'common.deleteSuccess' })).toBe(false)
    expect(ElMessage.success).not.toHaveBeenCalled()
    const then = vi.fn()
    expect(await attempt(() => Promise.resolve({ n: 2 }), { success: (r) => `got ${r.n}`, then })).toBe(true)
    expect(ElMessage.success).toHaveBeenLastCalledWith('got 2')
    expect(then).toHaveBeenCalledWith({ n: 2 })
  })
})
