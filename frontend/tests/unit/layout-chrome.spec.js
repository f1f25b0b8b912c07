// The layout's chrome: theme settings (drawer, <html> dark class and primary colour, remembered
// in localStorage), the tags bar's context menu, and pages kept alive between tabs.
import { describe, it, expect, beforeEach } from 'vitest'
import { flushPromises, mount } from '@vue/test-utils'
import { createPinia, setActivePinia } from 'pinia'
import { createRouter, createMemoryHistory, RouterView } from 'vue-router'
import { defineComponent, h, onMounted, ref } from 'vue'

import i18n, { setLocale } from '@/locales'
import directives from '@/directives'
import Layout from '@/layout/index.vue'
import { useSettingsStore } from '@/store/modules/settings'
import { useTagsViewStore } from '@/store/modules/tagsView'
import { applySettings, DEFAULT_SETTINGS, loadSettings, mix, primaryVariables, SETTINGS_KEY } from '@/utils/theme'

const mounts = {}
/** A page with a counter: its state survives only while its instance is kept. */
function page(label) {
  return defineComponent({
    setup() {
      const count = ref(0)
      onMounted(() => {
        mounts[label] = (mounts[label] || 0) + 1
      })
      return () => h('div', { class: `page-${label}` }, [h('button', { class: 'inc', onClick: () => count.value++ }, `${label}:${count.value}`)])
    }
  })
}

function makeRouter() {
  return createRouter({
    history: createMemoryHistory(),
    routes: [
      {
        path: '/',
        component: Layout,
        redirect: '/index',
        children: [
          { path: 'index', name: 'Dashboard', component: page('home'), meta: { titleKey: 'route.dashboard', affix: true } },
          { path: 'a', name: 'PageA', component: page('a'), meta: { title: 'A', titleEn: 'A' } },
          { path: 'b', name: 'PageB', component: page('b'), meta: { title: 'B', titleEn: 'B' } },
          { path: 'c', name: 'PageC', component: page('c'), meta: { title: 'C', titleEn: 'C' } },
          { path: 'nocache', name: 'NoCache', component: page('n'), meta: { title: 'N', titleEn: 'N', noCache: true } }
        ]
      }
    ]
  })
}

async function settle() {
  for (let i = 0; i < 4; i += 1) {
    await flushPromises()
    await new Promise((r) => setTimeout(r, 30))
  }
}

async function mountLayout(path = '/index') {
  const pinia = createPinia()
  setActivePinia(pinia)
  const router = makeRouter()
  await router.push(path)
  const wrapper = mount({ render: () => h('div', [h(RouterView)]) }, { global: { plugins: [pinia, i18n, router, directives] }, attachTo: document.body })
  await settle()
  return { wrapper, router }
}

beforeEach(() => {
  localStorage.clear()
  document.documentElement.className = ''
  document.documentElement.removeAttribute('style')
  document.body.innerHTML = ''
  setLocale('en')
  for (const k of Object.keys(mounts)) delete mounts[k]
})

describe('theme settings', () => {
  it('default to light, Element Plus blue, every part shown; broken saved values fall back', () => {
    expect(loadSettings()).toEqual({ ...DEFAULT_SETTINGS })
    localStorage.setItem(SETTINGS_KEY, '{not json')
    expect(loadSettings()).toEqual({ ...DEFAULT_SETTINGS })
    localStorage.setItem(SETTINGS_KEY, JSON.stringify({ dark: 'yes', primary: 'red;}', tagsView: false, fixedHeader: 0 }))
    expect(loadSettings()).toEqual({ ...DEFAULT_SETTINGS, tagsView: false })
    localStorage.setItem(SETTINGS_KEY, JSON.stringify({ primary: '#F5222D', dark: true }))
    expect(loadSettings()).toMatchObject({ primary: '#f5222d', dark: true })
  })

  it('put the dark class and the primary colour variables on <html>', () => {
    const root = document.documentElement
    applySettings({ ...DEFAULT_SETTINGS, dark: true, primary: '#11a983' })
    expect(root.classList.contains('dark')).toBe(true)
    expect(root.style.getPropertyValue('--el-color-primary')).toBe('#11a983')
    expect(root.style.getPropertyValue('--el-color-primary-light-3')).toBe(mix('#11a983', '#141414', 0.3))
    applySettings({ ...DEFAULT_SETTINGS })
    expect(root.classList.contains('dark')).toBe(false)
    // The default colour is Element Plus' own stylesheet's.
    expect(root.style.getPropertyValue('--el-color-primary')).toBe('')
    expect(primaryVariables('#409eff')).toMatchObject({
      '--el-color-primary': '#409eff',
      '--el-color-primary-light-3': '#79bbff',
      '--el-color-primary-light-9': '#ecf5ff',
      '--el-color-primary-dark-2': '#337ecc'
    })
  })

  it('the drawer opens from the navbar; each switch applies at once and is remembered', { timeout: 20_000 }, async () => {
    const { wrapper } = await mountLayout('/a')
    expect(wrapper.find('.tags-view').exists()).toBe(true)
    expect(wrapper.find('.sidebar-logo').exists()).toBe(true)
    expect(wrapper.find('.app-header').classes()).toContain('fixed-header')

    await wrapper.find('.navbar-settings').trigger('click')
    await settle()
    const drawer = document.querySelector('.settings-drawer')
    expect(drawer).not.toBeNull()
    expect(drawer.textContent).toContain('Dark mode')
    expect(drawer.textContent).toContain('Theme colour')

    drawer.querySelector('.setting-dark').click()
    drawer.querySelector('.settings-swatch[data-color="#f5222d"]').click()
    drawer.querySelector('.setting-tags-view').click()
    drawer.querySelector('.setting-fixed-header').click()
    drawer.querySelector('.setting-sidebar-logo').click()
    await settle()

    expect(document.documentElement.classList.contains('dark')).toBe(true)
    expect(document.documentElement.style.getPropertyValue('--el-color-primary')).toBe('#f5222d')
    expect(wrapper.find('.tags-view').exists()).toBe(false)
    expect(wrapper.find('.sidebar-logo').exists()).toBe(false)
    expect(wrapper.find('.app-header').classes()).not.toContain('fixed-header')
    expect(JSON.parse(localStorage.getItem(SETTINGS_KEY))).toEqual({ dark: true, primary: '#f5222d', tagsView: false, fixedHeader: false, sidebarLogo: false })

    // A new store (the next visit) starts from what was saved.
    setActivePinia(createPinia())
    expect(useSettingsStore().$state).toMatchObject({ dark: true, primary: '#f5222d', tagsView: false })
    useSettingsStore().reset()
    expect(document.documentElement.classList.contains('dark')).toBe(false)
    expect(JSON.parse(localStorage.getItem(SETTINGS_KEY))).toEqual({ ...DEFAULT_SETTINGS })
    wrapper.unmount()
  })

  it('the drawer speaks Chinese too', { timeout: 20_000 }, async () => {
    setLocale('zh-CN')
    const { wrapper } = await mountLayout('/a')
    useSettingsStore().openDrawer()
    await settle()
    const text = document.querySelector('.settings-drawer').textContent
    expect(text).toContain('暗黑模式')
    expect(text).toContain('主题颜色')
    expect(text).toContain('固定头部')
    wrapper.unmount()
  })
})

describe('tags view', () => {
  it('the store closes tabs left and right of one, keeping affixed tabs, and caches open pages only', () => {
    setActivePinia(createPinia())
    const tags = useTagsViewStore()
    const view = (name, extra = {}) => ({ path: `/${name}`, fullPath: `/${name}`, name, meta: { title: name, ...extra } })
    tags.add(view('home', { affix: true }))
    for (const n of ['a', 'b', 'c', 'd']) tags.add(view(n))
    tags.add(view('nocache', { noCache: true }))
    expect(tags.cachedViews).toEqual(['home', 'a', 'b', 'c', 'd'])
    tags.closeLeft('/c')
    expect(tags.visited.map((v) => v.name)).toEqual(['home', 'c', 'd', 'nocache'])
    tags.closeRight('/c')
    expect(tags.visited.map((v) => v.name)).toEqual(['home', 'c'])
    expect(tags.cachedViews).toEqual(['home', 'c'])
  })

  it('right click on a tab opens the menu; close left / right / others / all follow it', { timeout: 20_000 }, async () => {
    const { wrapper, router } = await mountLayout('/a')
    for (const p of ['/b', '/c']) {
      await router.push(p)
      await settle()
    }
    const titles = () => wrapper.findAll('.tags-item').map((t) => t.text())
    expect(titles()).toEqual(['Home', 'A', 'B', 'C'])

    const rightClick = async (path) => {
      await wrapper.find(`.tags-item[data-path="${path}"]`).trigger('contextmenu', { clientX: 100, clientY: 40 })
      await settle()
      return document.querySelector('.tags-context-menu')
    }
    let menu = await rightClick('/b')
    expect([...menu.querySelectorAll('li')].map((li) => li.textContent)).toEqual([
      'Refresh',
      'Close',
      'Close others',
      'Close tabs to the left',
      'Close tabs to the right',
      'Close all'
    ])
    menu.querySelector('[data-action="right"]').click()
    await settle()
    expect(document.querySelector('.tags-context-menu')).toBeNull()
    expect(titles()).toEqual(['Home', 'A', 'B'])
    // The current page (C) was closed: B, the tab clicked, is shown.
    expect(router.currentRoute.value.path).toBe('/b')

    menu = await rightClick('/b')
    menu.querySelector('[data-action="left"]').click()
    await settle()
    expect(titles()).toEqual(['Home', 'B'])

    await router.push('/a')
    await settle()
    menu = await rightClick('/a')
    menu.querySelector('[data-action="others"]').click()
    await settle()
    expect(titles()).toEqual(['Home', 'A'])
    expect(router.currentRoute.value.path).toBe('/a')

    menu = await rightClick('/index')
    expect(menu.querySelector('[data-action="close"]').classList).toContain('is-disabled')
    menu.querySelector('[data-action="all"]').click()
    await settle()
    expect(titles()).toEqual(['Home'])
    expect(router.currentRoute.value.path).toBe('/index')

    // Chinese labels.
    setLocale('zh-CN')
    menu = await rightClick('/index')
    expect(menu.textContent).toContain('关闭左侧')
    expect(menu.textContent).toContain('关闭右侧')
    wrapper.unmount()
  })

  it('pages keep their state when switching tabs; refresh and closing re-mount them', { timeout: 20_000 }, async () => {
    const { wrapper, router } = await mountLayout('/a')
    await wrapper.find('.page-a .inc').trigger('click')
    await wrapper.find('.page-a .inc').trigger('click')
    expect(wrapper.find('.page-a').text()).toBe('a:2')

    await router.push('/b')
    await settle()
    await wrapper.find('.page-b .inc').trigger('click')
    await router.push('/a')
    await settle()
    expect(wrapper.find('.page-a').text()).toBe('a:2') // kept alive
    expect(mounts.a).toBe(1)

    // Refresh (context menu) mounts the page afresh.
    await wrapper.find('.tags-item[data-path="/a"]').trigger('contextmenu', { clientX: 10, clientY: 10 })
    await settle()
    document.querySelector('.tags-context-menu [data-action="refresh"]').click()
    await settle()
    expect(mounts.a).toBe(2)
    expect(wrapper.find('.page-a').text()).toBe('a:0')
    // ...and it is kept alive again afterwards.
    await wrapper.find('.page-a .inc').trigger('click')
    await router.push('/b')
    await settle()
    expect(wrapper.find('.page-b').text()).toBe('b:1')
    await router.push('/a')
    await settle()
    expect(wrapper.find('.page-a').text()).toBe('a:1')

    // A closed tab's page starts over when opened again.
    await wrapper.find('.tags-item[data-path="/b"] .tags-close').trigger('click')
    await settle()
    await router.push('/b')
    await settle()
    expect(wrapper.find('.page-b').text()).toBe('b:0')

    // A page marked noCache is not kept.
    await router.push('/nocache')
    await settle()
    await wrapper.find('.page-n .inc').trigger('click')
    await router.push('/a')
    await settle()
    await router.push('/nocache')
    await settle()
    expect(wrapper.find('.page-n').text()).toBe('n:0')

    // Without the tags bar no page is kept.
    useSettingsStore().set('tagsView', false)
    await settle()
    await router.push('/a')
    await settle()
    await wrapper.find('.page-a .inc').trigger('click')
    await router.push('/b')
    await settle()
    await router.push('/a')
    await settle()
    expect(wrapper.find('.page-a').text()).toBe('a:0')
    wrapper.unmount()
  })
})
