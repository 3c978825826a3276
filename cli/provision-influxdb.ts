/**
 * `civicnet provision influxdb`: flags and credentials in, provisioning/influxdb does the
 * work, one line per step out. Exit 0 when set up (changed or not), 1 when InfluxDB refused
 * or could not be reached, 2 for bad input.
 */
import { readFileSync } from 'node:fs'
import { DEFAULT_DURATIONS, DURATION_FLAGS, InfluxSetupError, POLICY_PARTS, RAW_MIN_DAYS, parseDuration, provisionInflux, storeEnvHint } from '../provisioning/influxdb/index.ts'
import type { InfluxAuth, InfluxGeneration, InfluxTarget, PolicyPart } from '../provisioning/influxdb/index.ts'
import { UsageError, httpUrlFlag, parseValueFlags } from './flags.ts'
import { TIER_RP_VARS } from '../store/index.ts'

export const PROVISION_INFLUXDB_USAGE = `usage: civicnet provision influxdb [--url URL] [--generation 1|2|3|auto] [--db NAME] [--rp NAME]
                                  [--raw-duration D] [--rollup-5m-duration D] [--rollup-1h-duration D]
                                  [--rollup-1d-duration D] [--allow-shorter]
                                  [--org NAME] [--bucket NAME] [--username NAME] [--password-file FILE]
                                  [--token TOKEN | --token-file FILE]

Sets up the InfluxDB the store writes to, idempotently (a second run prints "unchanged" for
each step and "nothing to change"):
  1.x  CREATE DATABASE, then a retention policy for the raw data (DEFAULT) and one per rollup
       tier, with InfluxDB's default shard duration for each duration; a policy with another
       duration is ALTERed
  2.x  finds the organization, creates a bucket per policy with its retention and the DBRP
       mapping db/rp -> bucket the v1 API needs for each, then checks the token can write,
       read and delete in each
  3.x  creates the database (no retention period), then checks the token can write and read;
       3.x has no retention policies: all tiers share the database, leave INFLUX_RP* unset

Policies (names: --rp / INFLUX_RP, else civicnet; INFLUX_RP_5M / _1H / _1D, else <rp>_5m ...;
durations INF or whole h, d, w, at least 2d):
  raw data   <rp>, DEFAULT  --raw-duration        default ${DEFAULT_DURATIONS.raw}: samples, events, sightings. The grant
                                                  report reads a year of raw device_up and sightings (no
                                                  rollup keeps unique clients); doctor warns below ${RAW_MIN_DAYS}d
  rollup 5m  <rp>_5m        --rollup-5m-duration  default ${DEFAULT_DURATIONS['5m']}: a year of 5-minute charts, then 1h
  rollup 1h  <rp>_1h        --rollup-1h-duration  default ${DEFAULT_DURATIONS['1h']}: small; what long ranges read
  rollup 1d  <rp>_1d        --rollup-1d-duration  default ${DEFAULT_DURATIONS['1d']}

  --url URL            InfluxDB base URL (default: INFLUX_URL)
  --generation G       1, 2, 3 or auto (default auto: /ping's X-Influxdb-Version, then /health)
  --db NAME            database (2.x: the DBRP database) (default: INFLUX_DB, else civicnet)
  --rp NAME            raw retention policy (2.x: its DBRP retention policy) (default: INFLUX_RP, else civicnet)
  --org NAME           2.x organization (default: the only one the token can see)
  --bucket NAME        2.x bucket of the raw policy (default: the database name); tiers: NAME_5m ...
  --username NAME      1.x user (default: INFLUX_USERNAME); needs admin privilege
  --password-file F    1.x password, first line of F (default: INFLUX_PASSWORD)
  --token TOKEN        2.x/3.x token (prefer INFLUX_TOKEN or --token-file: argv is visible to ps)
  --token-file F       2.x/3.x token, first line of F
  --allow-shorter      set a duration shorter than a policy (bucket) already keeps, which drops
                       the data older than it (refused without: exit 2, nothing changed)`

const FLAGS = ['url', 'generation', 'db', 'rp', 'org', 'bucket', 'username', 'password-file', 'token', 'token-file', ...Object.values(DURATION_FLAGS)] as const

function firstLine(file: string, flag: string): string {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new UsageError(`--${flag} ${file}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  const line = text.split(/\r?\n/)[0]!.trim()
  if (!line) throw new UsageError(`--${flag} ${file}: the file's first line is empty`)
  return line
}

/** Credentials from flags, then the store's environment (store/index.ts names). */
function authOf(f: Partial<Record<(typeof FLAGS)[number], string>>, env: NodeJS.ProcessEnv): InfluxAuth {
  const token = f['token-file'] !== undefined ? firstLine(f['token-file'], 'token-file') : f.token ?? env.INFLUX_TOKEN
  if (f.token !== undefined && f['token-file'] !== undefined) throw new UsageError('--token and --token-file are both given: use one')
  const username = f.username ?? env.INFLUX_USERNAME
  const password = f['password-file'] !== undefined ? firstLine(f['password-file'], 'password-file') : env.INFLUX_PASSWORD
  if (token && (f.username !== undefined || f['password-file'] !== undefined)) throw new UsageError('a token and a username/password are both given: 2.x/3.x take the token, 1.x the username and password')
  if (token) return { kind: 'token', token }
  if (password !== undefined && !username) throw new UsageError('a password is given without a username (--username or INFLUX_USERNAME)')
  if (username) return { kind: 'basic', username, password: password ?? '' }
  return { kind: 'none' }
}

export async function runProvisionInfluxdb(args: string[], env: NodeJS.ProcessEnv = process.env): Promise<number> {
  let options: Parameters<typeof provisionInflux>[0]
  try {
    const allowShorter = args.includes('--allow-shorter')
    const f = parseValueFlags(args.filter((a) => a !== '--allow-shorter'), FLAGS)
    const url = f.url ?? env.INFLUX_URL
    if (!url) throw new UsageError('--url is required (or set INFLUX_URL)')
    const parsed = httpUrlFlag('--url', url, 'http://127.0.0.1:8086', 'use --username/--password-file or --token-file')
    const g = f.generation ?? 'auto'
    if (!['1', '2', '3', 'auto'].includes(g)) throw new UsageError(`--generation must be 1, 2, 3 or auto, got '${g}'`)
    const checked = (what: string, v: string) => {
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(v)) throw new UsageError(`${what} '${v}': use letters, digits, '_', '.', '-' (at most 64), starting with a letter or digit`)
      return v
    }
    const name = (flag: 'db' | 'rp', envName: string) => checked(f[flag] !== undefined ? `--${flag}` : env[envName] !== undefined ? envName : `--${flag}`, f[flag] ?? env[envName] ?? 'civicnet')
    const raw = name('rp', 'INFLUX_RP')
    const durationOf = (part: PolicyPart) => {
      try {
        return parseDuration(DURATION_FLAGS[part], f[DURATION_FLAGS[part] as keyof typeof f] ?? DEFAULT_DURATIONS[part])
      } catch (err) {
        throw err instanceof InfluxSetupError ? new UsageError(err.message) : err
      }
    }
    const policies = Object.fromEntries(POLICY_PARTS.map((part) => [part, {
      name: part === 'raw' ? raw : env[TIER_RP_VARS[part]] !== undefined ? checked(TIER_RP_VARS[part], env[TIER_RP_VARS[part]]!) : `${raw}_${part}`,
      duration: durationOf(part),
    }])) as InfluxTarget['policies']
    options = {
      url: parsed.origin + parsed.pathname.replace(/\/$/, ''),
      generation: g === 'auto' ? 'auto' : (Number(g) as InfluxGeneration),
      auth: authOf(f, env),
      target: { database: name('db', 'INFLUX_DB'), policies },
      allowShorter,
      durationFlags: Object.values(DURATION_FLAGS).filter((flag) => f[flag as keyof typeof f] !== undefined),
      ...(f.org !== undefined ? { org: f.org } : {}),
      ...(f.bucket !== undefined ? { bucket: f.bucket } : {}),
    }
  } catch (err) {
    if (err instanceof UsageError) {
      console.error(`civicnet provision influxdb: ${err.message} (see --help)`)
      return 2
    }
    throw err
  }
  try {
    const result = await provisionInflux(options)
    console.log(`InfluxDB ${result.generation}.x at ${options.url} (version ${result.version})`)
    for (const s of result.steps) console.log(`${s.outcome.padEnd(10)} ${s.what}`)
    if (result.steps.every((s) => s.outcome === 'unchanged' || s.outcome === 'checked')) console.log('nothing to change')
    console.log(storeEnvHint(options.url, options.target, result.generation))
    return 0
  } catch (err) {
    if (err instanceof InfluxSetupError) {
      console.error(`civicnet provision influxdb: ${err.message}`)
      return err.exitCode
    }
    throw err
  }
}
