// Self-service routes of the signed-in user (and the anonymous e-mail flows).
import request from '@/utils/request'

export function login({ username, password }) {
  // OAuth2 password form, so Swagger's "Authorize" and this page use the same endpoint.
  const form = new URLSearchParams()
  form.append('username', username)
  form.append('password', password)
  return request.post('/user/login', form, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded' }
  })
}

export function logout() {
  return request.post('/user/logout', null, { silent: true })
}

export function getInfo() {
  return request.get('/user/info')
}

export function updateInfo(data) {
  return request.put('/user/info', data)
}

export function changePassword(data) {
  return request.put('/user/password', data)
}

export function getRouters() {
  return request.get('/user/routers')
}

export function register(data) {
  return request.post('/user/register', data)
}

export function checkRegisterToken(token) {
  return request.get(`/user/register/${encodeURIComponent(token)}`)
}

export function confirmRegister(token) {
  return request.put(`/user/register/${encodeURIComponent(token)}`)
}

export function forgetPassword(data) {
  return request.post('/user/forget-password', data)
}

export function resetPassword(token, data) {
  return request.put(`/user/forget-password/${encodeURIComponent(token)}`, data)
}

// Changing my e-mail: the current password, then a link mailed to the new address.
export function requestEmailChange(data) {
  return request.post('/user/email', data)
}

export function checkEmailToken(token) {
  return request.get(`/user/email/${encodeURIComponent(token)}`)
}

export function confirmEmailChange(token) {
  return request.put(`/user/email/${encodeURIComponent(token)}`)
}

export function checkAvailability(field, value) {
  return request.post(`/user/check/${encodeURIComponent(field)}/availability`, { value }, { silent: true })
}
