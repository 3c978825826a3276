/**
 * The grant report over a quarter (2026Q3, 92 local days) of Hartford's 224 APs in its six
 * served neighborhoods, polled every 5 minutes (device_up, wifi_clients, wifi_bytes; the two
 * station sources' key marks; ~14k station sightings a day), with outages on some APs: on
 * DuckDB and on InfluxDB, after the rollups the scheduler would have made. Per store:
 *   baseline  the store questions buildReport asks (recorded on a first run), asked again
 *             one after another straight to the store: what the report cannot go below;
 *   json      buildReport + the JSON renderer (median of 3);
 *   csv/html  the renderers alone;
 *   pdf       Chromium print-to-PDF of the HTML (median of 2), aim under 5 s.
 * And whether both stores gave the same report (the same dataVersion means the same answers).
 *
 *   node --import tsx bench/report.ts      BENCH_SCALE=0.25 -> 23 days instead of 92
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { nextDate, startOfLocalDate } from '../core/calendar.ts'
import { manualClock } from '../core/clock.ts'
import { buildReport } from '../reports/index.ts'
import { renderCsv } from '../reports/render/csv.ts'
import { renderHtml } from '../reports/render/html.ts'
import { renderJson } from '../reports/render/json.ts'
import { renderPdf } from '../reports/render/pdf.ts'
import { openDuckDbStore } from '../store/duckdb/index.ts'
import { openInfluxStore } from '../store/influx/index.ts'
import type { MetricStore } from '../store/types.ts'
import { startInfluxd } from '../test/support/influxd.ts'
import { fmt } from './store-common.ts'
import { DAY_MS, POLL_MS, TZ, aps, days, endMs, inventory, period, samplesOf, scale, sightingsOf, startMs } from './quarter-data.ts'

async function load(store: MetricStore): Promise<{ samples: number; loadS: number; rollupS: number }> {
  await store.init()
  let n = 0
  const t0 = performance.now()
  // from the hour before the period, a local day at a time (bounded memory)
  const spans: [number, number][] = [[startMs - 3_600_000, startMs], ...days.map((d): [number, number] => [startOfLocalDate(d, TZ), startOfLocalDate(nextDate(d), TZ)])]
  for (const [from, to] of spans) {
    const { samples, events } = samplesOf(from, to)
    for (let i = 0; i < samples.length; i += 100_000) await store.write(samples.slice(i, i + 100_000))
    if (events.length) await store.writeEvents(events)
    n += samples.length
  }
  for (const d of days) await store.writeSightings(sightingsOf(d))
  const loadS = (performance.now() - t0) / 1000
  const t1 = performance.now()
  for (let from = Math.floor((startMs - 3_600_000) / DAY_MS) * DAY_MS; from < endMs; from += DAY_MS) {
    await store.rollup('5m', from, Math.min(endMs, from + DAY_MS))
    await store.rollup('1h', from, Math.min(endMs, from + DAY_MS))
  }
  await store.rollup('1d', Math.floor(startMs / DAY_MS) * DAY_MS, endMs)
  return { samples: n, loadS, rollupS: (performance.now() - t1) / 1000 }
}

type Call = { name: 'aggregate' | 'latest' | 'events' | 'countSightings'; q: unknown }

/** The store with every question recorded, to replay as the baseline. */
function recording(inner: MetricStore, calls: Call[]): MetricStore {
  const rec = <N extends Call['name']>(name: N) => (q: Parameters<MetricStore[N]>[0]) => {
    calls.push({ name, q })
    return (inner[name] as (x: unknown) => Promise<unknown>)(q)
  }
  return { ...inner, aggregate: rec('aggregate') as MetricStore['aggregate'], latest: rec('latest') as MetricStore['latest'], events: rec('events') as MetricStore['events'], countSightings: rec('countSightings') as MetricStore['countSightings'] }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

async function measure(store: MetricStore): Promise<{ json: string; dataVersion: string }> {
  const deps = { inventory, inventoryVersion: 1, clock: manualClock(Date.parse('2026-12-01T12:00:00Z')), pollIntervalMs: POLL_MS }
  const calls: Call[] = []
  const first = await buildReport({ ...period, neighborhoods: 'all' }, { ...deps, store: recording(store, calls) })
  // baseline: the same questions, one after another, straight to the store
  const base: number[] = []
  const families = new Map<string, { n: number; ms: number }>()
  for (let run = 0; run < 3; run++) {
    const t = performance.now()
    for (const c of calls) {
      const t1 = performance.now()
      await (store[c.name] as (x: unknown) => Promise<unknown>)(c.q)
      if (run > 0) continue
      const a = c.q as { metric?: string; fn?: string; stepMs?: number; groupBy?: string }
      const key = c.name === 'aggregate' ? `${a.metric} ${a.fn} by ${a.groupBy} step ${a.stepMs! >= 86_400_000 ? `${Math.round(a.stepMs! / 86_400_000)} d` : a.stepMs! >= 60_000 ? `${a.stepMs! / 60_000} min` : `${a.stepMs! / 1000} s`}` : c.name
      const f = families.get(key) ?? { n: 0, ms: 0 }
      f.n++
      f.ms += performance.now() - t1
      families.set(key, f)
    }
    base.push(performance.now() - t)
  }
  const json: number[] = []
  let text = ''
  for (let run = 0; run < 3; run++) {
    const t = performance.now()
    const r = await buildReport({ ...period, neighborhoods: 'all' }, { ...deps, store })
    text = renderJson(r)
    json.push(performance.now() - t)
  }
  let t = performance.now()
  renderCsv(first)
  const csvMs = performance.now() - t
  t = performance.now()
  renderHtml(first)
  const htmlMs = performance.now() - t
  const pdf: number[] = []
  let bytes = 0
  for (let run = 0; run < 2; run++) {
    t = performance.now()
    bytes = (await renderPdf(first)).length
    pdf.push(performance.now() - t)
  }
  const kinds = calls.reduce<Record<string, number>>((m, c) => ((m[c.name] = (m[c.name] ?? 0) + 1), m), {})
  console.log(`  ${store.kind}: baseline (the report's ${calls.length} store questions: ${Object.entries(kinds).map(([k, v]) => `${v} ${k}`).join(', ')}) ${median(base).toFixed(0)} ms`)
  console.log(`  ${store.kind}: baseline by question: ${[...families].sort((a, b) => b[1].ms - a[1].ms).slice(0, 6).map(([k, v]) => `${k} ${v.n}x ${v.ms.toFixed(0)} ms`).join('; ')}`)
  console.log(`  ${store.kind}: report json ${median(json).toFixed(0)} ms (runs ${json.map((x) => x.toFixed(0)).join(' ')}), csv ${csvMs.toFixed(1)} ms, html ${htmlMs.toFixed(1)} ms, pdf ${median(pdf).toFixed(0)} ms (runs ${pdf.map((x) => x.toFixed(0)).join(' ')}; ${fmt(bytes)} bytes)`)
  console.log(`  ${store.kind}: total ${first.total.bytes === null ? '-' : (first.total.bytes / 1e12).toFixed(2)} TB, peak ${first.total.peakConcurrentClients}, availability ${first.total.availabilityPct} %, ${first.total.outages} outages, device-days ${first.total.deviceDays}, period-unique ${first.total.uniqueClientsPeriod}, data version ${first.dataVersion}`)
  return { json: text, dataVersion: first.dataVersion }
}

console.log(`report: ${days.length} local days (${days[0]} .. ${days.at(-1)}) x ${aps.length} APs x 5-min polls (BENCH_SCALE=${scale}); ${period.quarter ? `--quarter ${period.quarter}` : `--from ${period.from} --to ${period.to}`} over all served neighborhoods`)
const influxd = await startInfluxd()
const dir = mkdtempSync(join(tmpdir(), 'civicnet-bench-report-'))
try {
  const results: { kind: string; json: string; dataVersion: string }[] = []
  for (const open of [() => openDuckDbStore({ path: join(dir, 'report.duckdb') }), () => openInfluxStore({ url: influxd.url, database: 'bench_report' })]) {
    const store = await open()
    const l = await load(store)
    console.log(`  ${store.kind}: loaded ${fmt(l.samples)} samples + ${fmt(days.length * aps.length * 120)} sightings in ${l.loadS.toFixed(1)} s, rollups 5m+1h+1d in ${l.rollupS.toFixed(1)} s`)
    results.push({ kind: store.kind, ...(await measure(store)) })
    await store.close()
  }
  const same = results[0]!.json === results[1]!.json
  console.log(`  the same report on both stores: ${same ? 'yes, byte for byte' : `NO (data versions ${results.map((r) => r.dataVersion).join(' / ')})`}`)
} finally {
  await influxd.stop()
  rmSync(dir, { recursive: true, force: true })
}
