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
import { createHash } from 'node:crypto'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { datesIn, nextDate, quarterDates, startOfLocalDate } from '../core/calendar.ts'
import { manualClock } from '../core/clock.ts'
import type { DeviceEvent, Sample, StationSighting } from '../core/metrics.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { buildReport } from '../reports/index.ts'
import { renderCsv } from '../reports/render/csv.ts'
import { renderHtml } from '../reports/render/html.ts'
import { renderJson } from '../reports/render/json.ts'
import { renderPdf } from '../reports/render/pdf.ts'
import { openDuckDbStore } from '../store/duckdb/index.ts'
import { openInfluxStore } from '../store/influx/index.ts'
import type { MetricStore } from '../store/types.ts'
import { startInfluxd } from '../test/support/influxd.ts'
import { benchScale, fmt } from './store-common.ts'

const TZ = 'America/New_York'
const POLL_MS = 5 * 60_000
const DAY_MS = 86_400_000
const scale = benchScale()
const quarter = quarterDates('2026Q3')!
const allDays = datesIn(quarter.from, quarter.to)
const days = allDays.slice(0, Math.max(1, Math.min(allDays.length, Math.round(allDays.length * scale))))
const period = days.length === allDays.length ? { quarter: '2026Q3' } : { from: days[0]!, to: days.at(-1)! }
const startMs = startOfLocalDate(days[0]!, TZ)
const endMs = startOfLocalDate(nextDate(days.at(-1)!), TZ)

const inventory = hartfordInventory(1)
const bySite = new Map(inventory.sites.map((s) => [s.id, s.neighborhood]))
const aps = inventory.devices.filter((d) => d.kind === 'ap').map((d, i) => ({ id: d.id, n: bySite.get(d.site)!, i, source: d.controller ?? d.managedBy ?? d.id }))
const sources = [...new Set(aps.map((a) => a.source))]

/** A deterministic hash in [0, 1). */
const rnd = (...k: (string | number)[]) => createHash('sha256').update(k.join('|')).digest().readUInt32BE(0) / 2 ** 32

/** Outages: about one AP in ten is down once a week, for 10 minutes to 4 hours. */
function down(ap: { id: string }, t: number): boolean {
  const week = Math.floor(t / (7 * DAY_MS))
  if (rnd(ap.id, week, 'o') > 0.1) return false
  const at = week * 7 * DAY_MS + Math.floor(rnd(ap.id, week, 's') * 7 * DAY_MS)
  const len = 600_000 + Math.floor(rnd(ap.id, week, 'l') * 4 * 3_600_000)
  return t >= at && t < at + len
}
function clients(ap: { id: string; i: number }, t: number): number {
  const hour = new Date(t - 4 * 3_600_000).getUTCHours()
  const diurnal = 0.3 + 0.7 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI))
  return Math.round((20 + (ap.i % 17)) * diurnal * (0.8 + 0.4 * rnd(ap.id, t)))
}

function samplesOf(fromMs: number, toMs: number): { samples: Sample[]; events: DeviceEvent[] } {
  const samples: Sample[] = []
  const events: DeviceEvent[] = []
  for (let t = fromMs; t < toMs; t += POLL_MS) {
    for (const ap of aps) {
      const d = down(ap, t)
      if (d !== down(ap, t - POLL_MS)) events.push({ timeMs: t, device: ap.id, neighborhood: ap.n, type: d ? 'deviceDown' : 'deviceUp', severity: d ? 'critical' : 'info', detail: d ? 'no answer to SNMP (timeout)' : 'answering again' })
      samples.push({ metric: 'device_up', device: ap.id, neighborhood: ap.n, instance: '', value: d ? 0 : 1, timeMs: t })
      if (d) continue
      const c = clients(ap, t)
      samples.push({ metric: 'wifi_clients', device: ap.id, neighborhood: ap.n, instance: '', value: c, timeMs: t })
      samples.push({ metric: 'wifi_bytes', device: ap.id, neighborhood: ap.n, instance: '', value: c * 2_000_000 + Math.floor(rnd(ap.id, t, 'b') * 1_000_000), timeMs: t })
    }
    for (const s of sources) {
      const dayKey = Math.floor((t - 4 * 3_600_000) / DAY_MS) // one key per local day (EDT all quarter)
      samples.push({ metric: 'station_key', device: s, neighborhood: '', instance: 'day', value: dayKey, timeMs: t })
      samples.push({ metric: 'station_key', device: s, neighborhood: '', instance: 'quarter', value: 20263, timeMs: t })
    }
  }
  return { samples, events }
}

/** One local day's station sightings: ~60 devices per AP, shared within a neighborhood, some roaming across. */
function sightingsOf(date: string): StationSighting[] {
  const out: StationSighting[] = []
  for (const ap of aps) {
    for (let k = 0; k < 60; k++) {
      const pool = rnd(ap.id, date, k, 'p') < 0.1 ? 'city' : ap.n
      const id = Math.floor(rnd(ap.id, date, k) * (pool === 'city' ? 3000 : 2500))
      const digest = createHash('sha256').update(`${pool}|${id}|${date}`).digest('hex')
      const randomized = id % 4 === 0
      out.push({ scope: 'day', period: date, device: ap.id, neighborhood: ap.n, digest, randomized })
      out.push({ scope: 'quarter', period: '2026Q3', device: ap.id, neighborhood: ap.n, digest: createHash('sha256').update(`${pool}|${id}|q`).digest('hex'), randomized })
    }
  }
  return out
}

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
