/**
 * The web's session cookie: an opaque id (accounts/ stores only its SHA-256), HttpOnly so no
 * script reads it, SameSite=Strict so no other site's page sends it, Secure (and named with
 * the __Host- prefix, which pins it to this host and path /) when the request came over
 * TLS, directly or through a trusted proxy's X-Forwarded-Proto (CIVICNET_COOKIE_SECURE=always
 * forces it). The same cookie carries a sign-in ticket between the password and the code.
 *
 * CSRF: SameSite=Strict already keeps the cookie off cross-site requests; on top of it every
 * state-changing request that carries the cookie must send `X-CSRF-Token`, the SHA-256 of
 * 'csrf:' and the cookie's value, which the API gives the page in its session answers. A
 * cross-site form can send neither a custom header nor know the value. Stateless, so it
 * survives a restart, and worthless without the cookie it is derived from.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import type { FastifyReply, FastifyRequest } from 'fastify'

export const SESSION_COOKIE = 'civicnet_session'
export const SECURE_SESSION_COOKIE = '__Host-civicnet_session'
export const CSRF_HEADER = 'x-csrf-token'

export type CookieSecure = 'auto' | 'always'

/** The cookies of a request, by name (the first of a name wins, as browsers send the most specific first). */
export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>()
  if (!header) return out
  for (const part of header.split(';')) {
    const eq = part.indexOf('=')
    if (eq <= 0) continue
    const name = part.slice(0, eq).trim()
    const value = part.slice(eq + 1).trim()
    if (!out.has(name)) out.set(name, value)
  }
  return out
}

/** A session id's shape (accounts/ makes 43 base64url characters); anything else is no cookie. */
const ID = /^[A-Za-z0-9_-]{20,100}$/

/** The session id the request carries, or null. */
export function sessionCookie(request: FastifyRequest): string | null {
  const cookies = parseCookies(request.headers.cookie)
  const v = cookies.get(SECURE_SESSION_COOKIE) ?? cookies.get(SESSION_COOKIE)
  return v !== undefined && ID.test(v) ? v : null
}

/** True when cookies set on this answer must be Secure: over TLS (or a trusted proxy's https), or always. */
export const secureCookies = (request: FastifyRequest, mode: CookieSecure): boolean => mode === 'always' || request.protocol === 'https'

export interface CookieAttrs {
  path: string
  sameSite: 'Strict' | 'Lax'
  maxAgeSec: number
  secure: boolean
}

/** One Set-Cookie line of an HttpOnly cookie; attributes in one order for every cookie the API sets. */
export function cookieLine(name: string, value: string, a: CookieAttrs): string {
  return [`${name}=${value}`, `Path=${a.path}`, 'HttpOnly', `SameSite=${a.sameSite}`, `Max-Age=${a.maxAgeSec}`, ...(a.secure ? ['Secure'] : [])].join('; ')
}

const SESSION_ATTRS = { path: '/', sameSite: 'Strict' } as const

/** Sets the cookie to `id` until `expiresMs` (and clears the other spelling of its name). Fastify adds to earlier Set-Cookie lines. */
export function setSessionCookie(request: FastifyRequest, reply: FastifyReply, mode: CookieSecure, id: string, expiresMs: number, nowMs: number): void {
  const maxAgeSec = Math.max(1, Math.ceil((expiresMs - nowMs) / 1000))
  const s = secureCookies(request, mode)
  const lines = [cookieLine(s ? SECURE_SESSION_COOKIE : SESSION_COOKIE, id, { ...SESSION_ATTRS, maxAgeSec, secure: s })]
  // a plain-HTTP cookie left from before TLS was put in front is dropped
  if (s) lines.push(cookieLine(SESSION_COOKIE, '', { ...SESSION_ATTRS, maxAgeSec: 0, secure: true }))
  void reply.header('set-cookie', lines)
}

export function clearSessionCookie(request: FastifyRequest, reply: FastifyReply, mode: CookieSecure): void {
  const s = secureCookies(request, mode)
  const lines = [cookieLine(SESSION_COOKIE, '', { ...SESSION_ATTRS, maxAgeSec: 0, secure: s })]
  if (s) lines.push(cookieLine(SECURE_SESSION_COOKIE, '', { ...SESSION_ATTRS, maxAgeSec: 0, secure: true }))
  void reply.header('set-cookie', lines)
}

/** The CSRF token of a cookie value. */
export function csrfToken(cookieValue: string): string {
  return createHash('sha256').update('csrf:' + cookieValue, 'utf8').digest('base64url')
}

/** True when the request's X-CSRF-Token is the one of its cookie. */
export function csrfMatches(request: FastifyRequest, cookieValue: string): boolean {
  const sent = request.headers[CSRF_HEADER]
  if (typeof sent !== 'string' || sent.length !== 43) return false
  return timingSafeEqual(Buffer.from(sent), Buffer.from(csrfToken(cookieValue)))
}
