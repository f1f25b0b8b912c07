import { ADMIN_ROLE, useUserStore } from '@/store/modules/user'

function toList(value) {
  if (value === undefined || value === null || value === '') return []
  return Array.isArray(value) ? value : [value]
}

/** True when the user holds any of `labels` (role admin holds them all). */
export function hasPerm(labels) {
  const wanted = toList(labels)
  const user = useUserStore()
  if (user.roles.includes(ADMIN_ROLE)) return true
  if (!wanted.length) return true
  const owned = new Set(user.labels)
  return wanted.some((label) => owned.has(label))
}

/** True when the user has any of the role codes (admin counts as every role). */
export function hasRole(roles) {
  const wanted = toList(roles)
  const user = useUserStore()
  if (user.roles.includes(ADMIN_ROLE)) return true
  if (!wanted.length) return true
  return wanted.some((role) => user.roles.includes(role))
}

function removeUnless(allowed, el, directiveName, value) {
  if (!Array.isArray(value) && typeof value !== 'string') {
    throw new Error(`v-${directiveName} needs a list, e.g. v-${directiveName}="['…']"`)
  }
  if (!allowed(value) && el.parentNode) el.parentNode.removeChild(el)
}

/** v-perm="['perm:user:post']": the element is removed unless the user has one of the labels. */
export const perm = {
  mounted(el, binding) {
    removeUnless(hasPerm, el, 'perm', binding.value)
  }
}

/** v-role="['admin']": the element is removed unless the user has one of the roles. */
export const role = {
  mounted(el, binding) {
    removeUnless(hasRole, el, 'role', binding.value)
  }
}
