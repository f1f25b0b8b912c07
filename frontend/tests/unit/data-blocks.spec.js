// The list-page blocks that take data instead of markup: column definitions (useColumns +
// DataColumns, drawn by TableCard), search fields from those columns (useTable({ fields })),
// plain form fields (FormFields in CrudDialog), useCrud's defaults (formOf, trimmed, api) and
// ActionsColumn's row buttons.
import { describe, it, expect, beforeEach, vi } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { h, reactive, ref } from 'vue'
import { ElForm, ElTable } from 'element-plus'

vi.mock('@/utils/confirm', () => ({ confirmAction: vi.fn(() => Promise.resolve(true)) }))

import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import { createdColumn, idColumn, useColumns } from '@/composables/useColumns'
import { formOf, trimmed, useCrud } from '@/composables/useCrud'
import { useTable } from '@/composables/useTable'
import { useUserStore } from '@/store/modules/user'
import ActionsColumn from '@/components/ActionsColumn/index.vue'
import FormFields from '@/components/FormFields/index.vue'
import TableCard from '@/components/TableCard/index.vue'
import AppDialog from '@/components/AppDialog/index.vue'

const STATUS = [
  { label: '正常', label_en: 'Active', value: 1 },
  { label: '停用', label_en: 'Disabled', value: 0 }
]
const ROWS = [
  { id: 1, name: 'Alpha', key: 'sys.a', status: 1, created_time: '2026-01-01T00:00:00Z' },
  { id: 2, name: 'Beta', key: 'sys.b', status: 0, created_time: '2026-01-02T00:00:00Z' }
]

let pinia
beforeEach(() => {
  window.localStorage.clear()
  document.body.innerHTML = ''
  pinia = createPinia()
  setActivePinia(pinia)
  useUserStore().roles = ['admin']
  setLocale('en')
})

const global = () => ({ plugins: [pinia, i18n, directives], stubs: { transition: false } })

describe('useColumns definitions', () => {
  it('keys columns by prop, ellipsises min-width columns unless told, and gives the search fields in order', () => {
    const status = ref(STATUS)
    const columns = useColumns('demo/defs', [
      idColumn(72),
      { prop: 'name', label: 'user.username', min: 100, search: { placeholder: 'who' } },
      { key: 'tags', label: 'user.roles', min: 90, tip: false },
      { prop: 'status', label: 'user.status', dict: status, search: true },
      createdColumn({ sort: true, search: true })
    ], { hidden: ['tags'] })
    expect(columns.defs.map((c) => [c.key, c.tip])).toEqual([['id', false], ['name', true], ['tags', false], ['status', false], ['created', false]])
    expect(columns.visible('tags')).toBe(false)
    expect(columns.search()).toEqual([
      { label: 'user.username', prop: 'name', placeholder: 'who', dict: undefined, options: undefined },
      { label: 'user.status', prop: 'status', type: 'select', dict: STATUS, options: undefined },
      { label: 'common.createdTime', prop: 'created', type: 'daterange', dict: undefined, options: undefined }
    ])
  })
})

describe('useTable fields', () => {
  it('starts each field empty, sends a date range as bounds and answers the fields again when they change', async () => {
    const calls = []
    const options = ref([{ label: 'a', value: 'a' }])
    const table = useTable((params) => (calls.push(params), Promise.resolve({ items: [], total: 0 })), {
      sortable: true,
      fields: () => [
        { prop: 'name', label: 'user.username' },
        { prop: 'kind', label: 'user.status', type: 'select', options: options.value },
        { prop: 'created', label: 'common.createdTime', type: 'daterange' }
      ]
    })
    await flushPromises()
    expect(table.query).toMatchObject({ page: 1, size: 10, name: '', kind: '', created: [], sort: '', order: '' })
    table.query.created = ['2026-01-01', '2026-01-02']
    await table.handleQuery()
    expect(calls.at(-1)).toMatchObject({ created_start: expect.stringMatching(/^2026-01-01T/) })
    expect(calls.at(-1).created).toBeUndefined()
    options.value = [...options.value, { label: 'b', value: 'b' }]
    expect(table.fields.value[1].options).toHaveLength(2)
  })
})

describe('TableCard with column definitions', () => {
  const mountCard = (cells = {}) => {
    const Page = {
      setup() {
        const columns = useColumns('demo/card', [
          idColumn(80, { sort: true }),
          { prop: 'name', label: 'user.username', min: 100, search: true },
          { prop: 'key', label: 'config.key', min: 120, code: true },
          { prop: 'status', label: 'user.status', dict: STATUS, search: true },
          createdColumn()
        ])
        const table = useTable(() => Promise.resolve({ items: ROWS, total: 2 }), { fields: columns.search })
        return () => h(TableCard, { table, columns }, cells)
      }
    }
    return mount(Page, { global: global(), attachTo: document.body })
  }
  const headers = (w) => w.findAll('.el-table__header th').map((th) => th.text().trim()).filter(Boolean)

  it('draws the table, the search card and the pager from the definitions, in the current language', async () => {
    const wrapper = mountCard()
    await flushPromises()
    expect(headers(wrapper)).toEqual(['ID', 'Username', 'Key', 'Status', 'Created'])
    expect(wrapper.findAll('.search-form .el-form-item__label').map((l) => l.text())).toEqual(['Username', 'Status'])
    expect(wrapper.findAll('code.code-cell').map((c) => c.text())).toEqual(['sys.a', 'sys.b'])
    expect(wrapper.text()).toContain('Disabled') // the dictionary tag
    expect(wrapper.find('.el-pagination').exists()).toBe(true)
    setLocale('zh-CN')
    await flushPromises()
    expect(headers(wrapper)).toContain('状态')
    wrapper.unmount()
  })

  it("renders a page's own cell once per row (no copy from the empty-row probe) and follows the picker", async () => {
    const wrapper = mountCard({ name: ({ row }) => h('b', { class: 'own-cell' }, row.name.toUpperCase()) })
    await flushPromises()
    expect(wrapper.findAll('.own-cell').map((b) => b.text())).toEqual(['ALPHA', 'BETA'])
    expect(document.querySelectorAll('.own-cell')).toHaveLength(2)
    wrapper.findComponent(TableCard).props('columns').set('key', false)
    await flushPromises()
    expect(headers(wrapper)).toEqual(['ID', 'Username', 'Status', 'Created'])
    wrapper.unmount()
  })
})

describe('FormFields', () => {
  it('renders inputs, textareas, numbers and tips from data, bound to the form, in a grid with cols', async () => {
    const form = reactive({ name: 'x', body: '', sort: 3, secret: '' })
    const fields = [
      { prop: 'name', label: 'config.name', max: 10, tip: 'config.keyRule', disabled: true },
      { prop: 'body', label: 'config.value', type: 'textarea', rows: { minRows: 2 } },
      { prop: 'sort', label: 'config.sort', type: 'number', min: 0, max: 9 },
      { prop: 'secret', label: 'user.password', type: 'password', wide: true },
      { prop: 'gone', label: 'user.phone', show: false }
    ]
    const wrapper = mount({ render: () => h(ElForm, { model: form }, () => h(FormFields, { form, fields, cols: true })) }, { global: global() })
    await flushPromises()
    expect(wrapper.findAll('.el-form-item__label').map((l) => l.text())).toEqual(['Name', 'Value', 'Order', 'Password'])
    expect(wrapper.find('input[maxlength="10"]').attributes('disabled')).toBeDefined()
    expect(wrapper.find('.form-tip').text()).toBe(i18n.global.t('config.keyRule'))
    expect(wrapper.find('textarea').exists()).toBe(true)
    expect(wrapper.find('input[type="password"]').exists()).toBe(true)
    expect(wrapper.findAll('.el-col').map((c) => c.classes().includes('el-col-sm-12'))).toEqual([true, true, true, false])
    await wrapper.find('textarea').setValue('hello')
    expect(form.body).toBe('hello')
  })
})

describe('useCrud defaults', () => {
  it('fills the form from a row by the blank form, and sends it trimmed through api', async () => {
    expect(formOf({ name: '', sort: 0, status: 1, ids: [] }, { name: null, sort: '7', status: 0, ids: [1], extra: 'x' })).toEqual({ name: '', sort: 7, status: 0, ids: [1] })
    expect(trimmed({ a: ' x ', b: 2 })).toEqual({ a: 'x', b: 2 })
    const api = { create: vi.fn(() => Promise.resolve()), update: vi.fn(() => Promise.resolve()), remove: vi.fn(() => Promise.resolve()) }
    const reload = vi.fn()
    const crud = useCrud({ emptyForm: () => ({ name: '', status: 1 }), api, reload })
    crud.openEdit({ id: 9, name: ' Beta ', status: '0' })
    expect({ ...crud.form }).toEqual({ name: ' Beta ', status: 0 })
    await crud.submitForm()
    expect(api.update).toHaveBeenCalledWith(9, { name: 'Beta', status: 0 })
    crud.openAdd()
    crud.form.name = 'New '
    await crud.submitForm()
    expect(api.create).toHaveBeenCalledWith({ name: 'New', status: 1 })
    await crud.remove({ id: 4, name: 'Gone' })
    expect(api.remove).toHaveBeenCalledWith(4)
    expect(reload).toHaveBeenCalledTimes(3)
  })
})

describe('ActionsColumn buttons', () => {
  it('puts the data buttons before Edit or between Edit and Delete, behind their labels, and a Detail first', async () => {
    useUserStore().roles = ['user']
    useUserStore().labels = ['perm:demo:put', 'perm:demo:delete']
    const ran = []
    const buttons = [
      { label: 'job.run', class: 'run-it', perm: 'perm:demo:run', click: (row) => ran.push(['run', row.id]) },
      { label: 'job.logs', class: 'logs-of', at: 'middle', click: (row) => ran.push(['logs', row.id]) }
    ]
    const Page = {
      render: () =>
        h(ElTable, { data: [{ id: 1 }] }, () =>
          h(ActionsColumn, { width: 300, edit: 'perm:demo:put', remove: 'perm:demo:delete', buttons, detail: 'see-it', onDetail: (row) => ran.push(['detail', row.id]) })
        )
    }
    const wrapper = mount(Page, { global: global(), attachTo: document.body })
    await flushPromises()
    const texts = wrapper.findAll('.table-actions button').map((b) => b.text())
    expect(texts).toEqual(['Detail', 'Edit', 'Logs', 'Delete']) // Run now needs perm:demo:run
    await wrapper.find('.logs-of').trigger('click')
    await wrapper.find('.see-it').trigger('click')
    expect(ran).toEqual([['logs', 1], ['detail', 1]])
    wrapper.unmount()
  })
})

describe('AppDialog', () => {
  it('is an el-dialog in the body with the house defaults, its class, slots and v-model', async () => {
    const open = ref(true)
    const wrapper = mount(
      { render: () => h(AppDialog, { modelValue: open.value, 'onUpdate:modelValue': (v) => (open.value = v), title: 'Hello', class: 'mine' }, { default: () => h('p', { class: 'inside' }, 'body'), footer: () => h('button', { class: 'foot' }, 'ok') }) },
      { global: global(), attachTo: document.body }
    )
    await flushPromises()
    const box = document.body.querySelector('.el-dialog.responsive-dialog.mine')
    expect(box).toBeTruthy()
    expect(box.querySelector('.inside').textContent).toBe('body')
    expect(box.querySelector('.foot')).toBeTruthy()
    document.body.querySelector('.el-overlay-dialog').dispatchEvent(new MouseEvent('mousedown', { bubbles: true }))
    document.body.querySelector('.el-overlay-dialog').dispatchEvent(new MouseEvent('mouseup', { bubbles: true }))
    document.body.querySelector('.el-overlay-dialog').click()
    await flushPromises()
    expect(open.value).toBe(true) // a click beside it does not close it
    wrapper.unmount()
  })
})
