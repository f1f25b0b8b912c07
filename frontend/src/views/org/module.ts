// The organisation module of the dashboard: departments and posts (listed once, in
// `src/modules.ts`). The user page's department tree and pickers and the role page's data
// scope dialog use this slice's API calls and tree helpers.
import type { DashboardModule } from '@/modules'
import locale from './locale'

const module: DashboardModule = {
  name: 'org',
  locale,
  pages: ['/system/dept', '/system/post']
}

export default module
