import { describe, it, expect } from 'vitest'
import { mount } from '@vue/test-utils'
import { createRouter, createMemoryHistory } from 'vue-router'
import i18n, { setLocale } from '@/locales'
import Forbidden from '@/views/error/403.vue'
import { isKnownPage, viewPaths } from '@/router/known'

async function render(locale) {
  setLocale(locale)
  const router = createRouter({ history: createMemoryHistory(), routes: [{ path: '/:p(.*)*', component: Forbidden }] })
  await router.push('/system/config')
  const wrapper = mount(Forbidden, { global: { plugins: [i18n, router] } })
  const text = wrapper.text()
  wrapper.unmount()
  return text
}

describe('the 403 page', () => {
  it('says "no permission" in English and in Chinese, naming the page', async () => {
    const en = await render('en')
    expect(en).toContain('403')
    expect(en).toContain('No permission')
    expect(en).toContain('/system/config')
    const zh = await render('zh-CN')
    expect(zh).toContain('没有访问权限')
    expect(zh).toContain('/system/config')
    setLocale('en')
  })

  it('knows the pages from the seeded menus and the page files, not the public pages', () => {
    expect(isKnownPage('/business/reg-code')).toBe(true)
    expect(isKnownPage('/business/reg-code/')).toBe(true)
    expect(isKnownPage('/business')).toBe(true)
    expect(isKnownPage('/business/regcode')).toBe(true) // views/business/regcode/index.vue
    expect(isKnownPage('/')).toBe(false)
    expect(isKnownPage('/busi')).toBe(false)
    expect(isKnownPage('/login')).toBe(false)
    expect(viewPaths()).not.toContain('/error')
    expect(viewPaths({ '../views/shop/order/index.vue': null, '../views/error/x/index.vue': null })).toEqual(['/shop/order'])
  })
})
