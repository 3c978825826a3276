/**
 * The simulated Hartford against Hartford's published figures (simulators/README.md,
 * "Calibration"): over a week of city-local days, about 12,900 unique client devices a day
 * city-wide (each counted once however many neighborhoods it visited) and 1.79 GB per device
 * and day (both directions), each within 10 %; the diurnal shape; passers-by (1-9 minute
 * visits) that polling at an interval misses; roamers that make the city's count less than
 * the sum of its neighborhoods'; a quarter of MACs randomized. And the truth of a whole local
 * day (23, 24 or 25 h) is exact: the cached day visits give the same sets as minute by minute.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { nextDate, startOfLocalDate } from '../../core/calendar.ts'
import { manualClock } from '../../core/clock.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { MINUTE_MS } from '../../simulators/model.ts'
import { silentLog } from './fixture.ts'

const TZ = 'America/New_York'
const FIRST = '2026-11-09' // a Monday; the week has no DST change
const DAYS = 7
const PUBLISHED = { uniquePerDay: 12_907, gbPerClientDay: 1.79 }

const inv = hartfordInventory(1)
const makeCity = (originDate: string, nowDate: string) =>
  createSimulatedCity(inv, { seed: 1, clock: manualClock(startOfLocalDate(nowDate, TZ)), originMs: startOfLocalDate(originDate, TZ) }, silentLog)

const test = suite('the simulated Hartford, calibrated')

test('a week of local days: ~12,900 unique devices a day city-wide and 1.79 GB per device, each within 10 %, randomized ~25 %', () => {
  const city = makeCity('2026-11-08', '2026-11-17')
  const { truth, model } = city
  const served = [...model.topo.apsByNeighborhood.keys()]
  assert.is(served.length, 6)
  let uniques = 0
  let bytes = 0
  let randomized = 0
  let inTwo = 0
  let d = FIRST
  for (let k = 0; k < DAYS; k++, d = nextDate(d)) {
    const from = startOfLocalDate(d, TZ)
    const to = startOfLocalDate(nextDate(d), TZ)
    const all = truth.uniqueBreakdown('all', from, to)
    const sum = served.reduce((s, nb) => s + truth.uniqueClients(nb, from, to), 0)
    // every day within 10 % of the published average, and the city less than its neighborhoods' sum
    assert.ok(Math.abs(all.total / PUBLISHED.uniquePerDay - 1) < 0.1, `${d}: ${all.total} unique devices`)
    assert.ok(all.total < sum && sum < all.total * 1.1, `${d}: city ${all.total}, sum of neighborhoods ${sum}`)
    const b = served.reduce((s, nb) => s + truth.bytes(nb, from, to).total, 0)
    assert.is(truth.bytes('all', from, to).total, b)
    uniques += all.total
    bytes += b
    randomized += all.randomized
    inTwo += sum - all.total
  }
  const perDay = uniques / DAYS
  const gb = bytes / uniques / 1e9
  assert.ok(Math.abs(perDay / PUBLISHED.uniquePerDay - 1) < 0.1, `mean ${perDay.toFixed(0)} unique devices a day`)
  assert.ok(Math.abs(gb / PUBLISHED.gbPerClientDay - 1) < 0.1, `${gb.toFixed(3)} GB per device and day`)
  assert.ok(Math.abs(randomized / uniques - 0.25) < 0.02, `randomized ${(randomized / uniques).toFixed(3)}`)
  assert.ok(inTwo / uniques > 0.01 && inTwo / uniques < 0.08, `${((100 * inTwo) / uniques).toFixed(1)} % seen in two neighborhoods`)
})

test('diurnal: nights quiet, the afternoon and early evening busiest, the same shape every day', () => {
  const city = makeCity('2026-11-08', '2026-11-12')
  const hourly = (date: string) => {
    const from = startOfLocalDate(date, TZ)
    return Array.from({ length: 24 }, (_, h) => {
      let n = 0
      for (let m = 0; m < 60; m += 10) n += city.truth.clientsAt('all', from + h * 3_600_000 + m * MINUTE_MS)
      return n / 6
    })
  }
  for (const date of ['2026-11-09', '2026-11-10']) {
    const h = hourly(date)
    const peak = h.indexOf(Math.max(...h))
    const night = (h[2]! + h[3]! + h[4]!) / 3
    assert.ok(peak >= 15 && peak <= 19, `${date}: peak at ${peak}:00`)
    assert.ok(h[peak]! > 12 * night, `${date}: peak ${h[peak]!.toFixed(0)} vs night ${night.toFixed(0)}`)
    assert.ok(h[9]! > 2 * night && h[9]! < h[peak]!, `${date}: a morning rise`)
  }
})

test('passers-by: 1-9 minute visits, about a fifth of the day\'s devices, so polls 5 minutes apart miss some clients and 1 minute apart miss none', () => {
  const city = makeCity('2026-11-08', '2026-11-12')
  const { truth, model } = city
  const from = startOfLocalDate('2026-11-10', TZ)
  const to = startOfLocalDate('2026-11-11', TZ)
  const day = model.dayVisits(model.localDayOf(from / MINUTE_MS))
  const seen = new Set(day.client)
  const passers = [...seen].filter((id) => model.clients[id]!.passerBy)
  assert.ok(passers.length / seen.size > 0.15 && passers.length / seen.size < 0.25, `${passers.length} of ${seen.size} devices are passers-by`)
  // each client's stretches online (runs on neighboring APs join up)
  const runs = new Map<number, [number, number][]>()
  for (let r = 0; r < day.client.length; r++) {
    const list = runs.get(day.client[r]!) ?? []
    list.push([day.start[r]!, day.end[r]!])
    runs.set(day.client[r]!, list)
  }
  const stretches = new Map<number, [number, number][]>()
  for (const [id, list] of runs) {
    list.sort((x, y) => x[0] - y[0])
    const out: [number, number][] = [[...list[0]!]]
    for (const [s, e] of list.slice(1)) {
      const last = out.at(-1)!
      if (s <= last[1]) last[1] = Math.max(last[1], e)
      else out.push([s, e])
    }
    stretches.set(id, out)
  }
  const longest = (id: number) => Math.max(...stretches.get(id)!.map(([s, e]) => e - s))
  // stretches wholly inside the day (not cut at midnight)
  const inner = (id: number) => stretches.get(id)!.filter(([s, e]) => s > day.fromMinute && e < day.toMinute).map(([s, e]) => e - s)
  // (a passer-by's two visits of a day may happen to overlap: 18 minutes at most then)
  assert.ok(passers.every((id) => inner(id).every((n) => n >= 1 && n <= 18)), 'a passer-by stays 1-9 minutes a visit')
  assert.ok(passers.filter((id) => longest(id) <= 9).length > 0.95 * passers.length, 'almost all passers-by: one stretch of 1-9 minutes')
  const regular = [...seen].filter((id) => !model.clients[id]!.passerBy)
  assert.ok(regular.every((id) => inner(id).every((n) => n >= 10)), 'a regular client stays 10 minutes or more')
  // polling every minute sees every device; every 5 minutes misses some passers-by and no regular client
  const polled = (stepMin: number) => {
    const ids = new Set<string>()
    for (let t = from; t < to; t += stepMin * MINUTE_MS) for (const c of truth.clientListAt('all', t)) ids.add(c.mac)
    return ids
  }
  const total = truth.uniqueClients('all', from, to)
  assert.is(polled(1).size, total)
  const five = polled(5)
  const missed = total - five.size
  assert.ok(missed > 0.02 * total && missed < passers.length, `5-minute polls miss ${missed} of ${total}`)
  // whoever stays 5 minutes on end is seen by polls 5 minutes apart; the missed are all short visits
  assert.ok([...seen].filter((id) => longest(id) >= 5).every((id) => five.has(model.clients[id]!.mac)), 'no one online 5 minutes on end is missed')
  assert.ok([...seen].filter((id) => !five.has(model.clients[id]!.mac)).every((id) => longest(id) < 5), 'the missed stayed under 5 minutes')
})

test('truth of a whole local day is exact on 25 h, 23 h and 24 h days: the cached visits give the minute-by-minute sets', () => {
  for (const [date, hours] of [['2026-11-01', 25], ['2026-03-08', 23], ['2026-11-10', 24]] as const) {
    const from = startOfLocalDate(date, TZ)
    const to = startOfLocalDate(nextDate(date), TZ)
    assert.is((to - from) / 3_600_000, hours, date)
    const a = makeCity(date, nextDate(nextDate(date)))
    const b = makeCity(date, nextDate(nextDate(date)))
    // minute by minute, on a second city with nothing cached: who was on which AP
    const where = b.model.topo.neighborhoodOf
    const directOf = new Map<string, Set<string>>([['all', new Set()], ['downtown', new Set()], ['ap-downtown-003', new Set()]])
    for (let t = from; t < to; t += MINUTE_MS) {
      for (const c of b.truth.clientListAt('all', t)) {
        directOf.get('all')!.add(c.mac)
        if (where.get(c.ap) === 'downtown') directOf.get('downtown')!.add(c.mac)
        if (c.ap === 'ap-downtown-003') directOf.get('ap-downtown-003')!.add(c.mac)
      }
    }
    for (const [target, direct] of directOf) {
      const t0 = performance.now()
      const macs = a.truth.uniqueClientMacs(target, from, to)
      assert.equal(macs, [...direct].sort(), `${date} ${target}`)
      if (target !== 'all') assert.ok(performance.now() - t0 < 200, `${date} ${target}: the day's visits are cached`)
      const split = a.truth.uniqueBreakdown(target, from, to)
      assert.is(split.total, direct.size)
      assert.is(split.randomized, macs.filter((m) => (parseInt(m.slice(0, 2), 16) & 0x02) !== 0).length)
    }
    // a range that starts and ends inside days, across midnight, from the cache too
    const mid = from + 20 * 3_600_000
    const direct = new Set<string>()
    for (let t = Math.ceil(mid / MINUTE_MS) * MINUTE_MS; t < to + 5 * 3_600_000; t += MINUTE_MS) for (const c of b.truth.clientListAt('all', t)) direct.add(c.mac)
    assert.is(a.truth.uniqueClients('all', mid, to + 5 * 3_600_000), direct.size, `${date}: 20:00 to 05:00 next day`)
  }
})

test.run()
