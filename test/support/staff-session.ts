/**
 * A signed-in staff session for browser tests that need one without typing the sign-in:
 * an admin API token makes the account (POST /api/users), then node signs in as a person
 * would (POST /api/session with the one-time password; the second factor set up with a
 * code computed from its secret, accounts/totp.ts; the password changed), and hands back
 * the session cookie to put into a Playwright context (context.addCookies). The
 * signin test (test/web/signin.test.ts) does the same by the form, in the browser.
 */
import type { BrowserContext } from 'playwright-core'
import { base32Decode, totp } from '../../accounts/totp.ts'

export type StaffRole = 'admin' | 'engineer' | 'analyst' | 'planner'

export interface StaffSession {
  username: string
  /** the password set after the one-time one */
  password: string
  /** the TOTP secret (base32) when the role set up a second factor, else null */
  totpSecret: string | null
  /** the session cookie */
  cookie: { name: string; value: string }
  /** the CSRF token of that cookie (X-CSRF-Token) */
  csrfToken: string
  /** the TOTP step last used (a later sign-in needs a code of a later step) */
  lastStepMs: number | null
}

interface Step {
  next: 'done' | 'mfa' | 'enrol' | 'change-password'
  csrfToken: string
}

/** The name=value of a Set-Cookie for the session (either spelling of its name), or null. */
export function sessionCookieOf(res: Response): { name: string; value: string } | null {
  for (const line of res.headers.getSetCookie()) {
    const m = /^((?:__Host-)?civicnet_session)=([^;]*)/.exec(line)
    if (m && m[2]) return { name: m[1]!, value: m[2] }
  }
  return null
}

/** POSTs JSON to baseUrl+path, with the cookie and CSRF token when given; throws naming the route on an unexpected status. */
export async function postJson(baseUrl: string, path: string, body: unknown, o: { cookie?: { name: string; value: string } | null; csrf?: string | null; bearer?: string; want?: number } = {}): Promise<{ res: Response; body: any }> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json' }
  if (o.cookie) headers.cookie = `${o.cookie.name}=${o.cookie.value}`
  if (o.csrf) headers['x-csrf-token'] = o.csrf
  if (o.bearer) headers.authorization = `Bearer ${o.bearer}`
  const res = await fetch(baseUrl + path, { method: 'POST', headers, body: JSON.stringify(body) })
  const answer = await res.json().catch(() => null)
  if (res.status !== (o.want ?? 200)) throw new Error(`POST ${path} answered ${res.status} (wanted ${o.want ?? 200}): ${JSON.stringify(answer)}`)
  return { res, body: answer }
}

/** A password that passes the policy (12+ characters, not a common one), different per call. */
export const strongPassword = (tag: string): string => `Lantern-${tag}-Orchard-${Math.random().toString(36).slice(2, 8)}`

/**
 * Makes `username` with `role` through the admin token and signs it in to the end; the
 * answer's cookie is a whole session of that role.
 */
export async function createStaffSession(baseUrl: string, adminToken: string, o: { username: string; role: StaffRole; displayName?: string }): Promise<StaffSession> {
  const made = await postJson(baseUrl, '/api/users', { username: o.username, displayName: o.displayName ?? `Test ${o.role} ${o.username}`, role: o.role }, { bearer: adminToken, want: 201 })
  return signInByPassword(baseUrl, o.username, made.body.oneTimePassword as string)
}

/**
 * Signs in with a (one-time) password and goes through what the server asks: setting up a
 * second factor, changing the password. A sign-in that asks for a code ('mfa') needs
 * `totpSecret`.
 */
export async function signInByPassword(baseUrl: string, username: string, password: string, totpSecret: string | null = null, lastStepMs: number | null = null): Promise<StaffSession> {
  const signed = await postJson(baseUrl, '/api/session', { username, password })
  let cookie = sessionCookieOf(signed.res)
  let step = signed.body as Step
  let secret = totpSecret
  let usedStepMs = lastStepMs
  let current = password
  for (let i = 0; i < 5 && step.next !== 'done'; i++) {
    const via = { cookie, csrf: step.csrfToken }
    let r: { res: Response; body: any }
    if (step.next === 'enrol') {
      const e = await postJson(baseUrl, '/api/session/mfa/enrolment', {}, via)
      secret = e.body.secret as string
      usedStepMs = Date.now()
      r = await postJson(baseUrl, '/api/session/mfa/enrolment/confirm', { code: totp(base32Decode(secret), usedStepMs) }, via)
    } else if (step.next === 'mfa') {
      if (!secret) throw new Error(`${username}: the server asks for a code and no TOTP secret is known`)
      // a step after the last one used (the server refuses a code twice): the next one is in its window
      usedStepMs = usedStepMs !== null && Math.floor(usedStepMs / 30_000) >= Math.floor(Date.now() / 30_000) ? usedStepMs + 30_000 : Date.now()
      r = await postJson(baseUrl, '/api/session/mfa', { code: totp(base32Decode(secret), usedStepMs) }, via)
    } else {
      const next = strongPassword(username)
      r = await postJson(baseUrl, '/api/session/password', { current, next }, via)
      current = next
    }
    cookie = sessionCookieOf(r.res) ?? cookie
    step = r.body as Step
  }
  if (step.next !== 'done' || !cookie) throw new Error(`${username}: the sign-in did not end in a session (next: ${step.next})`)
  return { username, password: current, totpSecret: secret, cookie, csrfToken: step.csrfToken, lastStepMs: usedStepMs }
}

/** Puts the session's cookie into a browser context for baseUrl (after removing any other cookie). */
export async function useSession(context: BrowserContext, baseUrl: string, s: StaffSession | null): Promise<void> {
  await context.clearCookies()
  if (s) await context.addCookies([{ name: s.cookie.name, value: s.cookie.value, url: baseUrl, httpOnly: true, sameSite: 'Strict' }])
}
