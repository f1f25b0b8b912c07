import { defineStore } from 'pinia'
import { applySettings, DEFAULT_SETTINGS, loadSettings, normalizeColor, saveSettings } from '@/utils/theme'

const KEYS = Object.keys(DEFAULT_SETTINGS)

/** The theme drawer's settings: remembered per browser, applied to <html> as they change. */
export const useSettingsStore = defineStore('settings', {
  state: () => ({ ...loadSettings(), drawerOpen: false }),
  actions: {
    set(key, value) {
      if (!KEYS.includes(key)) return
      if (key === 'primary') value = normalizeColor(value) || DEFAULT_SETTINGS.primary
      else value = !!value
      this[key] = value
      this.persist()
    },
    reset() {
      Object.assign(this, DEFAULT_SETTINGS)
      this.persist()
    },
    persist() {
      const settings = Object.fromEntries(KEYS.map((k) => [k, this[k]]))
      saveSettings(settings)
      applySettings(settings)
    },
    openDrawer() {
      this.drawerOpen = true
    }
  }
})
