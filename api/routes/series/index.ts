/**
 * Time series of any metric for one neighborhood or one device, with range and step.
 * Neighborhood series are aggregates and public; device series are for engineers.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { METRICS, type AggregateFn, type MetricName } from '../../../core/metrics.ts'
import type { SeriesFilter } from '../../../store/types.ts'
import { ENGINEER, PUBLIC, STAFF, requireScope } from '../../auth/guard.ts'
import { CN_ERR_BAD_SERIES_TARGET, CN_ERR_DEVICE_NOT_FOUND, CN_ERR_NEIGHBORHOOD_NOT_FOUND, CN_ERR_TOO_MANY_POINTS } from '../../errors.ts'
import { ClockCache } from '../../live.ts'
import { ErrorBody, Series, SeriesQuery } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody }

/**
 * Every device reports device_up: a neighborhood's device_up series reads its APs only (the
 * APs-up count). wifi_* metrics come from APs alone, so they need no device filter, which
 * lets a rollup tier answer them.
 */
const AP_ONLY = new Set<string>(['device_up'])
/**
 * What the public may ask: the neighborhood aggregates the public pages show (clients, data
 * used, APs up), for the whole neighborhood. Per-port traffic, optics, interface states and
 * the collector's own metrics describe devices, and a neighborhood's series of them (or any
 * series narrowed to an instance) is staff data.
 */
export const PUBLIC_SERIES_METRICS: readonly string[] = ['wifi_clients', 'wifi_bytes', 'device_up']
/** Steps offered when the request names none: the finest that keeps a chart under 1000 points. */
const NICE_STEPS_MS = [60_000, 300_000, 900_000, 3_600_000, 21_600_000, 86_400_000, 604_800_000]
const CHART_POINTS = 1000

/** Steps start at multiples of stepMs since the epoch, so [from, to) touches this many. */
export function stepsIn(fromMs: number, toMs: number, stepMs: number): number {
  return Math.floor((toMs - 1) / stepMs) - Math.floor(fromMs / stepMs) + 1
}

const series: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const cache = new ClockCache<Series>(civic.config.summaryCacheMs)

  app.get('', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['series'],
      summary:
        `A time series of one metric for one neighborhood or one device; gauges default to fn=mean, deltas to fn=sum. Public: neighborhood series of ${PUBLIC_SERIES_METRICS.join(', ')} without instance; staff: any neighborhood series; engineer: device series`,
      querystring: SeriesQuery,
      response: { 200: Series, ...errors },
    },
  }, async (request) => {
    const q = request.query
    if ((q.neighborhood === undefined) === (q.device === undefined)) {
      throw new CN_ERR_BAD_SERIES_TARGET("give exactly one of the query fields 'neighborhood' or 'device'")
    }
    const idx = civic.index()
    const where: SeriesFilter = {}
    let target: Series['target']
    if (q.device !== undefined) {
      requireScope(request, ENGINEER, 'GET /api/series?device=')
      if (!idx.devices.has(q.device)) throw new CN_ERR_DEVICE_NOT_FOUND(q.device, 'device')
      where.device = [q.device]
      target = { type: 'device', id: q.device }
    } else {
      if (!PUBLIC_SERIES_METRICS.includes(q.metric) || q.instance !== undefined) {
        requireScope(request, STAFF, q.instance !== undefined ? 'GET /api/series?instance=' : `GET /api/series?metric=${q.metric}`)
      }
      const id = q.neighborhood!
      if (!idx.neighborhoods.has(id)) throw new CN_ERR_NEIGHBORHOOD_NOT_FOUND(id, 'neighborhood')
      where.neighborhood = [id]
      if (AP_ONLY.has(q.metric)) where.device = idx.apsByNeighborhood.get(id) ?? []
      target = { type: 'neighborhood', id }
    }
    if (q.instance !== undefined) where.instance = [q.instance]

    const nowMs = civic.clock.now()
    const { fromMs, toMs } = civic.period(q, nowMs)
    let stepMs = q.stepMs
    if (stepMs === undefined) {
      stepMs = NICE_STEPS_MS.find((s) => stepsIn(fromMs, toMs, s) <= CHART_POINTS) ?? NICE_STEPS_MS[NICE_STEPS_MS.length - 1]!
    }
    const points = stepsIn(fromMs, toMs, stepMs)
    const max = civic.config.maxSeriesPoints
    if (points > max) throw new CN_ERR_TOO_MANY_POINTS(points, max, Math.ceil((toMs - fromMs) / (max - 1)))

    const def = METRICS[q.metric as MetricName]
    const fn: AggregateFn = q.fn ?? (def.kind === 'delta' ? 'sum' : 'mean')
    // Identical series requests (every viewer of a public chart) share one store query per
    // clock minute; a request without a range means "the last day" whenever it comes.
    const range = q.fromMs === undefined && q.toMs === undefined ? 'default' : `${fromMs}:${toMs}`
    const key = [target.type, target.id, q.metric, q.instance ?? '\u0000', fn, range, stepMs].join('|')
    return cache.get(nowMs, key, () => compute(q.metric, def, fn, target, where, q.instance, fromMs, toMs, stepMs))
  })

  async function compute(
    metric: string,
    def: (typeof METRICS)[MetricName],
    fn: AggregateFn,
    target: Series['target'],
    where: SeriesFilter,
    instance: string | undefined,
    fromMs: number,
    toMs: number,
    stepMs: number,
  ): Promise<Series> {
    // A neighborhood without APs has no AP series: an empty device filter must not be
    // read by a store as "no filter".
    const answer = where.device && where.device.length === 0
      ? []
      : await civic.store.aggregate({ metric, groupBy: target.type, fromMs, toMs, stepMs, fn, where, source: 'auto' })
    const out = answer.filter((p) => p.group === target.id).map((p) => ({ timeMs: p.timeMs, value: p.value }))
    out.sort((a, b) => a.timeMs - b.timeMs)
    return { metric: def.name, unit: def.unit, kind: def.kind, fn, target, instance: instance ?? null, fromMs, toMs, stepMs, points: out }
  }
}

export default series
