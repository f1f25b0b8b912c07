// The cron builder's model: an expression ⇄ one choice per field (every / range / step /
// specific values). The grammar is the backend's (src/core/jobs/cron.py): five fields
// `minute hour day month weekday`, or six with the seconds first. What the builder cannot show
// (names like MON, lists of ranges, `a-b/n`) is kept as typed, as a "custom" field.

export const CRON_FIELDS = [
  { key: 'second', min: 0, max: 59 },
  { key: 'minute', min: 0, max: 59 },
  { key: 'hour', min: 0, max: 23 },
  { key: 'day', min: 1, max: 31 },
  { key: 'month', min: 1, max: 12 },
  { key: 'week', min: 0, max: 6 }
]

export const CRON_TYPES = ['every', 'range', 'step', 'specific']

const FIELD = Object.fromEntries(CRON_FIELDS.map((f) => [f.key, f]))

/** The builder's state of a field that fires on every value. */
export function everyField(key) {
  const f = FIELD[key]
  return { type: 'every', from: f.min, to: f.max, start: f.min, step: 1, values: [f.min], raw: '' }
}

function number(text, f) {
  if (!/^\d+$/.test(text)) return null
  let n = Number(text)
  if (f.key === 'week' && n === 7) n = 0 // 7 is Sunday too
  return n >= f.min && n <= f.max ? n : null
}

/** One field's text → its builder state (`custom` when the builder cannot show it). */
export function parseField(text, key) {
  const f = FIELD[key]
  const state = everyField(key)
  const value = String(text ?? '').trim()
  if (value === '*' || (value === '?' && (key === 'day' || key === 'week'))) return state
  let m = /^(\*|\d+)\/(\d+)$/.exec(value)
  if (m) {
    const start = m[1] === '*' ? f.min : number(m[1], f)
    const step = Number(m[2])
    if (start !== null && step >= 1) return { ...state, type: 'step', start, step }
  }
  m = /^(\d+)-(\d+)$/.exec(value)
  if (m) {
    const from = number(m[1], f)
    const to = number(m[2], f)
    if (from !== null && to !== null && from <= to) return { ...state, type: 'range', from, to }
  }
  if (/^\d+(,\d+)*$/.test(value)) {
    const values = value.split(',').map((v) => number(v, f))
    if (values.every((v) => v !== null)) return { ...state, type: 'specific', values: [...new Set(values)].sort((a, b) => a - b) }
  }
  return { ...state, type: 'custom', raw: value }
}

/** A field's builder state → its text. */
export function buildField(state, key) {
  const f = FIELD[key]
  const clamp = (n, low = f.min) => Math.min(Math.max(Number.isFinite(Number(n)) ? Math.round(Number(n)) : low, low), f.max)
  switch (state.type) {
    case 'range': {
      const from = clamp(state.from)
      const to = clamp(state.to, from)
      return from === to ? String(from) : `${from}-${to}`
    }
    case 'step': {
      const start = clamp(state.start)
      const step = Math.max(1, Math.round(Number(state.step)) || 1)
      return `${start === f.min ? '*' : start}/${step}`
    }
    case 'specific': {
      const values = [...new Set((state.values || []).map((v) => clamp(v)))].sort((a, b) => a - b)
      return values.length ? values.join(',') : String(f.min)
    }
    case 'custom':
      return String(state.raw || '').trim() || '*'
    default:
      return '*'
  }
}

/**
 * An expression → `{ second, minute, hour, day, month, week }` of field states, or null when it
 * does not have 5 or 6 fields. Five fields fire at second 0: their `second` is "specific 0".
 */
export function parseCron(expr) {
  const parts = String(expr ?? '').trim().split(/\s+/).filter(Boolean)
  if (parts.length !== 5 && parts.length !== 6) return null
  if (parts.length === 5) parts.unshift('0')
  return Object.fromEntries(CRON_FIELDS.map((f, i) => [f.key, parseField(parts[i], f.key)]))
}

/** Field states → the expression; seconds are left out when they are just 0. */
export function buildCron(fields) {
  const parts = CRON_FIELDS.map((f) => buildField(fields[f.key] || everyField(f.key), f.key))
  if (parts[0] === '0') parts.shift()
  return parts.join(' ')
}

/** The builder's starting point when the text box holds nothing it can show: every minute. */
export function defaultCron() {
  return parseCron('* * * * *')
}
