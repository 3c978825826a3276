/**
 * Usage: data used per AP (over the period) and per neighborhood and local day; peak concurrent clients; average
 * concurrent clients by hour of day. Domain code: store and inputs come in, plain numbers
 * go out; no Fastify, no argv, no HTML.
 *
 * How each figure is counted (docs/REPORTS.md, "Method"):
 * - bytes: the sum of wifi_bytes samples (client traffic, both directions, in the poll
 *   interval that ends at the sample) whose time falls in the day. A day's figure is thus
 *   the traffic from the last poll before the day to the last poll in it: off from the
 *   calendar day by at most one poll interval's traffic at each end.
 * - peak concurrent clients: the store's 'max' over per-instant group totals (the clients
 *   of all the group's APs polled in one instant, summed), never a sum of per-AP peaks. For
 *   several neighborhoods together the instant totals are summed across them first: the
 *   5-minute buckets that could hold the peak (by the sum of the neighborhoods' highest
 *   instant in the bucket, an upper bound) are read instant by instant until no unread
 *   bucket can beat the best found.
 * - average concurrent clients by hour of day: the store's 'mean' over instant totals in
 *   each clock hour, averaged over the period's days for each local hour 0..23.
 */
import { utcOffsetMs, type LocalDate } from '../core/calendar.ts'
import type { SeriesPoint } from '../core/metrics.ts'
import type { MetricStore } from '../store/types.ts'
import { aggregateChunked } from './store-chunks.ts'

export const HOUR_MS = 3_600_000
const DAY_MS = 86_400_000

export interface ReportDay {
  date: LocalDate
  /** local midnight, epoch ms */
  startMs: number
  /** the next local midnight (23, 24 or 25 h later) */
  endMs: number
}

export interface UsageQuery {
  /** the period's local days, in order; their starts and ends must be whole UTC hours */
  days: readonly ReportDay[]
  /** data is read up to here (the end of the last day, or now for a period still open) */
  asOfMs: number
  aps: readonly { id: string; neighborhood: string }[]
  /** the neighborhoods asked for (peaks and averages are read per neighborhood) */
  neighborhoods: readonly string[]
  timeZone: string
  /** the store's poll-instant bucket (store/index.ts DEFAULT_INSTANT_MS) */
  instantMs: number
}

export interface UsageResult {
  /** per AP: bytes in the period; null when no byte counter of the AP was read */
  bytesByAp: Map<string, number | null>
  /** per AP with any: its byte counter intervals left out because a Counter32 read that far apart may have wrapped more than once (collector counter_wrap_gaps) */
  wrapGapsByAp: Map<string, number>
  bytesByNeighborhood: Map<string, number | null>
  bytesByNeighborhoodDay: Map<string, (number | null)[]>
  bytesTotal: number | null
  bytesTotalDay: (number | null)[]
  /** peak concurrent clients in the period; null without any client sample */
  peakByNeighborhood: Map<string, number | null>
  peakByNeighborhoodDay: Map<string, (number | null)[]>
  /** the peak of the neighborhoods' summed instant totals (exact, not a sum of peaks) */
  peakTotal: number | null
  /** local hours 0..23: mean concurrent clients; null for an hour never observed */
  avgByHourOfDay: Map<string, (number | null)[]>
  avgTotalByHourOfDay: (number | null)[]
  /** 5-minute buckets read instant by instant to find the total's peak (for the benchmark and the method) */
  peakBucketsRead: number
}

/** The day a time falls in (binary search), or -1 outside the days. */
export function dayIndexOf(days: readonly ReportDay[], t: number): number {
  let lo = 0
  let hi = days.length - 1
  while (lo <= hi) {
    const mid = (lo + hi) >> 1
    const d = days[mid]!
    if (t < d.startMs) hi = mid - 1
    else if (t >= d.endMs) lo = mid + 1
    else return mid
  }
  return -1
}

/**
 * The span the usage queries read, in clock hours: [first day's start, asOf). asOf is a whole
 * hour for a closed period (so the 1h rollup can answer); an open period's last, partial hour
 * ends at asOf, so nothing stored after "now" counts.
 */
export function hourSpan(q: { days: readonly ReportDay[]; asOfMs: number }): { fromMs: number; toMs: number } {
  const fromMs = Math.floor(q.days[0]!.startMs / HOUR_MS) * HOUR_MS
  return { fromMs, toMs: Math.max(fromMs + 1000, q.asOfMs) }
}

const addOrNull = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : a + b)
const maxOrNull = (a: number | null, b: number | null): number | null => (a === null ? b : b === null ? a : Math.max(a, b))

export async function usage(q: UsageQuery, deps: { store: MetricStore }): Promise<UsageResult> {
  const { store } = deps
  const { fromMs, toMs } = hourSpan(q)
  const nDays = q.days.length
  const apIds = q.aps.map((a) => a.id)
  const nbs = [...q.neighborhoods]
  const base = { fromMs, toMs, stepMs: HOUR_MS, source: 'auto' as const }

  // Bytes per neighborhood and clock hour (assigned to local days here), and per AP over the
  // whole span (a step longer than the span: at most two buckets per AP).
  const spanStep = Math.ceil((toMs - fromMs) / DAY_MS + 1) * DAY_MS
  const [nbBytes, apBytes, maxes, means, wrapGaps] = await Promise.all([
    nbs.length === 0 || apIds.length === 0
      ? Promise.resolve([] as SeriesPoint[])
      : aggregateChunked(store, { ...base, metric: 'wifi_bytes', groupBy: 'neighborhood', fn: 'sum', where: { neighborhood: nbs, device: apIds, instance: [''] } }, nbs.length),
    apIds.length === 0
      ? Promise.resolve([] as SeriesPoint[])
      : aggregateChunked(store, { ...base, stepMs: spanStep, metric: 'wifi_bytes', groupBy: 'device', fn: 'sum', where: { device: apIds, instance: [''] } }, 2 * apIds.length),
    nbs.length === 0 ? Promise.resolve([] as SeriesPoint[]) : aggregateChunked(store, { ...base, metric: 'wifi_clients', groupBy: 'neighborhood', fn: 'max', where: { neighborhood: nbs } }, nbs.length),
    nbs.length === 0 ? Promise.resolve([] as SeriesPoint[]) : aggregateChunked(store, { ...base, metric: 'wifi_clients', groupBy: 'neighborhood', fn: 'mean', where: { neighborhood: nbs } }, nbs.length),
    // byte counter intervals the collector left out as possibly wrapped more than once
    apIds.length === 0
      ? Promise.resolve([] as SeriesPoint[])
      : aggregateChunked(store, { ...base, stepMs: spanStep, metric: 'counter_wrap_gaps', groupBy: 'device', fn: 'sum', where: { device: apIds } }, 2 * apIds.length),
  ])
  const wrapGapsByAp = new Map<string, number>()
  for (const p of wrapGaps) if (p.value > 0) wrapGapsByAp.set(p.group, (wrapGapsByAp.get(p.group) ?? 0) + p.value)

  const bytesByAp = new Map<string, number | null>(apIds.map((id) => [id, null]))
  for (const p of apBytes) if (bytesByAp.has(p.group)) bytesByAp.set(p.group, addOrNull(bytesByAp.get(p.group)!, p.value))
  // a neighborhood's bytes are its APs' samples, by the neighborhood they carry (the one the
  // AP stood in when polled); a sample counts in the local day its time falls in
  const bytesByNeighborhoodDay = new Map<string, (number | null)[]>(nbs.map((n) => [n, new Array<number | null>(nDays).fill(null)]))
  for (const p of nbBytes) {
    if (p.timeMs >= q.asOfMs) continue
    const d = dayIndexOf(q.days, p.timeMs)
    const row = bytesByNeighborhoodDay.get(p.group)
    if (d < 0 || !row) continue
    row[d] = addOrNull(row[d]!, p.value)
  }
  const bytesByNeighborhood = new Map<string, number | null>()
  for (const [n, row] of bytesByNeighborhoodDay) bytesByNeighborhood.set(n, row.reduce(addOrNull, null))
  const bytesTotalDay = new Array<number | null>(nDays).fill(null)
  for (const row of bytesByNeighborhoodDay.values()) for (let d = 0; d < nDays; d++) bytesTotalDay[d] = addOrNull(bytesTotalDay[d]!, row[d]!)
  const bytesTotal = bytesTotalDay.reduce(addOrNull, null)

  // Hourly peaks and means per neighborhood, within [first day, asOf).
  const hourlyMax = new Map<string, Map<number, number>>(nbs.map((n) => [n, new Map()]))
  const hourlyMean = new Map<string, Map<number, number>>(nbs.map((n) => [n, new Map()]))
  for (const p of maxes) if (p.timeMs < q.asOfMs && p.timeMs >= q.days[0]!.startMs) hourlyMax.get(p.group)?.set(p.timeMs, p.value)
  for (const p of means) if (p.timeMs < q.asOfMs && p.timeMs >= q.days[0]!.startMs) hourlyMean.get(p.group)?.set(p.timeMs, p.value)

  const peakByNeighborhoodDay = new Map<string, (number | null)[]>()
  const peakByNeighborhood = new Map<string, number | null>()
  for (const n of nbs) {
    const row = new Array<number | null>(nDays).fill(null)
    for (const [t, v] of hourlyMax.get(n)!) {
      const d = dayIndexOf(q.days, t)
      if (d < 0) continue
      row[d] = maxOrNull(row[d]!, v)
    }
    peakByNeighborhoodDay.set(n, row)
    peakByNeighborhood.set(n, row.reduce(maxOrNull, null))
  }

  const hourOfDay = (t: number) => new Date(t + utcOffsetMs(t, q.timeZone)).getUTCHours()
  const avgByHourOfDay = new Map<string, (number | null)[]>()
  for (const n of nbs) avgByHourOfDay.set(n, averageByHour([...hourlyMean.get(n)!], hourOfDay))
  const totalMean = new Map<number, number>()
  for (const m of hourlyMean.values()) for (const [t, v] of m) totalMean.set(t, (totalMean.get(t) ?? 0) + v)
  const avgTotalByHourOfDay = averageByHour([...totalMean], hourOfDay)

  const { peak: peakTotal, hoursRead } = nbs.length === 1
    ? { peak: peakByNeighborhood.get(nbs[0]!) ?? null, hoursRead: 0 }
    : await unionPeak(store, nbs, { fromMs: q.days[0]!.startMs, toMs: q.asOfMs }, q.instantMs, q.asOfMs)

  return {
    bytesByAp,
    wrapGapsByAp,
    bytesByNeighborhood,
    bytesByNeighborhoodDay,
    bytesTotal,
    bytesTotalDay,
    peakByNeighborhood,
    peakByNeighborhoodDay,
    peakTotal,
    avgByHourOfDay,
    avgTotalByHourOfDay,
    peakBucketsRead: hoursRead,
  }
}

function averageByHour(points: [number, number][], hourOfDay: (t: number) => number): (number | null)[] {
  const sum = new Array<number>(24).fill(0)
  const n = new Array<number>(24).fill(0)
  for (const [t, v] of points) {
    const h = hourOfDay(t)
    sum[h]! += v
    n[h]!++
  }
  return sum.map((s, h) => (n[h]! > 0 ? s / n[h]! : null))
}

/** Buckets read instant by instant per round of the union-peak search (run at once). */
const PEAK_BATCH = 12
/** The bound's bucket: the 5-minute rollup holds each neighborhood's highest instant total per bucket. */
const BOUND_MS = 300_000

/**
 * The exact peak of the summed instant totals of several neighborhoods. Each neighborhood's
 * highest instant total per 5-minute bucket (the 5m rollup's, or raw) bounds every instant in
 * the bucket from above when summed over the neighborhoods; buckets are read instant by
 * instant (step = the store's instant: one instant per step, and 'max' of one is the instant
 * total) in falling order of that bound, until the next bound is no higher than the best
 * instant found. At one poll per bucket the first bucket read is the peak.
 */
async function unionPeak(store: MetricStore, nbs: string[], span: { fromMs: number; toMs: number }, instantMs: number, asOfMs: number): Promise<{ peak: number | null; hoursRead: number }> {
  const fromMs = Math.floor(span.fromMs / BOUND_MS) * BOUND_MS
  const toMs = Math.ceil(span.toMs / BOUND_MS) * BOUND_MS
  const maxes = await aggregateChunked(store, { metric: 'wifi_clients', groupBy: 'neighborhood', fn: 'max', fromMs, toMs, stepMs: BOUND_MS, where: { neighborhood: nbs }, source: 'auto' }, nbs.length)
  const bound = new Map<number, number>()
  for (const p of maxes) if (p.timeMs < asOfMs && p.timeMs + BOUND_MS > span.fromMs) bound.set(p.timeMs, (bound.get(p.timeMs) ?? 0) + p.value)
  if (bound.size === 0) return { peak: null, hoursRead: 0 }
  const order = [...bound].sort((a, b) => b[1] - a[1] || a[0] - b[0])
  let best = -Infinity
  let read = 0
  // rounds of 1, then 4, then PEAK_BATCH buckets: the first is often the peak already
  for (let i = 0, round = 0; i < order.length; round++) {
    if (order[i]![1] <= best) break
    const size = round === 0 ? 1 : round === 1 ? 4 : PEAK_BATCH
    const batch = order.slice(i, i + size).filter(([, b]) => b > best).map(([t]) => t).sort((a, b) => a - b)
    i += size
    // contiguous buckets read as one range: a query costs more than the points it returns
    const ranges: [number, number][] = []
    for (const t of batch) {
      const last = ranges.at(-1)
      if (last && last[1] === t) last[1] = t + BOUND_MS
      else ranges.push([t, t + BOUND_MS])
    }
    const answers = await Promise.all(ranges.map(([a, z]) => store.aggregate({
      metric: 'wifi_clients',
      groupBy: 'neighborhood',
      fn: 'max',
      fromMs: Math.max(a, span.fromMs),
      toMs: Math.min(z, asOfMs),
      stepMs: instantMs,
      where: { neighborhood: nbs },
      source: 'raw',
    })))
    read += batch.length
    for (const pts of answers) {
      const byInstant = new Map<number, number>()
      for (const p of pts) byInstant.set(p.timeMs, (byInstant.get(p.timeMs) ?? 0) + p.value)
      for (const v of byInstant.values()) if (v > best) best = v
    }
  }
  return { peak: Number.isFinite(best) ? best : null, hoursRead: read }
}
