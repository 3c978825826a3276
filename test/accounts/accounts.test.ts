/**
 * accounts/index.ts on a real SQLite app state (openAppState(':memory:')): sign-in with and
 * without a second factor, enrolment, replay, recovery codes, session limits, revocation by
 * disable and role change, lockout per username and per address, the audit log (right actor,
 * no secret anywhere in it) and pruning. scrypt runs at N=2^10 here (allowTestCost) so the
 * file stays fast; passwords.test.ts covers the real cost.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { createAccounts, PasswordPolicyError, resolveAccountsConfig, SIGN_IN_REFUSED, type Accounts, type AccountsConfig } from '../../accounts/index.ts'
import { openAccountStore } from '../../accounts/store.ts'
import { base32Decode, hotp, totp, totpStep } from '../../accounts/totp.ts'

const KEY = Buffer.alloc(32, 7)
const CLI = { name: 'cli', address: null }
const T0 = Date.UTC(2026, 11, 1, 14, 0, 0)
const MIN = 60_000
const ADDR = '203.0.113.10'
const PASSWORD = 'plain kettle morning 42'

interface Ctx {
  state: AppState
  accounts: Accounts
  /** every secret handed out, for the audit scan */
  secrets: string[]
}

function open(config: Partial<AccountsConfig> = {}, state = openAppState(':memory:'), key = KEY): Ctx {
  const accounts = createAccounts({ db: state.db, key, config: { scrypt: { logN: 10, r: 8, p: 1 }, ...config }, allowTestCost: true })
  return { state, accounts, secrets: [] }
}

/** Adds a user with a known password, as an admin would, and clears must-change through the API. */
async function addUser(ctx: Ctx, username: string, role: 'admin' | 'engineer' | 'analyst' | 'planner', password = PASSWORD): Promise<void> {
  await ctx.accounts.addUser(CLI, { username, displayName: username, role, password }, T0)
  ctx.secrets.push(password)
}

/** Enrols MFA for a user through an enrolment ticket; returns the secret and recovery codes. */
async function enrol(ctx: Ctx, username: string, nowMs: number): Promise<{ secret: Buffer; recoveryCodes: string[]; sessionId: string }> {
  const r = await ctx.accounts.signIn(username, PASSWORD, ADDR, nowMs)
  assert.is(r.kind, 'needs-mfa-enrolment')
  const ticket = (r as { ticket: string }).ticket
  const started = (await ctx.accounts.beginMfaEnrolment(ticket, ADDR, nowMs))!
  const secret = base32Decode(started.secret)
  const done = ctx.accounts.confirmMfaEnrolment(ticket, totp(secret, nowMs), ADDR, nowMs)
  assert.ok(done.ok)
  const { recoveryCodes, session } = done as { recoveryCodes: string[]; session: { kind: 'session'; sessionId: string } }
  ctx.secrets.push(ticket, started.secret, started.uri, ...recoveryCodes, session.sessionId)
  return { secret, recoveryCodes, sessionId: session.sessionId }
}

const sessionId = (r: unknown): string => {
  assert.is((r as { kind: string }).kind, 'session')
  return (r as { sessionId: string }).sessionId
}

const signIn = suite<Ctx>('signIn without a second factor')
signIn.before.each(async (ctx) => {
  Object.assign(ctx, open())
  await addUser(ctx, 'ana', 'analyst')
})

signIn('an analyst signs in with the password alone and gets a session', async ({ accounts }) => {
  const r = await accounts.signIn('ana', PASSWORD, ADDR, T0)
  const id = sessionId(r)
  assert.match(id, /^[A-Za-z0-9_-]{43}$/)
  assert.is((r as { expiresMs: number }).expiresMs, T0 + 12 * 60 * MIN)
  const check = accounts.validateSession(id, T0 + MIN)
  assert.equal(check, { ok: true, user: accounts.user('ana'), createdMs: T0, absoluteExpiresMs: T0 + 12 * 60 * MIN, idleExpiresMs: T0 + 31 * MIN })
})

signIn('usernames are matched without case', async ({ accounts }) => {
  assert.is((await accounts.signIn('ANA', PASSWORD, ADDR, T0)).kind, 'session')
})

signIn('an unknown username, a wrong password and a disabled account get one and the same answer', async (ctx) => {
  const { accounts } = ctx
  const refused = { kind: 'refused', reason: 'invalid', message: SIGN_IN_REFUSED }
  assert.equal(await accounts.signIn('nobody', PASSWORD, ADDR, T0), refused)
  assert.equal(await accounts.signIn('ana', 'plain kettle morning 43', ADDR, T0), refused)
  await addUser(ctx, 'root', 'admin')
  accounts.disableUser(CLI, 'ana', T0)
  assert.equal(await accounts.signIn('ana', PASSWORD, ADDR, T0), refused)
  assert.is(SIGN_IN_REFUSED, 'wrong username or password')
})

signIn('the session id is stored only as its SHA-256', async ({ accounts, state }) => {
  const id = sessionId(await accounts.signIn('ana', PASSWORD, ADDR, T0))
  const rows = state.db.prepare('SELECT id_sha256 FROM account_sessions').all() as { id_sha256: string }[]
  const { createHash } = await import('node:crypto')
  assert.equal(rows, [{ id_sha256: createHash('sha256').update(id).digest('hex') }])
})

signIn('an admin-made account must change its password; the change ends the old session and gives a new one', async ({ accounts }) => {
  const made = await accounts.addUser(CLI, { username: 'pat', displayName: 'Pat Planner', role: 'planner' }, T0)
  assert.match(made.oneTimePassword!, /^[a-z2-7]{4}(-[a-z2-7]{4}){5}$/)
  assert.is(made.user.mustChangePassword, true)
  const first = sessionId(await accounts.signIn('pat', made.oneTimePassword!, ADDR, T0))
  assert.is((accounts.validateSession(first, T0) as { user: { mustChangePassword: boolean } }).user.mustChangePassword, true)
  try {
    await accounts.changePassword(first, made.oneTimePassword!, 'qwerty123456', ADDR, T0)
    assert.unreachable('a common password is refused')
  } catch (err) {
    assert.instance(err, PasswordPolicyError)
    assert.not.match((err as Error).message, /qwerty123456/)
  }
  assert.equal(await accounts.changePassword(first, 'not the one', 'tidal basin quarry 7', ADDR, T0), { kind: 'refused', reason: 'invalid', message: 'the current password is wrong' })
  const next = sessionId(await accounts.changePassword(first, made.oneTimePassword!, 'tidal basin quarry 7', ADDR, T0 + MIN))
  assert.equal(accounts.validateSession(first, T0 + MIN), { ok: false, reason: 'revoked' })
  assert.is((accounts.validateSession(next, T0 + MIN) as { user: { mustChangePassword: boolean } }).user.mustChangePassword, false)
  assert.is((await accounts.signIn('pat', made.oneTimePassword!, ADDR, T0 + 2 * MIN)).kind, 'refused')
  assert.is((await accounts.signIn('pat', 'tidal basin quarry 7', ADDR, T0 + 2 * MIN)).kind, 'session')
})

signIn('a hash cheaper than the configured cost is re-hashed at the next good sign-in', async ({ accounts, state }) => {
  const stronger = createAccounts({ db: state.db, key: KEY, config: { scrypt: { logN: 11, r: 8, p: 1 } }, allowTestCost: true })
  const hashOf = () => (state.db.prepare(`SELECT password_hash FROM account_users WHERE username = 'ana'`).get() as { password_hash: string }).password_hash
  assert.match(hashOf(), /^\$scrypt\$ln=10,/)
  assert.is((await stronger.signIn('ana', PASSWORD, ADDR, T0)).kind, 'session')
  assert.match(hashOf(), /^\$scrypt\$ln=11,/)
  assert.is((await accounts.signIn('ana', PASSWORD, ADDR, T0)).kind, 'session')
  void accounts
})

signIn.run()

const limits = suite<Ctx>('session limits and sign-out')
limits.before.each(async (ctx) => {
  Object.assign(ctx, open())
  await addUser(ctx, 'ana', 'analyst')
})

limits('a session used within 30 minutes lives on; 30 minutes unused ends it', async ({ accounts }) => {
  const id = sessionId(await accounts.signIn('ana', PASSWORD, ADDR, T0))
  assert.ok(accounts.validateSession(id, T0 + 29 * MIN).ok)
  assert.ok(accounts.validateSession(id, T0 + 58 * MIN).ok, '29 min after the last use')
  assert.equal(accounts.validateSession(id, T0 + 88 * MIN), { ok: false, reason: 'idle' })
  assert.equal(accounts.validateSession(id, T0 + 89 * MIN), { ok: false, reason: 'idle' }, 'it says why until pruned')
  assert.is(accounts.prune(T0 + 89 * MIN).sessions, 1)
  assert.equal(accounts.validateSession(id, T0 + 89 * MIN), { ok: false, reason: 'unknown' }, 'and then it is gone')
})

limits('a session in use ends at 12 hours all the same', async ({ accounts }) => {
  const id = sessionId(await accounts.signIn('ana', PASSWORD, ADDR, T0))
  for (let t = T0 + 20 * MIN; t < T0 + 12 * 60 * MIN; t += 20 * MIN) assert.ok(accounts.validateSession(id, t).ok)
  assert.equal(accounts.validateSession(id, T0 + 12 * 60 * MIN), { ok: false, reason: 'expired' })
})

limits('the limits are configurable', async () => {
  const ctx = open({ sessionIdleMs: 5 * MIN, sessionAbsoluteMs: 60 * MIN })
  await addUser(ctx, 'ana', 'analyst')
  const id = sessionId(await ctx.accounts.signIn('ana', PASSWORD, ADDR, T0))
  assert.equal(ctx.accounts.validateSession(id, T0 + 5 * MIN), { ok: false, reason: 'idle' })
})

limits('sign-out ends the session server-side', async ({ accounts }) => {
  const id = sessionId(await accounts.signIn('ana', PASSWORD, ADDR, T0))
  assert.is(accounts.signOut(id, ADDR, T0 + MIN), true)
  assert.equal(accounts.validateSession(id, T0 + MIN), { ok: false, reason: 'unknown' })
  assert.is(accounts.signOut(id, ADDR, T0 + MIN), false)
})

limits('disabling a user ends their live session at once; enabling does not bring it back', async (ctx) => {
  const { accounts } = ctx
  await addUser(ctx, 'root', 'admin')
  const id = sessionId(await accounts.signIn('ana', PASSWORD, ADDR, T0))
  accounts.disableUser(CLI, 'ana', T0 + MIN)
  assert.is(accounts.validateSession(id, T0 + MIN).ok, false)
  accounts.enableUser(CLI, 'ana', T0 + 2 * MIN)
  assert.is(accounts.validateSession(id, T0 + 2 * MIN).ok, false)
})

limits('a role change ends the session; a session older than the role_version is refused even if it survived', async ({ accounts, state }) => {
  const id = sessionId(await accounts.signIn('ana', PASSWORD, ADDR, T0))
  accounts.changeRole(CLI, 'ana', 'planner', T0 + MIN)
  assert.is(accounts.validateSession(id, T0 + MIN).ok, false)
  const again = sessionId(await accounts.signIn('ana', PASSWORD, ADDR, T0 + MIN))
  assert.is((accounts.validateSession(again, T0 + MIN) as { user: { role: string } }).user.role, 'planner')
  // The backstop: a row left behind (another process's copy, say) with the old version.
  state.db.prepare('UPDATE account_users SET role_version = role_version + 1').run()
  assert.equal(accounts.validateSession(again, T0 + 2 * MIN), { ok: false, reason: 'revoked' })
})

limits('createSession (for a door that authenticated the person itself) gives a full session, audited with how', async (ctx) => {
  const { accounts } = ctx
  await addUser(ctx, 'root', 'admin')
  const s = accounts.createSession('root', 'oidc', ADDR, T0)!
  assert.ok(accounts.validateSession(s.sessionId, T0).ok)
  assert.is(accounts.createSession('nobody', 'oidc', ADDR, T0), undefined)
  accounts.disableUser(CLI, 'ana', T0)
  assert.is(accounts.createSession('ana', 'oidc', ADDR, T0), undefined)
  assert.equal(accounts.auditLog({ action: 'sign-in' }).map((e) => [e.actor, e.target, e.outcome, e.detail]), [
    [null, 'user:ana', 'refused', 'oidc: account disabled'],
    [null, null, 'refused', 'oidc: unknown username'],
    ['user:root', 'user:root', 'ok', 'oidc'],
  ])
})

limits.run()

const mfa = suite<Ctx>('MFA: enrolment, codes, replay, recovery')
mfa.before.each(async (ctx) => {
  Object.assign(ctx, open())
  await addUser(ctx, 'eve', 'engineer')
})

mfa('an engineer without MFA gets an enrolment ticket, which is not a session', async ({ accounts }) => {
  const r = await accounts.signIn('eve', PASSWORD, ADDR, T0)
  assert.is(r.kind, 'needs-mfa-enrolment')
  assert.is((r as { expiresMs: number }).expiresMs, T0 + 10 * MIN)
  assert.equal(accounts.validateSession((r as { ticket: string }).ticket, T0), { ok: false, reason: 'unknown' })
})

mfa('enrolment: URI and QR for the new secret, a wrong code refused, the right one gives ten recovery codes and a session', async ({ accounts }) => {
  const r = (await accounts.signIn('eve', PASSWORD, ADDR, T0)) as { ticket: string }
  const started = (await accounts.beginMfaEnrolment(r.ticket, ADDR, T0))!
  assert.match(started.secret, /^[A-Z2-7]{32}$/)
  assert.is(started.uri, `otpauth://totp/CivicNet:eve?secret=${started.secret}&issuer=CivicNet&algorithm=SHA1&digits=6&period=30`)
  assert.match(started.qrSvg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg"/)
  const secret = base32Decode(started.secret)
  const wrong = hotp(secret, totpStep(T0) + 5)
  assert.equal(accounts.confirmMfaEnrolment(r.ticket, wrong, ADDR, T0), { ok: false, result: { kind: 'refused', reason: 'invalid', message: 'wrong code: check the time on the phone and try the next one' } })
  const done = accounts.confirmMfaEnrolment(r.ticket, totp(secret, T0), ADDR, T0) as { ok: true; recoveryCodes: string[]; session: { sessionId: string } }
  assert.is(done.ok, true)
  assert.is(done.recoveryCodes.length, 10)
  assert.ok(accounts.validateSession(done.session.sessionId, T0).ok)
  assert.is(accounts.user('eve')!.mfaEnrolled, true)
  assert.equal(accounts.validateSession(r.ticket, T0), { ok: false, reason: 'unknown' }, 'the ticket is spent')
})

mfa('the TOTP secret is stored encrypted; another key cannot read it', async (ctx) => {
  const { secret } = await enrol(ctx, 'eve', T0)
  const row = ctx.state.db.prepare(`SELECT mfa_secret FROM account_users WHERE username = 'eve'`).get() as { mfa_secret: Buffer }
  assert.is(row.mfa_secret.length, 12 + 16 + 20)
  assert.is(row.mfa_secret.indexOf(secret), -1)
  const other = createAccounts({ db: ctx.state.db, key: Buffer.alloc(32, 8), config: { scrypt: { logN: 10, r: 8, p: 1 } }, allowTestCost: true })
  const t = (await other.signIn('eve', PASSWORD, ADDR, T0 + MIN)) as { ticket: string }
  assert.throws(() => other.verifyMfa(t.ticket, totp(secret, T0 + 31_000), ADDR, T0 + 31_000), /cannot be decrypted: the accounts key is not the one it was stored under/)
})

mfa('with MFA enrolled: the password gives a ticket, the code the session; a wrong or replayed code is refused', async (ctx) => {
  const { accounts } = ctx
  const { secret } = await enrol(ctx, 'eve', T0)
  const t1 = T0 + 5 * MIN
  const r = (await accounts.signIn('eve', PASSWORD, ADDR, t1)) as { kind: string; ticket: string }
  assert.is(r.kind, 'needs-mfa')
  assert.equal(accounts.verifyMfa(r.ticket, hotp(secret, totpStep(t1) - 3), ADDR, t1), { kind: 'refused', reason: 'invalid', message: 'wrong code' })
  const code = totp(secret, t1)
  const id = sessionId(accounts.verifyMfa(r.ticket, code, ADDR, t1))
  assert.ok(accounts.validateSession(id, t1).ok)
  assert.equal(accounts.verifyMfa(r.ticket, code, ADDR, t1), { kind: 'refused', reason: 'expired', message: 'this sign-in has expired or is not valid any more: sign in again' }, 'the ticket is spent')
  const again = (await accounts.signIn('eve', PASSWORD, ADDR, t1 + 10_000)) as { ticket: string }
  assert.equal(accounts.verifyMfa(again.ticket, code, ADDR, t1 + 10_000), { kind: 'refused', reason: 'invalid', message: 'that code was used already: wait for the next one' })
  assert.equal(accounts.verifyMfa(again.ticket, hotp(secret, totpStep(t1) - 1), ADDR, t1 + 10_000), { kind: 'refused', reason: 'invalid', message: 'that code was used already: wait for the next one' }, 'an earlier step too')
  assert.is(accounts.verifyMfa(again.ticket, totp(secret, t1 + 30_000), ADDR, t1 + 30_000).kind, 'session')
})

mfa('a ticket expires after 10 minutes', async (ctx) => {
  const { secret } = await enrol(ctx, 'eve', T0)
  const r = (await ctx.accounts.signIn('eve', PASSWORD, ADDR, T0 + MIN)) as { ticket: string }
  const late = T0 + 11 * MIN
  assert.is(ctx.accounts.verifyMfa(r.ticket, totp(secret, late), ADDR, late).kind, 'refused')
})

mfa('a recovery code stands in for a code once; the other nine remain', async (ctx) => {
  const { accounts, state } = ctx
  const { recoveryCodes } = await enrol(ctx, 'eve', T0)
  const r = (await accounts.signIn('eve', PASSWORD, ADDR, T0 + MIN)) as { ticket: string }
  assert.is(accounts.verifyMfa(r.ticket, recoveryCodes[3]!.toUpperCase(), ADDR, T0 + MIN).kind, 'session')
  const r2 = (await accounts.signIn('eve', PASSWORD, ADDR, T0 + 2 * MIN)) as { ticket: string }
  assert.equal(accounts.verifyMfa(r2.ticket, recoveryCodes[3]!, ADDR, T0 + 2 * MIN), { kind: 'refused', reason: 'invalid', message: 'wrong code' })
  assert.equal(state.db.prepare('SELECT count(*) AS n FROM account_recovery_codes WHERE used_ms IS NULL').get(), { n: 9 })
  assert.equal(accounts.auditLog({ action: 'mfa', limit: 2 }).map((e) => [e.outcome, e.detail]), [['refused', 'unknown or used recovery code'], ['ok', 'recovery code (9 left)']])
})

mfa('resetting MFA ends the sessions, drops secret and codes, and the next sign-in enrols again', async (ctx) => {
  const { accounts, state } = ctx
  const { sessionId: id } = await enrol(ctx, 'eve', T0)
  await addUser(ctx, 'root', 'admin')
  accounts.resetMfa({ name: 'user:root', address: ADDR }, 'eve', T0 + MIN)
  assert.is(accounts.validateSession(id, T0 + MIN).ok, false)
  assert.equal(state.db.prepare(`SELECT mfa_secret, mfa_enrolled FROM account_users WHERE username = 'eve'`).get(), { mfa_secret: null, mfa_enrolled: 0 })
  assert.equal(state.db.prepare('SELECT count(*) AS n FROM account_recovery_codes').get(), { n: 0 })
  assert.is((await accounts.signIn('eve', PASSWORD, ADDR, T0 + 2 * MIN)).kind, 'needs-mfa-enrolment')
})

mfa('MFA is configurable for analysts and planners; an enrolled analyst is asked for the code', async () => {
  const ctx = open({ mfaRequiredRoles: ['admin', 'engineer', 'analyst'] })
  await addUser(ctx, 'ana', 'analyst')
  await addUser(ctx, 'pat', 'planner')
  assert.is((await ctx.accounts.signIn('ana', PASSWORD, ADDR, T0)).kind, 'needs-mfa-enrolment')
  assert.is((await ctx.accounts.signIn('pat', PASSWORD, ADDR, T0)).kind, 'session')
  // A planner may enrol from a full session, and is then asked for the code.
  const pat = sessionId(await ctx.accounts.signIn('pat', PASSWORD, ADDR, T0))
  const started = (await ctx.accounts.beginMfaEnrolment(pat, ADDR, T0))!
  const done = ctx.accounts.confirmMfaEnrolment(pat, totp(base32Decode(started.secret), T0), ADDR, T0)
  assert.equal([done.ok, (done as { session: unknown }).session], [true, null], 'the session it came from goes on')
  assert.is((await ctx.accounts.signIn('pat', PASSWORD, ADDR, T0 + MIN)).kind, 'needs-mfa')
})

mfa('the store accepts a step only once and only forward (two requests with one code: one wins)', () => {
  const store = openAccountStore(openAppState(':memory:').db)
  const u = store.insertUser({ username: 'eve', displayName: 'Eve', email: null, role: 'engineer', passwordHash: '$scrypt$ln=10,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', mustChangePassword: false }, T0)
  assert.equal([store.acceptMfaStep(u.id, 5), store.acceptMfaStep(u.id, 5), store.acceptMfaStep(u.id, 4), store.acceptMfaStep(u.id, 6)], [true, false, false, true])
  assert.is(store.userById(u.id)!.mfaLastStep, 6)
})

mfa.run()

const lockout = suite<Ctx>('lockout and rate limits')
lockout.before.each(async (ctx) => {
  Object.assign(ctx, open())
  await addUser(ctx, 'ana', 'analyst')
})

lockout('5 failures in 15 minutes lock a username, known or not, with the same message; the window then frees it', async ({ accounts }) => {
  for (let i = 0; i < 5; i++) {
    assert.is((await accounts.signIn('ana', 'wrong wrong wrong', ADDR, T0 + i * MIN)).kind, 'refused')
    assert.is((await accounts.signIn('ghost', 'wrong wrong wrong', '198.51.100.' + i, T0 + i * MIN)).kind, 'refused')
  }
  const known = await accounts.signIn('ana', PASSWORD, '192.0.2.1', T0 + 5 * MIN)
  const unknown = await accounts.signIn('ghost', PASSWORD, '192.0.2.1', T0 + 5 * MIN)
  const locked = { kind: 'refused', reason: 'locked', retryAfterMs: 10 * MIN, message: 'too many failed sign-ins: try again in 10 min' }
  assert.equal(known, locked)
  assert.equal(unknown, locked)
  assert.is((await accounts.signIn('ana', PASSWORD, '192.0.2.1', T0 + 15 * MIN)).kind, 'session', 'the first failure has left the window')
})

lockout('a good sign-in clears the username\'s failures', async ({ accounts }) => {
  for (let i = 0; i < 4; i++) await accounts.signIn('ana', 'wrong wrong wrong', ADDR, T0)
  assert.is((await accounts.signIn('ana', PASSWORD, ADDR, T0)).kind, 'session')
  for (let i = 0; i < 4; i++) await accounts.signIn('ana', 'wrong wrong wrong', ADDR, T0)
  assert.is((await accounts.signIn('ana', PASSWORD, ADDR, T0)).kind, 'session')
})

lockout('20 failures from one address lock it for every username; other addresses are not affected', async ({ accounts }) => {
  for (let i = 0; i < 20; i++) await accounts.signIn(`user${i}`, 'wrong wrong wrong', ADDR, T0)
  assert.is((await accounts.signIn('ana', PASSWORD, ADDR, T0 + MIN)).kind, 'refused')
  assert.is(((await accounts.signIn('ana', PASSWORD, ADDR, T0 + MIN)) as { reason: string }).reason, 'locked')
  assert.is((await accounts.signIn('ana', PASSWORD, '192.0.2.1', T0 + MIN)).kind, 'session')
})

lockout('good sign-ins do not count against an address (an office behind one NAT)', async ({ accounts }) => {
  for (let i = 0; i < 25; i++) assert.is((await accounts.signIn('ana', PASSWORD, ADDR, T0)).kind, 'session')
})

lockout('parallel guesses are all counted, though none had failed when they began', async ({ accounts }) => {
  const results = await Promise.all(Array.from({ length: 8 }, () => accounts.signIn('ana', 'wrong wrong wrong', ADDR, T0)))
  assert.equal(results.map((r) => r.kind), Array(8).fill('refused'))
  assert.is(((await accounts.signIn('ana', PASSWORD, ADDR, T0)) as { reason: string }).reason, 'locked')
})

lockout('wrong MFA codes count too: the fifth locks the username and drops the ticket', async (ctx) => {
  await addUser(ctx, 'eve', 'engineer')
  const { secret } = await enrol(ctx, 'eve', T0)
  const t = T0 + MIN
  for (let i = 0; i < 5; i++) {
    const r = (await ctx.accounts.signIn('eve', PASSWORD, ADDR, t)) as { ticket: string }
    assert.is(ctx.accounts.verifyMfa(r.ticket, hotp(secret, totpStep(t) + 9), ADDR, t).kind, 'refused')
  }
  assert.is(((await ctx.accounts.signIn('eve', PASSWORD, ADDR, t)) as { reason: string }).reason, 'locked')
})

lockout.run()

const admin = suite<Ctx>('admin actions and the audit log')
admin.before.each(async (ctx) => {
  Object.assign(ctx, open())
  await addUser(ctx, 'root', 'admin')
})

admin('bad input is refused naming the field', async ({ accounts }) => {
  const cases: [Record<string, unknown>, RegExp][] = [
    [{ username: 'a', displayName: 'A', role: 'analyst' }, /username must be 2 to 64 letters/],
    [{ username: 'a b', displayName: 'A', role: 'analyst' }, /username must be/],
    [{ username: 'ab', displayName: '', role: 'analyst' }, /display name must be 1 to 100 characters/],
    [{ username: 'ab', displayName: 'A\nB', role: 'analyst' }, /display name must be 1 to 100 characters without control characters/],
    [{ username: 'ab', displayName: 'A', email: 'nope', role: 'analyst' }, /email must look like name@example.org/],
    [{ username: 'ab', displayName: 'A', role: 'mayor' }, /role must be one of admin, engineer, analyst, planner/],
    [{ username: 'ROOT', displayName: 'A', role: 'analyst' }, /an account named 'ROOT' exists already/],
  ]
  for (const [u, message] of cases) {
    try {
      await accounts.addUser(CLI, u as never, T0)
      assert.unreachable(JSON.stringify(u))
    } catch (err) {
      assert.match((err as Error).message, message)
    }
  }
  assert.throws(() => accounts.disableUser(CLI, 'nobody', T0), /no account named 'nobody'/)
})

admin('the last enabled admin cannot be disabled or demoted', async ({ accounts }) => {
  assert.throws(() => accounts.disableUser(CLI, 'root', T0), /'root' is the last enabled admin: make another admin first/)
  assert.throws(() => accounts.changeRole(CLI, 'root', 'engineer', T0), /last enabled admin/)
  await accounts.addUser(CLI, { username: 'root2', displayName: 'Second', role: 'admin', password: 'second admin pass 1' }, T0)
  accounts.changeRole(CLI, 'root', 'engineer', T0)
  assert.is(accounts.user('root')!.role, 'engineer')
})

admin('every act is in the audit log with its actor, and no password, code, secret, ticket or session id is', async (ctx) => {
  const { accounts, state } = ctx
  const rootActor = { name: 'user:root', address: ADDR }
  const made = await accounts.addUser(rootActor, { username: 'eve', displayName: 'Eve Engineer', role: 'engineer', password: PASSWORD }, T0)
  ctx.secrets.push(made.user.username === 'eve' ? PASSWORD : '')
  const { secret, sessionId: id } = await enrol(ctx, 'eve', T0 + MIN)
  accounts.signOut(id, ADDR, T0 + 2 * MIN)
  await accounts.signIn('eve', 'typed the wrong one', ADDR, T0 + 3 * MIN)
  await accounts.signIn('typed-password-here', PASSWORD, ADDR, T0 + 3 * MIN)
  const r = (await accounts.signIn('eve', PASSWORD, ADDR, T0 + 4 * MIN)) as { ticket: string }
  const code = totp(secret, T0 + 4 * MIN)
  const s = accounts.verifyMfa(r.ticket, code, ADDR, T0 + 4 * MIN) as { sessionId: string }
  ctx.secrets.push(r.ticket, s.sessionId, code, 'typed the wrong one', 'typed-password-here')
  accounts.changeRole(rootActor, 'eve', 'analyst', T0 + 5 * MIN)
  accounts.resetMfa(rootActor, 'eve', T0 + 6 * MIN)
  const otp = await accounts.resetPassword(rootActor, 'eve', T0 + 7 * MIN)
  ctx.secrets.push(otp)
  accounts.disableUser(rootActor, 'eve', T0 + 8 * MIN)
  accounts.recordAudit({ timeMs: T0 + 9 * MIN, actor: 'user:root', address: ADDR, action: 'token.create', target: 'token:grafana', outcome: 'ok', detail: 'role analyst' })

  const log = accounts.auditLog().reverse().map((e) => [e.timeMs - T0, e.actor, e.action, e.target, e.outcome, e.detail])
  assert.equal(log, [
    [0, 'cli', 'user.add', 'user:root', 'ok', 'role admin'],
    [0, 'user:root', 'user.add', 'user:eve', 'ok', 'role engineer'],
    [MIN, 'user:eve', 'sign-in', 'user:eve', 'ok', 'password right, MFA enrolment required'],
    [MIN, 'user:eve', 'mfa.enrol-start', 'user:eve', 'ok', null],
    [MIN, 'user:eve', 'mfa.enrol', 'user:eve', 'ok', '10 recovery codes issued'],
    [2 * MIN, 'user:eve', 'sign-out', 'user:eve', 'ok', null],
    [3 * MIN, null, 'sign-in', 'user:eve', 'refused', 'wrong password'],
    [3 * MIN, null, 'sign-in', null, 'refused', 'unknown username'],
    [4 * MIN, 'user:eve', 'sign-in', 'user:eve', 'ok', 'password right, code awaited'],
    [4 * MIN, 'user:eve', 'mfa', 'user:eve', 'ok', 'code'],
    [5 * MIN, 'user:root', 'user.role', 'user:eve', 'ok', 'engineer -> analyst'],
    [6 * MIN, 'user:root', 'user.reset-mfa', 'user:eve', 'ok', null],
    [7 * MIN, 'user:root', 'user.reset-password', 'user:eve', 'ok', null],
    [8 * MIN, 'user:root', 'user.disable', 'user:eve', 'ok', null],
    [9 * MIN, 'user:root', 'token.create', 'token:grafana', 'ok', 'role analyst'],
  ])
  assert.equal([...new Set(accounts.auditLog().map((e) => e.address))], [ADDR, null])
  const dump = JSON.stringify(state.db.prepare('SELECT * FROM account_audit').all()) + JSON.stringify(state.db.prepare('SELECT * FROM account_failures').all())
  for (const s of ctx.secrets) assert.not.ok(dump.includes(s), `a secret is in the audit log or the counters: ${s.slice(0, 4)}...`)
  assert.not.ok(dump.includes(secret.toString('hex')))
})

admin('the audit log filters by action, actor and time', async ({ accounts }) => {
  await accounts.signIn('root', 'wrong wrong wrong', ADDR, T0 + MIN)
  assert.is(accounts.auditLog({ action: 'sign-in' }).length, 1)
  assert.is(accounts.auditLog({ actor: 'cli' }).length, 1)
  assert.is(accounts.auditLog({ fromMs: T0 + MIN }).length, 1)
  assert.is(accounts.auditLog({ toMs: T0 + MIN }).length, 1)
})

admin('prune drops audit entries past retention, ended sessions and old failures', async ({ accounts }) => {
  const DAY = 24 * 60 * MIN
  assert.is((await accounts.signIn('root', PASSWORD, ADDR, T0)).kind, 'needs-mfa-enrolment', 'a ticket row, ended after 10 min')
  await accounts.signIn('root', 'wrong wrong wrong', ADDR, T0 + DAY)
  accounts.recordAudit({ timeMs: T0 + 366 * DAY, actor: 'cli', address: null, action: 'report.run', target: null, outcome: 'ok', detail: null })
  assert.equal(accounts.prune(T0 + 366 * DAY), { sessions: 1, failures: 2, audit: 2 })
  assert.equal(accounts.auditLog().map((e) => e.action), ['report.run', 'sign-in'])
})

admin.run()

const config = suite('resolveAccountsConfig')

config('defaults: 30 min idle, 12 h absolute, MFA for admin and engineer, 5 / 20 failures in 15 min, 365 days of audit', () => {
  const c = resolveAccountsConfig()
  assert.equal([c.sessionIdleMs, c.sessionAbsoluteMs, [...c.mfaRequiredRoles], c.lockoutAccountMax, c.lockoutAddressMax, c.lockoutWindowMs, c.auditRetentionMs / 86_400_000],
    [30 * MIN, 12 * 60 * MIN, ['admin', 'engineer'], 5, 20, 15 * MIN, 365])
  assert.ok(Object.isFrozen(c))
})

config('a wrong field is named', () => {
  assert.throws(() => resolveAccountsConfig({ sessionIdleMs: 0 }), /accounts config sessionIdleMs must be an integer of at least 1000 \(got 0\)/)
  assert.throws(() => resolveAccountsConfig({ sessionIdleMs: 13 * 60 * MIN }), /sessionIdleMs \(46800000\) must not exceed sessionAbsoluteMs/)
  assert.throws(() => resolveAccountsConfig({ mfaRequiredRoles: ['engineer'] }), /mfaRequiredRoles must include admin and engineer \(analyst and planner are optional\)/)
  assert.throws(() => resolveAccountsConfig({ mfaRequiredRoles: ['admin'] }), /must include admin and engineer/)
  assert.throws(() => resolveAccountsConfig({ mfaRequiredRoles: ['admin', 'mayor' as never] }), /mfaRequiredRoles holds 'mayor'/)
  assert.throws(() => createAccounts({ db: openAppState(':memory:').db, key: Buffer.alloc(16) }), /accounts key must be 32 bytes/)
})

config.run()
