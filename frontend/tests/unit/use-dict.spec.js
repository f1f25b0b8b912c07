import { describe, it, expect, beforeEach, vi } from 'vitest'

const getDictItems = vi.hoisted(() => vi.fn())
vi.mock('@/api/dict', () => ({ getDictItems }))

import { DEFAULT_DICTS, clearDictCache, dictReady, selectDictLabel, useDict } from '@/composables/useDict'
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
})
