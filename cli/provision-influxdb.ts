/**
 * `civicnet provision influxdb`: flags and credentials in, provisioning/influxdb does the
 * work, one line per step out. Exit 0 when set up (changed or not), 1 when InfluxDB refused
 * or could not be reached, 2 for bad input.
 */
import { readFileSync } from 'node:fs'
import { CIVICNET_RETENTION, InfluxSetupError, provisionInflux, storeEnvHint } from '../provisioning/influxdb/index.ts'
import type { InfluxAuth, InfluxGeneration } from '../provisioning/influxdb/index.ts'
import { UsageError, parseValueFlags } from './flags.ts'

export const PROVISION_INFLUXDB_USAGE = `usage: civicnet provision influxdb [--url URL] [--generation 1|2|3|auto] [--db NAME] [--rp NAME]
                                  [--org NAME] [--bucket NAME] [--username NAME] [--password-file FILE]
                                  [--token TOKEN | --token-file FILE]

Sets up the InfluxDB the store writes to, idempotently (a second run prints "unchanged" for
each step and "nothing to change"):
  1.x  CREATE DATABASE, then CivicNet's retention policy: duration ${CIVICNET_RETENTION.duration} (infinite), shard
       duration ${CIVICNET_RETENTION.shardDuration}, DEFAULT; a policy of that name with another duration is ALTERed
  2.x  finds the organization, creates the bucket (retention infinite) and the DBRP mapping
       db/rp -> bucket the v1 API needs, then checks the token can write, read and delete there
  3.x  creates the database (no retention period), then checks the token can write and read

Why one infinite policy: the store writes raw samples, rollups, events and sightings into one
retention policy and keeps its rollup coverage at time 0, which a finite policy rejects; the
grant report reads raw device_up and sightings over the whole reporting year.

  --url URL            InfluxDB base URL (default: INFLUX_URL)
  --generation G       1, 2, 3 or auto (default auto: /ping's X-Influxdb-Version, then /health)
  --db NAME            database (2.x: the DBRP database) (default: INFLUX_DB, else civicnet)
  --rp NAME            retention policy (2.x: the DBRP retention policy) (default: INFLUX_RP, else civicnet)
  --org NAME           2.x organization (default: the only one the token can see)
  --bucket NAME        2.x bucket (default: the database name)
  --username NAME      1.x user (default: INFLUX_USERNAME); needs admin privilege
  --password-file F    1.x password, first line of F (default: INFLUX_PASSWORD)
  --token TOKEN        2.x/3.x token (prefer INFLUX_TOKEN or --token-file: argv is visible to ps)
  --token-file F       2.x/3.x token, first line of F`

const FLAGS = ['url', 'generation', 'db', 'rp', 'org', 'bucket', 'username', 'password-file', 'token', 'token-file'] as const

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
    const f = parseValueFlags(args, FLAGS)
    const url = f.url ?? env.INFLUX_URL
    if (!url) throw new UsageError('--url is required (or set INFLUX_URL)')
    let parsed: URL
    try {
      parsed = new URL(url)
    } catch {
      throw new UsageError(`--url '${url}' is not a URL (expected e.g. http://127.0.0.1:8086)`)
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new UsageError(`--url must be http:// or https://, got '${parsed.protocol}'`)
    if (parsed.username || parsed.password) throw new UsageError('--url must not carry credentials: use --username/--password-file or --token-file')
    const g = f.generation ?? 'auto'
    if (!['1', '2', '3', 'auto'].includes(g)) throw new UsageError(`--generation must be 1, 2, 3 or auto, got '${g}'`)
    const name = (flag: 'db' | 'rp', envName: string) => {
      const v = f[flag] ?? env[envName] ?? 'civicnet'
      if (!/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(v)) throw new UsageError(`--${flag} '${v}': use letters, digits, '_', '.', '-' (at most 64), starting with a letter or digit`)
      return v
    }
    options = {
      url: parsed.origin + parsed.pathname.replace(/\/$/, ''),
      generation: g === 'auto' ? 'auto' : (Number(g) as InfluxGeneration),
      auth: authOf(f, env),
      target: { database: name('db', 'INFLUX_DB'), retentionPolicy: name('rp', 'INFLUX_RP') },
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
