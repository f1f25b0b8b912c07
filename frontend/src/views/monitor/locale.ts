// The monitor module's texts, merged into the dashboard's messages by the module list.
export default {
  'zh-CN': {
    monitor: {
      online: {
        sessionId: '会话编号',
        username: '用户名',
        ip: '登录 IP',
        browser: '浏览器',
        os: '操作系统',
        loginTime: '登录时间',
        lastSeen: '最近访问',
        current: '当前会话',
        forceLogout: '强退',
        logoutUser: '全部强退',
        forceLogoutConfirm: '确定强制退出用户“{name}”的此会话（{ip}）吗？该会话将立即下线。',
        logoutUserConfirm: '确定强制退出用户“{name}”的全部会话吗？',
        done: '已强制退出'
      }
    }
  },
  en: {
    monitor: {
      online: {
        sessionId: 'Session',
        username: 'Username',
        ip: 'IP address',
        browser: 'Browser',
        os: 'OS',
        loginTime: 'Signed in',
        lastSeen: 'Last seen',
        current: 'This session',
        forceLogout: 'Force logout',
        logoutUser: 'End all sessions',
        forceLogoutConfirm: 'End this session of "{name}" ({ip})? It is signed out at once.',
        logoutUserConfirm: 'End every session of "{name}"? They are signed out at once.',
        done: 'Session ended'
      }
    }
  }
}
