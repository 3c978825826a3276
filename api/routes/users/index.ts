/**
 * Staff accounts, for admins: list, add (the answer holds a one-time password, once),
 * disable, enable, change a role, reset a second factor or a password. Each act is in the
 * audit log with the admin who did it (accounts/ writes it); the account's sessions end on
 * every change that could take something from them.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { AccountError, PasswordPolicyError, type User } from '../../../accounts/index.ts'
import { actorOf } from '../../auth/actor.ts'
import { ADMIN } from '../../auth/guard.ts'
import { CN_ERR_USER_CONFLICT, CN_ERR_USER_INPUT, CN_ERR_USER_NOT_FOUND } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 409: ErrorBody, 500: ErrorBody }
const Role = Type.Union([Type.Literal('admin'), Type.Literal('engineer'), Type.Literal('analyst'), Type.Literal('planner')])
const UserBody = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  email: Type.Union([Type.String(), Type.Null()]),
  role: Role,
  mfaEnrolled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
  disabled: Type.Boolean(),
  createdMs: EpochMs,
  updatedMs: EpochMs,
}, { additionalProperties: false })
const shown = (u: User) => ({ username: u.username, displayName: u.displayName, email: u.email, role: u.role, mfaEnrolled: u.mfaEnrolled, mustChangePassword: u.mustChangePassword, disabled: u.disabled, createdMs: u.createdMs, updatedMs: u.updatedMs })
const Username = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{1,63}$', 'x-message': 'must be 2 to 64 letters, digits, dots, dashes or underscores' })
const Params = Type.Object({ username: Username }, { additionalProperties: false })

/** The account error as the API's: a field, a missing user, or a conflict. */
function refusal(err: unknown, username: string): unknown {
  if (err instanceof PasswordPolicyError) return new CN_ERR_USER_INPUT('password', err.message)
  if (!(err instanceof AccountError)) return err
  switch (err.code) {
    case 'no-such-user': return new CN_ERR_USER_NOT_FOUND(username, 'username')
    case 'invalid-username': return new CN_ERR_USER_INPUT('username', err.message)
    case 'invalid-display-name': return new CN_ERR_USER_INPUT('displayName', err.message)
    case 'invalid-email': return new CN_ERR_USER_INPUT('email', err.message)
    case 'invalid-role': return new CN_ERR_USER_INPUT('role', err.message)
    default: return new CN_ERR_USER_CONFLICT(err.message)
  }
}

const users: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const now = () => Date.now()
  const acting = async <T>(username: string, f: () => T | Promise<T>): Promise<T> => {
    try {
      return await f()
    } catch (err) {
      throw refusal(err, username)
    }
  }
  const one = (username: string) => {
    const u = civic.accounts().user(username)
    if (!u) throw new CN_ERR_USER_NOT_FOUND(username, 'username')
    return shown(u)
  }

  app.get('', {
    config: { roles: ADMIN },
    schema: { tags: ['users'], summary: 'Every account (never a password hash or a secret)', security: [{ bearer: [] }], response: { 200: Type.Object({ users: Type.Array(UserBody) }, { additionalProperties: false }), ...errors } },
  }, async () => ({ users: civic.accounts().listUsers().map(shown) }))

  app.post('', {
    config: { roles: ADMIN },
    schema: {
      tags: ['users'],
      summary: 'Creates an account; the answer holds its one-time password, once, to be changed at first sign-in',
      security: [{ bearer: [] }],
      body: Type.Object({
        username: Username,
        displayName: Type.String({ minLength: 1, maxLength: 100, 'x-message': 'must be 1 to 100 characters' }),
        email: Type.Optional(Type.Union([Type.String({ maxLength: 254 }), Type.Null()])),
        role: Role,
      }, { additionalProperties: false }),
      response: { 201: Type.Object({ user: UserBody, oneTimePassword: Type.String({ description: 'shown this once; must be changed at first sign-in' }) }, { additionalProperties: false }), ...errors },
    },
  }, async (request, reply) => {
    const b = request.body
    const r = await acting(b.username, () => civic.accounts().addUser(actorOf(request), { username: b.username, displayName: b.displayName, email: b.email ?? null, role: b.role }, now()))
    void reply.header('cache-control', 'no-store')
    return reply.code(201).send({ user: shown(r.user), oneTimePassword: r.oneTimePassword! })
  })

  app.get('/:username', {
    config: { roles: ADMIN },
    schema: { tags: ['users'], summary: 'One account', security: [{ bearer: [] }], params: Params, response: { 200: UserBody, ...errors } },
  }, async (request) => one(request.params.username))

  const act = (path: string, summary: string, f: (username: string, request: Parameters<typeof actorOf>[0]) => void | Promise<void>) =>
    app.post(`/:username/${path}`, {
      config: { roles: ADMIN },
      schema: { tags: ['users'], summary, security: [{ bearer: [] }], params: Params, response: { 200: UserBody, ...errors } },
    }, async (request) => {
      await acting(request.params.username, () => f(request.params.username, request))
      return one(request.params.username)
    })

  act('disable', 'Disables an account: its sessions end at once and it cannot sign in (not the last enabled admin)', (u, r) => civic.accounts().disableUser(actorOf(r), u, now()))
  act('enable', 'Enables a disabled account', (u, r) => civic.accounts().enableUser(actorOf(r), u, now()))
  act('reset-mfa', 'Removes the second factor and recovery codes (a lost phone); the next sign-in sets up a new one, its sessions end', (u, r) => civic.accounts().resetMfa(actorOf(r), u, now()))

  app.post('/:username/role', {
    config: { roles: ADMIN },
    schema: { tags: ['users'], summary: 'Changes the role; the sessions of the account end, the new role applies from its next sign-in', security: [{ bearer: [] }], params: Params, body: Type.Object({ role: Role }, { additionalProperties: false }), response: { 200: UserBody, ...errors } },
  }, async (request) => {
    await acting(request.params.username, () => civic.accounts().changeRole(actorOf(request), request.params.username, request.body.role, now()))
    return one(request.params.username)
  })

  app.post('/:username/reset-password', {
    config: { roles: ADMIN },
    schema: {
      tags: ['users'], summary: 'Gives the account a new one-time password (in the answer, once); its sessions end', security: [{ bearer: [] }], params: Params,
      response: { 200: Type.Object({ user: UserBody, oneTimePassword: Type.String() }, { additionalProperties: false }), ...errors },
    },
  }, async (request, reply) => {
    const password = await acting(request.params.username, () => civic.accounts().resetPassword(actorOf(request), request.params.username, now()))
    void reply.header('cache-control', 'no-store')
    return { user: one(request.params.username), oneTimePassword: password }
  })
}

export default users
