/**
 * SNMP credentials by reference. The inventory names a credential ('city-ro'); the secret
 * lives in the environment or in a JSON file outside the repository:
 *   CIVICNET_SNMP_CITY_RO_COMMUNITY=...                      (v2c)
 *   CIVICNET_SNMP_CITY_RO_V3_USER=... _AUTH_PROTOCOL=sha _AUTH_KEY=... _PRIV_PROTOCOL=aes _PRIV_KEY=...
 *   CIVICNET_SNMP_CREDENTIALS=/etc/civicnet/snmp.json        ({ "city-ro": { "version": "v2c", "community": "..." } }
 *                                                             or { "city-ro": { "version": "v3", "v3": { "user": ..., ... } } };
 *                                                             "version" may be left out)
 *   CIVICNET_SNMP_COMMUNITY_CITY_RO=...                      (the v2c form collector/credentials.ts reads)
 * Environment variables win over the file. Error messages name variables, never values.
 */
import { readSecretsJson } from '../secrets-file.ts'
import { CredentialError } from '../errors.ts'
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, type AuthProtocol, type PrivProtocol, type SnmpCredential, type V3Credential } from './session.ts'

export function credentialEnvPrefix(ref: string): string {
  return `CIVICNET_SNMP_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`
}

export function resolveCredential(ref: string, env: NodeJS.ProcessEnv = process.env): SnmpCredential {
  if (!ref) throw new CredentialError('empty SNMP credential reference')
  const p = credentialEnvPrefix(ref)
  // CIVICNET_SNMP_COMMUNITY_<REF> is the name collector/credentials.ts reads: accepted too
  const community = env[`${p}COMMUNITY`] || env[`CIVICNET_SNMP_COMMUNITY_${ref.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`]
  if (community) return { version: 'v2c', community }
  const user = env[`${p}V3_USER`]
  if (user) {
    return {
      version: 'v3',
      v3: checkV3(ref, {
        user,
        authProtocol: env[`${p}AUTH_PROTOCOL`] as AuthProtocol | undefined,
        authKey: env[`${p}AUTH_KEY`],
        privProtocol: env[`${p}PRIV_PROTOCOL`] as PrivProtocol | undefined,
        privKey: env[`${p}PRIV_KEY`],
        level: env[`${p}LEVEL`] as V3Credential['level'],
      }),
    }
  }
  const file = env.CIVICNET_SNMP_CREDENTIALS
  if (file) {
    const data = readSecretsJson('CIVICNET_SNMP_CREDENTIALS', file, (m) => new CredentialError(m))
    const entry = (data as Record<string, unknown> | null)?.[ref] as { community?: unknown; v3?: V3Credential } | undefined
    if (entry && typeof entry.community === 'string' && entry.community) return { version: 'v2c', community: entry.community }
    if (entry && entry.v3 && typeof entry.v3 === 'object') return { version: 'v3', v3: checkV3(ref, entry.v3) }
    if (entry) throw new CredentialError(`SNMP credential '${ref}' in ${file} has neither "community" nor "v3"`)
  }
  throw new CredentialError(
    `SNMP credential '${ref}' is not defined: set ${p}COMMUNITY, or ${p}V3_USER with ${p}AUTH_KEY/${p}PRIV_KEY, or an entry "${ref}" in the JSON file named by CIVICNET_SNMP_CREDENTIALS`,
  )
}

function checkV3(ref: string, c: V3Credential): V3Credential {
  if (!c.user) throw new CredentialError(`SNMP credential '${ref}': v3 needs a user`)
  if (c.authProtocol && !AUTH_PROTOCOLS.includes(c.authProtocol)) throw new CredentialError(`SNMP credential '${ref}': unknown auth protocol '${c.authProtocol}' (one of ${AUTH_PROTOCOLS.join(', ')})`)
  if (c.privProtocol && !PRIV_PROTOCOLS.includes(c.privProtocol)) throw new CredentialError(`SNMP credential '${ref}': unknown privacy protocol '${c.privProtocol}' (one of ${PRIV_PROTOCOLS.join(', ')})`)
  const out: V3Credential = { user: c.user }
  if (c.level) out.level = c.level
  if (c.authProtocol) out.authProtocol = c.authProtocol
  if (c.authKey) out.authKey = c.authKey
  if (c.privProtocol) out.privProtocol = c.privProtocol
  if (c.privKey) out.privKey = c.privKey
  return out
}

/** A loggable description: version, user, protocols; never a community or key. */
export function describeCredential(c: SnmpCredential): string {
  if (c.version === 'v2c') return 'v2c community (hidden)'
  const level = c.v3.level ?? (c.v3.privKey ? 'authPriv' : c.v3.authKey ? 'authNoPriv' : 'noAuthNoPriv')
  return `v3 user '${c.v3.user}' ${level} ${c.v3.authProtocol ?? 'sha'}/${c.v3.privProtocol ?? 'aes'}`
}
