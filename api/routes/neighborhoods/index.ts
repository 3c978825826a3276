/**
 * Neighborhoods as GeoJSON with live and period figures. Public: every figure here is an
 * aggregate over a neighborhood's APs, with no address, credential or per-client datum.
 */
import { createHash } from 'node:crypto'
import { gzipSync } from 'node:zlib'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { PUBLIC } from '../../auth/guard.ts'
import { CN_ERR_NEIGHBORHOOD_NOT_FOUND } from '../../errors.ts'
import { ClockCache, neighborhoodStats } from '../../live.ts'
import { EpochMs, ErrorBody, IdParams, NeighborhoodCollection, NeighborhoodFeature } from '../../schemas.ts'

const SummaryQuery = Type.Object(
  {
    fromMs: Type.Optional(EpochMs),
    toMs: Type.Optional(EpochMs),
    geometry: Type.Optional(Type.Boolean({ description: 'false: geometry null in every feature (~7 KB instead of ~150 KB; for polling the live figures)' })),
  },
  { additionalProperties: false },
)

/** One answer, serialized and gzipped once per cache bucket, with its entity tag. */
interface Encoded {
  json: Buffer
  gzip: Buffer
  etag: string
}
interface Summary {
  body: NeighborhoodCollection
  full: Encoded
  bare: Encoded
}

function encode(doc: unknown): Encoded {
  // Built from known fields only, so plain JSON.stringify matches the schema.
  const json = Buffer.from(JSON.stringify(doc), 'utf8')
  return { json, gzip: gzipSync(json, { level: 6 }), etag: `"${createHash('sha256').update(json).digest('base64url').slice(0, 27)}"` }
}

const errors = { 400: ErrorBody, 401: ErrorBody, 404: ErrorBody, 500: ErrorBody }

const neighborhoods: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  // The summary is the map's landing request: reuse it within a clock minute
  // (config.summaryCacheMs), keyed by the period asked, and keep it serialized: its
  // polygons make it ~150 KB of JSON, so sending it costs far more than computing it.
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
      const bare = { ...body, features: body.features.map((f) => ({ ...f, geometry: null })) }
      return { body, full: encode(body), bare: encode(bare) }
    })
  }

  app.get('', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['neighborhoods'],
      summary: 'Every neighborhood as a GeoJSON feature with clients now, peak, bytes, availability, APs up/down and census figures',
      description: 'Answers carry an ETag: a client sending If-None-Match gets 304 while the figures are unchanged. Gzipped when the client accepts gzip.',
      querystring: SummaryQuery,
      response: { 200: NeighborhoodCollection, 304: Type.Null(), ...errors },
    },
  }, async (request, reply) => {
    const s = await summary(request.query)
    const e = request.query.geometry === false ? s.bare : s.full
    reply.header('vary', 'accept-encoding').header('etag', e.etag).header('cache-control', 'no-cache')
    if (request.headers['if-none-match'] === e.etag) return reply.code(304).send(null)
    // Bytes with a JSON content type are sent as they are (the schema above still documents
    // them, and test/api/neighborhoods.test.ts checks the answer against it). Every browser
    // accepts gzip, which makes the answer ~4x smaller.
    reply.type('application/json; charset=utf-8')
    if (/\bgzip\b/.test(String(request.headers['accept-encoding'] ?? ''))) {
      return reply.header('content-encoding', 'gzip').send(e.gzip as unknown as NeighborhoodCollection)
    }
    return reply.send(e.json as unknown as NeighborhoodCollection)
  })

  app.get('/:id', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['neighborhoods'],
      summary: 'One neighborhood as a GeoJSON feature with its live and period figures',
      params: IdParams,
      querystring: Type.Object({ fromMs: Type.Optional(EpochMs), toMs: Type.Optional(EpochMs) }, { additionalProperties: false }),
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
