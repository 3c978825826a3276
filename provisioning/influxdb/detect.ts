/**
 * Which InfluxDB generation answers at a URL, from its documented version reports:
 * - 1.x: `GET /ping` answers 204 with `X-Influxdb-Version: 1.x` (docs.influxdata.com/influxdb/v1/api/system-information/)
 * - 2.x: `GET /ping` answers 204 with `X-Influxdb-Version: v2.x`, and `GET /health` a JSON
 *   `{ name, status, version }` (docs.influxdata.com/influxdb/v2/api/ping/, .../v2/api/health/)
 * - 3.x Core/Enterprise: `GET /ping` answers 200 with `x-influxdb-version: 3.x` and a JSON
 *   `{ version, revision, process_id }`, or 401 when the server requires a token for it
 *   (docs.influxdata.com/influxdb3/core/api/server-information/)
 */
import { InfluxSetupError, influxRequest } from './http.ts'
import type { InfluxAuth } from './http.ts'

export type InfluxGeneration = 1 | 2 | 3

export interface DetectedInflux {
  generation: InfluxGeneration
  /** as the server reports it, e.g. '1.6.7~rc0', 'v2.7.10', '3.8.0' */
  version: string
  /** the server's clock from the Date header of /ping, ms (NaN when absent) */
  serverDateMs: number
  /** the local clock half-way through the /ping request, ms */
  localMidMs: number
}

/** The major version of a reported version string ('v2.7.1' -> 2), or undefined. */
export function majorOf(version: string | null | undefined): number | undefined {
  const m = /^v?(\d+)\./.exec(version?.trim() ?? '')
  return m ? Number(m[1]) : undefined
}

export async function detectInflux(url: string, auth: InfluxAuth, timeoutMs = 5000): Promise<DetectedInflux> {
  const t0 = Date.now()
  const ping = await influxRequest(url, 'GET', 'ping', { auth, timeoutMs })
  const localMidMs = (t0 + Date.now()) / 2
  const serverDateMs = Date.parse(ping.headers.get('date') ?? '')
  let version = ping.headers.get('x-influxdb-version') ?? undefined
  if (!version && ping.status === 200) {
    try {
      version = (JSON.parse(ping.text) as { version?: string }).version
    } catch {
      // not the 3.x JSON body
    }
  }
  if (ping.status === 401) {
    throw new InfluxSetupError(`InfluxDB at ${new URL(url).origin} refused /ping without valid credentials (401): InfluxDB 3 requires a token there; give INFLUX_TOKEN, --token or --token-file (or --generation)`)
  }
  if (!version && (ping.status === 204 || ping.status === 200 || ping.status === 404)) {
    // InfluxDB Cloud and some proxies drop the header: /health carries it on 2.x
    const health = await influxRequest(url, 'GET', 'health', { auth, timeoutMs })
    if (health.status === 200) {
      try {
        version = (JSON.parse(health.text) as { version?: string }).version
      } catch {
        // 3.x answers plain "OK"
      }
    }
  }
  const major = majorOf(version)
  if (major === 1 || major === 2 || major === 3) return { generation: major, version: version!, serverDateMs, localMidMs }
  throw new InfluxSetupError(
    `the server at ${new URL(url).origin} did not report an InfluxDB version (/ping answered ${ping.status}${version ? `, version '${version}'` : ', no X-Influxdb-Version header'}): is this InfluxDB? Pass --generation 1, 2 or 3 to skip detection`,
  )
}
