// Self-service routes of the signed-in user (and the anonymous e-mail flows).
import { api, untyped, type Schemas } from './client'
import type { TokenPair } from '@/utils/auth'
import { uploadFile, type UploadConfig } from '@/utils/download'

export type Profile = Schemas['ProfileOut']
export type Routers = Schemas['RoutersOut']

// ---- sign-in (docs/sessions.md; typed by hand until `make api-types` has the routes)
/** The tokens of a new session. */
export interface LoginTokens extends TokenPair {
  refresh_token: string
  refresh_expires_in: number
}
/** The password step's answer: the tokens, or a second step with its mfa token. */
export type LoginAnswer =
  | LoginTokens
  | { mfa_required: true; mfa_token: string; expires_in: number }
  | { mfa_enrol_required: true; mfa_token: string; expires_in: number }

export interface LoginForm {
  username: string
  password: string
  remember?: boolean
  captcha_id?: string
  captcha_code?: string
}

export interface Captcha {
  captcha_id: string
  /** `data:image/png;base64,...` */
  image: string
  /** Whether the login page shows the captcha from the start. */
  enabled: boolean
}

/** A pending TOTP secret: `qr_svg` is the otpauth URI as an SVG document. */
export interface TotpSetup {
  secret: string
  otpauth_uri: string
  qr_svg: string
}

export interface MfaStatus {
  enabled: boolean
  recovery_codes_left: number
}

export function login({ username, password, remember, captcha_id, captcha_code }: LoginForm) {
  // OAuth2 password form, so Swagger's "Authorize" and this page use the same endpoint.
  const body = new URLSearchParams()
  body.append('username', username)
  body.append('password', password)
  if (remember) body.append('remember', 'true')
  if (captcha_id) {
    body.append('captcha_id', captcha_id)
    body.append('captcha_code', captcha_code || '')
  }
  return api.post('/user/login', {
    body,
    config: { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } }
  }) as unknown as Promise<LoginAnswer>
}

/** A fresh captcha (each is good once, for 2 minutes). */
export function getCaptcha() {
  return untyped.get<Captcha>('/user/captcha', { config: { silent: true } })
}

/** The second step: a 6-digit code or a recovery code. */
export function loginWithCode(mfa_token: string, code: string) {
  return untyped.post<LoginTokens>('/user/login/2fa', { body: { mfa_token, code } })
}

/** Enrolment at sign-in (a role requires 2FA): the pending secret. */
export function loginSetup(mfa_token: string) {
  return untyped.post<TotpSetup>('/user/login/2fa/setup', { body: { mfa_token } })
}

export function loginEnable(mfa_token: string, code: string) {
  return untyped.post<{ recovery_codes: string[]; token: LoginTokens }>('/user/login/2fa/enable', { body: { mfa_token, code } })
}

// ---- my two-factor sign-in
export function getMfaStatus() {
  return untyped.get<MfaStatus>('/user/2fa')
}

export function setupMfa() {
  return untyped.post<TotpSetup>('/user/2fa/setup')
}

export function enableMfa(code: string) {
  return untyped.post<{ recovery_codes: string[] }>('/user/2fa/enable', { body: { code } })
}

export function disableMfa(password: string, code: string) {
  return untyped.post<void>('/user/2fa/disable', { body: { password, code } })
}

export function logout() {
  return api.post('/user/logout', { config: { silent: true } })
}

export function getInfo() {
  return api.get('/user/info')
}

export function updateInfo(body: Schemas['ProfileUpdate']) {
  return api.put('/user/info', { body })
}

export function changePassword(body: Schemas['PasswordChange']) {
  return api.put('/user/password', { body })
}

export function getRouters() {
  return api.get('/user/routers')
}

export function register(body: Schemas['RegisterIn']) {
  return api.post('/user/register', { body })
}

export function checkRegisterToken(token: string) {
  return api.get('/user/register/{token}', { path: { token } })
}

export function confirmRegister(token: string) {
  return api.put('/user/register/{token}', { path: { token } })
}

export function forgetPassword(body: Schemas['ForgetPasswordIn']) {
  return api.post('/user/forget-password', { body })
}

export function resetPassword(token: string, body: Schemas['PasswordReset']) {
  return api.put('/user/forget-password/{token}', { path: { token }, body })
}

// Changing my e-mail: the current password, then a link mailed to the new address.
export function requestEmailChange(body: Schemas['EmailChangeIn']) {
  return api.post('/user/email', { body })
}

export function checkEmailToken(token: string) {
  return api.get('/user/email/{token}', { path: { token } })
}

export function confirmEmailChange(token: string) {
  return api.put('/user/email/{token}', { path: { token } })
}

export function checkAvailability(field: string, value: string) {
  return api.post('/user/check/{field}/availability', { path: { field }, body: { value }, config: { silent: true } })
}

// ---- avatar (the file module's route): PNG, JPEG or WebP up to 2 MiB, encoded again by the
// server; answers the new `avatar` link (public by an unguessable name, for <img>).
export function uploadAvatar(file: Blob, config: UploadConfig = {}): Promise<Schemas['AvatarOut']> {
  return uploadFile('/user/avatar', file, config)
}
