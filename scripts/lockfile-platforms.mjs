#!/usr/bin/env node
// Completes package-lock.json with the per-platform optional packages (e.g. DuckDB's
// @duckdb/node-bindings-darwin-arm64) that npm leaves out when the registry it reaches does
// not carry them; without the entries `npm ci` refuses the lock on every machine. Entries
// are os/cpu-gated and optional, so npm skips them where they do not apply.
// Run after `npm install` changes the lock: node scripts/lockfile-platforms.mjs
import { readFileSync, writeFileSync } from 'node:fs'

const file = new URL('../package-lock.json', import.meta.url)
const lock = JSON.parse(readFileSync(file, 'utf8'))
const pk = lock.packages
let added = 0
for (const [key, entry] of Object.entries(pk)) {
  for (const [dep, range] of Object.entries(entry.optionalDependencies ?? {})) {
    const target = `node_modules/${dep}`
    if (pk[target]) continue
    const m = /-(darwin|linux|win32|freebsd)-(x64|arm64|ia32|arm)(-musl)?$/.exec(dep)
    if (!m) {
      console.error(`lockfile-platforms: ${key} has optional ${dep} missing from the lock, and its name says no platform`)
      process.exitCode = 1
      continue
    }
    pk[target] = { version: range, cpu: [m[2]], ...(m[3] ? { libc: ['musl'] } : {}), license: entry.license ?? 'MIT', optional: true, os: [m[1]] }
    added++
  }
}
lock.packages = Object.fromEntries(Object.entries(pk).sort(([a], [b]) => (a === '' ? -1 : b === '' ? 1 : a < b ? -1 : a > b ? 1 : 0)))
writeFileSync(file, JSON.stringify(lock, null, 2) + '\n')
console.log(`lockfile-platforms: ${added} platform entr${added === 1 ? 'y' : 'ies'} added`)
