/**
 * The collector's self-metrics against real SNMP agents (the simulated small city on
 * loopback) and a real DuckDB store, on a clock the test moves by hand, so every round of
 * polls is one step and every count is known: one AP made slow (the simulator's 'slow'
 * fault) is skipped on each of the 3 rounds that come while its poll hangs, which is 3
 * polls_skipped samples in the store at those rounds' times, with the AP's own tags; and
 * the collector's Prometheus endpoint (cli/metrics-server.ts, as `civicnet collect
 * --metrics-port` serves it), read with a strict parser of the text format, says the same
 * numbers, with no community, token, host or MAC in it.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import http from 'node:http'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { createCollector, type Collector } from '../../collector/index.ts'
import { snmp } from '../../collector/net-snmp.ts'
import { PROFILES } from '../../collector/profiles/index.ts'
import type { PollRecord } from '../../collector/scheduler.ts'
import { startMetricsServer, type MetricsServer } from '../../cli/metrics-server.ts'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { parsePrometheusText, sampleValue } from '../support/prom-text.ts'
import { silentLog, smallCity } from '../simulators/fixture.ts'

const START = Date.parse('2026-11-20T15:00:00Z')
const MIN = 60_000
const SLOW = 'ap-s1'
/** rounds that come while the slow AP's first poll hangs: each skips it once */
const SKIPPED_ROUNDS = 3
const TOKEN = 'scrape-token-0123456789abcdef'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Ctx {
  clock: ManualClock
  city: SimulatedCity
  store: MetricStore
  collector: Collector
  records: PollRecord[]
  server: MetricsServer
  spoolDir: string
}

const test = suite<Ctx>('collector self-metrics: polls skipped, and the scrape', {} as Ctx)

/** Waits (bounded) until `n` polls have finished; the bound only stops a hung test. */
async function polled(ctx: Ctx, n: number) {
  for (let i = 0; i < 600 && ctx.records.length < n; i++) await sleep(25)
  assert.ok(ctx.records.length >= n, `${ctx.records.length} polls finished, waited for ${n}`)
}

async function scrape(ctx: Ctx, token: string | null) {
  return fetch(`http://127.0.0.1:${ctx.server.port}/metrics`, token === null ? {} : { headers: { authorization: `Bearer ${token}` } })
}

test.before(async (ctx) => {
  ctx.clock = manualClock(START)
  ctx.city = createSimulatedCity(smallCity(), { seed: 7, clock: ctx.clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await ctx.city.start()
  ctx.store = await openDuckDbStore({ path: ':memory:' })
  await ctx.store.init()
  ctx.spoolDir = mkdtempSync(join(tmpdir(), 'civicnet-selfm-'))
  ctx.records = []
  ctx.collector = createCollector(
    {
      // the slow AP's poll ends by its 6 s timeout (real time): the rounds below run meanwhile
      poller: { intervalMs: MIN, timeoutMs: 6_000, retries: 0, tick: 'clock' },
      writer: { spoolDir: ctx.spoolDir, maxDelayMs: 20 },
      traps: { port: 0, address: '127.0.0.1' },
      unifi: false,
    },
    { inventory: ctx.city.inventoryWithEndpoints(), store: ctx.store, clock: ctx.clock, log: silentLog, onPoll: (r) => ctx.records.push(r) },
  )
  await ctx.collector.start()
  ctx.server = await startMetricsServer({ port: 0, host: '127.0.0.1', token: TOKEN }, { families: () => ctx.collector.metrics(), log: silentLog })
})

test.after(async (ctx) => {
  await ctx.server?.close()
  await ctx.collector?.stop()
  await ctx.city?.stop()
  await ctx.store?.close()
  rmSync(ctx.spoolDir, { recursive: true, force: true })
})

test('a slow AP skipped on 3 rounds is 3 polls_skipped samples in the store, at those rounds, with its tags', async (ctx) => {
  const { clock, collector } = ctx
  const polledDevices = collector.poller.schedule().length
  assert.is(polledDevices, 7) // core, controller, 2 switches, 3 standalone APs (the controller's APs are its poll)
  const fault = ctx.city.faults.inject({ type: 'slow', target: SLOW, delayMs: 30_000 })
  clock.advance(MIN) // round 1: every device; the slow AP hangs
  await polled(ctx, polledDevices - 1)
  for (let round = 2; round <= 1 + SKIPPED_ROUNDS; round++) {
    assert.not.ok(ctx.records.some((r) => r.device === SLOW), `the slow AP's poll ended before round ${round}: the test cannot skip it`)
    clock.advance(MIN)
    await polled(ctx, (polledDevices - 1) * round)
  }
  assert.not.ok(ctx.records.some((r) => r.device === SLOW), 'the slow AP was still polling through every skipped round')
  await polled(ctx, (polledDevices - 1) * (1 + SKIPPED_ROUNDS) + 1) // its poll times out
  ctx.city.faults.clear(fault.id)
  clock.advance(MIN) // a last round: the AP answers again, nobody is skipped
  await polled(ctx, (polledDevices - 1) * (1 + SKIPPED_ROUNDS) + 1 + polledDevices)
  await collector.writer.flush()

  assert.is(collector.poller.stats().missed, SKIPPED_ROUNDS)
  const perMinute = await ctx.store.aggregate({ metric: 'polls_skipped', groupBy: 'device', fromMs: START, toMs: START + 10 * MIN, stepMs: MIN, fn: 'sum' })
  assert.equal(perMinute.map((p) => [p.group, (p.timeMs - START) / MIN, p.value]), [[SLOW, 2, 1], [SLOW, 3, 1], [SLOW, 4, 1]])
  const perNeighborhood = await ctx.store.aggregate({ metric: 'polls_skipped', groupBy: 'neighborhood', fromMs: START, toMs: START + 10 * MIN, stepMs: 10 * MIN, fn: 'sum' })
  assert.equal(perNeighborhood.map((p) => [p.group, p.value]), [['south', SKIPPED_ROUNDS]])
  // the slow AP's one poll: a timeout at round 1; its other rounds were skips, not polls
  assert.equal(ctx.records.filter((r) => r.device === SLOW).map((r) => [(r.timeMs - START) / MIN, r.outcome]), [[1, 'timeout'], [5, 'ok']])
})

test('the collector endpoint answers the same counts in the Prometheus text format, to its bearer token only', async (ctx) => {
  // one real trap from loopback, for the receiver's counter
  const trapPort = ctx.collector.traps!.address()!.port
  await new Promise<void>((resolve, reject) => {
    const s = snmp.createSession('127.0.0.1', 'public', { trapPort, version: snmp.Version2c })
    s.trap(snmp.TrapType.ColdStart, [], {}, (err) => (s.close(), err ? reject(err) : resolve()))
  })
  for (let i = 0; i < 200 && ctx.collector.stats().traps!.received < 1; i++) await sleep(10)

  assert.is((await scrape(ctx, null)).status, 401)
  const wrong = await scrape(ctx, 'not-the-token-0123456789')
  assert.equal([wrong.status, wrong.headers.get('www-authenticate')], [401, 'Bearer realm="civicnet-collector"'])
  const res = await scrape(ctx, TOKEN)
  assert.is(res.status, 200)
  assert.is(res.headers.get('content-type'), 'text/plain; version=0.0.4; charset=utf-8')
  const text = await res.text()
  const m = parsePrometheusText(text)

  const ok = ctx.records.filter((r) => r.outcome === 'ok').length
  console.log(`  scrape: ${text.split('\n').length - 1} lines, ${m.size} families; polls ok ${ok}, timeout 1, skipped ${SKIPPED_ROUNDS}`)
  // 4 rounds of the 6 quick devices, then all 7; the slow AP's one poll timed out
  assert.equal([ok, ctx.records.length], [6 * 4 + 7, 6 * 4 + 7 + 1])
  assert.is(sampleValue(m, 'civicnet_collector_polls_total', { source: 'snmp', result: 'ok' }), ok)
  assert.is(sampleValue(m, 'civicnet_collector_polls_total', { source: 'snmp', result: 'timeout' }), 1)
  assert.is(sampleValue(m, 'civicnet_collector_polls_total', { source: 'snmp', result: 'error' }), 0)
  assert.is(sampleValue(m, 'civicnet_collector_polls_skipped_total', { source: 'snmp' }), SKIPPED_ROUNDS)
  assert.is(sampleValue(m, 'civicnet_collector_poll_duration_seconds', {}, 'civicnet_collector_poll_duration_seconds_count'), ok + 1)
  // the timed-out poll took at least its 6 s timeout: it is above the 5 s bucket, the others below
  assert.is(sampleValue(m, 'civicnet_collector_poll_duration_seconds', { le: '5' }, 'civicnet_collector_poll_duration_seconds_bucket'), ok)
  assert.is(sampleValue(m, 'civicnet_collector_poll_duration_seconds', { le: '+Inf' }, 'civicnet_collector_poll_duration_seconds_bucket'), ok + 1)
  // 7 polled devices and the controller's 3 APs, all answering in the last round
  assert.is(sampleValue(m, 'civicnet_collector_devices', { state: 'up' }), 10)
  assert.is(sampleValue(m, 'civicnet_collector_devices', { state: 'down' }), 0)
  assert.is(sampleValue(m, 'civicnet_collector_devices_scheduled'), 7)
  assert.is(sampleValue(m, 'civicnet_collector_spool_samples'), 0)
  assert.is(sampleValue(m, 'civicnet_collector_store_up'), 1)
  for (const result of ['refused', 'unreachable', 'rejected']) assert.is(sampleValue(m, 'civicnet_collector_writer_batches_total', { result }), 0, result)
  assert.ok(sampleValue(m, 'civicnet_collector_writer_batches_total', { result: 'written' }) >= 1)
  assert.is(sampleValue(m, 'civicnet_collector_writer_samples_total', { result: 'written' }), ctx.collector.writer.stats().writtenSamples)
  assert.is(sampleValue(m, 'civicnet_collector_traps_received_total'), 1)
  assert.is(sampleValue(m, 'civicnet_collector_profiles_loaded', { origin: 'built-in' }), PROFILES.length)
  assert.is(sampleValue(m, 'civicnet_collector_profiles_loaded', { origin: 'user' }), 0)
  assert.is(sampleValue(m, 'civicnet_collector_info', { collector: 'collector-1-of-1' }), 1)

  // bounded labels only: fixed words and the collector's name; never a device, host, secret or MAC
  const labelValues = new Set([...m.values()].flatMap((f) => f.samples.flatMap((s) => Object.entries(s.labels).filter(([k]) => k !== 'le').map(([, v]) => v))))
  assert.equal([...labelValues].sort(), ['built-in', 'collector-1-of-1', 'down', 'error', 'ok', 'refused', 'rejected', 'replayed', 'snmp', 'spooled', 'timeout', 'unreachable', 'up', 'user', 'written'])
  for (const secret of [TOKEN, 'public', '127.0.0.1', SLOW]) assert.not.ok(text.includes(secret), `the scrape holds '${secret}'`)
  assert.not.match(text, /([0-9a-f]{2}[:-]){5}[0-9a-f]{2}/i)
})

test('the endpoint serves GET /metrics only', async (ctx) => {
  const base = `http://127.0.0.1:${ctx.server.port}`
  const auth = { authorization: `Bearer ${TOKEN}` }
  assert.is((await fetch(`${base}/`, { headers: auth })).status, 404)
  const post = await fetch(`${base}/metrics`, { method: 'POST', headers: auth })
  assert.equal([post.status, post.headers.get('allow')], [405, 'GET, HEAD'])
  // every other spelling a router might take for /metrics: without the token none answers the
  // scrape; with it (the scheme in any case, as the API's guard reads it), only the query
  // form does (the others are not the path)
  const spellings = ['/%6Detrics', '/%6d%65trics', '//metrics', '/metrics/', '/METRICS', '/./metrics', '/x/../metrics', `http://127.0.0.1:${ctx.server.port}/metrics`, '/metrics?x=1', '/metrics%00', '/metrics;x']
  const got: string[] = []
  for (const path of spellings) {
    for (const token of [null, TOKEN, 'bearer']) {
      const headers: Record<string, string> = token === null ? {} : token === 'bearer' ? { authorization: `bearer ${TOKEN}` } : auth
      const status = await new Promise<number>((resolve, reject) => {
        const req = http.request({ host: '127.0.0.1', port: ctx.server.port, path, headers }, (res) => (res.resume(), resolve(res.statusCode!)))
        req.on('error', reject)
        req.end()
      })
      got.push(`${path} ${token === null ? 'none' : token === 'bearer' ? 'lower-case scheme' : 'token'} ${status}`)
    }
  }
  console.log(`  spellings: ${got.join('; ')}`)
  for (const line of got) {
    const [path, , status] = [line.split(' ')[0], 0, Number(line.split(' ').at(-1))]
    if (line.includes(' none ')) assert.ok(status === 401 || status === 404, line)
    else if (path === '/metrics?x=1') assert.is(status, 200, line)
    else assert.is(status, 404, line)
  }
})

test.run()
