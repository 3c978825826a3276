/**
 * Who is asking, and may they. Every /api route names the scopes it admits in its
 * `config.roles`; a route that names none admits only admins, so a forgotten list fails
 * closed. No token means the 'public' scope; a token that is present but wrong is refused
 * even on public routes, so a client with a broken token learns it at once.
 */
import type { Database } from 'better-sqlite3'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import fp from 'fastify-plugin'
import { CN_ERR_FORBIDDEN, CN_ERR_ROUTE_NOT_FOUND, CN_ERR_TOKEN_INVALID, CN_ERR_UNAUTHENTICATED } from '../errors.ts'
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
  if (request.scope === 'public') throw new CN_ERR_UNAUTHENTICATED(what)
  throw new CN_ERR_FORBIDDEN(request.scope, what, ['admin', ...roles].join(', '))
}

export interface GuardOptions {
  db: Database
  nowMs: () => number
}

export const guard = fp<GuardOptions>(async (app: FastifyInstance, opts) => {
  app.decorateRequest('scope', 'public')
  app.decorateRequest('token', null)
  app.addHook('onRequest', async (request) => {
    if (!request.url.startsWith('/api/')) return
    const header = request.headers.authorization
    if (header !== undefined) {
      const m = /^Bearer +(\S+)\s*$/i.exec(header)
      if (!m) throw new CN_ERR_TOKEN_INVALID('the Authorization header must be "Bearer <token>"')
      const info = verifyToken(opts.db, m[1]!)
      if (!info) throw new CN_ERR_TOKEN_INVALID('unknown or revoked token')
      request.scope = info.role
      request.token = info
      // Wall-clock time: last use is an audit fact, not simulated time.
      touchToken(opts.db, info.id, opts.nowMs())
    }
    const route = request.routeOptions.url
    // Unknown /api URLs reach the not-found handler, which answers 404 to anyone.
    if (route === undefined) return
    // The web build's wildcard route must not answer under /api.
    if (!route.startsWith('/api/')) throw new CN_ERR_ROUTE_NOT_FOUND(request.method, request.url.split('?')[0]!)
    const roles = request.routeOptions.config?.roles
    requireScope(request, roles ?? ADMIN, `${request.method} ${route}`)
  })
}, { name: 'civicnet-guard' })
