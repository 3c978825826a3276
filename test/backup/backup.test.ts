/**
 * backup/ on a real data dir (SQLite app state, a DuckDB file store) without the demo: the
 * manifest's figures, checksums that refuse a changed byte by file name, a restore that
 * refuses a non-empty dir and with --force keeps the old files aside, the schedule's config
 * errors, keep-last-N pruning, the backup_runs record, and the two commands' exit codes.
 */
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, statSync, utimesSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { loadDemoConfig } from '../../cli/demo.ts'
import { manualClock, wallClock } from '../../core/clock.ts'
import type { Sample } from '../../core/metrics.ts'
import {
  BackupError, createBackup, createBackupScheduler, createBackupService, lastGoodBackup, loadBackupConfig, restoreBackup, verifyBackup, type BackupManifest,
} from '../../backup/index.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { saveRun } from '../../reports/runs.ts'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { runCli } from '../support/cli.ts'
import { smallHartford } from '../support/small-hartford.ts'

/** 2026-03-02 10:00:00 UTC */
const T = Date.UTC(2026, 2, 2, 10)
const log = pino({ level: 'silent' })
const sha = (file: string) => createHash('sha256').update(readFileSync(file)).digest('hex')

interface DataDir {
  dir: string
  appState: AppState
  store: MetricStore
  close(): Promise<void>
}

/** A data dir as a CivicNet leaves it: inventory, 2 incidents, 1 report run, 3 x 40 samples, a digest key and a spooled batch. */
async function dataDir(): Promise<DataDir> {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-bk-'))
  const appState = openAppState(join(dir, 'state.sqlite'))
  appState.replaceInventory(smallHartford(), 'test')
  const incidents = openIncidentStore(appState.db)
  incidents.openByHand({ neighborhood: 'northeast', summary: 'one', aps: [], neighborhoods: [], place: null }, 'test', T - 3_600_000)
  incidents.openByHand({ neighborhood: 'blue-hills', summary: 'two', aps: [], neighborhoods: [], place: null }, 'test', T - 1_800_000)
  const params = { from: '2026-03-01', to: '2026-03-01', kind: 'range', name: '', neighborhoods: 'all' as const, availabilityTargetPct: 99.45 }
  saveRun(appState.db, { door: 'cli', format: 'json', requestedBy: 'test', params, dataVersion: 'v1', generatedAt: new Date(T).toISOString(), open: false, json: '{"a":1}' }, T)
  const store = await openDuckDbStore({ path: join(dir, 'metrics.duckdb') })
  await store.init()
  const samples: Sample[] = []
  for (let i = 0; i < 40; i++) {
    for (const device of ['ap-a', 'ap-b', 'ap-c']) samples.push({ metric: 'wifi_clients', device, neighborhood: 'northeast', instance: '', value: i, timeMs: T - (40 - i) * 60_000 })
  }
  await store.write(samples)
  mkdirSync(join(dir, 'keys'))
  writeFileSync(join(dir, 'keys', 'day-2026-03-02.key'), 'k'.repeat(64), { mode: 0o600 })
  mkdirSync(join(dir, 'spool'))
  writeFileSync(join(dir, 'spool', 'seg-000000000001.jsonl'), '{}\n') // a segment as collector/spool.ts names it
  return {
    dir,
    appState,
    store,
    async close() {
      await store.close()
      appState.close()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

const test = suite<{ d: DataDir; to: string; made: { dir: string; manifest: BackupManifest } }>('backup: create, verify, restore', {} as never)
test.before(async (ctx) => {
  ctx.d = await dataDir()
  ctx.to = mkdtempSync(join(tmpdir(), 'civicnet-bk-to-'))
  ctx.made = await createBackup({ appState: ctx.d.appState, store: ctx.d.store, dataDir: ctx.d.dir, to: ctx.to, clock: manualClock(T), log })
})
test.after(async (ctx) => {
  await ctx.d.close()
  rmSync(ctx.to, { recursive: true, force: true })
})

test('writes civicnet-backup-<UTC stamp>/ with the two files and a manifest of versions, counts and checksums; keys/ is not copied', async ({ d, to, made }) => {
  assert.is(made.dir, join(to, 'civicnet-backup-20260302T100000000Z'))
  assert.equal(readdirSync(to), ['civicnet-backup-20260302T100000000Z'])
  assert.equal(readdirSync(made.dir).sort(), ['manifest.json', 'metrics.duckdb', 'state.sqlite'])
  const m = JSON.parse(readFileSync(join(made.dir, 'manifest.json'), 'utf8')) as BackupManifest
  assert.equal(m, made.manifest)
  assert.is(m.format, 'civicnet-backup/1')
  assert.is(m.civicnetVersion, JSON.parse(readFileSync('package.json', 'utf8')).version)
  assert.equal([m.createdAt, m.createdMs], ['2026-03-02T10:00:00.000Z', T])
  assert.equal(m.appState, { file: 'state.sqlite', userVersion: 1, inventoryVersion: 1 })
  assert.equal(m.metrics, { kind: 'duckdb', file: 'metrics.duckdb', duckdbVersion: 'v1.5.6', newestSampleMs: T - 60_000 })
  assert.equal(m.counts, { incidents: 2, reportRuns: 1, samples: 120, pendingSpoolFiles: 1 })
  for (const f of m.files) assert.equal(f, { name: f.name, bytes: statSync(join(made.dir, f.name)).size, sha256: sha(join(made.dir, f.name)) })
  assert.match(m.leftOut.keys, 'never backed up')
  assert.match(m.leftOut.accountsKey!, 'accounts.key (the key of staff accounts')
  assert.ok(existsSync(join(d.dir, 'keys', 'day-2026-03-02.key')))
  assert.equal(await verifyBackup(made.dir), m)
})

test('the embedded store copy is consistent while writes go on: it holds whole batches only, and the writes after it are not in it', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-bk-live-'))
  const store = await openDuckDbStore({ path: join(dir, 'metrics.duckdb') })
  await store.init()
  const batch = (n: number): Sample[] => Array.from({ length: 1000 }, (_, i) => ({ metric: 'wifi_clients', device: `ap-${i}`, neighborhood: 'northeast', instance: '', value: n, timeMs: T + n * 60_000 }))
  let stop = false
  let written = 0
  const writer = (async () => {
    for (let n = 0; !stop; n++) {
      await store.write(batch(n))
      written++
      // as the collector's batches, each comes from I/O: the event loop turns between them
      await new Promise((r) => setImmediate(r))
    }
  })()
  while (written < 5) await new Promise((r) => setTimeout(r, 10))
  const info = await store.backup!(join(dir, 'copy.duckdb'))
  const at = written
  stop = true
  await writer
  assert.is(info.samples % 1000, 0, `${info.samples} samples: a batch cut in two`)
  assert.ok(info.samples >= 5000 && info.samples <= (at + 1) * 1000, `${info.samples} samples, ${at} batches written when it returned`)
  assert.is(info.newestSampleMs, T + (info.samples / 1000 - 1) * 60_000)
  assert.ok(written * 1000 > info.samples, 'writes went on after the copy')
  await store.close()
  rmSync(dir, { recursive: true, force: true })
})

test('a changed byte in state.sqlite or metrics.duckdb is refused by checksum, naming the file', async ({ made }) => {
  for (const name of ['state.sqlite', 'metrics.duckdb']) {
    const copy = mkdtempSync(join(tmpdir(), 'civicnet-bk-bad-'))
    for (const f of readdirSync(made.dir)) writeFileSync(join(copy, f), readFileSync(join(made.dir, f)))
    const bytes = readFileSync(join(copy, name))
    bytes[Math.floor(bytes.length / 2)] ^= 0x01
    writeFileSync(join(copy, name), bytes)
    const want = made.manifest.files.find((f) => f.name === name)!.sha256
    try {
      await verifyBackup(copy)
      assert.unreachable(`${name}: a changed byte was not seen`)
    } catch (err) {
      assert.instance(err, BackupError)
      assert.is((err as Error).message, `backup ${copy}: ${name} does not match its checksum (SHA-256 ${sha(join(copy, name))}, the manifest says ${want}): the file is damaged`)
    }
    const empty = mkdtempSync(join(tmpdir(), 'civicnet-bk-empty-'))
    await restoreBackup(copy, empty).then(
      () => assert.unreachable('restored a damaged backup'),
      (err: Error) => assert.match(err.message, `${name} does not match its checksum`),
    )
    assert.equal(readdirSync(empty), [], 'a refused restore wrote nothing')
    rmSync(copy, { recursive: true, force: true })
    rmSync(empty, { recursive: true, force: true })
  }
})

test('a dir without manifest.json (a backup cut short) is never taken for a backup', async ({ made }) => {
  const half = mkdtempSync(join(tmpdir(), 'civicnet-bk-half-'))
  writeFileSync(join(half, 'state.sqlite'), readFileSync(join(made.dir, 'state.sqlite')))
  await verifyBackup(half).then(
    () => assert.unreachable(),
    (err: Error) => assert.is(err.message, `backup ${half} has no manifest.json: not a CivicNet backup, or one that was never finished`),
  )
  rmSync(half, { recursive: true, force: true })
})

test('restore into an empty dir puts the files in place; the restored store and state hold what was backed up', async ({ made }) => {
  const target = join(mkdtempSync(join(tmpdir(), 'civicnet-bk-restore-')), 'data')
  const r = await restoreBackup(made.dir, target)
  assert.equal([r.restored, r.asideDir, r.movedAside], [['state.sqlite', 'metrics.duckdb'], null, []])
  assert.equal(readdirSync(target).sort(), ['metrics.duckdb', 'state.sqlite'])
  const store = await openDuckDbStore({ path: join(target, 'metrics.duckdb') })
  await store.init()
  const latest = await store.latest({ metric: 'wifi_clients' })
  assert.equal(latest.map((l) => [l.device, l.value, l.timeMs]), [['ap-a', 39, T - 60_000], ['ap-b', 39, T - 60_000], ['ap-c', 39, T - 60_000]])
  await store.close()
  const state = openAppState(join(target, 'state.sqlite'))
  assert.equal(openIncidentStore(state.db).list({ state: 'open' }).map((i) => i.affected.neighborhoods[0]).sort(), ['blue-hills', 'northeast'])
  state.close()
  rmSync(join(target, '..'), { recursive: true, force: true })
})

test('restore over a data dir with CivicNet data is refused without force; with force the old files are moved aside, keys/ stays', async ({ made }) => {
  const other = await dataDir()
  await other.store.close()
  other.appState.close()
  const before = { state: sha(join(other.dir, 'state.sqlite')), metrics: sha(join(other.dir, 'metrics.duckdb')) }
  await restoreBackup(made.dir, other.dir).then(
    () => assert.unreachable(),
    (err: Error) => assert.is(err.message, `data dir ${other.dir} is not empty (state.sqlite, metrics.duckdb, spool, keys): pass --force to replace it (its files are moved aside, not deleted)`),
  )
  assert.is(sha(join(other.dir, 'state.sqlite')), before.state, 'a refused restore changed nothing')
  const r = await restoreBackup(made.dir, other.dir, { force: true, nowMs: T + 60_000 })
  assert.is(r.asideDir, join(other.dir, 'replaced-20260302T100100000Z'))
  assert.equal(r.movedAside, ['state.sqlite', 'metrics.duckdb', 'spool'])
  assert.equal(readdirSync(other.dir).sort(), ['keys', 'metrics.duckdb', 'replaced-20260302T100100000Z', 'state.sqlite'])
  assert.equal([sha(join(r.asideDir!, 'state.sqlite')), sha(join(r.asideDir!, 'metrics.duckdb'))], [before.state, before.metrics])
  assert.equal(readdirSync(join(r.asideDir!, 'spool')), ['seg-000000000001.jsonl'])
  for (const f of made.manifest.files) assert.is(sha(join(other.dir, f.name)), f.sha256)
  rmSync(other.dir, { recursive: true, force: true })
})

test('CIVICNET_BACKUP_CRON and CIVICNET_BACKUP_KEEP are checked, naming the variable', () => {
  assert.throws(
    () => loadBackupConfig({ CIVICNET_BACKUP_CRON: '61 * * * *' }, '/data'),
    (err: Error) => err.message === "CIVICNET_BACKUP_CRON is not a valid cron expression: '61 * * * *' (node-cron: 5 fields, or 6 with seconds first; e.g. '30 3 * * *' is 03:30 every day)",
  )
  assert.throws(() => loadBackupConfig({ CIVICNET_BACKUP_KEEP: '0' }, '/data'), (err: Error) => err.message === "CIVICNET_BACKUP_KEEP must be an integer in 1..1000, got '0'")
  // demo and serve read it at start: a bad expression stops them there, naming the variable
  assert.throws(() => loadDemoConfig({ CIVICNET_DATA_DIR: '/data', CIVICNET_BACKUP_CRON: '* * *' }), (err: Error) => err.message.startsWith("CIVICNET_BACKUP_CRON is not a valid cron expression: '* * *'"))
  assert.equal(loadDemoConfig({ CIVICNET_DATA_DIR: '/data' }).backup, { cron: null, keep: 7, dir: '/data/backups' })
  assert.equal(loadBackupConfig({}, '/data'), { cron: null, keep: 7, dir: '/data/backups' })
  assert.equal(loadBackupConfig({ CIVICNET_BACKUP_CRON: '30 3 * * *', CIVICNET_BACKUP_KEEP: '3', CIVICNET_BACKUP_DIR: '/mnt/b' }, '/data'), { cron: '30 3 * * *', keep: 3, dir: '/mnt/b' })
})

test('the service keeps the newest N, prunes only after a verified backup, records each run, and a failed run leaves the last good one', async ({ d }) => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-bk-keep-'))
  writeFileSync(join(dir, 'notes.txt'), 'not a backup')
  mkdirSync(join(dir, '.civicnet-backup-20260101T000000000Z.partial'))
  utimesSync(join(dir, '.civicnet-backup-20260101T000000000Z.partial'), new Date(T - 86_400_000), new Date(T - 86_400_000))
  const clock = manualClock(T)
  const service = createBackupService({ cron: null, keep: 2, dir }, { appState: d.appState, store: d.store, dataDir: d.dir, clock, log })
  const made = []
  for (let i = 0; i < 4; i++) {
    clock.set(T + i * 1000)
    made.push(await service.run('schedule'))
  }
  assert.equal(readdirSync(dir).sort(), ['civicnet-backup-20260302T100002000Z', 'civicnet-backup-20260302T100003000Z', 'notes.txt'])
  assert.equal(lastGoodBackup(d.appState), { finishedMs: T + 3000, dir: made[3]!.dir, bytes: made[3]!.bytes })
  // a run that cannot write (its dir is a file) is recorded as failed; the last good one stays
  const blocked = join(dir, 'notes.txt')
  clock.set(T + 10_000)
  await service.run('api', { to: blocked }).then(() => assert.unreachable(), (err: Error) => assert.instance(err, BackupError))
  assert.equal(lastGoodBackup(d.appState), { finishedMs: T + 3000, dir: made[3]!.dir, bytes: made[3]!.bytes })
  const runs = d.appState.db.prepare('SELECT trigger, ok, dir FROM backup_runs ORDER BY id').all()
  assert.equal(runs.slice(-2), [{ trigger: 'schedule', ok: 1, dir: made[3]!.dir }, { trigger: 'api', ok: 0, dir: blocked }])
  rmSync(dir, { recursive: true, force: true })
})

test('the schedule runs on its cron expression (every second here) and is stopped by stop()', async ({ d }) => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-bk-cron-'))
  const service = createBackupService({ cron: '* * * * * *', keep: 1, dir }, { appState: d.appState, store: d.store, dataDir: d.dir, clock: wallClock, log })
  const scheduler = createBackupScheduler(service)
  scheduler.start()
  const before = lastGoodBackup(d.appState)
  while (lastGoodBackup(d.appState)?.dir === before?.dir) await new Promise((r) => setTimeout(r, 100))
  await scheduler.stop()
  const entries = readdirSync(dir)
  assert.is(entries.length, 1)
  assert.is(join(dir, entries[0]!), lastGoodBackup(d.appState)!.dir)
  await verifyBackup(join(dir, entries[0]!))
  rmSync(dir, { recursive: true, force: true })
})

test('civicnet backup and restore: exit 0 on a data dir nobody holds, 1 on a refusal, 2 on bad usage', async ({ made }) => {
  const src = await dataDir()
  await src.store.close()
  src.appState.close()
  const out = mkdtempSync(join(tmpdir(), 'civicnet-bk-cli-'))
  let r = await runCli(['backup', '--to', out], { env: { CIVICNET_DATA_DIR: src.dir } })
  assert.is(r.code, 0, r.stderr)
  const made2 = readdirSync(out)
  assert.is(made2.length, 1)
  assert.match(r.stdout, `backup written: ${join(out, made2[0]!)}`)
  assert.match(r.stdout, 'inventory version 1, 2 incidents, 1 report runs, 120 samples')
  r = await runCli(['backup', '--to'], { env: { CIVICNET_DATA_DIR: src.dir } })
  assert.equal([r.code, r.stderr.split('\n')[0]], [2, 'civicnet backup: --to needs a value'])
  r = await runCli(['backup'], { env: { CIVICNET_DATA_DIR: src.dir, CIVICNET_BACKUP_CRON: 'every day' } })
  assert.equal([r.code, r.stderr.split('\n')[0]], [2, "civicnet backup: CIVICNET_BACKUP_CRON is not a valid cron expression: 'every day' (node-cron: 5 fields, or 6 with seconds first; e.g. '30 3 * * *' is 03:30 every day)"])
  r = await runCli(['serve'], { env: { CIVICNET_DATA_DIR: src.dir, CIVICNET_BACKUP_KEEP: 'all' } })
  assert.equal([r.code, r.stderr.trim()], [2, "civicnet serve: CIVICNET_BACKUP_KEEP must be an integer in 1..1000, got 'all'"])
  r = await runCli(['restore', join(out, made2[0]!)], { env: { CIVICNET_DATA_DIR: src.dir } })
  assert.equal([r.code, r.stderr.trim()], [1, `civicnet restore: data dir ${src.dir} is not empty (state.sqlite, metrics.duckdb, spool, keys): pass --force to replace it (its files are moved aside, not deleted)`])
  r = await runCli(['restore'], { env: { CIVICNET_DATA_DIR: src.dir } })
  assert.equal([r.code, r.stderr.split('\n')[0]], [2, 'civicnet restore: FROM (the backup dir) is missing'])
  const fresh = join(out, 'fresh')
  r = await runCli(['restore', made.dir], { env: { CIVICNET_DATA_DIR: fresh } })
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, `restored ${made.dir} (made 2026-03-02T10:00:00.000Z by CivicNet`)
  assert.equal(readdirSync(fresh).sort(), ['metrics.duckdb', 'state.sqlite'])
  await src.close()
  rmSync(out, { recursive: true, force: true })
})

test('on InfluxDB civicnet backup copies the app state only, and says the metrics are the database\'s own backup', async () => {
  const src = await dataDir()
  await src.store.close()
  src.appState.close()
  const out = mkdtempSync(join(tmpdir(), 'civicnet-bk-influx-'))
  // the store is never opened: nothing listens on this port
  const r = await runCli(['backup', '--to', out], { env: { CIVICNET_DATA_DIR: src.dir, INFLUX_URL: 'http://127.0.0.1:9' } })
  assert.is(r.code, 0, r.stderr)
  assert.match(r.stdout, 'inventory version 1, 2 incidents, 1 report runs, metrics in InfluxDB (its own backup)')
  const dir = join(out, readdirSync(out)[0]!)
  const m = await verifyBackup(dir)
  assert.equal(readdirSync(dir).sort(), ['manifest.json', 'state.sqlite'])
  assert.equal(m.metrics, { kind: 'influxdb', note: "the metrics are in InfluxDB and are its own job to back up (1.x: influxd backup -portable; docs/OPERATIONS.md): this backup holds CivicNet's app state only" })
  assert.equal(m.counts, { incidents: 2, reportRuns: 1, samples: null, pendingSpoolFiles: 1 })
  const target = join(out, 'restored')
  assert.equal((await restoreBackup(dir, target)).restored, ['state.sqlite'])
  assert.equal(readdirSync(target), ['state.sqlite'])
  await src.close()
  rmSync(out, { recursive: true, force: true })
})

test.run()
