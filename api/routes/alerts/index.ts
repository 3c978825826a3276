/**
 * Alerts for engineers (admin implied): the conditions the alert rules found (firing and
 * resolved, newest first) and the messages sent for them, per channel, with their delivery
 * state: delivered, waiting for a retry (with the last error), or given up on. alerts/
 * engine.ts keeps both where the API runs. Channel names only: never a URL or a secret.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { openAlertStore } from '../../../alerts/store.ts'
import { ENGINEER } from '../../auth/guard.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 500: ErrorBody }
const Severity = Type.Union([Type.Literal('critical'), Type.Literal('major'), Type.Literal('minor')])
const Condition = Type.Object({
  id: Type.Integer(),
  rule: Type.String(),
  key: Type.String({ description: 'what the condition is about, e.g. incident:12 or optics-low:core-1:Te0/0/3' }),
  severity: Severity,
  title: Type.String(),
  text: Type.String(),
  firingSinceMs: EpochMs,
  resolvedMs: Type.Union([EpochMs, Type.Null()]),
  notifiedMs: Type.Union([EpochMs, Type.Null()], { description: 'when it was last sent as firing; null: never (held by quiet hours, or not held long enough yet)' }),
}, { additionalProperties: false })
const Delivery = Type.Object({
  id: Type.Integer(),
  createdMs: EpochMs,
  channel: Type.String(),
  status: Type.Union([Type.Literal('firing'), Type.Literal('resolved')]),
  repeat: Type.Boolean(),
  key: Type.String(),
  title: Type.String(),
  state: Type.Union([Type.Literal('delivered'), Type.Literal('retrying'), Type.Literal('given-up')]),
  attempts: Type.Integer(),
  deliveredMs: Type.Union([EpochMs, Type.Null()]),
  nextAttemptMs: Type.Union([EpochMs, Type.Null()]),
  lastError: Type.Union([Type.String(), Type.Null()]),
}, { additionalProperties: false })

const alerts: FastifyPluginAsyncTypebox = async (app) => {
  const store = openAlertStore(app.civic.appState.db)
  app.get('', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['alerts'],
      summary: 'Alert conditions (newest first) and the messages sent for them, with their delivery state',
      security: [{ bearer: [] }],
      querystring: Type.Object({
        state: Type.Optional(Type.Union([Type.Literal('firing'), Type.Literal('resolved')])),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ conditions: Type.Array(Condition), deliveries: Type.Array(Delivery) }, { additionalProperties: false }), ...errors },
    },
  }, async (request) => {
    const limit = request.query.limit ?? 100
    const conditions = store.conditions({ ...(request.query.state ? { state: request.query.state } : {}), limit }).map(({ resolvedNotified: _, ...c }) => c)
    const deliveries = store.recent(limit).map((o) => ({
      id: o.id,
      createdMs: o.createdMs,
      channel: o.channel,
      status: o.message.status,
      repeat: o.message.repeat,
      key: o.message.key,
      title: o.message.title,
      state: o.deliveredMs !== null ? ('delivered' as const) : o.failedMs !== null ? ('given-up' as const) : ('retrying' as const),
      attempts: o.attempts,
      deliveredMs: o.deliveredMs,
      nextAttemptMs: o.deliveredMs === null && o.failedMs === null ? o.nextMs : null,
      lastError: o.lastError,
    }))
    return { conditions, deliveries }
  })
}

export default alerts
