// The organisation pages' texts (departments, posts), merged into the dashboard's messages by
// the module list. The user and role pages' own additions (department column, pickers, data
// scope) live with those pages' texts in src/locales.
export default {
  'zh-CN': {
    dept: {
      name: '部门名称',
      parent: '上级部门',
      root: '无（顶级部门）',
      sort: '显示顺序',
      leader: '负责人',
      phone: '联系电话',
      email: '邮箱',
      status: '状态',
      createdTime: '创建时间',
      addTitle: '新增部门',
      editTitle: '修改部门',
      addChild: '新增下级',
      statusTip: '停用后，该部门及其下级部门不再出现在选择框中',
      confirmDeleteChildren: '部门“{name}”还有下级部门，须先删除下级部门。仍要尝试删除吗？'
    },
    post: {
      code: '岗位编码',
      name: '岗位名称',
      sort: '显示顺序',
      status: '状态',
      remark: '备注',
      createdTime: '创建时间',
      addTitle: '新增岗位',
      editTitle: '修改岗位',
      codeRule: '岗位编码由字母、数字、_ . : - 组成，至多 64 个字符'
    }
  },
  en: {
    dept: {
      name: 'Department',
      parent: 'Parent department',
      root: 'None (top level)',
      sort: 'Order',
      leader: 'Leader',
      phone: 'Phone',
      email: 'E-mail',
      status: 'Status',
      createdTime: 'Created',
      addTitle: 'Add department',
      editTitle: 'Edit department',
      addChild: 'Add child',
      statusTip: 'A disabled department, and everything below it, no longer appears in pickers',
      confirmDeleteChildren: 'Department "{name}" has departments below it, which must be deleted first. Try to delete it anyway?'
    },
    post: {
      code: 'Post code',
      name: 'Post name',
      sort: 'Order',
      status: 'Status',
      remark: 'Remark',
      createdTime: 'Created',
      addTitle: 'Add post',
      editTitle: 'Edit post',
      codeRule: 'Post code: letters, digits, _ . : or -, at most 64 characters'
    }
  }
}
