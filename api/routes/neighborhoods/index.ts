/**
 * Neighborhoods as GeoJSON with live and period figures. Public: every figure here is an
 * aggregate over a neighborhood's APs, with no address, credential or per-client datum.
 */
import { gzipSync } from 'node:zlib'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { PUBLIC } from '../../auth/guard.ts'
import { CN_ERR_NEIGHBORHOOD_NOT_FOUND } from '../../errors.ts'
import { ClockCache, neighborhoodStats } from '../../live.ts'
import { ErrorBody, IdParams, NeighborhoodCollection, NeighborhoodFeature, PeriodQuery } from '../../schemas.ts'

interface Summary {
  body: NeighborhoodCollection
  /** the body serialized once, and gzipped once, per cache bucket */
  json: Buffer
  gzip: Buffer
}

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 500: ErrorBody }

const neighborhoods: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  // The summary is the map's landing request: reuse it within a clock minute
  // (config.summaryCacheMs), keyed by the period asked, and keep it serialized too: its
  // polygons make it ~150 KB of JSON, whose serialization would otherwise cost more than
  // everything else in a cached answer.
  const cache = new ClockCache<Summary>(civic.config.summaryCacheMs, 100)

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

  function summary(q: { fromMs?: number; toMs?: number }): Promise<Summary> {
    const nowMs = civic.clock.now()
    const { fromMs, toMs } = civic.period(q, nowMs)
    const key = q.fromMs === undefined && q.toMs === undefined ? 'default' : `${fromMs}:${toMs}`
    return cache.get(nowMs, key, async () => {
      const body = await compute(nowMs, fromMs, toMs)
      // Built from known fields only, so plain JSON.stringify matches the schema.
      const json = Buffer.from(JSON.stringify(body), 'utf8')
      return { body, json, gzip: gzipSync(json, { level: 6 }) }
    })
  }

  app.get('', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['neighborhoods'],
      summary: 'Every neighborhood as a GeoJSON feature with clients now, peak, bytes, availability, APs up/down and census figures',
      querystring: PeriodQuery,
      response: { 200: NeighborhoodCollection, ...errors },
    },
  }, async (request, reply) => {
    const s = await summary(request.query)
    // Bytes with a JSON content type are sent as they are (the schema above still documents
    // them, and test/api/neighborhoods.test.ts checks the answer against it). Every browser
    // accepts gzip, which makes the answer ~8x smaller.
    reply.type('application/json; charset=utf-8').header('vary', 'accept-encoding')
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(s.gzip as unknown as NeighborhoodCollection)
    }
    return reply.send(s.json as unknown as NeighborhoodCollection)
  })

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
    const all = (await summary(request.query)).body
    const f = all.features.find((x) => x.id === id)
    if (!f) throw new CN_ERR_NEIGHBORHOOD_NOT_FOUND(id, 'id')
    return f
  })
}

export default neighborhoods
