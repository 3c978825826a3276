/**
 * GET /api/metrics, read with a strict parser of the Prometheus text format 0.0.4
 * (test/support/prom-text.ts): after known requests, incidents, alert messages and a
 * backup run in a real app state (SQLite) and a real DuckDB store, every count is exact; the
 * process's figures and, wired as `civicnet demo` wires them (cli/api-metrics.ts), a real
 * collector's series polled from the simulated city are in the same answer; labels are
 * route patterns and fixed words, never a URL as asked, a token, a community or a MAC.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openAlertStore, type AlertMessage } from '../../alerts/store.ts'
import { buildApp } from '../../api/app.ts'
import { createToken } from '../../api/auth/tokens.ts'
import { recordBackupRun } from '../../backup/index.ts'
import { apiMetricsSources, type ApiMetricsWiring } from '../../cli/api-metrics.ts'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { renderExposition, type MetricFamily } from '../../core/prometheus.ts'
import { createCollector, type Collector } from '../../collector/index.ts'
import type { PollRecord } from '../../collector/scheduler.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { parsePrometheusText, sampleValue } from '../support/prom-text.ts'
import { silentLog, smallCity } from '../simulators/fixture.ts'
import { inventory, samples, T } from './support.ts'

const BACKUP_MS = T - 3 * 3_600_000

interface Ctx {
  app: FastifyInstance
  appState: AppState
  store: MetricStore
  clock: ManualClock
  city: SimulatedCity
  collector: Collector
  records: PollRecord[]
  wiring: ApiMetricsWiring
  tokens: Record<'admin' | 'engineer' | 'analyst' | 'planner', string>
  spoolDir: string
  logs: string[]
}

const test = suite<Ctx>('GET /api/metrics', {} as Ctx)
const auth = (token: string) => ({ authorization: `Bearer ${token}` })
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const message = (key: string): AlertMessage => ({
  version: 1, status: 'firing', repeat: false, rule: 'incident', kind: 'incident', key, severity: 'critical', title: `t ${key}`, text: 'x', startsMs: T, endsMs: null, incident: null, url: null,
})

test.before(async (ctx) => {
  ctx.store = await openDuckDbStore({ path: ':memory:' })
  await ctx.store.init()
  await ctx.store.write(samples)
  ctx.appState = openAppState(':memory:')
  ctx.appState.replaceInventory(inventory, 'test')
  ctx.tokens = {
    admin: createToken(ctx.appState.db, 'admin', 'metrics admin'),
    engineer: createToken(ctx.appState.db, 'engineer', 'prometheus'),
    analyst: createToken(ctx.appState.db, 'analyst', 'metrics analyst'),
    planner: createToken(ctx.appState.db, 'planner', 'metrics planner'),
  }
  // a collector in the API's process, as in the demo: one round over real SNMP
  ctx.clock = manualClock(T)
  ctx.city = createSimulatedCity(smallCity(), { seed: 3, clock: ctx.clock, originMs: T - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await ctx.city.start()
  ctx.spoolDir = mkdtempSync(join(tmpdir(), 'civicnet-api-metrics-'))
  ctx.records = []
  ctx.collector = createCollector(
    { poller: { intervalMs: 60_000, timeoutMs: 2_000, retries: 0 }, writer: { spoolDir: ctx.spoolDir, maxDelayMs: 20 }, traps: false, unifi: false },
    { inventory: ctx.city.inventoryWithEndpoints(), store: ctx.store, clock: ctx.clock, log: silentLog, onPoll: (r) => ctx.records.push(r) },
  )
  ctx.collector.writer.start()
  await ctx.collector.poller.pollAll()
  await ctx.collector.writer.flush()

  // open incidents: one AP (minor), a switch with its AP (major)
  openIncidentStore(ctx.appState.db).update([
    { rootCause: { kind: 'device', id: 'ap-1', probable: false, why: 'metrics test' }, top: 'ap-1', devices: ['ap-1'], aps: ['ap-1'], neighborhoods: ['north'] },
    { rootCause: { kind: 'device', id: 'sw-2', probable: false, why: 'metrics test' }, top: 'sw-2', devices: ['sw-2', 'ap-5'], aps: ['ap-5'], neighborhoods: ['south'] },
  ], T)
  // the outbox: 2 messages for the webhook (one delivered), 1 for e-mail, one given up on
  const alerts = openAlertStore(ctx.appState.db)
  alerts.enqueue(message('a'), ['ops-webhook', 'email'], T)
  alerts.enqueue(message('b'), ['ops-webhook', 'email'], T)
  const heads = alerts.heads()
  alerts.delivered(heads.find((h) => h.channel === 'ops-webhook')!.id, T)
  alerts.gaveUp(heads.find((h) => h.channel === 'email')!.id, T, 'refused')
  recordBackupRun(ctx.appState, { startedMs: BACKUP_MS - 5000, finishedMs: BACKUP_MS, trigger: 'schedule', ok: true, dir: '/var/backups/civicnet/x', bytes: 1234, error: null })
  recordBackupRun(ctx.appState, { startedMs: T - 60_000, finishedMs: T - 50_000, trigger: 'cli', ok: false, dir: '/var/backups/civicnet/y', bytes: 0, error: 'disk full' })

  ctx.wiring = apiMetricsSources({ appState: ctx.appState, collector: ctx.collector })
  ctx.logs = []
  const log = pino({ level: 'info' }, new Writable({ write: (c, _e, cb) => (ctx.logs.push(String(c)), cb()) }))
  ctx.app = await buildApp({ summaryCacheMs: 0, webDir: null }, { store: ctx.store, appState: ctx.appState, clock: ctx.clock, log, metrics: ctx.wiring.sources })
})

test.after(async (ctx) => {
  await ctx.app?.close()
  ctx.wiring?.stop()
  await ctx.collector?.writer.stop()
  await ctx.city?.stop()
  await ctx.store?.close()
  ctx.appState?.close()
  rmSync(ctx.spoolDir, { recursive: true, force: true })
})

test('answers admin and engineer in the text format; no token 401, other roles 403', async ({ app, tokens }) => {
  const none = await app.inject({ method: 'GET', url: '/api/metrics' })
  assert.equal([none.statusCode, none.json().code], [401, 'CN_ERR_UNAUTHENTICATED'])
  for (const role of ['analyst', 'planner'] as const) {
    const res = await app.inject({ method: 'GET', url: '/api/metrics', headers: auth(tokens[role]) })
    assert.equal([res.statusCode, res.json().code], [403, 'CN_ERR_FORBIDDEN'], role)
  }
  for (const role of ['admin', 'engineer'] as const) {
    const res = await app.inject({ method: 'GET', url: '/api/metrics', headers: auth(tokens[role]) })
    assert.equal([res.statusCode, res.headers['content-type']], [200, 'text/plain; version=0.0.4; charset=utf-8'], role)
    parsePrometheusText(res.body)
  }
})

test('counts requests by route pattern and status class, times them, and says exactly what the app state holds', async (ctx) => {
  const { app, tokens } = ctx
  const before = parsePrometheusText((await app.inject({ method: 'GET', url: '/api/metrics', headers: auth(tokens.engineer) })).body)
  const count = (m: ReturnType<typeof parsePrometheusText>, labels: Record<string, string>) => {
    try {
      return sampleValue(m, 'civicnet_http_requests_total', labels)
    } catch {
      return 0
    }
  }
  const get = (url: string, token?: string) => app.inject({ method: 'GET', url, ...(token ? { headers: auth(token) } : {}) })
  for (let i = 0; i < 3; i++) await get('/api/neighborhoods')
  await get('/api/devices/ap-1', tokens.engineer)
  await get('/%61pi/devices/ap-2', tokens.engineer) // another spelling: the same route pattern
  await get(`/api/devices/ap-3?token=${tokens.admin}`, tokens.engineer) // a query never becomes a label
  await get('/api/devices/nope', tokens.engineer) // 404 from the route
  await get('/api/devices') // 401
  await get('/api/no-such-thing/aa:bb:cc:dd:ee:ff') // no route
  const res = await get('/api/metrics', tokens.engineer)
  const m = parsePrometheusText(res.body)
  const delta = (labels: Record<string, string>) => count(m, labels) - count(before, labels)
  assert.equal(
    [
      delta({ method: 'GET', route: '/api/neighborhoods', status: '2xx' }),
      delta({ method: 'GET', route: '/api/devices/:id', status: '2xx' }),
      delta({ method: 'GET', route: '/api/devices/:id', status: '4xx' }),
      delta({ method: 'GET', route: '/api/devices', status: '4xx' }),
      delta({ method: 'GET', route: 'unmatched', status: '4xx' }),
      delta({ method: 'GET', route: '/api/metrics', status: '2xx' }),
    ],
    [3, 3, 1, 1, 1, 1],
  )
  const hist = (name: string, labels: Record<string, string>) => sampleValue(m, 'civicnet_http_request_duration_seconds', labels, `civicnet_http_request_duration_seconds_${name}`)
  // the first requests to the route in this app: its histogram begins with them
  assert.is(before.get('civicnet_http_request_duration_seconds')!.samples.filter((s) => s.labels.route === '/api/neighborhoods').length, 0)
  assert.is(hist('count', { route: '/api/neighborhoods' }), 3)
  assert.is(hist('bucket', { route: '/api/neighborhoods', le: '+Inf' }), 3)
  assert.ok(hist('sum', { route: '/api/neighborhoods' }) > 0)

  assert.is(sampleValue(m, 'civicnet_incidents_open', { severity: 'minor' }), 1)
  assert.is(sampleValue(m, 'civicnet_incidents_open', { severity: 'major' }), 1)
  assert.is(sampleValue(m, 'civicnet_incidents_open', { severity: 'critical' }), 0)
  assert.equal(m.get('civicnet_alert_outbox_messages')!.samples.map((s) => [s.labels.channel, s.value]), [['email', 1], ['ops-webhook', 1]])
  // the newest good backup, not the failed one after it
  assert.is(sampleValue(m, 'civicnet_backup_last_success_timestamp_seconds'), BACKUP_MS / 1000)

  // route patterns and fixed words only: no id, no query, no token, no MAC
  const routes = new Set(m.get('civicnet_http_requests_total')!.samples.map((s) => s.labels.route))
  assert.equal([...routes].sort(), ['/api/devices', '/api/devices/:id', '/api/metrics', '/api/neighborhoods', 'unmatched'])
  for (const t of Object.values(tokens)) assert.not.ok(res.body.includes(t), 'a token in the scrape')
  assert.not.match(res.body, /([0-9a-f]{2}[:-]){5}[0-9a-f]{2}/i)
  assert.not.ok(/ap-2|ap-3|nope|no-such-thing|public/.test(res.body), 'an id, a path or the community in the scrape')
})

test("the process's figures and the collector's series (the demo's wiring) are in the same answer", async (ctx) => {
  const res = await ctx.app.inject({ method: 'GET', url: '/api/metrics', headers: auth(ctx.tokens.admin) })
  const m = parsePrometheusText(res.body)
  assert.ok(sampleValue(m, 'process_resident_memory_bytes') > 10_000_000)
  assert.ok(sampleValue(m, 'process_cpu_seconds_total') > 0)
  assert.ok(sampleValue(m, 'nodejs_eventloop_lag_max_seconds') >= 0)
  assert.is(sampleValue(m, 'process_start_time_seconds'), Math.round(Date.now() / 1000 - process.uptime()))
  // one round of the small city: 7 devices polled, each answered
  assert.equal([ctx.records.length, ctx.records.filter((r) => r.outcome === 'ok').length], [7, 7])
  assert.is(sampleValue(m, 'civicnet_collector_polls_total', { source: 'snmp', result: 'ok' }), 7)
  assert.is(sampleValue(m, 'civicnet_collector_poll_duration_seconds', {}, 'civicnet_collector_poll_duration_seconds_count'), 7)
  assert.is(sampleValue(m, 'civicnet_collector_devices', { state: 'up' }), 10)
  assert.is(sampleValue(m, 'civicnet_collector_spool_samples'), 0)
  // and the collector's spool_samples sample of that flush is in the store, under its name
  for (let i = 0; i < 100 && (await ctx.store.latest({ metric: 'spool_samples' })).length === 0; i++) await sleep(20)
  assert.equal((await ctx.store.latest({ metric: 'spool_samples' })).map((v) => [v.device, v.neighborhood, v.instance, v.value, v.timeMs]), [['collector-1-of-1', '', '', 0, T]])
})

test('the OpenAPI document lists GET /api/metrics with its text answer and bearer security; the catalogue moved to /api/meta/metrics', async ({ app }) => {
  const doc = (await app.inject({ method: 'GET', url: '/docs/json' })).json()
  const op = doc.paths['/api/metrics'].get
  assert.equal(Object.keys(op.responses[200].content), ['text/plain; version=0.0.4; charset=utf-8'])
  assert.equal(op.security, [{ bearer: [] }])
  const cat = await app.inject({ method: 'GET', url: '/api/meta/metrics' })
  assert.equal(cat.json().metrics.filter((x: { name: string }) => ['polls_skipped', 'spool_samples'].includes(x.name)).map((x: { name: string; kind: string; unit: string }) => [x.name, x.kind, x.unit]), [
    ['polls_skipped', 'delta', 'count'],
    ['spool_samples', 'gauge', 'samples'],
  ])
})

test('the encoder escapes label values and help text, and the strict parser refuses malformed lines', () => {
  const fam: MetricFamily[] = [{ name: 'x_total', help: 'a\\b\nc', type: 'counter', samples: [{ labels: { channel: 'a"b\\c\nd' }, value: 2 }] }]
  const text = renderExposition(fam)
  assert.is(text, '# HELP x_total a\\\\b\\nc\n# TYPE x_total counter\nx_total{channel="a\\"b\\\\c\\nd"} 2\n')
  const back = parsePrometheusText(text).get('x_total')!
  assert.equal([back.help, back.samples[0]!.labels.channel], ['a\\b\nc', 'a"b\\c\nd'])
  assert.throws(() => renderExposition([{ name: 'bad-name', help: '', type: 'gauge', samples: [] }]), /invalid metric name/)
  assert.throws(() => renderExposition([{ name: 'c_total', help: '', type: 'counter', samples: [{ value: -1 }] }]), /counter 'c_total' is -1/)
  const bad: [string, RegExp][] = [
    ['# TYPE a gauge\na{x="1} 1\n', /unterminated value/],
    ['# TYPE a gauge\na 1 2 3\n', /optional integer timestamp/],
    ['# TYPE a gauge\na one\n', /not a value/],
    ['# TYPE a gauge\na 1', /newline/],
    ['# TYPE a gauge\n# TYPE a counter\na 1\n', /second TYPE/],
    ['# TYPE a counter\na -1\n', /counter below 0/],
    ['# TYPE a gauge\na 1\n# TYPE b gauge\nb 1\na 2\n', /not together/],
    ['# TYPE a gauge\na{x="1",x="2"} 1\n', /twice/],
    ['# TYPE h histogram\nh_bucket{le="1"} 2\nh_sum 1\nh_count 2\n', /\+Inf/],
    ['# TYPE h histogram\nh_bucket{le="1"} 3\nh_bucket{le="+Inf"} 2\nh_sum 1\nh_count 2\n', /cumulative/],
    ['1a 1\n', /metric name/],
  ]
  for (const [t, why] of bad) assert.throws(() => parsePrometheusText(t), why, JSON.stringify(t))
})

test.run()
