/**
 * Incidents for engineers (admin implied): what is down grouped by root cause, with its
 * history (incidents/ store.ts, kept up to date by incidents/engine.ts where the API runs).
 * GET lists and reads them; POST acknowledges one, adds a note, sets when service is
 * expected back, opens one by hand from residents' reports (residents/) and closes one so
 * opened. Names devices: engineers only, never the public.
 */
import { auditAct, recordedBy } from '../../auth/actor.ts'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { CLIENT_HOURS_METHOD } from '../../../incidents/client-hours.ts'
import { slaClock } from '../../../incidents/sla.ts'
import { IncidentNotFoundError, IncidentStateError, openIncidentStore, type Incident } from '../../../incidents/store.ts'
import { IncidentInputError, openIncidentFromReports } from '../../../residents/index.ts'
import { openResidentReportStore, TRACKING_PATTERN } from '../../../residents/store.ts'
import { ENGINEER } from '../../auth/guard.ts'
import { CN_ERR_BAD_RANGE, CN_ERR_INCIDENT_CLOSED, CN_ERR_INCIDENT_INPUT, CN_ERR_INCIDENT_NOT_FOUND, CN_ERR_INCIDENT_STATE, CN_ERR_REPORT_ATTACHED } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 500: ErrorBody }

const IncidentBody = Type.Object(
  {
    id: Type.Integer(),
    state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    openedMs: EpochMs,
    closedMs: Type.Union([EpochMs, Type.Null()]),
    rootCause: Type.Object({
      kind: Type.Union([Type.Literal('device'), Type.Literal('link'), Type.Literal('reported')], { description: "reported: opened by hand from residents' reports (id: the neighborhood, why: the engineer's summary)" }),
      id: Type.String({ description: 'device id, fiber link id, or for reported the neighborhood id' }),
      probable: Type.Boolean({ description: 'true when the element above could not be judged: the most likely cause, not a seen one' }),
      why: Type.String(),
    }, { additionalProperties: false }),
    openedBy: Type.Union([Type.String(), Type.Null()], { description: 'who opened it by hand; null: the engine, from polls and traps (it closes by itself)' }),
    place: Type.Union([Type.Object({ lon: Type.Number(), lat: Type.Number() }, { additionalProperties: false }), Type.Null()], { description: "for one opened by hand from reports with pins, their mean; later reports within 250 m attach to it" }),
    affected: Type.Object({
      devices: Type.Array(Type.String(), { description: 'every device the incident covered' }),
      aps: Type.Array(Type.String()),
      neighborhoods: Type.Array(Type.String()),
    }, { additionalProperties: false }),
    down: Type.Array(Type.String(), { description: 'the devices still down (empty once closed)' }),
    acknowledged: Type.Union([Type.Object({ by: Type.String(), atMs: EpochMs }, { additionalProperties: false }), Type.Null()]),
    expectedRestoreMs: Type.Union([EpochMs, Type.Null()], { description: 'when an engineer expects service back (shown on the public status page); null: not said' }),
    clientHoursLost: Type.Union([Type.Object({
      value: Type.Number({ description: 'client-hours lost, to one decimal' }),
      unknownApHours: Type.Integer({ description: 'AP-hours with no usual figure (no sample in any of the 4 weeks before), left out' }),
      atMs: EpochMs,
      method: Type.String(),
    }, { additionalProperties: false }), Type.Null()], { description: 'null until the engine first computed it' }),
    sla: Type.Object({
      severity: Type.Union([Type.Literal('critical'), Type.Literal('major'), Type.Literal('minor')], { description: 'critical: a fiber link, 10 APs or more, or several neighborhoods; major: 2-9 APs or a switch, controller or router; minor: one AP' }),
      targetMs: Type.Integer({ description: 'target time to restore for the severity' }),
      dueMs: EpochMs,
      elapsedMs: Type.Integer({ description: 'time the clock ran: to the close, or to now' }),
      remainingMs: Type.Union([Type.Integer(), Type.Null()], { description: 'left before the target while open (negative once past); null once closed' }),
      breached: Type.Boolean({ description: 'ran longer than the target' }),
    }, { additionalProperties: false }),
    history: Type.Array(Type.Object({
      timeMs: EpochMs,
      kind: Type.String({ description: 'opened, joined, recovered, root-cause, merged, closed, ack, note or eta' }),
      actor: Type.Union([Type.String(), Type.Null()]),
      text: Type.String(),
    }, { additionalProperties: false })),
  },
  { additionalProperties: false },
)
const IdParams = Type.Object({ id: Type.String({ pattern: '^[0-9]{1,15}$', maxLength: 15, 'x-message': 'must be an incident id (digits)' }) }, { additionalProperties: false })
const NoteText = Type.String({
  minLength: 1,
  maxLength: 2000,
  pattern: '^[^\\u0000-\\u0009\\u000b-\\u001f\\u007f-\\u009f]+$',
  'x-message': 'must be 1 to 2000 characters with no control characters but newlines',
})

const Summary = Type.String({
  minLength: 3,
  maxLength: 300,
  pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]+$',
  'x-message': 'must be 3 to 300 characters, on one line',
})
const HandOpened = Type.Object({
  summary: Summary,
  reports: Type.Optional(Type.Array(Type.String({ pattern: TRACKING_PATTERN, maxLength: 11, 'x-message': 'must be a tracking number like R-7K3P-9Q2M' }), { maxItems: 200, description: 'tracking numbers of open reports part of no incident; they are attached to it and close with it' })),
  neighborhood: Type.Optional(Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,63}$', maxLength: 64, 'x-message': 'must be a neighborhood id' })),
  aps: Type.Optional(Type.Array(Type.String({ minLength: 1, maxLength: 128 }), { maxItems: 500, description: 'the APs it takes out, when known (they may still answer polls)' })),
}, { additionalProperties: false })

const incidents: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const store = openIncidentStore(civic.appState.db)
  const reports = openResidentReportStore(civic.appState.db)
  const must = (id: string): Incident => {
    const i = store.get(Number(id))
    if (!i) throw new CN_ERR_INCIDENT_NOT_FOUND(id, 'id')
    return i
  }
  /** the incident as answered: with its SLA clock at the API's now */
  const shown = (i: Incident) => ({
    ...i,
    clientHoursLost: i.clientHoursLost && { ...i.clientHoursLost, value: Math.round(i.clientHoursLost.value * 10) / 10, method: CLIENT_HOURS_METHOD },
    sla: slaClock(i, civic.clock.now(), civic.config.incidentSla),
  })

  app.get('', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['incidents'],
      summary: 'Incidents, newest first: open ones, closed ones, or those open at some time in [fromMs, toMs)',
      security: [{ bearer: [] }],
      querystring: Type.Object({
        state: Type.Optional(Type.Union([Type.Literal('open'), Type.Literal('closed')])),
        fromMs: Type.Optional(EpochMs),
        toMs: Type.Optional(EpochMs),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ incidents: Type.Array(IncidentBody) }, { additionalProperties: false }), ...errors },
    },
  }, async (request) => {
    const q = request.query
    if (q.fromMs !== undefined && q.toMs !== undefined && q.toMs <= q.fromMs) throw new CN_ERR_BAD_RANGE(`toMs (${q.toMs}) must be after fromMs (${q.fromMs})`)
    return { incidents: store.list({ ...(q.state ? { state: q.state } : {}), ...(q.fromMs !== undefined ? { fromMs: q.fromMs } : {}), ...(q.toMs !== undefined ? { toMs: q.toMs } : {}) }).map(shown) }
  })

  app.get('/:id', {
    config: { roles: ENGINEER },
    schema: { tags: ['incidents'], summary: 'One incident with its whole history', security: [{ bearer: [] }], params: IdParams, response: { 200: IncidentBody, ...errors } },
  }, async (request) => shown(must(request.params.id)))

  app.post('/:id/ack', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['incidents'], summary: 'Acknowledge an incident (the first acknowledgement is kept; each is in the history)', security: [{ bearer: [] }], params: IdParams,
      response: { 200: IncidentBody, ...errors },
    },
  }, async (request) => {
    must(request.params.id)
    try {
      const acked = shown(store.acknowledge(Number(request.params.id), recordedBy(request), civic.clock.now()))
      auditAct(request, 'incident.ack', `incident:${acked.id}`)
      return acked
    } catch (err) {
      if (err instanceof IncidentNotFoundError) throw new CN_ERR_INCIDENT_NOT_FOUND(request.params.id, 'id')
      throw err
    }
  })

  app.post('/:id/notes', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['incidents'], summary: 'Add a note to an incident\'s history', security: [{ bearer: [] }], params: IdParams,
      body: Type.Object({ text: NoteText }, { additionalProperties: false }),
      response: { 200: IncidentBody, ...errors },
    },
  }, async (request) => {
    must(request.params.id)
    return shown(store.note(Number(request.params.id), recordedBy(request), request.body.text, civic.clock.now()))
  })

  app.post('/:id/eta', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['incidents'],
      summary: 'Set when service is expected back (the public status page shows it), or clear it with null',
      security: [{ bearer: [] }],
      params: IdParams,
      // null first: the body's type coercion would read null as 0 for an integer
      body: Type.Object({ restoreByMs: Type.Union([Type.Null(), EpochMs]) }, { additionalProperties: false }),
      response: { 200: IncidentBody, ...errors },
    },
  }, async (request) => {
    const i = must(request.params.id)
    if (i.state === 'closed') throw new CN_ERR_INCIDENT_CLOSED(i.id)
    const { restoreByMs } = request.body
    const now = civic.clock.now()
    if (restoreByMs !== null && restoreByMs <= now) throw new CN_ERR_BAD_RANGE(`restoreByMs (${restoreByMs}) must be in the future (now is ${now})`)
    if (restoreByMs !== null && restoreByMs > now + 90 * 86_400_000) throw new CN_ERR_BAD_RANGE(`restoreByMs (${restoreByMs}) is more than 90 days ahead`)
    return shown(store.setExpectedRestore(i.id, recordedBy(request), restoreByMs, now))
  })

  app.post('', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['incidents'],
      summary: "Open an incident by hand: a problem the polls cannot see, from residents' reports that match no incident (they are attached and close with it) or in a neighborhood",
      security: [{ bearer: [] }],
      body: HandOpened,
      response: { 201: IncidentBody, ...errors },
    },
  }, async (request, reply) => {
    const b = request.body
    if ((b.reports ?? []).length === 0 && b.neighborhood === undefined) throw new CN_ERR_INCIDENT_INPUT('reports', 'say where: the reports it comes from, or a neighborhood')
    let opened: Incident
    try {
      opened = openIncidentFromReports({ reports: b.reports ?? [], summary: b.summary, ...(b.neighborhood !== undefined ? { neighborhood: b.neighborhood } : {}), ...(b.aps ? { aps: b.aps } : {}) }, recordedBy(request), civic.clock.now(), { reports, incidents: store, inventory: () => civic.appState.inventory() })
    } catch (err) {
      if (err instanceof IncidentInputError) {
        if (err.attachedTo) throw new CN_ERR_REPORT_ATTACHED(err.attachedTo.tracking, err.attachedTo.incident)
        throw new CN_ERR_INCIDENT_INPUT(err.field, err.message)
      }
      throw err
    }
    auditAct(request, 'incident.open', `incident:${opened.id}`, 'opened by hand')
    request.log.info({ incident: opened.id, neighborhoods: opened.affected.neighborhoods, reports: (b.reports ?? []).length, aps: opened.affected.aps.length }, 'incident opened by hand')
    return reply.code(201).send(shown(opened))
  })

  app.post('/:id/close', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['incidents'],
      summary: 'Close an incident opened by hand, saying what was done (one the engine opened closes by itself when its devices answer)',
      security: [{ bearer: [] }],
      params: IdParams,
      body: Type.Object({ text: NoteText }, { additionalProperties: false }),
      response: { 200: IncidentBody, ...errors },
    },
  }, async (request) => {
    must(request.params.id)
    try {
      return shown(store.closeByHand(Number(request.params.id), recordedBy(request), request.body.text, civic.clock.now()))
    } catch (err) {
      if (err instanceof IncidentStateError) throw new CN_ERR_INCIDENT_STATE(err.message)
      throw err
    }
  })
}

export default incidents
