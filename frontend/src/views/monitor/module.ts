// The monitor module of the dashboard: online users, the server and cache monitors (listed once, in `src/modules.ts`).
import type { DashboardModule } from '@/modules'
import locale from './locale'

const module: DashboardModule = {
  name: 'monitor',
  locale,
  pages: ['/monitor/online', '/monitor/server', '/monitor/cache']
}

export default module
