// The file module of the dashboard (listed once, in `src/modules.ts`): the file page. Avatars
// (the profile's upload, shown in the navbar and the user list) use the platform's user API.
import type { DashboardModule } from '@/modules'
import locale from './locale'

const module: DashboardModule = {
  name: 'file',
  locale,
  pages: ['/system/file']
}

export default module
