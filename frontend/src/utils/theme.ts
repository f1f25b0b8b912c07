// Layout settings of this browser (theme drawer): dark mode, theme colour, tags view, fixed
// header, sidebar logo. Kept in localStorage and applied to <html> by main.ts before the app
// mounts, so the first paint of the app already has them (no inline script: the CSP forbids it).
import { getItem, setItem } from '@/utils/storage'

export const SETTINGS_KEY = 'layoutSettings'
export const DEFAULT_PRIMARY = '#409eff'
/** Swatches offered in the drawer (Element Plus blue first). */
export const PRIMARY_SWATCHES = ['#409eff', '#1890ff', '#304156', '#11a983', '#13c2c2', '#6959cd', '#f5222d', '#fa541c']

/** The theme drawer's choices. */
export interface LayoutSettings {
  dark: boolean
  primary: string
  tagsView: boolean
  fixedHeader: boolean
  sidebarLogo: boolean
}

/** The switches of the drawer (every setting but the colour). */
export const SWITCHES = ['dark', 'tagsView', 'fixedHeader', 'sidebarLogo'] as const

export const DEFAULT_SETTINGS: Readonly<LayoutSettings> = Object.freeze({
  dark: false,
  primary: DEFAULT_PRIMARY,
  tagsView: true,
  fixedHeader: true,
  sidebarLogo: true
})

const HEX = /^#([0-9a-f]{6})$/i

/** `#abc` / `#AABBCC` / `rgb(…)` → `#aabbcc`, or null for anything else. */
export function normalizeColor(value: unknown): string | null {
  if (typeof value !== 'string') return null
  const text = value.trim().toLowerCase()
  const short = /^#([0-9a-f])([0-9a-f])([0-9a-f])$/.exec(text)
  if (short) return `#${short[1]}${short[1]}${short[2]}${short[2]}${short[3]}${short[3]}`
  if (HEX.test(text)) return text
  const rgb = /^rgba?\(\s*(\d{1,3})\s*,\s*(\d{1,3})\s*,\s*(\d{1,3})/.exec(text)
  if (rgb && rgb.slice(1, 4).every((n) => Number(n) <= 255)) {
    return `#${rgb.slice(1, 4).map((n) => Number(n).toString(16).padStart(2, '0')).join('')}`
  }
  return null
}

/** The settings saved in this browser, every missing or broken value taken from the defaults. */
export function loadSettings(): LayoutSettings {
  let saved: Partial<Record<keyof LayoutSettings, unknown>> = {}
  try {
    saved = JSON.parse(getItem(SETTINGS_KEY, '{}')) || {}
  } catch {
    saved = {}
  }
  const settings: LayoutSettings = { ...DEFAULT_SETTINGS }
  for (const key of SWITCHES) {
    const value = saved[key]
    if (typeof value === 'boolean') settings[key] = value
  }
  settings.primary = normalizeColor(saved.primary) || DEFAULT_PRIMARY
  return settings
}

export function saveSettings(settings: LayoutSettings): void {
  setItem(SETTINGS_KEY, JSON.stringify(settings))
}

function toRgb(hex: string): number[] {
  const n = parseInt(hex.slice(1), 16)
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255]
}

/** Mix `color` with `base` (both `#rrggbb`): `weight` 0 → color, 1 → base, as Element Plus' SCSS mix. */
export function mix(color: string, base: string, weight: number): string {
  const a = toRgb(color)
  const b = toRgb(base)
  return `#${a.map((c, i) => Math.round(c * (1 - weight) + b[i] * weight).toString(16).padStart(2, '0')).join('')}`
}

/** Element Plus' primary colour variables for `primary`, in light or dark mode. */
export function primaryVariables(primary: unknown, dark = false): Record<string, string> {
  const color = normalizeColor(primary) || DEFAULT_PRIMARY
  // Dark mode mixes the light steps towards the dark background, as Element Plus' dark theme does.
  const light = dark ? '#141414' : '#ffffff'
  const vars: Record<string, string> = { '--el-color-primary': color }
  for (const step of [3, 5, 7, 8, 9]) vars[`--el-color-primary-light-${step}`] = mix(color, light, step / 10)
  vars['--el-color-primary-dark-2'] = mix(color, dark ? '#ffffff' : '#000000', 0.2)
  return vars
}

/** Put the settings on `<html>`: the `dark` class and the primary colour variables. */
export function applySettings(settings: LayoutSettings, root: HTMLElement = document.documentElement): void {
  root.classList.toggle('dark', !!settings.dark)
  root.style.colorScheme = settings.dark ? 'dark' : ''
  const vars = primaryVariables(settings.primary, settings.dark)
  const custom = normalizeColor(settings.primary) !== DEFAULT_PRIMARY
  for (const [name, value] of Object.entries(vars)) {
    // The default blue is Element Plus' own stylesheet (light and dark): leave it to that.
    if (custom) root.style.setProperty(name, value)
    else root.style.removeProperty(name)
  }
}
