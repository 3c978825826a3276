/**
 * The metric store entry point: config from the environment (typed, validated, frozen;
 * a bad value fails fast naming the variable) and the factory that opens the adapter.
 * InfluxDB when INFLUX_URL is set, else the embedded DuckDB file under CIVICNET_DATA_DIR.
 */
import { join, resolve } from 'node:path'
import { openDuckDbStore } from './duckdb/index.ts'
import { openInfluxStore } from './influx/index.ts'
import type { MetricStore } from './types.ts'

export type { MetricStore, AggregateQuery, LatestQuery, LatestValue, EventQuery, RollupRow, RollupTier, SeriesFilter } from './types.ts'
export { ROLLUP_TIERS } from './types.ts'
export { StoreQueryError, StoreWriteError, StoreUnavailableError, MAX_POINTS, DEFAULT_INSTANT_MS, validateAggregate, floorTo, ceilTo, tierMs } from './query.ts'
export { createRollupScheduler } from './rollup.ts'
export type { RollupScheduler, RollupSchedulerConfig, RollupLog } from './rollup.ts'
export { openDuckDbStore } from './duckdb/index.ts'
export type { DuckDbStoreConfig } from './duckdb/index.ts'
export { openInfluxStore } from './influx/index.ts'
export type { InfluxStoreConfig } from './influx/index.ts'

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
    /** INFLUX_RP: retention policy (default: the database's default) */
    readonly retentionPolicy?: string
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
    for (const name of ['INFLUX_DB', 'INFLUX_USERNAME', 'INFLUX_PASSWORD', 'INFLUX_TOKEN', 'INFLUX_RP']) {
      if (env[name] !== undefined) throw new StoreConfigError(name, 'is set but INFLUX_URL is not (set INFLUX_URL to use InfluxDB, or unset this)')
    }
    const dir = get('CIVICNET_DATA_DIR') ?? 'data'
    return Object.freeze({ kind: 'duckdb', path: join(resolve(dir), 'metrics.duckdb'), instantMs: DEFAULT_INSTANT })
  }
  let parsed: URL
  try {
    parsed = new URL(url)
  } catch {
    throw new StoreConfigError('INFLUX_URL', `'${url}' is not a URL (expected e.g. http://127.0.0.1:8086)`)
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
  return Object.freeze({
    kind: 'influxdb',
    url: parsed.origin + parsed.pathname.replace(/\/$/, ''),
    database,
    ...(username !== undefined ? { username } : {}),
    ...(password !== undefined ? { password } : {}),
    ...(token !== undefined ? { token } : {}),
    ...(rp !== undefined ? { retentionPolicy: rp } : {}),
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
  return config.kind === 'duckdb' ? `duckdb ${config.path}` : `influxdb ${config.url} db=${config.database}${config.retentionPolicy ? ` rp=${config.retentionPolicy}` : ''}${config.token ? ' (token auth)' : config.username ? ' (basic auth)' : ''}`
}
