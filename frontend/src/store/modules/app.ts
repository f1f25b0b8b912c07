import { defineStore } from 'pinia'
import { getItem, setItem } from '@/utils/storage'
import { getLocale, setLocale } from '@/locales'

const SIDEBAR_KEY = 'sidebarStatus'
export const MOBILE_WIDTH = 992

export type Device = 'mobile' | 'desktop'

function initialDevice(): Device {
  return typeof window !== 'undefined' && window.innerWidth > 0 && window.innerWidth < MOBILE_WIDTH ? 'mobile' : 'desktop'
}

export const useAppStore = defineStore('app', {
  state: () => {
    // Decided before the first render, so a phone never sees the sidebar slide away on load.
    const device = initialDevice()
    return {
      // Desktop: expanded unless the user collapsed it last time. Mobile: a closed drawer.
      sidebarOpened: device === 'mobile' ? false : getItem(SIDEBAR_KEY, '1') !== '0',
      device,
      language: getLocale()
    }
  },
  getters: {
    isMobile: (state) => state.device === 'mobile'
  },
  actions: {
    toggleSidebar() {
      this.sidebarOpened = !this.sidebarOpened
      if (!this.isMobile) setItem(SIDEBAR_KEY, this.sidebarOpened ? '1' : '0')
    },
    closeSidebar() {
      this.sidebarOpened = false
    },
    setDevice(device: Device) {
      if (this.device === device) return
      this.device = device
      if (device === 'mobile') this.sidebarOpened = false
      else this.sidebarOpened = getItem(SIDEBAR_KEY, '1') !== '0'
    },
    setLanguage(lang: string) {
      setLocale(lang)
      this.language = getLocale()
    }
  }
})
