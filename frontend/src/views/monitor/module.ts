// The monitor module of the dashboard: online users (listed once, in `src/modules.ts`).
import type { DashboardModule } from '@/modules'
import locale from './locale'

const module: DashboardModule = {
  name: 'monitor',
  locale,
  pages: ['/monitor/online']
}

export default module
