/**
 * `civicnet collect`: the collector as its own process (the InfluxDB deployment; on the
 * embedded DuckDB store the collector runs inside `civicnet demo` / `npm start`, because
 * only one process may hold the DuckDB file). Inventory from the app state
 * ($CIVICNET_DATA_DIR/state.sqlite, seeded with Hartford when empty), store from
 * INFLUX_URL etc. (store/index.ts), SNMP credentials by reference (collector/credentials.ts).
 */
import type { Logger } from 'pino'
import { wallClock } from '../core/clock.ts'
import { startCollector } from '../collector/index.ts'
import { loadCollectorConfig } from '../collector/config.ts'
import { loadUnifiSourceConfig } from '../collector/unifi/config.ts'
import { createCredentialResolver } from '../collector/credentials.ts'
import { formatProfileProblem, loadProfilesFromEnv, type ProfileSet } from '../collector/profiles/load.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { ensureInventory, openAppState } from '../store/app-state.ts'
import { describeStore, loadStoreConfig, openMetricStore } from '../store/index.ts'
import { createCliLogger } from './log.ts'
import type { Command } from './main.ts'
import { stateFile } from './inventory.ts'
import { loadMetricsServerConfig, startMetricsServer, type MetricsServer, type MetricsServerConfig } from './metrics-server.ts'
import { createProcessMetrics } from './process-metrics.ts'

const USAGE = `usage: civicnet collect [--shard i/n] [--interval-ms N] [--max-in-flight N] [--trap-port N] [--no-traps]
                        [--metrics-port N] [--metrics-host ADDR]

Polls the inventory's devices over SNMP every interval (default 60000 ms), receives traps
(default udp 127.0.0.1:1162), and writes samples and events to the metric store; while the
store is down, samples wait in $CIVICNET_DATA_DIR/spool and are replayed when it returns.

  --shard i/n        poll only devices with fnv1a(id) mod n = i (0-based); run n collectors
  --interval-ms N    poll interval (CIVICNET_COLLECT_INTERVAL_MS)
  --max-in-flight N  polls running at once (CIVICNET_COLLECT_MAX_IN_FLIGHT, default 256)
  --trap-port N      trap port (CIVICNET_TRAP_PORT; 162 in production needs privileges)
  --no-traps         no trap receiver (only shard 0 listens by default)
  --metrics-port N   serve GET /metrics (Prometheus text format) on this port (CIVICNET_METRICS_PORT)
  --metrics-host A   address it binds (CIVICNET_METRICS_HOST, default 127.0.0.1: no token asked);
                     any other address needs CIVICNET_METRICS_TOKEN or CIVICNET_METRICS_TOKEN_FILE,
                     sent by the scraper as "Authorization: Bearer <token>"

Store: INFLUX_URL, INFLUX_DB ... (see .env.example); without INFLUX_URL the embedded DuckDB
file is used, which no other process may hold at the same time.
Device profiles: the built-in ones plus CIVICNET_PROFILES_DIR (YAML/JSON files, docs/PROFILES.md);
a file there with any problem stops the collector from starting (exit 2), naming the file,
the profile and the field. Check a directory with: civicnet profiles check DIR.
Credentials: CIVICNET_SNMP_CREDENTIALS (JSON file) or CIVICNET_SNMP_COMMUNITY_<ID>; UniFi
controllers: CIVICNET_UNIFI_<ID>_API_KEY, or _USERNAME and _PASSWORD, or CIVICNET_UNIFI_CREDENTIALS
(JSON file); CIVICNET_UNIFI_CA_FILE, CIVICNET_UNIFI_INTERVAL_MS ... (see .env.example).`

/** Takes --metrics-port and --metrics-host out of the arguments; the rest are the collector's. */
function splitMetricsFlags(args: readonly string[]): { rest: string[]; port?: string; host?: string } {
  const rest: string[] = []
  const out: { port?: string; host?: string } = {}
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const m = /^--metrics-(port|host)(?:=(.*))?$/.exec(a)
    if (!m) {
      rest.push(a)
      continue
    }
    const key = m[1] as 'port' | 'host'
    const v = m[2] ?? args[++i]
    if (v === undefined || (m[2] === undefined && v.startsWith('--'))) throw new Error(`--metrics-${key}: needs a value`)
    if (out[key] !== undefined) throw new Error(`--metrics-${key}: given twice`)
    out[key] = v
  }
  return { rest, ...out }
}

export const command: Command = {
  summary: 'poll devices and receive traps into the metric store (--shard i/n)',
  usage: USAGE,
  async run(args) {
    let log: Logger
    let config
    let storeConfig
    let profiles: ProfileSet
    let metricsConfig: MetricsServerConfig | null
    try {
      // a user profile the collector cannot read is refused here, before anything starts:
      // polling with the built-in profile instead would look like success and read other numbers
      profiles = loadProfilesFromEnv()
      if (profiles.problems.length > 0) {
        console.error(`civicnet collect: refusing to start: ${profiles.problems.length} problem(s) in ${profiles.dir}:\n${profiles.problems.map((p) => `  ${formatProfileProblem(p)}`).join('\n')}`)
        return 2
      }
      log = createCliLogger()
      const split = splitMetricsFlags(args)
      metricsConfig = loadMetricsServerConfig(process.env, split)
      config = loadCollectorConfig(process.env, split.rest)
      // UniFi controllers (inventory devices with an api block) are read over HTTPS beside the polls
      config = { ...config, unifi: loadUnifiSourceConfig(process.env, config.poller?.intervalMs) }
      storeConfig = loadStoreConfig()
      createCredentialResolver() // fail fast on a broken credentials file
    } catch (err) {
      console.error(`civicnet collect: ${(err as Error).message}`)
      return 2
    }
    const state = openAppState(stateFile())
    const seeded = ensureInventory(state, () => hartfordInventory())
    if (seeded.seeded) log.info({ version: seeded.version }, 'app state was empty: seeded the Hartford inventory')
    // An InfluxDB that is down at start-up is waited for (the deployment may start
    // its parts in any order); a signal during the wait ends the command.
    let stopping = false
    const onSignal = () => (stopping = true)
    process.once('SIGINT', onSignal)
    process.once('SIGTERM', onSignal)
    let store
    for (let attempt = 1; !store; attempt++) {
      try {
        store = await openMetricStore(storeConfig)
      } catch (err) {
        // The embedded file fails for reasons waiting does not cure (held by another process).
        if (stopping || storeConfig.kind !== 'influxdb') {
          console.error(`civicnet collect: cannot open the metric store (${describeStore(storeConfig)}): ${(err as Error).message}`)
          state.close()
          return 1
        }
        log.warn({ store: describeStore(storeConfig), attempt, err: (err as Error).message }, 'metric store not available yet: retrying in 5 s')
        await new Promise((r) => setTimeout(r, 5000))
      }
    }
    process.off('SIGINT', onSignal)
    process.off('SIGTERM', onSignal)
    if (stopping) {
      await store.close()
      state.close()
      return 0
    }
    if (profiles.dir) {
      const user = profiles.entries.filter((e) => e.origin.kind === 'user').map((e) => e.profile.id)
      log.info({ dir: profiles.dir, profiles: user, overrides: profiles.overrides.map((o) => `${o.id} (${o.file})`) }, 'user device profiles loaded')
    }
    log.info({ store: describeStore(storeConfig), shard: config.poller?.shard, intervalMs: config.poller?.intervalMs }, 'collector starting')
    const collector = await startCollector(config, { inventory: () => state.inventory(), store, clock: wallClock, log, profiles: profiles.profiles })
    let metrics: MetricsServer | undefined
    // the event-loop sampler runs only when something will read it
    const processMetrics = metricsConfig ? createProcessMetrics() : null
    if (metricsConfig && processMetrics) {
      try {
        metrics = await startMetricsServer(metricsConfig, { families: () => [...collector.metrics(), ...processMetrics.families()], log })
      } catch (err) {
        console.error(`civicnet collect: ${(err as Error).message}`)
        processMetrics.stop()
        await collector.stop()
        await store.close()
        state.close()
        return 1
      }
    }
    await new Promise<void>((resolve) => {
      const done = () => resolve()
      process.once('SIGINT', done)
      process.once('SIGTERM', done)
    })
    log.info('stopping')
    await metrics?.close()
    processMetrics?.stop()
    await collector.stop()
    await store.close()
    state.close()
    return 0
  },
}
