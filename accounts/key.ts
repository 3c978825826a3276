/**
 * The accounts key: 32 secret bytes that encrypt every user's TOTP secret and key the
 * failure counters (index.ts). It lives in its own file, `<data dir>/accounts.key` unless
 * CIVICNET_ACCOUNTS_KEY_FILE names another, written once (0600, 64 hex digits) and read at
 * every start. It is kept out of backups on purpose: a backup that held both the encrypted
 * secrets and their key would protect nothing, so the key is kept like a password (a vault,
 * a sealed envelope), and a restore on a new machine needs it put back beside the data dir,
 * or every user enrols MFA again (docs/OPERATIONS.md, "Accounts").
 */
import { randomBytes } from 'node:crypto'
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, statSync, writeSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'

/** The key file's name in the data dir. */
export const ACCOUNTS_KEY_FILE = 'accounts.key'

/** Where the key is: CIVICNET_ACCOUNTS_KEY_FILE, else `<dataDir>/accounts.key`. */
export function accountsKeyPath(dataDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const named = env.CIVICNET_ACCOUNTS_KEY_FILE
  return named !== undefined && named.trim() !== '' ? resolve(named.trim()) : join(dataDir, ACCOUNTS_KEY_FILE)
}

/** `<path> is readable by others (mode 644): chmod 600 it` when group or others may read the file, else null. */
export function othersMayRead(path: string): string | null {
  const mode = statSync(path).mode
  return (mode & 0o077) === 0 ? null : `${path} is readable by others (mode ${(mode & 0o777).toString(8)}): chmod 600 it`
}

/** Reads the key; throws naming the file when it is there but not 64 hex digits or readable by others. */
export function readAccountsKey(path: string): Buffer | null {
  let raw: string
  try {
    raw = readFileSync(path, 'utf8')
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null
    throw new Error(`cannot read the accounts key ${path}: ${(err as Error).message}`)
  }
  const hex = raw.trim()
  if (!/^[0-9a-f]{64}$/i.test(hex)) throw new Error(`the accounts key ${path} must hold 64 hex digits (32 bytes); it holds ${hex.length} characters that are not: restore the right file or remove it (every user then enrols MFA again)`)
  const others = othersMayRead(path)
  if (others) throw new Error(`the accounts key ${others}`)
  return Buffer.from(hex, 'hex')
}

/** Reads the key, or makes and writes a new one (atomically, 0600) when there is none. */
export function loadOrCreateAccountsKey(path: string): { key: Buffer; created: boolean } {
  const have = readAccountsKey(path)
  if (have) return { key: have, created: false }
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const key = randomBytes(32)
  const tmp = `${path}.${process.pid}.tmp`
  const fd = openSync(tmp, 'w', 0o600)
  try {
    writeSync(fd, key.toString('hex') + '\n')
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
  renameSync(tmp, path)
  return { key, created: true }
}
