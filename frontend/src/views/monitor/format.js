// Figures of the monitor pages: sizes, durations, percentages.
import { t } from '@/locales'
import { formatBytes } from '@/utils/download'

export { formatBytes }

/** "3 d 4 h 5 min" from seconds, in the page's language. */
export function formatDuration(seconds) {
  const s = Math.max(0, Math.floor(Number(seconds) || 0))
  return t('monitor.duration', { d: Math.floor(s / 86400), h: Math.floor((s % 86400) / 3600), m: Math.floor((s % 3600) / 60) })
}

/** A ratio (0 to 1) as a percentage, or a dash. */
export function formatRate(rate) {
  return rate === null || rate === undefined ? '-' : `${(rate * 100).toFixed(1)}%`
}

/** A percentage rounded for a progress bar (0 to 100). */
export function percent(value) {
  const n = Number(value)
  return Number.isFinite(n) ? Math.min(100, Math.max(0, Math.round(n * 10) / 10)) : 0
}

/** The status colour of a usage percentage (none while it is fine: the bar keeps its figure). */
export function usageStatus(value) {
  return value >= 90 ? 'exception' : value >= 75 ? 'warning' : ''
}
