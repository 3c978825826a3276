/**
 * Long aggregates in pieces the store accepts: a quarter of hourly points for 224 APs is
 * ~500,000 points, five times the store's limit per answer (store/query.ts MAX_POINTS).
 * The range is cut into time chunks (and, for very many devices, device batches) so each
 * answer stays under the limit; chunks run one after another, so memory and the store's
 * load stay bounded. The answer is the same as one query would give, sorted the same way.
 * availability/ reads the store through this helper too.
 */
import type { SeriesPoint } from '../core/metrics.ts'
import { MAX_POINTS } from '../store/query.ts'
import type { AggregateQuery, MetricStore } from '../store/types.ts'

/** Points one chunk may hold: under the store's limit, with room. */
export const CHUNK_POINTS = Math.floor(MAX_POINTS * 0.9)
/** Devices one query may name (a where.device list is sent in the query text). */
const DEVICE_BATCH = 2000

/**
 * store.aggregate over q, in chunks of at most CHUNK_POINTS points. `groups` is how many
 * answer series to expect (devices or neighborhoods); with groupBy device and a device
 * filter it is the filter's length. q.fromMs should be aligned to q.stepMs (chunks are).
 */
export async function aggregateChunked(store: MetricStore, q: AggregateQuery, groups: number): Promise<SeriesPoint[]> {
  const devices = q.where?.device
  if (q.groupBy === 'device' && devices && devices.length > DEVICE_BATCH) {
    const out: SeriesPoint[] = []
    for (let i = 0; i < devices.length; i += DEVICE_BATCH) {
      const batch = devices.slice(i, i + DEVICE_BATCH)
      out.push(...(await aggregateChunked(store, { ...q, where: { ...q.where, device: batch } }, batch.length)))
    }
    return sortPoints(out)
  }
  const steps = Math.ceil((q.toMs - q.fromMs) / q.stepMs)
  const perChunk = Math.max(1, Math.floor(CHUNK_POINTS / Math.max(1, groups)))
  if (steps <= perChunk) return store.aggregate(q)
  const out: SeriesPoint[] = []
  for (let from = q.fromMs; from < q.toMs; from += perChunk * q.stepMs) {
    const to = Math.min(q.toMs, from + perChunk * q.stepMs)
    out.push(...(await store.aggregate({ ...q, fromMs: from, toMs: to })))
  }
  return sortPoints(out)
}

/** By group, then time: the order both adapters answer in. */
export function sortPoints(points: SeriesPoint[]): SeriesPoint[] {
  return points.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.timeMs - b.timeMs))
}
