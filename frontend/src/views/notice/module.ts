// The notice module of the dashboard (listed once, in `src/modules.ts`): the administration
// page and, in the navbar, the bell (`NoticeBell.vue`, loaded when the layout mounts) every user has.
import { defineAsyncComponent } from 'vue'
import type { DashboardModule } from '@/modules'
import locale from './locale'

const module: DashboardModule = {
  name: 'notice',
  locale,
  pages: ['/system/notice'],
  navbar: defineAsyncComponent(() => import('./NoticeBell.vue')),
  dicts: {
    sys_notice_type: [
      { label: '通知', label_en: 'Notice', value: 'notice', css_class: 'primary' },
      { label: '公告', label_en: 'Announcement', value: 'announcement', css_class: 'warning' }
    ],
    sys_notice_status: [
      { label: '草稿', label_en: 'Draft', value: 'draft', css_class: 'info' },
      { label: '已发布', label_en: 'Published', value: 'published', css_class: 'success' }
    ]
  }
}

export default module
