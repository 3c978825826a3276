/**
 * `civicnet demo` (what `npm start` runs): the simulated Hartford network as real SNMP
 * agents on loopback, the collector polling it over SNMP into the store, rollups, the API
 * and the map, in one process (the embedded DuckDB file admits one process; with
 * INFLUX_URL set the same runs against InfluxDB).
 *
 * History: on a first start the demo fills the past days through the same real path:
 * a stepped clock sets the simulated city's time to each past step, the collector polls
 * every agent over SNMP at that time, and the samples go through the writer into the
 * store. Then the clock is released to live time and the collector runs on its schedule.
 * History steps are coarser than live polls (default 5 min against 60 s), and the API says
 * where history ends and live polling starts (GET /api/meta).
 */
import { chmodSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Logger } from 'pino'
import { steppedClock } from '../core/clock.ts'
import type { Inventory } from '../core/inventory.ts'
import { createIncidentEngine } from '../incidents/engine.ts'
import { parseSlaTargets, type SlaTargets } from '../incidents/sla.ts'
import { openIncidentStore } from '../incidents/store.ts'
import { loadAlertsConfig, type AlertsConfig } from '../alerts/config.ts'
import { createAlertEngine } from '../alerts/engine.ts'
import { createBackupScheduler, createBackupService, loadBackupConfig, type BackupConfig } from '../backup/index.ts'
import { openAlertStore } from '../alerts/store.ts'
import { createCollector, type Collector } from '../collector/index.ts'
import type { UnifiSecret } from '../collector/unifi/credentials.ts'
import { UnifiConfigError } from '../collector/unifi/errors.ts'
import { allowedHostsFromEnv } from '../api/config.ts'
import { createApiServer, type ApiServer } from '../api/server.ts'
import { planningData } from './planning-data.ts'
import { apiMetricsSources } from './api-metrics.ts'
import type { Accounts, AccountsConfig } from '../accounts/index.ts'
import { accountsSetupFromEnv, openDeploymentAccounts, startAccountsPruning } from '../accounts/setup.ts'
import { createToken } from '../api/auth/tokens.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { createSimulatedCity, type SimulatedCity } from '../simulators/city.ts'
import { startControlApi, type ControlServer } from '../simulators/control.ts'
import { ensureInventory, openAppState, type AppState } from '../store/app-state.ts'
import { createRollupScheduler, describeStore, loadStoreConfig, openMetricStore, type StoreConfig } from '../store/index.ts'
import type { MetricStore } from '../store/types.ts'
import { ensureWebBuild } from '../web/build.mjs'
import { createCliLogger, progressOf } from './log.ts'
import type { Command } from './main.ts'

const MINUTE_MS = 60_000
const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

export interface DemoConfig {
  /** HTTP port of the API and map (PORT, default 8080; 0 picks a free one) */
  port: number
  /** address to bind (HOST, default 127.0.0.1) */
  host: string
  /** app state, embedded store, spool, token file (CIVICNET_DATA_DIR, default ./data) */
  dataDir: string
  /** seed of the simulated city (CIVICNET_DEMO_SEED, default 1) */
  seed: number
  /**
   * how far back history is filled on first start, ms: CIVICNET_DEMO_HISTORY_DAYS (default 2:
   * yesterday is always a whole local day), or CIVICNET_DEMO_HISTORY_HOURS for a short one
   */
  historyMs: number
  /**
   * simulated time between two history polls (CIVICNET_DEMO_HISTORY_STEP_MS, default 5 min:
   * the controller's 32-bit per-AP byte counters are exact over 343 s at most, docs/COLLECTOR.md;
   * first-start cost per step in docs/PERFORMANCE.md, "Demo history step")
   */
  historyStepMs: number
  /** live poll interval (CIVICNET_COLLECT_INTERVAL_MS, default 60 000 ms) */
  pollIntervalMs: number
  /** failed polls in a row before a device is in an incident (CIVICNET_INCIDENT_MISSES, default 2) */
  incidentMisses: number
  /** how long a new failure waits for the devices above it before it opens an incident (CIVICNET_INCIDENT_SETTLE_MS, default the poll interval + 15 s) */
  incidentSettleMs: number
  /** target time to restore per incident severity (CIVICNET_INCIDENT_SLA, default critical=4h,major=8h,minor=24h) */
  incidentSla: SlaTargets
  /** simulator control API port on 127.0.0.1 (CIVICNET_SIM_CONTROL_PORT, default 8161; 0 = free) */
  controlPort: number
  /** trap port the collector listens on and the simulator sends to (CIVICNET_TRAP_PORT, default 1162; 0 = free) */
  trapPort: number
  /** agents bind free ports instead of the inventory's (tests, and a second demo on one host) */
  ephemeralAgentPorts: boolean
  /** names the API answers to besides the loopback ones (CIVICNET_ALLOWED_HOSTS) */
  allowedHosts: string[] | undefined
  store: StoreConfig
  /** alert rules and channels (CIVICNET_ALERTS_FILE, alerts/config.ts); null: no alerts */
  alerts: AlertsConfig | null
  /** backups: schedule, how many kept, where (CIVICNET_BACKUP_CRON, _KEEP, _DIR; backup/schedule.ts) */
  backup: BackupConfig
  /** where the accounts key is and the accounts settings (CIVICNET_ACCOUNTS_KEY_FILE, CIVICNET_SESSION_IDLE ...: accounts/env.ts) */
  accounts: { keyPath: string; config: Partial<AccountsConfig> }
}

function intEnv(env: NodeJS.ProcessEnv, name: string, def: number, min: number, max: number): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`${name} must be an integer in ${min}..${max}, got '${raw}'`)
  return n
}

function historyMsFrom(env: NodeJS.ProcessEnv): number {
  const hours = env.CIVICNET_DEMO_HISTORY_HOURS
  if (hours === undefined || hours === '') return intEnv(env, 'CIVICNET_DEMO_HISTORY_DAYS', 2, 0, 90) * DAY_MS
  if (env.CIVICNET_DEMO_HISTORY_DAYS) throw new Error('give CIVICNET_DEMO_HISTORY_DAYS or CIVICNET_DEMO_HISTORY_HOURS, not both')
  return intEnv(env, 'CIVICNET_DEMO_HISTORY_HOURS', 0, 0, 90 * 24) * HOUR_MS
}

export function loadDemoConfig(env: NodeJS.ProcessEnv = process.env): DemoConfig {
  const historyMs = historyMsFrom(env)
  return Object.freeze({
    port: intEnv(env, 'PORT', 8080, 0, 65535),
    host: env.HOST || '127.0.0.1',
    dataDir: resolve(env.CIVICNET_DATA_DIR || 'data'),
    seed: intEnv(env, 'CIVICNET_DEMO_SEED', 1, 0, 2 ** 31 - 1),
    historyMs,
    historyStepMs: intEnv(env, 'CIVICNET_DEMO_HISTORY_STEP_MS', 5 * MINUTE_MS, 60_000, DAY_MS),
    pollIntervalMs: intEnv(env, 'CIVICNET_COLLECT_INTERVAL_MS', 60_000, 1000, DAY_MS),
    incidentMisses: intEnv(env, 'CIVICNET_INCIDENT_MISSES', 2, 1, 100),
    incidentSettleMs: intEnv(env, 'CIVICNET_INCIDENT_SETTLE_MS', intEnv(env, 'CIVICNET_COLLECT_INTERVAL_MS', 60_000, 1000, DAY_MS) + 15_000, 0, DAY_MS),
    incidentSla: parseSlaTargets(env.CIVICNET_INCIDENT_SLA),
    controlPort: intEnv(env, 'CIVICNET_SIM_CONTROL_PORT', 8161, 0, 65535),
    trapPort: intEnv(env, 'CIVICNET_TRAP_PORT', 1162, 0, 65535),
    ephemeralAgentPorts: env.CIVICNET_DEMO_EPHEMERAL_PORTS === '1',
    allowedHosts: allowedHostsFromEnv(env),
    store: loadStoreConfig(env),
    alerts: env.CIVICNET_ALERTS_FILE ? loadAlertsConfig(resolve(env.CIVICNET_ALERTS_FILE), env) : null,
    backup: loadBackupConfig(env, resolve(env.CIVICNET_DATA_DIR || 'data')),
    accounts: accountsSetupFromEnv(resolve(env.CIVICNET_DATA_DIR || 'data'), env),
  })
}

export interface Demo {
  /** where the map and API answer, e.g. http://127.0.0.1:8080 */
  baseUrl: string
  /** the demo admin token (in <dataDir>/demo-admin-token, mode 0600; never printed) */
  token: string
  /** where the admin token is */
  tokenFile: string
  /** the demo admin's sign-in: username, and the one-time password the banner prints (null once the admin set their own) */
  adminSignIn: { username: string; oneTimePassword: string | null }
  controlUrl: string
  city: SimulatedCity
  collector: Collector
  store: MetricStore
  appState: AppState
  inventory: Inventory
  /** the live poll interval (ms) */
  pollIntervalMs: number
  /** where history filled at historyStepMs starts (epoch ms) */
  historyFromMs: number
  /** where the filled history ends and live polling starts (epoch ms) */
  liveSinceMs: number
  stop(): Promise<void>
}

/**
 * Polls every agent at each past step through the collector's real path. Resumes where
 * stored data ends, so a restart fills only the gap since the last run.
 */
async function fillHistory(
  clock: ReturnType<typeof steppedClock>,
  collector: Collector,
  store: MetricStore,
  window: { earliestMs: number; stepMs: number; nowMs: number },
  log: Logger,
): Promise<{ fromMs: number; steps: number }> {
  const { earliestMs: earliest, stepMs: step, nowMs } = window
  const last = await store.latest({ metric: 'device_up', sinceMs: earliest })
  const lastMs = last.reduce((m, v) => Math.max(m, v.timeMs), -Infinity)
  const fromMs = Number.isFinite(lastMs) ? Math.floor(lastMs / step) * step + step : earliest
  let steps = 0
  const total = Math.max(0, Math.ceil((nowMs - fromMs) / step))
  if (total > 0) log.info({ from: new Date(fromMs).toISOString(), steps: total, stepMs: step }, 'filling history through the SNMP path')
  // on a terminal one line rewritten in place, else a log record every tenth of the way
  const progress = progressOf(log, { what: 'history', total })
  for (let t = fromMs; t < nowMs; t += step) {
    clock.set(t)
    // The clock stands still while a step is polled: a timeout would only mean the CPU was
    // busy, so history polls get patience live polls do not need. The UniFi controller is
    // read at the same step, beside the polls.
    await Promise.all([collector.poller.pollAll({ timeoutMs: 5000, retries: 2, maxInFlight: 64 }), collector.unifi?.pollAll()])
    steps++
    progress.step(steps, { at: new Date(t).toISOString() })
  }
  if (total > 0) progress.end()
  await collector.writer.flush()
  return { fromMs, steps }
}

/** The secret a simulated UniFi controller accepts for a credential id (never logged). */
function simulatedUnifiSecret(city: SimulatedCity, id: string, auth: 'api-key' | 'login'): UnifiSecret {
  const c = city.unifiControllers().find((x) => x.device.api?.credential === id)
  if (!c) throw new UnifiConfigError(undefined, `no simulated UniFi controller uses credential '${id}'`)
  const s = c.credentials()
  return auth === 'api-key' ? { kind: 'api-key', apiKey: s.apiKey } : { kind: 'login', username: s.username, password: s.password }
}

/** Starts everything; the returned stop() ends it all in reverse order. */
export async function startDemo(config: DemoConfig, log: Logger): Promise<Demo> {
  // Each part stops in the reverse order of its start. A step that takes long is logged by
  // name as it goes on, so a stop that hangs says where.
  const stops: [string, () => Promise<void> | void][] = []
  const stopAll = async () => {
    const took: Record<string, number> = {}
    for (const [name, s] of stops.reverse()) {
      const t0 = Date.now()
      const slow = setInterval(() => log.warn({ step: name, waitedMs: Date.now() - t0 }, 'demo stop: still waiting on a step'), 5_000)
      slow.unref()
      try {
        await s()
      } catch (err) {
        log.warn({ err, step: name }, 'stop step failed')
      } finally {
        clearInterval(slow)
        took[name] = Date.now() - t0
      }
    }
    log.info({ stepsMs: took }, 'demo stopped')
  }
  try {
    mkdirSync(config.dataDir, { recursive: true })
    const appState = openAppState(join(config.dataDir, 'state.sqlite'))
    stops.push(['app state', () => appState.close()])
    const seeded = ensureInventory(appState, () => hartfordInventory(config.seed))
    if (seeded.seeded) log.info({ version: seeded.version }, 'provisioned the Hartford inventory')
    const inventory = appState.inventory()

    const store = await openMetricStore(config.store)
    stops.push(['store', () => store.close()])
    await store.init()

    const nowMs = Date.now()
    const historyStart = Math.floor((nowMs - config.historyMs) / config.historyStepMs) * config.historyStepMs
    const clock = steppedClock(historyStart)

    const collector = createCollector(
      {
        // digest keys of open periods kept in data/keys: a restart within a day keeps counting it
        poller: { intervalMs: config.pollIntervalMs, timeoutMs: 1500, retries: 1, keyDir: join(config.dataDir, 'keys') },
        writer: { spoolDir: join(config.dataDir, 'spool') },
        traps: { host: '127.0.0.1', port: config.trapPort },
      },
      {
        inventory: () => city.inventoryWithEndpoints(),
        store,
        clock,
        log,
        // the simulated agents accept the community 'public' for the credential 'sim-v2c'
        credentials: () => ({ version: '2c', community: 'public' }),
        // the simulated UniFi controller's secrets are made at its start and handed over in
        // memory; its self-signed certificate is the CA the collector verifies it against
        unifiCredentials: (id, auth) => simulatedUnifiSecret(city, id, auth),
        unifiTrust: (d) => {
          const c = city.controllers().find((x) => x.device === d.id)
          return c ? { ca: c.cert, caSource: `the simulated controller's certificate (${c.fingerprint256})` } : {}
        },
      },
    )
    // traps need the receiver's port before the city starts sending
    await collector.traps?.start()
    stops.push(['trap receiver', () => collector.traps?.stop()])
    const trapPort = collector.traps?.address()?.port ?? config.trapPort

    const city = createSimulatedCity(
      inventory,
      { seed: config.seed, clock, originMs: historyStart, trapTarget: { host: '127.0.0.1', port: trapPort }, ephemeralPorts: config.ephemeralAgentPorts },
      log.child({ part: 'simulator' }),
    )
    await city.start()
    stops.push(['simulated city', () => city.stop()])
    const control: ControlServer = await startControlApi(city, config.controlPort)
    stops.push(['simulator control API', () => control.close()])

    collector.writer.start()
    stops.push(['writer', () => collector.writer.stop()])
    const history = await fillHistory(clock, collector, store, { earliestMs: historyStart, stepMs: config.historyStepMs, nowMs }, log)
    // The fill takes minutes (longer on a busy machine): the steps that came due meanwhile
    // are filled too, so history meets live polling with no hole of a step or more between.
    for (let round = 0; round < 10; round++) {
      const filled = await fillHistory(clock, collector, store, { earliestMs: historyStart, stepMs: config.historyStepMs, nowMs: Date.now() }, log)
      if (filled.steps === 0) break
    }
    clock.release()
    const liveSinceMs = clock.now()
    // one round at live time first: statuses are fresh the moment the map opens, not
    // only once each device's slot in the first interval has come. Its samples must be in
    // the store before the API answers, or the API reads the previous run's.
    await Promise.all([collector.poller.pollAll(), collector.unifi?.pollAll()])
    await collector.writer.flush()
    await collector.start()
    stops.push(['collector', () => collector.stop()])

    const rollups = createRollupScheduler(store, { clock, lateMs: 2 * HOUR_MS, initialLookbackMs: config.historyMs + DAY_MS }, log.child({ part: 'rollups' }))
    await rollups.runNow()
    rollups.start()
    stops.push(['rollups', () => rollups.stop()])

    // The admin token goes to a file only its owner can read, never to the terminal or a
    // URL; the banner's link carries a one-time code for an engineer, not a token.
    const token = createToken(appState.db, 'admin', `demo ${new Date(nowMs).toISOString()}`)
    const tokenFile = join(config.dataDir, 'demo-admin-token')
    rmSync(tokenFile, { force: true })
    writeFileSync(tokenFile, token + '\n', { mode: 0o600 })
    chmodSync(tokenFile, 0o600)
    // the demo admin account: a one-time password, printed, to be changed at first sign-in
    // (after setting up the second factor admins must have); once the admin has set their
    // own, a restart leaves it alone
    const opened = openDeploymentAccounts(appState.db, config.accounts)
    stops.push(['accounts', startAccountsPruning(opened.accounts)])
    const adminSignIn = await demoAdmin(opened.accounts, nowMs)

    // backups: only this process can copy the embedded store it holds (POST /api/backups,
    // civicnet backup --url), and on CIVICNET_BACKUP_CRON's schedule
    const backups = createBackupService(config.backup, { appState, store, dataDir: config.dataDir, clock, log: log.child({ part: 'backups' }) })
    if (config.backup.cron) {
      const scheduled = createBackupScheduler(backups)
      scheduled.start()
      stops.push(['backups', () => scheduled.stop()])
      log.info({ cron: config.backup.cron, keep: config.backup.keep, dir: config.backup.dir }, 'backups scheduled')
    }

    // GET /api/metrics: the collector runs in this process, so its series are there too
    const apiMetrics = apiMetricsSources({ appState, collector })
    stops.push(['metrics', () => apiMetrics.stop()])
    const api: ApiServer = createApiServer(
      {
        host: config.host,
        port: config.port,
        ...(config.allowedHosts ? { allowedHosts: config.allowedHosts } : {}),
        pollIntervalMs: config.pollIntervalMs,
        incidentSla: config.incidentSla,
        // a fault must reach the map within two poll intervals: reuse a computed summary
        // for a fifth of one at most
        summaryCacheMs: Math.min(60_000, Math.floor(config.pollIntervalMs / 5)),
        history: { fromMs: historyStart, stepMs: config.historyStepMs, liveSinceMs },
      },
      { store, appState, clock, log, planning: planningData(() => appState.inventory()), backups, metrics: apiMetrics.sources, accounts: opened.accounts },
    )
    const baseUrl = await api.start()
    stops.push(['API', () => api.stop()])

    // incidents: what is down, grouped by root cause, from the stored polls
    const incidentStore = openIncidentStore(appState.db)
    const incidents = createIncidentEngine(
      { consecutiveMisses: config.incidentMisses, staleMs: 3 * config.pollIntervalMs, settleMs: config.incidentSettleMs, evaluateMs: Math.min(10_000, Math.max(500, Math.floor(config.pollIntervalMs / 2))) },
      { store, incidents: incidentStore, inventory: () => appState.inventory(), clock, log: log.child({ part: 'incidents' }) },
    )
    incidents.start()
    stops.push(['incidents', () => incidents.stop()])

    // alerts: what the rules find, sent once per condition to the configured channels
    const alerts = config.alerts
      ? createAlertEngine({
          config: config.alerts,
          alerts: openAlertStore(appState.db),
          store,
          incidents: incidentStore,
          inventory: () => appState.inventory(),
          slaTargets: config.incidentSla,
          pollIntervalMs: config.pollIntervalMs,
          clock,
          log: log.child({ part: 'alerts' }),
        })
      : null
    if (alerts) {
      alerts.start()
      stops.push(['alerts', () => alerts.stop()])
    } else log.info('alerts: none configured (CIVICNET_ALERTS_FILE names a rules file; provisioning/alerts.example.yml)')

    return {
      baseUrl,
      token,
      tokenFile,
      adminSignIn,
      controlUrl: control.url,
      city,
      collector,
      store,
      appState,
      inventory,
      pollIntervalMs: config.pollIntervalMs,
      historyFromMs: history.fromMs,
      liveSinceMs,
      stop: stopAll,
    }
  } catch (err) {
    await stopAll()
    throw err
  }
}

/** The demo's admin account: made with a one-time password, or given a new one while the last is unchanged. */
async function demoAdmin(accounts: Accounts, nowMs: number): Promise<Demo['adminSignIn']> {
  const username = 'admin'
  const actor = { name: 'demo', address: null }
  const have = accounts.user(username)
  if (!have) {
    const made = await accounts.addUser(actor, { username, displayName: 'Demo admin', role: 'admin' }, nowMs)
    return { username, oneTimePassword: made.oneTimePassword }
  }
  if (have.mustChangePassword) return { username, oneTimePassword: await accounts.resetPassword(actor, username, nowMs) }
  return { username, oneTimePassword: null }
}

const USAGE = `usage: civicnet demo

Brings up the demo city in one process: the simulated Hartford network as real SNMP agents
on loopback, the collector polling it, rollups, the API and the map. Prints the URL and the
demo admin's username and one-time password (set your own, and a second factor, at first
sign-in); the demo admin API token, for scripts, is written to
$CIVICNET_DATA_DIR/demo-admin-token (owner-only), never printed. Ctrl-C stops it.

Environment (see .env.example): PORT (8080), HOST (127.0.0.1), CIVICNET_DATA_DIR (data),
CIVICNET_DEMO_SEED (1), CIVICNET_DEMO_HISTORY_DAYS (2), CIVICNET_DEMO_HISTORY_STEP_MS
(300000), CIVICNET_COLLECT_INTERVAL_MS (60000), CIVICNET_SIM_CONTROL_PORT (8161),
CIVICNET_TRAP_PORT (1162), CIVICNET_BACKUP_CRON (none), CIVICNET_BACKUP_KEEP (7),
CIVICNET_BACKUP_DIR ($CIVICNET_DATA_DIR/backups), INFLUX_URL ... (store/index.ts; without
it: embedded DuckDB).`

export const command: Command = {
  summary: 'the demo city: simulator + collector + API + map in one process (npm start)',
  usage: USAGE,
  async run() {
    let log: Logger
    let config: DemoConfig
    try {
      log = createCliLogger()
      config = loadDemoConfig()
    } catch (err) {
      console.error(`civicnet demo: ${(err as Error).message}`)
      return 2
    }
    log.info({ store: describeStore(config.store), dataDir: config.dataDir }, 'starting the demo city')
    // the map: web/dist is git-ignored, so a fresh clone (or edited web sources) builds it here
    await ensureWebBuild({ log })
    let demo: Demo
    try {
      demo = await startDemo(config, log)
    } catch (err) {
      console.error(`civicnet demo: ${(err as Error).message}`)
      return 1
    }
    const shown = demo.baseUrl.replace('127.0.0.1', 'localhost')
    console.log(
      [
        '',
        `  CivicNet demo is up: ${shown}`,
        demo.adminSignIn.oneTimePassword
          ? `  admin sign-in: username ${demo.adminSignIn.username}, one-time password ${demo.adminSignIn.oneTimePassword} (set your own at first sign-in)`
          : `  admin sign-in: username ${demo.adminSignIn.username}, with the password you set (civicnet users reset-password ${demo.adminSignIn.username} for a new one-time one)`,
        `  admin API token, for scripts: in ${demo.tokenFile} (owner-only); send it as "Authorization: Bearer ..."`,
        `  API docs: ${shown}/docs    simulator control: ${demo.controlUrl}`,
        `  ${demo.inventory.devices.length} devices, live polling every ${config.pollIntervalMs / 1000} s since ${new Date(demo.liveSinceMs).toISOString()}`,
        '  Ctrl-C stops everything.',
        '',
      ].join('\n'),
    )
    await new Promise<void>((resolveStop) => {
      // on, not once: under `npm start` one Ctrl-C arrives twice (from the terminal and
      // forwarded by npm), and a SIGINT with no listener left would cut the stop short
      process.on('SIGINT', () => resolveStop())
      process.on('SIGTERM', () => resolveStop())
    })
    log.info('stopping the demo')
    // A stop that hangs must not leave a process a user has to kill: after 20 s it gives up
    // (the step it waits on has been logged by name) and exits non-zero.
    const deadline = setTimeout(() => {
      log.error({ active: process.getActiveResourcesInfo() }, 'demo stop: gave up after 20 s')
      process.exit(1)
    }, 20_000)
    deadline.unref()
    await demo.stop()
    clearTimeout(deadline)
    // Everything is closed; if a handle still keeps the process alive, name it and exit.
    const linger = setTimeout(() => {
      log.warn({ active: process.getActiveResourcesInfo() }, 'demo stopped, but something still keeps the process alive: exiting')
      process.exit(0)
    }, 5_000)
    linger.unref()
    return 0
  },
}
