// The dashboard's module list: the one file outside a module's folder that names the module.
// A module (a slice under `src/views/<module>/`) declares itself in its `module.ts`: its texts
// (merged into the messages by `locales/`), the menu paths its backend module seeds (so such a
// page the user may not open is a 403, not a 404), and the built-in dictionary items its pages
// show while the dictionary API does not answer. Its API calls live in the slice too.
import org from '@/views/org/module'
import regcode from '@/views/business/regcode/module'
import monitor from '@/views/monitor/module'
import notice from '@/views/notice/module'
import file from '@/views/file/module'
import type { Component } from 'vue'

/** A dictionary item as `GET /system/dict/{type_code}` answers it. */
export interface DictItem {
  label: string
  label_en: string
  value: string
  css_class: string
}

/** Messages of one language: nested objects of vue-i18n strings. */
export interface Messages {
  [key: string]: string | Messages
}

/** What a dashboard module declares. */
export interface DashboardModule {
  /** The backend module's name (`regcode`). */
  name: string
  /** Its texts by language; top-level keys are the module's own (`regcode.*`). */
  locale: { 'zh-CN': Messages; en: Messages }
  /** Menu paths its backend module seeds (`/business/reg-code`). */
  pages?: string[]
  /** Built-in items of its dictionaries, used only while the dictionary API fails. */
  dicts?: Record<string, DictItem[]>
  /** A widget it adds to the navbar (the notice bell); load it lazily, it is on every page. */
  navbar?: Component
}

export const MODULES: DashboardModule[] = [org, monitor, regcode, notice, file]

/** The modules' texts of `lang`, to merge into the dashboard's own; a key used twice stops the build of the messages. */
export function moduleMessages(lang: 'zh-CN' | 'en', base: Messages, modules: DashboardModule[] = MODULES): Messages {
  const out: Messages = { ...base }
  for (const mod of modules) {
    for (const [key, value] of Object.entries(mod.locale[lang])) {
      if (key in out) throw new Error(`message key "${key}" of module ${mod.name} is taken`)
      out[key] = value
    }
  }
  return out
}

/** The menu paths every module seeds. */
export function modulePages(modules: DashboardModule[] = MODULES): string[] {
  return modules.flatMap((m) => m.pages || [])
}

/** The built-in dictionaries of every module. */
export function moduleDicts(modules: DashboardModule[] = MODULES): Record<string, DictItem[]> {
  return Object.assign({}, ...modules.map((m) => m.dicts || {}))
}
