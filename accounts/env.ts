/**
 * The accounts settings a deployment makes in its environment (.env.example lists them):
 *
 *   CIVICNET_SESSION_IDLE        a session unused this long ends (default 30m)
 *   CIVICNET_SESSION_MAX         a session ends this long after sign-in (default 12h)
 *   CIVICNET_MFA_ROLES           roles that must have a second factor, comma-separated;
 *                                admin and engineer always (default admin,engineer)
 *   CIVICNET_LOCKOUT             failed sign-ins per username / per address in a window,
 *                                "5/20/15m" (default)
 *   CIVICNET_AUDIT_RETENTION     audit entries older than this are pruned (default 365d)
 *
 * Each is checked once, and a wrong one throws naming the variable.
 */
import { parseDuration } from '../core/duration.ts'
import { ROLES, type AccountsConfig, type Role } from './index.ts'

export function accountsConfigFromEnv(env: NodeJS.ProcessEnv = process.env): Partial<AccountsConfig> {
  const out: Partial<AccountsConfig> = {}
  const read = (name: string, f: (v: string) => void) => {
    const v = env[name]
    if (v === undefined || v.trim() === '') return
    try {
      f(v.trim())
    } catch (err) {
      throw new RangeError(`${name}: ${(err as Error).message}`)
    }
  }
  read('CIVICNET_SESSION_IDLE', (v) => (out.sessionIdleMs = parseDuration(v)))
  read('CIVICNET_SESSION_MAX', (v) => (out.sessionAbsoluteMs = parseDuration(v)))
  read('CIVICNET_AUDIT_RETENTION', (v) => (out.auditRetentionMs = parseDuration(v)))
  read('CIVICNET_MFA_ROLES', (v) => {
    const roles = v.split(',').map((r) => r.trim().toLowerCase()).filter(Boolean)
    for (const r of roles) if (!(ROLES as readonly string[]).includes(r)) throw new RangeError(`'${r}' is not a role (${ROLES.join(', ')})`)
    out.mfaRequiredRoles = [...new Set<Role>(['admin', 'engineer', ...(roles as Role[])])]
  })
  read('CIVICNET_LOCKOUT', (v) => {
    const m = /^(\d{1,4})\/(\d{1,5})\/(\S+)$/.exec(v)
    if (!m) throw new RangeError(`'${v.slice(0, 40)}' is not "<per username>/<per address>/<window>", e.g. 5/20/15m`)
    out.lockoutAccountMax = Number(m[1])
    out.lockoutAddressMax = Number(m[2])
    out.lockoutWindowMs = parseDuration(m[3]!)
  })
  return out
}
