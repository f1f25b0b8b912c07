// Every icon, under a module id of its own (the query): Element Plus' message box, which the
// login page loads, imports a few icons from the package, and a bundle keeps one module whole
// in one chunk, so the whole set (about 40 KB gzipped) would come with the login page. Only the
// pages that show menu icons (layout, menus, roles, dashboard) load this copy.
import * as icons from '@element-plus/icons-vue/dist/index.js?all-icons'

// Icon names that RuoYi-style menu seeds use, mapped to the closest Element Plus icon.
const ALIASES = {
  system: 'Setting',
  setting: 'Setting',
  user: 'User',
  peoples: 'UserFilled',
  people: 'UserFilled',
  role: 'Avatar',
  'tree-table': 'Grid',
  tree: 'Share',
  menu: 'Menu',
  log: 'Document',
  logininfor: 'Tickets',
  form: 'Tickets',
  dict: 'Collection',
  dictionary: 'Collection',
  job: 'Timer',
  monitor: 'Monitor',
  online: 'Connection',
  server: 'Cpu',
  redis: 'Coin',
  lock: 'Lock',
  permission: 'Lock',
  label: 'PriceTag',
  key: 'Key',
  edit: 'Edit',
  config: 'Tools',
  tool: 'Tools',
  message: 'Message',
  email: 'Message',
  documentation: 'Reading',
  guide: 'Guide',
  dashboard: 'Odometer',
  home: 'HomeFilled',
  business: 'Briefcase',
  code: 'Ticket',
  backup: 'FolderOpened',
  upload: 'Upload',
  download: 'Download',
  chart: 'DataLine',
  excel: 'Files',
  list: 'List',
  link: 'Link'
}

function pascal(name) {
  return String(name)
    .split(/[-_\s]+/)
    .filter(Boolean)
    .map((part) => part[0].toUpperCase() + part.slice(1))
    .join('')
}

/** Every Element Plus icon name, for the icon picker. */
export const iconNames = Object.keys(icons).filter((k) => /^[A-Z]/.test(k))

/** The icon component for a menu icon string, or null when nothing matches. */
export function resolveIcon(name) {
  if (!name) return null
  if (icons[name]) return icons[name]
  const alias = ALIASES[String(name).toLowerCase()]
  if (alias && icons[alias]) return icons[alias]
  const guess = pascal(name)
  return icons[guess] || null
}
