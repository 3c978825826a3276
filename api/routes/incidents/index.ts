/**
 * Incidents for engineers (admin implied): what is down grouped by root cause, with its
 * history (incidents/ store.ts, kept up to date by incidents/engine.ts where the API runs).
 * GET lists and reads them; POST acknowledges one or adds a note. Names devices: engineers
 * only, never the public.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { CLIENT_HOURS_METHOD } from '../../../incidents/client-hours.ts'
import { slaClock } from '../../../incidents/sla.ts'
import { IncidentNotFoundError, openIncidentStore, type Incident } from '../../../incidents/store.ts'
import { ENGINEER } from '../../auth/guard.ts'
import { CN_ERR_BAD_RANGE, CN_ERR_INCIDENT_CLOSED, CN_ERR_INCIDENT_NOT_FOUND } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 500: ErrorBody }

const IncidentBody = Type.Object(
  {
    id: Type.Integer(),
    state: Type.Union([Type.Literal('open'), Type.Literal('closed')]),
    openedMs: EpochMs,
    closedMs: Type.Union([EpochMs, Type.Null()]),
    rootCause: Type.Object({
      kind: Type.Union([Type.Literal('device'), Type.Literal('link')]),
      id: Type.String({ description: 'device id or fiber link id' }),
      probable: Type.Boolean({ description: 'true when the element above could not be judged: the most likely cause, not a seen one' }),
      why: Type.String(),
    }, { additionalProperties: false }),
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

const incidents: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const store = openIncidentStore(civic.appState.db)
  const actor = (request: { token?: { role: string; label: string } | null; scope: string }) => (request.token ? `${request.token.role} '${request.token.label}'` : request.scope)
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
      return shown(store.acknowledge(Number(request.params.id), actor(request), civic.clock.now()))
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
    return shown(store.note(Number(request.params.id), actor(request), request.body.text, civic.clock.now()))
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
    return shown(store.setExpectedRestore(i.id, actor(request), restoreByMs, now))
  })
}

export default incidents
