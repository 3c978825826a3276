/**
 * The collector's configuration from the environment and the command line: typed, with
 * defaults beside each field, validated once, frozen; a bad value fails naming its
 * variable or flag. Every variable is listed in .env.example.
 */
import { join, resolve } from 'node:path'
import type { CollectorConfig } from './index.ts'
import { parseShard } from './shard.ts'

export class CollectorConfigError extends Error {
  readonly code = 'CN_ERR_COLLECTOR_CONFIG'
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`)
    this.name = 'CollectorConfigError'
  }
}

function int(name: string, raw: string | undefined, dflt: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  if (raw === undefined || raw === '') return dflt
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new CollectorConfigError(name, `must be an integer from ${min} to ${max}, got '${raw}'`)
  return n
}

/** CIVICNET_UNIQUE_PERIOD: the period of the second station digest key (period-unique counts), 'quarter' by default. */
function uniquePeriod(raw: string | undefined): 'month' | 'quarter' {
  if (raw === undefined || raw === '') return 'quarter'
  if (raw === 'month' || raw === 'quarter') return raw
  throw new CollectorConfigError('CIVICNET_UNIQUE_PERIOD', `must be 'month' or 'quarter', got '${raw}'`)
}

/**
 * Reads CIVICNET_COLLECT_* and friends, then lets flags override:
 *   --shard i/n  --interval-ms N  --max-in-flight N  --trap-port N  --no-traps
 */
export function loadCollectorConfig(env: Record<string, string | undefined> = process.env, args: string[] = []): Readonly<CollectorConfig> {
  const flags = new Map<string, string | true>()
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    if (a === '--no-traps') flags.set(a, true)
    else if (['--shard', '--interval-ms', '--max-in-flight', '--trap-port'].includes(a)) {
      const v = args[++i]
      if (v === undefined || v.startsWith('--')) throw new CollectorConfigError(a, 'needs a value')
      flags.set(a, v)
    } else throw new CollectorConfigError(a, 'unknown option (see civicnet collect --help)')
  }
  const flag = (f: string) => (typeof flags.get(f) === 'string' ? (flags.get(f) as string) : undefined)
  const pick = (f: string, v: string) => (flag(f) !== undefined ? [f, flag(f)] as const : [v, env[v]] as const)

  const [shardName, shardRaw] = pick('--shard', 'CIVICNET_COLLECT_SHARD')
  let shard
  try {
    shard = shardRaw ? parseShard(shardRaw) : undefined
  } catch (err) {
    throw new CollectorConfigError(shardName, (err as Error).message)
  }
  const dataDir = resolve(env.CIVICNET_DATA_DIR || 'data')
  const [ivName, ivRaw] = pick('--interval-ms', 'CIVICNET_COLLECT_INTERVAL_MS')
  const [mifName, mifRaw] = pick('--max-in-flight', 'CIVICNET_COLLECT_MAX_IN_FLIGHT')
  const [tpName, tpRaw] = pick('--trap-port', 'CIVICNET_TRAP_PORT')
  const noTraps = flags.has('--no-traps') || env.CIVICNET_TRAP_PORT === '0'
  const config: CollectorConfig = {
    poller: {
      intervalMs: int(ivName, ivRaw, 60_000, 1000),
      maxInFlight: int(mifName, mifRaw, 256, 1, 100_000),
      timeoutMs: int('CIVICNET_SNMP_TIMEOUT_MS', env.CIVICNET_SNMP_TIMEOUT_MS, 2000, 50, 60_000),
      retries: int('CIVICNET_SNMP_RETRIES', env.CIVICNET_SNMP_RETRIES, 1, 0, 10),
      ...(shard ? { shard } : {}),
      uniquePeriod: uniquePeriod(env.CIVICNET_UNIQUE_PERIOD),
      keyDir: env.CIVICNET_KEY_DIR ? resolve(env.CIVICNET_KEY_DIR) : join(dataDir, 'keys'),
    },
    writer: {
      spoolDir: env.CIVICNET_SPOOL_DIR ? resolve(env.CIVICNET_SPOOL_DIR) : join(dataDir, 'spool'),
      spoolMaxBytes: int('CIVICNET_SPOOL_MAX_BYTES', env.CIVICNET_SPOOL_MAX_BYTES, 256 * 1024 * 1024, 1024),
      batchSize: int('CIVICNET_WRITE_BATCH', env.CIVICNET_WRITE_BATCH, 5000, 1, 1_000_000),
      maxDelayMs: int('CIVICNET_WRITE_MAX_DELAY_MS', env.CIVICNET_WRITE_MAX_DELAY_MS, 1000, 1, 600_000),
    },
    traps: noTraps
      ? false
      : { port: int(tpName, tpRaw, 1162, 1, 65535), address: env.CIVICNET_TRAP_ADDRESS || '127.0.0.1' },
  }
  if (shard && shard.count > 1 && shard.index > 0 && config.traps && !tpRaw) {
    // Shards on one host would fight over the default trap port: only shard 0 listens.
    config.traps = false
  }
  return Object.freeze(config)
}
