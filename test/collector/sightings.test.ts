/**
 * Station sightings: from a reading's station table to the day and period rows of the AP
 * each station is on (a WLC's lightweight APs, a UniFi controller's managed APs, an AP's own
 * table), the station_key samples that tell uniques a read happened, the in-memory
 * de-duplication per period, and the writer path: batched, spooled while the store is down,
 * replayed into a real DuckDB store once, malformed rows set aside.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import type { Sample, StationSighting } from '../../core/metrics.ts'
import { createCounterTracker } from '../../collector/counters.ts'
import { createMacHasher } from '../../collector/privacy.ts'
import { buildApIndex, buildManagedIndex, readingToSamples, type ReadingInput } from '../../collector/samples.ts'
import { createSightingTracker } from '../../collector/sightings.ts'
import { createWriter } from '../../collector/writer.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { StoreWriteError } from '../../store/query.ts'
import { smallCity } from '../simulators/fixture.ts'

const log = pino({ level: 'silent' })
const NY = 'America/New_York'
// 2026-11-24 10:00:37 in New York
const T = Date.UTC(2026, 10, 24, 15, 0, 37)
const base: ReadingInput = { clients: { total: 0, breakdown: [] }, optics: [], interfaces: [], sysUpTimeTicks: 1000 }
const MACS = ['f0:18:98:00:00:01', 'DA:12:34:00:00:02', '3c5a.b400.0003', 'ac-bc-32-00-00-04']

function inventory() {
  const inv = smallCity()
  // the south APs are managed by a UniFi Network controller; one is listed under another name
  inv.devices.push({ id: 'unifi-1', name: 'UNIFI-1', kind: 'controller', site: 'hub', mgmt: { host: '127.0.0.1', port: 30 }, credential: 'sim-v2c' })
  for (const d of inv.devices) {
    if (d.id.startsWith('ap-s')) d.managedBy = 'unifi-1'
    if (d.id === 'ap-s3') d.controllerApName = 'Pole 3 South'
  }
  return inv
}

test('a WLC\'s stations become the day and quarter rows of their lightweight APs, with station_key samples for the read', () => {
  const inv = inventory()
  const h = createMacHasher({ timezone: NY })
  const r = readingToSamples({
    ...base,
    aps: [{ name: 'AP-NORTH-1', up: true, clients: 2 }, { name: 'AP-NORTH-2', up: true, clients: 1 }],
    stations: [{ mac: MACS[0]!, ap: 'AP-NORTH-1' }, { mac: MACS[1]!, ap: 'AP-NORTH-1' }, { mac: MACS[2]!, ap: 'AP-NORTH-2' }, { mac: MACS[3]!, ap: 'AP-ELSEWHERE' }],
  }, { device: 'wlc-1', neighborhood: '', timeMs: T, counters: createCounterTracker(), macHasher: h, aps: buildApIndex(inv).get('wlc-1') })
  assert.is(r.stations!.count, 4)
  assert.is(r.stations!.unattributed, 1)
  assert.is(r.stations!.randomized, 1)
  const d = (mac: string) => h.hash(mac, T)
  assert.equal(r.sightings, [
    { scope: 'day', period: '2026-11-24', device: 'ap-n1', neighborhood: 'north', digest: d(MACS[0]!).digest, randomized: false },
    { scope: 'quarter', period: '2026Q4', device: 'ap-n1', neighborhood: 'north', digest: d(MACS[0]!).periodDigest, randomized: false },
    { scope: 'day', period: '2026-11-24', device: 'ap-n1', neighborhood: 'north', digest: d(MACS[1]!).digest, randomized: true },
    { scope: 'quarter', period: '2026Q4', device: 'ap-n1', neighborhood: 'north', digest: d(MACS[1]!).periodDigest, randomized: true },
    { scope: 'day', period: '2026-11-24', device: 'ap-n2', neighborhood: 'north', digest: d(MACS[2]!).digest, randomized: false },
    { scope: 'quarter', period: '2026Q4', device: 'ap-n2', neighborhood: 'north', digest: d(MACS[2]!).periodDigest, randomized: false },
  ])
  const ids = h.keyIds(T)
  const keys = r.samples.filter((s) => s.metric === 'station_key')
  const minute = Math.floor(T / 60_000) * 60_000
  assert.equal(keys, [
    { metric: 'station_key', device: 'wlc-1', neighborhood: '', instance: 'day', value: ids.dayKeyId, timeMs: minute },
    { metric: 'station_key', device: 'wlc-1', neighborhood: '', instance: 'quarter', value: ids.periodKeyId, timeMs: minute },
  ])
  // nothing of a MAC in what leaves
  const out = JSON.stringify(r).toLowerCase()
  for (const m of MACS) assert.not.ok(out.includes(m.toLowerCase().replace(/[^0-9a-f]/g, '').slice(0, 12)))
})

test('a UniFi controller\'s stations land on the standalone APs it manages, by controllerApName ?? name', () => {
  const inv = inventory()
  const managed = buildManagedIndex(inv).get('unifi-1')!
  assert.equal([...managed.keys()].sort(), ['AP-S1', 'AP-S2', 'Pole 3 South'])
  const r = readingToSamples({
    ...base,
    stations: [{ mac: MACS[0]!, ap: 'AP-S1' }, { mac: MACS[1]!, ap: 'Pole 3 South' }, { mac: MACS[2]!, ap: 'AP-S3' }],
  }, { device: 'unifi-1', neighborhood: '', timeMs: T, counters: createCounterTracker(), macHasher: createMacHasher({ timezone: NY }), managed })
  assert.equal(r.sightings.filter((x) => x.scope === 'day').map((x) => `${x.device} ${x.neighborhood}`), ['ap-s1 south', 'ap-s3 south'])
  assert.is(r.stations!.unattributed, 1, "'AP-S3' is not the name the controller lists ap-s3 under")
  assert.equal(r.samples.filter((s) => s.metric === 'station_key').map((s) => s.device), ['unifi-1', 'unifi-1'])
})

test('an AP\'s own station table is its own; a reading without stations has no station_key; a reading older than its day\'s key counts nothing', () => {
  const h = createMacHasher({ timezone: NY, uniquePeriod: 'month' })
  const ctx = { device: 'ap-s2', neighborhood: 'south', timeMs: T, counters: createCounterTracker(), macHasher: h, ownStations: true }
  const own = readingToSamples({ ...base, stations: [{ mac: MACS[0]! }] }, ctx)
  assert.equal(own.sightings.map((x) => `${x.scope} ${x.period} ${x.device} ${x.neighborhood}`), ['day 2026-11-24 ap-s2 south', 'month 2026-11 ap-s2 south'])
  assert.equal(own.samples.filter((s) => s.metric === 'station_key').map((s) => s.instance), ['day', 'month'])
  const none = readingToSamples(base, ctx)
  assert.equal(none.sightings, [])
  assert.is(none.samples.filter((s) => s.metric === 'station_key').length, 0)
  // the table was read and is empty: a read with no one on it (a 0, not a gap)
  const empty = readingToSamples({ ...base, stations: [] }, ctx)
  assert.is(empty.samples.filter((s) => s.metric === 'station_key').length, 2)
  h.close(T + 2 * 86_400_000)
  const late = readingToSamples({ ...base, stations: [{ mac: MACS[0]! }] }, ctx)
  assert.is(late.stationsTooLate, true)
  assert.equal(late.sightings, [])
  assert.is(late.stations, undefined)
  assert.is(late.samples.filter((s) => s.metric === 'station_key').length, 0)
})

test('the tracker hands on a row once per period and AP, forgets closed periods, and clears a period past its cap', () => {
  const t = createSightingTracker({ maxPerPeriod: 3 })
  const row = (period: string, device: string, n: number, scope: StationSighting['scope'] = 'day'): StationSighting =>
    ({ scope, period, device, neighborhood: 'north', digest: createHash('sha256').update(String(n)).digest('hex'), randomized: false })
  assert.is(t.add([row('2026-11-24', 'ap-1', 1), row('2026-11-24', 'ap-2', 1), row('2026Q4', 'ap-1', 1, 'quarter')]).length, 3)
  assert.is(t.add([row('2026-11-24', 'ap-1', 1), row('2026-11-24', 'ap-2', 1)]).length, 0)
  assert.is(t.stats().dayUnique, 1, 'one client on two APs is one of the day')
  t.retain(['day 2026-11-25', 'quarter 2026Q4'])
  assert.is(t.add([row('2026-11-24', 'ap-1', 1), row('2026Q4', 'ap-1', 1, 'quarter')]).length, 1, 'the closed day is forgotten, the open quarter is not')
  t.add([row('2026-11-25', 'ap-1', 1), row('2026-11-25', 'ap-1', 2), row('2026-11-25', 'ap-1', 3)])
  assert.is(t.add([row('2026-11-25', 'ap-1', 4)]).length, 1)
  assert.is(t.stats().resets, 1)
  assert.is(t.add([row('2026-11-25', 'ap-1', 1)]).length, 1, 'past the cap a repeat goes on (the store keeps it once)')
  assert.is(t.stats().day, '2026-11-25')
})

const dg = (n: number) => createHash('sha256').update(`client ${n}`).digest('hex')
const sighting = (n: number, device = `ap-${n % 3}`): StationSighting => ({ scope: 'day', period: '2026-11-24', device, neighborhood: 'north', digest: dg(n), randomized: n % 4 === 0 })
const sample = (i: number): Sample => ({ metric: 'wifi_clients', device: 'ap-1', neighborhood: 'north', instance: '', value: i, timeMs: 1_000 * (i + 1) })

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

test('sightings written while a real DuckDB store is down are spooled with the samples and replayed: every one stored, none twice', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-sightings-'))
  const real = await openDuckDbStore({ path: ':memory:' })
  await real.init()
  let up = true
  let sightingWrites = 0
  const store = {
    async write(samples: readonly Sample[]) {
      if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:8086')
      await real.write(samples)
    },
    async writeSightings(rows: readonly StationSighting[]) {
      if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:8086')
      sightingWrites += rows.length
      await real.writeSightings(rows)
    },
    ping: async () => up,
  }
  const w = createWriter({ spoolDir: dir, batchSize: 16, maxDelayMs: 5, retryMs: 20, spoolSegmentBytes: 2000 }, { store, log })
  try {
    w.start()
    for (let i = 0; i < 30; i++) {
      w.write([sample(i)])
      w.writeSightings([sighting(i)])
    }
    await w.flush()
    up = false
    for (let i = 30; i < 90; i++) {
      w.write([sample(i)])
      w.writeSightings([sighting(i)])
    }
    // a replay after a crash sends some rows again: the store keeps them once
    w.writeSightings([sighting(3), sighting(40)])
    await w.flush()
    assert.ok(w.stats().storeDown)
    assert.is(w.stats().spooledSightings, 62)
    assert.is(w.stats().spooledSamples, 60)
    const spooled = readdirSync(dir).filter((f) => f.endsWith('.jsonl')).map((f) => readFileSync(join(dir, f), 'utf8')).join('')
    assert.ok(spooled.includes(`"g":"${dg(50)}"`), 'the spool holds the sighting lines')
    up = true
    await waitFor('the spool to drain', () => !w.stats().storeDown && w.stats().spool.segments === 0)
    await w.flush()
    const st = w.stats()
    assert.equal([st.writtenSamples, st.writtenSightings, st.replayedSightings, st.rejectedSightings, st.spool.droppedSightings], [90, 92, 62, 0, 0])
    assert.is(sightingWrites, 92)
    const counts = await real.countSightings({ scope: 'day', periods: ['2026-11-24'], groupBy: 'all' })
    assert.equal(counts, [{ period: '2026-11-24', group: '', unique: 90, randomized: 23 }])
    const perAp = await real.countSightings({ scope: 'day', periods: ['2026-11-24'], groupBy: 'device' })
    assert.equal(perAp.map((c) => c.unique), [30, 30, 30])
    assert.equal(readdirSync(dir), [])
  } finally {
    await w.stop()
    await real.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a sighting the store rejects as malformed is set aside in rejected.jsonl; the good ones of its batch are stored', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-sightings-'))
  const real = await openDuckDbStore({ path: ':memory:' })
  await real.init()
  const w = createWriter({ spoolDir: dir, batchSize: 50, maxDelayMs: 5, retryMs: 20 }, { store: real, log })
  try {
    w.start()
    const rows = Array.from({ length: 20 }, (_, i) => sighting(i))
    rows[7] = { ...rows[7]!, period: '2026-11-31' as string, scope: 'month' }
    w.writeSightings(rows)
    w.write([sample(1)])
    await w.flush()
    const st = w.stats()
    assert.equal([st.writtenSightings, st.rejectedSightings, st.writtenSamples], [19, 1, 1])
    const rejected = readFileSync(join(dir, 'rejected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { k: string; g: string; reason: string })
    assert.equal(rejected.map((r) => [r.k, r.g]), [['s', dg(7)]])
    assert.match(rejected[0]!.reason, "period '2026-11-31' is not a month")
    assert.equal(await real.countSightings({ scope: 'day', periods: ['2026-11-24'], groupBy: 'all' }), [{ period: '2026-11-24', group: '', unique: 19, randomized: 5 }])
    // a store that takes no sightings refuses them as malformed rather than losing them silently
    const bare = createWriter({ spoolDir: join(dir, 'bare'), maxDelayMs: 5 }, { store: { write: real.write, ping: real.ping }, log })
    bare.start()
    bare.writeSightings([sighting(1)])
    await bare.flush()
    assert.is(bare.stats().rejectedSightings, 1)
    await bare.stop()
    assert.ok(new StoreWriteError('x', false))
  } finally {
    await w.stop()
    await real.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
