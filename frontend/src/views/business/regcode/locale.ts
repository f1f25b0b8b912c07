// The reg-code page's texts, merged into the dashboard's messages by the module list.
export default {
  'zh-CN': {
    regcode: {
      code: '注册码',
      regTimes: '有效天数',
      days: '{n} 天',
      dayUnit: '天',
      state: '状态',
      firstActiveTime: '首次激活时间',
      deadline: '截止时间',
      creator: '创建者',
      remark: '备注',
      createdTime: '创建时间',
      generate: '批量生成',
      generateTitle: '批量生成注册码',
      count: '生成数量',
      generated: '已生成 {count} 个注册码：',
      copy: '复制',
      copyAll: '复制全部',
      copied: '已复制',
      copyFailed: '复制失败，请手动选择文本复制',
      activate: '激活',
      activateConfirm: '激活注册码“{code}”吗？有效期从现在开始计算，激活后不能撤销。',
      activated: '已激活，截止 {deadline}',
      editTitle: '修改注册码',
      regTimesLocked: '已激活的注册码不能再修改有效天数',
      regTimesRule: '有效天数为 1 到 36500 天'
    }
  },
  en: {
    regcode: {
      code: 'Code',
      regTimes: 'Validity',
      days: '{n} days',
      dayUnit: 'days',
      state: 'State',
      firstActiveTime: 'First activated',
      deadline: 'Deadline',
      creator: 'Creator',
      remark: 'Remark',
      createdTime: 'Created',
      generate: 'Generate',
      generateTitle: 'Generate registration codes',
      count: 'How many',
      generated: '{count} codes generated:',
      copy: 'Copy',
      copyAll: 'Copy all',
      copied: 'Copied',
      copyFailed: 'Could not copy: select the text and copy it by hand',
      activate: 'Activate',
      activateConfirm: 'Activate code "{code}"? Its validity starts now and cannot be undone.',
      activated: 'Activated, valid until {deadline}',
      editTitle: 'Edit registration code',
      regTimesLocked: 'The validity of an activated code cannot change',
      regTimesRule: 'Validity is 1 to 36500 days'
    }
  }
}
