/**
 * When the collector read station tables, and under which digest key: from the
 * `station_key` samples (collector/samples.ts writes one per station source, minute and key
 * scope, valued with the key's random id). A unique count is only as good as its reads: a
 * day whose source was not read in some local hour, or was read under two keys (a collector
 * restarted mid-day, or two collectors with their own keys), has no honest figure.
 */
import { startOfLocalDate, type LocalDate } from '../core/calendar.ts'
import type { MetricStore } from '../store/types.ts'

/** The metric collector/samples.ts writes on each station-table read (STATION_KEY_METRIC there). */
export const STATION_KEY_METRIC = 'station_key'

/** 15 minutes: every local midnight and hour of every IANA zone falls on such a boundary. */
export const BUCKET_MS = 15 * 60_000
const HOUR_MS = 3_600_000

/** One source's reads on one local day. */
export interface SourceDay {
  /** reads (distinct minutes with a station-table read) in each local hour of the day, in order */
  readsPerHour: number[]
  /** the key id when every read of the day carried the same one; null when none; 'mixed' when several */
  key: number | null | 'mixed'
}

/** One source's reads over a span (for the period key). */
export interface SourceSpan {
  reads: number
  key: number | null | 'mixed'
}

interface Bucket { count: number; sum: number; min: number; max: number }

/** count, sum, min and max of station_key per device and 15-minute bucket, chunked to the store's point limit. */
async function buckets(store: Pick<MetricStore, 'aggregate'>, devices: readonly string[], instance: string, fromMs: number, toMs: number): Promise<Map<string, Map<number, Bucket>>> {
  const out = new Map<string, Map<number, Bucket>>()
  if (devices.length === 0 || toMs <= fromMs) return out
  // at most ~60 000 points per answer
  const chunkMs = Math.max(BUCKET_MS, Math.floor(60_000 / devices.length) * BUCKET_MS)
  for (let a = fromMs; a < toMs; a += chunkMs) {
    const b = Math.min(toMs, a + chunkMs)
    const base = { metric: STATION_KEY_METRIC, groupBy: 'device' as const, fromMs: a, toMs: b, stepMs: BUCKET_MS, where: { device: [...devices], instance: [instance] }, source: 'auto' as const }
    const [count, sum, min, max] = await Promise.all((['count', 'sum', 'min', 'max'] as const).map((fn) => store.aggregate({ ...base, fn })))
    const at = (dev: string, t: number): Bucket => {
      let m = out.get(dev)
      if (!m) out.set(dev, (m = new Map()))
      let x = m.get(t)
      if (!x) m.set(t, (x = { count: 0, sum: 0, min: Infinity, max: -Infinity }))
      return x
    }
    for (const p of count!) at(p.group, p.timeMs).count += p.value
    for (const p of sum!) at(p.group, p.timeMs).sum += p.value
    for (const p of min!) at(p.group, p.timeMs).min = Math.min(at(p.group, p.timeMs).min, p.value)
    for (const p of max!) at(p.group, p.timeMs).max = Math.max(at(p.group, p.timeMs).max, p.value)
  }
  return out
}

/** The one key of a set of buckets: every read the same id (min = max = sum / count), or 'mixed'. */
function keyOf(list: Iterable<Bucket>): { reads: number; key: number | null | 'mixed' } {
  let reads = 0
  let key: number | null | 'mixed' = null
  for (const b of list) {
    if (b.count <= 0) continue
    reads += b.count
    // min and max run over per-minute instants: one read per minute keeps them exact, and a
    // sum that is not count x the id means an instant held two reads of different keys
    const one = b.min === b.max && b.sum === b.count * b.min ? b.min : 'mixed'
    if (one === 'mixed' || (key !== null && key !== one)) key = 'mixed'
    else if (key === null) key = one
  }
  return { reads, key }
}

/** The local hours of a day as [fromMs, toMs) (23, 24 or 25 of them). */
export function localHours(date: LocalDate, nextDate: LocalDate, tz: string): [number, number][] {
  const a = startOfLocalDate(date, tz)
  const b = startOfLocalDate(nextDate, tz)
  const out: [number, number][] = []
  for (let t = a; t < b; t += HOUR_MS) out.push([t, Math.min(b, t + HOUR_MS)])
  return out
}

/**
 * Per source device and local day: reads per local hour and the day key. `days` are the
 * local days with their next day, e.g. [['2026-12-01', '2026-12-02'], ...].
 */
export async function dayCoverage(
  store: Pick<MetricStore, 'aggregate'>,
  sources: readonly string[],
  days: readonly (readonly [LocalDate, LocalDate])[],
  tz: string,
): Promise<Map<string, Map<LocalDate, SourceDay>>> {
  const out = new Map<string, Map<LocalDate, SourceDay>>()
  if (days.length === 0) return out
  const fromMs = startOfLocalDate(days[0]![0], tz)
  const toMs = startOfLocalDate(days.at(-1)![1], tz)
  const all = await buckets(store, sources, 'day', fromMs, toMs)
  for (const src of sources) {
    const b = all.get(src) ?? new Map<number, Bucket>()
    const perDay = new Map<LocalDate, SourceDay>()
    for (const [date, next] of days) {
      const hours = localHours(date, next, tz)
      const readsPerHour = hours.map(([a, z]) => {
        let n = 0
        for (let t = a; t < z; t += BUCKET_MS) n += b.get(t)?.count ?? 0
        return n
      })
      const inDay: Bucket[] = []
      for (let t = hours[0]![0]; t < hours.at(-1)![1]; t += BUCKET_MS) {
        const x = b.get(t)
        if (x) inDay.push(x)
      }
      perDay.set(date, { readsPerHour, key: keyOf(inDay).key })
    }
    out.set(src, perDay)
  }
  return out
}

/** Per source device: reads and key of one period scope ('month' | 'quarter') over [fromMs, toMs). */
export async function spanCoverage(store: Pick<MetricStore, 'aggregate'>, sources: readonly string[], scope: string, fromMs: number, toMs: number): Promise<Map<string, SourceSpan>> {
  const all = await buckets(store, sources, scope, fromMs, toMs)
  const out = new Map<string, SourceSpan>()
  for (const src of sources) out.set(src, keyOf((all.get(src) ?? new Map<number, Bucket>()).values()))
  return out
}

/**
 * The sources among `candidates` with any station-table read in [fromMs, toMs). Bounded
 * above: reads after the period (live polling) must not change what a closed period's
 * report asked and was told, or its data version would change with every poll.
 */
export async function sourcesWithReads(store: Pick<MetricStore, 'aggregate'>, candidates: readonly string[], fromMs: number, toMs: number): Promise<Set<string>> {
  if (candidates.length === 0 || toMs <= fromMs) return new Set()
  const day = 86_400_000
  const counts = await store.aggregate({ metric: STATION_KEY_METRIC, groupBy: 'device', where: { device: [...candidates], instance: ['day'] }, fromMs, toMs, stepMs: Math.ceil((toMs - fromMs) / day) * day, fn: 'count', source: 'auto' })
  return new Set(counts.filter((p) => p.value > 0).map((p) => p.group))
}
