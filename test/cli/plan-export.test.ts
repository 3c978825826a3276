/**
 * `civicnet plan` and `civicnet export` on a fresh data dir (the Hartford seed, an empty
 * embedded store): the plan's CSV has the 17 neighborhoods and their 41 tracts and equals
 * the domain computation's ranking; the export writes the file and its schema beside it, the
 * Parquet readable by DuckDB with the schema's columns; every bad flag is a usage error (exit
 * 2) naming it.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { assessPlan, DEFAULT_PLAN_CONFIG, rankPlan } from '../../planning/index.ts'
import { hartfordInventory, hartfordTracts } from '../../provisioning/city/hartford.ts'
import { parseCsv } from '../../reports/render/csv.ts'
import { runCli } from '../support/cli.ts'

test('plan and export from the command line; bad flags named', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-plan-cli-'))
  try {
    const env = { CIVICNET_DATA_DIR: dir }
    const plan = await runCli(['plan', '--format', 'csv', '--weights', 'need=1,gap=0,use=0,cost=0'], { env, timeoutMs: 120_000 })
    assert.is(plan.code, 0, plan.stderr)
    const rows = parseCsv(plan.stdout)
    assert.equal([rows.filter((r) => r.level === 'neighborhood').length, rows.filter((r) => r.level === 'tract').length], [17, 41])
    const direct = rankPlan(assessPlan({ inventory: hartfordInventory(), tracts: hartfordTracts(), use: new Map(), config: DEFAULT_PLAN_CONFIG }), { need: 1, gap: 0, use: 0, cost: 0 }, 0)
    assert.equal(rows.filter((r) => r.level === 'neighborhood').map((r) => [r.id, r.score]), direct.ranking.map((r) => [r.id, String(r.score)]))

    const out = join(dir, 'open-data')
    const ex = await runCli(['export', '--what', 'neighborhoods', '--format', 'parquet', '--out', out], { env, timeoutMs: 120_000 })
    assert.is(ex.code, 0, ex.stderr)
    const file = join(out, 'hartford-ct-neighborhoods.parquet')
    assert.ok(existsSync(file) && existsSync(join(out, 'hartford-ct-neighborhoods.schema.json')), ex.stdout)
    const schema = JSON.parse(readFileSync(join(out, 'hartford-ct-neighborhoods.schema.json'), 'utf8'))
    const db = await DuckDBInstance.create(':memory:')
    const con = await db.connect()
    try {
      const r = await con.runAndReadAll(`SELECT * FROM read_parquet('${file}') ORDER BY id`)
      assert.equal(r.columnNames(), schema.fields.map((f: { name: string }) => f.name))
      assert.is(r.getRowObjectsJson().length, 17)
    } finally {
      con.closeSync()
      db.closeSync()
    }

    const bad: [string[], RegExp][] = [
      [['plan', '--weights', 'reach=1'], /^civicnet plan: --weights: unknown factor 'reach' \(one of need, gap, use, cost\)/],
      [['plan', '--radius', '5'], /^civicnet plan: --radius: '5' must be a whole number from 10 to 2000/],
      [['plan', '--radius-by-model', 'AP'], /^civicnet plan: --radius-by-model: 'AP' must be model:metres/],
      [['plan', '--format', 'xlsx'], /^civicnet plan: --format: 'xlsx' is not one of json, csv, geojson, html, pdf/],
      [['plan', '--weights'], /^civicnet plan: --weights needs a value/],
      [['plan', '--colour', 'red'], /^civicnet plan: unknown option '--colour'/],
      [['export'], /^civicnet export: --what is required: one of neighborhoods, tracts, daily, incidents, aps, ap_days/],
      [['export', '--what', 'people'], /^civicnet export: --what: 'people' is not one of/],
      [['export', '--what', 'daily', '--format', 'geojson'], /^civicnet export: --format: daily has no geometry: use csv or parquet/],
      [['export', '--what', 'daily', '--format', 'parquet'], /^civicnet export: --out: a Parquet file needs a directory to go to/],
      [['export', '--what', 'daily', '--from', '2026-3-1'], /^civicnet export: --from: '2026-3-1' is not a date YYYY-MM-DD/],
    ]
    for (const [args, message] of bad) {
      const r = await runCli(args, { env })
      assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
      assert.match(r.stderr, message, args.join(' '))
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
