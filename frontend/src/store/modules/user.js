import { defineStore } from 'pinia'
import * as userApi from '@/api/user'
import { getToken, setToken, removeToken } from '@/utils/auth'

export const ADMIN_ROLE = 'admin'

export const useUserStore = defineStore('user', {
  state: () => ({
    token: getToken() || '',
    info: null,
    roles: [],
    labels: []
  }),
  getters: {
    username: (state) => (state.info && state.info.username) || '',
    nickname: (state) => (state.info && (state.info.nickname || state.info.username)) || '',
    avatar: (state) => (state.info && state.info.avatar) || '',
    isAdmin: (state) => state.roles.includes(ADMIN_ROLE)
  },
  actions: {
    async login({ username, password, remember }) {
      const res = await userApi.login({ username: username.trim(), password })
      setToken(res.access_token, { remember: !!remember, expiresIn: res.expires_in })
      this.token = res.access_token
      return res
    },
    async getInfo() {
      const info = await userApi.getInfo()
      this.info = info
      if (Array.isArray(info.roles)) this.roles = info.roles.map((r) => (typeof r === 'string' ? r : r.code))
      return info
    },
    setPermissions({ roles, labels }) {
      if (Array.isArray(roles)) this.roles = roles.map((r) => (typeof r === 'string' ? r : r.code))
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
