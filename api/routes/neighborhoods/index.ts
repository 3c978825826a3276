/**
 * Neighborhoods as GeoJSON with live and period figures. Public: every figure here is an
 * aggregate over a neighborhood's APs, with no address, credential or per-client datum.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { PUBLIC } from '../../auth/guard.ts'
import { CN_ERR_NEIGHBORHOOD_NOT_FOUND } from '../../errors.ts'
import { ClockCache, neighborhoodStats } from '../../live.ts'
import { ErrorBody, IdParams, NeighborhoodCollection, NeighborhoodFeature, PeriodQuery } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 500: ErrorBody }

const neighborhoods: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  // The summary is the map's landing request: reuse it within a clock minute
  // (config.summaryCacheMs), keyed by the period asked.
  const cache = new ClockCache<NeighborhoodCollection>(civic.config.summaryCacheMs)

  async function compute(nowMs: number, fromMs: number, toMs: number): Promise<NeighborhoodCollection> {
    const idx = civic.index()
    const states = await civic.deviceStates(nowMs)
    const stats = await neighborhoodStats(civic.store, idx, states, nowMs, civic.config.pollIntervalMs, fromMs, toMs)
    const features: NeighborhoodFeature[] = idx.inventory.neighborhoods.map((n) => {
      const s = stats.get(n.id)!
      return {
        type: 'Feature',
        id: n.id,
        geometry: n.geometry,
        properties: {
          id: n.id,
          name: n.name,
          served: n.served,
          census: n.census,
          ...s,
          apsTotal: s.apsUp + s.apsDown + s.apsUnknown,
        },
      }
    })
    return { type: 'FeatureCollection', nowMs, fromMs, toMs, features }
  }

  function summary(q: { fromMs?: number; toMs?: number }): Promise<NeighborhoodCollection> {
    const nowMs = civic.clock.now()
    const { fromMs, toMs } = civic.period(q, nowMs)
    const key = q.fromMs === undefined && q.toMs === undefined ? 'default' : `${fromMs}:${toMs}`
    return cache.get(nowMs, key, () => compute(nowMs, fromMs, toMs))
  }

  app.get('', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['neighborhoods'],
      summary: 'Every neighborhood as a GeoJSON feature with clients now, peak, bytes, availability, APs up/down and census figures',
      querystring: PeriodQuery,
      response: { 200: NeighborhoodCollection, ...errors },
    },
  }, async (request) => summary(request.query))

  app.get('/:id', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['neighborhoods'],
      summary: 'One neighborhood as a GeoJSON feature with its live and period figures',
      params: IdParams,
      querystring: PeriodQuery,
      response: { 200: NeighborhoodFeature, ...errors },
    },
  }, async (request) => {
    const { id } = request.params
    if (!civic.index().neighborhoods.has(id)) throw new CN_ERR_NEIGHBORHOOD_NOT_FOUND(id, 'id')
    const all = await summary(request.query)
    const f = all.features.find((x) => x.id === id)
    if (!f) throw new CN_ERR_NEIGHBORHOOD_NOT_FOUND(id, 'id')
    return f
  })
}

export default neighborhoods
