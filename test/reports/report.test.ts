/**
 * buildReport over the fixture (test/reports/fixture.ts): each figure against a count made
 * here straight from the samples written, across a DST change; nulls with reasons; one
 * neighborhood, an open period, saved runs.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { localDate, utcOffsetMs } from '../../core/calendar.ts'
import { buildReport, type Report } from '../../reports/index.ts'
import { renderJson } from '../../reports/render/json.ts'
import { getRun, listRuns, saveRun } from '../../reports/runs.ts'
import {
  bytesAt, clientsAt, FROM, GAP_FROM_MS, GAP_TO_MS, NOW_MS, OUT_FROM_MS, OUT_TO_MS, openFixture, polled, pollTimes, reportDays, TO, TZ, up, type Fixture,
} from './fixture.ts'

const APS: Record<string, string[]> = { north: ['ap-n1', 'ap-n2'], east: ['ap-e1'] }
const MIN = 60_000

interface Ctx {
  f: Fixture
  report: Report
}
const test = suite<Ctx>('reports: buildReport over a fixture with known samples', {} as Ctx)
test.before(async (ctx) => {
  ctx.f = await openFixture()
  ctx.report = await buildReport({ from: FROM, to: TO }, ctx.f.deps)
})
test.after(async (ctx) => {
  await ctx.f?.close()
})

const days = reportDays()
const inDay = (d: { startMs: number; endMs: number }) => pollTimes().filter((t) => t >= d.startMs && t < d.endMs)

test('the period: local days, to inclusive, DST-exact (March 8 has 23 hours), closed, generatedAt its end', ({ report }) => {
  assert.equal(report.period, {
    from: '2026-03-05', to: '2026-03-09', kind: 'range', name: '', label: 'March 5 – March 9, 2026', days: 5, timeZone: TZ,
    startsAt: '2026-03-05T05:00:00.000Z', endsAt: '2026-03-10T04:00:00.000Z', open: false,
  })
  assert.equal(days.map((d) => (d.endMs - d.startMs) / 3_600_000), [24, 24, 24, 23, 24])
  assert.is(report.generatedAt, report.period.endsAt)
  assert.match(report.dataVersion, /^i1\.[0-9a-f]{16}$/)
  assert.equal(report.neighborhoods.map((n) => n.id), ['north', 'east'], "'all' is every served neighborhood, in inventory order")
})

test('bytes per neighborhood and local day: the sum of the samples whose time falls in the day', ({ report }) => {
  for (const [i, d] of days.entries()) {
    let total = 0
    for (const [nb, aps] of Object.entries(APS)) {
      const want = inDay(d).reduce((sum, t) => sum + aps.filter((a) => polled(a, t) && up(a, t)).reduce((s, a) => s + bytesAt(a, t), 0), 0)
      assert.is(report.daily[i]!.bytes[nb], want, `${nb} ${d.date}`)
      total += want
    }
    assert.is(report.daily[i]!.bytes.total, total, `total ${d.date}`)
  }
  const sum = (nb: string) => report.daily.reduce((s, d) => s + d.bytes[nb]!, 0)
  assert.is(report.neighborhoods[0]!.bytes, sum('north'))
  assert.is(report.total.bytes, sum('north') + sum('east'))
  assert.is(report.accessPoints.find((a) => a.id === 'ap-e1')!.bytes, sum('east'))
})

test('peak concurrent clients: the most at one instant, per neighborhood and summed across them (never a sum of peaks)', ({ report }) => {
  const period = pollTimes().filter((t) => t >= days[0]!.startMs && t < days.at(-1)!.endMs)
  const at = (aps: string[], t: number) => aps.filter((a) => polled(a, t) && up(a, t)).reduce((s, a) => s + clientsAt(a, t), 0)
  const peak = (aps: string[], ts: number[]) => Math.max(...ts.map((t) => at(aps, t)))
  assert.is(report.neighborhoods[0]!.peakConcurrentClients, peak(APS.north!, period))
  assert.is(report.neighborhoods[1]!.peakConcurrentClients, peak(APS.east!, period))
  const union = peak([...APS.north!, ...APS.east!], period)
  assert.is(report.total.peakConcurrentClients, union)
  assert.ok(union < report.neighborhoods[0]!.peakConcurrentClients! + report.neighborhoods[1]!.peakConcurrentClients!, 'these peaks fall at different instants: their sum would overstate')
  for (const [i, d] of days.entries()) assert.is(report.daily[i]!.peakConcurrentClients.north, peak(APS.north!, inDay(d)), d.date)
})

test('average concurrent clients by local hour of day', ({ report }) => {
  const period = pollTimes().filter((t) => t >= days[0]!.startMs && t < days.at(-1)!.endMs)
  const hod = (t: number) => new Date(t + utcOffsetMs(t, TZ)).getUTCHours()
  for (const h of [0, 10, 23]) {
    // the store's mean per clock hour over instant totals, then the mean of those hours
    const hours = new Map<number, number[]>()
    for (const t of period.filter((x) => hod(x) === h)) {
      const hour = Math.floor(t / 3_600_000)
      hours.set(hour, [...(hours.get(hour) ?? []), APS.north!.filter((a) => up(a, t)).reduce((s, a) => s + clientsAt(a, t), 0)])
    }
    const means = [...hours.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length)
    const want = Math.round((means.reduce((a, b) => a + b, 0) / means.length) * 100) / 100
    assert.is(report.hourOfDay.averageConcurrentClients.north![h], want, `north ${h}h`)
  }
  assert.is(report.hourOfDay.averageConcurrentClients.total!.length, 24)
})

test('availability: the 90-minute outage, restored; the 3-hour collector gap unknown, not down', ({ report }) => {
  const periodMin = (days.at(-1)!.endMs - days[0]!.startMs) / MIN
  assert.is(periodMin, 7140)
  const n2 = report.accessPoints.find((a) => a.id === 'ap-n2')!
  assert.equal([n2.outages, n2.outageMinutes, n2.meanTimeToRestoreMinutes], [1, (OUT_TO_MS - OUT_FROM_MS) / MIN, 90])
  assert.is(n2.availabilityPct, Math.round((100 * (periodMin - 90)) / periodMin * 1000) / 1000)
  const e1 = report.accessPoints.find((a) => a.id === 'ap-e1')!
  assert.equal([e1.availabilityPct, e1.outageMinutes, e1.outages], [100, 0, 0], 'a gap is not an outage')
  assert.is(e1.observedPct, Math.round((10_000 * (periodMin - (GAP_TO_MS - GAP_FROM_MS) / MIN)) / periodMin) / 100)
  const north = report.neighborhoods[0]!
  assert.is(north.availabilityPct, Math.round((100 * (2 * periodMin - 90)) / (2 * periodMin) * 1000) / 1000)
  assert.is(north.availabilityTargetMet, false, '99.370 % is below 99.45 %')
  assert.is(report.neighborhoods[1]!.availabilityTargetMet, true)
  const known = 3 * periodMin - 180
  assert.is(report.total.availabilityPct, Math.round((100 * (known - 90)) / known * 1000) / 1000)
  assert.equal([report.total.outageMinutes, report.total.outages, report.total.meanTimeToRestoreMinutes], [90, 1, 90])
  assert.equal(report.method.events, { deviceDown: 1, deviceUp: 1 })
  assert.is(report.method.availabilityTarget.pct, 99.45)
  assert.is(report.method.availabilityTarget.allowedOutageMinutes, Math.round(0.0055 * periodMin * 10) / 10)
})

test("unique clients from uniques/: north's daily 13 de-duplicated over its APs; east's gap day null with the reason; the total null", ({ report }) => {
  const north = report.neighborhoods[0]!
  assert.equal([north.uniqueClientsDailyAvg, north.deviceDays, north.randomizedShare], [13, 65, Math.round((4 / 13) * 1000) / 1000])
  assert.is(north.gbPerDeviceDay, Math.round((north.bytes! / 1e9 / 65) * 1000) / 1000)
  assert.equal(report.daily.map((d) => d.uniqueClients.north), [13, 13, 13, 13, 13])
  assert.equal(report.daily.map((d) => d.uniqueClients.east), [13, 13, null, 13, 13])
  assert.equal(report.daily.map((d) => d.uniqueClients.total), [21, 21, null, 21, 21], 'digests seen in both neighborhoods count once')
  for (const path of ['neighborhoods.east.deviceDays', 'total.deviceDays', 'total.gbPerDeviceDay', 'neighborhoods.north.uniqueClientsPeriod']) assert.type(report.method.reasons[path], 'string', path)
  assert.match(report.method.reasons['neighborhoods.east.deviceDays']!, /collector gap/)
  assert.match(report.method.reasons['neighborhoods.north.uniqueClientsPeriod']!, /calendar month or quarter/)
  assert.is(report.total.deviceDays, null)
  assert.ok(north.uniqueClientsMissBound !== null && north.uniqueClientsMissBound > 0, 'a miss bound at a 10-minute poll interval')
})

test('census figures per neighborhood and their sum; an unserved neighborhood asked for by id has null Wi-Fi figures with a reason', async ({ f }) => {
  const r = await buildReport({ from: FROM, to: TO, neighborhoods: 'south,north' }, f.deps)
  assert.equal(r.neighborhoods.map((n) => n.id), ['north', 'south'], 'inventory order')
  const south = r.neighborhoods[1]!
  assert.equal([south.aps, south.bytes, south.availabilityPct, south.deviceDays], [0, null, null, null])
  assert.match(r.method.reasons['neighborhoods.south.bytes']!, /not served/)
  assert.equal([r.total.population, r.total.households, r.total.householdsWithoutBroadband], [3000, 1500, 300])
  assert.equal(r.method.neighborhoodsAsked, ['north', 'south'])
})

test('an open period runs to now and says so; days not yet over have no figure', async ({ f }) => {
  const now = Date.parse('2026-03-09T17:30:45.500Z') // 12:30 local on the last day
  f.clock.set(now)
  try {
    const r = await buildReport({ from: FROM, to: TO }, f.deps)
    assert.is(r.period.open, true)
    assert.is(r.generatedAt, '2026-03-09T17:30:45.000Z')
    assert.match(r.method.notes[0]!, /still open/)
    assert.is(r.daily[4]!.uniqueClients.north, null)
    const want = pollTimes().filter((t) => t >= days[4]!.startMs && t < now).reduce((s, t) => s + bytesAt('ap-e1', t), 0)
    assert.is(r.daily[4]!.bytes.east, want, 'the last day runs to now')
    assert.ok(r.neighborhoods[0]!.observedPct! < 100 || r.neighborhoods[0]!.observedPct === 100)
    assert.is(localDate(now, TZ), '2026-03-09')
  } finally {
    f.clock.set(NOW_MS)
  }
})

test('runs are saved with their parameters and data version; the same JSON is kept once', async ({ f, report }) => {
  const json = renderJson(report)
  const params = { from: FROM, to: TO, kind: 'range', name: '', neighborhoods: 'all' as const, availabilityTargetPct: 99.45 }
  const a = saveRun(f.appState.db, { door: 'cli', format: 'csv', requestedBy: 'cli test', params, dataVersion: report.dataVersion, generatedAt: report.generatedAt, open: false, json }, 1000)
  const b = saveRun(f.appState.db, { door: 'api', format: 'pdf', requestedBy: "analyst 'x'", params, dataVersion: report.dataVersion, generatedAt: report.generatedAt, open: false, json }, 2000)
  assert.is(a.reportSha256, b.reportSha256)
  assert.is((f.appState.db.prepare('SELECT count(*) AS n FROM report_bodies').get() as { n: number }).n, 1)
  const list = listRuns(f.appState.db)
  assert.equal(list.map((r) => [r.id, r.door, r.format, r.dataVersion]), [[b.id, 'api', 'pdf', report.dataVersion], [a.id, 'cli', 'csv', report.dataVersion]])
  assert.equal(list[1]!.params, params)
  assert.is(getRun(f.appState.db, a.id)!.json, json)
  assert.is(getRun(f.appState.db, 999_999), undefined)
})

test('a closed period keeps its data version while station tables are read after it (live polling)', async () => {
  const f = await openFixture()
  try {
    const before = await buildReport({ from: FROM, to: TO }, f.deps)
    // a station-table read of today: after the period, so nothing the report counts
    await f.store.write([{ metric: 'station_key', device: 'ap-n1', neighborhood: '', instance: 'day', value: 20260320, timeMs: NOW_MS - MIN }])
    const after = await buildReport({ from: FROM, to: TO }, f.deps)
    assert.is(after.dataVersion, before.dataVersion)
    assert.is(renderJson(after), renderJson(before))
  } finally {
    await f.close()
  }
})

test('a quarter and a year resolve to their local days; a custom target is used and said', async ({ f }) => {
  const r = await buildReport({ from: '2026-03-05', to: '2026-03-09', availabilityTargetPct: 99 }, f.deps)
  assert.is(r.method.availabilityTarget.pct, 99)
  assert.is(r.neighborhoods[0]!.availabilityTargetMet, true)
  assert.match(r.method.availabilityTarget.basis, /set for this report/)
})

test.run()
