// The home page charts' options, built from the overview (pure: no ECharts import here).
import type { DayFigure, GroupFigure } from './api'

type Translate = (key: string, values?: Record<string, unknown>) => string

export const SUCCESS_COLOR = '#67c23a'
export const FAILURE_COLOR = '#f56c6c'

/** `2026-03-09` -> `03-09`: the axis keeps the month and day. */
export function dayLabel(day: string): string {
  return day.slice(5)
}

/** A group's name on a chart: the role or department, or the words for none and others. */
export function groupName(group: GroupFigure, t: Translate): string {
  if (group.kind === 'none') return t('overview.noDept')
  if (group.kind === 'others') return t('overview.others')
  return group.name || `#${group.id}`
}

function perDay(days: DayFigure[], t: Translate, type: 'line' | 'bar') {
  const series = (key: 'success' | 'failure', color: string) => ({
    name: t(`overview.${key}`),
    type,
    data: days.map((d) => d[key]),
    itemStyle: { color },
    ...(type === 'line' ? { symbolSize: 5 } : { stack: 'runs', barMaxWidth: 14 })
  })
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis' },
    legend: { top: 0 },
    grid: { left: 40, right: 16, top: 32, bottom: 28 },
    xAxis: { type: 'category', data: days.map((d) => dayLabel(d.day)), boundaryGap: type === 'bar' },
    yAxis: { type: 'value', minInterval: 1 },
    series: [series('success', SUCCESS_COLOR), series('failure', FAILURE_COLOR)]
  }
}

/** Sign-ins per day: two lines, success and failure. */
export function loginsOption(days: DayFigure[], t: Translate) {
  return perDay(days, t, 'line')
}

/** Job runs per day: stacked bars, success and failure. */
export function jobRunsOption(days: DayFigure[], t: Translate) {
  return perDay(days, t, 'bar')
}

/** Users per role: a ring. */
export function rolesOption(groups: GroupFigure[], t: Translate) {
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'item', formatter: '{b}: {c} ({d}%)' },
    legend: { type: 'scroll', bottom: 0 },
    series: [
      {
        name: t('overview.users'),
        type: 'pie',
        radius: ['40%', '68%'],
        center: ['50%', '45%'],
        label: { formatter: '{b}: {c}' },
        data: groups.map((g) => ({ name: groupName(g, t), value: g.count }))
      }
    ]
  }
}

/** Users per department: horizontal bars, the largest on top. */
export function deptsOption(groups: GroupFigure[], t: Translate) {
  const rows = [...groups].reverse()
  return {
    backgroundColor: 'transparent',
    tooltip: { trigger: 'axis', axisPointer: { type: 'shadow' } },
    grid: { left: 8, right: 24, top: 8, bottom: 8, containLabel: true },
    xAxis: { type: 'value', minInterval: 1 },
    yAxis: { type: 'category', data: rows.map((g) => groupName(g, t)) },
    series: [{ name: t('overview.users'), type: 'bar', data: rows.map((g) => g.count), barMaxWidth: 18, itemStyle: { color: '#409eff' } }]
  }
}
