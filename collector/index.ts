/**
 * The collector, wired: writer (batches, spool) <- poller (schedule, probes, samples)
 * plus the trap receiver (events) and the UniFi source (controllers read over their HTTPS
 * API on a loop of their own, collector/unifi/). Started in that order, stopped in
 * reverse, so no sample is produced with nowhere to go and the spool gets everything still queued.
 *
 *   const c = await startCollector(config, { inventory, store, clock, log })
 *   ...
 *   await c.stop()
 */
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import type { MetricFamily } from '../core/prometheus.ts'
import type { MetricStore } from '../store/types.ts'
import { counter32Ceilings, createCounterTracker } from './counters.ts'
import { createCredentialResolver, type CredentialResolver } from './credentials.ts'
import { PROFILES, type DeviceProfile } from './profiles/index.ts'
import { createMacHasher, type MacHasher } from './privacy.ts'
import { collectorFamilies, collectorName } from './self-metrics.ts'
import { createSightingTracker } from './sightings.ts'
import { createUnifiSource, isApiController, type UnifiSource, type UnifiSourceConfig, type UnifiSourceStats } from './unifi/source.ts'
import type { UnifiCredentialResolver } from './unifi/credentials.ts'
import type { UnifiTrustResolver } from './unifi/tls.ts'
import { probeDevice, type ProbeOptions } from './probe.ts'
import type { ReadingInput } from './samples.ts'
import { createPoller, type PollFn, type Poller, type PollerConfig, type PollerStats, type PollRecord } from './scheduler.ts'
import type { SnmpCredential, SnmpTarget } from './snmp/session.ts'
import { createTrapReceiver, type TrapReceiver, type TrapReceiverConfig, type TrapStats } from './traps.ts'
import { createEventWriter, type EventWriter, type EventWriterConfig, type EventWriterStats } from './events.ts'
import { createWriter, type Writer, type WriterConfig, type WriterStats } from './writer.ts'

/** The shape of collector/probe.ts's probeDevice, as the runtime calls it. */
export type ProbeFn = (target: SnmpTarget, options?: ProbeOptions) => Promise<ReadingInput>

export interface CollectorConfig {
  poller?: PollerConfig
  /** spoolDir is required: data/spool under CIVICNET_DATA_DIR */
  writer: WriterConfig
  /** trap receiver settings; false: no receiver (e.g. a second shard on the same host) */
  traps?: TrapReceiverConfig | false
  /** deviceDown/deviceUp events: retry and memory bounds while the store is down */
  events?: EventWriterConfig
  /** UniFi controllers read over HTTPS (default interval: the poller's); false: not read */
  unifi?: UnifiSourceConfig | false
}

export interface CollectorDeps {
  /** the inventory, or a function returning the current one */
  inventory: Inventory | (() => Inventory)
  store: MetricStore
  clock: Clock
  log: Logger
  /** collector/probe.ts's probeDevice (the default) */
  probe?: ProbeFn
  /**
   * the device profiles to match and read with, and whose Counter32 ceilings the counters
   * use: collector/profiles/load.ts's set (built-in plus CIVICNET_PROFILES_DIR), loaded by
   * the entry point; default: the built-in profiles
   */
  profiles?: readonly DeviceProfile[]
  /** full replacement of device -> reading (tests, benchmarks) */
  poll?: PollFn
  /** credential id -> SNMP credential (default: from the environment, see credentials.ts) */
  credentials?: CredentialResolver
  onPoll?: (record: PollRecord) => void
  /** UniFi API credential id -> secret (default: from the environment, collector/unifi/credentials.ts) */
  unifiCredentials?: UnifiCredentialResolver
  /** UniFi controller -> certificate trust (default: the inventory's api block, then CIVICNET_UNIFI_CA_FILE) */
  unifiTrust?: UnifiTrustResolver
}

export interface CollectorStats {
  poller: PollerStats
  writer: WriterStats
  traps: TrapStats | undefined
  events: EventWriterStats
  unifi: UnifiSourceStats | undefined
}

export interface Collector {
  start(): Promise<void>
  stop(): Promise<void>
  stats(): CollectorStats
  /** its health as Prometheus families (collector/self-metrics.ts), read now */
  metrics(): MetricFamily[]
  /** collector-<i>-of-<n>: the device of its spool_samples self-metric */
  readonly name: string
  readonly poller: Poller
  readonly writer: Writer
  readonly traps: TrapReceiver | undefined
  /** deviceDown/deviceUp events the poller derives from device_up changes */
  readonly events: EventWriter
  /** the UniFi controllers' source (undefined with `unifi: false`) */
  readonly unifi: UnifiSource | undefined
}

/**
 * The inventory the SNMP poller sees: without the controllers read over an API (they have
 * no SNMP agent), the same object for the same inventory so the poller's cache holds.
 */
function withoutApiControllers(inventory: Inventory | (() => Inventory)): () => Inventory {
  const memo = new WeakMap<Inventory, Inventory>()
  return () => {
    const inv = typeof inventory === 'function' ? inventory() : inventory
    let out = memo.get(inv)
    if (!out) {
      out = inv.devices.some(isApiController) ? { ...inv, devices: inv.devices.filter((d) => !isApiController(d)) } : inv
      memo.set(inv, out)
    }
    return out
  }
}

/**
 * One MAC hasher for the poller and the UniFi source, so a station has one digest (and one
 * key id) whichever source read it; made on first use for the inventory's time zone.
 */
function sharedMacHasher(inventory: Inventory | (() => Inventory), config: PollerConfig): MacHasher {
  let h: MacHasher | undefined
  const get = () =>
    (h ??= createMacHasher({
      timezone: (typeof inventory === 'function' ? inventory() : inventory).city.timezone || 'UTC',
      ...(config.uniquePeriod ? { uniquePeriod: config.uniquePeriod } : {}),
      ...(config.keyGraceMs !== undefined ? { graceMs: config.keyGraceMs } : {}),
      ...(config.keyDir ? { keyDir: config.keyDir } : {}),
    }))
  return {
    get timezone() {
      return get().timezone
    },
    get uniquePeriod() {
      return get().uniquePeriod
    },
    hash: (mac, timeMs) => get().hash(mac, timeMs),
    keyIds: (timeMs) => get().keyIds(timeMs),
    periodStart: (timeMs) => get().periodStart(timeMs),
    close: (nowMs) => h?.close(nowMs),
    openPeriods: () => h?.openPeriods() ?? [],
  }
}

/** Adapts probeDevice to the poller: inventory device + credential reference -> SNMP target. */
export function pollWithProbe(probe: ProbeFn, credentials: CredentialResolver, profiles?: readonly DeviceProfile[]): PollFn {
  return (device: Device, options) =>
    probe(
      { host: device.mgmt.host, port: device.mgmt.port, credential: normalizeCredential(credentials(device.credential)), timeoutMs: options.timeoutMs, retries: options.retries },
      { ...(device.profile ? { profileId: device.profile } : {}), ...(profiles ? { profiles } : {}) },
    )
}

/** Accepts '2c' for 'v2c' (a common spelling), so a resolver cannot silently select v3. */
/** A resolved credential in the session's form ('2c' -> 'v2c'). */
export function normalizeCredential(c: ReturnType<CredentialResolver>): SnmpCredential {
  return c.version === '2c' ? { version: 'v2c', community: c.community } : c
}

export function createCollector(config: CollectorConfig, deps: CollectorDeps): Collector {
  const log = deps.log
  const name = collectorName(config.poller?.shard)
  // spool_samples is this collector's sample, at its clock (simulated time in the demo's history fill)
  const writer = createWriter({ selfDevice: name, ...config.writer }, { store: deps.store, log: log.child({ part: 'writer' }), now: () => deps.clock.now() })
  const events = createEventWriter(config.events ?? {}, { store: deps.store, log: log.child({ part: 'events' }) })
  const profiles = deps.profiles ?? PROFILES
  const poll: PollFn = deps.poll ?? pollWithProbe(deps.probe ?? probeDevice, deps.credentials ?? createCredentialResolver(), profiles)
  const macHasher = sharedMacHasher(deps.inventory, config.poller ?? {})
  const sightings = createSightingTracker()
  const poller = createPoller(config.poller ?? {}, {
    inventory: withoutApiControllers(deps.inventory),
    sink: writer,
    clock: deps.clock,
    poll,
    log: log.child({ part: 'poller' }),
    onPoll: deps.onPoll,
    events,
    macHasher,
    sightings,
    // the Counter32 rule's ceilings come from the same profiles the polls read with
    counters: createCounterTracker({ counter32Ceilings: counter32Ceilings(profiles) }),
  })
  const unifi =
    config.unifi === false
      ? undefined
      : createUnifiSource(
          { intervalMs: config.poller?.intervalMs ?? 60_000, ...(config.poller?.shard ? { shard: config.poller.shard } : {}), ...config.unifi },
          {
            inventory: deps.inventory,
            sink: writer,
            clock: deps.clock,
            log: log.child({ part: 'unifi' }),
            macHasher,
            sightings,
            events,
            ...(deps.unifiCredentials ? { credentials: deps.unifiCredentials } : {}),
            ...(deps.unifiTrust ? { trust: deps.unifiTrust } : {}),
            ...(deps.onPoll ? { onPoll: deps.onPoll } : {}),
          },
        )
  const traps =
    config.traps === false
      ? undefined
      : createTrapReceiver(config.traps ?? {}, { inventory: deps.inventory, store: deps.store, clock: deps.clock, log: log.child({ part: 'traps' }) })
  let started = false
  const builtIn = profiles.filter((p) => PROFILES.includes(p)).length
  const stats = (): CollectorStats => ({ poller: poller.stats(), writer: writer.stats(), traps: traps?.stats(), events: events.stats(), unifi: unifi?.stats() })

  return {
    name,
    poller,
    writer,
    traps,
    events,
    unifi,
    async start() {
      if (started) return
      started = true
      writer.start()
      try {
        await traps?.start()
      } catch (err) {
        await writer.stop()
        started = false
        throw err
      }
      poller.start()
      unifi?.start()
    },
    async stop() {
      if (!started) return
      started = false
      await unifi?.stop()
      await poller.stop()
      await traps?.stop()
      await events.stop()
      await writer.stop()
      const st = writer.stats()
      log.info({ polls: poller.stats(), unifi: unifi?.stats(), written: st.writtenSamples, spooledLeft: st.spool.segments > 0 }, 'collector stopped')
    },
    stats,
    metrics: () =>
      collectorFamilies({ name, stats: stats(), durations: poller.durations(), devices: poller.deviceStates(), profiles: { builtIn, user: profiles.length - builtIn } }),
  }
}

/** Creates and starts a collector: what `civicnet collect` and the demo call. */
export async function startCollector(config: CollectorConfig, deps: CollectorDeps): Promise<Collector> {
  const c = createCollector(config, deps)
  await c.start()
  return c
}
