import { describe, it, expect, beforeEach, vi } from 'vitest'

const getDictItems = vi.hoisted(() => vi.fn())
vi.mock('@/api/dictionary', () => ({ getDictItems }))

import { DEFAULT_DICTS, clearDictCache, dictReady, reloadDict, selectDictLabel, useDict } from '@/composables/useDict'
import { setLocale } from '@/locales'

describe('useDict', () => {
  beforeEach(() => {
    clearDictCache()
    getDictItems.mockReset()
    setLocale('zh-CN')
  })

  it('fills the items from the server and caches them per type', async () => {
    getDictItems.mockResolvedValue([
      { label: '启用', value: 1, css_class: 'success' },
      { label: '禁用', value: 0, css_class: 'danger' }
    ])
    const { sys_user_status } = useDict('sys_user_status')
    await dictReady('sys_user_status')
    expect(sys_user_status.value.map((d) => [d.label, d.value])).toEqual([
      ['启用', '1'],
      ['禁用', '0']
    ])
    useDict('sys_user_status')
    expect(getDictItems).toHaveBeenCalledTimes(1)
  })

  it('falls back to the built-in defaults when the dictionary module is missing', async () => {
    getDictItems.mockRejectedValue(Object.assign(new Error('404'), { status: 404 }))
    const { sys_user_status, sys_menu_type, sys_yes_no, sys_common_status } = useDict(
      'sys_user_status',
      'sys_menu_type',
      'sys_yes_no',
      'sys_common_status'
    )
    await dictReady('sys_user_status', 'sys_menu_type', 'sys_yes_no', 'sys_common_status')
    expect(sys_user_status.value.map((d) => d.value)).toEqual(['1', '0'])
    expect(sys_menu_type.value.map((d) => d.value)).toEqual(['dir', 'menu', 'button'])
    expect(sys_yes_no.value).toHaveLength(2)
    expect(sys_common_status.value).toEqual(DEFAULT_DICTS.sys_common_status)
  })

  it('labels values loosely (numbers, booleans) and follows the language for defaults', async () => {
    getDictItems.mockRejectedValue(new Error('down'))
    const { sys_user_status, sys_yes_no } = useDict('sys_user_status', 'sys_yes_no')
    await dictReady('sys_user_status', 'sys_yes_no')
    expect(selectDictLabel(sys_user_status.value, 1)).toBe('正常')
    expect(selectDictLabel(sys_yes_no.value, false)).toBe('否')
    setLocale('en')
    expect(selectDictLabel(sys_user_status.value, 0)).toBe('Disabled')
    expect(selectDictLabel(sys_user_status.value, 7)).toBe('7')
  })

  it('uses label_en from the server in English, sorted by sort, and no fallback for an empty answer', async () => {
    getDictItems.mockImplementation(async (type) =>
      type === 'sys_reg_code_state'
        ? [
            { label: '已激活', label_en: 'Active', value: '1', css_class: 'success', sort: 2 },
            { label: '未激活', label_en: 'Inactive', value: '0', css_class: 'info', sort: 1 }
          ]
        : []
    )
    const { sys_reg_code_state, sys_job_status } = useDict('sys_reg_code_state', 'sys_job_status')
    await dictReady('sys_reg_code_state', 'sys_job_status')
    expect(sys_reg_code_state.value.map((d) => d.value)).toEqual(['0', '1'])
    expect(selectDictLabel(sys_reg_code_state.value, 1)).toBe('已激活')
    setLocale('en')
    expect(selectDictLabel(sys_reg_code_state.value, 1)).toBe('Active')
    expect(sys_job_status.value).toEqual([]) // answered empty: the server is right, not the defaults
  })

  it('reloadDict refreshes the arrays pages already hold', async () => {
    getDictItems.mockResolvedValueOnce([{ label: '旧', label_en: 'Old', value: '1' }])
    const { sys_common_status } = useDict('sys_common_status')
    await dictReady('sys_common_status')
    getDictItems.mockResolvedValueOnce([{ label: '新', label_en: 'New', value: '1' }])
    await reloadDict('sys_common_status')
    expect(sys_common_status.value[0].label).toBe('新')
    // a failing reload keeps what the server said last, not the built-in defaults
    getDictItems.mockRejectedValueOnce(new Error('down'))
    await reloadDict('sys_common_status')
    expect(sys_common_status.value[0].label).toBe('新')
  })
})
