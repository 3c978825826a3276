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
import { renderAtom, renderBadge, renderReportForm, renderReportStatus, renderStatusHtml, STATUS_CSS } from '../../../status/render.ts'
import { knownAt, ReportPlaceError, submit, sync } from '../../../residents/index.ts'
import { admit, publicReport, reportLimitFor, residentDeps } from '../resident-reports/index.ts'
import { PUBLIC } from '../../auth/guard.ts'
import { CN_ERR_NEIGHBORHOOD_NOT_FOUND } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const Count = Type.Object({ value: Type.Union([Type.Integer(), Type.Null()]), fewerThan10: Type.Boolean({ description: 'true for 1 to 9 (value null): small counts are not shown' }) }, { additionalProperties: false })
const Uptime = Type.Object({ pct: Type.Union([Type.Number(), Type.Null()]), dataFromMs: Type.Union([EpochMs, Type.Null()], { description: 'where data starts when later than the window' }) }, { additionalProperties: false })
const PublicIncident = Type.Object({
  id: Type.Integer(),
  neighborhoods: Type.Array(Type.Object({ id: Type.String(), name: Type.String() }, { additionalProperties: false })),
  cause: Type.Union([Type.Literal('fiber'), Type.Literal('equipment'), Type.Literal('access-point'), Type.Literal('reported')], { description: 'reported: a problem residents reported that an engineer confirmed by hand' }),
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
  // Residents report a problem with a form that needs no script: choose the neighborhood
  // (and see what is known there), then say what is wrong; the answer is a tracking page.
  const residents = residentDeps(civic)
  const served = () => civic.appState.inventory().neighborhoods.filter((n) => n.served).map((n) => ({ id: n.id, name: n.name }))
  const html200 = (reply: import('fastify').FastifyReply, lang: string, body: string, code = 200) =>
    reply.code(code).header('content-type', 'text/html; charset=utf-8').header('content-language', lang).header('vary', 'Accept-Language').header('cache-control', 'no-store').send(body)
  // a form's body, only on these routes (the rest of the API takes JSON only)
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 4096 }, (_req, body, done) => {
    const out: Record<string, string> = {}
    for (const [k, v] of new URLSearchParams(body as string)) if (!(k in out)) out[k] = v
    done(null, out)
  })
  // tiles=0: the form's map pin draws no map tiles (offline; read by its script)
  const ReportQuery = Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('es')])), neighborhood: Type.Optional(Type.String({ maxLength: 64 })), tiles: Type.Optional(Type.Literal('0')) }, { additionalProperties: false })
  app.get(`${page}/report`, { schema: { hide: true, querystring: ReportQuery } }, async (request, reply) => {
    const lang = chooseLang(request.query.lang, request.headers['accept-language'])
    const chosen = request.query.neighborhood || null
    let known = null
    let error = null
    if (chosen) {
      try {
        known = knownAt({ neighborhood: chosen }, now(), residents)
      } catch (err) {
        if (!(err instanceof ReportPlaceError)) throw err
        error = err.message
      }
    }
    const form = renderReportForm({ neighborhoods: served(), chosen: known ? chosen : null, known, error, values: {}, timezone: civic.appState.inventory().city.timezone }, lang, page)
    return html200(reply, lang, form, error ? 400 : 200)
  })
  app.post(`${page}/report`, {
    schema: {
      hide: true,
      querystring: LangQuery,
      body: Type.Object({
        neighborhood: Type.String({ maxLength: 64 }),
        kind: Type.String({ maxLength: 20 }),
        near: Type.Optional(Type.String()),
        contact: Type.Optional(Type.String()),
        // the map pin, when the page's script placed one (empty otherwise)
        lon: Type.Optional(Type.String({ maxLength: 32 })),
        lat: Type.Optional(Type.String({ maxLength: 32 })),
        website: Type.Optional(Type.String({ maxLength: 200 })),
      }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const lang = chooseLang(request.query.lang, request.headers['accept-language'])
    const b = request.body
    const values = { kind: b.kind, near: b.near ?? '', contact: b.contact ?? '' }
    const again = (message: string, code: number) => {
      let known = null
      try {
        known = knownAt({ neighborhood: b.neighborhood }, now(), residents)
      } catch {
        // the place itself is what is wrong: the form starts again from it
      }
      return html200(reply, lang, renderReportForm({ neighborhoods: served(), chosen: known ? b.neighborhood : null, known, error: message, values, timezone: civic.appState.inventory().city.timezone }, lang, page), code)
    }
    // eslint-disable-next-line no-control-regex -- refusing control characters is the point
    const bad = (b.near ?? '').length > 120 ? 'near: at most 120 characters' : (b.contact ?? '').length > 200 ? 'contact: at most 200 characters' : /[\u0000-\u001f\u007f-\u009f]/.test((b.near ?? '') + (b.contact ?? '')) ? 'no control characters, please' : !['no-wifi', 'slow', 'cant-connect'].includes(b.kind) ? 'choose what is wrong' : null
    // a pin: both or neither, decimal degrees
    const deg = (v: string | undefined, max: number) => (v === undefined || v === '' ? undefined : /^-?\d{1,3}(\.\d{1,10})?$/.test(v) && Math.abs(Number(v)) <= max ? Number(v) : NaN)
    const lon = deg(b.lon, 180)
    const lat = deg(b.lat, 90)
    const pinBad = Number.isNaN(lon) || Number.isNaN(lat) || (lon === undefined) !== (lat === undefined) ? 'the map pin is not a place: place it again, or leave it out' : null
    if (bad ?? pinBad) return again((bad ?? pinBad)!, 400)
    try {
      admit(b, request.ip, now(), reportLimitFor(civic))
    } catch (err) {
      const e = err as Error & { statusCode?: number }
      if (e.statusCode === 400 || e.statusCode === 429) return again(e.message, e.statusCode)
      throw err
    }
    let out
    try {
      out = submit({ kind: b.kind as 'no-wifi', neighborhood: b.neighborhood, ...(lon !== undefined && lat !== undefined ? { lon, lat } : {}), ...(b.near ? { near: b.near } : {}), ...(b.contact ? { contact: b.contact } : {}) }, now(), residents)
    } catch (err) {
      if (err instanceof ReportPlaceError) return again(err.message, 400)
      throw err
    }
    request.log.info({ report: out.report.tracking, neighborhood: out.report.neighborhood, kind: out.report.kind, incident: out.report.incidentId }, 'resident report received (form)')
    return reply.code(303).header('location', `${page}/report/${out.report.tracking}?lang=${lang}&sent=1`).send()
  })
  app.get(`${page}/report/:tracking`, {
    schema: {
      hide: true,
      params: Type.Object({ tracking: Type.String({ maxLength: 11 }) }, { additionalProperties: false }),
      querystring: Type.Object({ lang: Type.Optional(Type.Union([Type.Literal('en'), Type.Literal('es')])), sent: Type.Optional(Type.Literal('1')) }, { additionalProperties: false }),
    },
  }, async (request, reply) => {
    const lang = chooseLang(request.query.lang, request.headers['accept-language'])
    sync(residents)
    const r = residents.reports.byTracking(request.params.tracking.toUpperCase())
    const names = new Map(civic.appState.inventory().neighborhoods.map((n) => [n.id, n.name]))
    const view = r ? { ...publicReport(r, residents), neighborhood: names.get(r.neighborhood) ?? r.neighborhood } : null
    return html200(reply, lang, renderReportStatus(view, lang, page, civic.appState.inventory().city.timezone, request.query.sent === '1'), r ? 200 : 404)
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
