/**
 * The audit log, for admins: who signed in (or failed to), changed an account, made or
 * revoked a token, acknowledged an incident, ran a report or imported the inventory, when,
 * from where. Newest first; as JSON, or as CSV or JSON lines to keep elsewhere (the same
 * files `civicnet audit --format` writes, accounts/audit-export.ts). Entries older than the
 * retention period (CIVICNET_AUDIT_RETENTION, 365 days by default) are pruned.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { auditCsv, auditJsonLines } from '../../../accounts/audit-export.ts'
import { ADMIN } from '../../auth/guard.ts'
import { CN_ERR_BAD_RANGE } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 500: ErrorBody }
const Entry = Type.Object({
  timeMs: EpochMs,
  actor: Type.Union([Type.String(), Type.Null()], { description: "'user:<name>', 'token:<label> (#id, role)', 'cli:<os user>', 'idp:<how>', or null for an unauthenticated caller" }),
  address: Type.Union([Type.String(), Type.Null()]),
  action: Type.String(),
  target: Type.Union([Type.String(), Type.Null()]),
  outcome: Type.Union([Type.Literal('ok'), Type.Literal('refused')]),
  detail: Type.Union([Type.String(), Type.Null()]),
}, { additionalProperties: false })

const audit: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  app.get('', {
    config: { roles: ADMIN },
    schema: {
      tags: ['audit'],
      summary: 'Audit entries in [fromMs, toMs), newest first, optionally of one actor or action; format csv or jsonl for an export',
      security: [{ bearer: [] }],
      querystring: Type.Object({
        fromMs: Type.Optional(EpochMs),
        toMs: Type.Optional(EpochMs),
        actor: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })),
        action: Type.Optional(Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9.-]+$', 'x-message': 'must be an action like sign-in, user.add or token.create' })),
        limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 100_000 })),
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('jsonl')])),
      }, { additionalProperties: false }),
      response: { 200: Type.Object({ entries: Type.Array(Entry) }, { additionalProperties: false }), ...errors },
    },
  }, async (request, reply) => {
    const q = request.query
    if (q.fromMs !== undefined && q.toMs !== undefined && q.toMs <= q.fromMs) throw new CN_ERR_BAD_RANGE(`toMs (${q.toMs}) must be after fromMs (${q.fromMs})`)
    const entries = civic.accounts().auditLog({
      ...(q.fromMs !== undefined ? { fromMs: q.fromMs } : {}),
      ...(q.toMs !== undefined ? { toMs: q.toMs } : {}),
      ...(q.actor !== undefined ? { actor: q.actor } : {}),
      ...(q.action !== undefined ? { action: q.action } : {}),
      limit: q.limit ?? 1000,
    })
    void reply.header('cache-control', 'no-store')
    const format = q.format ?? 'json'
    if (format === 'json') return { entries }
    const stamp = new Date(Date.now()).toISOString().slice(0, 10)
    reply.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/x-ndjson; charset=utf-8').header('content-disposition', `attachment; filename="civicnet-audit-${stamp}.${format}"`)
    return reply.send((format === 'csv' ? auditCsv(entries) : auditJsonLines(entries)) as never)
  })
}

export default audit
