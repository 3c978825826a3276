/**
 * buildReport over the real path against the simulator's truth: the demo (simulated Hartford
 * as SNMP agents and a UniFi controller, the collector polling them, DuckDB, the API) on a
 * small Hartford (6 APs each of Northeast and Blue Hills, standalone UniFi, and Downtown,
 * behind the controller), with 8 days of hourly history (7 whole local days) and live polls every 2 s.
 * - bytes per neighborhood and local day equal the truth over the polls' own intervals, so
 *   within one poll interval's traffic at each end of the day; where the counters cannot give
 *   a delta (the controller's Counter32 AP counters at hourly polls could wrap), the report
 *   has no figure and says why, never a wrong one;
 * - daily unique devices per neighborhood and de-duplicated over them, each of the 7 days:
 *   exactly the clients the hourly reads saw, never above the truth, within the printed miss
 *   bound of it, the total below the sum of the neighborhoods (roamers once);
 * - an injected device-down fault: the AP's outage minutes equal the truth's outage within
 *   one poll interval at each end, and it is restored;
 * - the API's report (JSON and CSV) is buildReport's, byte for byte, and a re-run is too.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { localDate, nextDate, startOfLocalDate } from '../../core/calendar.ts'
import { wallClock } from '../../core/clock.ts'
import type { Inventory } from '../../core/inventory.ts'
import { loadDemoConfig, startDemo, type Demo } from '../../cli/demo.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { buildReport, type ReportDeps } from '../../reports/index.ts'
import { renderCsv } from '../../reports/render/csv.ts'
import { renderJson } from '../../reports/render/json.ts'
import { openAppState } from '../../store/app-state.ts'

const HOUR = 3_600_000
const POLL_MS = 2000
const NBS = ['northeast', 'blue-hills', 'downtown']
const TZ = 'America/New_York'

/** Hartford with 6 APs in each of three served neighborhoods; every other device and link kept. */
function smallHartford(): Inventory {
  const inv = hartfordInventory(1)
  const bySite = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
  const kept = new Map<string, number>()
  const devices = inv.devices.filter((d) => {
    if (d.kind !== 'ap') return true
    const n = bySite.get(d.site)!
    if (!NBS.includes(n)) return false
    kept.set(n, (kept.get(n) ?? 0) + 1)
    return kept.get(n)! <= 6
  })
  return { ...inv, devices }
}

interface Ctx {
  dir: string
  demo: Demo
  deps: ReportDeps
  week: { from: string; to: string }
  failed: string
}
const test = suite<Ctx>('reports over the demo against the simulator truth', {} as Ctx)

test.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-report-demo-'))
  const state = openAppState(join(ctx.dir, 'state.sqlite'))
  state.replaceInventory(smallHartford(), 'test: a small Hartford')
  state.close()
  const config = loadDemoConfig({
    CIVICNET_DATA_DIR: ctx.dir,
    PORT: '0',
    CIVICNET_SIM_CONTROL_PORT: '0',
    CIVICNET_TRAP_PORT: '0',
    CIVICNET_DEMO_EPHEMERAL_PORTS: '1',
    CIVICNET_DEMO_HISTORY_DAYS: '8',
    CIVICNET_DEMO_HISTORY_STEP_MS: String(HOUR),
    CIVICNET_COLLECT_INTERVAL_MS: String(POLL_MS),
  })
  ctx.demo = await startDemo(config, pino({ level: process.env.CIVICNET_TEST_LOG ?? 'warn' }))
  const appState = ctx.demo.appState
  ctx.deps = {
    store: ctx.demo.store,
    inventory: appState.inventory(),
    inventoryVersion: appState.inventoryVersion(),
    clock: wallClock,
    pollIntervalMs: POLL_MS,
    history: { fromMs: ctx.demo.historyFromMs, stepMs: HOUR, liveSinceMs: ctx.demo.liveSinceMs },
  }
  // the full local days wholly inside the hourly history, with the hour before the first
  const first = nextDate(localDate(ctx.demo.historyFromMs + HOUR, TZ))
  const last = localDate(ctx.demo.liveSinceMs, TZ)
  let to = first
  while (nextDate(to) < last) to = nextDate(to)
  ctx.week = { from: first, to }
})
test.after(async (ctx) => {
  await ctx.demo?.stop()
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
})

test('bytes per neighborhood and local day equal the truth over the polls\' intervals: within one poll interval at each end', async ({ demo, deps, week }) => {
  const r = await buildReport({ ...week, neighborhoods: NBS }, deps)
  assert.ok(r.period.days >= 7, `${r.period.days} full local days of history`)
  assert.is(r.period.open, false)
  const truth = demo.city.truth
  let checked = 0
  for (const day of r.daily) {
    const d0 = startOfLocalDate(day.date, TZ)
    const d1 = startOfLocalDate(nextDate(day.date), TZ)
    for (const n of NBS) {
      const got = day.bytes[n]
      if (n === 'downtown') {
        // the controller's per-AP counters are Counter32: an hour could hold a wrap, so no delta
        assert.is(got, null, `${n} ${day.date}: no figure rather than a wrong one`)
        continue
      }
      // history polls sit on hour marks, as local midnights do: the day's samples are the polls
      // at d0 .. d1-1h, each the traffic of the hour before it
      assert.is(got, truth.bytes(n, d0 - HOUR, d1 - HOUR).total, `${n} ${day.date}: the truth over the day's polls' intervals`)
      const edge = truth.bytes(n, d0 - HOUR, d0).total + truth.bytes(n, d1 - HOUR, d1).total
      assert.ok(Math.abs(got! - truth.bytes(n, d0, d1).total) <= edge)
      checked++
    }
  }
  assert.ok(checked >= 10, `${checked} neighborhood-days compared`)
  // peak concurrent clients: the most at one poll instant (the hour marks of the history)
  const apsOf = (n: string) => deps.inventory.devices.filter((d) => d.kind === 'ap' && deps.inventory.sites.find((s) => s.id === d.site)!.neighborhood === n).map((d) => d.id)
  const instants: number[] = []
  for (let t = startOfLocalDate(week.from, TZ); t < startOfLocalDate(nextDate(week.to), TZ); t += HOUR) instants.push(t)
  const at = (aps: string[], t: number) => aps.reduce((sum, ap) => sum + truth.clientsAt(ap, t), 0)
  for (const n of NBS) assert.is(r.neighborhoods.find((x) => x.id === n)!.peakConcurrentClients, Math.max(...instants.map((t) => at(apsOf(n), t))), `${n} peak`)
  const all = NBS.flatMap(apsOf)
  assert.is(r.total.peakConcurrentClients, Math.max(...instants.map((t) => at(all, t))), 'the total\'s peak: at one instant across the neighborhoods')
  // why: the collector marked each hourly interval of the controller's 32-bit AP counters
  // as possibly wrapped more than once (Rx and Tx of 6 APs, every poll but the first)
  const why = /^its APs' byte counters are 32-bit and were read too far apart to rule out more than one wrap: (\d+) counter interval\(s\) left out, never guessed/
  const gaps = Number(why.exec(r.method.reasons['neighborhoods.downtown.bytes']!)?.[1])
  const hoursIn = (startOfLocalDate(nextDate(week.to), TZ) - startOfLocalDate(week.from, TZ)) / HOUR
  assert.ok(gaps >= 2 * 6 * hoursIn, `${gaps} Counter32 intervals marked, at least Rx and Tx of 6 APs for each of the ${hoursIn} hours`)
  assert.match(r.method.reasons['daily.bytes.downtown']!, why)
  assert.match(r.method.reasons['accessPoints.ap-downtown-001.bytes']!, /^its byte counters are 32-bit and were read too far apart/)
  assert.ok(r.method.notes.some((n) => /32-bit byte counters read too far apart/.test(n) && /ap-downtown-001/.test(n)), 'the note names the APs whose intervals were left out')
  assert.not.ok(r.method.notes.some((n) => /no traffic counter was read/.test(n)), 'none is said to have no counter')
})

test('daily unique devices over the week, per neighborhood and de-duplicated over them: exactly the clients the hourly reads saw, never above the truth, within the printed miss bound', async ({ demo, deps, week }) => {
  const r = await buildReport({ ...week, neighborhoods: NBS }, deps)
  const truth = demo.city.truth
  const rows: string[] = []
  let days = 0
  for (const day of r.daily) {
    const d0 = startOfLocalDate(day.date, TZ)
    const d1 = startOfLocalDate(nextDate(day.date), TZ)
    // what the reads could see: the clients associated at each hourly read of the day
    const seen = new Map(NBS.map((n) => [n, new Set<string>()]))
    const seenAll = new Set<string>()
    for (let t = d0; t < d1; t += HOUR) {
      for (const n of NBS) {
        for (const c of truth.clientListAt(n, t)) {
          seen.get(n)!.add(c.mac)
          seenAll.add(c.mac)
        }
      }
    }
    let sum = 0
    for (const n of NBS) {
      const got = day.uniqueClients[n]!
      const bound = r.neighborhoods.find((x) => x.id === n)!.uniqueClientsMissBound!
      const t = truth.uniqueClients(n, d0, d1)
      assert.is(got, seen.get(n)!.size, `${n} ${day.date}: the digests counted are the clients the reads saw`)
      assert.ok(got <= t, `${n} ${day.date}: ${got} never above the truth ${t}`)
      assert.ok(got >= (1 - bound) * t, `${n} ${day.date}: ${got} within the printed miss bound ${bound} of the truth ${t}`)
      sum += got
    }
    const total = day.uniqueClients.total!
    const t = truth.uniqueClients('all', d0, d1)
    assert.is(total, seenAll.size, `${day.date}: the total counts each device once`)
    assert.ok(total <= t && total >= (1 - r.total.uniqueClientsMissBound!) * t, `${day.date}: total ${total} within ${r.total.uniqueClientsMissBound} of the truth ${t}`)
    assert.ok(total < sum, `${day.date}: roamers: the total ${total} is below the sum of the neighborhoods ${sum}`)
    rows.push(`${day.date} ${NBS.map((n) => `${day.uniqueClients[n]}/${truth.uniqueClients(n, d0, d1)}`).join(' ')} total ${total}/${t}`)
    days++
  }
  assert.ok(days >= 7, `${days} local days compared`)
  assert.is(r.method.historyStepMs, HOUR, 'the method states the hourly reads the history made')
  console.log(`  daily unique devices/truth (${NBS.join(' ')}, total): ${rows.join('; ')}`)
})

test('an injected device-down: outage minutes equal the truth\'s outage within one poll interval at each end; restored', async (ctx) => {
  const { demo } = ctx
  const ap = ctx.deps.inventory.devices.find((d) => d.kind === 'ap' && d.id.startsWith('ap-blue-hills'))!.id
  ctx.failed = ap
  await new Promise((r) => setTimeout(r, 3 * POLL_MS))
  const fault = demo.city.faults.inject({ type: 'device-down', target: ap })
  await new Promise((r) => setTimeout(r, 12_000))
  demo.city.faults.clear(fault.id)
  await new Promise((r) => setTimeout(r, 4 * POLL_MS))
  await demo.collector.writer.flush()
  const o = demo.city.truth.outages().find((x) => x.device === ap && x.endMs !== null)!
  assert.ok(o, 'the truth has the outage')
  const today = localDate(Date.now(), TZ)
  const r = await buildReport({ from: today, to: today, neighborhoods: ['blue-hills'] }, ctx.deps)
  assert.is(r.period.open, true)
  const row = r.accessPoints.find((a) => a.id === ap)!
  const trueMin = (o.endMs! - o.startMs) / 60_000
  assert.is(row.outages, 1)
  assert.ok(Math.abs(row.outageMinutes! - trueMin) <= (2 * POLL_MS) / 60_000 + 0.05, `measured ${row.outageMinutes} min, truth ${trueMin.toFixed(3)} min`)
  assert.ok(row.meanTimeToRestoreMinutes !== null, 'restored')
  assert.is(r.total.outages, 1, 'no other AP had an outage')
  assert.equal(r.method.events.deviceDown >= 1 && r.method.events.deviceUp >= 1, true)
  assert.ok(r.neighborhoods.find((x) => x.id === 'blue-hills')!.availabilityPct! < 100)
})

test("the API's report is buildReport's, byte for byte, in JSON and CSV; a re-run is identical", async ({ demo, deps, week }) => {
  const direct = await buildReport({ ...week, neighborhoods: 'all' }, deps)
  const q = `from=${week.from}&to=${week.to}&neighborhoods=all`
  const headers = { authorization: `Bearer ${demo.token}` }
  const json = await fetch(`${demo.baseUrl}/api/reports?${q}`, { headers })
  assert.is(json.status, 200)
  assert.is(await json.text(), renderJson(direct))
  const csv = await fetch(`${demo.baseUrl}/api/reports?${q}&format=csv`, { headers })
  assert.is(await csv.text(), renderCsv(direct))
  const again = await buildReport({ ...week, neighborhoods: 'all' }, deps)
  assert.is(renderJson(again), renderJson(direct))
  assert.is(direct.generatedAt, direct.period.endsAt)
  // every served neighborhood of the small Hartford: three with APs, three with none
  assert.equal(direct.neighborhoods.filter((n) => n.aps > 0).map((n) => n.id).sort(), [...NBS].sort())
})

test.run()
