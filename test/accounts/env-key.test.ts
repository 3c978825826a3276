/**
 * The accounts settings from the environment (accounts/env.ts) and the key file
 * (accounts/key.ts): exact values, each wrong setting named, the key made once at 0600 and
 * read back the same, a damaged or world-readable key refused naming the file.
 */
import { chmodSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { accountsConfigFromEnv } from '../../accounts/env.ts'
import { resolveAccountsConfig } from '../../accounts/index.ts'
import { accountsKeyPath, loadOrCreateAccountsKey, readAccountsKey } from '../../accounts/key.ts'

const env = suite('accountsConfigFromEnv')

env('nothing set: the defaults (30 min idle, 12 h, MFA for admin and engineer, 5/20 in 15 min, 365 days)', () => {
  assert.equal(accountsConfigFromEnv({}), {})
  const c = resolveAccountsConfig(accountsConfigFromEnv({}))
  assert.equal([c.sessionIdleMs, c.sessionAbsoluteMs, c.mfaRequiredRoles, c.lockoutAccountMax, c.lockoutAddressMax, c.lockoutWindowMs, c.auditRetentionMs], [1_800_000, 43_200_000, ['admin', 'engineer'], 5, 20, 900_000, 31_536_000_000])
})

env('every variable read', () => {
  const got = accountsConfigFromEnv({ CIVICNET_SESSION_IDLE: '10m', CIVICNET_SESSION_MAX: '8h', CIVICNET_MFA_ROLES: 'Analyst, planner', CIVICNET_LOCKOUT: '3/10/30m', CIVICNET_AUDIT_RETENTION: '730d' })
  assert.equal(got, { sessionIdleMs: 600_000, sessionAbsoluteMs: 28_800_000, auditRetentionMs: 63_072_000_000, mfaRequiredRoles: ['admin', 'engineer', 'analyst', 'planner'], lockoutAccountMax: 3, lockoutAddressMax: 10, lockoutWindowMs: 1_800_000 })
  assert.equal(resolveAccountsConfig(got).mfaRequiredRoles, ['admin', 'engineer', 'analyst', 'planner'])
})

env('a wrong value is refused naming the variable', () => {
  const refused = (vars: Record<string, string>, message: string) => assert.throws(() => accountsConfigFromEnv(vars), (e: Error) => e.message === message)
  refused({ CIVICNET_SESSION_IDLE: 'half an hour' }, "CIVICNET_SESSION_IDLE: 'half an hour' is not a duration like 30s, 15m, 4h or 1d (units ms, s, m, h, d)")
  refused({ CIVICNET_MFA_ROLES: 'admin,root' }, "CIVICNET_MFA_ROLES: 'root' is not a role (admin, engineer, analyst, planner)")
  refused({ CIVICNET_LOCKOUT: '5' }, 'CIVICNET_LOCKOUT: \'5\' is not "<per username>/<per address>/<window>", e.g. 5/20/15m')
  refused({ CIVICNET_AUDIT_RETENTION: '-1d' }, "CIVICNET_AUDIT_RETENTION: '-1d' is not a duration like 30s, 15m, 4h or 1d (units ms, s, m, h, d)")
  // values each readable but impossible together are refused by the config check
  assert.throws(() => resolveAccountsConfig(accountsConfigFromEnv({ CIVICNET_SESSION_IDLE: '13h' })), /sessionIdleMs \(46800000\) must not exceed sessionAbsoluteMs \(43200000\)/)
})

env.run()

const key = suite('the accounts key file')

key('made once at 0600 as 64 hex digits, read back the same; CIVICNET_ACCOUNTS_KEY_FILE names another place', () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-key-'))
  try {
    assert.is(accountsKeyPath(dir, {}), join(dir, 'accounts.key'))
    assert.is(accountsKeyPath(dir, { CIVICNET_ACCOUNTS_KEY_FILE: '/etc/civicnet/accounts.key' }), '/etc/civicnet/accounts.key')
    const path = join(dir, 'sub', 'accounts.key')
    assert.is(readAccountsKey(path), null)
    const made = loadOrCreateAccountsKey(path)
    assert.equal([made.created, made.key.length, statSync(path).mode & 0o777, statSync(join(dir, 'sub')).mode & 0o777], [true, 32, 0o600, 0o700])
    assert.match(readFileSync(path, 'utf8'), /^[0-9a-f]{64}\n$/)
    const again = loadOrCreateAccountsKey(path)
    assert.equal([again.created, again.key.equals(made.key)], [false, true])
    chmodSync(path, 0o644)
    assert.throws(() => readAccountsKey(path), (e: Error) => e.message === `the accounts key ${path} is readable by others (mode 644): chmod 600 it`)
    writeFileSync(path, 'not a key\n', { mode: 0o600 })
    chmodSync(path, 0o600)
    assert.throws(() => loadOrCreateAccountsKey(path), (e: Error) => e.message === `the accounts key ${path} must hold 64 hex digits (32 bytes); it holds 9 characters that are not: restore the right file or remove it (every user then enrols MFA again)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

key.run()
