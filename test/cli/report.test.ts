/**
 * `civicnet report`, the real CLI in a child process, over a data dir holding the report
 * fixture (a DuckDB file and the app state): its JSON is byte for byte buildReport's over the
 * same store, CSV and PDF go to --out, every run is saved and listed, --run prints a saved
 * run, and every bad input is refused with exit 2 naming the flag.
 */
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { wallClock } from '../../core/clock.ts'
import { buildReport } from '../../reports/index.ts'
import { renderCsv } from '../../reports/render/csv.ts'
import { renderJson } from '../../reports/render/json.ts'
import { userInfo } from 'node:os'
import { openAccountStore } from '../../accounts/store.ts'
import { openAppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { runCli } from '../support/cli.ts'
import { events, FROM, inventory, POLL_MS, samples, sightings, TO } from '../reports/fixture.ts'

interface Ctx {
  dir: string
  env: NodeJS.ProcessEnv
  json: string
}
const test = suite<Ctx>('civicnet report (the CLI)', {} as Ctx)

test.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-report-cli-'))
  const store = await openDuckDbStore({ path: join(ctx.dir, 'metrics.duckdb') })
  await store.init()
  await store.write(samples())
  await store.writeEvents(events)
  await store.writeSightings(sightings())
  await store.close()
  const state = openAppState(join(ctx.dir, 'state.sqlite'))
  state.replaceInventory(inventory, 'test')
  state.close()
  ctx.env = { CIVICNET_DATA_DIR: ctx.dir, CIVICNET_COLLECT_INTERVAL_MS: String(POLL_MS), INFLUX_URL: undefined, LOG_FORMAT: 'json' }
})
test.after((ctx) => {
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
})

const cli = (ctx: Ctx, args: string[]) => runCli(['report', ...args], { env: ctx.env, timeoutMs: 90_000 })

test("--format json (the default) prints buildReport's JSON, byte for byte", async (ctx) => {
  const r = await cli(ctx, ['--from', FROM, '--to', TO])
  assert.is(r.code, 0, r.stderr)
  ctx.json = r.stdout
  // the same report in-process over the same files, after the CLI let go of them
  const store = await openDuckDbStore({ path: join(ctx.dir, 'metrics.duckdb') })
  const state = openAppState(join(ctx.dir, 'state.sqlite'))
  try {
    const report = await buildReport({ from: FROM, to: TO }, { store, inventory: state.inventory(), inventoryVersion: state.inventoryVersion(), clock: wallClock, pollIntervalMs: POLL_MS })
    assert.is(r.stdout, renderJson(report))
  } finally {
    await store.close()
    state.close()
  }
})

test('--quarter-less flags in the other spelling (--from=...) give the same bytes; --format csv and pdf write --out', async (ctx) => {
  const again = await cli(ctx, [`--from=${FROM}`, `--to=${TO}`, '--neighborhoods', 'all'])
  assert.is(again.code, 0, again.stderr)
  assert.is(again.stdout, ctx.json, 'a re-run over the same stored data is byte-identical')
  const csvFile = join(ctx.dir, 'r.csv')
  const csv = await cli(ctx, ['--from', FROM, '--to', TO, '--format', 'csv', '--out', csvFile])
  assert.is(csv.code, 0, csv.stderr)
  assert.is(readFileSync(csvFile, 'utf8'), renderCsv(JSON.parse(ctx.json)))
  const pdfFile = join(ctx.dir, 'r.pdf')
  const pdf = await cli(ctx, ['--from', FROM, '--to', TO, '--format', 'pdf', '--out', pdfFile])
  assert.is(pdf.code, 0, pdf.stderr)
  assert.is(readFileSync(pdfFile).subarray(0, 5).toString('latin1'), '%PDF-')
})

test('every run is saved: --list shows them newest first, --run prints a saved JSON', async (ctx) => {
  const list = await cli(ctx, ['--list'])
  assert.is(list.code, 0, list.stderr)
  const rows = list.stdout.trim().split('\n').slice(1)
  assert.is(rows.length, 4)
  assert.match(rows[0]!, /^\s+4\s.*\bcli\s+pdf\s+2026-03-05\.\.2026-03-09\s+all\s+i1\.[0-9a-f]{16}/)
  assert.match(rows[3]!, /^\s+1\s.*\bcli\s+json\s/)
  const run = await cli(ctx, ['--run', '1'])
  assert.is(run.code, 0, run.stderr)
  assert.is(run.stdout, ctx.json)
  // and each run is in the audit log with who ran it
  const state = openAppState(join(ctx.dir, 'state.sqlite'))
  try {
    const actor = `cli:${userInfo().username}`
    assert.equal(openAccountStore(state.db).audit({ action: 'report.run' }).map((e) => [e.actor, e.target, e.detail]), [
      [actor, 'report-run:4', 'pdf 2026-03-05..2026-03-09'],
      [actor, 'report-run:3', 'csv 2026-03-05..2026-03-09'],
      [actor, 'report-run:2', 'json 2026-03-05..2026-03-09'],
      [actor, 'report-run:1', 'json 2026-03-05..2026-03-09'],
    ])
  } finally {
    state.close()
  }
})

const refusals: [string[], RegExp][] = [
  [['--quarter', '2026Q5'], /^civicnet report: --quarter: '2026Q5' is not a quarter \(write it like 2026Q3\)/],
  [['--from', TO, '--to', FROM], /^civicnet report: --to: 2026-03-05 is before from \(2026-03-09\): the period is inverted/],
  [['--from', '2026-02-30', '--to', TO], /^civicnet report: --from: '2026-02-30' is not a date/],
  [['--from', FROM], /^civicnet report: --to: is required with from/],
  [['--from', FROM, '--to', TO, '--neighborhoods', 'north,nowhere'], /^civicnet report: --neighborhoods: 'nowhere' is not a neighborhood/],
  [['--from', '2026-01-01', '--to', TO], /^civicnet report: --from: the period starts 2026-01-01 but the stored data begins 2026-03-04 .*start the period on 2026-03-04 or later/],
  [['--from', '2025-01-01', '--to', TO], /^civicnet report: --to: the period is 433 days; at most 366 \(a year\)/],
  [['--year', '2099'], /^civicnet report: --from: 2099-01-01 is after today .*the period is empty/],
  [['--quarter', '2026Q1', '--year', '2026'], /^civicnet report: --quarter: give one period only/],
  [['--from', FROM, '--to', TO, '--format', 'docx'], /^civicnet report: --format: 'docx' is not one of json, csv, html, pdf/],
  [['--from', FROM, '--to', TO, '--colour', 'blue'], /^civicnet report: unknown option '--colour'/],
  [['--run', '99'], /^civicnet report: --run: no saved run 99/],
]
test('bad input is refused with exit 2, naming the flag', async (ctx) => {
  for (const [args, want] of refusals) {
    const r = await cli(ctx, args)
    assert.is(r.code, 2, `${args.join(' ')}: ${r.stderr}`)
    assert.match(r.stderr, want, args.join(' '))
    assert.is(r.stdout, '', 'nothing on standard output')
  }
  assert.not.ok(existsSync(join(ctx.dir, 'docx')))
})

test.run()
