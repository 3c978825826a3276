/**
 * Residents' problem reports (residents/). Public, with no account: POST one (rate-limited
 * per address, size-limited, a honeypot field, refused outside the served area), ask before
 * sending whether the place already has a known problem, follow one by its tracking number.
 * Engineers (admin implied) list them with their pins, words, contacts and clusters by
 * place and hour. The public answers never carry a pin, the resident's words or a contact.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { openIncidentStore } from '../../../incidents/store.ts'
import { clusters, knownAt, ReportPlaceError, submit, sync, type ResidentDeps } from '../../../residents/index.ts'
import { openResidentReportStore, TRACKING_PATTERN, type ResidentReport } from '../../../residents/store.ts'
import { ENGINEER, PUBLIC } from '../../auth/guard.ts'
import { CN_ERR_BAD_RANGE, CN_ERR_REPORT_NOT_FOUND, CN_ERR_REPORT_PLACE, CN_ERR_REPORT_REFUSED, CN_ERR_TOO_MANY_REPORTS } from '../../errors.ts'
import { createRateWindow, type RateWindow } from '../../rate-window.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 429: ErrorBody, 500: ErrorBody }
const Kind = Type.Union([Type.Literal('no-wifi'), Type.Literal('slow'), Type.Literal('cant-connect')], { description: "no-wifi: no signal or no network here; slow; cant-connect: the network shows but won't connect" })
const Text = (max: number, what: string) => Type.String({ maxLength: max, pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]*$', 'x-message': `must be ${what}: at most ${max} characters, no control characters` })
const Lon = Type.Number({ minimum: -180, maximum: 180 })
const Lat = Type.Number({ minimum: -90, maximum: 90 })
const NeighborhoodId = Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', maxLength: 64, 'x-message': 'must be a neighborhood id' })
export const ReportBody = Type.Object({
  kind: Kind,
  neighborhood: Type.Optional(NeighborhoodId),
  lon: Type.Optional(Lon),
  lat: Type.Optional(Lat),
  near: Type.Optional(Text(120, "the place in the resident's words")),
  contact: Type.Optional(Text(200, 'a way to reach the resident (optional, never public)')),
  /** the honeypot: hidden from people, filled in by bots */
  website: Type.Optional(Type.String({ maxLength: 200 })),
}, { additionalProperties: false })
const Known = Type.Object({
  neighborhood: Type.String(),
  incident: Type.Union([Type.Object({ id: Type.Integer(), sinceMs: EpochMs }, { additionalProperties: false }), Type.Null()]),
  othersLastHour: Type.Integer({ description: 'reports near the place in the last hour (within 250 m of a pin, or in the neighborhood)' }),
}, { additionalProperties: false })
const PublicReport = Type.Object({
  tracking: Type.String(),
  kind: Kind,
  neighborhood: Type.String(),
  createdMs: EpochMs,
  state: Type.Union([Type.Literal('open'), Type.Literal('resolved')]),
  resolvedMs: Type.Union([EpochMs, Type.Null()]),
  incident: Type.Union([Type.Object({ id: Type.Integer(), state: Type.String(), sinceMs: EpochMs, expectedRestoreMs: Type.Union([EpochMs, Type.Null()]) }, { additionalProperties: false }), Type.Null()]),
}, { additionalProperties: false })

/** One limit per app for the JSON and the form route (config.residentReports: 5 per address in 10 minutes). */
const limits = new WeakMap<object, RateWindow>()
export const reportLimitFor = (civic: { config: { residentReports: { max: number; windowMs: number } } }): RateWindow =>
  limits.get(civic) ?? limits.set(civic, createRateWindow(civic.config.residentReports)).get(civic)!

export function residentDeps(civic: { appState: { db: import('better-sqlite3').Database; inventory(): import('../../../core/inventory.ts').Inventory } }): ResidentDeps {
  return { reports: openResidentReportStore(civic.appState.db), incidents: openIncidentStore(civic.appState.db), inventory: () => civic.appState.inventory() }
}

/** The checks both routes make before a report is stored; throws the project's errors. */
export function admit(body: { website?: string | undefined }, ip: string, nowMs: number, limit: RateWindow): void {
  if (body.website !== undefined && body.website !== '') throw new CN_ERR_REPORT_REFUSED()
  const t = limit.take(ip, nowMs)
  if (!t.ok) throw new CN_ERR_TOO_MANY_REPORTS(limit.max, limit.windowMs / 60_000, t.retryAfterS)
}

export function placeError(err: unknown): never {
  if (err instanceof ReportPlaceError) throw new CN_ERR_REPORT_PLACE(err.field, err.message)
  throw err
}

export function publicReport(r: ResidentReport, deps: ResidentDeps) {
  const i = r.incidentId === null ? undefined : deps.incidents.get(r.incidentId)
  return {
    tracking: r.tracking,
    kind: r.kind,
    neighborhood: r.neighborhood,
    createdMs: r.createdMs,
    state: r.state,
    resolvedMs: r.resolvedMs,
    incident: i ? { id: i.id, state: i.state, sinceMs: i.openedMs, expectedRestoreMs: i.state === 'open' ? i.expectedRestoreMs : null } : null,
  }
}

const residentReports: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const deps = residentDeps(civic)

  app.post('', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['resident-reports'],
      summary: 'Report a problem at a place in a served neighborhood (no account; 5 per address in 10 min); answers a tracking number',
      body: ReportBody,
      response: { 201: Type.Object({ tracking: Type.String(), statusUrl: Type.String(), known: Known }, { additionalProperties: false }), ...errors },
    },
  }, async (request, reply) => {
    const now = civic.clock.now()
    admit(request.body, request.ip, now, reportLimitFor(civic))
    const { website: _, ...s } = request.body
    let out
    try {
      out = submit(s, now, deps)
    } catch (err) {
      placeError(err)
    }
    request.log.info({ report: out.report.tracking, neighborhood: out.report.neighborhood, kind: out.report.kind, incident: out.report.incidentId }, 'resident report received')
    return reply.code(201).send({ tracking: out.report.tracking, statusUrl: `/status/report/${out.report.tracking}`, known: out.known })
  })

  app.get('/known', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['resident-reports'],
      summary: 'Before reporting: is a problem at this place already known (an open incident covering it, reports near it in the last hour)?',
      querystring: Type.Object({ neighborhood: Type.Optional(NeighborhoodId), lon: Type.Optional(Lon), lat: Type.Optional(Lat) }, { additionalProperties: false }),
      response: { 200: Known, ...errors },
    },
  }, async (request) => {
    try {
      return knownAt(request.query, civic.clock.now(), deps)
    } catch (err) {
      placeError(err)
    }
  })

  app.get('/track/:tracking', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['resident-reports'],
      summary: 'A report by its tracking number: its state and the incident it is attached to (no place, no words, no contact)',
      params: Type.Object({ tracking: Type.String({ pattern: TRACKING_PATTERN, maxLength: 11, 'x-message': 'must be a tracking number like R-7K3P-9Q2M' }) }, { additionalProperties: false }),
      response: { 200: PublicReport, ...errors },
    },
  }, async (request) => {
    sync(deps)
    const r = deps.reports.byTracking(request.params.tracking)
    if (!r) throw new CN_ERR_REPORT_NOT_FOUND(request.params.tracking)
    return publicReport(r, deps)
  })

  app.get('', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['resident-reports'],
      summary: 'Resident reports (newest first, default the last 7 days) with their pins, words and contacts, and clustered by place and hour',
      security: [{ bearer: [] }],
      querystring: Type.Object({ fromMs: Type.Optional(EpochMs), toMs: Type.Optional(EpochMs), state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('resolved')])) }, { additionalProperties: false }),
      response: {
        200: Type.Object({
          reports: Type.Array(Type.Object({
            tracking: Type.String(), createdMs: EpochMs, kind: Kind, neighborhood: Type.String(),
            lon: Type.Union([Type.Number(), Type.Null()]), lat: Type.Union([Type.Number(), Type.Null()]), near: Type.Union([Type.String(), Type.Null()]),
            contact: Type.Union([Type.String(), Type.Null()]), incidentId: Type.Union([Type.Integer(), Type.Null()]),
            state: Type.Union([Type.Literal('open'), Type.Literal('resolved')]), resolvedMs: Type.Union([EpochMs, Type.Null()]),
          }, { additionalProperties: false })),
          clusters: Type.Array(Type.Object({
            lon: Type.Union([Type.Number(), Type.Null()]), lat: Type.Union([Type.Number(), Type.Null()]), neighborhood: Type.String(), hourMs: EpochMs,
            reports: Type.Integer(), kinds: Type.Record(Type.String(), Type.Integer()), incidents: Type.Array(Type.Integer()),
            unmatched: Type.Integer({ description: 'reports attached to no incident: a problem the SNMP view does not see' }), tracking: Type.Array(Type.String()),
            unmatchedTracking: Type.Array(Type.String(), { description: 'the tracking numbers of those (POST /api/incidents opens one by hand from them)' }),
          }, { additionalProperties: false })),
        }, { additionalProperties: false }),
        ...errors,
      },
    },
  }, async (request) => {
    const now = civic.clock.now()
    const toMs = request.query.toMs ?? now + 1
    const fromMs = request.query.fromMs ?? toMs - 7 * 86_400_000
    if (toMs <= fromMs) throw new CN_ERR_BAD_RANGE(`toMs (${toMs}) must be after fromMs (${fromMs})`)
    if (toMs - fromMs > 400 * 86_400_000) throw new CN_ERR_BAD_RANGE('at most 400 days at once')
    sync(deps)
    const list = deps.reports.list({ fromMs, toMs, ...(request.query.state ? { state: request.query.state } : {}) })
    return {
      reports: list.map((r) => ({ tracking: r.tracking, createdMs: r.createdMs, kind: r.kind, neighborhood: r.neighborhood, lon: r.lon, lat: r.lat, near: r.near, contact: deps.reports.contactOf(r.id), incidentId: r.incidentId, state: r.state, resolvedMs: r.resolvedMs })),
      clusters: clusters(list),
    }
  })
}

export default residentReports
