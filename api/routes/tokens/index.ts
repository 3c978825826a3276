/**
 * API tokens, for admins. The plaintext of a new token is in the creation answer only.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { auditAct } from '../../auth/actor.ts'
import { ADMIN } from '../../auth/guard.ts'
import { ROLES, createTokenWithId, listTokens, revokeToken } from '../../auth/tokens.ts'
import { CN_ERR_TOKEN_NOT_FOUND } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody }
const Role = Type.Union([Type.Literal('admin'), Type.Literal('engineer'), Type.Literal('analyst'), Type.Literal('planner')], { description: ROLES.join(' | ') })
const TokenInfo = Type.Object(
  { id: Type.Integer(), role: Role, label: Type.String(), createdMs: EpochMs, lastUsedMs: Type.Union([EpochMs, Type.Null()]) },
  { additionalProperties: false },
)
/** What a person reads in a list: printable text, no control characters (NUL, newline, escape ...). */
const TokenLabel = Type.String({
  minLength: 1,
  maxLength: 100,
  pattern: '^[^\\u0000-\\u001f\\u007f-\\u009f]+$',
  'x-message': 'must be 1 to 100 characters with no control characters (NUL, tab, newline, escape ...)',
})
const NewToken = Type.Object({ ...TokenInfo.properties, token: Type.String({ description: 'the plaintext, shown this once' }) }, { additionalProperties: false })

const tokens: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.civic.appState

  app.get('', {
    config: { roles: ADMIN },
    schema: { tags: ['tokens'], summary: 'Every API token (never its plaintext or hash)', security: [{ bearer: [] }], response: { 200: Type.Object({ tokens: Type.Array(TokenInfo) }, { additionalProperties: false }), ...errors } },
  }, async () => ({ tokens: listTokens(db) }))

  app.post('', {
    config: { roles: ADMIN },
    schema: {
      tags: ['tokens'],
      summary: 'Creates a token for a role; the answer holds its plaintext, once',
      security: [{ bearer: [] }],
      body: Type.Object({ role: Role, label: TokenLabel }, { additionalProperties: false }),
      response: { 201: NewToken, ...errors },
    },
  }, async (request, reply) => {
    const { token, info } = createTokenWithId(db, request.body.role, request.body.label)
    request.log.info({ tokenId: info.id, role: info.role }, 'api token created')
    auditAct(request, 'token.create', `token:${info.label} (#${info.id})`, `role ${info.role}`)
    return reply.code(201).send({ ...info, token })
  })

  app.delete('/:id', {
    config: { roles: ADMIN },
    schema: {
      tags: ['tokens'],
      summary: 'Revokes a token',
      security: [{ bearer: [] }],
      params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER }) }, { additionalProperties: false }),
      response: { 204: Type.Null(), ...errors },
    },
  }, async (request, reply) => {
    if (!revokeToken(db, request.params.id)) throw new CN_ERR_TOKEN_NOT_FOUND(String(request.params.id), 'id')
    request.log.info({ tokenId: request.params.id }, 'api token revoked')
    auditAct(request, 'token.revoke', `token:#${request.params.id}`)
    return reply.code(204).send(null)
  })
}

export default tokens
