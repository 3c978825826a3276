/**
 * No raw client MAC anywhere, on the embedded store (see no-raw-mac.ts): the real
 * `civicnet demo` with a day of history every 3 h and live polls every 5 s, then the DuckDB
 * file's bytes and every table of it as text, the app-state SQLite file and its tables,
 * stdout and stderr (LOG_LEVEL=debug), the spool dir, rejected.jsonl, and every API answer.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import Database from 'better-sqlite3'
import { spawnDemo } from '../support/demo-cli.ts'
import { askEveryRoute, createMacScanner, filesUnder, scanFiles, simulatorMacs } from './no-raw-mac.ts'

test('the demo on DuckDB leaves no client MAC in the store, app state, logs, spool or any API answer', async () => {
  const { macs, inventory } = simulatorMacs(1)
  assert.ok(macs.size > 20_000, `${macs.size} simulated client MACs`)
  const dataDir = mkdtempSync(join(tmpdir(), 'civicnet-nomac-'))
  const demo = spawnDemo({ dataDir, env: { LOG_LEVEL: 'debug', LOG_FORMAT: 'json', CIVICNET_DEMO_HISTORY_STEP_MS: String(3 * 3_600_000) } })
  const scanner = createMacScanner(macs)
  try {
    const url = await demo.url
    const token = readFileSync(join(dataDir, 'demo-admin-token'), 'utf8').trim()
    // live polls every 5 s for a while, beside the hour steps of the history
    await new Promise((r) => setTimeout(r, 6_000))
    const now = Date.now()
    const answers = await askEveryRoute(url, token, inventory, { fromMs: now - 86_400_000, toMs: now })
    for (const a of answers) scanner.scan(`API ${a.asked} (${a.status})`, a.body)
    assert.ok(answers.filter((a) => a.status === 200).length > 200, `${answers.length} answers`)
    assert.is(await demo.stop(), 0, `the demo did not stop cleanly: ${demo.stopReport()}`)
    scanner.scan('stdout', demo.stdout())
    scanner.scan('stderr', demo.stderr())
    assert.ok(demo.stdout().split('\n').filter((l) => l.startsWith('{"level":')).length > 20, 'the log records were captured')

    // the files as bytes: metrics.duckdb (+ .wal), state.sqlite (+ -wal), spool/, rejected.jsonl, the token file
    const files = filesUnder(dataDir).map((f) => f.slice(dataDir.length + 1))
    assert.ok(files.includes('metrics.duckdb') && files.includes('state.sqlite'), files.join(', '))
    scanFiles(scanner, dataDir, 'data')

    // the DuckDB store's contents as text: compressed columns do not show in the bytes
    const db = await DuckDBInstance.create(join(dataDir, 'metrics.duckdb'), { access_mode: 'READ_ONLY' })
    const conn = await db.connect()
    const tables = (await (await conn.runAndReadAll('SELECT table_name FROM information_schema.tables')).getRowObjects()).map((r) => String(r.table_name))
    assert.ok(tables.includes('sightings') && tables.includes('samples'), tables.join(', '))
    let sightings = 0
    for (const t of tables) {
      const rows = (await conn.runAndReadAll(`SELECT * FROM "${t}"`)).getRows()
      if (t === 'sightings') sightings = rows.length
      let text = ''
      for (const r of rows) text += r.map((v) => String(v)).join('|') + '\n'
      scanner.scan(`duckdb table ${t}`, text)
    }
    conn.closeSync()
    db.closeSync()
    assert.ok(sightings > 1000, `${sightings} sightings stored (digests)`)

    // the app-state SQLite contents
    const sqlite = new Database(join(dataDir, 'state.sqlite'), { readonly: true })
    for (const { name } of sqlite.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[]) {
      scanner.scan(`sqlite table ${name}`, JSON.stringify(sqlite.prepare(`SELECT * FROM "${name}"`).all()))
    }
    sqlite.close()

    const { bytes, texts } = scanner.scanned()
    assert.ok(bytes > 1_000_000, `${bytes} bytes in ${texts} texts scanned`)
    assert.equal(scanner.hits(), [], 'client MACs found')
    console.log(`  ${macs.size} MACs in 4 notations, either case; ${answers.length} API answers, ${files.length} files, ${tables.length} DuckDB tables (${sightings} sightings); ${(bytes / 1e6).toFixed(1)} MB in ${texts} texts: none found`)
    // the scanner finds a MAC where there is one, in each notation
    const probe = createMacScanner(new Set([[...macs][0]!]))
    const hex = [...macs][0]!
    for (const form of [hex, hex.toUpperCase(), hex.match(/../g)!.join(':'), hex.match(/../g)!.join('-').toUpperCase(), hex.match(/..../g)!.join('.')]) probe.scan(form, `x ${form} y`)
    assert.equal(probe.hits().map((h) => h.split(': ')[1]), ['bare hex', 'bare hex', 'colon', 'dash', 'dot'])
  } finally {
    await demo.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test.run()
