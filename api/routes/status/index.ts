/**
 * The public status (status/): `GET /api/status` as JSON, and for residents, with no sign-in,
 * `GET /status` (server-rendered HTML in English or Spanish: ?lang=, else Accept-Language),
 * `/status/feed.atom` (the incidents as an Atom feed) and `/status/badge/<neighborhood>.svg`
 * (an SVG badge other sites may embed). Neighborhoods and counts only: never a device, an
 * address or a count under 10.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { openIncidentStore } from '../../../incidents/store.ts'
import { createStatusService } from '../../../status/index.ts'
import { chooseLang } from '../../../status/i18n.ts'
import { renderAtom, renderBadge, renderStatusHtml, STATUS_CSS } from '../../../status/render.ts'
import { PUBLIC } from '../../auth/guard.ts'
import { CN_ERR_NEIGHBORHOOD_NOT_FOUND } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const Count = Type.Object({ value: Type.Union([Type.Integer(), Type.Null()]), fewerThan10: Type.Boolean({ description: 'true for 1 to 9 (value null): small counts are not shown' }) }, { additionalProperties: false })
const Uptime = Type.Object({ pct: Type.Union([Type.Number(), Type.Null()]), dataFromMs: Type.Union([EpochMs, Type.Null()], { description: 'where data starts when later than the window' }) }, { additionalProperties: false })
const PublicIncident = Type.Object({
  id: Type.Integer(),
  neighborhoods: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false })),
  cause: Type.Union([Type.Literal('fiber'), Type.Literal('equipment'), Type.Literal('access-point')]),
  startedMs: EpochMs,
  endedMs: Type.Union([EpochMs, Type.Null()]),
  expectedRestoreMs: Type.Union([EpochMs, Type.Null()]),
  apsOut: Count,
  apsTotal: Count,
  restoreMinutes: Type.Union([Type.Integer(), Type.Null()]),
}, { additionalProperties: false })
const StatusBody = Type.Object({
  generatedMs: EpochMs,
  city: Type.String(),
  timezone: Type.String(),
  neighborhoods: Type.Array(Type.Object({
    id: Type.String(),
    name: Type.String(),
    state: Type.Union([Type.Literal('working'), Type.Literal('partial'), Type.Literal('outage')], { description: 'outage: half or more of its APs out; partial: some' }),
    apsOut: Count,
    aps: Count,
    uptime30d: Uptime,
    uptime90d: Uptime,
  }, { additionalProperties: false })),
  open: Type.Array(PublicIncident),
  resolved: Type.Array(PublicIncident, { description: 'the last 90 days, newest first' }),
}, { additionalProperties: false })
const LangQuery = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('es')])) }, { additionalProperties: false })

const status: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const service = createStatusService({ store: civic.store, incidents: openIncidentStore(civic.appState.db), inventory: () => civic.appState.inventory() })
  const now = () => civic.clock.now()
  const page = '/status'

  app.get('/api/status', {
    config: { roles: PUBLIC },
    schema: { tags: ['status'], summary: 'The public status: per served neighborhood, open and resolved incidents, uptime (no device, no count under 10)', response: { 200: StatusBody, 500: ErrorBody } },
  }, async (_request, reply) => {
    reply.header('cache-control', 'public, max-age=30')
    return service.status(now())
  })

  const html = { tags: ['status'], querystring: LangQuery, hide: true } as const
  app.get(page, { schema: html }, async (request, reply) => {
    const lang = chooseLang(request.query.lang, request.headers['accept-language'])
    const s = await service.status(now())
    return reply
      .header('content-type', 'text/html; charset=utf-8')
      .header('content-language', lang)
      .header('vary', 'Accept-Language')
      .header('cache-control', 'public, max-age=30')
      .send(renderStatusHtml(s, lang, { page, feed: `${page}/feed.atom`, badge: (id) => `${page}/badge/${id}.svg` }))
  })
  app.get(`${page}/status.css`, { schema: { hide: true } }, async (_request, reply) =>
    reply.header('content-type', 'text/css; charset=utf-8').header('cache-control', 'public, max-age=3600').send(STATUS_CSS))
  app.get(`${page}/feed.atom`, { schema: html }, async (request, reply) => {
    const lang = chooseLang(request.query.lang, request.headers['accept-language'])
    const s = await service.status(now())
    return reply
      .header('content-type', 'application/atom+xml; charset=utf-8')
      .header('vary', 'Accept-Language')
      .header('cache-control', 'public, max-age=60')
      .send(renderAtom(s, lang, `${request.protocol}://${request.host}`, page))
  })
  app.get(`${page}/badge/:file`, {
    schema: {
      hide: true,
      querystring: LangQuery,
      params: Type.Object({ file: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}\\.svg$', maxLength: 68, 'x-message': 'must be <neighborhood id>.svg' }) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const id = request.params.file.slice(0, -'.svg'.length)
    const s = await service.status(now())
    const n = s.neighborhoods.find((x) => x.id === id)
    if (!n) throw new CN_ERR_NEIGHBORHOOD_NOT_FOUND(id, 'file')
    return reply
      .header('content-type', 'image/svg+xml; charset=utf-8')
      .header('vary', 'Accept-Language')
      .header('cache-control', 'public, max-age=60')
      // embeddable on other sites: an image from here may be shown anywhere
      .header('cross-origin-resource-policy', 'cross-origin')
      .send(renderBadge(n, chooseLang(request.query.lang, request.headers['accept-language'])))
  })
}

export default status
