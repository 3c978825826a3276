/**
 * Who a request is. The audit log says `user:<username>` for a signed-in person,
 * `token:<label> (#id, role)` for an API token, `public` for nobody (actorName). The records
 * that name who did something (an incident's history, a saved report run) say
 * `user:<username>` or `<role> '<label>'`, as they did before people signed in (recordedBy).
 */
import type { FastifyRequest } from 'fastify'
import type { Actor } from '../../accounts/index.ts'

export function actorName(request: FastifyRequest): string {
  if (request.account) return `user:${request.account.user.username}`
  if (request.token) return `token:${request.token.label} (#${request.token.id}, ${request.token.role})`
  return 'public'
}

/** Who did it, as an incident's history and a saved report run say it. */
export function recordedBy(request: FastifyRequest): string {
  if (request.account) return `user:${request.account.user.username}`
  return request.token ? `${request.token.role} '${request.token.label}'` : request.scope
}

/** The actor with the caller's address (as trustProxy reads it). */
export function actorOf(request: FastifyRequest): Actor {
  return { name: actorName(request), address: request.ip }
}

/** Adds an act of this caller to the audit log (accounts/): a token made, an incident acknowledged, a report run. */
export function auditAct(request: FastifyRequest, action: string, target: string | null, detail: string | null = null): void {
  const { name, address } = actorOf(request)
  request.server.civic.accounts().recordAudit({ timeMs: Date.now(), actor: name, address, action, target, outcome: 'ok', detail })
}
