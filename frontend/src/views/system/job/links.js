// Where the job-log page is: the path of the menu route whose component is
// `system/job-log/index` (menus may move it), else the seeded `/system/job-log`.
export const JOB_LOG_COMPONENT = 'system/job-log/index'
export const JOB_LOG_FALLBACK = '/system/job-log'

function normalize(component) {
  return String(component || '')
    .replace(/^\/+/, '')
    .replace(/\.vue$/, '')
    .replace(/\/index$/, '')
}

export function jobLogPath(router) {
  const wanted = normalize(JOB_LOG_COMPONENT)
  const routes = (router && typeof router.getRoutes === 'function' && router.getRoutes()) || []
  const hit = routes.find((r) => r.meta && !r.meta.wrapper && r.meta.component && normalize(r.meta.component) === wanted)
  const path = hit && ((hit.meta && hit.meta.fullPath) || hit.path)
  if (!path) return JOB_LOG_FALLBACK
  return path.startsWith('/') ? path : `/${path}`
}
