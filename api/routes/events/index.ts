/**
 * Events (traps, devices going down and up), newest first. Engineers: events name devices.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { ENGINEER } from '../../auth/guard.ts'
import { Type } from '@sinclair/typebox'
import { CN_ERR_DEVICE_NOT_FOUND, CN_ERR_NEIGHBORHOOD_NOT_FOUND } from '../../errors.ts'
import { ErrorBody, EventList, EventsQuery } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody }

const events: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  // The schema's bound is the configured one, so a limit too large always reads the same:
  // "querystring.limit must be <= N".
  const query = Type.Object({ ...EventsQuery.properties, limit: Type.Optional(Type.Integer({ minimum: 1, maximum: civic.config.maxEvents })) }, { additionalProperties: false })

  app.get('', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['events'],
      summary: 'Events in [fromMs, toMs) (default: the last 24 h), newest first, filtered by device, neighborhood, type',
      security: [{ bearer: [] }],
      querystring: query,
      response: { 200: EventList, ...errors },
    },
  }, async (request) => {
    const q = request.query
    const idx = civic.index()
    for (const d of q.device ?? []) if (!idx.devices.has(d)) throw new CN_ERR_DEVICE_NOT_FOUND(d, 'device')
    for (const n of q.neighborhood ?? []) if (!idx.neighborhoods.has(n)) throw new CN_ERR_NEIGHBORHOOD_NOT_FOUND(n, 'neighborhood')
    const limit = q.limit ?? civic.config.maxEvents
    const { fromMs, toMs } = civic.period(q, civic.clock.now())
    const list = await civic.store.events({
      fromMs,
      toMs,
      limit,
      ...(q.device ? { device: q.device } : {}),
      ...(q.neighborhood ? { neighborhood: q.neighborhood } : {}),
      ...(q.type ? { type: q.type } : {}),
    })
    return { fromMs, toMs, events: list }
  })
}

export default events
