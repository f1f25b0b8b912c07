// The home page charts' texts (OverviewCharts.vue reads them as its own messages).
export default {
  'zh-CN': {
    overview: {
      title: '运行概况',
      timezone: '按服务器时区 {zone} 计日',
      sessions: '当前会话',
      loginsToday: '今日登录',
      loginFailuresToday: '今日登录失败',
      runsToday: '今日任务执行',
      logins: '近 30 天登录',
      jobRuns: '近 30 天任务执行',
      usersByRole: '各角色用户数',
      usersByDept: '各部门用户数',
      success: '成功',
      failure: '失败',
      users: '用户',
      noDept: '未分配部门',
      others: '其他',
      empty: '暂无数据',
      failed: '概况加载失败'
    }
  },
  en: {
    overview: {
      title: 'At a glance',
      timezone: 'Days in the server timezone, {zone}',
      sessions: 'Sessions now',
      loginsToday: 'Sign-ins today',
      loginFailuresToday: 'Failed sign-ins today',
      runsToday: 'Job runs today',
      logins: 'Sign-ins, last 30 days',
      jobRuns: 'Job runs, last 30 days',
      usersByRole: 'Users per role',
      usersByDept: 'Users per department',
      success: 'Success',
      failure: 'Failure',
      users: 'Users',
      noDept: 'No department',
      others: 'Others',
      empty: 'No data',
      failed: 'The figures could not be loaded'
    }
  }
}
