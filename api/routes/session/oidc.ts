/**
 * Signing in with the city's identity provider (OpenID Connect, authorization code with
 * PKCE; accounts/oidc.ts does the protocol). GET /api/session/oidc sends the browser to the
 * provider; what the callback must match (state, nonce, PKCE verifier) is kept here, in this
 * process, for ten minutes, and tied to the browser by an HttpOnly cookie holding the state,
 * SameSite=Lax because the callback is a navigation back from the provider's site. The
 * callback checks the ID token (signature, issuer, audience, expiry, nonce), maps the group
 * claim to a role, makes or updates the account (accounts.signInExternal), sets the session
 * cookie and sends the browser to the map; a refusal lands on the map with a short reason
 * in the fragment (never the code, never a token).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { OidcError, PENDING_LOGIN_MS, type PendingLogin } from '../../../accounts/oidc.ts'
import { AccountError } from '../../../accounts/index.ts'
import { PUBLIC } from '../../auth/guard.ts'
import { cookieLine, parseCookies, secureCookies, setSessionCookie } from '../../auth/session-cookie.ts'
import { CN_ERR_OIDC_UNAVAILABLE } from '../../errors.ts'
import { ErrorBody } from '../../schemas.ts'

const STATE_COOKIE = 'civicnet_oidc_state'
/** Most sign-ins waiting for their callback at once; the oldest is dropped past it. */
const MAX_PENDING = 1000

const oidcRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const mode = civic.config.cookieSecure
  const pending = new Map<string, PendingLogin>()
  const prune = (nowMs: number) => {
    for (const [k, p] of pending) if (nowMs - p.createdMs > PENDING_LOGIN_MS) pending.delete(k)
    while (pending.size > MAX_PENDING) pending.delete(pending.keys().next().value!)
  }
  const stateCookie = (value: string, maxAgeSec: number, secure: boolean) => cookieLine(STATE_COOKIE, value, { path: '/api/session/oidc', sameSite: 'Lax', maxAgeSec, secure })

  app.get('', {
    config: { roles: PUBLIC },
    schema: { tags: ['session'], summary: "Starts signing in with the city's identity provider: a redirect to it", response: { 302: Type.Null(), 404: ErrorBody, 500: ErrorBody } },
  }, async (request, reply) => {
    const oidc = civic.oidc
    if (!oidc) throw new CN_ERR_OIDC_UNAVAILABLE()
    const nowMs = Date.now()
    let started: { url: string; pending: PendingLogin }
    try {
      started = await oidc.start(nowMs)
    } catch (err) {
      if (!(err instanceof OidcError)) throw err
      request.log.warn({ code: err.code, reason: err.reason }, 'oidc: cannot start a sign-in')
      return reply.redirect(`/#signin-error=${encodeURIComponent(err.message.slice(0, 300))}`, 303)
    }
    prune(nowMs)
    pending.set(started.pending.state, started.pending)
    const secure = secureCookies(request, mode)
    void reply.header('set-cookie', stateCookie(started.pending.state, Math.floor(PENDING_LOGIN_MS / 1000), secure)).header('cache-control', 'no-store')
    return reply.redirect(started.url, 302)
  })

  app.get('/callback', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['session'],
      summary: "Where the identity provider sends the browser back: the session cookie is set and the browser goes to the map",
      querystring: Type.Object({}, { additionalProperties: true }),
      response: { 303: Type.Null(), 404: ErrorBody, 500: ErrorBody },
    },
  }, async (request, reply) => {
    const oidc = civic.oidc
    if (!oidc) throw new CN_ERR_OIDC_UNAVAILABLE()
    const nowMs = Date.now()
    const secure = secureCookies(request, mode)
    void reply.header('cache-control', 'no-store')
    const state = parseCookies(request.headers.cookie).get(STATE_COOKIE)
    const saved = state !== undefined ? pending.get(state) : undefined
    if (state !== undefined) pending.delete(state)
    // the state cookie is spent whatever comes of the callback
    void reply.header('set-cookie', stateCookie('', 0, secure))
    const fail = (why: string) => reply.redirect(`/#signin-error=${encodeURIComponent(why.slice(0, 300))}`, 303)
    if (!saved) return fail('this sign-in was not started in this browser, or took over 10 minutes: try again')
    try {
      const identity = await oidc.finish(new URL(request.url, 'http://callback.invalid'), saved, nowMs)
      const r = civic.accounts().signInExternal(identity, 'oidc', request.ip, nowMs)
      if (r.kind === 'refused') return fail(r.message)
      setSessionCookie(request, reply, mode, r.sessionId, r.expiresMs, nowMs)
      request.log.info({ role: r.user.role }, 'signed in with the identity provider')
      return reply.redirect('/', 303)
    } catch (err) {
      if (err instanceof OidcError) {
        request.log.warn({ code: err.code, reason: err.reason }, 'oidc: sign-in refused')
        return fail(err.message)
      }
      if (err instanceof AccountError) return fail(err.message)
      throw err
    }
  })
}

export default oidcRoutes
