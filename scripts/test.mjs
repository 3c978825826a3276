#!/usr/bin/env node
// Runs every test file (test/**/*.test.ts) in its own Node process with uvu, two at a
// time, so each file gets fresh ports, temp dirs and peers. Prints each file's output
// and one closing line: "tests: N passed, N failed".
// Usage: npm test [-- filter]   (filter: a substring of the test file path)
import { spawn } from 'node:child_process'
import { readdirSync, statSync } from 'node:fs'
import { join, relative } from 'node:path'

const root = new URL('..', import.meta.url).pathname
const filter = process.argv[2] ?? ''
const concurrency = Number(process.env.TEST_CONCURRENCY ?? 2)

function find(dir) {
  const out = []
  for (const name of readdirSync(dir)) {
    const p = join(dir, name)
    if (statSync(p).isDirectory()) out.push(...find(p))
    else if (name.endsWith('.test.ts')) out.push(p)
  }
  return out
}
// The longest files start first, so the run does not end with one long file on one worker
// while the other idles (longest-processing-time-first; times from a full run on the 2-core
// machine, docs/PERFORMANCE.md "The test suite"). The rest follow in name order.
const LONGEST_FIRST = [
  'test/alerts/alerts-demo.test.ts',
  'test/e2e/demo-truth-influx.test.ts',
  'test/e2e/demo-truth-duckdb.test.ts',
  'test/web/map.test.ts',
  'test/e2e/no-raw-mac-influx.test.ts',
  'test/e2e/restart.test.ts',
  'test/reports/demo-truth.test.ts',
  'test/web/signin.test.ts',
  'test/e2e/terminal-output.test.ts',
  'test/e2e/no-raw-mac-duckdb.test.ts',
  'test/backup/demo.test.ts',
  'test/cli/report.test.ts',
]
const rank = (f) => (LONGEST_FIRST.includes(f) ? LONGEST_FIRST.indexOf(f) : LONGEST_FIRST.length)
const files = find(join(root, 'test'))
  .map((f) => relative(root, f))
  .filter((f) => f.includes(filter))
  .sort()
  .sort((a, b) => rank(a) - rank(b))
if (files.length === 0) {
  console.error(`no test files match '${filter}'`)
  process.exit(1)
}

let passed = 0
let failed = 0
let skipped = 0
const broken = []
// eslint-disable-next-line no-control-regex -- strips ANSI colour codes
const strip = (s) => s.replace(/\x1b\[[0-9;]*m/g, '')

function runFile(file) {
  return new Promise((resolve) => {
    const started = Date.now()
    const child = spawn(process.execPath, ['--import', 'tsx', file], { cwd: root, env: { ...process.env, FORCE_COLOR: '0' } })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', (d) => (out += d))
    child.on('close', (code) => {
      const text = strip(out)
      const total = [...text.matchAll(/Total:\s+(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0)
      const ok = [...text.matchAll(/Passed:\s+(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0)
      const skip = [...text.matchAll(/Skipped:\s+(\d+)/g)].reduce((a, m) => a + Number(m[1]), 0)
      let bad = total - ok - skip
      if (code !== 0 && bad === 0) bad = 1 // crashed outside an assertion
      passed += ok
      failed += bad
      skipped += skip
      if (bad > 0) broken.push(file)
      const secs = ((Date.now() - started) / 1000).toFixed(1)
      process.stdout.write(`\n=== ${file} (${secs}s, exit ${code})\n${text.trimEnd()}\n`)
      resolve()
    })
  })
}

const queue = [...files]
await Promise.all(
  Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    while (queue.length) await runFile(queue.shift())
  }),
)
if (broken.length) console.log(`\nfailing files:\n  ${broken.join('\n  ')}`)
console.log(`\ntests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`)
process.exit(failed > 0 ? 1 : 0)
