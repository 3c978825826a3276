/**
 * Who is asking, and may they. The decision is made on the route the router matched
 * (`request.routeOptions`), never on the raw URL: the router decodes `/%61pi/tokens` to
 * `/api/tokens`, so a check on `request.url` would let every other spelling through.
 *
 * Every /api route names the scopes it admits in its `config.roles`; a route that names none
 * admits only admins, so a forgotten list fails closed. A caller is either an API token
 * (scripts, the collector: "Authorization: Bearer") or a person signed in to the web (the
 * session cookie, api/auth/session-cookie.ts); neither means the 'public' scope. A token
 * that is present but wrong is refused even on public routes, so a client with a broken
 * token learns it at once; a session that has ended leaves the caller public, and a staff
 * route then says the session ended. A person who must still change a one-time password
 * has the public scope until they do. Every state-changing request that carries the cookie
 * must carry its CSRF token, and none may come from another site (Origin, Sec-Fetch-Site). Wrong tokens count against the caller's address: past
 * `authFailures.max` in `authFailures.windowMs` every token from it is answered 429 with
 * Retry-After until the window ends, and each failure is logged at warn (never the token).
 */
import type { Database } from 'better-sqlite3'
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import type { Accounts, User } from '../../accounts/index.ts'
import { CN_ERR_CSRF, CN_ERR_FORBIDDEN, CN_ERR_PASSWORD_CHANGE_REQUIRED, CN_ERR_ROUTE_NOT_FOUND, CN_ERR_SESSION_ENDED, CN_ERR_TOKEN_INVALID, CN_ERR_TOO_MANY_AUTH_FAILURES, CN_ERR_UNAUTHENTICATED } from '../errors.ts'
import { hostName } from '../host-name.ts'
import { requestPath } from '../request-path.ts'
import { bearerToken } from './bearer.ts'
import { csrfMatches, sessionCookie } from './session-cookie.ts'
import { touchToken, verifyToken, type Scope, type TokenInfo } from './tokens.ts'

declare module 'fastify' {
  interface FastifyContextConfig {
    /** scopes admitted; admin is always added */
    roles?: readonly Scope[]
  }
  interface FastifyRequest {
    /** the caller's scope: a token's role, or 'public' without a token */
    scope: Scope
    token: TokenInfo | null
    /** the signed-in person, when the session cookie is good */
    account: { user: User; sessionId: string; idleExpiresMs: number; absoluteExpiresMs: number } | null
    /** why the session cookie the request carried is not good any more, when it is not */
    sessionEnded: 'expired' | 'idle' | 'revoked' | null
  }
}

/** Scopes lists used by the routes; admin is implied in each. */
export const PUBLIC: readonly Scope[] = ['public', 'engineer', 'analyst', 'planner']
export const STAFF: readonly Scope[] = ['engineer', 'analyst', 'planner']
export const ENGINEER: readonly Scope[] = ['engineer']
export const ADMIN: readonly Scope[] = []

export function admits(roles: readonly Scope[] | undefined, scope: Scope): boolean {
  return scope === 'admin' || (roles ?? []).includes(scope)
}

/** Throws the right 401/403 for a caller not admitted to `what` (e.g. "GET /api/devices"). */
export function requireScope(request: FastifyRequest, roles: readonly Scope[], what: string): void {
  if (admits(roles, request.scope)) return
  if (request.account?.user.mustChangePassword) throw new CN_ERR_PASSWORD_CHANGE_REQUIRED(what)
  if (request.scope === 'public' && request.sessionEnded) throw new CN_ERR_SESSION_ENDED(request.sessionEnded)
  if (request.scope === 'public') throw new CN_ERR_UNAUTHENTICATED(what)
  throw new CN_ERR_FORBIDDEN(request.scope, what, ['admin', ...roles].join(', '))
}

/** True when a route pattern is one of the API's (as matched, so every spelling agrees). */
export const isApiRoute = (route: string): boolean => route === '/api' || route.startsWith('/api/')

export interface AuthFailureLimit {
  /** failed authentications one address may make in a window before it is answered 429 (default 10) */
  max: number
  /** the window (default 60 000 ms) */
  windowMs: number
}

export interface GuardOptions {
  db: Database
  nowMs: () => number
  authFailures: AuthFailureLimit
  accounts: () => Accounts
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS'])
/** Routes a stale cookie may post to without its CSRF token: signing in starts afresh. */
const FRESH_START = new Set(['/api/session'])

/**
 * Why a state-changing request looks cross-site, or null. The Host it names is one of this
 * server's names already (app.ts refuses any other before the guard runs), so an Origin
 * naming another host is another site.
 */
function crossSite(request: FastifyRequest): string | null {
  const site = request.headers['sec-fetch-site']
  if (site === 'cross-site' || site === 'same-site') return `the browser says it came from another site (Sec-Fetch-Site: ${site})`
  const origin = request.headers.origin
  if (origin === undefined) return null
  if (origin === 'null') return 'it came from an opaque origin (Origin: null)'
  let host: string
  try {
    host = hostName(new URL(origin).host)
  } catch {
    return 'its Origin header is not a URL'
  }
  return host === hostName(request.headers.host ?? '') ? null : `it came from another origin (${origin.slice(0, 80)})`
}

type Limiter = (req: FastifyRequest, opts?: { increment?: boolean }) => Promise<{ isAllowed: boolean; isExceeded?: boolean; ttl?: number; max?: number }>

export interface AuthFailures {
  /** refuses with 429 when the caller's address is over the limit (does not count) */
  check(request: FastifyRequest, reply: FastifyReply): Promise<void>
  /** counts one failure of the caller's address, logs it, and refuses with 429 once over */
  fail(request: FastifyRequest, reply: FastifyReply, reason: string): Promise<void>
}

declare module 'fastify' {
  interface FastifyInstance {
    authFailures: AuthFailures
  }
}

export const guard = fp<GuardOptions>(async (app: FastifyInstance, opts) => {
  app.decorateRequest('scope', 'public')
  app.decorateRequest('token', null)
  app.decorateRequest('account', null)
  app.decorateRequest('sessionEnded', null)

  // @fastify/rate-limit is registered with global: false by app.ts; this limiter counts
  // failures only (a peek on the way in, an increment on each failure).
  const limiter = (app as unknown as { createRateLimit(o: object): Limiter }).createRateLimit({
    max: opts.authFailures.max,
    timeWindow: opts.authFailures.windowMs,
    keyGenerator: (req: FastifyRequest) => req.ip,
  })
  const refuse = (reply: FastifyReply, ttlMs: number) => {
    const seconds = Math.max(1, Math.ceil(ttlMs / 1000))
    void reply.header('retry-after', String(seconds))
    return new CN_ERR_TOO_MANY_AUTH_FAILURES(opts.authFailures.max, seconds)
  }
  const authFailures: AuthFailures = {
    async check(request, reply) {
      const s = await limiter(request, { increment: false })
      if (!s.isAllowed && s.isExceeded) throw refuse(reply, s.ttl ?? opts.authFailures.windowMs)
    },
    async fail(request, reply, reason) {
      const s = await limiter(request)
      request.log.warn({ ip: request.ip, reason }, 'authentication failed')
      if (!s.isAllowed && s.isExceeded) throw refuse(reply, s.ttl ?? opts.authFailures.windowMs)
    },
  }
  app.decorate('authFailures', authFailures)

  app.addHook('onRequest', async (request, reply) => {
    const route = request.routeOptions.url
    // No route matched: the not-found handler answers 404 to anyone.
    if (route === undefined) return
    if (!isApiRoute(route)) {
      // The web app's wildcard and the docs are public; but a path that reads as /api in any
      // spelling (case, %-escapes, doubled slashes) must not be answered by the wildcard.
      if (requestPath(request.url).apiLike) throw new CN_ERR_ROUTE_NOT_FOUND(request.method, requestPath(request.url).shown)
      return
    }
    const header = request.headers.authorization
    if (header !== undefined) {
      await authFailures.check(request, reply)
      const token = bearerToken(header)
      if (token === null) {
        await authFailures.fail(request, reply, 'malformed authorization header')
        throw new CN_ERR_TOKEN_INVALID('the Authorization header must be "Bearer <token>"')
      }
      const info = verifyToken(opts.db, token)
      if (!info) {
        await authFailures.fail(request, reply, 'unknown or revoked token')
        throw new CN_ERR_TOKEN_INVALID('unknown or revoked token')
      }
      request.scope = info.role
      request.token = info
      // Wall-clock time: last use is an audit fact, not simulated time.
      touchToken(opts.db, info.id, opts.nowMs())
    } else {
      const cookie = sessionCookie(request)
      if (cookie !== null) {
        if (!SAFE_METHODS.has(request.method)) {
          const why = crossSite(request)
          if (why) throw new CN_ERR_CSRF(why)
          if (!FRESH_START.has(route) && !csrfMatches(request, cookie)) throw new CN_ERR_CSRF('the X-CSRF-Token header is missing or is not the one of this session')
        }
        const check = opts.accounts().validateSession(cookie, opts.nowMs())
        if (check.ok) {
          request.account = { user: check.user, sessionId: cookie, idleExpiresMs: check.idleExpiresMs, absoluteExpiresMs: check.absoluteExpiresMs }
          if (!check.user.mustChangePassword) request.scope = check.user.role
        } else if (check.reason !== 'unknown') {
          // a cookie that names no session (pruned, or never one) says nothing
          request.sessionEnded = check.reason
        }
      } else if (!SAFE_METHODS.has(request.method) && route.startsWith('/api/session')) {
        // signing in is state-changing too (login CSRF): not from another site
        const why = crossSite(request)
        if (why) throw new CN_ERR_CSRF(why)
      }
    }
    const roles = request.routeOptions.config?.roles
    requireScope(request, roles ?? ADMIN, `${request.method} ${route}`)
  })
}, { name: 'civicnet-guard', dependencies: ['@fastify/rate-limit'] })
