/**
 * The API's configuration: typed, with defaults beside each field, validated once and frozen.
 */
import { isIP } from 'node:net'
import { DEFAULT_SLA_TARGETS, SEVERITIES, type SlaTargets } from '../incidents/sla.ts'

export interface ApiConfig {
  /** the collector's poll interval; a device_up sample stays fresh for 2 of them (default 60000 ms) */
  pollIntervalMs: number
  /** most points one /api/series answer may hold (default 10000) */
  maxSeriesPoints: number
  /** period of the neighborhood stats when the request names none (default 24 h) */
  defaultPeriodMs: number
  /**
   * how long (clock time) a computed neighborhood summary or device status list is reused,
   * keyed by the clock minute and the period asked (default 60000 ms; 0 disables)
   */
  summaryCacheMs: number
  /** most events one /api/events answer may hold (default 1000, at most 10000) */
  maxEvents: number
  /** built web app served at / when the directory exists (default: web/dist of this checkout) */
  webDir: string | null
  /** pino level (default 'info') */
  logLevel: string
  /**
   * where the stored data comes from, when it is not all live polling: the demo fills its
   * history at a coarser step before polling live (default null: all live)
   */
  history: { fromMs: number; stepMs: number; liveSinceMs: number } | null
  /**
   * names this server answers to in the Host header (and in an absolute-form request
   * target), compared case-insensitively without the port; anything else is refused with
   * 421, which defeats DNS rebinding (CIVICNET_ALLOWED_HOSTS, comma-separated; default the
   * loopback names localhost, 127.0.0.1 and ::1, plus the address bound when it is not a
   * wildcard)
   */
  allowedHosts: readonly string[]
  /**
   * addresses or CIDR ranges of the reverse proxies in front (CIVICNET_TRUST_PROXY,
   * comma-separated; default none): a request from one of them is taken to come from the
   * address its X-Forwarded-For names, so per-address limits (failed sign-ins, residents'
   * reports, open-data downloads) and the request log see each client, not the proxy. A
   * request from anywhere else keeps its own address, whatever header it sends.
   */
  trustProxy: readonly string[]
  /** failed authentications per client address before 429 (default 10 in 60 000 ms) */
  authFailures: { max: number; windowMs: number }
  /** resident reports one address may send in a window (default 5 in 10 min) */
  residentReports: { max: number; windowMs: number }
  /**
   * the session cookie's Secure flag: 'auto' sets it when the request came over TLS (directly
   * or, from a trusted proxy, by X-Forwarded-Proto), 'always' on every answer
   * (CIVICNET_COOKIE_SECURE; default 'auto')
   */
  cookieSecure: 'auto' | 'always'
  /** target time to restore per incident severity, ms (CIVICNET_INCIDENT_SLA; default critical 4 h, major 8 h, minor 24 h) */
  incidentSla: SlaTargets
}

/** The loopback names every server answers to. */
export const LOOPBACK_HOSTS: readonly string[] = Object.freeze(['localhost', '127.0.0.1', '::1'])

/**
 * CIVICNET_ALLOWED_HOSTS as a list (names or addresses, comma-separated, no ports), with the
 * loopback names always added; undefined when the variable is not set.
 */
export function allowedHostsFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const raw = env.CIVICNET_ALLOWED_HOSTS
  if (raw === undefined || raw.trim() === '') return undefined
  const names = raw.split(',').map((h) => h.trim().toLowerCase().replace(/^\[(.*)\]$/, '$1')).filter(Boolean)
  for (const n of names) {
    if (!/^[a-z0-9.:-]{1,253}$/.test(n)) throw new RangeError(`CIVICNET_ALLOWED_HOSTS: '${n}' is not a host name or address (no port, no scheme)`)
  }
  return [...new Set([...LOOPBACK_HOSTS, ...names])]
}

/** CIVICNET_TRUST_PROXY as a list of addresses and CIDR ranges; undefined when not set. */
export function trustProxyFromEnv(env: NodeJS.ProcessEnv = process.env): string[] | undefined {
  const raw = env.CIVICNET_TRUST_PROXY
  if (raw === undefined || raw.trim() === '') return undefined
  const list = raw.split(',').map((x) => x.trim()).filter(Boolean)
  for (const x of list) checkProxyAddress(x, 'CIVICNET_TRUST_PROXY')
  return list
}

/** CIVICNET_COOKIE_SECURE: 'auto' (default) or 'always'. */
export function cookieSecureFromEnv(env: NodeJS.ProcessEnv = process.env): 'auto' | 'always' {
  const v = (env.CIVICNET_COOKIE_SECURE ?? '').trim().toLowerCase()
  if (v === '' || v === 'auto') return 'auto'
  if (v === 'always') return 'always'
  throw new RangeError(`CIVICNET_COOKIE_SECURE must be auto or always, got '${v.slice(0, 20)}'`)
}

function checkProxyAddress(x: string, what: string) {
  const [addr, bits, ...rest] = x.split('/')
  const family = isIP(addr ?? '')
  const maxBits = family === 4 ? 32 : 128
  if (family === 0 || rest.length > 0 || (bits !== undefined && !(/^\d{1,3}$/.test(bits) && Number(bits) <= maxBits))) {
    throw new RangeError(`${what}: '${x}' is not an IP address or CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, ::1)`)
  }
}

export const defaultApiConfig: Readonly<ApiConfig> = Object.freeze({
  pollIntervalMs: 60_000,
  maxSeriesPoints: 10_000,
  defaultPeriodMs: 24 * 3_600_000,
  summaryCacheMs: 60_000,
  maxEvents: 1000,
  webDir: new URL('../web/dist', import.meta.url).pathname,
  logLevel: 'info',
  history: null,
  allowedHosts: LOOPBACK_HOSTS,
  trustProxy: Object.freeze([]) as readonly string[],
  authFailures: Object.freeze({ max: 10, windowMs: 60_000 }),
  residentReports: Object.freeze({ max: 5, windowMs: 10 * 60_000 }),
  incidentSla: Object.freeze({ ...DEFAULT_SLA_TARGETS }),
  cookieSecure: 'auto',
})

/** Fills defaults and checks each field, naming the one that is wrong. */
export function apiConfig(partial: Partial<ApiConfig> = {}): Readonly<ApiConfig> {
  const c: ApiConfig = { ...defaultApiConfig, ...partial }
  const positive = (name: keyof ApiConfig, min: number) => {
    const v = c[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new RangeError(`api config: ${name} must be an integer >= ${min}, got ${String(v)}`)
  }
  positive('pollIntervalMs', 1000)
  positive('maxSeriesPoints', 10)
  positive('defaultPeriodMs', 60_000)
  positive('summaryCacheMs', 0)
  positive('maxEvents', 1)
  if (c.maxEvents > 10_000) throw new RangeError(`api config: maxEvents must be <= 10000, got ${c.maxEvents}`)
  if (!Array.isArray(c.allowedHosts) || c.allowedHosts.length === 0) throw new RangeError('api config: allowedHosts must name at least one host')
  c.allowedHosts = Object.freeze(c.allowedHosts.map((h) => h.toLowerCase().replace(/^\[(.*)\]$/, '$1')))
  if (!Array.isArray(c.trustProxy)) throw new RangeError('api config: trustProxy must be a list of addresses or CIDR ranges')
  for (const x of c.trustProxy) checkProxyAddress(x, 'api config: trustProxy')
  c.trustProxy = Object.freeze([...c.trustProxy])
  const rr = c.residentReports
  if (!Number.isInteger(rr.max) || rr.max < 1 || !Number.isInteger(rr.windowMs) || rr.windowMs < 1000) {
    throw new RangeError(`api config: residentReports must be { max >= 1, windowMs >= 1000 }, got ${JSON.stringify(rr)}`)
  }
  const { max, windowMs } = c.authFailures
  if (!Number.isInteger(max) || max < 1 || !Number.isInteger(windowMs) || windowMs < 1000) {
    throw new RangeError(`api config: authFailures must be { max >= 1, windowMs >= 1000 }, got ${JSON.stringify(c.authFailures)}`)
  }
  if (c.cookieSecure !== 'auto' && c.cookieSecure !== 'always') throw new RangeError(`api config: cookieSecure must be 'auto' or 'always', got ${String(c.cookieSecure)}`)
  for (const sev of SEVERITIES) {
    const v = c.incidentSla[sev]
    if (!Number.isInteger(v) || v < 1) throw new RangeError(`api config: incidentSla.${sev} must be an integer >= 1 ms, got ${String(v)}`)
  }
  return Object.freeze(c)
}
