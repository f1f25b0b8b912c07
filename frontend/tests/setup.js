// Quiet two kinds of noise that jsdom produces but a browser does not.
import Schema from 'async-validator'

// async-validator logs every failed rule; the tests assert on the outcome instead.
Schema.warning = () => {}

// jsdom does no layout, so Element Plus cannot measure `label-width="auto"` and complains.
const warn = console.warn
console.warn = (...args) => {
  if (args.some((a) => String(a && (a.message || a)).includes('unexpected width'))) return
  warn(...args)
}
