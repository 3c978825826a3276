/**
 * The UniFi source's settings from the environment (listed in .env.example), validated
 * once; a bad value fails naming its variable. The secrets are not here: they are read by
 * reference when a controller is read (credentials.ts), and the certificate trust comes
 * from the inventory's api block or CIVICNET_UNIFI_CA_FILE (tls.ts).
 */
import { CollectorConfigError } from '../config.ts'
import type { UnifiSourceConfig } from './source.ts'

function int(name: string, raw: string | undefined, dflt: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return dflt
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new CollectorConfigError(name, `must be an integer from ${min} to ${max}, got '${raw}'`)
  return n
}

/**
 *   CIVICNET_UNIFI_INTERVAL_MS   time between two reads of a controller (default: the poll interval)
 *   CIVICNET_UNIFI_TIMEOUT_MS    per HTTP request (default 10 000)
 *   CIVICNET_UNIFI_RETRIES       extra tries within a round after a failure that may pass (default 2)
 *   CIVICNET_UNIFI_RETRY_MS      first backoff before such a try, doubling (default 1000)
 *   CIVICNET_UNIFI=0             do not read UniFi controllers at all
 */
export function loadUnifiSourceConfig(env: Record<string, string | undefined> = process.env, pollIntervalMs = 60_000): Readonly<UnifiSourceConfig> | false {
  if (env.CIVICNET_UNIFI === '0') return false
  return Object.freeze({
    intervalMs: int('CIVICNET_UNIFI_INTERVAL_MS', env.CIVICNET_UNIFI_INTERVAL_MS, pollIntervalMs, 1000, 86_400_000),
    timeoutMs: int('CIVICNET_UNIFI_TIMEOUT_MS', env.CIVICNET_UNIFI_TIMEOUT_MS, 10_000, 100, 120_000),
    retries: int('CIVICNET_UNIFI_RETRIES', env.CIVICNET_UNIFI_RETRIES, 2, 0, 10),
    retryBaseMs: int('CIVICNET_UNIFI_RETRY_MS', env.CIVICNET_UNIFI_RETRY_MS, 1000, 10, 60_000),
  })
}
