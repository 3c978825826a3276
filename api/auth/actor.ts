/**
 * Who a request is, as the audit log and the records that name a person (incident
 * acknowledgements, report runs) say it: `user:<username>` for a signed-in person,
 * `token:<label>` (with its id) for an API token, `public` for nobody.
 */
import type { FastifyRequest } from 'fastify'
import type { Actor } from '../../accounts/index.ts'

export function actorName(request: FastifyRequest): string {
  if (request.account) return `user:${request.account.user.username}`
  if (request.token) return `token:${request.token.label} (#${request.token.id}, ${request.token.role})`
  return 'public'
}

/** The actor with the caller's address (as trustProxy reads it). */
export function actorOf(request: FastifyRequest): Actor {
  return { name: actorName(request), address: request.ip }
}

/** Adds an act of this caller to the audit log (accounts/): a token made, an incident acknowledged, a report run. */
export function auditAct(request: FastifyRequest, action: string, target: string | null, detail: string | null = null): void {
  request.server.civic.accounts().recordAudit({ timeMs: Date.now(), actor: actorName(request), address: request.ip, action, target, outcome: 'ok', detail })
}
