/**
 * Reads a JSON file of secrets (CIVICNET_SNMP_CREDENTIALS, CIVICNET_UNIFI_CREDENTIALS). A
 * failure says why, as the errno code or 'not valid JSON', never in the parser's words:
 * those quote the file, secrets and all.
 */
import { readFileSync } from 'node:fs'

export function readSecretsJson(variable: string, file: string, error: (message: string) => Error): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'))
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code ?? 'not valid JSON'
    throw error(`${variable}=${file}: cannot read it as JSON (${why})`)
  }
}
