// Self-service routes of the signed-in user (and the anonymous e-mail flows).
import { api, type Schemas } from './client'

export type Profile = Schemas['ProfileOut']
export type Routers = Schemas['RoutersOut']

export function login({ username, password }: { username: string; password: string }) {
  // OAuth2 password form, so Swagger's "Authorize" and this page use the same endpoint.
  const body = new URLSearchParams()
  body.append('username', username)
  body.append('password', password)
  return api.post('/user/login', { body, config: { headers: { 'Content-Type': 'application/x-www-form-urlencoded' } } })
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
