/**
 * uniques/uniqueClients on stored sightings and station reads, on a real DuckDB store and a
 * real influxd: exact daily figures per AP, neighborhood and de-duplicated city, randomized
 * apart with their share; null with a reason (never 0) for an AP with no station source, a
 * collector gap, a key change, a day not over; averages, device-days and period-unique.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash } from 'node:crypto'
import { localDate, nextDate, startOfLocalDate } from '../../core/calendar.ts'
import type { Inventory } from '../../core/inventory.ts'
import type { Sample, StationSighting } from '../../core/metrics.ts'
import { STATION_KEY_METRIC as COLLECTOR_METRIC } from '../../collector/samples.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { openInfluxStore } from '../../store/influx/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { STATION_KEY_METRIC } from '../../uniques/coverage.ts'
import { missBound, periodScopeOf, uniqueClients, UniquesQueryError } from '../../uniques/index.ts'
import { startInfluxd, type Influxd } from '../support/influxd.ts'
import { smallCity } from '../simulators/fixture.ts'

const TZ = 'America/New_York'
const MIN = 60_000
const HOUR = 60 * MIN

/** smallCity, with the south APs managed by a UniFi Network controller. */
function inventory(): Inventory {
  const inv = smallCity()
  inv.devices.push({ id: 'unifi-1', name: 'UNIFI-1', kind: 'controller', site: 'hub', mgmt: { host: '127.0.0.1', port: 30 }, credential: 'sim-v2c' })
  for (const d of inv.devices) if (d.id.startsWith('ap-s')) d.managedBy = 'unifi-1'
  return inv
}

const dg = (n: number, key: string) => createHash('sha256').update(`${key} ${n}`).digest('hex')
const day = (date: string, device: string, neighborhood: string, clients: number[], randomized: number[] = []): StationSighting[] =>
  clients.map((n) => ({ scope: 'day', period: date, device, neighborhood, digest: dg(n, date), randomized: randomized.includes(n) }))
const month = (period: string, device: string, neighborhood: string, clients: number[]): StationSighting[] =>
  clients.map((n) => ({ scope: 'month', period, device, neighborhood, digest: dg(n, period), randomized: false }))

/** station_key reads of a source every stepMs over [from, to) of local time, keys by a function of the time. */
function reads(device: string, fromMs: number, toMs: number, stepMs: number, dayKey: (t: number) => number, monthKey = 7): Sample[] {
  const out: Sample[] = []
  for (let t = fromMs; t < toMs; t += stepMs) {
    const m = Math.floor(t / MIN) * MIN
    out.push({ metric: STATION_KEY_METRIC, device, neighborhood: '', instance: 'day', value: dayKey(t), timeMs: m })
    out.push({ metric: STATION_KEY_METRIC, device, neighborhood: '', instance: 'month', value: monthKey, timeMs: m })
  }
  return out
}
const start = (d: string) => startOfLocalDate(d, TZ)

async function fill(store: MetricStore) {
  // 2026-11-10: reads every 10 min; north {1,2,3,4r} on n1, {3,4r,5} on n2; south {5,6} on s1 (5 roams)
  // 2026-11-11: hourly reads; the two controllers read under different keys (two collectors)
  // 2026-11-12: wlc-1's key changes at noon (a restart)
  // 2026-11-13: wlc-1 not read from 02:00 to 04:00 (a gap)
  const samples = [
    ...reads('wlc-1', start('2026-11-10'), start('2026-11-11'), 10 * MIN, () => 101),
    ...reads('unifi-1', start('2026-11-10') + 3 * MIN, start('2026-11-11'), 10 * MIN, () => 101),
    ...reads('wlc-1', start('2026-11-11'), start('2026-11-12'), HOUR, () => 111),
    ...reads('unifi-1', start('2026-11-11'), start('2026-11-12'), HOUR, () => 999),
    ...reads('wlc-1', start('2026-11-12'), start('2026-11-13'), HOUR, (t) => (t < start('2026-11-12') + 12 * HOUR ? 121 : 122)),
    ...reads('wlc-1', start('2026-11-13'), start('2026-11-13') + 2 * HOUR, HOUR, () => 131),
    ...reads('wlc-1', start('2026-11-13') + 4 * HOUR, start('2026-11-14'), HOUR, () => 131),
    // September: hourly reads all month, one month key, a new day key each day
    ...reads('wlc-1', start('2026-09-01'), start('2026-10-01'), HOUR, (t) => 1000 + Number(localDate(t, TZ).slice(8)), 55),
    // October: hourly reads all month, the month key changes on the 15th (a restart)
    ...reads('wlc-1', start('2026-10-01'), start('2026-11-01'), HOUR, (t) => 2000 + Number(localDate(t, TZ).slice(8)), 0).map((s) =>
      s.instance === 'month' ? { ...s, value: s.timeMs < start('2026-10-15') ? 66 : 67 } : s),
  ]
  for (let i = 0; i < samples.length; i += 5000) await store.write(samples.slice(i, i + 5000))
  const rows = [
    ...day('2026-11-10', 'ap-n1', 'north', [1, 2, 3, 4], [4]), ...day('2026-11-10', 'ap-n2', 'north', [3, 4, 5], [4]), ...day('2026-11-10', 'ap-s1', 'south', [5, 6]),
    ...day('2026-11-11', 'ap-n1', 'north', [1, 2]), ...day('2026-11-11', 'ap-s2', 'south', [3]),
    ...day('2026-11-12', 'ap-n1', 'north', [1]), ...day('2026-11-13', 'ap-n1', 'north', [1]),
  ]
  // September: 3 devices a day, 10 distinct over the month (device n comes on days where (d + n) % 4 < 1 ...)
  for (let d = 1; d <= 30; d++) {
    const date = `2026-09-${String(d).padStart(2, '0')}`
    const who = [d % 10, (d + 3) % 10, (d + 6) % 10]
    rows.push(...day(date, 'ap-n1', 'north', who, [d % 10 === 1 ? 1 : -1]))
    rows.push(...month('2026-09', 'ap-n1', 'north', who))
  }
  for (let d = 1; d <= 31; d++) rows.push(...day(`2026-10-${String(d).padStart(2, '0')}`, 'ap-n1', 'north', [1]))
  rows.push(...month('2026-10', 'ap-n1', 'north', [1, 2]))
  await store.writeSightings(rows)
}

function uniquesSuite(name: string, open: () => Promise<{ store: MetricStore; stop: () => Promise<void> }>) {
  const test = suite<{ store: MetricStore; stop: () => Promise<void> }>(`uniqueClients on ${name}`)
  test.before(async (ctx) => {
    Object.assign(ctx, await open())
    await ctx.store.init()
    await fill(ctx.store)
  })
  test.after(async (ctx) => ctx.stop())

  const NOW = () => Date.parse('2026-11-20T12:00:00Z')

  test('a day read every 10 minutes: exact figures per AP, neighborhood and the de-duplicated city, randomized apart', async ({ store }) => {
    const r = await uniqueClients({ from: '2026-11-10', to: '2026-11-11', neighborhoods: ['north', 'south'], aps: true }, { store, inventory: inventory(), now: NOW })
    assert.is(r.timezone, TZ)
    assert.is(r.unit, 'devices')
    const d = r.days[0]!
    assert.is(d.date, '2026-11-10')
    assert.equal(d.neighborhoods.north, { value: 5, randomized: 1, randomizedShare: 0.2, missBound: missBound(10 * MIN, 'neighborhood'), pollIntervalMin: 10 })
    assert.equal([d.neighborhoods.south!.value, d.neighborhoods.south!.randomized], [2, 0])
    // client 5 was in both: the city counts it once
    assert.equal([d.city.value, d.city.randomized], [6, 1])
    assert.is(d.city.missBound, missBound(10 * MIN, 'city'))
    assert.equal(Object.fromEntries(Object.entries(d.aps!).map(([k, f]) => [k, f.value])), { 'ap-n1': 4, 'ap-n2': 3, 'ap-n3': 0, 'ap-s1': 2, 'ap-s2': 0, 'ap-s3': 0 })
    assert.is(d.aps!['ap-n1']!.missBound, missBound(10 * MIN, 'ap'))
    assert.match(r.method, /lower bound/)
  })

  test('an AP nothing lists the stations of has no figure, and neither has its neighborhood or the city', async ({ store }) => {
    const inv = smallCity() // no UniFi controller: the south APs serve a count only
    const r = await uniqueClients({ from: '2026-11-10', to: '2026-11-11', neighborhoods: 'all', aps: true }, { store, inventory: inv, now: NOW })
    const d = r.days[0]!
    assert.is(d.neighborhoods.north!.value, 5)
    assert.is(d.neighborhoods.south!.value, null)
    assert.match(d.neighborhoods.south!.reason!, /^no station source/)
    assert.is(d.aps!['ap-s1']!.value, null)
    assert.is(d.city.value, null)
    assert.match(d.city.reason!, /^3 of 6 APs: no station source/)
  })

  test('two keys in one day (two collectors, or a restart) and a collector gap give null with their reasons', async ({ store }) => {
    const r = await uniqueClients({ from: '2026-11-11', to: '2026-11-14', neighborhoods: ['north', 'south'] }, { store, inventory: inventory(), now: NOW })
    const [d11, d12, d13] = r.days
    // each controller had one key all day: its neighborhood counts; their union does not
    assert.equal([d11!.neighborhoods.north!.value, d11!.neighborhoods.north!.pollIntervalMin, d11!.neighborhoods.south!.value], [2, 60, 1])
    assert.is(d11!.neighborhoods.north!.missBound, missBound(HOUR, 'neighborhood'))
    assert.is(d11!.city.value, null)
    assert.match(d11!.city.reason!, /digest key changed during the day/)
    assert.is(d12!.neighborhoods.north!.value, null)
    assert.match(d12!.neighborhoods.north!.reason!, /digest key changed during the day/)
    assert.is(d13!.neighborhoods.north!.value, null)
    assert.is(d13!.neighborhoods.north!.reason, 'collector gap: no station table read in 2 of 24 local hours')
    // south's controller was not read at all after the 11th
    assert.is(d13!.neighborhoods.south!.reason, 'collector gap: no station table read on this day')
    for (const f of [d12!.neighborhoods.north!, d13!.city]) assert.equal([f.randomized, f.randomizedShare, f.missBound], [null, null, null])
  })

  test('a day not over has no figure yet', async ({ store }) => {
    const now = () => start('2026-11-10') + 15 * HOUR
    const r = await uniqueClients({ from: '2026-11-10', to: '2026-11-12', neighborhoods: ['north'] }, { store, inventory: inventory(), now })
    assert.equal(r.days.map((d) => d.neighborhoods.north!.reason), ['the day is not over', 'the day has not begun'])
  })

  test('average daily devices and device-days over the days, null when a day has none', async ({ store }) => {
    const r = await uniqueClients({ from: '2026-11-10', to: '2026-11-12', neighborhoods: ['north'] }, { store, inventory: inventory(), now: NOW })
    const p = r.period.neighborhoods.north!
    assert.equal([p.deviceDays.value, p.deviceDays.randomized, p.averageDaily.value, p.averageDaily.randomized, p.averageDaily.randomizedShare], [7, 1, 3.5, 0.5, 1 / 7])
    // the coarser of the two days' reads sets the bound
    assert.equal([p.averageDaily.pollIntervalMin, p.averageDaily.missBound], [60, missBound(HOUR, 'neighborhood')])
    assert.is(r.period.scope, null)
    assert.is(p.periodUnique.value, null)
    assert.match(p.periodUnique.reason!, /whole calendar month or quarter/)
    const longer = await uniqueClients({ from: '2026-11-10', to: '2026-11-14', neighborhoods: ['north'] }, { store, inventory: inventory(), now: NOW })
    assert.is(longer.period.neighborhoods.north!.averageDaily.value, null)
    assert.match(longer.period.neighborhoods.north!.averageDaily.reason!, /^2 of 4 days have no figure \(2026-11-12: the digest key changed/)
  })

  test('period-unique devices for a month read under one month key; null when the key changed or the collector keeps another period', async ({ store }) => {
    const sep = await uniqueClients({ from: '2026-09-01', to: '2026-10-01', neighborhoods: ['north'] }, { store, inventory: inventory(), now: NOW })
    assert.is(sep.period.scope, 'month')
    const p = sep.period.neighborhoods.north!
    assert.equal([p.periodUnique.value, p.periodUnique.pollIntervalMin], [10, 60])
    assert.equal([p.deviceDays.value, p.averageDaily.value], [90, 3])
    assert.equal(sep.days.map((d) => d.neighborhoods.north!.value), Array(30).fill(3))
    assert.is(sep.period.city.periodUnique.value, 10)
    const oct = await uniqueClients({ from: '2026-10-01', to: '2026-11-01', neighborhoods: ['north'] }, { store, inventory: inventory(), now: NOW })
    assert.is(oct.period.neighborhoods.north!.deviceDays.value, 31)
    assert.is(oct.period.neighborhoods.north!.periodUnique.value, null)
    assert.match(oct.period.neighborhoods.north!.periodUnique.reason!, /month key changed within the month/)
    const q3 = await uniqueClients({ from: '2026-07-01', to: '2026-10-01', neighborhoods: ['north'] }, { store, inventory: inventory(), now: NOW })
    assert.is(q3.period.scope, 'quarter')
    assert.match(q3.period.neighborhoods.north!.periodUnique.reason!, /no quarter key was read in this quarter: the collector keeps period-unique digests per month/)
  })

  test('a neighborhood without APs has 0; bad questions name the field', async ({ store }) => {
    const inv = inventory()
    inv.neighborhoods.push({ ...inv.neighborhoods[0]!, id: 'east', name: 'East', served: false })
    const r = await uniqueClients({ from: '2026-11-10', to: '2026-11-11', neighborhoods: ['east'] }, { store, inventory: inv, now: NOW })
    assert.equal([r.days[0]!.neighborhoods.east!.value, r.days[0]!.city.value], [0, 0])
    const refusal = (q: Parameters<typeof uniqueClients>[0]) => uniqueClients(q, { store, inventory: inv, now: NOW }).then(() => 'answered', (e: Error) => `${e instanceof UniquesQueryError} ${e.message}`)
    assert.is(await refusal({ from: '2026-11-31', to: '2026-12-01', neighborhoods: 'all' }), "true from: must be a date YYYY-MM-DD, got '2026-11-31'")
    assert.is(await refusal({ from: '2026-11-10', to: '2026-11-10', neighborhoods: 'all' }), "true to: must be after from (2026-11-10), got '2026-11-10'")
    assert.is(await refusal({ from: '2026-11-10', to: '2026-11-11', neighborhoods: ['atlantis'] }), "true neighborhoods: 'atlantis' is not a neighborhood of Testville")
  })

  return test
}

const calendar = suite('the period of a question and the metric name')
calendar('a month or a quarter exactly, else none; uniques reads the metric the collector writes', () => {
  assert.is(periodScopeOf('2026-10-01', '2027-01-01'), 'quarter')
  assert.is(periodScopeOf('2026-12-01', '2027-01-01'), 'month')
  assert.is(periodScopeOf('2026-12-01', '2026-12-31'), null)
  assert.is(periodScopeOf('2026-11-15', '2026-12-15'), null)
  assert.is(STATION_KEY_METRIC, COLLECTOR_METRIC)
  assert.is(nextDate('2026-12-31'), '2027-01-01')
})
calendar.run()

uniquesSuite('DuckDB', async () => {
  const store = await openDuckDbStore({ path: ':memory:' })
  return { store, stop: () => store.close() }
}).run()

let influxd: Influxd | undefined
uniquesSuite('InfluxDB', async () => {
  influxd = await startInfluxd()
  const store = await openInfluxStore({ url: influxd.url, database: 'civicnet', writer: { flushIntervalMs: 5 } })
  return { store, stop: async () => { await store.close(); await influxd!.stop() } }
}).run()
