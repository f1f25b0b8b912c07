// Every message must compile: vue-i18n reads '@', '|', '{' and '}' as syntax, and a message that
// does not compile throws at render time in the production build (the page shows nothing).
import { describe, it, expect } from 'vitest'
import { baseCompile } from '@intlify/message-compiler'
import { messages } from '@/locales'
import { moduleMessages } from '@/modules'

// The dashboard's catalogues with every module's texts merged in (src/modules.ts).
const { en, 'zh-CN': zhCN } = messages

function flatten(obj, prefix = '') {
  const out = {}
  for (const [key, value] of Object.entries(obj)) {
    if (value && typeof value === 'object') Object.assign(out, flatten(value, `${prefix}${key}.`))
    else out[`${prefix}${key}`] = value
  }
  return out
}

describe('locales', () => {
  it('have the same keys', () => {
    expect(Object.keys(flatten(en)).sort()).toEqual(Object.keys(flatten(zhCN)).sort())
  })

  it.each([
    ['en', en],
    ['zh-CN', zhCN]
  ])('%s messages all compile', (_name, messages) => {
    const broken = []
    for (const [key, text] of Object.entries(flatten(messages))) {
      baseCompile(String(text), { onError: (err) => broken.push(`${key}: ${err.message}`) })
    }
    expect(broken).toEqual([])
  })

  it("hold each module's texts, which may not take a key of another", () => {
    expect(en.regcode.activate).toBe('Activate')
    expect(zhCN.regcode.activate).toMatch(/[\u4e00-\u9fff]/)
    const mod = (name, key) => ({ name, locale: { 'zh-CN': { [key]: { a: '甲' } }, en: { [key]: { a: 'a' } } } })
    expect(() => moduleMessages('en', { common: {} }, [mod('one', 'common')])).toThrow(/common.*one/)
    expect(() => moduleMessages('en', {}, [mod('one', 'x'), mod('two', 'x')])).toThrow(/two/)
    expect(moduleMessages('en', { common: { ok: 'OK' } }, [mod('one', 'one')])).toEqual({ common: { ok: 'OK' }, one: { a: 'a' } })
  })

  it('catches a bare @ (linked-message syntax)', () => {
    const errors = []
    baseCompile('letters _ . @ -', { onError: (e) => errors.push(e) })
    expect(errors.length).toBeGreaterThan(0)
  })
})
