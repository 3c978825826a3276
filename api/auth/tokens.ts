/**
 * API tokens, stored hashed in the app-state SQLite database. The plaintext is shown once,
 * by createToken, and never stored or logged: a token is 32 random bytes, so one SHA-256
 * (no salt, no slow hash) is enough to make a stolen database useless for logging in, and
 * lets each request be checked with one indexed lookup.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { ROLES, type Role } from '../../core/roles.ts'

/** The roles (core/roles.ts), for the callers of this module. */
export { ROLES, type Role }
/** 'public' is the scope of a request without a token; no token carries it. */
export type Scope = Role | 'public'

export interface TokenInfo {
  id: number
  role: Role
  label: string
  createdMs: number
  lastUsedMs: number | null
}

/** Prefix so a leaked token is recognisable by secret scanners. */
const PREFIX = 'cn_'

function hash(plaintext: string): string {
  return createHash('sha256').update(plaintext, 'utf8').digest('hex')
}

/** Creates the table if missing. Idempotent; called by every function below. */
export function ensureTokenTable(db: Database): void {
  db.exec(`CREATE TABLE IF NOT EXISTS api_tokens (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    sha256 TEXT NOT NULL UNIQUE,
    role TEXT NOT NULL CHECK (role IN ('admin', 'engineer', 'analyst', 'planner')),
    label TEXT NOT NULL,
    created_ms INTEGER NOT NULL,
    last_used_ms INTEGER
  )`)
}

const ready = new WeakSet<Database>()
function table(db: Database): Database {
  if (!ready.has(db)) {
    ensureTokenTable(db)
    ready.add(db)
  }
  return db
}

/** Stores a new token and returns its plaintext: the only time it exists outside the caller. */
export function createToken(db: Database, role: Role, label: string, nowMs = Date.now()): string {
  if (!(ROLES as readonly string[]).includes(role)) throw new RangeError(`unknown role '${role}' (roles: ${ROLES.join(', ')})`)
  if (typeof label !== 'string' || label.length === 0 || label.length > 100) throw new RangeError('token label must be 1 to 100 characters')
  // eslint-disable-next-line no-control-regex -- control characters are what is refused
  if (/[\u0000-\u001f\u007f-\u009f]/.test(label)) throw new RangeError('token label must not contain control characters (NUL, tab, newline, escape ...)')
  const plaintext = PREFIX + randomBytes(32).toString('base64url')
  table(db).prepare('INSERT INTO api_tokens (sha256, role, label, created_ms) VALUES (?, ?, ?, ?)').run(hash(plaintext), role, label, nowMs)
  return plaintext
}

/** Like createToken, also returning the new row's id (for the admin API). */
export function createTokenWithId(db: Database, role: Role, label: string, nowMs = Date.now()): { token: string; info: TokenInfo } {
  const token = createToken(db, role, label, nowMs)
  const info = table(db).prepare('SELECT id FROM api_tokens WHERE sha256 = ?').get(hash(token)) as { id: number }
  return { token, info: { id: info.id, role, label, createdMs: nowMs, lastUsedMs: null } }
}

interface Row {
  id: number
  role: Role
  label: string
  created_ms: number
  last_used_ms: number | null
}
const toInfo = (r: Row): TokenInfo => ({ id: r.id, role: r.role, label: r.label, createdMs: r.created_ms, lastUsedMs: r.last_used_ms })

/** The token's role and label, or null when it is unknown or revoked. */
export function verifyToken(db: Database, plaintext: string): TokenInfo | null {
  if (!plaintext.startsWith(PREFIX) || plaintext.length > 200) return null
  const row = table(db).prepare('SELECT id, role, label, created_ms, last_used_ms FROM api_tokens WHERE sha256 = ?').get(hash(plaintext)) as Row | undefined
  return row ? toInfo(row) : null
}

/** Records use at most once a minute per token, so reads do not turn into a write each. */
export function touchToken(db: Database, id: number, nowMs: number): void {
  table(db).prepare('UPDATE api_tokens SET last_used_ms = ? WHERE id = ? AND (last_used_ms IS NULL OR last_used_ms < ?)').run(nowMs, id, nowMs - 60_000)
}

export function listTokens(db: Database): TokenInfo[] {
  return (table(db).prepare('SELECT id, role, label, created_ms, last_used_ms FROM api_tokens ORDER BY id').all() as Row[]).map(toInfo)
}

/** Deletes the token; returns false when there was none with that id. */
export function revokeToken(db: Database, id: number): boolean {
  return table(db).prepare('DELETE FROM api_tokens WHERE id = ?').run(id).changes > 0
}
