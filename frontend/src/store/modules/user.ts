import { defineStore } from 'pinia'
import * as userApi from '@/api/user'
import type { LoginAnswer, LoginForm, LoginTokens, Profile } from '@/api/user'
import { getExpiry, getRefreshToken, getToken, removeToken, setTokens, type TokenPair } from '@/utils/auth'

export const ADMIN_ROLE = 'admin'

/** A role as a code (answers give codes; older ones gave `{code, name}`). */
function roleCode(role: string | { code: string }): string {
  return typeof role === 'string' ? role : role.code
}

export const useUserStore = defineStore('user', {
  state: () => ({
    token: getToken() || '',
    refreshToken: getRefreshToken() || '',
    /** When the access token expires (ms since the epoch), 0 when unknown. */
    expiresAt: (getExpiry() || { exp: 0 }).exp,
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
    /**
     * The password step. Answers the API's body: with tokens the session has started (they are
     * stored); `mfa_required` / `mfa_enrol_required` name the second step the page shows.
     */
    async login(form: LoginForm): Promise<LoginAnswer> {
      const res = await userApi.login({ ...form, username: form.username.trim(), remember: !!form.remember })
      if ('access_token' in res && res.access_token) this.applyTokens(res, !!form.remember)
      return res
    },
    /** Start the session from a login body (after the password, the second step or enrolment). */
    applyTokens(pair: TokenPair | LoginTokens, remember: boolean) {
      setTokens(pair, { remember })
      this.token = pair.access_token
      this.refreshToken = pair.refresh_token || ''
      this.expiresAt = (getExpiry() || { exp: 0 }).exp
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
      this.refreshToken = ''
      this.expiresAt = 0
      this.info = null
      this.roles = []
      this.labels = []
    }
  }
})
