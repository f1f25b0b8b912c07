import { defineStore } from 'pinia'
import { applySettings, DEFAULT_SETTINGS, loadSettings, normalizeColor, saveSettings, SWITCHES, type LayoutSettings } from '@/utils/theme'

const KEYS = Object.keys(DEFAULT_SETTINGS) as Array<keyof LayoutSettings>

/** The theme drawer's settings: remembered per browser, applied to <html> as they change. */
export const useSettingsStore = defineStore('settings', {
  state: () => ({ ...loadSettings(), drawerOpen: false }),
  actions: {
    set(key: string, value: unknown) {
      if (key === 'primary') this.primary = normalizeColor(value) || DEFAULT_SETTINGS.primary
      else if ((SWITCHES as readonly string[]).includes(key)) this[key as (typeof SWITCHES)[number]] = !!value
      else return
      this.persist()
    },
    reset() {
      Object.assign(this, DEFAULT_SETTINGS)
      this.persist()
    },
    persist() {
      const settings = Object.fromEntries(KEYS.map((k) => [k, this[k]])) as unknown as LayoutSettings
      saveSettings(settings)
      applySettings(settings)
    },
    openDrawer() {
      this.drawerOpen = true
    }
  }
})
