/**
 * The metric store entry point: config from the environment (typed, validated, frozen;
 * a bad value fails fast naming the variable) and the factory that opens the adapter.
 * InfluxDB when INFLUX_URL is set, else the embedded DuckDB file under CIVICNET_DATA_DIR.
 */
import { join, resolve } from 'node:path'
import { openDuckDbStore } from './duckdb/index.ts'
import { openInfluxStore } from './influx/index.ts'
import { storePolicies } from './influx/policies.ts'
import type { MetricStore, RollupTier } from './types.ts'

export type { MetricStore, AggregateQuery, LatestQuery, LatestValue, EventQuery, RollupRow, RollupTier, SeriesFilter } from './types.ts'
export { ROLLUP_TIERS } from './types.ts'
export { StoreQueryError, StoreWriteError, StoreUnavailableError, StoreLockedError, MAX_POINTS, DEFAULT_INSTANT_MS, validateAggregate, floorTo, ceilTo, tierMs } from './query.ts'
export { createRollupScheduler } from './rollup.ts'
export type { RollupScheduler, RollupSchedulerConfig, RollupLog } from './rollup.ts'
export { openDuckDbStore } from './duckdb/index.ts'
export type { DuckDbStoreConfig } from './duckdb/index.ts'
export { openInfluxStore } from './influx/index.ts'
export type { InfluxStoreConfig } from './influx/index.ts'
export { POLICY_PARTS, goDurationMs, storePolicies } from './influx/policies.ts'
export type { PolicyPart, RetentionPolicyConfig } from './influx/policies.ts'

export type StoreConfig =
  | { readonly kind: 'duckdb'; /** database file */ readonly path: string; /** poll-instant bucket, ms */ readonly instantMs: number }
  | {
    readonly kind: 'influxdb'
    /** INFLUX_URL, e.g. http://127.0.0.1:8086 */
    readonly url: string
    /** INFLUX_DB (default 'civicnet') */
    readonly database: string
    /** INFLUX_USERNAME / INFLUX_PASSWORD: 1.x Basic auth */
    readonly username?: string
    readonly password?: string
    /** INFLUX_TOKEN: 2.x/3.x token auth */
    readonly token?: string
    /** INFLUX_RP: the raw policy (samples, events, sightings) and each tier's default (default: the database's default) */
    readonly retentionPolicy?: string
    /** INFLUX_RP_5M / INFLUX_RP_1H / INFLUX_RP_1D: a rollup tier's own policy; only the ones set */
    readonly retentionPolicies?: Readonly<Partial<Record<RollupTier, string>>>
    readonly instantMs: number
  }

/** A bad store setting; `variable` names the environment variable. */
export class StoreConfigError extends Error {
  readonly code = 'CN_ERR_STORE_CONFIG'
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`)
    this.name = 'StoreConfigError'
  }
}

const DEFAULT_INSTANT = 60_000

/** The variable naming each rollup tier's retention policy. */
export const TIER_RP_VARS: Readonly<Record<RollupTier, string>> = Object.freeze({ '5m': 'INFLUX_RP_5M', '1h': 'INFLUX_RP_1H', '1d': 'INFLUX_RP_1D' })

/** Reads the store config from `env` (default process.env). Throws StoreConfigError. */
export function loadStoreConfig(env: Record<string, string | undefined> = process.env): StoreConfig {
  const get = (name: string): string | undefined => {
    const v = env[name]
    if (v === undefined) return undefined
    if (v.trim() === '') throw new StoreConfigError(name, 'is set but empty (unset it or give a value)')
    return v
  }
  const url = get('INFLUX_URL')
  if (url === undefined) {
    for (const name of ['INFLUX_DB', 'INFLUX_USERNAME', 'INFLUX_PASSWORD', 'INFLUX_TOKEN', 'INFLUX_RP', ...Object.values(TIER_RP_VARS)]) {
      if (env[name] !== undefined) throw new StoreConfigError(name, 'is set but INFLUX_URL is not (set INFLUX_URL to use InfluxDB, or unset this)')
    }
    const dir = get('CIVICNET_DATA_DIR') ?? 'data'
    return Object.freeze({ kind: 'duckdb', path: join(resolve(dir), 'metrics.duckdb'), instantMs: DEFAULT_INSTANT })
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    // echoed without anything up to an '@', where a password may be
    throw new StoreConfigError('INFLUX_URL', `'${url.replace(/^[^@]*@/, '…@')}' is not a URL (expected e.g. http://127.0.0.1:8086)`)
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new StoreConfigError('INFLUX_URL', `must be http:// or https://, got '${parsed.protocol}'`)
  if (parsed.username || parsed.password) throw new StoreConfigError('INFLUX_URL', 'must not carry credentials: use INFLUX_USERNAME/INFLUX_PASSWORD or INFLUX_TOKEN')
  const username = get('INFLUX_USERNAME')
  const password = get('INFLUX_PASSWORD')
  const token = get('INFLUX_TOKEN')
  if (password !== undefined && username === undefined) throw new StoreConfigError('INFLUX_PASSWORD', 'is set without INFLUX_USERNAME')
  if (token !== undefined && username !== undefined) throw new StoreConfigError('INFLUX_TOKEN', 'and INFLUX_USERNAME are both set: use the token (2.x/3.x) or username/password (1.x), not both')
  const database = get('INFLUX_DB') ?? 'civicnet'
  const rp = get('INFLUX_RP')
  const tiers: Partial<Record<RollupTier, string>> = {}
  for (const [tier, name] of Object.entries(TIER_RP_VARS) as [RollupTier, string][]) {
    const v = get(name)
    if (v !== undefined) tiers[tier] = v
  }
  return Object.freeze({
    kind: 'influxdb',
    url: parsed.origin + parsed.pathname.replace(/\/$/, ''),
    database,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(rp !== undefined ? { retentionPolicy: rp } : {}),
    ...(Object.keys(tiers).length > 0 ? { retentionPolicies: Object.freeze(tiers) } : {}),
    instantMs: DEFAULT_INSTANT,
  })
}

/** Opens (and init()s) the configured store. Default: from process.env. */
export async function openMetricStore(config: StoreConfig = loadStoreConfig()): Promise<MetricStore> {
  const store = config.kind === 'duckdb'
    ? await openDuckDbStore({ path: config.path, instantMs: config.instantMs })
    : await openInfluxStore({ ...config })
  try {
    await store.init()
  } catch (err) {
    await store.close().catch(() => undefined)
    throw err
  }
  return store
}

/** Where the store lives, for a start-up log line; never includes a secret. */
export function describeStore(config: StoreConfig): string {
  if (config.kind === 'duckdb') return `duckdb ${config.path}`
  const p = storePolicies(config)
  const rps = p.raw === undefined && p['5m'] === undefined && p['1h'] === undefined && p['1d'] === undefined ? ''
    : p.raw === p['5m'] && p.raw === p['1h'] && p.raw === p['1d'] ? ` rp=${p.raw}`
    : ` rp=${p.raw ?? '(default)'} rp_5m=${p['5m'] ?? '(default)'} rp_1h=${p['1h'] ?? '(default)'} rp_1d=${p['1d'] ?? '(default)'}`
  return `influxdb ${config.url} db=${config.database}${rps}${config.token ? ' (token auth)' : config.username ? ' (basic auth)' : ''}`
}
