/**
 * Backups of the real demo (simulated city, collector over SNMP, DuckDB, API) while its
 * collector writes: `civicnet backup` in another process is refused while the demo holds
 * metrics.duckdb and, with --url, asks the demo (POST /api/backups) to make it; the backup
 * is restored into an empty dir by `civicnet restore`, and the API over the restored data
 * answers as the original's API does for the period up to the backup (deep-equal JSON):
 * for the backup made while polls were being written, every answer bounded by a period
 * that ends before it; for a second one made once the collector stopped, every answer,
 * "now" figures included. A restore over the held data dir is refused.
 */
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { dirname, join } from 'node:path'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildApp } from '../../api/app.ts'
import { createToken } from '../../api/auth/tokens.ts'
import { createBackupService, lastGoodBackup, restoreBackup, verifyBackup, type BackupManifest } from '../../backup/index.ts'
import { manualClock, wallClock } from '../../core/clock.ts'
import { openAppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import type { AppState } from '../../store/app-state.ts'
import { runCli } from '../support/cli.ts'
import { startDemo, type TestDemo } from '../support/demo.ts'

const HOUR = 3_600_000
const POLL_MS = 2000
const quiet = pino({ level: 'silent' })

interface Ctx {
  demo: TestDemo
  dataDir: string
  tmp: string
  reportRunId: number
  incidentId: number
  opened: { store: MetricStore; appState: AppState }[]
}

/** today in the city's time zone, as YYYY-MM-DD: the one local day a day of history holds from its start */
function today(tz: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit' }).format(Date.now())
}

/** The API over a store and app state at a fixed "now", as the demo configures it. */
function apiAt(ctx: Ctx, store: MetricStore, appState: AppState, nowMs: number): Promise<FastifyInstance> {
  const { demo } = ctx
  return buildApp(
    { summaryCacheMs: 0, webDir: null, pollIntervalMs: POLL_MS, history: { fromMs: demo.historyFromMs, stepMs: HOUR, liveSinceMs: demo.liveSinceMs } },
    { store, appState, clock: manualClock(nowMs), log: quiet },
  )
}

/** Opens a restored data dir as the demo would (the store's init reads its rollup coverage). */
async function openRestored(ctx: Ctx, dir: string): Promise<{ store: MetricStore; appState: AppState }> {
  const store = await openDuckDbStore({ path: join(dir, 'metrics.duckdb') })
  await store.init()
  const appState = openAppState(join(dir, 'state.sqlite'))
  ctx.opened.push({ store, appState })
  return { store, appState }
}

/** Each URL answered by both apps: status 200 and the same JSON, or the assertion names the URL. */
async function assertSameAnswers(original: FastifyInstance, restored: FastifyInstance, token: string, urls: string[]): Promise<void> {
  const headers = { authorization: `Bearer ${token}` }
  for (const url of urls) {
    const a = await original.inject({ method: 'GET', url, headers })
    const b = await restored.inject({ method: 'GET', url, headers })
    assert.is(a.statusCode, 200, `${url}: ${a.body.slice(0, 300)}`)
    assert.is(b.statusCode, 200, `${url} (restored): ${b.body.slice(0, 300)}`)
    assert.equal(b.json(), a.json(), url)
  }
}

/** The period-bounded questions: each ends at toMs. */
function boundedUrls(ctx: Ctx, toMs: number): string[] {
  const from = ctx.demo.historyFromMs
  const ap = ctx.demo.inventory.devices.find((d) => d.kind === 'ap')!.id
  const sw = ctx.demo.inventory.devices.find((d) => d.kind === 'switch')!.id
  const range = `fromMs=${from}&toMs=${toMs}`
  return [
    `/api/series?metric=wifi_clients&neighborhood=northeast&${range}&stepMs=${HOUR}`,
    `/api/series?metric=wifi_clients&neighborhood=asylum-hill&${range}&stepMs=${HOUR}&fn=max`,
    `/api/series?metric=wifi_bytes&neighborhood=blue-hills&${range}&stepMs=${HOUR}&fn=sum`,
    `/api/series?metric=device_up&device=${ap}&${range}&stepMs=${HOUR}`,
    `/api/series?metric=if_in_bytes&device=${sw}&${range}&stepMs=${HOUR}&fn=sum`,
    `/api/events?${range}`,
    '/api/incidents',
    `/api/incidents/${ctx.incidentId}`,
    '/api/reports/runs',
    `/api/reports/runs/${ctx.reportRunId}`,
  ]
}

const test = suite<Ctx>('backup: the demo, while its collector writes', {} as Ctx)
test.before(async (ctx) => {
  ctx.demo = await startDemo({ pollIntervalMs: POLL_MS, historyDays: 1, historyStepMs: HOUR })
  ctx.dataDir = dirname(ctx.demo.tokenFile)
  ctx.tmp = mkdtempSync(join(tmpdir(), 'civicnet-bk-demo-'))
  ctx.opened = []
  const auth = { authorization: `Bearer ${ctx.demo.token}`, 'content-type': 'application/json' }
  // a report run and an incident before the backup: the backup must keep both
  const tz = ctx.demo.inventory.city.timezone
  const report = await fetch(`${ctx.demo.baseUrl}/api/reports?from=${today(tz)}&to=${today(tz)}`, { headers: auth })
  assert.is(report.status, 200, await report.clone().text())
  const runs = (await (await fetch(`${ctx.demo.baseUrl}/api/reports/runs`, { headers: auth })).json()) as { runs: { id: number }[] }
  ctx.reportRunId = runs.runs[0]!.id
  const incident = await fetch(`${ctx.demo.baseUrl}/api/incidents`, { method: 'POST', headers: auth, body: JSON.stringify({ summary: 'slow in the park, by the backup test', neighborhood: 'northeast' }) })
  assert.is(incident.status, 201, await incident.clone().text())
  ctx.incidentId = ((await incident.json()) as { id: number }).id
})
test.after(async (ctx) => {
  for (const o of ctx.opened) {
    await o.store.close()
    o.appState.close()
  }
  await ctx.demo?.close()
  rmSync(ctx.tmp, { recursive: true, force: true })
})

test('civicnet backup in another process is refused while the demo holds metrics.duckdb, saying how to ask it', async (ctx) => {
  const r = await runCli(['backup'], { env: { CIVICNET_DATA_DIR: ctx.dataDir } })
  assert.is(r.code, 1, r.stdout + r.stderr)
  assert.is(
    r.stderr.trim(),
    `civicnet backup: ${join(ctx.dataDir, 'metrics.duckdb')} is held by a running CivicNet (pid ${process.pid}): only that process can copy it consistently. ` +
      'Ask it: civicnet backup --url http://HOST:PORT with an admin token in CIVICNET_TOKEN (it is POST /api/backups), or let it back up on a schedule (CIVICNET_BACKUP_CRON, e.g. "30 3 * * *")',
  )
  assert.equal(readdirSync(ctx.dataDir).filter((e) => e.startsWith('backups')), [], 'nothing written')
})

test('POST /api/backups is for admins only', async (ctx) => {
  const anonymous = await fetch(`${ctx.demo.baseUrl}/api/backups`, { method: 'POST' })
  assert.equal([anonymous.status, ((await anonymous.json()) as { code: string }).code], [401, 'CN_ERR_UNAUTHENTICATED'])
  const engineer = createToken(ctx.demo.appState.db, 'engineer', 'backup test engineer')
  const r = await runCli(['backup', '--url', ctx.demo.baseUrl], { env: { CIVICNET_DATA_DIR: ctx.dataDir, CIVICNET_TOKEN: engineer } })
  assert.equal([r.code, r.stderr.trim()], [1, `civicnet backup: the CivicNet at ${ctx.demo.baseUrl} made no backup: 403 CN_ERR_FORBIDDEN: role 'engineer' may not POST /api/backups (allowed: admin)`])
})

test('civicnet backup --url: the demo makes it while polling; restored, the API answers as the original for the period before it', async (ctx) => {
  const { demo } = ctx
  const r = await runCli(['backup', '--url', demo.baseUrl], { env: { CIVICNET_DATA_DIR: ctx.dataDir, CIVICNET_TOKEN: demo.token } })
  assert.is(r.code, 0, r.stdout + r.stderr)
  const dir = /backup written by the CivicNet at \S+: (\S+)/.exec(r.stdout)![1]!
  // the figures docs/OPERATIONS.md quotes: the demo's size and the time of a backup while it polls
  console.log(`\n${r.stdout.trim().split('\n').slice(1).join('\n')}`)
  assert.is(dirname(dir), join(ctx.dataDir, 'backups'))
  const manifest: BackupManifest = await verifyBackup(dir)
  assert.equal(lastGoodBackup(demo.appState)?.dir, dir)
  // the collector was writing: it stored polls from just before the backup, and goes on after it
  assert.ok(manifest.metrics.kind === 'duckdb' && manifest.metrics.newestSampleMs! > manifest.createdMs - 3 * POLL_MS, JSON.stringify(manifest.metrics))
  let after = 0
  while (after <= manifest.finishedMs) {
    await new Promise((res) => setTimeout(res, 200))
    after = Math.max(...(await demo.store.latest({ metric: 'device_up', sinceMs: manifest.finishedMs })).map((l) => l.timeMs), 0)
  }
  assert.equal([manifest.counts.incidents, manifest.counts.reportRuns], [1, 1])

  const restoredDir = join(ctx.tmp, 'restored-while-writing')
  const rr = await runCli(['restore', dir], { env: { CIVICNET_DATA_DIR: restoredDir } })
  assert.is(rr.code, 0, rr.stdout + rr.stderr)
  const restored = await openRestored(ctx, restoredDir)
  const copy = restored.store as MetricStore & { backup: NonNullable<MetricStore['backup']> }
  // the restored store holds exactly the rows the manifest counted
  const recount = await copy.backup(join(ctx.tmp, 'recount.duckdb'))
  assert.equal([recount.samples, recount.newestSampleMs], [manifest.counts.samples, manifest.metrics.newestSampleMs])

  // a poll written after the copy bears a time after the poll began: a minute before the backup is settled
  const cut = Math.floor((manifest.createdMs - 60_000) / 60_000) * 60_000
  const original = await apiAt(ctx, demo.store, demo.appState, cut)
  const again = await apiAt(ctx, restored.store, restored.appState, cut)
  await assertSameAnswers(original, again, demo.token, boundedUrls(ctx, cut))
  await original.close()
  await again.close()
})

test('once the collector stops, a backup restored answers every question as the original, now figures included', async (ctx) => {
  const { demo } = ctx
  await demo.collector.stop()
  await demo.collector.writer.flush()
  const service = createBackupService({ cron: null, keep: 7, dir: join(ctx.dataDir, 'backups') }, { appState: demo.appState, store: demo.store, dataDir: ctx.dataDir, clock: wallClock, log: quiet })
  const made = await service.run('schedule')
  const restoredDir = join(ctx.tmp, 'restored-quiet')
  await restoreBackup(made.dir, restoredDir)
  const restored = await openRestored(ctx, restoredDir)
  const now = made.manifest.createdMs
  const original = await apiAt(ctx, demo.store, demo.appState, now)
  const again = await apiAt(ctx, restored.store, restored.appState, now)
  const ap = demo.inventory.devices.find((d) => d.kind === 'ap')!.id
  await assertSameAnswers(original, again, demo.token, [
    '/api/neighborhoods',
    '/api/neighborhoods/northeast',
    '/api/devices',
    `/api/devices/${ap}`,
    '/api/links',
    '/api/status',
    ...boundedUrls(ctx, now),
    // today's report is an open period: its dataVersion digests reads to the day's end, which
    // the polls written after a backup made while polling would change; here none come after
    `/api/reports?from=${today(demo.inventory.city.timezone)}&to=${today(demo.inventory.city.timezone)}`,
  ])
  await original.close()
  await again.close()
})

test('a restore over the data dir the demo holds is refused, even with --force, and changes nothing', async (ctx) => {
  const backups = join(ctx.dataDir, 'backups')
  const newest = join(backups, readdirSync(backups).sort().at(-1)!)
  const before = readdirSync(ctx.dataDir).sort()
  const r = await runCli(['restore', newest, '--force'], { env: { CIVICNET_DATA_DIR: ctx.dataDir } })
  assert.is(r.code, 1, r.stdout + r.stderr)
  assert.match(r.stderr, `civicnet restore: data dir ${ctx.dataDir} is in use: DuckDB file ${join(ctx.dataDir, 'metrics.duckdb')} is in use by another process (pid ${process.pid}?): stop that CivicNet (demo or serve) before a restore`)
  assert.equal(readdirSync(ctx.dataDir).sort(), before)
})

test.run()
