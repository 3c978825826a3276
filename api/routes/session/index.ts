/**
 * Signing in to the web app, as a person: the door between HTTP and accounts/. Each step
 * answers what comes next ('done', 'mfa', 'enrol', 'change-password') and sets the session
 * cookie (api/auth/session-cookie.ts) to the id accounts/ issued for it, so the page never
 * holds an id; the answers carry the cookie's CSRF token, which the page sends back on each
 * state-changing request. A refusal says as little as accounts/ does (one message for an
 * unknown user and a wrong password), and every step is in the audit log there.
 *
 * The guard has already refused a state-changing request from another site or without the
 * CSRF token of the cookie it carries (POST /api/session excepted: signing in starts afresh).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { AccountError, PasswordPolicyError, type SignInResult, type User } from '../../../accounts/index.ts'
import { PUBLIC } from '../../auth/guard.ts'
import { clearSessionCookie, csrfToken, sessionCookie, setSessionCookie } from '../../auth/session-cookie.ts'
import { pagesFor, PageInfo } from '../../auth/pages.ts'
import { CN_ERR_MFA_CODE_INVALID, CN_ERR_PASSWORD_POLICY, CN_ERR_SIGNIN_EXPIRED, CN_ERR_SIGNIN_LOCKED, CN_ERR_SIGNIN_REFUSED, CN_ERR_USER_CONFLICT, CN_ERR_WRONG_PASSWORD } from '../../errors.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'
import oidcRoutes from './oidc.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 409: ErrorBody, 415: ErrorBody, 429: ErrorBody, 500: ErrorBody }
const Role = Type.Union([Type.Literal('admin'), Type.Literal('engineer'), Type.Literal('analyst'), Type.Literal('planner')])

export const SessionUser = Type.Object({
  username: Type.String(),
  displayName: Type.String(),
  role: Role,
  mfaEnrolled: Type.Boolean(),
  mustChangePassword: Type.Boolean(),
}, { additionalProperties: false })

const shownUser = (u: User) => ({ username: u.username, displayName: u.displayName, role: u.role, mfaEnrolled: u.mfaEnrolled, mustChangePassword: u.mustChangePassword })

const Next = Type.Union([Type.Literal('done'), Type.Literal('mfa'), Type.Literal('enrol'), Type.Literal('change-password')], {
  description: "what the person does next: nothing ('done'), type a code ('mfa'), set up a second factor ('enrol'), set their own password ('change-password')",
})
const StepAnswer = Type.Object({
  next: Next,
  user: Type.Union([SessionUser, Type.Null()], { description: 'the person, once the session is whole' }),
  csrfToken: Type.String({ description: 'send as X-CSRF-Token on every state-changing request while this cookie lasts' }),
  expiresMs: EpochMs,
}, { additionalProperties: false })

const Password = Type.String({ minLength: 1, maxLength: 1024, 'x-message': 'must be 1 to 1024 characters' })
const Code = Type.String({ minLength: 6, maxLength: 20, pattern: '^[A-Za-z0-9 -]+$', 'x-message': 'must be a 6-digit code or a recovery code' })

const session: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  await app.register(oidcRoutes, { prefix: '/oidc' })
  const mode = civic.config.cookieSecure
  const now = () => Date.now()

  /** Sets the cookie for a step's id and says what comes next. */
  function step(request: FastifyRequest, reply: FastifyReply, r: SignInResult) {
    void reply.header('cache-control', 'no-store')
    if (r.kind === 'refused') {
      if (r.reason === 'locked') {
        void reply.header('retry-after', String(Math.ceil((r.retryAfterMs ?? 60_000) / 1000)))
        throw new CN_ERR_SIGNIN_LOCKED(r.message)
      }
      if (r.reason === 'expired') {
        clearSessionCookie(request, reply, mode)
        throw new CN_ERR_SIGNIN_EXPIRED()
      }
      throw new CN_ERR_SIGNIN_REFUSED()
    }
    const id = r.kind === 'session' ? r.sessionId : r.ticket
    setSessionCookie(request, reply, mode, id, r.expiresMs, now())
    const next = r.kind === 'needs-mfa' ? 'mfa' : r.kind === 'needs-mfa-enrolment' ? 'enrol' : r.user.mustChangePassword ? 'change-password' : 'done'
    return { next, user: r.kind === 'session' ? shownUser(r.user) : null, csrfToken: csrfToken(id), expiresMs: r.expiresMs } as const
  }

  /** The id in the cookie, or the refusal of a step that needs one. */
  const cookieOrExpired = (request: FastifyRequest) => {
    const id = sessionCookie(request)
    if (id === null) throw new CN_ERR_SIGNIN_EXPIRED()
    return id
  }

  app.get('', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['session'],
      summary: 'Who is signed in (by the session cookie or an API token), the pages their role may use, and how to sign in',
      response: {
        200: Type.Object({
          signedIn: Type.Boolean(),
          via: Type.Union([Type.Literal('session'), Type.Literal('token'), Type.Null()]),
          user: Type.Union([SessionUser, Type.Null()]),
          tokenLabel: Type.Union([Type.String(), Type.Null()]),
          scope: Type.String({ description: "the role the API answers this caller as ('public' until a one-time password is changed)" }),
          csrfToken: Type.Union([Type.String(), Type.Null()]),
          idleExpiresMs: Type.Union([EpochMs, Type.Null()]),
          absoluteExpiresMs: Type.Union([EpochMs, Type.Null()]),
          sessionEnded: Type.Union([Type.Literal('expired'), Type.Literal('idle'), Type.Literal('revoked'), Type.Null()], { description: 'why the cookie sent is not a session any more' }),
          pages: Type.Array(PageInfo),
          oidc: Type.Union([Type.Object({ label: Type.String(), start: Type.String() }, { additionalProperties: false }), Type.Null()]),
        }, { additionalProperties: false }),
        ...errors,
      },
    },
  }, async (request, reply) => {
    void reply.header('cache-control', 'no-store')
    const a = request.account
    return {
      signedIn: a !== null || request.token !== null,
      via: a ? 'session' as const : request.token ? 'token' as const : null,
      user: a ? shownUser(a.user) : null,
      tokenLabel: request.token?.label ?? null,
      scope: request.scope,
      csrfToken: a ? csrfToken(a.sessionId) : null,
      idleExpiresMs: a?.idleExpiresMs ?? null,
      absoluteExpiresMs: a?.absoluteExpiresMs ?? null,
      sessionEnded: request.sessionEnded,
      pages: pagesFor(request.scope),
      oidc: civic.oidc ? { label: civic.oidc.label, start: '/api/session/oidc' } : null,
    }
  })

  app.post('', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['session'],
      summary: 'Signs in with username and password; the answer says the next step and sets the session cookie',
      body: Type.Object({ username: Type.String({ minLength: 1, maxLength: 254, 'x-message': 'must be 1 to 254 characters' }), password: Password }, { additionalProperties: false }),
      response: { 200: StepAnswer, ...errors },
    },
  }, async (request, reply) => step(request, reply, await civic.accounts().signIn(request.body.username, request.body.password, request.ip, now())))

  app.post('/mfa', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['session'],
      summary: 'The second step: a 6-digit code from the authenticator app, or a recovery code',
      body: Type.Object({ code: Code }, { additionalProperties: false }),
      response: { 200: StepAnswer, ...errors },
    },
  }, async (request, reply) => {
    const r = civic.accounts().verifyMfa(cookieOrExpired(request), request.body.code, request.ip, now())
    if (r.kind === 'refused' && r.reason === 'invalid') throw new CN_ERR_MFA_CODE_INVALID(r.message)
    return step(request, reply, r)
  })

  app.post('/mfa/enrolment', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['session'],
      summary: 'Starts setting up the second factor: a new secret as a QR code (and as text, to type in), not in force until confirmed',
      response: {
        200: Type.Object({ secret: Type.String(), uri: Type.String(), qrSvg: Type.String() }, { additionalProperties: false }),
        ...errors,
      },
    },
  }, async (request, reply) => {
    void reply.header('cache-control', 'no-store')
    try {
      const r = await civic.accounts().beginMfaEnrolment(cookieOrExpired(request), request.ip, now())
      if (!r) throw new CN_ERR_SIGNIN_EXPIRED()
      return r
    } catch (err) {
      if (err instanceof AccountError) throw new CN_ERR_USER_CONFLICT(err.message)
      throw err
    }
  })

  app.post('/mfa/enrolment/confirm', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['session'],
      summary: 'Confirms the second factor with a code from it; the answer holds ten one-time recovery codes, shown this once',
      body: Type.Object({ code: Code }, { additionalProperties: false }),
      response: { 200: Type.Object({ ...StepAnswer.properties, recoveryCodes: Type.Array(Type.String()) }, { additionalProperties: false }), ...errors },
    },
  }, async (request, reply) => {
    const id = cookieOrExpired(request)
    const r = civic.accounts().confirmMfaEnrolment(id, request.body.code, request.ip, now())
    if (!r.ok) {
      if (r.result.kind === 'refused' && r.result.reason === 'invalid') throw new CN_ERR_MFA_CODE_INVALID(r.result.message)
      step(request, reply, r.result)
      throw new CN_ERR_SIGNIN_EXPIRED()
    }
    if (r.session) return { ...step(request, reply, r.session), recoveryCodes: r.recoveryCodes }
    // enrolled from a whole session: it goes on as it was
    void reply.header('cache-control', 'no-store')
    const user = civic.accounts().validateSession(id, now())
    if (!user.ok) throw new CN_ERR_SIGNIN_EXPIRED()
    const next = user.user.mustChangePassword ? 'change-password' as const : 'done' as const
    return { next, user: shownUser(user.user), csrfToken: csrfToken(id), expiresMs: user.absoluteExpiresMs, recoveryCodes: r.recoveryCodes }
  })

  app.post('/password', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['session'],
      summary: "Changes the signed-in person's own password (the current one proves it is them); every other session of theirs ends",
      body: Type.Object({ current: Password, next: Password }, { additionalProperties: false }),
      response: { 200: StepAnswer, ...errors },
    },
  }, async (request, reply) => {
    const id = cookieOrExpired(request)
    let r: SignInResult
    try {
      r = await civic.accounts().changePassword(id, request.body.current, request.body.next, request.ip, now())
    } catch (err) {
      if (err instanceof PasswordPolicyError) throw new CN_ERR_PASSWORD_POLICY(err.message)
      throw err
    }
    // a new password the policy refuses (or the current one again) was thrown above
    if (r.kind === 'refused' && r.reason === 'invalid') throw new CN_ERR_WRONG_PASSWORD(r.message)
    return step(request, reply, r)
  })

  app.post('/sign-out', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['session'],
      summary: 'Signs out: the session ends on the server and the cookie is cleared',
      response: { 200: Type.Object({ signedOut: Type.Boolean({ description: 'false when there was no session to end' }) }, { additionalProperties: false }), ...errors },
    },
  }, async (request, reply) => {
    const id = sessionCookie(request)
    const ended = id !== null && civic.accounts().signOut(id, request.ip, now())
    clearSessionCookie(request, reply, mode)
    void reply.header('cache-control', 'no-store')
    return { signedOut: ended }
  })
}

export default session
