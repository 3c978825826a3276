/**
 * Shared by both adapters and by the API: validation of queries and samples, time
 * bucketing, and the typed errors the store throws. Adapter-specific code stays in
 * store/duckdb and store/influx.
 */
import type { DeviceEvent, Sample, StationSighting } from '../core/metrics.ts'
import { ROLLUP_TIERS } from './types.ts'
import type { AggregateQuery, EventQuery, LatestQuery, RollupTier, SeriesFilter, SightingQuery } from './types.ts'

/** At most this many points in one aggregate answer (groups x steps). */
export const MAX_POINTS = 100_000
/** Default poll-instant bucket: samples of one group within the same minute are summed. */
export const DEFAULT_INSTANT_MS = 60_000
/** Names the InfluxDB adapter uses for its own measurements; not allowed as metric names. */
export const RESERVED_METRICS: readonly string[] = ['rollup_5m', 'rollup_1h', 'rollup_1d', 'civicnet_events', 'civicnet_rollup_state']

/** A query the store refuses; `field` names the offending field (e.g. 'stepMs'). */
export class StoreQueryError extends Error {
  readonly code = 'CN_ERR_STORE_QUERY'
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`)
    this.name = 'StoreQueryError'
  }
}

/** A write the store refuses or could not land. `retriable` false means the data is bad. */
export class StoreWriteError extends Error {
  readonly code = 'CN_ERR_STORE_WRITE'
  constructor(message: string, readonly retriable: boolean, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreWriteError'
  }
}

/** The store cannot be opened or reached (file locked, server down, bad config). */
export class StoreUnavailableError extends Error {
  readonly code = 'CN_ERR_STORE_UNAVAILABLE'
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'StoreUnavailableError'
  }
}

/** The embedded store's file is held by another process (DuckDB's lock): `pid` when DuckDB says which. */
export class StoreLockedError extends StoreUnavailableError {
  constructor(readonly path: string, readonly pid: number | null, options?: { cause?: unknown }) {
    super(
      `DuckDB file ${path} is in use by another process (pid ${pid ?? 'unknown'}?) — on the embedded store run the collector and API in one process (npm start / civicnet demo); use InfluxDB for separate processes`,
      options,
    )
    this.name = 'StoreLockedError'
  }
}

export function floorTo(timeMs: number, stepMs: number): number {
  return Math.floor(timeMs / stepMs) * stepMs
}
export function ceilTo(timeMs: number, stepMs: number): number {
  return Math.ceil(timeMs / stepMs) * stepMs
}

export function tierMs(tier: RollupTier): number {
  const t = ROLLUP_TIERS.find((x) => x.tier === tier)
  if (!t) throw new StoreQueryError('tier', `unknown rollup tier '${String(tier)}' (expected 5m, 1h or 1d)`)
  return t.ms
}

/**
 * The bucket-aligned span a rollup of [fromMs, toMs) covers, cut into chunks (1 day of 5m,
 * 30 days of 1h, 1 year of 1d buckets), so a long back-fill is many bounded steps: no
 * answer, batch or transaction grows with the range, and other work gets turns between them.
 */
export function rollupSpan(tier: RollupTier, fromMs: number, toMs: number): { fromMs: number; toMs: number; chunks: [number, number][] } {
  const ms = tierMs(tier)
  const from = floorTo(fromMs, ms)
  const to = ceilTo(toMs, ms)
  const chunkMs = ms * (tier === '5m' ? 288 : tier === '1h' ? 720 : 366)
  const chunks: [number, number][] = []
  for (let c = from; c < to; c += chunkMs) chunks.push([c, Math.min(to, c + chunkMs)])
  return { fromMs: from, toMs: to, chunks }
}

function checkTime(field: string, v: unknown): void {
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new StoreQueryError(field, `must be an integer epoch ms, got ${String(v)}`)
}

function checkStrings(field: string, v: unknown): void {
  if (v === undefined) return
  if (!Array.isArray(v) || v.some((s) => typeof s !== 'string')) throw new StoreQueryError(field, 'must be an array of strings')
  if (v.length === 0) throw new StoreQueryError(field, 'must not be an empty array (omit it to match everything)')
}

export function validateFilter(where: SeriesFilter | undefined, prefix = 'where'): void {
  if (where === undefined) return
  checkStrings(`${prefix}.neighborhood`, where.neighborhood)
  checkStrings(`${prefix}.device`, where.device)
  checkStrings(`${prefix}.instance`, where.instance)
}

export function validateRange(fromMs: number, toMs: number): void {
  checkTime('fromMs', fromMs)
  checkTime('toMs', toMs)
  if (!(fromMs < toMs)) throw new StoreQueryError('toMs', `must be after fromMs (got fromMs=${fromMs}, toMs=${toMs})`)
}

/** Throws StoreQueryError naming the field; returns the number of steps. */
export function validateAggregate(q: AggregateQuery, maxPoints = MAX_POINTS): number {
  if (typeof q.metric !== 'string' || q.metric === '') throw new StoreQueryError('metric', 'must be a non-empty string')
  if (q.groupBy !== 'neighborhood' && q.groupBy !== 'device') throw new StoreQueryError('groupBy', `must be 'neighborhood' or 'device', got '${String(q.groupBy)}'`)
  if (!['sum', 'mean', 'max', 'min', 'count'].includes(q.fn)) throw new StoreQueryError('fn', `must be sum, mean, max, min or count, got '${String(q.fn)}'`)
  validateRange(q.fromMs, q.toMs)
  if (typeof q.stepMs !== 'number' || !Number.isSafeInteger(q.stepMs) || q.stepMs <= 0) throw new StoreQueryError('stepMs', `must be an integer > 0, got ${String(q.stepMs)}`)
  validateFilter(q.where)
  const steps = Math.ceil((q.toMs - floorTo(q.fromMs, q.stepMs)) / q.stepMs)
  if (steps > maxPoints) throw new StoreQueryError('stepMs', `${steps} steps exceed the limit of ${maxPoints} points per answer: use a larger stepMs or a shorter range`)
  const src = q.source ?? 'raw'
  if (src !== 'raw' && src !== 'auto') {
    const ms = tierMs(src)
    if (q.stepMs % ms !== 0) throw new StoreQueryError('stepMs', `must be a multiple of the ${src} tier (${ms} ms) to read that rollup`)
    if (q.fromMs % ms !== 0 || q.toMs % ms !== 0) throw new StoreQueryError('fromMs', `fromMs and toMs must be aligned to the ${src} tier (${ms} ms) to read that rollup`)
    const why = tierExactFor(q)
    if (why) throw new StoreQueryError('source', why)
  }
  return steps
}

/** A group-count limit checked once the answer is known (groups x steps). */
export function checkPointCount(points: number, maxPoints = MAX_POINTS): void {
  if (points > maxPoints) throw new StoreQueryError('where', `the answer has ${points} points, over the limit of ${maxPoints}: narrow the filter or use a larger stepMs`)
}

export function validateLatest(q: LatestQuery): void {
  if (typeof q.metric !== 'string' || q.metric === '') throw new StoreQueryError('metric', 'must be a non-empty string')
  if (q.sinceMs !== undefined) checkTime('sinceMs', q.sinceMs)
  validateFilter(q.where)
}

export function validateEventQuery(q: EventQuery): number {
  validateRange(q.fromMs, q.toMs)
  checkStrings('device', q.device)
  checkStrings('neighborhood', q.neighborhood)
  checkStrings('type', q.type)
  const limit = q.limit ?? 1000
  if (!Number.isSafeInteger(limit) || limit <= 0 || limit > MAX_POINTS) throw new StoreQueryError('limit', `must be an integer in 1..${MAX_POINTS}, got ${String(q.limit)}`)
  return limit
}

/** Rejects a sample the store cannot keep faithfully; names the sample and the field. */
export function validateSample(s: Sample, index: number): void {
  // the common case in one cheap test (this runs for every sample written); details below
  if (typeof s.metric === 'string' && s.metric !== '' && typeof s.device === 'string' && s.device !== ''
    && typeof s.neighborhood === 'string' && typeof s.instance === 'string'
    && Number.isFinite(s.value) && Number.isSafeInteger(s.timeMs) && s.timeMs >= 0
    && !(s.metric.length <= 21 && RESERVED_METRICS.includes(s.metric))) return
  const where = `sample ${index}`
  for (const k of ['metric', 'device', 'neighborhood', 'instance'] as const) {
    if (typeof s[k] !== 'string') throw new StoreWriteError(`${where}: ${k} must be a string, got ${typeof s[k]}`, false)
  }
  if (s.metric === '') throw new StoreWriteError(`${where}: metric must not be empty`, false)
  // device '' marks the per-neighborhood instant-total rows of a rollup.
  if (s.device === '') throw new StoreWriteError(`${where} (${s.metric}): device must not be empty`, false)
  if (RESERVED_METRICS.includes(s.metric)) throw new StoreWriteError(`${where}: metric name '${s.metric}' is reserved by the store`, false)
  if (typeof s.value !== 'number' || !Number.isFinite(s.value)) throw new StoreWriteError(`${where} (${s.metric} of ${s.device}): value must be a finite number, got ${String(s.value)}`, false)
  throw new StoreWriteError(`${where} (${s.metric} of ${s.device}): timeMs must be a non-negative integer epoch ms, got ${String(s.timeMs)}`, false)
}

export function validateEvent(e: DeviceEvent, index: number): void {
  const where = `event ${index}`
  for (const k of ['device', 'neighborhood', 'type', 'detail'] as const) {
    if (typeof e[k] !== 'string') throw new StoreWriteError(`${where}: ${k} must be a string`, false)
  }
  if (!['info', 'warning', 'critical'].includes(e.severity)) throw new StoreWriteError(`${where}: severity must be info, warning or critical, got '${String(e.severity)}'`, false)
  if (!Number.isSafeInteger(e.timeMs) || e.timeMs < 0) throw new StoreWriteError(`${where}: timeMs must be a non-negative integer epoch ms`, false)
}

/**
 * Whether a rollup tier can answer this query exactly. mean/max/min need per-instant totals:
 * the tier keeps them per neighborhood (device '' rows), so they are exact for groupBy
 * neighborhood without device/instance filters, and for groupBy device when one series per
 * device is read (checked by the adapter on the rows).
 */
export function tierAnswers(q: AggregateQuery, tier: RollupTier): boolean {
  const ms = tierMs(tier)
  if (q.stepMs % ms !== 0 || q.fromMs % ms !== 0 || q.toMs % ms !== 0) return false
  return tierExactFor(q) === undefined
}

/** undefined when a tier holds what q.fn needs, else why not (for the error message). */
export function tierExactFor(q: AggregateQuery): string | undefined {
  if (q.fn === 'sum' || q.fn === 'count') return undefined
  if (q.groupBy === 'neighborhood') {
    return q.where?.device || q.where?.instance
      ? `${q.fn} per neighborhood from a rollup needs the whole neighborhood (no device or instance filter): use source 'raw'`
      : undefined
  }
  return q.where?.instance?.length === 1
    ? undefined
    : `${q.fn} per device from a rollup needs exactly one instance in where.instance (a device's instant totals are not kept): use source 'raw'`
}

/**
 * 'auto' source: the coarsest tier that answers the query exactly and whose rollups cover
 * [fromMs, toMs); otherwise raw. `covered` says how far each tier has been computed.
 */
export function pickSource(q: AggregateQuery, covered: (tier: RollupTier) => { fromMs: number; toMs: number } | undefined): 'raw' | RollupTier {
  for (const t of [...ROLLUP_TIERS].reverse()) {
    if (!tierAnswers(q, t.tier)) continue
    const c = covered(t.tier)
    if (c && c.fromMs <= q.fromMs && c.toMs >= q.toMs) return t.tier
  }
  return 'raw'
}

/** Sorts an answer by group then time so both adapters answer in the same order. */
export function sortPoints<T extends { group: string; timeMs: number }>(points: T[]): T[] {
  return points.sort((a, b) => (a.group < b.group ? -1 : a.group > b.group ? 1 : a.timeMs - b.timeMs))
}

/** How far a tier has been computed after one more rollup run over [fromMs, toMs). */
export function mergeCoverage(prev: { fromMs: number; toMs: number } | undefined, fromMs: number, toMs: number): { fromMs: number; toMs: number } {
  if (prev && prev.toMs >= fromMs && prev.fromMs <= toMs) return { fromMs: Math.min(prev.fromMs, fromMs), toMs: Math.max(prev.toMs, toMs) }
  // a disjoint run: keep the longer contiguous stretch ('auto' needs one covering interval)
  if (prev && prev.toMs - prev.fromMs > toMs - fromMs) return prev
  return { fromMs, toMs }
}

const PERIOD = { day: /^\d{4}-\d{2}-\d{2}$/, month: /^\d{4}-\d{2}$/, quarter: /^\d{4}Q[1-4]$/ } as const

/** Checks one sighting, naming the field that is wrong (never echoing a digest). */
export function validateSighting(s: StationSighting, index: number): void {
  const where = `sighting ${index}`
  if (!(s.scope in PERIOD)) throw new StoreWriteError(`${where}: scope must be day, month or quarter, got '${String(s.scope)}'`, false)
  if (typeof s.period !== 'string' || !PERIOD[s.scope].test(s.period)) throw new StoreWriteError(`${where}: period '${String(s.period)}' is not a ${s.scope}`, false)
  if (typeof s.device !== 'string' || s.device === '') throw new StoreWriteError(`${where}: device must be a non-empty string`, false)
  if (typeof s.neighborhood !== 'string') throw new StoreWriteError(`${where}: neighborhood must be a string`, false)
  if (typeof s.digest !== 'string' || !/^[0-9a-f]{64}$/.test(s.digest)) throw new StoreWriteError(`${where}: digest must be 64 lower-case hex characters`, false)
  if (typeof s.randomized !== 'boolean') throw new StoreWriteError(`${where}: randomized must be a boolean`, false)
}

/** Checks a sighting query; returns nothing, throws naming the field. */
export function validateSightingQuery(q: SightingQuery): void {
  if (!(q.scope in PERIOD)) throw new StoreQueryError('scope', `must be day, month or quarter, got '${String(q.scope)}'`)
  for (const p of q.periods) if (!PERIOD[q.scope].test(p)) throw new StoreQueryError('periods', `'${p}' is not a ${q.scope}`)
  if (!['device', 'neighborhood', 'all'].includes(q.groupBy)) throw new StoreQueryError('groupBy', `must be device, neighborhood or all, got '${String(q.groupBy)}'`)
  if (q.periods.length > 1000) throw new StoreQueryError('periods', `at most 1000 in one query, got ${q.periods.length}`)
}
