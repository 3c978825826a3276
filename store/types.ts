/**
 * The metric store, shaped by what users ask, not by a query language. Two adapters
 * implement it (store/influx/, store/duckdb/) and one contract suite
 * (test/store/contract.ts) runs unchanged against both.
 *
 * Time ranges are half-open [fromMs, toMs). Steps start at multiples of stepMs since the
 * epoch (UTC). A step with no data is absent from the answer (never a fabricated 0).
 */
import type { AggregateFn, DeviceEvent, Sample, SeriesPoint, StationSighting } from '../core/metrics.ts'

export type RollupTier = '5m' | '1h' | '1d'
export const ROLLUP_TIERS: readonly { tier: RollupTier; ms: number; from: 'raw' | RollupTier }[] = [
  { tier: '5m', ms: 5 * 60_000, from: 'raw' },
  { tier: '1h', ms: 60 * 60_000, from: '5m' },
  { tier: '1d', ms: 24 * 60 * 60_000, from: '1h' },
]

export interface SeriesFilter {
  neighborhood?: string[]
  device?: string[]
  /** absent: every instance, including '' */
  instance?: string[]
}

export interface AggregateQuery {
  metric: string
  /** one answer series per neighborhood or per device */
  groupBy: 'neighborhood' | 'device'
  fromMs: number
  toMs: number
  stepMs: number
  /**
   * 'sum' and 'count' run over every sample in the step (bytes used, polls).
   * 'mean' | 'max' | 'min' run over the group's total at each poll instant: the values of
   * all the group's series at one instant (the instant is timeMs floored to instantMs)
   * are summed first. So neighborhood clients 'mean' is average concurrent clients and
   * 'max' is peak concurrent clients, never a sum of per-AP peaks.
   */
  fn: AggregateFn
  where?: SeriesFilter
  /**
   * 'raw' reads samples; a tier reads that rollup (stepMs must be a multiple of the tier
   * and fromMs/toMs aligned to it); 'auto' picks the coarsest complete tier that fits.
   */
  source?: 'raw' | RollupTier | 'auto'
}

export interface LatestQuery {
  metric: string
  where?: SeriesFilter
  /** only samples at or after this time count (default: any age) */
  sinceMs?: number
}
export interface LatestValue {
  device: string
  neighborhood: string
  instance: string
  value: number
  timeMs: number
}

export interface EventQuery {
  fromMs: number
  toMs: number
  device?: string[]
  neighborhood?: string[]
  type?: string[]
  /** newest first, at most this many (default 1000) */
  limit?: number
}

/**
 * One row of a rollup: the statistics of one bucket. Rows with device '' are the
 * per-neighborhood instant totals (count = instants, sum/min/max over the instant sums),
 * so peaks and averages of a neighborhood come out of a rollup exactly as out of raw.
 */
export interface RollupRow {
  metric: string
  device: string
  neighborhood: string
  instance: string
  timeMs: number
  count: number
  sum: number
  min: number
  max: number
}

/**
 * Exact unique counts of station digests: count(distinct digest) per (period, group), over
 * the sightings whose scope and period match and that pass the filter. groupBy 'all' merges
 * every device and neighborhood that passes the filter into one set per period (group ''),
 * so a client seen in two neighborhoods counts once. Never approximate.
 */
export interface SightingQuery {
  scope: StationSighting['scope']
  /** the periods asked for ('2026-12-01' ... for scope day) */
  periods: readonly string[]
  groupBy: 'device' | 'neighborhood' | 'all'
  where?: { neighborhood?: readonly string[]; device?: readonly string[] }
}
export interface SightingCount {
  period: string
  /** device or neighborhood id; '' for groupBy 'all' */
  group: string
  /** distinct digests */
  unique: number
  /** of which randomized (locally administered) MACs */
  randomized: number
}

/** What store.backup copied. */
export interface StoreBackupInfo {
  /** the engine's version, e.g. DuckDB 'v1.5.6' */
  engineVersion: string
  /** rows of the samples table in the copy */
  samples: number
  /** the newest sample's time in the copy (epoch ms); null when it holds none */
  newestSampleMs: number | null
}

export interface MetricStore {
  /** name for logs and benchmarks: 'duckdb' | 'influxdb' */
  readonly kind: string
  /** Creates what the store needs (tables, database) if missing. Idempotent. */
  init(): Promise<void>
  /**
   * Stores samples. A sample is keyed by (metric, device, instance, timeMs): writing one
   * whose key is stored already replaces the stored value and neighborhood (last write
   * wins; within one call the later sample of a key wins), as InfluxDB does with a point of
   * the same series and time. So a batch replayed after a crash (collector/writer.ts) is
   * never counted twice. neighborhood is not part of the key: a device sits in one
   * neighborhood, so the key without it is unique in practice (on InfluxDB, where it is a
   * tag, a device moved to another neighborhood starts a new series).
   * Throws StoreWriteError: retriable false when the data is malformed and would fail the
   * same way again, true when a later try may succeed.
   */
  write(samples: readonly Sample[]): Promise<void>
  aggregate(q: AggregateQuery): Promise<SeriesPoint[]>
  latest(q: LatestQuery): Promise<LatestValue[]>
  writeEvents(events: readonly DeviceEvent[]): Promise<void>
  events(q: EventQuery): Promise<DeviceEvent[]>
  /**
   * Computes the tier's rows for buckets in [fromMs, toMs) from the tier below and stores
   * them, replacing earlier rows for the same buckets (so a re-run after late data is safe).
   * Returns the number of rows written.
   */
  rollup(tier: RollupTier, fromMs: number, toMs: number): Promise<number>
  /** Reads stored rollup rows (for tests and exports). */
  rollupRows(tier: RollupTier, fromMs: number, toMs: number, where?: SeriesFilter & { metric?: string }): Promise<RollupRow[]>
  /** Stores sightings with set semantics: one already stored (same scope, period, device, digest) is kept once. */
  writeSightings(rows: readonly StationSighting[]): Promise<void>
  /** Exact distinct counts of sightings (see SightingQuery); a (period, group) with none is absent. */
  countSightings(q: SightingQuery): Promise<SightingCount[]>
  /**
   * Embedded stores only: writes a consistent copy of the whole store to `file` (which must
   * not exist) while writes go on, and says what it holds. Absent on InfluxDB, whose
   * backups are the database's own job (backup/, docs/OPERATIONS.md).
   */
  backup?(file: string): Promise<StoreBackupInfo>
  /** true when the store answers (InfluxDB /ping, DuckDB always) */
  ping(): Promise<boolean>
  close(): Promise<void>
}
