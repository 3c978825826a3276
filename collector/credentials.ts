/**
 * SNMP credentials by reference. The inventory names a credential (`device.credential`);
 * the secret lives outside it, in the collector's environment:
 *   CIVICNET_SNMP_CREDENTIALS      path to a JSON file { "<id>": { "version": "v2c", "community": "..." }
 *                                  | { "version": "v3", "v3": { user, authProtocol, authKey, privProtocol, privKey, level } } }
 *   CIVICNET_SNMP_COMMUNITY_<ID>   a v2c community for credential <id> (upper case, non-alphanumerics as _)
 * The credentials 'public' and 'sim-v2c' mean v2c community "public" when nothing else defines them (the
 * simulated city and lab agents). Secrets never appear in logs or errors: only the id does.
 */
import { readFileSync } from 'node:fs'
import { CredentialError } from './errors.ts'
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
    let parsed: unknown
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'))
    } catch (err) {
      throw new CredentialError(`CIVICNET_SNMP_CREDENTIALS=${file}: cannot read it as JSON (${(err as Error).message.split('\n')[0]})`)
    }
    if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new CredentialError(`CIVICNET_SNMP_CREDENTIALS=${file}: expected an object of credentials by id`)
    for (const [id, c] of Object.entries(parsed as Record<string, { version?: string; community?: unknown; v3?: unknown }>)) {
      if (c?.version === 'v2c' && typeof c.community === 'string') continue
      if (c?.version === 'v3' && c.v3 && typeof c.v3 === 'object') continue
      throw new CredentialError(`CIVICNET_SNMP_CREDENTIALS=${file}: credential '${id}' needs {"version":"v2c","community":...} or {"version":"v3","v3":{...}}`)
    }
    fileCreds = parsed as Record<string, SnmpCredential>
  }
  return (id) => {
    const fromEnv = env[envName(id)]
    if (fromEnv) return { version: 'v2c', community: fromEnv }
    const c = fileCreds[id]
    if (c) return c
    // Lab and simulated-city defaults (the simulators answer community "public").
    if (id === 'public' || id === 'sim-v2c') return { version: 'v2c', community: 'public' }
    throw new CredentialError(`SNMP credential '${id}' is not defined: set ${envName(id)} or add it to the CIVICNET_SNMP_CREDENTIALS file`)
  }
}
