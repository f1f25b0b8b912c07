import { defineStore } from 'pinia'
import * as userApi from '@/api/user'
import type { Profile } from '@/api/user'
import { getToken, setToken, removeToken } from '@/utils/auth'

export const ADMIN_ROLE = 'admin'

/** A role as a code (answers give codes; older ones gave `{code, name}`). */
function roleCode(role: string | { code: string }): string {
  return typeof role === 'string' ? role : role.code
}

export const useUserStore = defineStore('user', {
  state: () => ({
    token: getToken() || '',
    info: null as Profile | null,
    roles: [] as string[],
    labels: [] as string[]
  }),
  getters: {
    username: (state) => (state.info && state.info.username) || '',
    nickname: (state) => (state.info && (state.info.nickname || state.info.username)) || '',
    avatar: (state) => (state.info && state.info.avatar) || '',
    isAdmin: (state) => state.roles.includes(ADMIN_ROLE)
  },
  actions: {
    async login({ username, password, remember }: { username: string; password: string; remember?: boolean }) {
      const res = await userApi.login({ username: username.trim(), password })
      setToken(res.access_token, { remember: !!remember, expiresIn: res.expires_in })
      this.token = res.access_token
      return res
    },
    async getInfo() {
      const info = await userApi.getInfo()
      this.info = info
      if (Array.isArray(info.roles)) this.roles = info.roles.map(roleCode)
      return info
    },
    setPermissions({ roles, labels }: { roles?: Array<string | { code: string }>; labels?: string[] }) {
      if (Array.isArray(roles)) this.roles = roles.map(roleCode)
      if (Array.isArray(labels)) this.labels = labels.slice()
    },
    async logout() {
      try {
        if (getToken()) await userApi.logout()
      } finally {
        this.clear()
      }
    },
    /** Forget the token and the user (no request). */
    clear() {
      removeToken()
      this.token = ''
      this.info = null
      this.roles = []
      this.labels = []
    }
  }
})
