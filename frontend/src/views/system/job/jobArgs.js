// Job arguments as JSON text: parsing, a check against the script's signature (the API has the
// last word), defaults from the signature, and the API's field errors mapped onto the form.
import { formatDetail } from '@/utils/request'

const POSITIONAL = ['positional_only', 'positional_or_keyword']
const VARIADIC = ['var_positional', 'var_keyword']

export function prettyJson(value) {
  return JSON.stringify(value, null, 2)
}

/**
 * Parse the text of the args (`kind: 'array'`) or kwargs (`kind: 'object'`) box.
 * Empty text is `[]` / `{}`. Resolves `{value}` or `{error}` (an i18n key and its values).
 */
export function parseJsonField(text, kind) {
  const source = String(text ?? '').trim()
  if (!source) return { value: kind === 'array' ? [] : {} }
  let value
  try {
    value = JSON.parse(source)
  } catch (err) {
    return { error: { key: 'job.jsonInvalid', values: { reason: String((err && err.message) || err) } } }
  }
  if (kind === 'array' && !Array.isArray(value)) return { error: { key: 'job.argsNotArray' } }
  if (kind === 'object' && (value === null || typeof value !== 'object' || Array.isArray(value))) {
    return { error: { key: 'job.kwargsNotObject' } }
  }
  return { value }
}

/**
 * Do `args` and `kwargs` fit the script's parameters? Returns the problems as
 * `{field: 'args' | 'kwargs', key, values}`; [] when they fit (or the script is unknown).
 */
export function checkArguments(script, args, kwargs) {
  if (!script || !Array.isArray(script.params)) return []
  const params = script.params
  const positional = params.filter((p) => POSITIONAL.includes(p.kind))
  const varArgs = params.some((p) => p.kind === 'var_positional')
  const varKw = params.some((p) => p.kind === 'var_keyword')
  const problems = []
  const list = Array.isArray(args) ? args : []
  const named = kwargs && typeof kwargs === 'object' ? kwargs : {}
  if (!varArgs && list.length > positional.length) {
    problems.push({ field: 'args', key: 'job.tooManyArgs', values: { max: positional.length } })
  }
  const byPosition = new Set(positional.slice(0, list.length).map((p) => p.name))
  for (const key of Object.keys(named)) {
    const param = params.find((p) => p.name === key && !VARIADIC.includes(p.kind))
    if (byPosition.has(key)) problems.push({ field: 'kwargs', key: 'job.argGivenTwice', values: { name: key } })
    else if (!param || param.kind === 'positional_only') {
      if (!varKw) problems.push({ field: 'kwargs', key: 'job.unknownArg', values: { name: key } })
    }
  }
  const missing = params
    .filter((p) => p.required && !VARIADIC.includes(p.kind))
    .filter((p) => !byPosition.has(p.name) && !(p.kind !== 'positional_only' && p.name in named))
    .map((p) => p.name)
  if (missing.length) {
    const field = missing.every((name) => params.find((p) => p.name === name).kind === 'positional_only') ? 'args' : 'kwargs'
    problems.push({ field, key: 'job.missingArgs', values: { names: missing.join(', ') } })
  }
  return problems
}

/**
 * Starting arguments from a signature: positional-only parameters in `args`, the others by
 * name in `kwargs` with their defaults (null where one is required).
 */
export function defaultArguments(script) {
  const args = []
  const kwargs = {}
  for (const p of (script && script.params) || []) {
    if (VARIADIC.includes(p.kind)) continue
    const value = p.required ? null : p.default === undefined ? null : p.default
    if (p.kind === 'positional_only') args.push(value)
    else kwargs[p.name] = value
  }
  return { args, kwargs }
}

/** Form fields the API may name in `loc: ["body", field, …]`. */
export const JOB_FIELDS = [
  'name',
  'script',
  'args',
  'kwargs',
  'cron',
  'misfire_policy',
  'concurrent',
  'status',
  'notify',
  'notify_user_ids',
  'remark'
]

/**
 * A failed create / update as `{fields: {name: message}, message}`: 409 `job_name_exists` and
 * each 422 `errors` item with a known field go next to that field, the rest into `message`.
 */
export function jobServerErrors(err) {
  const response = err && err.response
  const data = (response && response.data) || {}
  const fields = {}
  let message = ''
  if (!response) return { fields, message: '' }
  if (data.code === 'job_name_exists') {
    fields.name = formatDetail(data.detail)
    return { fields, message }
  }
  if (Array.isArray(data.errors)) {
    const rest = []
    for (const item of data.errors) {
      const loc = (item && item.loc) || []
      const field = loc[0] === 'body' ? loc[1] : loc[0]
      const msg = (item && item.msg) || ''
      if (JOB_FIELDS.includes(field)) {
        fields[field] = fields[field] ? `${fields[field]}; ${msg}` : msg
      } else rest.push(item)
    }
    message = rest.length ? formatDetail(rest) : ''
    return { fields, message }
  }
  return { fields, message: formatDetail(data.detail) }
}
