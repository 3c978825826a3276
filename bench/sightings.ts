/**
 * The unique counts of the grant report over a quarter: the store questions uniques/ asks
 * (recorded from uniqueClients over all served neighborhoods) on the quarter's station
 * sightings (bench/quarter-data.ts: 224 APs x ~60 a day, day and quarter scope), on DuckDB and
 * on InfluxDB. Baseline in the same run, on InfluxDB: the same questions as the store asked
 * them before (two distinct counts per question, all and randomized, instead of one grouped
 * by the randomized tag). Both give the same counts; medians of 3.
 *
 *   node --import tsx bench/sightings.ts      BENCH_SCALE=0.25 -> 23 days instead of 92; BENCH_STORES=influxdb
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Sample } from '../core/metrics.ts'
import { nextDate } from '../core/calendar.ts'
import type { SightingCount, SightingQuery } from '../store/types.ts'
import { openDuckDbStore } from '../store/duckdb/index.ts'
import { openInfluxStore } from '../store/influx/index.ts'
import { qlIdent, qlIn, qlString } from '../store/influx/lineprotocol.ts'
import type { MetricStore } from '../store/types.ts'
import { uniqueClients } from '../uniques/index.ts'
import { startInfluxd } from '../test/support/influxd.ts'
import { POLL_MS, days, endMs, inventory, sightingsOf, startMs, stationKeyMarks } from './quarter-data.ts'
import { fmt } from './store-common.ts'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

/** The InfluxQL the store sent before: two distinct counts over the same points. */
async function twoPass(url: string, db: string, q: SightingQuery): Promise<SightingCount[]> {
  const group = q.groupBy === 'all' ? '' : `, ${qlIdent(q.groupBy)}`
  const base = `FROM ${qlIdent('civicnet_sightings')} WHERE "scope" = ${qlString(q.scope)}` + qlIn('period', q.periods) + qlIn('neighborhood', q.where?.neighborhood) + qlIn('device', q.where?.device)
  const ql = `SELECT count(distinct("digest")) AS u ${base} GROUP BY "period"${group}; SELECT count(distinct("digest")) AS u ${base} AND "randomized" = '1' GROUP BY "period"${group}`
  const res = await fetch(`${url}/query?db=${db}&q=${encodeURIComponent(ql)}`)
  const body = (await res.json()) as { results: { series?: { tags?: Record<string, string>; values: unknown[][] }[] }[] }
  const key = (t: Record<string, string> = {}) => `${t.period}\u0000${q.groupBy === 'all' ? '' : t[q.groupBy] ?? ''}`
  const rnd = new Map((body.results[1]?.series ?? []).map((s) => [key(s.tags), Number(s.values[0]![1])]))
  return (body.results[0]?.series ?? []).map((s) => ({ period: s.tags!.period!, group: q.groupBy === 'all' ? '' : s.tags![q.groupBy]!, unique: Number(s.values[0]![1]), randomized: rnd.get(key(s.tags)) ?? 0 }))
}

const norm = (xs: SightingCount[]) => JSON.stringify([...xs].sort((a, b) => a.period.localeCompare(b.period) || a.group.localeCompare(b.group)))

async function measure(store: MetricStore, baseline?: (q: SightingQuery) => Promise<SightingCount[]>) {
  const asked: SightingQuery[] = []
  const recording: MetricStore = { ...store, countSightings: (q) => (asked.push(q), store.countSightings(q)) }
  const served = inventory.neighborhoods.filter((n) => n.served).map((n) => n.id)
  const ask = (s: MetricStore) => uniqueClients({ from: days[0]!, to: nextDate(days.at(-1)!), neighborhoods: served }, { store: s, inventory, now: () => endMs + 1 })
  const u = await ask(recording)
  const whole: number[] = []
  for (let run = 0; run < 3; run++) {
    const t = performance.now()
    await ask(store)
    whole.push(performance.now() - t)
  }
  const time = async (ask: (q: SightingQuery) => Promise<SightingCount[]>) => {
    const runs: number[] = []
    let answers: string[] = []
    for (let run = 0; run < 3; run++) {
      const t = performance.now()
      answers = await Promise.all(asked.map(async (q) => norm(await ask(q))))
      runs.push(performance.now() - t)
    }
    return { ms: median(runs), runs, answers }
  }
  const now = await time((q) => store.countSightings(q))
  const line = `  ${store.kind}: uniqueClients over the period (coverage + counts) ${median(whole).toFixed(0)} ms (runs ${whole.map((x) => x.toFixed(0)).join(' ')}): device-days ${u.period.city.deviceDays.value}, period-unique ${u.period.city.periodUnique.value}\n`
    + `  ${store.kind}: its ${asked.length} countSightings questions, at once: ${now.ms.toFixed(0)} ms (runs ${now.runs.map((x) => x.toFixed(0)).join(' ')})`
  if (!baseline) return console.log(line)
  const before = await time(baseline)
  const same = before.answers.every((a, i) => a === now.answers[i])
  console.log(`${line}\n  ${store.kind}: baseline, two distinct counts per question: ${before.ms.toFixed(0)} ms (runs ${before.runs.map((x) => x.toFixed(0)).join(' ')}); same counts: ${same ? 'yes' : 'NO'}`)
}

console.log(`sightings: ${days.length} local days x ${inventory.devices.filter((d) => d.kind === 'ap').length} APs, ${fmt(days.length * 224 * 120)} sightings (day + quarter scope)`)
const influxd = await startInfluxd()
const dir = mkdtempSync(join(tmpdir(), 'civicnet-bench-sightings-'))
try {
  const stores = (process.env.BENCH_STORES ?? 'duckdb,influxdb').split(',')
  for (const [kind, open, db] of [['duckdb', () => openDuckDbStore({ path: join(dir, 's.duckdb') }), ''], ['influxdb', () => openInfluxStore({ url: influxd.url, database: 'bench_sightings' }), 'bench_sightings']] as const) {
    if (!stores.includes(kind)) continue
    const store = await open()
    await store.init()
    const t0 = performance.now()
    for (const d of days) await store.writeSightings(sightingsOf(d))
    const loadS = (performance.now() - t0) / 1000
    // the station sources' key marks of every 5-minute read: what says the days were read whole
    const marks: Sample[] = []
    for (let t = startMs - 3_600_000; t < endMs; t += POLL_MS) marks.push(...stationKeyMarks(t))
    for (let i = 0; i < marks.length; i += 50_000) await store.write(marks.slice(i, i + 50_000))
    console.log(`  ${store.kind}: sightings loaded in ${loadS.toFixed(1)} s, ${fmt(marks.length)} key marks`)
    await measure(store, db ? (q) => twoPass(influxd.url, db, q) : undefined)
    await store.close()
  }
} finally {
  await influxd.stop()
  rmSync(dir, { recursive: true, force: true })
}
