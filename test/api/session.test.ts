/**
 * Signing in as a person, through the API the web app uses: the cookie's attributes, the
 * steps (password, second factor, enrolment, one-time password change), CSRF, sessions that
 * end (sign-out, idle, a disabled user, a role change), lockout without a hint, and the audit
 * log of it all, with the right actors and no secret in it, in the logs or in any answer.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { LightMyRequestResponse } from 'fastify'
import { base32Decode, totp } from '../../accounts/totp.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { T, bearer, harness, type Harness } from './support.ts'

const PASSWORD = 'correct horse battery staple'
const NEW_PASSWORD = 'a longer passphrase of my own'

interface Browser {
  cookie: string | null
  csrf: string | null
}

/** The session cookie a response set ('' when it cleared it), or undefined. */
function setCookie(res: LightMyRequestResponse): { name: string; value: string; attrs: string[] } | undefined {
  const raw = res.headers['set-cookie']
  const lines = raw === undefined ? [] : Array.isArray(raw) ? raw : [raw]
  const first = lines[0]
  if (!first) return undefined
  const [pair, ...attrs] = first.split('; ')
  const [name, value] = pair!.split('=') as [string, string]
  return { name, value, attrs }
}

async function send(h: Harness, b: Browser, method: 'GET' | 'POST', url: string, payload?: object, extra: Record<string, string> = {}) {
  const headers: Record<string, string> = { ...extra }
  if (b.cookie) headers.cookie = `civicnet_session=${b.cookie}`
  if (b.csrf && method === 'POST' && !('x-csrf-token' in extra)) headers['x-csrf-token'] = b.csrf
  const res = await h.app.inject({ method, url, headers, ...(payload ? { payload } : {}) })
  const c = setCookie(res)
  if (c) b.cookie = c.value === '' ? null : c.value
  if (b.cookie) {
    SEEN.add(b.cookie)
    IDS.add(b.cookie)
  }
  ANSWERS.push({ url, body: res.body })
  const body = res.headers['content-type']?.toString().startsWith('application/json') ? res.json() : null
  if (body && typeof body.csrfToken === 'string') SEEN.add((b.csrf = body.csrfToken))
  if (body && typeof body.secret === 'string') {
    SEEN.add(body.secret)
    TOTP_SECRETS.add(body.secret)
  }
  return { status: res.statusCode, body, res }
}

const cli = { name: 'cli:test', address: null }
/** every session id, CSRF token and TOTP secret the tests were given: none may be in a log line */
const SEEN = new Set<string>()
/** every session id (cookie value) and TOTP secret given, and every answer's body */
const IDS = new Set<string>()
const TOTP_SECRETS = new Set<string>()
const ANSWERS: { url: string; body: string }[] = []

const test = suite<{ h: Harness }>('sessions: signing in as a person', {} as { h: Harness })
test.before(async (ctx) => {
  ctx.h = await harness({}, undefined, { lockoutAccountMax: 5, lockoutAddressMax: 50 })
  await ctx.h.accounts.addUser(cli, { username: 'pat', displayName: 'Pat Planner', role: 'planner', password: PASSWORD }, Date.now())
  await ctx.h.accounts.addUser(cli, { username: 'eve', displayName: 'Eve Engineer', role: 'engineer', password: PASSWORD }, Date.now())
  await ctx.h.accounts.addUser(cli, { username: 'ann', displayName: 'Ann Analyst', role: 'analyst', password: PASSWORD }, Date.now())
})
test.after(async ({ h }) => h.close())

test('a planner signs in: an HttpOnly SameSite=Strict cookie, the one-time password changed first, then the planning pages', async ({ h }) => {
  const b: Browser = { cookie: null, csrf: null }
  const signIn = await send(h, b, 'POST', '/api/session', { username: 'pat', password: PASSWORD })
  assert.is(signIn.status, 200)
  assert.equal([signIn.body.next, signIn.body.user.username, signIn.body.user.role, signIn.body.user.mustChangePassword], ['change-password', 'pat', 'planner', true])
  const c = setCookie(signIn.res)!
  assert.equal([c.name, c.value.length, c.attrs.filter((a) => !a.startsWith('Max-Age'))], ['civicnet_session', 43, ['Path=/', 'HttpOnly', 'SameSite=Strict']])
  assert.equal(c.attrs.find((a) => a.startsWith('Max-Age')), 'Max-Age=43200')
  assert.is(signIn.res.headers['cache-control'], 'no-store')
  // until the one-time password is changed the session is public
  const before = await send(h, b, 'GET', '/api/planning')
  assert.equal([before.status, before.body.code], [403, 'CN_ERR_PASSWORD_CHANGE_REQUIRED'])
  const who = await send(h, b, 'GET', '/api/session')
  assert.equal([who.body.signedIn, who.body.via, who.body.scope, who.body.pages.map((p: { id: string }) => p.id)], [true, 'session', 'public', ['map', 'status']])
  // a common password is refused with why; the right change issues a new session
  const weak = await send(h, b, 'POST', '/api/session/password', { current: PASSWORD, next: '1qaz2wsx3edc' })
  assert.equal([weak.status, weak.body.code], [400, 'CN_ERR_PASSWORD_POLICY'])
  const same = await send(h, b, 'POST', '/api/session/password', { current: PASSWORD, next: PASSWORD })
  assert.equal([same.status, same.body.code, same.body.message], [400, 'CN_ERR_PASSWORD_POLICY', 'the new password is refused: the new password must differ from the current one'])
  const wrong = await send(h, b, 'POST', '/api/session/password', { current: 'not my password', next: NEW_PASSWORD })
  assert.equal([wrong.status, wrong.body.code], [401, 'CN_ERR_WRONG_PASSWORD'])
  const old = b.cookie
  const changed = await send(h, b, 'POST', '/api/session/password', { current: PASSWORD, next: NEW_PASSWORD })
  assert.equal([changed.status, changed.body.next, changed.body.user.mustChangePassword], [200, 'done', false])
  assert.is.not(b.cookie, old)
  assert.is((await send(h, b, 'GET', '/api/planning')).status, 200)
  const now = await send(h, b, 'GET', '/api/session')
  assert.equal([now.body.scope, now.body.pages.map((p: { id: string }) => p.id)], ['planner', ['map', 'status', 'planning']])
  // the old cookie is worth nothing
  assert.equal((await send(h, { cookie: old, csrf: null }, 'GET', '/api/planning')).body.code, 'CN_ERR_SESSION_ENDED')
  // sign-out ends it on the server and clears the cookie
  const id = b.cookie
  const out = await send(h, b, 'POST', '/api/session/sign-out')
  assert.equal([out.status, out.body.signedOut, b.cookie], [200, true, null])
  assert.equal((await send(h, { cookie: id, csrf: null }, 'GET', '/api/planning')).status, 401)
})

test('an engineer without a second factor gets nothing but public until enrolled; wrong and replayed codes are refused', async ({ h }) => {
  const b: Browser = { cookie: null, csrf: null }
  const first = await send(h, b, 'POST', '/api/session', { username: 'eve', password: PASSWORD })
  assert.equal([first.status, first.body.next, first.body.user], [200, 'enrol', null])
  // the ticket is no session
  const devices = await send(h, b, 'GET', '/api/devices')
  assert.equal([devices.status, devices.body.code], [401, 'CN_ERR_UNAUTHENTICATED'])
  assert.equal((await send(h, b, 'GET', '/api/session')).body.signedIn, false)
  const enrol = await send(h, b, 'POST', '/api/session/mfa/enrolment')
  assert.is(enrol.status, 200)
  assert.match(enrol.body.uri, /^otpauth:\/\/totp\/CivicNet:eve\?secret=[A-Z2-7]+&issuer=CivicNet&algorithm=SHA1&digits=6&period=30$/)
  assert.match(enrol.body.qrSvg, /^<svg /)
  const secret = base32Decode(enrol.body.secret)
  const badConfirm = await send(h, b, 'POST', '/api/session/mfa/enrolment/confirm', { code: totp(secret, Date.now()) === '000000' ? '111111' : '000000' })
  assert.equal([badConfirm.status, badConfirm.body.code], [401, 'CN_ERR_MFA_CODE_INVALID'])
  const code = totp(secret, Date.now())
  const confirmed = await send(h, b, 'POST', '/api/session/mfa/enrolment/confirm', { code })
  assert.equal([confirmed.status, confirmed.body.next, confirmed.body.recoveryCodes.length], [200, 'change-password', 10])
  await send(h, b, 'POST', '/api/session/password', { current: PASSWORD, next: NEW_PASSWORD })
  assert.is((await send(h, b, 'GET', '/api/devices')).status, 200)
  await send(h, b, 'POST', '/api/session/sign-out')

  // again: password, then the code; the enrolment's code is used already
  const again = await send(h, b, 'POST', '/api/session', { username: 'eve', password: NEW_PASSWORD })
  assert.equal(again.body.next, 'mfa')
  const replayed = await send(h, b, 'POST', '/api/session/mfa', { code })
  assert.equal([replayed.status, replayed.body.code, replayed.body.message], [401, 'CN_ERR_MFA_CODE_INVALID', 'that code was used already: wait for the next one'])
  const wrong = await send(h, b, 'POST', '/api/session/mfa', { code: code === '123456' ? '654321' : '123456' })
  assert.equal([wrong.status, wrong.body.message], [401, 'wrong code'])
  // a recovery code signs in once
  const recovery = confirmed.body.recoveryCodes[0] as string
  const ok = await send(h, b, 'POST', '/api/session/mfa', { code: recovery })
  assert.equal([ok.status, ok.body.next, ok.body.user.role], [200, 'done', 'engineer'])
  await send(h, b, 'POST', '/api/session/sign-out')
  await send(h, b, 'POST', '/api/session', { username: 'eve', password: NEW_PASSWORD })
  assert.equal((await send(h, b, 'POST', '/api/session/mfa', { code: recovery })).body.code, 'CN_ERR_MFA_CODE_INVALID')
  // a code without any ticket
  assert.equal((await send(h, { cookie: null, csrf: null }, 'POST', '/api/session/mfa', { code: '123456' })).body.code, 'CN_ERR_SIGNIN_EXPIRED')
})

test('CSRF: a state-changing request with the cookie needs its token and must not come from another site', async ({ h }) => {
  const b: Browser = { cookie: null, csrf: null }
  await send(h, b, 'POST', '/api/session', { username: 'ann', password: PASSWORD })
  await send(h, b, 'POST', '/api/session/password', { current: PASSWORD, next: NEW_PASSWORD })
  // without the header
  const none = await send(h, b, 'POST', '/api/session/sign-out', undefined, { 'x-csrf-token': '' })
  assert.equal([none.status, none.body.code, none.body.message], [403, 'CN_ERR_CSRF', 'refused as a possible cross-site request forgery: the X-CSRF-Token header is missing or is not the one of this session'])
  // a cross-site form post: form-encoded, Origin of another site, the cookie, no token
  const form = await h.app.inject({
    method: 'POST', url: '/api/session/sign-out',
    headers: { cookie: `civicnet_session=${b.cookie}`, origin: 'http://evil.example', 'content-type': 'application/x-www-form-urlencoded', 'sec-fetch-site': 'cross-site' },
    payload: 'x=1',
  })
  assert.equal([form.statusCode, form.json().code, form.json().message], [403, 'CN_ERR_CSRF', 'refused as a possible cross-site request forgery: the browser says it came from another site (Sec-Fetch-Site: cross-site)'])
  const origin = await send(h, b, 'POST', '/api/session/sign-out', undefined, { origin: 'http://evil.example' })
  assert.equal([origin.status, origin.body.message], [403, 'refused as a possible cross-site request forgery: it came from another origin (http://evil.example)'])
  // a sign-in posted from another site (login CSRF)
  const login = await send(h, { cookie: null, csrf: null }, 'POST', '/api/session', { username: 'ann', password: NEW_PASSWORD }, { origin: 'http://evil.example' })
  assert.equal([login.status, login.body.code], [403, 'CN_ERR_CSRF'])
  // the session is still there; with its token from this origin it works
  assert.is((await send(h, b, 'GET', '/api/reports/runs')).status, 200)
  const same = await send(h, b, 'POST', '/api/session/sign-out', undefined, { origin: 'http://localhost' })
  assert.equal([same.status, same.body.signedOut], [200, true])
})

test('a disabled user and a changed role end the live session at once; an admin session manages accounts', async ({ h }) => {
  const u = await h.accounts.addUser(cli, { username: 'dana', displayName: 'Dana', role: 'analyst', password: PASSWORD }, Date.now())
  assert.is(u.oneTimePassword, null)
  const b: Browser = { cookie: null, csrf: null }
  await send(h, b, 'POST', '/api/session', { username: 'dana', password: PASSWORD })
  await send(h, b, 'POST', '/api/session/password', { current: PASSWORD, next: NEW_PASSWORD })
  assert.is((await send(h, b, 'GET', '/api/reports/runs')).status, 200)
  const dis = await h.app.inject({ method: 'POST', url: '/api/users/dana/disable', headers: bearer(h.tokens.admin) })
  assert.equal([dis.statusCode, dis.json().disabled], [200, true])
  const after = await send(h, b, 'GET', '/api/reports/runs')
  assert.equal([after.status, after.body.code, after.body.message], [401, 'CN_ERR_SESSION_ENDED', 'your session has ended (revoked): sign in again'])
  // disabled: the same refusal as a wrong password
  const refused = await send(h, b, 'POST', '/api/session', { username: 'dana', password: NEW_PASSWORD })
  assert.equal([refused.status, refused.body.code, refused.body.message], [401, 'CN_ERR_SIGNIN_REFUSED', 'wrong username or password'])
  await h.app.inject({ method: 'POST', url: '/api/users/dana/enable', headers: bearer(h.tokens.admin) })
  await send(h, b, 'POST', '/api/session', { username: 'dana', password: NEW_PASSWORD })
  assert.is((await send(h, b, 'GET', '/api/reports/runs')).status, 200)
  await h.app.inject({ method: 'POST', url: '/api/users/dana/role', headers: bearer(h.tokens.admin), payload: { role: 'planner' } })
  assert.equal((await send(h, b, 'GET', '/api/reports/runs')).body.code, 'CN_ERR_SESSION_ENDED')
  // the refusals of the users routes name what is wrong
  const taken = await h.app.inject({ method: 'POST', url: '/api/users', headers: bearer(h.tokens.admin), payload: { username: 'dana', displayName: 'Again', role: 'analyst' } })
  assert.equal([taken.statusCode, taken.json().code, taken.json().message], [409, 'CN_ERR_USER_CONFLICT', "an account named 'dana' exists already"])
  const missing = await h.app.inject({ method: 'POST', url: '/api/users/nobody-here/disable', headers: bearer(h.tokens.admin) })
  assert.equal([missing.statusCode, missing.json().message], [404, "user 'nobody-here' not found (field 'username')"])
  const badRole = await h.app.inject({ method: 'POST', url: '/api/users', headers: bearer(h.tokens.admin), payload: { username: 'x-y', displayName: 'X', role: 'root' } })
  assert.equal([badRole.statusCode, badRole.json().message], [400, 'invalid request: body.role must be one of admin, engineer, analyst, planner'])
})

test('lockout: five wrong passwords lock the username, known or not, with the same message and Retry-After', async ({ h }) => {
  await h.accounts.addUser(cli, { username: 'lou', displayName: 'Lou', role: 'planner', password: PASSWORD }, Date.now())
  const b: Browser = { cookie: null, csrf: null }
  for (const who of ['lou', 'no-such-person']) {
    for (let i = 0; i < 5; i++) {
      const r = await send(h, b, 'POST', '/api/session', { username: who, password: `wrong guess ${i}` })
      assert.equal([r.status, r.body.message], [401, 'wrong username or password'])
    }
    const locked = await send(h, b, 'POST', '/api/session', { username: who, password: who === 'lou' ? PASSWORD : 'x' })
    assert.equal([locked.status, locked.body.code, locked.body.message, locked.res.headers['retry-after']], [429, 'CN_ERR_SIGNIN_LOCKED', 'too many failed sign-ins: try again in 15 min', '900'])
  }
})

test('the audit log has each act with its actor, and nothing secret is in it, in the logs or in any answer', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/audit?limit=1000', headers: bearer(h.tokens.admin) })
  assert.is(res.statusCode, 200)
  const entries = res.json().entries as { actor: string | null; action: string; target: string | null; outcome: string; detail: string | null }[]
  const has = (actor: string | null, action: string, target: string | null, outcome: string, detail: string | null) =>
    assert.ok(entries.some((e) => e.actor === actor && e.action === action && e.target === target && e.outcome === outcome && e.detail === detail), `${actor} ${action} ${target} ${outcome} ${detail}`)
  has('cli:test', 'user.add', 'user:pat', 'ok', 'role planner')
  has('user:pat', 'sign-in', 'user:pat', 'ok', 'password')
  has('user:pat', 'password.change', 'user:pat', 'ok', null)
  has('user:pat', 'sign-out', 'user:pat', 'ok', null)
  has('user:eve', 'mfa', 'user:eve', 'refused', 'replayed code')
  has('user:eve', 'mfa', 'user:eve', 'refused', 'wrong code')
  has('user:eve', 'mfa.enrol', 'user:eve', 'ok', '10 recovery codes issued')
  has('token:test admin (#1, admin)', 'user.disable', 'user:dana', 'ok', null)
  has('token:test admin (#1, admin)', 'user.role', 'user:dana', 'ok', 'analyst -> planner')
  has(null, 'sign-in', 'user:dana', 'refused', 'account disabled')
  has(null, 'sign-in', null, 'refused', 'unknown username')
  // as CSV, the same entries
  const csv = await h.app.inject({ method: 'GET', url: '/api/audit?format=csv&action=user.disable', headers: bearer(h.tokens.admin) })
  assert.equal([csv.statusCode, csv.headers['content-type'], csv.body.split('\r\n')[0]], [200, 'text/csv; charset=utf-8', 'time,actor,address,action,target,outcome,detail'])
  assert.match(csv.body, /,"token:test admin \(#1, admin\)",127\.0\.0\.1,user\.disable,user:dana,ok,\r\n$/)
  // no password in the log lines or the audit answer; no session id or CSRF token in the logs
  const logs = JSON.stringify(h.logs)
  for (const secret of [PASSWORD, NEW_PASSWORD, 'wrong guess 0']) {
    assert.not.ok(logs.includes(secret), `a password in the logs: ${secret}`)
    assert.not.ok(res.body.includes(secret), `a password in the audit log: ${secret}`)
  }
  assert.not.match(logs, /civicnet_session=/)
  assert.not.match(logs, /"cookie"/)
  assert.ok(SEEN.size > 20, `${SEEN.size} secrets seen`)
  // no answer holds a session id or a password; a TOTP secret only in the enrolment answer that shows it
  const users = await h.app.inject({ method: 'GET', url: '/api/users', headers: bearer(h.tokens.admin) })
  ANSWERS.push({ url: '/api/users', body: users.body }, { url: '/api/audit', body: res.body })
  assert.ok(ANSWERS.length > 50, `${ANSWERS.length} answers`)
  for (const a of ANSWERS) {
    for (const id of IDS) assert.not.ok(a.body.includes(id), `a session id in the answer of ${a.url}`)
    for (const p of [PASSWORD, NEW_PASSWORD]) assert.not.ok(a.body.includes(p), `a password in the answer of ${a.url}`)
    if (a.url !== '/api/session/mfa/enrolment') for (const t of TOTP_SECRETS) assert.not.ok(a.body.includes(t), `a TOTP secret in the answer of ${a.url}`)
  }
  assert.not.match(users.body, /scrypt|password_?hash|mfa_?secret/i)
  for (const secret of SEEN) {
    assert.not.ok(logs.includes(secret), 'a session id, CSRF token or TOTP secret in the logs')
    assert.not.ok(res.body.includes(secret), 'a session id, CSRF token or TOTP secret in the audit log')
  }
})

test('token, incident and report acts are audited with their actor: a token, or a signed-in person', async ({ h }) => {
  const made = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(h.tokens.admin), payload: { role: 'planner', label: 'audited token' } })
  const id = made.json().id as number
  await h.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: bearer(h.tokens.admin) })
  const incident = openIncidentStore(h.appState.db).openByHand({ neighborhood: 'north', summary: 'audit test', aps: [], neighborhoods: [], place: null }, 'test', T)
  const ack = await h.app.inject({ method: 'POST', url: `/api/incidents/${incident.id}/ack`, headers: bearer(h.tokens.engineer) })
  assert.is(ack.statusCode, 200)
  // a signed-in analyst runs the grant report
  const b: Browser = { cookie: null, csrf: null }
  await h.accounts.addUser(cli, { username: 'rae', displayName: 'Rae', role: 'analyst', password: PASSWORD }, Date.now())
  await send(h, b, 'POST', '/api/session', { username: 'rae', password: PASSWORD })
  await send(h, b, 'POST', '/api/session/password', { current: PASSWORD, next: NEW_PASSWORD })
  await h.store.write([{ metric: 'device_up', device: 'sw-1', neighborhood: '', instance: '', value: 1, timeMs: T - 36 * 3_600_000 }])
  const report = await send(h, b, 'GET', '/api/reports?from=2026-01-15&to=2026-01-15&format=csv')
  assert.is(report.status, 200)
  const runs = await send(h, b, 'GET', '/api/reports/runs')
  const runId = runs.body.runs[0].id
  assert.equal(runs.body.runs[0].requestedBy, 'user:rae')
  const got = (action: string) => h.accounts.auditLog({ action }).map((e) => [e.actor, e.target, e.detail])
  assert.equal(got('token.create'), [['token:test admin (#1, admin)', `token:audited token (#${id})`, 'role planner']])
  assert.equal(got('token.revoke'), [['token:test admin (#1, admin)', `token:#${id}`, null]])
  assert.equal(got('incident.ack'), [['token:test engineer (#2, engineer)', `incident:${incident.id}`, null]])
  assert.equal(got('report.run'), [['user:rae', `report-run:${runId}`, 'csv 2026-01-15..2026-01-15']])
  assert.equal(ack.json().acknowledged.by, "engineer 'test engineer'")
})

test('every parameter at its bounds and past them: refused naming the field', async ({ h }) => {
  const a = bearer(h.tokens.admin)
  const rows: [string, string, object | undefined, Record<string, string>, number, string][] = [
    ['POST', '/api/session', { username: 'x'.repeat(255), password: 'y' }, {}, 400, 'invalid request: body.username must be 1 to 254 characters'],
    ['POST', '/api/session', { username: 'x'.repeat(254), password: 'y'.repeat(1024) }, {}, 401, 'wrong username or password'],
    ['POST', '/api/session', { username: 'a', password: 'y'.repeat(1025) }, {}, 400, 'invalid request: body.password must be 1 to 1024 characters'],
    ['POST', '/api/session', { username: 'a', password: 'b', extra: 1 }, {}, 400, "invalid request: body has unknown field 'extra'"],
    ['POST', '/api/session/mfa', { code: '12345' }, {}, 400, 'invalid request: body.code must be a 6-digit code or a recovery code'],
    ['POST', '/api/session/mfa', { code: '<script>' }, {}, 400, 'invalid request: body.code must be a 6-digit code or a recovery code'],
    ['GET', '/api/audit?limit=100000', undefined, a, 200, ''],
    ['GET', '/api/audit?limit=100001', undefined, a, 400, 'invalid request: querystring.limit must be <= 100000'],
    ['GET', '/api/audit?limit=0', undefined, a, 400, 'invalid request: querystring.limit must be >= 1'],
    ['GET', '/api/audit?action=DROP%20TABLE', undefined, a, 400, 'invalid request: querystring.action must be an action like sign-in, user.add or token.create'],
    ['GET', '/api/audit?fromMs=10&toMs=5', undefined, a, 400, 'bad time range: toMs (5) must be after fromMs (10)'],
    ['GET', '/api/audit?format=xml', undefined, a, 400, 'invalid request: querystring.format must be one of json, csv, jsonl'],
    ['GET', `/api/users/${'a'.repeat(64)}`, undefined, a, 404, `user '${'a'.repeat(64)}' not found (field 'username')`],
    ['GET', `/api/users/${'a'.repeat(65)}`, undefined, a, 400, 'invalid request: params.username must be 2 to 64 letters, digits, dots, dashes or underscores'],
    ['POST', '/api/users', { username: 'okname', displayName: 'x\u0007y', role: 'analyst' }, a, 400, "field 'displayName': display name must be 1 to 100 characters without control characters"],
    ['POST', '/api/users', { username: 'okname2', displayName: 'x', role: 'analyst', email: 'nope' }, a, 400, "field 'email': email must look like name@example.org"],
    // a cookie of the right shape that is no session, and one far too long: public, not an error
    ['GET', '/api/neighborhoods?geometry=false', undefined, { cookie: 'civicnet_session=' + 'A'.repeat(43) }, 200, ''],
    ['GET', '/api/neighborhoods?geometry=false', undefined, { cookie: 'civicnet_session=' + 'A'.repeat(5000) }, 200, ''],
  ]
  for (const [method, url, payload, headers, status, message] of rows) {
    const r = await h.app.inject({ method: method as 'GET', url, headers, ...(payload ? { payload } : {}) })
    assert.is(r.statusCode, status, `${method} ${url.slice(0, 60)}: ${r.body.slice(0, 200)}`)
    if (message) assert.is(r.json().message, message)
  }
})

test('idle and absolute limits end a session', async () => {
  const h = await harness({}, undefined, { sessionIdleMs: 1000, sessionAbsoluteMs: 60_000 })
  try {
    await h.accounts.addUser(cli, { username: 'ida', displayName: 'Ida', role: 'analyst', password: PASSWORD }, Date.now())
    const b: Browser = { cookie: null, csrf: null }
    await send(h, b, 'POST', '/api/session', { username: 'ida', password: PASSWORD })
    await send(h, b, 'POST', '/api/session/password', { current: PASSWORD, next: NEW_PASSWORD })
    assert.is((await send(h, b, 'GET', '/api/reports/runs')).status, 200)
    await new Promise((r) => setTimeout(r, 1100))
    const idle = await send(h, b, 'GET', '/api/reports/runs')
    assert.equal([idle.status, idle.body.message], [401, 'your session has ended (idle): sign in again'])
    // and the page asking who is signed in is told why
    assert.equal((await send(h, b, 'GET', '/api/session')).body.sessionEnded, 'idle')
  } finally {
    await h.close()
  }
})

test('over TLS (a trusted proxy says https) the cookie is Secure and named __Host-', async () => {
  const h = await harness({ trustProxy: ['127.0.0.1'] })
  try {
    await h.accounts.addUser(cli, { username: 'tls', displayName: 'TLS', role: 'analyst', password: PASSWORD }, Date.now())
    const res = await h.app.inject({ method: 'POST', url: '/api/session', headers: { 'x-forwarded-proto': 'https', 'x-forwarded-for': '203.0.113.9' }, payload: { username: 'tls', password: PASSWORD } })
    const lines = res.headers['set-cookie'] as string[]
    assert.equal(lines.map((l) => l.replace(/=[A-Za-z0-9_-]{43};/, '=ID;')), [
      '__Host-civicnet_session=ID; Path=/; HttpOnly; SameSite=Strict; Max-Age=43200; Secure',
      'civicnet_session=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0; Secure',
    ])
    const id = /^__Host-civicnet_session=([^;]+)/.exec(lines[0]!)![1]
    const who = await h.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: `__Host-civicnet_session=${id}`, 'x-forwarded-proto': 'https' } })
    assert.equal([who.json().user.username, who.json().scope], ['tls', 'public'])
    const audit = h.accounts.auditLog({ action: 'sign-in', limit: 1 })[0]!
    assert.equal([audit.actor, audit.address], ['user:tls', '203.0.113.9'])
  } finally {
    await h.close()
  }
})

test.run()
