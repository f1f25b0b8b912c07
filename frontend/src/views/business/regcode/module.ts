// The reg-code module of the dashboard (listed once, in `src/modules.ts`).
import type { DashboardModule } from '@/modules'
import locale from './locale'

const module: DashboardModule = {
  name: 'regcode',
  locale,
  pages: ['/business/reg-code'],
  dicts: {
    sys_reg_code_state: [
      { label: '未激活', label_en: 'Inactive', value: '0', css_class: 'info' },
      { label: '已激活', label_en: 'Active', value: '1', css_class: 'success' },
      { label: '已过期', label_en: 'Expired', value: '2', css_class: 'danger' }
    ]
  }
}

export default module
