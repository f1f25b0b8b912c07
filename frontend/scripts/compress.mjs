// After `vite build`: write a gzip (`.gz`) and a brotli (`.br`) copy next to every text file of
// dist/ worth compressing, so the app (src/entrypoints/http/app.py) and nginx (`gzip_static on`)
// send them as they are instead of the raw file or compressing on every request.
// Node's own zlib: no plugin, no native dependency.
import { readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, relative, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { brotliCompressSync, constants, gzipSync } from 'node:zlib'

const COMPRESSIBLE = /\.(js|mjs|css|html|svg|json|txt|map)$/
const MIN_BYTES = 1024

export function compressDir(dir) {
  const written = []
  const walk = (d) => {
    for (const name of readdirSync(d)) {
      const file = join(d, name)
      if (statSync(file).isDirectory()) walk(file)
      else if (COMPRESSIBLE.test(name) && statSync(file).size >= MIN_BYTES) written.push(compressFile(file))
    }
  }
  walk(dir)
  return written
}

function compressFile(file) {
  const raw = readFileSync(file)
  const gz = gzipSync(raw, { level: 9 })
  const br = brotliCompressSync(raw, {
    params: {
      [constants.BROTLI_PARAM_QUALITY]: constants.BROTLI_MAX_QUALITY,
      [constants.BROTLI_PARAM_SIZE_HINT]: raw.length
    }
  })
  // A copy that is not smaller is not worth sending: the server falls back to the raw file.
  if (gz.length < raw.length) writeFileSync(`${file}.gz`, gz)
  if (br.length < raw.length) writeFileSync(`${file}.br`, br)
  return { file, raw: raw.length, gz: gz.length, br: br.length }
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  const dist = resolve(process.argv[2] || join(fileURLToPath(new URL('..', import.meta.url)), 'dist'))
  const files = compressDir(dist)
  const sum = (k) => files.reduce((n, f) => n + f[k], 0)
  const kb = (n) => `${(n / 1024).toFixed(1)} KB`
  console.log(`precompressed ${files.length} files of ${relative(process.cwd(), dist) || dist}: ${kb(sum('raw'))} -> gzip ${kb(sum('gz'))}, brotli ${kb(sum('br'))}`)
}
