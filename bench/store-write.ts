/**
 * Store write throughput, side by side in one run: raw HTTP /write of pre-built line
 * protocol (keep-alive, same batch size and in-flight count) as the InfluxDB baseline, our
 * InfluxDB adapter (formatting, escaping, batching, retry bookkeeping included), and the
 * DuckDB adapter on a file: fresh samples (appender) and then the same samples again, as
 * a replay would send them (staging table, replace by key). Prints points/s (median of 3 alternating runs) and
 * the adapter's overhead, and this process's CPU per point (influxd runs in its own
 * process, so that figure is the client's own cost and moves little with machine load).
 *
 *   node --import tsx bench/store-write.ts        BENCH_SCALE=1 -> 1,000,000 samples per run
 */
import http from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Sample } from '../core/metrics.ts'
import { openDuckDbStore } from '../store/duckdb/index.ts'
import { openInfluxStore } from '../store/influx/index.ts'
import { line } from '../store/influx/lineprotocol.ts'
import { startInfluxd } from '../test/support/influxd.ts'
import { APS, benchScale, citySamples, fmt } from './store-common.ts'

const BATCH = 5000
const IN_FLIGHT = 4
const CHUNK_MINUTES = 200 // 60,000 samples per write() call, as a big collector cycle would
const scale = benchScale()
const minutes = Math.max(CHUNK_MINUTES, Math.round((1_000_000 * scale) / APS / CHUNK_MINUTES) * CHUNK_MINUTES)
const total = minutes * APS

interface Run { rate: number; cpuUsPerPoint: number }

async function rawWrite(url: string, db: string): Promise<Run> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: IN_FLIGHT })
  await fetch(`${url}/query?q=${encodeURIComponent(`CREATE DATABASE "${db}"`)}`, { method: 'POST' })
  const u = new URL(url)
  // the baseline's line protocol is built before the clock starts: only HTTP is timed
  const bodies: Buffer[] = []
  for (let m = 0; m < minutes; m += CHUNK_MINUTES) {
    const lines = citySamples(m, m + CHUNK_MINUTES).map((s) => line(s.metric, [['device', s.device], ['instance', s.instance], ['neighborhood', s.neighborhood]], `value=${s.value}`, s.timeMs))
    for (let i = 0; i < lines.length; i += BATCH) bodies.push(Buffer.from(lines.slice(i, i + BATCH).join('\n')))
  }
  const post = (body: Buffer) => new Promise<void>((resolve, reject) => {
    const req = http.request({ hostname: u.hostname, port: u.port, path: `/write?db=${db}&precision=ms`, method: 'POST', agent, headers: { 'content-length': body.length } }, (res) => {
      res.resume()
      res.on('end', () => (res.statusCode === 204 ? resolve() : reject(new Error(`raw write got ${res.statusCode}`))))
    })
    req.on('error', reject)
    req.end(body)
  })
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < bodies.length) await post(bodies[next++]!)
  }))
  const secs = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  agent.destroy()
  return { rate: total / secs, cpuUsPerPoint: (cpu.user + cpu.system) / total }
}

async function adapterWrite(url: string, db: string): Promise<Run> {
  const store = await openInfluxStore({ url, database: db, writer: { batchSize: BATCH, maxInFlight: IN_FLIGHT } })
  await store.init()
  // samples are generated before the clock starts, as for the baseline
  const chunks = []
  for (let m = 0; m < minutes; m += CHUNK_MINUTES) chunks.push(citySamples(m, m + CHUNK_MINUTES))
  const cpu0 = process.cpuUsage()
  const t0 = performance.now()
  // two write() calls in flight keep the pipe full between calls, as a collector with a
  // steady stream does
  const pending: Promise<void>[] = []
  for (const c of chunks) {
    pending.push(store.write(c))
    if (pending.length >= 2) await pending.shift()
  }
  await Promise.all(pending)
  const secs = (performance.now() - t0) / 1000
  const cpu = process.cpuUsage(cpu0)
  await store.close()
  return { rate: total / secs, cpuUsPerPoint: (cpu.user + cpu.system) / total }
}

/** Fresh samples (the appender path), then the same samples again: a replay, which replaces rows by key. */
async function duckWrite(dir: string, run: number): Promise<[Run, Run]> {
  const store = await openDuckDbStore({ path: join(dir, `write-${run}.duckdb`) })
  await store.init()
  const chunks: Sample[][] = []
  for (let m = 0; m < minutes; m += CHUNK_MINUTES) chunks.push(citySamples(m, m + CHUNK_MINUTES))
  const timed = async (): Promise<Run> => {
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    for (const c of chunks) await store.write(c)
    const secs = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    return { rate: total / secs, cpuUsPerPoint: (cpu.user + cpu.system) / total }
  }
  const fresh = await timed()
  const replay = await timed()
  await store.close()
  return [fresh, replay]
}

const RUNS = 3
console.log(`store-write: ${fmt(total)} samples per run (BENCH_SCALE=${scale}), ${APS} APs, batch ${BATCH}, ${IN_FLIGHT} in flight; median of ${RUNS} alternating runs`)
const influxd = await startInfluxd()
const dir = mkdtempSync(join(tmpdir(), 'civicnet-bench-'))
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
try {
  const raw: Run[] = []
  const adapter: Run[] = []
  const duck: Run[] = []
  const duckReplay: Run[] = []
  for (let run = 0; run < RUNS; run++) {
    raw.push(await rawWrite(influxd.url, `raw${run}`))
    adapter.push(await adapterWrite(influxd.url, `adapter${run}`))
    const [fresh, replay] = await duckWrite(dir, run)
    duck.push(fresh)
    duckReplay.push(replay)
  }
  const show = (label: string, runs: Run[]) => console.log(`  ${label.padEnd(38)} ${fmt(median(runs.map((r) => r.rate))).padStart(10)} points/s   client CPU ${median(runs.map((r) => r.cpuUsPerPoint)).toFixed(2)} µs/point   runs: ${runs.map((r) => fmt(r.rate)).join(', ')}`)
  show('influxdb raw HTTP /write (baseline)', raw)
  show('influxdb adapter', adapter)
  const r = median(raw.map((x) => x.rate))
  const a = median(adapter.map((x) => x.rate))
  console.log(`  influxdb adapter overhead              ${(((r - a) / r) * 100).toFixed(1).padStart(10)} % of the baseline's points/s`)
  show('duckdb adapter (appender, file)', duck)
  show('duckdb adapter, same samples again', duckReplay)
} finally {
  await influxd.stop()
  rmSync(dir, { recursive: true, force: true })
}
