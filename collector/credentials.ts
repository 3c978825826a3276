/**
 * SNMP credentials by reference. The inventory names a credential (`device.credential`);
 * the secret lives outside it, in the collector's environment:
 *   CIVICNET_SNMP_CREDENTIALS      path to a JSON file { "<id>": { "version": "v2c", "community": "..." }
 *                                  | { "version": "v3", "v3": { user, authProtocol, authKey, privProtocol, privKey, level } } }
 *   CIVICNET_SNMP_COMMUNITY_<ID>   a v2c community for credential <id> (upper case, non-alphanumerics as _)
 *   CIVICNET_SNMP_<ID>_COMMUNITY, CIVICNET_SNMP_<ID>_V3_USER ...  the forms collector/snmp/credentials.ts
 *                                  documents (v2c and v3), which this resolver delegates to
 * The credentials 'public' and 'sim-v2c' mean v2c community "public" when nothing else defines them (the
 * simulated city and lab agents). Secrets never appear in logs or errors: only the id does.
 */
import { readSecretsJson } from './secrets-file.ts'
import { CredentialError } from './errors.ts'
import { credentialEnvPrefix, resolveCredential } from './snmp/credentials.ts'
import type { SnmpCredential } from './snmp/session.ts'

/** Resolves a credential id; '2c' is accepted as a spelling of 'v2c'. */
export type CredentialResolver = (id: string) => SnmpCredential | { version: '2c'; community: string }

export function envName(id: string): string {
  return 'CIVICNET_SNMP_COMMUNITY_' + id.toUpperCase().replace(/[^A-Z0-9]/g, '_')
}

export function createCredentialResolver(env: NodeJS.ProcessEnv = process.env): CredentialResolver {
  let fileCreds: Record<string, SnmpCredential> = {}
  const file = env.CIVICNET_SNMP_CREDENTIALS
  if (file) {
    const parsed = readSecretsJson('CIVICNET_SNMP_CREDENTIALS', file, (m) => new CredentialError(m))
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CredentialError(`CIVICNET_SNMP_CREDENTIALS=${file}: expected an object of credentials by id`)
    for (const [id, c] of Object.entries(parsed as Record<string, { version?: string; community?: unknown; v3?: unknown }>)) {
      if (c?.version === 'v2c' && typeof c.community === 'string') continue
      if (c?.version === 'v3' && c.v3 && typeof c.v3 === 'object') continue
      throw new CredentialError(`CIVICNET_SNMP_CREDENTIALS=${file}: credential '${id}' needs {"version":"v2c","community":...} or {"version":"v3","v3":{...}}`)
    }
    fileCreds = parsed as Record<string, SnmpCredential>
  }
  // One resolution rule for every path (collector/snmp/credentials.ts, which `civicnet poll`
  // uses too), looked up once per credential id: thousands of devices share a few ids.
  const cache = new Map<string, SnmpCredential>()
  return (id) => {
    const hit = cache.get(id)
    if (hit) return hit
    let c: SnmpCredential
    try {
      c = fileCreds[id] && !env[envName(id)] && !env[`${credentialEnvPrefix(id)}COMMUNITY`] && !env[`${credentialEnvPrefix(id)}V3_USER`] ? fileCreds[id]! : resolveCredential(id, env)
    } catch (err) {
      // Lab and simulated-city defaults (the simulators answer community "public").
      if (id !== 'public' && id !== 'sim-v2c') throw err
      c = { version: 'v2c', community: 'public' }
    }
    cache.set(id, c)
    return c
  }
}
