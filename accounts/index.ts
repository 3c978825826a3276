/**
 * Staff accounts, the domain the API, the CLI and the web call: `createAccounts(deps)`.
 * No HTTP, no cookies, no argv: a door passes the caller's address and the time in, and
 * carries session ids out (a cookie, for the web).
 *
 * Signing in is two steps for anyone with a second factor: `signIn` (username, password)
 * answers `needs-mfa` with a short-lived ticket, `verifyMfa` (ticket, code) answers the
 * session. A role that requires MFA (admin and engineer by default) without it enrolled gets
 * `needs-mfa-enrolment`: its ticket admits nothing but `beginMfaEnrolment` and
 * `confirmMfaEnrolment`, which issues the session. Each step issues a new id, so an id seen
 * before a step is worthless after it.
 *
 * Refusals do not say whether an account exists: one message for an unknown username, a
 * wrong password and a disabled account, the same scrypt work for each (an unknown username
 * is checked against a dummy hash of the same cost), and lockout counted per username typed,
 * existing or not. Failed attempts are counted before the password is checked (and taken
 * back when it was right), so a burst of parallel guesses is counted as it arrives.
 *
 * Sessions end at the idle limit (30 min), the absolute limit (12 h), sign-out, or any change
 * that raises the user's role_version: a role change, disabling, an MFA or password reset.
 *
 * The audit log's "from where" is the address in plain: it is staff's own sign-ins and
 * actions on a security log read by admins, which is only useful if it can be matched with
 * a firewall's or a reverse proxy's log in an investigation; it is pruned after the
 * retention period (365 days by default). That is unlike residents' addresses and client
 * MACs (docs/ARCHITECTURE.md, "Personal data"), which are HMAC'd because nobody needs them
 * back. The failure counters, which only count, use HMACs. The audit log never holds a
 * password, code, secret, session id or token, nor a username that matches no account
 * (people type passwords into the username field).
 */
import { createCipheriv, createDecipheriv, createHash, createHmac, hkdfSync, randomBytes } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { hasControlChars, isEmail, isUsername, USERNAME_RULE, withoutControlChars } from './names.ts'
import { checkPasswordPolicy, DEFAULT_SCRYPT, hashPassword, needsRehash, PasswordPolicyError, unusablePasswordHash, verifyPassword, type ScryptParams } from './passwords.ts'
import { ROLES, openAccountStore, publicUser, type AccountStore, type AuditEntry, type AuditQuery, type Role, type SessionRow, type SessionStage, type User, type UserSecrets } from './store.ts'
import { base32Decode, base32Encode, checkTotp, generateRecoveryCodes, generateTotpSecret, hashRecoveryCode, isRecoveryCodeShape, otpauthUri, qrSvg } from './totp.ts'

export { ROLES, type Role, type User, type AuditEntry, type AuditQuery }
export { PasswordPolicyError } from './passwords.ts'

const MINUTE = 60_000
const DAY = 24 * 60 * MINUTE

export interface AccountsConfig {
  /** a session unused this long ends (default 30 min) */
  sessionIdleMs: number
  /** a session ends this long after sign-in, used or not (default 12 h) */
  sessionAbsoluteMs: number
  /** how long a sign-in ticket waits for its code or its MFA enrolment (default 10 min) */
  mfaTicketMs: number
  /** roles that must have a second factor: admin and engineer always, analyst and planner if listed */
  mfaRequiredRoles: readonly Role[]
  /** failed sign-ins one username may have in `lockoutWindowMs` before it is locked (default 5) */
  lockoutAccountMax: number
  /** failed sign-ins one address may have in `lockoutWindowMs` before it is locked (default 20) */
  lockoutAddressMax: number
  /** the sliding window both limits count in (default 15 min) */
  lockoutWindowMs: number
  /** audit entries older than this are pruned (default 365 days) */
  auditRetentionMs: number
  /** scrypt cost of new password hashes (passwords.ts DEFAULT_SCRYPT) */
  scrypt: ScryptParams
  /** the issuer authenticator apps show beside the account (default 'CivicNet') */
  issuer: string
}

export const DEFAULT_ACCOUNTS_CONFIG: Readonly<AccountsConfig> = Object.freeze({
  sessionIdleMs: 30 * MINUTE,
  sessionAbsoluteMs: 12 * 60 * MINUTE,
  mfaTicketMs: 10 * MINUTE,
  mfaRequiredRoles: Object.freeze(['admin', 'engineer'] as Role[]),
  lockoutAccountMax: 5,
  lockoutAddressMax: 20,
  lockoutWindowMs: 15 * MINUTE,
  auditRetentionMs: 365 * DAY,
  scrypt: DEFAULT_SCRYPT,
  issuer: 'CivicNet',
})

/** Fills in the defaults and checks every field once; throws naming the field that is wrong. */
export function resolveAccountsConfig(partial: Partial<AccountsConfig> = {}): Readonly<AccountsConfig> {
  const c = { ...DEFAULT_ACCOUNTS_CONFIG, ...partial }
  const positive = (name: keyof AccountsConfig, v: number, min = 1) => {
    if (!Number.isSafeInteger(v) || v < min) throw new RangeError(`accounts config ${name} must be an integer of at least ${min} (got ${v})`)
  }
  positive('sessionIdleMs', c.sessionIdleMs, 1000)
  positive('sessionAbsoluteMs', c.sessionAbsoluteMs, 1000)
  if (c.sessionIdleMs > c.sessionAbsoluteMs) throw new RangeError(`accounts config sessionIdleMs (${c.sessionIdleMs}) must not exceed sessionAbsoluteMs (${c.sessionAbsoluteMs})`)
  positive('mfaTicketMs', c.mfaTicketMs, 1000)
  positive('lockoutAccountMax', c.lockoutAccountMax)
  positive('lockoutAddressMax', c.lockoutAddressMax)
  positive('lockoutWindowMs', c.lockoutWindowMs, 1000)
  positive('auditRetentionMs', c.auditRetentionMs, DAY)
  for (const r of c.mfaRequiredRoles) {
    if (!(ROLES as readonly string[]).includes(r)) throw new RangeError(`accounts config mfaRequiredRoles holds '${r}', which is not a role (${ROLES.join(', ')})`)
  }
  if (!c.mfaRequiredRoles.includes('admin') || !c.mfaRequiredRoles.includes('engineer')) throw new RangeError('accounts config mfaRequiredRoles must include admin and engineer (analyst and planner are optional)')
  if (typeof c.issuer !== 'string' || c.issuer.length === 0 || c.issuer.length > 64 || c.issuer.includes(':')) throw new RangeError('accounts config issuer must be 1 to 64 characters without a colon')
  return Object.freeze({ ...c, mfaRequiredRoles: Object.freeze([...c.mfaRequiredRoles]), scrypt: Object.freeze({ ...c.scrypt }) })
}

export interface AccountsDeps {
  /** the app-state database (store/app-state.ts `db`) */
  db: Database
  /**
   * 32 secret bytes, the same at every start: MFA secrets are encrypted and failure
   * counters keyed under keys derived from it. Losing it means every user enrols MFA again.
   */
  key: Buffer
  config?: Partial<AccountsConfig>
  /** admits scrypt costs below the 2^15 floor: tests only */
  allowTestCost?: boolean
}

/** Who acts, for the audit log: `user:<name>`, `token:<label>` or `cli`, and from where. */
export interface Actor {
  name: string
  address: string | null
}

export type AccountErrorCode = 'invalid-username' | 'invalid-display-name' | 'invalid-email' | 'invalid-role' | 'username-taken' | 'no-such-user' | 'last-admin' | 'already-enrolled'

/** A refused admin action; the message names the field or the user, never a secret. */
export class AccountError extends Error {
  constructor(readonly code: AccountErrorCode, message: string) {
    super(message)
    this.name = 'AccountError'
  }
}

/** What a sign-in step answers. Session ids and tickets are shown here once and stored hashed. */
export type SignInResult =
  | { kind: 'session'; sessionId: string; user: User; expiresMs: number }
  | { kind: 'needs-mfa'; ticket: string; expiresMs: number }
  | { kind: 'needs-mfa-enrolment'; ticket: string; expiresMs: number }
  | { kind: 'refused'; reason: 'invalid' | 'locked' | 'expired'; message: string; retryAfterMs?: number }

export type SessionCheck =
  | { ok: true; user: User; createdMs: number; idleExpiresMs: number; absoluteExpiresMs: number }
  | { ok: false; reason: 'unknown' | 'expired' | 'idle' | 'revoked' }

/** One message for an unknown username, a wrong password and a disabled account. */
export const SIGN_IN_REFUSED = 'wrong username or password'
const TICKET_EXPIRED = 'this sign-in has expired or is not valid any more: sign in again'


function sha256(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex')
}

function newId(): string {
  return randomBytes(32).toString('base64url')
}

/** A one-time password an admin hands over: 24 base32 characters (120 bits) in groups of four. */
function oneTimePassword(): string {
  return base32Encode(randomBytes(15)).toLowerCase().match(/.{4}/g)!.join('-')
}

export function createAccounts(deps: AccountsDeps) {
  if (!Buffer.isBuffer(deps.key) || deps.key.length !== 32) throw new RangeError('accounts key must be 32 bytes')
  const config = resolveAccountsConfig(deps.config)
  const store: AccountStore = openAccountStore(deps.db)
  const secretKey = Buffer.from(hkdfSync('sha256', deps.key, 'civicnet-accounts', 'mfa-secret', 32))
  const counterKey = Buffer.from(hkdfSync('sha256', deps.key, 'civicnet-accounts', 'failure-counter', 32))
  const hash = (password: string) => hashPassword(password, config.scrypt, deps.allowTestCost)
  // Made once at start, at the configured cost, so an unknown username costs what a known one does.
  // Made at the first sign-in, not at start (the CLI never signs anyone in), and awaited by
  // every sign-in, known username or not, so the first costs the same for both.
  let dummy: Promise<string> | undefined
  const dummyHash = () => (dummy ??= hash(randomBytes(16).toString('hex')))
  const counterId = (what: string) => createHmac('sha256', counterKey).update(what, 'utf8').digest('hex')
  const accountCounter = (username: string) => counterId('account:' + username.normalize('NFKC').toLowerCase())
  const addressCounter = (address: string) => counterId('address:' + address)

  function encryptSecret(userId: number, secret: Buffer): Buffer {
    const iv = randomBytes(12)
    const cipher = createCipheriv('aes-256-gcm', secretKey, iv)
    cipher.setAAD(Buffer.from(`account_users:${userId}`))
    const body = Buffer.concat([cipher.update(secret), cipher.final()])
    return Buffer.concat([iv, cipher.getAuthTag(), body])
  }

  function decryptSecret(userId: number, blob: Buffer): Buffer {
    const decipher = createDecipheriv('aes-256-gcm', secretKey, blob.subarray(0, 12))
    decipher.setAAD(Buffer.from(`account_users:${userId}`))
    decipher.setAuthTag(blob.subarray(12, 28))
    try {
      return Buffer.concat([decipher.update(blob.subarray(28)), decipher.final()])
    } catch (err) {
      throw new Error(`the MFA secret of user ${userId} cannot be decrypted: the accounts key is not the one it was stored under`, { cause: err })
    }
  }

  function audit(e: Omit<AuditEntry, 'timeMs' | 'detail' | 'target'> & { timeMs: number; target?: string | null; detail?: string | null }): void {
    store.addAudit({ target: null, detail: null, ...e })
  }

  /** The lock on a username or an address, if either is over its limit now. */
  function lockFor(username: string, address: string, nowMs: number): { retryAfterMs: number } | null {
    const since = nowMs - config.lockoutWindowMs
    for (const [kind, key, max] of [['account', accountCounter(username), config.lockoutAccountMax], ['address', addressCounter(address), config.lockoutAddressMax]] as const) {
      const { count, oldestMs } = store.failuresSince(kind, key, since)
      if (count >= max) return { retryAfterMs: Math.max(1000, oldestMs! + config.lockoutWindowMs - nowMs) }
    }
    return null
  }

  function lockedResult(retryAfterMs: number): SignInResult {
    return { kind: 'refused', reason: 'locked', retryAfterMs, message: `too many failed sign-ins: try again in ${Math.ceil(retryAfterMs / MINUTE)} min` }
  }

  /** Counts an attempt as failed now; `undo` takes it back once it turns out right. */
  function countAttempt(username: string, address: string, nowMs: number): { undo(): void } {
    const ids = [store.addFailure('account', accountCounter(username), nowMs), store.addFailure('address', addressCounter(address), nowMs)]
    return { undo: () => ids.forEach((id) => store.removeFailure(id)) }
  }

  function issue(user: UserSecrets, stage: SessionStage, nowMs: number): { id: string; expiresMs: number } {
    const id = newId()
    const expiresMs = nowMs + (stage === 'full' ? config.sessionAbsoluteMs : config.mfaTicketMs)
    store.insertSession({ idSha256: sha256(id), userId: user.id, stage, createdMs: nowMs, lastSeenMs: nowMs, absoluteExpiresMs: expiresMs, roleVersion: user.roleVersion })
    return { id, expiresMs }
  }

  function fullSession(user: UserSecrets, nowMs: number): SignInResult {
    const s = issue(user, 'full', nowMs)
    return { kind: 'session', sessionId: s.id, user: publicUser(user), expiresMs: s.expiresMs }
  }

  /** A ticket of one of `stages` that is still good, with its user; else undefined (and it is dropped). */
  function ticket(id: string, stages: readonly SessionStage[], nowMs: number): { row: SessionRow; user: UserSecrets } | undefined {
    const row = store.session(sha256(id))
    if (!row || !stages.includes(row.stage)) return undefined
    const user = store.userById(row.userId)
    const idle = row.stage === 'full' && nowMs - row.lastSeenMs >= config.sessionIdleMs
    if (!user || user.disabled || user.roleVersion !== row.roleVersion || nowMs >= row.absoluteExpiresMs || idle) {
      store.deleteSession(row.idSha256)
      return undefined
    }
    return { row, user }
  }

  function requireUser(username: string): UserSecrets {
    const user = store.userByUsername(username)
    if (!user) throw new AccountError('no-such-user', `no account named '${username}'`)
    return user
  }

  /** Refuses to disable or demote the last enabled admin: nobody could manage accounts after. */
  function keepAnAdmin(user: UserSecrets): void {
    if (user.role !== 'admin' || user.disabled) return
    const admins = store.listUsers().filter((u) => u.role === 'admin' && !u.disabled)
    if (admins.length <= 1) throw new AccountError('last-admin', `'${user.username}' is the last enabled admin: make another admin first`)
  }

  const mfaRequired = (role: Role) => config.mfaRequiredRoles.includes(role)

  return {
    config,

    /** Step one: username and password. */
    async signIn(username: string, password: string, address: string, nowMs: number): Promise<SignInResult> {
      const lock = lockFor(username, address, nowMs)
      const user = store.userByUsername(username)
      const target = user ? `user:${user.username}` : null
      if (lock) {
        audit({ timeMs: nowMs, actor: null, address, action: 'sign-in', target, outcome: 'refused', detail: 'locked out' })
        return lockedResult(lock.retryAfterMs)
      }
      const attempt = countAttempt(username, address, nowMs)
      const unknownsHash = await dummyHash()
      const right = await verifyPassword(password, user?.passwordHash ?? unknownsHash)
      if (!user || !right || user.disabled) {
        const why = !user ? 'unknown username' : !right ? 'wrong password' : 'account disabled'
        audit({ timeMs: nowMs, actor: null, address, action: 'sign-in', target, outcome: 'refused', detail: why })
        return { kind: 'refused', reason: 'invalid', message: SIGN_IN_REFUSED }
      }
      attempt.undo()
      if (needsRehash(user.passwordHash, config.scrypt)) store.updateUser(user.id, { passwordHash: await hash(password) }, nowMs, false)
      const actor = `user:${user.username}`
      if (user.mfaEnrolled || mfaRequired(user.role)) {
        const stage = user.mfaEnrolled ? 'mfa' : 'enrol'
        const t = issue(user, stage, nowMs)
        audit({ timeMs: nowMs, actor, address, action: 'sign-in', target: actor, outcome: 'ok', detail: stage === 'mfa' ? 'password right, code awaited' : 'password right, MFA enrolment required' })
        return { kind: stage === 'mfa' ? 'needs-mfa' : 'needs-mfa-enrolment', ticket: t.id, expiresMs: t.expiresMs }
      }
      // Earlier failures are forgiven only once the sign-in is whole: wrong codes count
      // against the username, and a right password must not wipe them.
      store.clearFailures('account', accountCounter(username))
      audit({ timeMs: nowMs, actor, address, action: 'sign-in', target: actor, outcome: 'ok', detail: 'password' })
      return fullSession(user, nowMs)
    },

    /** Step two: a TOTP code or one recovery code for a `needs-mfa` ticket. */
    verifyMfa(ticketId: string, code: string, address: string, nowMs: number): SignInResult {
      const t = ticket(ticketId, ['mfa'], nowMs)
      const sealed = t?.user.mfaSecret
      if (!t || !sealed) return { kind: 'refused', reason: 'expired', message: TICKET_EXPIRED }
      const { user } = t
      const actor = `user:${user.username}`
      const lock = lockFor(user.username, address, nowMs)
      if (lock) {
        store.deleteSession(t.row.idSha256)
        audit({ timeMs: nowMs, actor, address, action: 'mfa', target: actor, outcome: 'refused', detail: 'locked out' })
        return lockedResult(lock.retryAfterMs)
      }
      let why: string | null
      let how = 'code'
      if (isRecoveryCodeShape(code)) {
        how = 'recovery code'
        why = store.useRecoveryCode(user.id, hashRecoveryCode(code), nowMs) ? null : 'unknown or used recovery code'
        if (!why) how = `recovery code (${store.unusedRecoveryCodes(user.id)} left)`
      } else {
        const check = checkTotp(decryptSecret(user.id, sealed), code.trim(), nowMs, user.mfaLastStep)
        why = check.ok ? (store.acceptMfaStep(user.id, check.step) ? null : 'replayed code') : check.reason === 'replayed' ? 'replayed code' : 'wrong code'
      }
      if (why) {
        countAttempt(user.username, address, nowMs)
        audit({ timeMs: nowMs, actor, address, action: 'mfa', target: actor, outcome: 'refused', detail: why })
        const message = why === 'replayed code' ? 'that code was used already: wait for the next one' : 'wrong code'
        return { kind: 'refused', reason: 'invalid', message }
      }
      store.deleteSession(t.row.idSha256)
      store.clearFailures('account', accountCounter(user.username))
      audit({ timeMs: nowMs, actor, address, action: 'mfa', target: actor, outcome: 'ok', detail: how })
      return fullSession(user, nowMs)
    },

    /**
     * Starts TOTP enrolment for the holder of an enrolment ticket or a session whose user has
     * none: a new secret (stored encrypted, not yet in force), its otpauth URI and QR SVG.
     * Undefined when the ticket or session is not good.
     */
    async beginMfaEnrolment(id: string, address: string, nowMs: number): Promise<{ secret: string; uri: string; qrSvg: string } | undefined> {
      const t = ticket(id, ['enrol', 'full'], nowMs)
      if (!t) return undefined
      const { user } = t
      if (user.mfaEnrolled) throw new AccountError('already-enrolled', `'${user.username}' has MFA already: an admin resets it first`)
      const secret = generateTotpSecret()
      store.setMfaSecret(user.id, encryptSecret(user.id, base32Decode(secret)), nowMs, false)
      const uri = otpauthUri({ issuer: config.issuer, account: user.username, secret })
      audit({ timeMs: nowMs, actor: `user:${user.username}`, address, action: 'mfa.enrol-start', target: `user:${user.username}`, outcome: 'ok' })
      return { secret, uri, qrSvg: await qrSvg(uri) }
    },

    /**
     * Confirms enrolment with a code from the new secret: MFA is then in force, ten recovery
     * codes are issued (shown here once), and an enrolment ticket becomes a session.
     */
    confirmMfaEnrolment(id: string, code: string, address: string, nowMs: number): { ok: true; recoveryCodes: string[]; session: SignInResult | null } | { ok: false; result: SignInResult } {
      const t = ticket(id, ['enrol', 'full'], nowMs)
      if (!t || !t.user.mfaSecret || t.user.mfaEnrolled) return { ok: false, result: { kind: 'refused', reason: 'expired', message: TICKET_EXPIRED } }
      const { user } = t
      const actor = `user:${user.username}`
      const lock = lockFor(user.username, address, nowMs)
      if (lock) return { ok: false, result: lockedResult(lock.retryAfterMs) }
      const check = checkTotp(decryptSecret(user.id, t.user.mfaSecret), code.trim(), nowMs, null)
      if (!check.ok) {
        countAttempt(user.username, address, nowMs)
        audit({ timeMs: nowMs, actor, address, action: 'mfa.enrol', target: actor, outcome: 'refused', detail: 'wrong code' })
        return { ok: false, result: { kind: 'refused', reason: 'invalid', message: 'wrong code: check the time on the phone and try the next one' } }
      }
      const recoveryCodes = generateRecoveryCodes()
      store.db.transaction(() => {
        store.confirmMfa(user.id, check.step, nowMs)
        store.replaceRecoveryCodes(user.id, recoveryCodes.map(hashRecoveryCode), nowMs)
      })()
      audit({ timeMs: nowMs, actor, address, action: 'mfa.enrol', target: actor, outcome: 'ok', detail: `${recoveryCodes.length} recovery codes issued` })
      let session: SignInResult | null = null
      if (t.row.stage === 'enrol') {
        store.deleteSession(t.row.idSha256)
        store.clearFailures('account', accountCounter(user.username))
        session = fullSession(store.userById(user.id)!, nowMs)
      }
      return { ok: true, recoveryCodes, session }
    },

    /**
     * A session for a person another door has authenticated itself (the city's identity
     * provider, by OpenID Connect, which does its own second factor); never after a password
     * alone. `how` is said in the audit log ('oidc'). Undefined for an unknown or disabled user.
     */
    createSession(username: string, how: string, address: string, nowMs: number): Extract<SignInResult, { kind: 'session' }> | undefined {
      const user = store.userByUsername(username)
      if (!user || user.disabled) {
        audit({ timeMs: nowMs, actor: null, address, action: 'sign-in', target: user ? `user:${user.username}` : null, outcome: 'refused', detail: `${how}: ${user ? 'account disabled' : 'unknown username'}` })
        return undefined
      }
      audit({ timeMs: nowMs, actor: `user:${user.username}`, address, action: 'sign-in', target: `user:${user.username}`, outcome: 'ok', detail: how })
      return fullSession(user, nowMs) as Extract<SignInResult, { kind: 'session' }>
    },

    /** The signed-in user behind a session id, or why not; a good check extends the idle limit. */
    validateSession(sessionId: string, nowMs: number): SessionCheck {
      const idSha256 = sha256(sessionId)
      const row = store.session(idSha256)
      if (!row || row.stage !== 'full') return { ok: false, reason: 'unknown' }
      const user = store.userById(row.userId)
      let reason: 'expired' | 'idle' | 'revoked' | null = null
      if (nowMs >= row.absoluteExpiresMs) reason = 'expired'
      else if (nowMs - row.lastSeenMs >= config.sessionIdleMs) reason = 'idle'
      else if (!user || user.disabled || user.roleVersion !== row.roleVersion) reason = 'revoked'
      // An ended session's row stays until prune() (hourly) drops it, so every request that
      // carries its cookie until then, a public one included, is told why it ended.
      if (reason) return { ok: false, reason }
      // one write per session in a tenth of the idle limit (at most 15 s), not one per request:
      // the idle limit is then kept to within that
      const touched = nowMs - row.lastSeenMs >= Math.min(15_000, config.sessionIdleMs / 10)
      if (touched) store.touchSession(idSha256, nowMs)
      return { ok: true, user: publicUser(user!), createdMs: row.createdMs, absoluteExpiresMs: row.absoluteExpiresMs, idleExpiresMs: Math.min(row.absoluteExpiresMs, (touched ? nowMs : row.lastSeenMs) + config.sessionIdleMs) }
    },

    /** Ends a session (or a ticket) server-side; false when there was none. */
    signOut(sessionId: string, address: string | null, nowMs: number): boolean {
      const row = store.session(sha256(sessionId))
      if (!row) return false
      store.deleteSession(row.idSha256)
      const user = store.userById(row.userId)
      const name = user ? `user:${user.username}` : null
      audit({ timeMs: nowMs, actor: name, address, action: 'sign-out', target: name, outcome: 'ok' })
      return true
    },

    /**
     * Changes the signed-in user's own password (the current one proves it is them). Every
     * session of theirs ends, and a new one is returned; must_change_password is cleared.
     */
    async changePassword(sessionId: string, current: string, next: string, address: string, nowMs: number): Promise<SignInResult> {
      const t = ticket(sessionId, ['full'], nowMs)
      if (!t) return { kind: 'refused', reason: 'expired', message: TICKET_EXPIRED }
      const { user } = t
      const actor = `user:${user.username}`
      const lock = lockFor(user.username, address, nowMs)
      if (lock) return lockedResult(lock.retryAfterMs)
      const attempt = countAttempt(user.username, address, nowMs)
      if (!(await verifyPassword(current, user.passwordHash))) {
        audit({ timeMs: nowMs, actor, address, action: 'password.change', target: actor, outcome: 'refused', detail: 'wrong current password' })
        return { kind: 'refused', reason: 'invalid', message: 'the current password is wrong' }
      }
      attempt.undo()
      checkPasswordPolicy(next, { username: user.username, email: user.email ?? undefined })
      if (await verifyPassword(next, user.passwordHash)) {
        audit({ timeMs: nowMs, actor, address, action: 'password.change', target: actor, outcome: 'refused', detail: 'same as the current password' })
        throw new PasswordPolicyError('same-as-current', 'the new password must differ from the current one')
      }
      store.updateUser(user.id, { passwordHash: await hash(next), mustChangePassword: false }, nowMs, true)
      audit({ timeMs: nowMs, actor, address, action: 'password.change', target: actor, outcome: 'ok' })
      return fullSession(store.userById(user.id)!, nowMs)
    },

    /**
     * Creates an account (an admin's act). Without `password`, a one-time password is made and
     * returned (shown once); either way it must be changed at first sign-in.
     */
    async addUser(actor: Actor, u: { username: string; displayName: string; email?: string | null; role: Role; password?: string }, nowMs: number): Promise<{ user: User; oneTimePassword: string | null }> {
      if (!isUsername(u.username)) throw new AccountError('invalid-username', USERNAME_RULE)
      if (typeof u.displayName !== 'string' || u.displayName.trim().length === 0 || u.displayName.length > 100 || hasControlChars(u.displayName)) throw new AccountError('invalid-display-name', 'display name must be 1 to 100 characters without control characters')
      const email = u.email ?? null
      if (email !== null && !isEmail(email)) throw new AccountError('invalid-email', 'email must look like name@example.org')
      if (!(ROLES as readonly string[]).includes(u.role)) throw new AccountError('invalid-role', `role must be one of ${ROLES.join(', ')}`)
      if (store.userByUsername(u.username)) throw new AccountError('username-taken', `an account named '${u.username}' exists already`)
      const generated = u.password === undefined ? oneTimePassword() : null
      const password = u.password ?? generated!
      checkPasswordPolicy(password, { username: u.username, email: email ?? undefined })
      const user = store.insertUser({ username: u.username, displayName: u.displayName.trim(), email, role: u.role, passwordHash: await hash(password), mustChangePassword: true }, nowMs)
      audit({ timeMs: nowMs, actor: actor.name, address: actor.address, action: 'user.add', target: `user:${user.username}`, outcome: 'ok', detail: `role ${user.role}` })
      return { user: publicUser(user), oneTimePassword: generated }
    },

    listUsers: (): User[] => store.listUsers(),

    user(username: string): User | undefined {
      const u = store.userByUsername(username)
      return u && publicUser(u)
    },

    /** Disables an account: its sessions end at once and it cannot sign in. */
    disableUser(actor: Actor, username: string, nowMs: number): void {
      const user = requireUser(username)
      keepAnAdmin(user)
      store.updateUser(user.id, { disabled: true }, nowMs, true)
      audit({ timeMs: nowMs, actor: actor.name, address: actor.address, action: 'user.disable', target: `user:${user.username}`, outcome: 'ok' })
    },

    enableUser(actor: Actor, username: string, nowMs: number): void {
      const user = requireUser(username)
      store.updateUser(user.id, { disabled: false }, nowMs, true)
      audit({ timeMs: nowMs, actor: actor.name, address: actor.address, action: 'user.enable', target: `user:${user.username}`, outcome: 'ok' })
    },

    /** Changes a role; the user's sessions end, so the new role applies from the next sign-in. */
    changeRole(actor: Actor, username: string, role: Role, nowMs: number): void {
      if (!(ROLES as readonly string[]).includes(role)) throw new AccountError('invalid-role', `role must be one of ${ROLES.join(', ')}`)
      const user = requireUser(username)
      if (role !== 'admin') keepAnAdmin(user)
      store.updateUser(user.id, { role }, nowMs, true)
      audit({ timeMs: nowMs, actor: actor.name, address: actor.address, action: 'user.role', target: `user:${user.username}`, outcome: 'ok', detail: `${user.role} -> ${role}` })
    },

    /** Removes a user's second factor and recovery codes (a lost phone); their sessions end. */
    resetMfa(actor: Actor, username: string, nowMs: number): void {
      const user = requireUser(username)
      store.setMfaSecret(user.id, null, nowMs, true)
      audit({ timeMs: nowMs, actor: actor.name, address: actor.address, action: 'user.reset-mfa', target: `user:${user.username}`, outcome: 'ok' })
    },

    /** Gives a user a new one-time password (returned once); their sessions end. */
    async resetPassword(actor: Actor, username: string, nowMs: number): Promise<string> {
      const user = requireUser(username)
      const password = oneTimePassword()
      store.updateUser(user.id, { passwordHash: await hash(password), mustChangePassword: true }, nowMs, true)
      audit({ timeMs: nowMs, actor: actor.name, address: actor.address, action: 'user.reset-password', target: `user:${user.username}`, outcome: 'ok' })
      return password
    },

    /** Adds an entry for another domain's act (token created, incident acknowledged, report run ...). */
    recordAudit(e: AuditEntry): void {
      store.addAudit(e)
    },

    /** Newest first. */
    auditLog: (q?: AuditQuery) => store.audit(q),

    /**
     * A session for a person the city's identity provider vouched for (OpenID Connect,
     * accounts/oidc.ts: the IdP did the second factor, so no TOTP step). Creates the account
     * when missing (with a random password hash no password matches) and brings its role,
     * display name and email in line with the IdP's; a role change ends the old sessions.
     * A disabled account is refused. `how` is said in the audit log ('oidc').
     */
    signInExternal(identity: { username: string; displayName: string; email: string | null; role: Role }, how: string, address: string, nowMs: number): Extract<SignInResult, { kind: 'session' }> | { kind: 'refused'; reason: 'disabled'; message: string } {
      if (!isUsername(identity.username)) throw new AccountError('invalid-username', USERNAME_RULE)
      if (!(ROLES as readonly string[]).includes(identity.role)) throw new AccountError('invalid-role', `role must be one of ${ROLES.join(', ')}`)
      const displayName = withoutControlChars(identity.displayName).trim().slice(0, 100) || identity.username
      const email = isEmail(identity.email) ? identity.email : null
      const idp = `idp:${how}`
      let user = store.userByUsername(identity.username)
      if (user?.disabled) {
        audit({ timeMs: nowMs, actor: null, address, action: 'sign-in', target: `user:${user.username}`, outcome: 'refused', detail: `${how}: account disabled` })
        return { kind: 'refused', reason: 'disabled', message: 'this account is disabled in CivicNet: ask an administrator' }
      }
      if (!user) {
        user = store.insertUser({ username: identity.username, displayName, email, role: identity.role, passwordHash: unusablePasswordHash(config.scrypt), mustChangePassword: false }, nowMs)
        audit({ timeMs: nowMs, actor: idp, address, action: 'user.add', target: `user:${user.username}`, outcome: 'ok', detail: `role ${user.role}` })
      } else {
        const roleChanged = user.role !== identity.role
        if (roleChanged || user.displayName !== displayName || user.email !== email) {
          store.updateUser(user.id, { role: identity.role, displayName, email }, nowMs, roleChanged)
          if (roleChanged) audit({ timeMs: nowMs, actor: idp, address, action: 'user.role', target: `user:${user.username}`, outcome: 'ok', detail: `${user.role} -> ${identity.role}` })
          user = store.userById(user.id)!
        }
      }
      const actor = `user:${user.username}`
      audit({ timeMs: nowMs, actor, address, action: 'sign-in', target: actor, outcome: 'ok', detail: how })
      return fullSession(user, nowMs) as Extract<SignInResult, { kind: 'session' }>
    },

    /** Drops expired sessions and tickets, failures past the lockout window, audit entries past retention. */
    prune(nowMs: number): { sessions: number; failures: number; audit: number } {
      return {
        sessions: store.pruneSessions(nowMs, config.sessionIdleMs),
        failures: store.pruneFailures(nowMs - config.lockoutWindowMs),
        audit: store.pruneAudit(nowMs - config.auditRetentionMs),
      }
    },
  }
}

/** What createAccounts returns. */
export type Accounts = ReturnType<typeof createAccounts>
