/**
 * availability/: the rule on hand-made device_up samples (a real DuckDB store): each poll's
 * result holds until the next poll within its clock hour; an hour without a poll is
 * unknown; outages run from the first failed poll to the first answered one. Cases: a mixed
 * cadence hour (an hourly history poll, then live polls every 2 s), an outage already on at
 * the period start, one still on at its end, a collector gap in the middle of an outage
 * (no deviceUp event: the collector restarted), and the same answers from the 1h rollup.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Sample } from '../../core/metrics.ts'
import { availability, summarize } from '../../availability/index.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'

const H = 3_600_000
const M = 60_000
const T0 = Date.UTC(2026, 5, 1) // period start
const up = (device: string, timeMs: number, v: 0 | 1): Sample => ({ metric: 'device_up', device, neighborhood: 'n', instance: '', value: v, timeMs })

const test = suite<{ store: MetricStore }>('availability: up, down and unknown time from polls', {} as { store: MetricStore })
test.before(async (ctx) => {
  ctx.store = await openDuckDbStore({ path: ':memory:' })
  await ctx.store.init()
  const s: Sample[] = []
  // a: hourly polls from T0-2h; live polls every 2 s from T0+2h30m; down 3h10m00s..3h10m30s
  for (let t = T0 - 2 * H; t < T0 + 2.5 * H; t += H) s.push(up('a', t, 1))
  for (let t = T0 + 2.5 * H; t < T0 + 6 * H; t += 2000) s.push(up('a', t, t >= T0 + 3 * H + 10 * M && t < T0 + 3 * H + 10 * M + 30_000 ? 0 : 1))
  // b: polled every minute; down from before the period until T0+20m; down again from T0+5h30m to the end
  for (let t = T0 - H; t < T0 + 6 * H; t += M) s.push(up('b', t, t < T0 + 20 * M || t >= T0 + 5.5 * H ? 0 : 1))
  // c: every minute; down at T0+1h; the collector stops T0+1h30m..T0+3h; up again at T0+3h
  for (let t = T0 - H; t < T0 + 6 * H; t += M) {
    if (t >= T0 + 1.5 * H && t < T0 + 3 * H) continue
    s.push(up('c', t, t >= T0 + H && t < T0 + 1.5 * H ? 0 : 1))
  }
  // d: hourly polls, then in hour 4 a burst of 15 polls 2 s apart of which the 6th..8th fail
  // (few polls in the hour, all within 30 s: the hour's count cannot tell their spacing)
  for (let t = T0 - H; t < T0 + 6 * H; t += H) s.push(up('d', t, 1))
  for (let k = 0; k < 15; k++) s.push(up('d', T0 + 4 * H + 10 * M + k * 2000, k >= 5 && k < 8 ? 0 : 1))
  await ctx.store.write(s)
})
test.after(async (ctx) => {
  await ctx.store?.close()
})

const q = { fromMs: T0, asOfMs: T0 + 6 * H, aps: [{ id: 'a', neighborhood: 'n' }, { id: 'b', neighborhood: 'n' }, { id: 'c', neighborhood: 'n' }] }

test('a mixed-cadence hour: the hourly poll holds until the first live poll; a 30 s outage at 2 s polls is 30 s', async ({ store }) => {
  const r = await availability(q, { store })
  const a = r.aps.get('a')!
  assert.equal(a.outages.map((o) => [o.startMs - T0, o.endMs - T0, o.restored]), [[3 * H + 10 * M, 3 * H + 10 * M + 30_000, true]])
  assert.equal([a.downMs, a.unknownMs, a.upMs], [30_000, 0, 6 * H - 30_000])
})

test('an outage on at the period start counts from the start; one on at the end is not restored', async ({ store }) => {
  const b = (await availability(q, { store })).aps.get('b')!
  assert.equal(b.outages.map((o) => [o.startMs - T0, o.endMs - T0, o.restored, o.startedBefore]), [[0, 20 * M, true, true], [5.5 * H, 6 * H, false, false]])
  assert.is(b.downMs, 20 * M + 30 * M)
  const s = summarize([b])
  assert.is(s.meanTimeToRestoreMinutes, 20, 'only the restored outage counts in the mean time to restore')
})

test('a collector gap is unknown, not down: the outage before it is not restored, the hour ends it, the hours without polls are left out', async ({ store }) => {
  const c = (await availability(q, { store })).aps.get('c')!
  // Down from T0+1h; the gap starts at T0+1h30m inside that hour, so the failed poll at
  // T0+1h29m holds to the hour's end (T0+2h); hour 2 has no poll: unknown; hour 3 begins
  // with an answered poll at T0+3h: up, but after unknown time, so the outage is not restored.
  assert.equal(c.outages.map((o) => [o.startMs - T0, o.endMs - T0, o.restored]), [[H, 2 * H, false]])
  assert.equal([c.downMs, c.unknownMs], [H, H])
  const s = summarize([c])
  assert.is(s.availabilityPct, (100 * 4) / 5, 'up 4 h of 5 known hours')
  assert.is(s.observedPct, (100 * 5) / 6)
  assert.is(s.meanTimeToRestoreMinutes, null)
})

test('a short burst of fast polls in an hourly hour: the 6-second outage is found to the poll', async ({ store }) => {
  const d = (await availability({ ...q, aps: [{ id: 'd', neighborhood: 'n2' }] }, { store })).aps.get('d')!
  assert.equal(d.outages.map((o) => [o.startMs - T0, o.endMs - T0, o.restored]), [[4 * H + 10 * M + 10_000, 4 * H + 10 * M + 16_000, true]])
  assert.is(d.downMs, 6000)
})

test('the same answer from the 1h rollup as from raw samples', async ({ store }) => {
  const raw = await availability(q, { store })
  await store.rollup('5m', T0 - 3 * H, T0 + 7 * H)
  await store.rollup('1h', T0 - 3 * H, T0 + 7 * H)
  const rolled = await availability(q, { store })
  assert.equal([...rolled.aps.values()], [...raw.aps.values()])
})

test('an open period stops at asOf: later polls do not count', async ({ store }) => {
  const r = await availability({ ...q, asOfMs: T0 + 5.5 * H + 30_000 }, { store })
  const b = r.aps.get('b')!
  assert.equal(b.outages.at(-1)!.endMs - T0, 5.5 * H + 30_000)
  assert.is(b.upMs + b.downMs + b.unknownMs, 5.5 * H + 30_000)
})

test.run()
