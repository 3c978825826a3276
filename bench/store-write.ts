/**
 * Store write throughput, side by side in one run: raw HTTP /write of pre-built line
 * protocol (keep-alive, same batch size and in-flight count) as the InfluxDB baseline, our
 * InfluxDB adapter (formatting, escaping, batching, retry bookkeeping included), and the
 * DuckDB adapter (appender) on a file. Prints points/s and the adapter's overhead.
 *
 *   node --import tsx bench/store-write.ts        BENCH_SCALE=1 -> 1,000,000 samples per run
 */
import http from 'node:http'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
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

async function rawWrite(url: string, db: string): Promise<number> {
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
  const t0 = performance.now()
  let next = 0
  await Promise.all(Array.from({ length: IN_FLIGHT }, async () => {
    while (next < bodies.length) await post(bodies[next++]!)
  }))
  const secs = (performance.now() - t0) / 1000
  agent.destroy()
  return total / secs
}

async function adapterWrite(url: string, db: string): Promise<number> {
  const store = await openInfluxStore({ url, database: db, writer: { batchSize: BATCH, maxInFlight: IN_FLIGHT } })
  await store.init()
  // samples are generated before the clock starts, as for the baseline
  const chunks = []
  for (let m = 0; m < minutes; m += CHUNK_MINUTES) chunks.push(citySamples(m, m + CHUNK_MINUTES))
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
  await store.close()
  return total / secs
}

async function duckWrite(dir: string, run: number): Promise<number> {
  const store = await openDuckDbStore({ path: join(dir, `write-${run}.duckdb`) })
  await store.init()
  const chunks = []
  for (let m = 0; m < minutes; m += CHUNK_MINUTES) chunks.push(citySamples(m, m + CHUNK_MINUTES))
  const t0 = performance.now()
  for (const c of chunks) await store.write(c)
  const secs = (performance.now() - t0) / 1000
  await store.close()
  return total / secs
}

console.log(`store-write: ${fmt(total)} samples per run (BENCH_SCALE=${scale}), ${APS} APs, batch ${BATCH}, ${IN_FLIGHT} in flight; best of 2 runs each`)
const influxd = await startInfluxd()
const dir = mkdtempSync(join(tmpdir(), 'civicnet-bench-'))
try {
  const raw: number[] = []
  const adapter: number[] = []
  const duck: number[] = []
  for (let run = 0; run < 2; run++) {
    raw.push(await rawWrite(influxd.url, `raw${run}`))
    adapter.push(await adapterWrite(influxd.url, `adapter${run}`))
    duck.push(await duckWrite(dir, run))
  }
  const r = Math.max(...raw)
  const a = Math.max(...adapter)
  const d = Math.max(...duck)
  console.log(`  influxdb raw HTTP /write (baseline)  ${fmt(r).padStart(10)} points/s   runs: ${raw.map(fmt).join(', ')}`)
  console.log(`  influxdb adapter                     ${fmt(a).padStart(10)} points/s   runs: ${adapter.map(fmt).join(', ')}`)
  console.log(`  influxdb adapter overhead            ${(((r - a) / r) * 100).toFixed(1).padStart(10)} %`)
  console.log(`  duckdb adapter (appender, file)      ${fmt(d).padStart(10)} points/s   runs: ${duck.map(fmt).join(', ')}`)
} finally {
  await influxd.stop()
  rmSync(dir, { recursive: true, force: true })
}
