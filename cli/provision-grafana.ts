/**
 * `civicnet provision grafana`: creates or updates CivicNet's InfluxDB datasource, its
 * folder and its dashboards in a running Grafana through the HTTP API
 * (provisioning/grafana/sync.ts), idempotently. Secrets come from flags, files or the
 * environment and are never printed. Exit 0 done, 1 Grafana refused or could not be
 * reached, 2 usage.
 */
import { readFileSync } from 'node:fs'
import { datasourceBody } from '../provisioning/grafana/datasource.ts'
import { readDashboardFiles } from '../provisioning/grafana/files.ts'
import type { DatasourceBody } from '../provisioning/grafana/datasource.ts'
import { GrafanaError, syncGrafana } from '../provisioning/grafana/sync.ts'
import { UsageError, httpUrlFlag, parseValueFlags } from './flags.ts'

export const PROVISION_GRAFANA_USAGE = `usage: civicnet provision grafana --url URL [--token TOKEN | --token-file FILE] [options]

Creates or updates, through Grafana's HTTP API, the InfluxDB datasource (uid civicnet-influxdb,
InfluxQL), a folder and CivicNet's four dashboards (the generated provisioning/grafana/dashboards/*.json,
the same files Grafana's file provisioning loads). Each item is
compared with what is there and written only when it differs; a second run prints "nothing to change".

  --url URL                   Grafana's base URL, e.g. https://grafana.example.org
  --token TOKEN               a service account token (Editor for folder and dashboards, Admin for the
                              datasource); better: --token-file FILE or GRAFANA_TOKEN (a flag shows in ps)
  --token-file FILE           read the token from FILE
  --folder NAME               the folder's title (uid civicnet; default "CivicNet")
  --influx-url URL            InfluxDB as Grafana's server reaches it (default: INFLUX_URL)
  --influx-db NAME            database, or the name mapped to a 2.x bucket / a 3.x database
                              (default: INFLUX_DB, else civicnet)
  --influx-user NAME          1.x user (default: INFLUX_USERNAME)
  --influx-password-file FILE 1.x password (default: INFLUX_PASSWORD)
  --influx-token-file FILE    2.x/3.x token, sent as "Authorization: Token ..." (default: INFLUX_TOKEN)
  --no-datasource             leave the datasource alone (e.g. provisioned from datasources/*.yaml)
  --rotate-secrets            send the datasource's password or token again even if Grafana has one
  --force                     save dashboards even if someone saved a newer version in Grafana
  --timeout-ms MS             per request (default 10000)

Environment: GRAFANA_TOKEN, INFLUX_URL, INFLUX_DB, INFLUX_USERNAME, INFLUX_PASSWORD, INFLUX_TOKEN.
Exit codes: 0 done, 1 Grafana refused or could not be reached, 2 usage.`

const VALUED = ['url', 'token', 'token-file', 'folder', 'influx-url', 'influx-db', 'influx-user', 'influx-password-file', 'influx-token-file', 'timeout-ms'] as const
const SWITCHES = ['--no-datasource', '--rotate-secrets', '--force'] as const

/** A secret from a file, without its trailing newline; a UsageError names the flag and file. */
function readSecret(flag: string, file: string): string {
  let v: string
  try {
    v = readFileSync(file, 'utf8').replace(/\r?\n$/, '')
  } catch (err) {
    throw new UsageError(`--${flag}: cannot read '${file}' (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
  }
  if (v === '') throw new UsageError(`--${flag}: '${file}' is empty`)
  return v
}

function httpUrl(flag: string, value: string): string {
  httpUrlFlag(`--${flag}`, value, 'http://127.0.0.1:3000', 'use the token or password options')
  return value
}

interface Options {
  url: string
  token: string
  timeoutMs: number
  folder: string
  datasource: DatasourceBody | null
  overwrite: boolean
  rotateSecrets: boolean
}

/** Flags and environment -> options, validated; throws UsageError. */
export function parseProvisionGrafanaArgs(args: readonly string[], env: NodeJS.ProcessEnv): Options {
  const switches = new Set(args.filter((a) => (SWITCHES as readonly string[]).includes(a)))
  const f = parseValueFlags(args.filter((a) => !switches.has(a)), VALUED)
  if (!f.url) throw new UsageError('--url is required (Grafana\'s base URL)')
  const url = httpUrl('url', f.url)
  if (f.token !== undefined && f['token-file'] !== undefined) throw new UsageError('--token and --token-file are both given: use one')
  const token = f.token ?? (f['token-file'] !== undefined ? readSecret('token-file', f['token-file']) : env.GRAFANA_TOKEN)
  if (!token) throw new UsageError('a token is required: --token, --token-file or GRAFANA_TOKEN')
  const timeoutMs = f['timeout-ms'] === undefined ? 10_000 : Number(f['timeout-ms'])
  if (!Number.isInteger(timeoutMs) || timeoutMs < 1 || timeoutMs > 600_000) throw new UsageError(`--timeout-ms: '${f['timeout-ms']}' is not a whole number of ms from 1 to 600000`)
  const folder = f.folder ?? 'CivicNet'
  if (folder.trim() === '') throw new UsageError('--folder: the folder title is empty')

  let datasource: DatasourceBody | null = null
  if (switches.has('--no-datasource')) {
    for (const name of ['influx-url', 'influx-db', 'influx-user', 'influx-password-file', 'influx-token-file'] as const) {
      if (f[name] !== undefined) throw new UsageError(`--${name} and --no-datasource are both given`)
    }
  } else {
    const influxUrl = f['influx-url'] ?? env.INFLUX_URL
    if (!influxUrl) throw new UsageError('--influx-url (or INFLUX_URL) is required for the datasource; --no-datasource leaves it alone')
    const user = f['influx-user'] ?? env.INFLUX_USERNAME
    const password = f['influx-password-file'] !== undefined ? readSecret('influx-password-file', f['influx-password-file']) : env.INFLUX_PASSWORD
    const influxToken = f['influx-token-file'] !== undefined ? readSecret('influx-token-file', f['influx-token-file']) : env.INFLUX_TOKEN
    if (influxToken && (user || password)) throw new UsageError('the InfluxDB token (2.x/3.x) and user/password (1.x) are both given: use one')
    if (password && !user) throw new UsageError('an InfluxDB password is given without --influx-user (or INFLUX_USERNAME)')
    datasource = datasourceBody({
      url: httpUrl(f['influx-url'] !== undefined ? 'influx-url' : 'influx-url (INFLUX_URL)', influxUrl),
      database: f['influx-db'] ?? env.INFLUX_DB ?? 'civicnet',
      ...(user ? { user } : {}),
      ...(password ? { password } : {}),
      ...(influxToken ? { token: influxToken } : {}),
    })
  }
  return { url, token, timeoutMs, folder, datasource, overwrite: switches.has('--force'), rotateSecrets: switches.has('--rotate-secrets') }
}

/** Runs the command; returns the exit code. */
export async function runProvisionGrafana(args: string[]): Promise<number> {
  let o: Options
  try {
    o = parseProvisionGrafanaArgs(args, process.env)
  } catch (err) {
    if (!(err instanceof UsageError)) throw err
    console.error(`civicnet provision grafana: ${err.message} (civicnet provision grafana --help)`)
    return 2
  }
  try {
    await syncGrafana(
      { url: o.url, token: o.token, timeoutMs: o.timeoutMs },
      { datasource: o.datasource, folder: { uid: 'civicnet', title: o.folder }, dashboards: readDashboardFiles(), overwrite: o.overwrite, rotateSecrets: o.rotateSecrets },
      (line) => console.log(line),
    )
    return 0
  } catch (err) {
    if (!(err instanceof GrafanaError)) throw err
    console.error(`civicnet provision grafana: ${err.message}`)
    return 1
  }
}
