/**
 * Accounts in the app-state database (store/app-state.ts `db`, tables `account_*`): users,
 * their recovery codes, sessions, failed sign-ins and the audit log. Rows only: the rules
 * (who may sign in, when a session ends) are index.ts's.
 *
 * What is stored, and how:
 * - a password as its scrypt hash (passwords.ts);
 * - the TOTP secret encrypted (AES-256-GCM under a key the caller holds, index.ts): the
 *   server must read it back to compute codes, so it cannot be hashed, and state.sqlite is
 *   copied by every backup: a stolen copy must not carry everyone's second factor;
 * - recovery codes and session ids as SHA-256 (both are 80+ random bits);
 * - failed sign-ins under an HMAC of the username or address (counting needs only equality,
 *   and a username typed wrong is often the password);
 * - the audit log's address in plain (index.ts says why), kept for the retention period.
 *
 * Users are never deleted, only disabled, so the audit log's names keep meaning someone.
 */
import type { Database, Statement } from 'better-sqlite3'
import { ROLES, type Role } from '../core/roles.ts'

/** The roles (core/roles.ts), for the callers of this module. */
export { ROLES, type Role }

/** A user as the rest of the code sees it: no hash, no secret. */
export interface User {
  id: number
  username: string
  displayName: string
  email: string | null
  role: Role
  mustChangePassword: boolean
  mfaEnrolled: boolean
  disabled: boolean
  createdMs: number
  updatedMs: number
  /** raised by every change that must end the user's sessions (role, disable, MFA or password reset) */
  roleVersion: number
}

/** A user with what only index.ts reads. */
export interface UserSecrets extends User {
  passwordHash: string
  /** AES-256-GCM: 12-byte IV, 16-byte tag, ciphertext; null before enrolment starts */
  mfaSecret: Buffer | null
  mfaLastStep: number | null
}

export type SessionStage = 'full' | 'mfa' | 'enrol'

export interface SessionRow {
  idSha256: string
  userId: number
  /** 'full': signed in; 'mfa': password given, code awaited; 'enrol': password given, MFA to be set up */
  stage: SessionStage
  createdMs: number
  lastSeenMs: number
  absoluteExpiresMs: number
  roleVersion: number
}

export type FailureKind = 'account' | 'address'

export interface AuditEntry {
  timeMs: number
  /** who: 'user:<name>', 'token:<label>', 'cli', or null for an unauthenticated caller */
  actor: string | null
  /** where from: the client address as the API saw it, or null (the CLI) */
  address: string | null
  action: string
  /** what it acted on: 'user:<name>', an incident id ...; null when nothing named */
  target: string | null
  outcome: 'ok' | 'refused'
  /** a few words more; never a secret */
  detail: string | null
}

export interface AuditQuery {
  fromMs?: number
  toMs?: number
  actor?: string
  action?: string
  /** newest first, at most this many (default 1000) */
  limit?: number
}

const SCHEMA = `
  CREATE TABLE IF NOT EXISTS account_users (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    username TEXT NOT NULL UNIQUE COLLATE NOCASE,
    display_name TEXT NOT NULL,
    email TEXT,
    role TEXT NOT NULL CHECK (role IN ('admin', 'engineer', 'analyst', 'planner')),
    password_hash TEXT NOT NULL,
    must_change_password INTEGER NOT NULL DEFAULT 0,
    mfa_secret BLOB,
    mfa_enrolled INTEGER NOT NULL DEFAULT 0,
    mfa_last_step INTEGER,
    disabled INTEGER NOT NULL DEFAULT 0,
    created_ms INTEGER NOT NULL,
    updated_ms INTEGER NOT NULL,
    role_version INTEGER NOT NULL DEFAULT 1
  );
  CREATE TABLE IF NOT EXISTS account_recovery_codes (
    user_id INTEGER NOT NULL REFERENCES account_users (id) ON DELETE CASCADE,
    sha256 TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    used_ms INTEGER,
    PRIMARY KEY (user_id, sha256)
  );
  CREATE TABLE IF NOT EXISTS account_sessions (
    id_sha256 TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES account_users (id) ON DELETE CASCADE,
    stage TEXT NOT NULL CHECK (stage IN ('full', 'mfa', 'enrol')),
    created_ms INTEGER NOT NULL,
    last_seen_ms INTEGER NOT NULL,
    absolute_expires_ms INTEGER NOT NULL,
    role_version INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS account_sessions_user ON account_sessions (user_id);
  CREATE TABLE IF NOT EXISTS account_failures (
    kind TEXT NOT NULL CHECK (kind IN ('account', 'address')),
    key TEXT NOT NULL,
    time_ms INTEGER NOT NULL
  );
  CREATE INDEX IF NOT EXISTS account_failures_key ON account_failures (kind, key, time_ms);
  CREATE TABLE IF NOT EXISTS account_audit (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    time_ms INTEGER NOT NULL,
    actor TEXT,
    address TEXT,
    action TEXT NOT NULL,
    target TEXT,
    outcome TEXT NOT NULL CHECK (outcome IN ('ok', 'refused')),
    detail TEXT
  );
  CREATE INDEX IF NOT EXISTS account_audit_time ON account_audit (time_ms);
`

interface UserDbRow {
  id: number
  username: string
  display_name: string
  email: string | null
  role: Role
  password_hash: string
  must_change_password: number
  mfa_secret: Buffer | null
  mfa_enrolled: number
  mfa_last_step: number | null
  disabled: number
  created_ms: number
  updated_ms: number
  role_version: number
}

function toSecrets(r: UserDbRow): UserSecrets {
  return {
    id: r.id,
    username: r.username,
    displayName: r.display_name,
    email: r.email,
    role: r.role,
    mustChangePassword: r.must_change_password === 1,
    mfaEnrolled: r.mfa_enrolled === 1,
    disabled: r.disabled === 1,
    createdMs: r.created_ms,
    updatedMs: r.updated_ms,
    roleVersion: r.role_version,
    passwordHash: r.password_hash,
    mfaSecret: r.mfa_secret,
    mfaLastStep: r.mfa_last_step,
  }
}

/** The public view of a user (drops the hash, the secret and the last step). */
export function publicUser(u: UserSecrets): User {
  const { passwordHash: _h, mfaSecret: _s, mfaLastStep: _l, ...user } = u
  return user
}

export interface NewUser {
  username: string
  displayName: string
  email: string | null
  role: Role
  passwordHash: string
  mustChangePassword: boolean
}

export interface AccountStore {
  readonly db: Database
  insertUser(u: NewUser, nowMs: number): UserSecrets
  userById(id: number): UserSecrets | undefined
  /** case-insensitive, as usernames are unique without case */
  userByUsername(username: string): UserSecrets | undefined
  listUsers(): User[]
  /** sets the fields given, bumps updated_ms, and role_version when `endSessions` */
  updateUser(id: number, patch: Partial<{ role: Role; disabled: boolean; displayName: string; email: string | null; passwordHash: string; mustChangePassword: boolean }>, nowMs: number, endSessions: boolean): void
  /** stores a (new, unconfirmed) secret, or clears MFA entirely with null */
  setMfaSecret(id: number, secret: Buffer | null, nowMs: number, endSessions: boolean): void
  /** marks MFA enrolled and records the step its confirming code used */
  confirmMfa(id: number, step: number, nowMs: number): void
  /**
   * Records `step` as the last accepted one, only if it is later than the stored one; false
   * when another request got there first (the same code twice at once: one wins).
   */
  acceptMfaStep(id: number, step: number): boolean
  replaceRecoveryCodes(userId: number, sha256s: string[], nowMs: number): void
  /** marks one unused code used; false when there is no such unused code */
  useRecoveryCode(userId: number, sha256: string, nowMs: number): boolean
  unusedRecoveryCodes(userId: number): number
  insertSession(s: SessionRow): void
  session(idSha256: string): SessionRow | undefined
  touchSession(idSha256: string, lastSeenMs: number): void
  deleteSession(idSha256: string): boolean
  /** drops sessions whose absolute expiry or idle limit has passed; returns how many */
  pruneSessions(nowMs: number, idleMs: number): number
  /** records one attempt as failed and returns its id (so a success can take it back) */
  addFailure(kind: FailureKind, key: string, timeMs: number): number
  removeFailure(id: number): void
  failuresSince(kind: FailureKind, key: string, sinceMs: number): { count: number; oldestMs: number | null }
  clearFailures(kind: FailureKind, key: string): void
  pruneFailures(beforeMs: number): number
  addAudit(e: AuditEntry): void
  audit(q?: AuditQuery): (AuditEntry & { id: number })[]
  pruneAudit(beforeMs: number): number
}

/** Creates the tables when missing (idempotent) and returns the store over them. */
export function openAccountStore(db: Database): AccountStore {
  db.exec(SCHEMA)
  const st = <T extends unknown[] = unknown[]>(sql: string) => db.prepare<T>(sql) as Statement<T>
  const q = {
    insertUser: st(`INSERT INTO account_users (username, display_name, email, role, password_hash, must_change_password, created_ms, updated_ms)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?)`),
    byId: st('SELECT * FROM account_users WHERE id = ?'),
    byName: st('SELECT * FROM account_users WHERE username = ?'),
    list: st('SELECT * FROM account_users ORDER BY username COLLATE NOCASE'),
    setSecret: st('UPDATE account_users SET mfa_secret = ?, mfa_enrolled = 0, mfa_last_step = NULL, updated_ms = ?, role_version = role_version + ? WHERE id = ?'),
    confirmMfa: st('UPDATE account_users SET mfa_enrolled = 1, mfa_last_step = ?, updated_ms = ? WHERE id = ?'),
    acceptStep: st('UPDATE account_users SET mfa_last_step = ? WHERE id = ? AND (mfa_last_step IS NULL OR mfa_last_step < ?)'),
    delCodes: st('DELETE FROM account_recovery_codes WHERE user_id = ?'),
    addCode: st('INSERT INTO account_recovery_codes (user_id, sha256, created_ms) VALUES (?, ?, ?)'),
    useCode: st('UPDATE account_recovery_codes SET used_ms = ? WHERE user_id = ? AND sha256 = ? AND used_ms IS NULL'),
    unusedCodes: st('SELECT count(*) AS n FROM account_recovery_codes WHERE user_id = ? AND used_ms IS NULL'),
    addSession: st(`INSERT INTO account_sessions (id_sha256, user_id, stage, created_ms, last_seen_ms, absolute_expires_ms, role_version)
                    VALUES (?, ?, ?, ?, ?, ?, ?)`),
    session: st('SELECT * FROM account_sessions WHERE id_sha256 = ?'),
    touch: st('UPDATE account_sessions SET last_seen_ms = ? WHERE id_sha256 = ? AND last_seen_ms < ?'),
    delSession: st('DELETE FROM account_sessions WHERE id_sha256 = ?'),
    pruneSessions: st('DELETE FROM account_sessions WHERE absolute_expires_ms <= ? OR last_seen_ms <= ?'),
    addFailure: st('INSERT INTO account_failures (kind, key, time_ms) VALUES (?, ?, ?)'),
    removeFailure: st('DELETE FROM account_failures WHERE rowid = ?'),
    failures: st('SELECT count(*) AS n, min(time_ms) AS oldest FROM account_failures WHERE kind = ? AND key = ? AND time_ms > ?'),
    clearFailures: st('DELETE FROM account_failures WHERE kind = ? AND key = ?'),
    pruneFailures: st('DELETE FROM account_failures WHERE time_ms <= ?'),
    addAudit: st('INSERT INTO account_audit (time_ms, actor, address, action, target, outcome, detail) VALUES (?, ?, ?, ?, ?, ?, ?)'),
    pruneAudit: st('DELETE FROM account_audit WHERE time_ms < ?'),
  }
  const user = (row: unknown) => (row ? toSecrets(row as UserDbRow) : undefined)

  return {
    db,
    insertUser(u, nowMs) {
      const info = q.insertUser.run(u.username, u.displayName, u.email, u.role, u.passwordHash, u.mustChangePassword ? 1 : 0, nowMs, nowMs)
      return user(q.byId.get(info.lastInsertRowid))!
    },
    userById: (id) => user(q.byId.get(id)),
    userByUsername: (username) => user(q.byName.get(username)),
    listUsers: () => (q.list.all() as UserDbRow[]).map((r) => publicUser(toSecrets(r))),
    updateUser(id, patch, nowMs, endSessions) {
      const cols: string[] = []
      const vals: unknown[] = []
      const set = (col: string, v: unknown) => {
        cols.push(`${col} = ?`)
        vals.push(v)
      }
      if (patch.role !== undefined) set('role', patch.role)
      if (patch.disabled !== undefined) set('disabled', patch.disabled ? 1 : 0)
      if (patch.displayName !== undefined) set('display_name', patch.displayName)
      if (patch.email !== undefined) set('email', patch.email)
      if (patch.passwordHash !== undefined) set('password_hash', patch.passwordHash)
      if (patch.mustChangePassword !== undefined) set('must_change_password', patch.mustChangePassword ? 1 : 0)
      set('updated_ms', nowMs)
      // The column names come from the fixed list above, never from the caller.
      db.transaction(() => {
        // A raised role_version ends every session of the user (index.ts compares it on each
        // use); the rows stay until pruned, so a session refused says it was revoked.
        db.prepare(`UPDATE account_users SET ${cols.join(', ')}${endSessions ? ', role_version = role_version + 1' : ''} WHERE id = ?`).run(...vals, id)
      })()
    },
    setMfaSecret(id, secret, nowMs, endSessions) {
      db.transaction(() => {
        q.setSecret.run(secret, nowMs, endSessions ? 1 : 0, id)
        if (secret === null) q.delCodes.run(id)
      })()
    },
    confirmMfa: (id, step, nowMs) => void q.confirmMfa.run(step, nowMs, id),
    acceptMfaStep: (id, step) => q.acceptStep.run(step, id, step).changes === 1,
    replaceRecoveryCodes(userId, sha256s, nowMs) {
      db.transaction(() => {
        q.delCodes.run(userId)
        for (const h of sha256s) q.addCode.run(userId, h, nowMs)
      })()
    },
    useRecoveryCode: (userId, sha256, nowMs) => q.useCode.run(nowMs, userId, sha256).changes === 1,
    unusedRecoveryCodes: (userId) => (q.unusedCodes.get(userId) as { n: number }).n,
    insertSession: (s) => void q.addSession.run(s.idSha256, s.userId, s.stage, s.createdMs, s.lastSeenMs, s.absoluteExpiresMs, s.roleVersion),
    session(idSha256) {
      const r = q.session.get(idSha256) as
        | { id_sha256: string; user_id: number; stage: SessionStage; created_ms: number; last_seen_ms: number; absolute_expires_ms: number; role_version: number }
        | undefined
      return r && { idSha256: r.id_sha256, userId: r.user_id, stage: r.stage, createdMs: r.created_ms, lastSeenMs: r.last_seen_ms, absoluteExpiresMs: r.absolute_expires_ms, roleVersion: r.role_version }
    },
    touchSession: (idSha256, lastSeenMs) => void q.touch.run(lastSeenMs, idSha256, lastSeenMs),
    deleteSession: (idSha256) => q.delSession.run(idSha256).changes === 1,
    pruneSessions: (nowMs, idleMs) => q.pruneSessions.run(nowMs, nowMs - idleMs).changes,
    addFailure: (kind, key, timeMs) => Number(q.addFailure.run(kind, key, timeMs).lastInsertRowid),
    removeFailure: (id) => void q.removeFailure.run(id),
    failuresSince(kind, key, sinceMs) {
      const r = q.failures.get(kind, key, sinceMs) as { n: number; oldest: number | null }
      return { count: r.n, oldestMs: r.oldest }
    },
    clearFailures: (kind, key) => void q.clearFailures.run(kind, key),
    pruneFailures: (beforeMs) => q.pruneFailures.run(beforeMs).changes,
    addAudit: (e) => void q.addAudit.run(e.timeMs, e.actor, e.address, e.action, e.target, e.outcome, e.detail),
    audit(query = {}) {
      const where: string[] = []
      const vals: unknown[] = []
      const add = (clause: string, v: unknown) => {
        where.push(clause)
        vals.push(v)
      }
      if (query.fromMs !== undefined) add('time_ms >= ?', query.fromMs)
      if (query.toMs !== undefined) add('time_ms < ?', query.toMs)
      if (query.actor !== undefined) add('actor = ?', query.actor)
      if (query.action !== undefined) add('action = ?', query.action)
      const sql = `SELECT id, time_ms, actor, address, action, target, outcome, detail FROM account_audit
                   ${where.length ? 'WHERE ' + where.join(' AND ') : ''} ORDER BY time_ms DESC, id DESC LIMIT ?`
      const rows = db.prepare(sql).all(...vals, query.limit ?? 1000) as {
        id: number; time_ms: number; actor: string | null; address: string | null; action: string; target: string | null; outcome: 'ok' | 'refused'; detail: string | null
      }[]
      return rows.map((r) => ({ id: r.id, timeMs: r.time_ms, actor: r.actor, address: r.address, action: r.action, target: r.target, outcome: r.outcome, detail: r.detail }))
    },
    pruneAudit: (beforeMs) => q.pruneAudit.run(beforeMs).changes,
  }
}
