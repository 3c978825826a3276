/**
 * Store query latency: a 30-day per-neighborhood hourly aggregate over 300 APs at 1-minute
 * resolution (~13M samples), on each adapter, from raw samples and from the 1h rollup.
 * Also prints load and rollup times (the rollups are computed day by day, as the
 * scheduler does).
 *
 *   node --import tsx bench/store-query.ts       BENCH_SCALE=1 -> 30 days, 12,960,000 samples
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openDuckDbStore } from '../store/duckdb/index.ts'
import { openInfluxStore } from '../store/influx/index.ts'
import type { AggregateQuery, MetricStore } from '../store/types.ts'
import { startInfluxd } from '../test/support/influxd.ts'
import { APS, DAY_MS, START_MS, benchScale, citySamples, fmt } from './store-common.ts'

const scale = benchScale()
const days = Math.max(1, Math.round(30 * scale))
const total = days * 1440 * APS
const RUNS = 3

async function load(store: MetricStore): Promise<{ loadS: number; rollupS: number }> {
  const t0 = performance.now()
  for (let d = 0; d < days; d++) {
    // half a day per write() call keeps memory bounded
    for (const half of [0, 720]) await store.write(citySamples(d * 1440 + half, d * 1440 + half + 720))
  }
  const loadS = (performance.now() - t0) / 1000
  const t1 = performance.now()
  for (let d = 0; d < days; d++) {
    const from = START_MS + d * DAY_MS
    await store.rollup('5m', from, from + DAY_MS)
    await store.rollup('1h', from, from + DAY_MS)
  }
  await store.rollup('1d', START_MS, START_MS + days * DAY_MS)
  return { loadS, rollupS: (performance.now() - t1) / 1000 }
}

async function time(store: MetricStore, q: AggregateQuery): Promise<{ medianMs: number; points: number; first: number }> {
  const ms: number[] = []
  let points = 0
  let first = 0
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now()
    const out = await store.aggregate(q)
    ms.push(performance.now() - t0)
    points = out.length
    first = out[0]?.value ?? NaN
  }
  ms.sort((a, b) => a - b)
  return { medianMs: ms[Math.floor(RUNS / 2)]!, points, first }
}

console.log(`store-query: ${days} days x 1440 minutes x ${APS} APs = ${fmt(total)} samples (BENCH_SCALE=${scale}); median of ${RUNS} runs`)
const influxd = await startInfluxd()
const dir = mkdtempSync(join(tmpdir(), 'civicnet-bench-'))
try {
  const stores: MetricStore[] = [
    await openDuckDbStore({ path: join(dir, 'query.duckdb') }),
    await openInfluxStore({ url: influxd.url, database: 'bench' }),
  ]
  for (const store of stores) {
    await store.init()
    const { loadS, rollupS } = await load(store)
    console.log(`  ${store.kind}: loaded in ${loadS.toFixed(1)} s (${fmt(total / loadS)} samples/s), rollups 5m+1h+1d in ${rollupS.toFixed(1)} s`)
    for (const fn of ['mean', 'max'] as const) {
      const q: AggregateQuery = { metric: 'wifi_clients', groupBy: 'neighborhood', fromMs: START_MS, toMs: START_MS + days * DAY_MS, stepMs: 3_600_000, fn }
      const raw = await time(store, { ...q, source: 'raw' })
      const roll = await time(store, { ...q, source: '1h' })
      const same = raw.points === roll.points && raw.first === roll.first ? 'same answer' : `DIFFERENT answers (${raw.points}/${raw.first} vs ${roll.points}/${roll.first})`
      console.log(`  ${store.kind}: ${days}-day hourly ${fn} per neighborhood  raw ${raw.medianMs.toFixed(0).padStart(6)} ms   1h rollup ${roll.medianMs.toFixed(1).padStart(6)} ms   (${raw.points} points, ${same})`)
    }
    await store.close()
  }
} finally {
  await influxd.stop()
  rmSync(dir, { recursive: true, force: true })
}
