/**
 * Signing in with a one-time link: the page reads the code from its URL's fragment (never
 * sent to a server, so never in a request log or a proxy's) and exchanges it here for an
 * API token, once. A wrong code counts as a failed authentication of the caller's address.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { PUBLIC } from '../../auth/guard.ts'
import { redeemSigninCode } from '../../auth/signin-codes.ts'
import { createTokenWithId } from '../../auth/tokens.ts'
import { CN_ERR_SIGNIN_CODE_INVALID } from '../../errors.ts'
import { ErrorBody } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 429: ErrorBody, 500: ErrorBody }
const Role = Type.Union([Type.Literal('admin'), Type.Literal('engineer'), Type.Literal('analyst'), Type.Literal('planner')])

const signin: FastifyPluginAsyncTypebox = async (app) => {
  const { db } = app.civic.appState

  app.post('', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['tokens'],
      summary: 'Exchanges a one-time sign-in code (from a sign-in link) for an API token; the code is then used up',
      body: Type.Object({ code: Type.String({ minLength: 1, maxLength: 100, pattern: '^[A-Za-z0-9_-]+$', 'x-message': 'must be a sign-in code (letters, digits, _ and -, at most 100)' }) }, { additionalProperties: false }),
      response: { 200: Type.Object({ token: Type.String(), role: Role, label: Type.String() }, { additionalProperties: false }), ...errors },
    },
  }, async (request, reply) => {
    await app.authFailures.check(request, reply)
    const got = redeemSigninCode(db, request.body.code)
    if (!got) {
      await app.authFailures.fail(request, reply, 'unknown, used or expired sign-in code')
      throw new CN_ERR_SIGNIN_CODE_INVALID()
    }
    const { token, info } = createTokenWithId(db, got.role, `${got.label} (signed in ${new Date().toISOString()})`.slice(0, 100))
    request.log.info({ tokenId: info.id, role: info.role }, 'signed in with a one-time code')
    return { token, role: info.role, label: info.label }
  })
}

export default signin
