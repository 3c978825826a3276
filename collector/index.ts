/**
 * The collector, wired: writer (batches, spool) <- poller (schedule, probes, samples)
 * plus the trap receiver (events). Started in that order, stopped in reverse, so no
 * sample is produced with nowhere to go and the spool gets everything still queued.
 *
 *   const c = await startCollector(config, { inventory, store, clock, log })
 *   ...
 *   await c.stop()
 */
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import type { MetricStore } from '../store/types.ts'
import { createCredentialResolver, type CredentialResolver } from './credentials.ts'
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
}

export interface CollectorDeps {
  /** the inventory, or a function returning the current one */
  inventory: Inventory | (() => Inventory)
  store: MetricStore
  clock: Clock
  log: Logger
  /** collector/probe.ts's probeDevice (the default) */
  probe?: ProbeFn
  /** full replacement of device -> reading (tests, benchmarks) */
  poll?: PollFn
  /** credential id -> SNMP credential (default: from the environment, see credentials.ts) */
  credentials?: CredentialResolver
  onPoll?: (record: PollRecord) => void
}

export interface CollectorStats {
  poller: PollerStats
  writer: WriterStats
  traps: TrapStats | undefined
  events: EventWriterStats
}

export interface Collector {
  start(): Promise<void>
  stop(): Promise<void>
  stats(): CollectorStats
  readonly poller: Poller
  readonly writer: Writer
  readonly traps: TrapReceiver | undefined
  /** deviceDown/deviceUp events the poller derives from device_up changes */
  readonly events: EventWriter
}

/** Adapts probeDevice to the poller: inventory device + credential reference -> SNMP target. */
export function pollWithProbe(probe: ProbeFn, credentials: CredentialResolver): PollFn {
  return (device: Device, options) =>
    probe(
      { host: device.mgmt.host, port: device.mgmt.port, credential: normalizeCredential(credentials(device.credential)), timeoutMs: options.timeoutMs, retries: options.retries },
      device.profile ? { profileId: device.profile } : {},
    )
}

/** Accepts '2c' for 'v2c' (a common spelling), so a resolver cannot silently select v3. */
function normalizeCredential(c: ReturnType<CredentialResolver>): SnmpCredential {
  return c.version === '2c' ? { version: 'v2c', community: c.community } : c
}

export function createCollector(config: CollectorConfig, deps: CollectorDeps): Collector {
  const log = deps.log
  const writer = createWriter(config.writer, { store: deps.store, log: log.child({ part: 'writer' }) })
  const events = createEventWriter(config.events ?? {}, { store: deps.store, log: log.child({ part: 'events' }) })
  const poll: PollFn = deps.poll ?? pollWithProbe(deps.probe ?? probeDevice, deps.credentials ?? createCredentialResolver())
  const poller = createPoller(config.poller ?? {}, {
    inventory: deps.inventory,
    sink: writer,
    clock: deps.clock,
    poll,
    log: log.child({ part: 'poller' }),
    onPoll: deps.onPoll,
    events,
  })
  const traps =
    config.traps === false
      ? undefined
      : createTrapReceiver(config.traps ?? {}, { inventory: deps.inventory, store: deps.store, clock: deps.clock, log: log.child({ part: 'traps' }) })
  let started = false

  return {
    poller,
    writer,
    traps,
    events,
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
    },
    async stop() {
      if (!started) return
      started = false
      await poller.stop()
      await traps?.stop()
      await events.stop()
      await writer.stop()
      const st = writer.stats()
      log.info({ polls: poller.stats(), written: st.writtenSamples, spooledLeft: st.spool.segments > 0 }, 'collector stopped')
    },
    stats: () => ({ poller: poller.stats(), writer: writer.stats(), traps: traps?.stats(), events: events.stats() }),
  }
}

/** Creates and starts a collector: what `civicnet collect` and the demo call. */
export async function startCollector(config: CollectorConfig, deps: CollectorDeps): Promise<Collector> {
  const c = createCollector(config, deps)
  await c.start()
  return c
}
