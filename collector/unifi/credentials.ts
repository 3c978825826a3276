/**
 * UniFi API credentials by reference, as SNMP credentials are (collector/credentials.ts):
 * the inventory's `api.credential` names one, the secret lives in the collector's
 * environment or in a JSON file outside the repository:
 *   CIVICNET_UNIFI_<ID>_API_KEY=...                       (auth 'api-key': the key made under
 *                                                          UniFi Network > Settings > Control Plane > Integrations)
 *   CIVICNET_UNIFI_<ID>_USERNAME=... CIVICNET_UNIFI_<ID>_PASSWORD=...   (auth 'login': a local account, read-only role)
 *   CIVICNET_UNIFI_CREDENTIALS=/etc/civicnet/unifi.json   ({ "<id>": { "apiKey": "..." } | { "username": "...", "password": "..." } })
 * <ID> is the credential id in upper case with non-alphanumerics as _. Environment
 * variables win over the file. Errors name the variables to set, never a value.
 */
import { readSecretsJson } from '../secrets-file.ts'
import { UnifiConfigError } from './errors.ts'

export type UnifiSecret = { kind: 'api-key'; apiKey: string } | { kind: 'login'; username: string; password: string }

/** credential id + the auth the inventory asks for -> the secret (throws UnifiConfigError) */
export type UnifiCredentialResolver = (credential: string, auth: 'api-key' | 'login') => UnifiSecret

export function unifiEnvPrefix(credential: string): string {
  return `CIVICNET_UNIFI_${credential.toUpperCase().replace(/[^A-Z0-9]/g, '_')}_`
}

export function createUnifiCredentialResolver(env: NodeJS.ProcessEnv = process.env): UnifiCredentialResolver {
  type Entries = Record<string, { apiKey?: unknown; username?: unknown; password?: unknown }>
  let file: Entries | undefined
  const fileName = env.CIVICNET_UNIFI_CREDENTIALS
  const fromFile = (id: string) => {
    if (!fileName) return undefined
    if (!file) {
      const parsed = readSecretsJson('CIVICNET_UNIFI_CREDENTIALS', fileName, (m) => new UnifiConfigError(undefined, m))
      if (!parsed || typeof parsed !== 'object' || Array.isArray(parsed)) throw new UnifiConfigError(undefined, `CIVICNET_UNIFI_CREDENTIALS=${fileName}: expected an object of credentials by id`)
      file = parsed as Entries
    }
    return file![id]
  }
  return (id, auth) => {
    const p = unifiEnvPrefix(id)
    if (auth === 'api-key') {
      const key = env[`${p}API_KEY`] || (typeof fromFile(id)?.apiKey === 'string' ? (fromFile(id)!.apiKey as string) : '')
      if (key) return { kind: 'api-key', apiKey: key }
      throw new UnifiConfigError(undefined, `UniFi credential '${id}' has no API key: set ${p}API_KEY, or "apiKey" of "${id}" in the JSON file named by CIVICNET_UNIFI_CREDENTIALS`)
    }
    const entry = fromFile(id)
    const username = env[`${p}USERNAME`] || (typeof entry?.username === 'string' ? entry.username : '')
    const password = env[`${p}PASSWORD`] || (typeof entry?.password === 'string' ? entry.password : '')
    if (username && password) return { kind: 'login', username, password }
    throw new UnifiConfigError(undefined, `UniFi credential '${id}' has no ${username ? 'password' : 'username'}: set ${p}USERNAME and ${p}PASSWORD, or "username" and "password" of "${id}" in the JSON file named by CIVICNET_UNIFI_CREDENTIALS`)
  }
}
