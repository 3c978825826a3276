/**
 * One-time sign-in codes: what a sign-in link carries instead of a token. A code is good
 * for one exchange (POST /api/signin), for a role, until it expires; the exchange makes a
 * new API token and deletes the code, so a link that reached a log, a history or a shoulder
 * is worth nothing once used. Codes are stored as SHA-256 hashes beside the tokens.
 */
import { createHash, randomBytes } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { ROLES, type Role } from './tokens.ts'

const PREFIX = 'cs_'
/** How long an unused code stays good by default: a day. */
export const SIGNIN_CODE_TTL_MS = 24 * 3_600_000

const hash = (plaintext: string) => createHash('sha256').update(plaintext, 'utf8').digest('hex')

const ready = new WeakSet<Database>()
function table(db: Database): Database {
  if (!ready.has(db)) {
    db.exec(`CREATE TABLE IF NOT EXISTS signin_codes (
      sha256 TEXT PRIMARY KEY,
      role TEXT NOT NULL CHECK (role IN ('admin', 'engineer', 'analyst', 'planner')),
      label TEXT NOT NULL,
      created_ms INTEGER NOT NULL,
      expires_ms INTEGER NOT NULL
    )`)
    ready.add(db)
  }
  return db
}

/** Stores a new code for `role` and returns its plaintext (the only time it exists). */
export function createSigninCode(db: Database, role: Role, label: string, nowMs = Date.now(), ttlMs = SIGNIN_CODE_TTL_MS): string {
  if (!(ROLES as readonly string[]).includes(role)) throw new RangeError(`unknown role '${role}' (roles: ${ROLES.join(', ')})`)
  const code = PREFIX + randomBytes(24).toString('base64url')
  const t = table(db)
  t.prepare('DELETE FROM signin_codes WHERE expires_ms <= ?').run(nowMs)
  t.prepare('INSERT INTO signin_codes (sha256, role, label, created_ms, expires_ms) VALUES (?, ?, ?, ?, ?)').run(hash(code), role, label, nowMs, nowMs + ttlMs)
  return code
}

/** Uses the code up: its role and label, or null when unknown, used or expired. */
export function redeemSigninCode(db: Database, code: string, nowMs = Date.now()): { role: Role; label: string } | null {
  if (!code.startsWith(PREFIX) || code.length > 100) return null
  const t = table(db)
  return t.transaction(() => {
    const row = t.prepare('SELECT role, label, expires_ms FROM signin_codes WHERE sha256 = ?').get(hash(code)) as { role: Role; label: string; expires_ms: number } | undefined
    if (!row) return null
    t.prepare('DELETE FROM signin_codes WHERE sha256 = ?').run(hash(code))
    return row.expires_ms > nowMs ? { role: row.role, label: row.label } : null
  })()
}
