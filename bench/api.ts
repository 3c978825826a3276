/**
 * API benchmark: requests/s and p50/p99 latency of the neighborhood summary and a 30-day
 * neighborhood series, 100 connections over loopback, on both stores (embedded DuckDB and
 * a real influxd). The load comes from autocannon in its own process, so client and server
 * do not share an event loop. Baseline in the same run: GET /api/meta/metrics (a constant
 * answer, no store): the ceiling of Fastify plus auth on this machine.
 *
 * Data: the Hartford inventory (224 APs, 17 neighborhoods), 30 days of wifi_clients,
 * wifi_bytes and device_up per AP every 10 minutes plus the last 15 minutes every minute,
 * rolled up to 5m/1h/1d on DuckDB as the scheduler would (on InfluxDB the queries read raw
 * samples: rolling 30 days up there takes minutes). Run: node --import tsx bench/api.ts
 * (BENCH_SCALE=0.2 for a quick run: fewer days; BENCH_DURATION_S per scenario, default 10).
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { manualClock } from '../core/clock.ts'
import type { Sample } from '../core/metrics.ts'
import { buildApp } from '../api/app.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { openAppState, type AppState } from '../store/app-state.ts'
import { openDuckDbStore } from '../store/duckdb/index.ts'
import { openInfluxStore } from '../store/influx/index.ts'
import type { MetricStore } from '../store/types.ts'
import { startInfluxd } from '../test/support/influxd.ts'

const MIN = 60_000
const DAY = 86_400_000
const NOW = Date.UTC(2026, 0, 31, 12)
const scale = Number(process.env.BENCH_SCALE || 1)
const DAYS = Math.max(1, Math.round(30 * scale))
const DURATION_S = Number(process.env.BENCH_DURATION_S || 10)
const CONNECTIONS = 100
const HISTORY_STEP = 10 * MIN

const inventory = hartfordInventory()
const nbOf = new Map(inventory.sites.map((s) => [s.id, s.neighborhood]))
const aps = inventory.devices.filter((d) => d.kind === 'ap').map((d) => ({ id: d.id, nb: nbOf.get(d.site) ?? '' }))
const servedNb = inventory.neighborhoods.find((n) => n.served)!.id

/** Diurnal clients: busy afternoons, quiet nights; one AP in 50 down at any time. */
function samplesAt(timeMs: number, stepMs: number): Sample[] {
  const hour = new Date(timeMs).getUTCHours()
  const load = 0.2 + 0.8 * Math.max(0, Math.sin(((hour - 6) / 24) * 2 * Math.PI))
  const out: Sample[] = []
  const slot = Math.floor(timeMs / stepMs)
  aps.forEach((ap, i) => {
    const up = (i + slot) % 50 !== 0 ? 1 : 0
    const base = { device: ap.id, neighborhood: ap.nb, instance: '', timeMs }
    out.push({ ...base, metric: 'device_up', value: up })
    if (!up) return
    const clients = Math.round(load * (5 + (i % 17)))
    out.push({ ...base, metric: 'wifi_clients', value: clients })
    out.push({ ...base, metric: 'wifi_bytes', value: clients * 250_000 * (stepMs / MIN) })
  })
  return out
}

async function fill(store: MetricStore, rollups: boolean): Promise<{ samples: number; writeS: number; rollupS: number | null }> {
  const from = NOW - DAYS * DAY
  const liveFrom = NOW - 15 * MIN
  let batch: Sample[] = []
  let samples = 0
  const t0 = performance.now()
  for (let t = from; t < liveFrom; t += HISTORY_STEP) {
    batch.push(...samplesAt(t, HISTORY_STEP))
    if (batch.length >= 50_000) {
      await store.write(batch)
      samples += batch.length
      batch = []
    }
  }
  for (let t = liveFrom; t < NOW; t += MIN) batch.push(...samplesAt(t, MIN))
  await store.write(batch)
  samples += batch.length
  const writeS = (performance.now() - t0) / 1000
  if (!rollups) return { samples, writeS, rollupS: null }
  const t1 = performance.now()
  await store.rollup('5m', from, NOW)
  await store.rollup('1h', from, NOW)
  await store.rollup('1d', from, NOW - (NOW % DAY))
  return { samples, writeS, rollupS: (performance.now() - t1) / 1000 }
}

interface Result {
  rps: number
  p50: number
  p99: number
  non2xx: number
  errors: number
}

/**
 * Bare Fastify sending the same bytes with the same content encoding: the floor set by
 * moving them (autocannon's client cost depends on the content, so a constant filler body
 * would flatter the floor several times over).
 */
async function constantServer(body: Buffer, encoding: string | undefined): Promise<{ url: string; close: () => Promise<void> }> {
  const { default: Fastify } = await import('fastify')
  const app = Fastify()
  app.get('/', (_req, reply) => {
    if (encoding) reply.header('content-encoding', encoding)
    return reply.type('application/json').send(body)
  })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const addr = app.server.address()
  return { url: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}/`, close: () => app.close() }
}

/** autocannon in a child process; returns its JSON figures. */
function cannon(url: string, gzip = false, connections = CONNECTIONS): Promise<Result> {
  return new Promise((resolve, reject) => {
    const bin = new URL('../node_modules/autocannon/autocannon.js', import.meta.url).pathname
    const args = [bin, '-c', String(connections), '-d', String(DURATION_S), '-j', ...(gzip ? ['-H', 'accept-encoding=gzip'] : []), url]
    const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.stderr.on('data', () => undefined)
    child.on('error', reject)
    child.on('close', (code) => {
      try {
        const r = JSON.parse(out)
        resolve({ rps: r.requests.average, p50: r.latency.p50, p99: r.latency.p99, non2xx: r.non2xx, errors: r.errors + r.timeouts })
      } catch (err) {
        reject(new Error(`autocannon exited ${code}: ${out.slice(0, 300)}`, { cause: err }))
      }
    })
  })
}

const fixedClock = manualClock(NOW)

async function serve(store: MetricStore, appState: AppState, summaryCacheMs: number): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildApp({ summaryCacheMs, webDir: null }, { store, appState, clock: fixedClock, log: pino({ level: 'silent' }) })
  await app.listen({ host: '127.0.0.1', port: 0 })
  const addr = app.server.address()
  return { app, base: `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}` }
}

const line = (name: string, r: Result) =>
  console.log(`  ${name.padEnd(52)} ${Math.round(r.rps).toString().padStart(7)} req/s   p50 ${String(r.p50).padStart(4)} ms   p99 ${String(r.p99).padStart(4)} ms${r.non2xx || r.errors ? `   (non-2xx ${r.non2xx}, errors ${r.errors})` : ''}`)

async function benchStore(kind: string, store: MetricStore, appState: AppState, rollups: boolean): Promise<void> {
  const f = await fill(store, rollups)
  console.log(`${kind}: ${f.samples.toLocaleString('en-US')} samples (${DAYS} days) written in ${f.writeS.toFixed(1)} s, ${f.rollupS === null ? 'no rollups (queries read raw samples)' : `rolled up in ${f.rollupS.toFixed(1)} s`}`)
  const series = `/api/series?metric=wifi_clients&neighborhood=${servedNb}&fromMs=${NOW - 30 * DAY}&toMs=${NOW}&stepMs=3600000`
  const cached = await serve(store, appState, 60_000)
  const uncached = await serve(store, appState, 0)
  try {
    // One request alone first: what a cache miss costs when nothing else runs.
    for (const [name, url] of [['/api/neighborhoods', '/api/neighborhoods'], ['/api/series 30 d', series]] as const) {
      // The first summary reads all device_up history once (LatestTracker); later ones only
      // the last minutes, which is what an uncached refresh costs in service.
      const times: number[] = []
      for (let i = 0; i < 5; i++) {
        const t = performance.now()
        const res = await fetch(uncached.base + url)
        if (!res.ok) throw new Error(`${url}: ${res.status} ${await res.text()}`)
        await res.arrayBuffer()
        times.push(performance.now() - t)
      }
      times.sort((a, b) => a - b)
      console.log(`  ${`one ${name} alone, uncached (median of 5)`.padEnd(52)} ${times[2]!.toFixed(0).padStart(7)} ms`)
    }
    // Requests still queued in the server after a run would slow the next: wait until a
    // store call comes back quickly twice in a row.
    const drain = async () => {
      let quick = 0
      for (let i = 0; i < 600 && quick < 2; i++) {
        const t = performance.now()
        await store.latest({ metric: 'device_up', sinceMs: NOW - MIN })
        quick = performance.now() - t < 50 ? quick + 1 : 0
        await new Promise((r) => setTimeout(r, 100))
      }
    }
    const run = async (name: string, url: string, gzip = false, connections = CONNECTIONS) => {
      // One request first, so a cached figure is the steady state, not the first minute's
      // hundred requests waiting on one cold computation.
      await (await fetch(url)).arrayBuffer()
      line(name, await cannon(url, gzip, connections))
      await drain()
    }
    await run('baseline GET /api/meta/metrics (no store)', cached.base + '/api/meta/metrics')
    // The same bodies from bare Fastify (bytes on the wire: gzipped, as sent below).
    for (const q of ['', '?geometry=false']) {
      const res = await cached.app.inject({ url: `/api/neighborhoods${q}`, headers: { 'accept-encoding': 'gzip' } })
      const c = await constantServer(res.rawPayload, 'gzip')
      try {
        await run(`baseline: the same ${res.rawPayload.length.toLocaleString('en-US')} B from bare Fastify`, c.url, true)
      } finally {
        await c.close()
      }
    }
    await run('GET /api/neighborhoods (cached, gzip)', cached.base + '/api/neighborhoods', true)
    await run('GET /api/neighborhoods?geometry=false (cached, gzip)', cached.base + '/api/neighborhoods?geometry=false', true)
    await run('GET /api/neighborhoods (cached, identity)', cached.base + '/api/neighborhoods')
    await run('GET /api/series 30 d, 1 h (cached)', cached.base + series)
    // Without the cache every request queries the store: 10 connections, not 100, or the
    // requests still queued after the run (handlers outlive a client's timeout) take minutes
    // to drain.
    await run('GET /api/neighborhoods?geometry=false (no cache, 10 conn.)', uncached.base + '/api/neighborhoods?geometry=false', true, 10)
    await run('GET /api/series 30 d, 1 h (no cache, 10 conn.)', uncached.base + series, false, 10)
  } finally {
    await cached.app.close()
    await uncached.app.close()
  }
}

const dir = mkdtempSync(join(tmpdir(), 'civicnet-bench-api-'))
const appState = openAppState(join(dir, 'state.sqlite'))
appState.replaceInventory(inventory, 'bench')
console.log(`API benchmark: ${aps.length} APs, ${inventory.neighborhoods.length} neighborhoods, ${CONNECTIONS} connections, ${DURATION_S} s per figure, ${new Date().toISOString().slice(0, 10)}`)
try {
  const duck = await openDuckDbStore({ path: join(dir, 'metrics.duckdb') })
  await duck.init()
  try {
    await benchStore('duckdb', duck, appState, true)
  } finally {
    await duck.close()
  }
  const influxd = await startInfluxd()
  try {
    const influx = await openInfluxStore({ url: influxd.url, database: 'bench_api' })
    await influx.init()
    try {
      // Rolling 30 days up on influxd 1.6.7 takes minutes here; the series reads raw samples.
      await benchStore('influxdb 1.6.7', influx, appState, false)
    } finally {
      await influx.close()
    }
  } finally {
    await influxd.stop()
  }
} finally {
  appState.close()
  rmSync(dir, { recursive: true, force: true })
}
