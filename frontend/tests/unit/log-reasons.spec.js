import { describe, it, expect, afterEach } from 'vitest'
import { setLocale } from '@/locales'
import en from '@/locales/en'
import zhCN from '@/locales/zh-CN'
import { loginReason } from '@/views/log/login/reason'

// The codes core.audit.model.LoginFailure writes into t_login_log.message (docs/sessions.md, "Login log").
const CODES = ['wrong_password', 'unknown_user', 'throttled', 'disabled', 'captcha_invalid', 'mfa_invalid', 'forced_logout', 'refresh_reused', 'mfa']

describe('login-log reasons', () => {
  afterEach(() => setLocale('zh-CN'))

  it('has a text for every reason code in both locales', () => {
    for (const code of CODES) {
      expect(en.log.reasons[code]).toBeTruthy()
      expect(zhCN.log.reasons[code]).toMatch(/[\u4e00-\u9fff]/)
    }
  })

  it('words a code, and an old row\'s English words, in the dashboard\'s language', () => {
    setLocale('zh-CN')
    expect(loginReason('wrong_password')).toBe('密码错误')
    expect(loginReason('wrong password')).toBe('密码错误')
    expect(loginReason('unknown user')).toBe('用户不存在')
    setLocale('en')
    expect(loginReason('throttled')).toBe('Too many failed attempts (locked)')
    expect(loginReason('disabled')).toBe('Account disabled')
  })

  it('shows an unknown reason as stored, and nothing for a success', () => {
    expect(loginReason('something new')).toBe('something new')
    expect(loginReason('')).toBe('')
  })
})
