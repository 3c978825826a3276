/**
 * Every InfluxQL query of every panel and variable of the generated dashboards, run against
 * a REAL influxd (Debian's 1.6.7) holding a simulated day: the real collector polls the
 * small test city (test/simulators/fixture.ts: a core, a wireless controller with 3 APs, 3
 * standalone APs, 2 switches on fiber with optics) over real SNMP at hh:00 and hh:05 of
 * every hour of one UTC day under a stepped clock, with ap-s3 down 10:00-12:00 and ap-s2 down from 20:00.
 * polls_skipped and spool_samples (the collector self-metrics being added in issue 15) are
 * also written directly as samples here, so their panels have known data whatever the
 * collector writes yet.
 *
 * Grafana's substitution, done here as Grafana's InfluxDB datasource does it before
 * sending the query (POST /query, form body q, db, epoch=ms):
 * - $timeFilter -> `time >= <from>ms and time <= <to>ms` (the dashboard's range)
 * - $__interval -> the interval Grafana picks (range / max data points, never below the
 *   panel's 1m minimum); the test uses 1h, what Grafana picks for 24 h at 24 points
 * - $__interval_ms -> the same in milliseconds (3600000)
 * - a variable -> its value regex-escaped (Grafana's escapeRegex); several values, or
 *   All, -> `(a|b|...)` of the values the variable's own query returned.
 * Where a figure can be computed from what was written, it is compared exactly with the
 * metric store's own answer (store.aggregate / store.latest), a separate code path.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { steppedClock } from '../../core/clock.ts'
import type { Sample, SeriesPoint } from '../../core/metrics.ts'
import { createCollector } from '../../collector/index.ts'
import { readDashboardFiles } from '../../provisioning/grafana/files.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { openInfluxStore } from '../../store/influx/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { startInfluxd, type Influxd } from '../support/influxd.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const START = Date.parse('2026-11-10T00:00:00Z')
/** the poller's interval and the step of the spool_samples written directly */
const STEP = 30 * MIN
/**
 * Polls at hh:00 and hh:05 of every hour: two polls an hour keep the day short, and the
 * 5-minute pair gives the controller's Counter32 AP byte counters an interval the collector
 * can trust (collector/counters.ts: no delta over an interval a wrap cannot be ruled out in).
 */
const ROUNDS = 48
const roundMs = (i: number) => START + Math.floor(i / 2) * HOUR + (i % 2) * 5 * MIN
const FROM = START
const TO = START + 24 * HOUR
const INTERVAL_MS = HOUR
const DB = 'grafana_queries'

interface Series { name: string; tags: Record<string, string>; columns: string[]; values: unknown[][] }
interface Ctx { influxd: Influxd; store: MetricStore; vars: Record<string, string[]> }

const test = suite<Ctx>('every panel query of the Grafana dashboards on a real influxd holding a simulated day', {} as Ctx)

test.before(async (ctx) => {
  ctx.influxd = await startInfluxd()
  ctx.store = await openInfluxStore({ url: ctx.influxd.url, database: DB })
  await ctx.store.init()
  const clock = steppedClock(START)
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - HOUR, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  const spool = mkdtempSync(join(tmpdir(), 'civicnet-grafana-q-'))
  const c = createCollector(
    { poller: { intervalMs: STEP, timeoutMs: 1000, retries: 0 }, writer: { spoolDir: spool, maxDelayMs: 10 }, traps: false, unifi: false },
    { inventory: city.inventoryWithEndpoints(), store: ctx.store, clock, log: silentLog },
  )
  try {
    c.writer.start()
    city.faults.inject({ type: 'device-down', target: 'ap-s3', startMs: START + 10 * HOUR - MIN, durationMs: 2 * HOUR })
    city.faults.inject({ type: 'device-down', target: 'ap-s2', startMs: START + 20 * HOUR - MIN })
    for (let i = 0; i < ROUNDS; i++) {
      clock.set(roundMs(i))
      await c.poller.pollAll()
    }
    await c.writer.stop()
    await c.events.flush()
  } finally {
    await city.stop()
    rmSync(spool, { recursive: true, force: true })
  }
  // written directly (see the header): 3 skipped polls of ap-s1, two collectors' spools
  const direct: Sample[] = [
    ...[2, 9, 9.5].map((h) => ({ metric: 'polls_skipped', device: 'ap-s1', neighborhood: 'south', instance: '', value: 1, timeMs: START + h * HOUR + 5000 })),
    ...Array.from({ length: ROUNDS }, (_, i) => [
      { metric: 'spool_samples', device: 'collector-1-of-2', neighborhood: '', instance: '', value: i % 5 === 0 ? 120 : 0, timeMs: START + i * STEP + 1000 },
      { metric: 'spool_samples', device: 'collector-2-of-2', neighborhood: '', instance: '', value: i, timeMs: START + i * STEP + 1000 },
    ]).flat(),
  ]
  await ctx.store.write(direct)
  ctx.vars = {}
})
test.after(async (ctx) => {
  await ctx.store?.close()
  await ctx.influxd?.stop()
})

/** Grafana's escapeRegex (@grafana/data): the characters special in a regex get a backslash. */
const escapeRegex = (s: string) => s.replace(/[\\^$*+?.()|[\]{}/]/g, '\\$&')

function interpolate(query: string, vars: Record<string, string[]>): string {
  return query
    .replaceAll('$timeFilter', `time >= ${FROM}ms and time <= ${TO}ms`)
    .replaceAll('$__interval_ms', String(INTERVAL_MS))
    .replaceAll('$__interval', `${INTERVAL_MS / MIN}m`)
    .replace(/\$([a-z]+)/g, (all, name: string) => {
      const values = vars[name]
      if (!values) throw new Error(`no value for ${all} in ${query}`)
      return values.length === 1 ? escapeRegex(values[0]!) : `(${values.map(escapeRegex).join('|')})`
    })
}

/** POST /query as Grafana sends it (httpMode POST). */
async function influxql(influxd: Influxd, q: string): Promise<Series[]> {
  const res = await fetch(`${influxd.url}/query`, { method: 'POST', body: new URLSearchParams({ db: DB, epoch: 'ms', q }) })
  const body = (await res.json()) as { results: { error?: string; series?: Series[] }[]; error?: string }
  if (!res.ok || body.error || body.results[0]?.error) throw new Error(`${q}: ${body.error ?? body.results[0]?.error ?? res.status}`)
  return body.results[0]?.series ?? []
}

/** A series' rows as { time, column: value }. */
const rowsOf = (s: Series) => s.values.map((v) => Object.fromEntries(s.columns.map((c, i) => [c, v[i]])) as Record<string, number>)
/** Store points -> { group: [time, value][] } for comparison with one column of InfluxQL series keyed by a tag. */
const byGroup = (points: SeriesPoint[]) => {
  const out: Record<string, [number, number][]> = {}
  for (const p of points) (out[p.group] ??= []).push([p.timeMs, p.value])
  return out
}
const seriesBy = (series: Series[], tag: string, column: string) => Object.fromEntries(series.map((s) => [s.tags[tag]!, rowsOf(s).map((r) => [r.time, r[column]] as [number, number])]))
const hours = (n: number) => Array.from({ length: n }, (_, i) => START + i * HOUR)
const only = (series: Series[]) => {
  assert.is(series.length, 1, 'one series')
  return rowsOf(series[0]!)
}

type Check = (series: Series[], ctx: Ctx) => Promise<void> | void

const HOODS = ['north', 'south']
const APS = ['ap-n1', 'ap-n2', 'ap-n3', 'ap-s1', 'ap-s2', 'ap-s3']
const agg = (ctx: Ctx, metric: string, groupBy: 'neighborhood' | 'device', fn: 'sum' | 'mean' | 'max' | 'count', where?: Parameters<MetricStore['aggregate']>[0]['where'], stepMs = INTERVAL_MS) =>
  ctx.store.aggregate({ metric, groupBy, fn, fromMs: FROM, toMs: TO, stepMs, ...(where ? { where } : {}) })

/** Each panel target, by `<dashboard uid> <panel id><refId>`: what its answer must be. */
const CHECKS: Record<string, Check> = {
  'civicnet-overview 1A': (s) => assert.equal(only(s).map((r) => r.sum), [5], 'APs up at the newest poll: all but ap-s2'),
  'civicnet-overview 2A': (s) => assert.equal(only(s).map((r) => r.count_sum), [1], 'APs down: ap-s2'),
  'civicnet-overview 3A': (s) => assert.equal(s.map((x) => [x.tags.neighborhood, rowsOf(x).map((r) => [r.up, r.down])]), [['north', [[3, 0]]], ['south', [[2, 1]]]]),
  'civicnet-overview 4A': (s) => {
    const south = hours(24).map((t, h) => [t, h === 10 || h === 11 || h >= 20 ? 2 : 3])
    assert.equal(seriesBy(s, 'neighborhood', 'sum'), { north: hours(24).map((t) => [t, 3]), south })
  },
  'civicnet-overview 5A': async (s, ctx) => {
    assert.equal(seriesBy(s, 'neighborhood', 'mean'), byGroup(await agg(ctx, 'wifi_clients', 'neighborhood', 'mean', { neighborhood: HOODS })))
    assert.ok(s.every((x) => rowsOf(x).length === 24))
  },
  'civicnet-overview 6A': async (s, ctx) => assert.equal(seriesBy(s, 'neighborhood', 'max'), byGroup(await agg(ctx, 'wifi_clients', 'neighborhood', 'max', { neighborhood: HOODS }))),
  'civicnet-overview 7A': async (s, ctx) => {
    const want = byGroup(await agg(ctx, 'wifi_bytes', 'neighborhood', 'sum', { neighborhood: HOODS }))
    assert.equal(Object.keys(want).sort(), HOODS)
    assert.equal(seriesBy(s, 'neighborhood', 'sum'), want)
  },
  // AP detail, for device ap-s1
  'civicnet-ap-detail 1A': (s) => assert.equal(only(s).map((r) => r.last), [1]),
  'civicnet-ap-detail 2A': async (s, ctx) => {
    const [latest] = (await ctx.store.latest({ metric: 'wifi_clients', where: { device: ['ap-s1'] } }))
    assert.equal(only(s).map((r) => [r.time, r.last]), [[latest!.timeMs, latest!.value]])
  },
  'civicnet-ap-detail 3A': (s) => assert.equal(only(s).map((r) => [r.time, r.min]), hours(24).map((t) => [t, 1])),
  'civicnet-ap-detail 4A': async (s, ctx) => assert.equal(only(s).map((r) => [r.time, r.mean]), byGroup(await agg(ctx, 'wifi_clients', 'device', 'mean', { device: ['ap-s1'] }))['ap-s1']),
  'civicnet-ap-detail 5A': (s) => {
    assert.ok(s.length >= 1, 'clients per SSID')
    for (const x of s) assert.ok(x.tags.instance !== undefined && rowsOf(x).length === 24 && rowsOf(x).every((r) => typeof r.mean === 'number'))
  },
  'civicnet-ap-detail 6A': (s) => {
    assert.ok(s.length >= 1, 'clients per radio')
    for (const x of s) assert.ok(x.tags.instance !== undefined && rowsOf(x).length === 24 && rowsOf(x).every((r) => typeof r.mean === 'number'))
  },
  'civicnet-ap-detail 7A': async (s, ctx) => assert.equal(only(s).map((r) => [r.time, r.sum]), byGroup(await agg(ctx, 'wifi_bytes', 'device', 'sum', { device: ['ap-s1'] }))['ap-s1']),
  'civicnet-ap-detail 8A': (s) => {
    const rows = only(s)
    assert.is(rows.length, 24)
    assert.ok(rows.every((r) => typeof r.mean === 'number' && r.max! >= r.mean! && r.mean! > 0))
  },
  // fiber: every device and port with optics
  'civicnet-fiber 1A': async (s, ctx) => {
    assert.ok(s.length >= 4, 'both ends of both links')
    for (const x of s) {
      const want = await agg(ctx, 'optics_rx_dbm', 'device', 'mean', { device: [x.tags.device!], instance: [x.tags.instance!] })
      assert.equal(rowsOf(x).map((r) => [r.time, r.mean]), want.map((p) => [p.timeMs, p.value]), `${x.tags.device} ${x.tags.instance}`)
    }
  },
  'civicnet-fiber 2A': async (s, ctx) => {
    assert.ok(s.length >= 4)
    for (const x of s) {
      const want = await agg(ctx, 'optics_tx_dbm', 'device', 'mean', { device: [x.tags.device!], instance: [x.tags.instance!] })
      assert.equal(rowsOf(x).map((r) => [r.time, r.mean]), want.map((p) => [p.timeMs, p.value]))
    }
  },
  'civicnet-fiber 3A': async (s, ctx) => {
    const latest = await ctx.store.latest({ metric: 'optics_rx_dbm' })
    assert.equal(s.map((x) => [x.tags.device, x.tags.instance, rowsOf(x)[0]!.rx_dbm]).sort(), latest.map((l) => [l.device, l.instance, l.value]).sort())
  },
  'civicnet-fiber 3B': async (s, ctx) => {
    const latest = await ctx.store.latest({ metric: 'optics_tx_dbm' })
    assert.equal(s.map((x) => [x.tags.device, x.tags.instance, rowsOf(x)[0]!.tx_dbm]).sort(), latest.map((l) => [l.device, l.instance, l.value]).sort())
  },
  'civicnet-fiber 4A': (s) => {
    assert.ok(s.length >= 4, 'link state of the fiber ports')
    for (const x of s) assert.equal(rowsOf(x).map((r) => r.last), hours(24).map(() => 1), `${x.tags.device} ${x.tags.instance} up all day`)
  },
  'civicnet-fiber 5A': async (s, ctx) => rateCheck(s, ctx, 'if_in_bytes'),
  'civicnet-fiber 6A': async (s, ctx) => rateCheck(s, ctx, 'if_out_bytes'),
  // collector health
  'civicnet-collector 1A': async (s, ctx) => {
    const per = await agg(ctx, 'poll_duration_ms', 'device', 'count', undefined, TO - FROM)
    assert.equal(only(s).map((r) => r.count), [per.reduce((a, p) => a + p.value, 0)])
    assert.is(per.find((p) => p.group === 'ap-s1')!.value, ROUNDS, 'one poll a round')
  },
  'civicnet-collector 2A': async (s, ctx) => {
    const sum = (await agg(ctx, 'poll_timeouts', 'device', 'sum', undefined, TO - FROM)).reduce((a, p) => a + p.value, 0)
    const count = (await agg(ctx, 'poll_timeouts', 'device', 'count', undefined, TO - FROM)).reduce((a, p) => a + p.value, 0)
    assert.is(sum, 4 + 8, 'ap-s3 4 polls (10:00-11:05) and ap-s2 8 polls (20:00-23:05) timed out')
    assert.equal(only(s).map((r) => Object.values(r)[1]), [(sum / count) * 100])
  },
  'civicnet-collector 3A': (s) => assert.equal(only(s).map((r) => r.sum), [3]),
  'civicnet-collector 4A': async (s, ctx) => {
    const latest = await ctx.store.latest({ metric: 'spool_samples' })
    assert.ok(latest.some((l) => l.device === 'collector-2-of-2' && l.value === ROUNDS - 1))
    assert.equal(only(s).map((r) => r.sum), [latest.reduce((a, l) => a + l.value, 0)])
  },
  'civicnet-collector 5A': (s) => {
    const rows = only(s)
    assert.equal(rows.map((r) => r.time), hours(24))
    assert.ok(rows.every((r) => typeof r.mean === 'number' && r.max! >= r.mean!))
  },
  'civicnet-collector 6A': async (s, ctx) => {
    const want = (await ctx.store.aggregate({ metric: 'poll_timeouts', groupBy: 'neighborhood', fn: 'sum', fromMs: FROM, toMs: TO, stepMs: INTERVAL_MS }))
    const perHour = new Map<number, number>()
    for (const p of want) perHour.set(p.timeMs, (perHour.get(p.timeMs) ?? 0) + p.value)
    assert.equal(only(s).map((r) => [r.time, r.sum]), [...perHour].sort((a, b) => a[0] - b[0]))
  },
  'civicnet-collector 6B': (s) => {
    const rows = only(s)
    assert.is(rows.length, 24)
    assert.ok(rows.every((r) => r.sum === 0), 'no poll failed otherwise')
  },
  'civicnet-collector 7A': (s) => assert.equal(only(s).map((r) => [r.time, r.sum]), [[START + 2 * HOUR, 1], [START + 9 * HOUR, 2]]),
  'civicnet-collector 8A': (s) => {
    const got = seriesBy(s, 'device', 'max')
    assert.equal(got['collector-1-of-2'], hours(24).map((t, h) => [t, [2 * h, 2 * h + 1].some((i) => i % 5 === 0) ? 120 : 0]))
    assert.equal(got['collector-2-of-2'], hours(24).map((t, h) => [t, 2 * h + 1]))
  },
  'civicnet-collector 9A': (s) => {
    // the controller's APs are read through the controller: no poll of their own
    assert.equal(s.map((x) => x.tags.device).sort(), ['ap-s1', 'ap-s2', 'ap-s3', 'core-1', 'sw-north', 'sw-south', 'wlc-1'])
    for (const x of s) assert.ok(rowsOf(x).every((r) => r.polls === ROUNDS && r.max_ms! >= r.mean_ms!), x.tags.device)
  },
}

async function rateCheck(s: Series[], ctx: Ctx, metric: string): Promise<void> {
  assert.ok(s.length >= 4, `${metric} on the fiber ports`)
  for (const x of s) {
    const want = await agg(ctx, metric, 'device', 'sum', { device: [x.tags.device!], instance: [x.tags.instance!] })
    assert.ok(want.length > 0)
    assert.equal(rowsOf(x).map((r) => [r.time, Object.values(r)[1]]), want.map((p) => [p.timeMs, (p.value * 8000) / INTERVAL_MS]), `${x.tags.device} ${x.tags.instance}`)
  }
}

test('the variables\' queries list the neighborhoods, the APs and the fiber devices and ports', async (ctx) => {
  const values = async (query: string) => (await influxql(ctx.influxd, interpolate(query, ctx.vars))).flatMap((s) => s.values.map((v) => String(v[1])))
  const dash = Object.fromEntries(readDashboardFiles().map((d) => [d.uid!, d]))
  const v = (uid: string, name: string) => ((dash[uid]!.templating!.list ?? []) as { name: string; query: string }[]).find((x) => x.name === name)!.query
  ctx.vars.neighborhood = await values(v('civicnet-overview', 'neighborhood'))
  assert.equal(ctx.vars.neighborhood, HOODS)
  ctx.vars.ap = await values(v('civicnet-overview', 'ap'))
  assert.equal(ctx.vars.ap, APS, 'the devices that report clients, not the switches, core or controller')
  assert.equal(await values(v('civicnet-ap-detail', 'device')), APS)
  ctx.vars.device = await values(v('civicnet-fiber', 'device'))
  assert.ok(ctx.vars.device.includes('sw-north') && ctx.vars.device.includes('sw-south'), ctx.vars.device.join())
  ctx.vars.port = await values(v('civicnet-fiber', 'port'))
  assert.ok(ctx.vars.port.length >= 2, ctx.vars.port.join())
})

test('every panel query returns data of its panel\'s shape (exact where the store can say)', async (ctx) => {
  const seen: string[] = []
  for (const d of readDashboardFiles()) {
    // the AP detail dashboard shows one AP: ap-s1 (standalone; its own SNMP gives the SSID and radio breakdown)
    const vars = d.uid === 'civicnet-ap-detail' ? { ...ctx.vars, device: ['ap-s1'] } : ctx.vars
    for (const p of (d.panels ?? []) as { id: number; title: string; targets?: { refId: string; query: string }[] }[]) {
      for (const t of p.targets ?? []) {
        const key = `${d.uid} ${p.id}${t.refId}`
        seen.push(key)
        const check = CHECKS[key]
        assert.ok(check, `no check for ${key} (${p.title})`)
        const series = await influxql(ctx.influxd, interpolate(t.query, vars))
        assert.ok(series.length > 0, `${key} (${p.title}) returned no data`)
        for (const s of series) for (const row of s.values) for (const cell of row) assert.ok(typeof cell === 'number', `${key}: ${JSON.stringify(row)}`)
        try {
          await check(series, ctx)
        } catch (err) {
          ;(err as Error).message = `${key} (${p.title}): ${(err as Error).message}`
          throw err
        }
      }
    }
  }
  assert.equal(seen.sort(), Object.keys(CHECKS).sort(), 'every check has its query')
})

test.run()
