/**
 * `civicnet serve`: the HTTP API (and the web build) as its own process, the InfluxDB
 * deployment. On the embedded DuckDB store the API runs inside `civicnet demo` / `npm start`
 * with the collector, because only one process may hold the DuckDB file.
 */
import { join, resolve } from 'node:path'
import { wallClock } from '../core/clock.ts'
import { allowedHostsFromEnv, cookieSecureFromEnv, trustProxyFromEnv } from '../api/config.ts'
import { createOidc, oidcConfigFromEnv } from '../accounts/oidc.ts'
import { accountsSetupFromEnv, openDeploymentAccounts, startAccountsPruning, type OpenedAccounts } from '../accounts/setup.ts'
import { createApiServer } from '../api/server.ts'
import { planningData } from './planning-data.ts'
import { ROLES, createToken, type Role } from '../api/auth/tokens.ts'
import { createIncidentEngine } from '../incidents/engine.ts'
import { parseSlaTargets, type SlaTargets } from '../incidents/sla.ts'
import { openIncidentStore } from '../incidents/store.ts'
import { loadAlertsConfig, type AlertsConfig } from '../alerts/config.ts'
import { createAlertEngine } from '../alerts/engine.ts'
import { openAlertStore } from '../alerts/store.ts'
import { createBackupScheduler, createBackupService, loadBackupConfig, type BackupConfig } from '../backup/index.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { ensureInventory, openAppState } from '../store/app-state.ts'
import { createRollupScheduler, describeStore, loadStoreConfig, openMetricStore } from '../store/index.ts'
import { ensureWebBuild } from '../web/build.mjs'
import { createCliLogger } from './log.ts'
import { apiMetricsSources } from './api-metrics.ts'
import type { Command } from './main.ts'

const USAGE = `usage: civicnet serve
       civicnet serve --create-token ROLE LABEL

Serves the API at /api, its OpenAPI document at /docs and the web build (web/dist) at /;
web/dist is built first when it is missing or older than its sources.
--create-token prints a new API token for ROLE (${ROLES.join(', ')}) once, and exits: the
way to get the first admin token.

Environment (see .env.example):
  PORT                        TCP port (default 8080)
  HOST                        address to bind (default 127.0.0.1)
  CIVICNET_DATA_DIR           app state (state.sqlite) and the embedded store (default ./data)
  CIVICNET_COLLECT_INTERVAL_MS  the collector's poll interval: status freshness (default 60000)
  CIVICNET_INCIDENT_MISSES    failed polls in a row before a device is in an incident (default 2)
  CIVICNET_INCIDENT_SETTLE_MS how long a new failure waits for the devices above it (default interval + 15 s)
  CIVICNET_INCIDENT_SLA       target time to restore by severity (default critical=4h,major=8h,minor=24h)
  CIVICNET_TRACTS_FILE        census tracts with ACS figures for planning, GeoJSON (docs/PLANNING.md; default: Hartford's for the Hartford inventory, else none)
  CIVICNET_ALERTS_FILE        alert rules and channels, YAML (provisioning/alerts.example.yml; default: no alerts)
  CIVICNET_BACKUP_CRON        scheduled backups, a node-cron expression (default: none; e.g. '30 3 * * *')
  CIVICNET_BACKUP_KEEP        backups kept in CIVICNET_BACKUP_DIR, the newest (default 7)
  CIVICNET_BACKUP_DIR         where backups go (default $CIVICNET_DATA_DIR/backups)
  CIVICNET_ACCOUNTS_KEY_FILE  the key of staff accounts' MFA secrets (default $CIVICNET_DATA_DIR/accounts.key, made on a first start; not in backups)
  CIVICNET_SESSION_IDLE       a web session unused this long ends (default 30m); CIVICNET_SESSION_MAX: absolute limit (default 12h)
  CIVICNET_MFA_ROLES          roles that must have a second factor (default admin,engineer; add analyst, planner)
  CIVICNET_LOCKOUT            failed sign-ins per username/per address/window (default 5/20/15m)
  CIVICNET_AUDIT_RETENTION    audit entries older than this are pruned (default 365d)
  CIVICNET_OIDC_ISSUER        sign-in with the city's identity provider (OpenID Connect); with CIVICNET_OIDC_CLIENT_ID,
                              CIVICNET_OIDC_CLIENT_SECRET_FILE, CIVICNET_OIDC_REDIRECT_URL, CIVICNET_OIDC_ROLE_MAP ('group=role,...'),
                              CIVICNET_OIDC_GROUPS_CLAIM (groups), CIVICNET_OIDC_USERNAME_CLAIM (preferred_username), CIVICNET_OIDC_LABEL
  CIVICNET_COOKIE_SECURE      the session cookie's Secure flag: auto (over TLS, default) or always
  CIVICNET_WEB_DIR            web build to serve (default web/dist of this checkout)
  CIVICNET_ALLOWED_HOSTS      names clients use in the Host header, comma-separated
                              (default: localhost, 127.0.0.1, ::1 and the address bound)
  CIVICNET_TRUST_PROXY        addresses or CIDR ranges of the reverse proxies in front, whose
                              X-Forwarded-For names the client (default: none)
  CIVICNET_ROLLUPS            on | off: compute the 5m, 1h and 1d rollups here, every minute
                              (default on; off in all but one when several API processes share a store)
  LOG_LEVEL                   pino level (default info)
  LOG_FORMAT                  json | pretty (default: pretty on a terminal, else json)
  INFLUX_URL, INFLUX_DB ...   the metric store (store/index.ts); without INFLUX_URL the
                              embedded DuckDB file, which no other process may hold.`

/** Reads an integer variable, naming it when it is wrong. */
function intEnv(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in ${min}..${max}, got '${raw}'`)
  return n
}

export const command: Command = {
  summary: 'serve the HTTP API, /docs and the web map',
  usage: USAGE,
  async run(args) {
    const dataDir = resolve(process.env.CIVICNET_DATA_DIR || 'data')
    if (args[0] === '--create-token') {
      const [, role, ...label] = args
      if (!role || !(ROLES as readonly string[]).includes(role) || label.length === 0) {
        console.error(`civicnet serve: --create-token needs ROLE (${ROLES.join(', ')}) and LABEL`)
        return 2
      }
      const state = openAppState(join(dataDir, 'state.sqlite'))
      try {
        console.log(createToken(state.db, role as Role, label.join(' ')))
      } finally {
        state.close()
      }
      return 0
    }
    if (args.length > 0) {
      console.error(`civicnet serve: unknown argument '${args[0]}'\n\n${USAGE}`)
      return 2
    }
    let port: number
    let pollIntervalMs: number
    let misses: number
    let settleMs: number | undefined
    let incidentSla: SlaTargets
    let storeConfig
    let allowedHosts
    let trustProxy
    let rollupsOn: boolean
    let alertsConfig: AlertsConfig | null
    let backupConfig: BackupConfig
    let cookieSecure: 'auto' | 'always'
    let accountsSetup: ReturnType<typeof accountsSetupFromEnv>
    let oidc: ReturnType<typeof createOidc> | null
    try {
      cookieSecure = cookieSecureFromEnv()
      accountsSetup = accountsSetupFromEnv(dataDir)
      const oidcConfig = oidcConfigFromEnv()
      oidc = oidcConfig ? createOidc(oidcConfig) : null
      allowedHosts = allowedHostsFromEnv()
      trustProxy = trustProxyFromEnv()
      const r = process.env.CIVICNET_ROLLUPS ?? 'on'
      if (r !== 'on' && r !== 'off') throw new Error(`CIVICNET_ROLLUPS must be on or off, got '${r}'`)
      rollupsOn = r === 'on'
      port = intEnv('PORT', 8080, 0, 65535)
      pollIntervalMs = intEnv('CIVICNET_COLLECT_INTERVAL_MS', 60_000, 1000, 86_400_000)
      misses = intEnv('CIVICNET_INCIDENT_MISSES', 2, 1, 100)
      incidentSla = parseSlaTargets(process.env.CIVICNET_INCIDENT_SLA)
      settleMs = process.env.CIVICNET_INCIDENT_SETTLE_MS ? intEnv('CIVICNET_INCIDENT_SETTLE_MS', 0, 0, 86_400_000) : undefined
      storeConfig = loadStoreConfig()
      alertsConfig = process.env.CIVICNET_ALERTS_FILE ? loadAlertsConfig(resolve(process.env.CIVICNET_ALERTS_FILE)) : null
      backupConfig = loadBackupConfig(process.env, dataDir)
    } catch (err) {
      console.error(`civicnet serve: ${(err as Error).message}`)
      return 2
    }
    const host = process.env.HOST || '127.0.0.1'
    const logLevel = process.env.LOG_LEVEL || 'info'
    let log: ReturnType<typeof createCliLogger>
    try {
      log = createCliLogger({ level: logLevel })
    } catch (err) {
      console.error(`civicnet serve: ${(err as Error).message}`)
      return 2
    }
    const state = openAppState(join(dataDir, 'state.sqlite'))
    // staff accounts: the key from its file (made on a first start), the settings from the environment
    let opened: OpenedAccounts
    try {
      opened = openDeploymentAccounts(state.db, accountsSetup)
    } catch (err) {
      console.error(`civicnet serve: ${(err as Error).message}`)
      state.close()
      return 2
    }
    if (opened.keyCreated) log.warn({ keyFile: opened.keyPath }, 'made a new accounts key: keep a copy of it apart from the backups (docs/OPERATIONS.md, "Accounts")')
    const stopPruning = startAccountsPruning(opened.accounts, (n) => log.info(n, 'accounts: pruned ended sessions, old failure counts and audit entries past retention'))
    const seeded = ensureInventory(state, () => hartfordInventory())
    if (seeded.seeded) log.info({ version: seeded.version }, 'app state was empty: seeded the Hartford inventory')
    let store
    try {
      store = await openMetricStore(storeConfig)
    } catch (err) {
      console.error(`civicnet serve: cannot open the metric store (${describeStore(storeConfig)}): ${(err as Error).message}`)
      state.close()
      return 1
    }
    if (storeConfig.kind === 'duckdb') log.warn({ store: describeStore(storeConfig) }, 'serving the embedded store: no collector can write it while this process holds it (use civicnet demo, or InfluxDB)')
    // web/dist is git-ignored: built when missing or stale, unless CIVICNET_WEB_DIR names another
    if (!process.env.CIVICNET_WEB_DIR) await ensureWebBuild({ log })
    // planning's census tracts: read (and checked) now, so a bad CIVICNET_TRACTS_FILE stops the start
    const planning = planningData(() => state.inventory())
    try {
      planning.tracts()
    } catch (err) {
      console.error(`civicnet serve: CIVICNET_TRACTS_FILE: ${(err as Error).message}`)
      await store.close()
      state.close()
      return 1
    }
    // backups: on the embedded store only this process can copy it (POST /api/backups)
    const backups = createBackupService(backupConfig, { appState: state, store, dataDir, clock: wallClock, log: log.child({ part: 'backups' }) })
    const scheduled = backupConfig.cron ? createBackupScheduler(backups) : null
    // GET /api/metrics: the process's figures and the last good backup beside the API's own
    const apiMetrics = apiMetricsSources({ appState: state })
    const server = createApiServer(
      { host, port, pollIntervalMs, incidentSla, logLevel, cookieSecure, ...(allowedHosts ? { allowedHosts } : {}), ...(trustProxy ? { trustProxy } : {}), ...(process.env.CIVICNET_WEB_DIR ? { webDir: resolve(process.env.CIVICNET_WEB_DIR) } : {}) },
      { store, appState: state, clock: wallClock, log, planning, backups, metrics: apiMetrics.sources, accounts: opened.accounts, oidc },
    )
    try {
      const url = await server.start()
      log.info({ url, docs: `${url}/docs`, store: describeStore(storeConfig) }, 'api listening')
    } catch (err) {
      console.error(`civicnet serve: ${(err as Error).message}`)
      await store.close()
      state.close()
      return 1
    }
    // incidents: what is down, grouped by root cause, from the polls the collector stores
    const incidents = openIncidentStore(state.db)
    const engine = createIncidentEngine(
      { consecutiveMisses: misses, staleMs: 3 * pollIntervalMs, settleMs: settleMs ?? pollIntervalMs + 15_000, evaluateMs: Math.min(10_000, Math.max(1000, Math.floor(pollIntervalMs / 2))) },
      { store, incidents, inventory: () => state.inventory(), clock: wallClock, log: log.child({ part: 'incidents' }) },
    )
    engine.start()
    // rollups: raw -> 5m -> 1h -> 1d, so long ranges read a tier, not every raw sample (docs/STORE.md);
    // a run recomputes its buckets, so a second process doing the same doubles nothing
    // one run at once (what a stopped API missed), then every minute
    const rollups = rollupsOn ? createRollupScheduler(store, { clock: wallClock, lateMs: 15 * 60_000 }, log.child({ part: 'rollups' })) : null
    let stopping = false
    const firstRollups = rollups?.runNow().then(
      (done) => log.info({ tiers: done.map((d) => `${d.tier}:${d.rows}`) }, 'rollups computed'),
      (err: unknown) => log.error({ err }, 'rollup run failed; the next run retries from the same watermark'),
    ).then(() => {
      if (!stopping) rollups.start()
    })
    if (!rollupsOn) log.info('rollups: off here (CIVICNET_ROLLUPS=off): another process must compute them')
    // alerts: what the rules find, sent once per condition to the configured channels
    const alerts = alertsConfig
      ? createAlertEngine({ config: alertsConfig, alerts: openAlertStore(state.db), store, incidents, inventory: () => state.inventory(), slaTargets: incidentSla, pollIntervalMs, clock: wallClock, log: log.child({ part: 'alerts' }) })
      : null
    alerts?.start()
    scheduled?.start()
    if (scheduled) log.info({ cron: backupConfig.cron, keep: backupConfig.keep, dir: backupConfig.dir }, 'backups scheduled')
    if (!alerts) log.info('alerts: none configured (CIVICNET_ALERTS_FILE names a rules file; provisioning/alerts.example.yml)')
    await new Promise<void>((done) => {
      process.once('SIGINT', () => done())
      process.once('SIGTERM', () => done())
    })
    log.info('stopping')
    await scheduled?.stop()
    await alerts?.stop()
    await engine.stop()
    stopping = true
    await firstRollups
    await rollups?.stop()
    await server.stop()
    apiMetrics.stop()
    stopPruning()
    await store.close()
    state.close()
    return 0
  },
}
