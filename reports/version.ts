/**
 * The data version of a report: which stored data it read. A report reads the store only
 * through a recording wrapper; every question and its answer go into a SHA-256 digest
 * (sorted, so questions answered concurrently in another order give the same digest) (numbers rounded to 6 decimals, so a mean summed in another order by the
 * database, or read from a rollup instead of raw samples, gives the same digest). With the
 * inventory version beside it: 'i7.3f9c0a1b2c4d5e6f'. The same stored data gives the same
 * version; any late sample, event or sighting the report reads changes it.
 */
import { createHash } from 'node:crypto'
import type { MetricStore } from '../store/types.ts'

export interface RecordingStore {
  store: MetricStore
  /** the digest of everything read so far (hex, 16 characters) */
  digest(): string
  /** questions asked so far */
  reads(): number
}

/** Numbers rounded, keys in written order: the canonical form hashed. */
function canonical(v: unknown): unknown {
  if (typeof v === 'number') return Number.isInteger(v) ? v : Math.round(v * 1e6) / 1e6
  if (Array.isArray(v)) return v.map(canonical)
  if (v && typeof v === 'object') {
    const o: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) o[k] = canonical((v as Record<string, unknown>)[k])
    return o
  }
  return v
}

export function recordingStore(inner: MetricStore): RecordingStore {
  // One slot per question, filled when its answer comes.
  const slots: { q: string; a?: string }[] = []
  const wrap = <Q, A>(name: string, fn: (q: Q) => Promise<A>) => async (q: Q): Promise<A> => {
    const slot: { q: string; a?: string } = { q: JSON.stringify([name, canonical(q)]) }
    slots.push(slot)
    const a = await fn(q)
    slot.a = JSON.stringify(canonical(a))
    return a
  }
  const store: MetricStore = {
    kind: inner.kind,
    init: () => inner.init(),
    write: () => Promise.reject(new Error('a report reads the store, never writes it')),
    writeEvents: () => Promise.reject(new Error('a report reads the store, never writes it')),
    writeSightings: () => Promise.reject(new Error('a report reads the store, never writes it')),
    rollup: () => Promise.reject(new Error('a report reads the store, never computes rollups')),
    aggregate: wrap('aggregate', (q) => inner.aggregate(q)),
    latest: wrap('latest', (q) => inner.latest(q)),
    events: wrap('events', (q) => inner.events(q)),
    rollupRows: (tier, fromMs, toMs, where) => wrap('rollupRows', (x: [typeof tier, number, number, typeof where]) => inner.rollupRows(...x))([tier, fromMs, toMs, where]),
    countSightings: wrap('countSightings', (q) => inner.countSightings(q)),
    ping: () => inner.ping(),
    close: () => Promise.resolve(),
  }
  return {
    store,
    digest() {
      const h = createHash('sha256')
      const lines = slots.map((s) => `${s.q}\n${s.a ?? 'pending'}\n`).sort()
      for (const l of lines) h.update(l)
      return h.digest('hex').slice(0, 16)
    },
    reads: () => slots.length,
  }
}
