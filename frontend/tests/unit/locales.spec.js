// Every message must compile: vue-i18n reads '@', '|', '{' and '}' as syntax, and a message that
// does not compile throws at render time in the production build (the page shows nothing).
import { describe, it, expect } from 'vitest'
import { baseCompile } from '@intlify/message-compiler'
import en from '@/locales/en'
import zhCN from '@/locales/zh-CN'

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

  it('catches a bare @ (linked-message syntax)', () => {
    const errors = []
    baseCompile('letters _ . @ -', { onError: (e) => errors.push(e) })
    expect(errors.length).toBeGreaterThan(0)
  })
})
