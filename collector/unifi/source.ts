/**
 * The UniFi controller source: every inventory device with a UniFi `api` block is read
 * over HTTPS on a loop of its own, beside (never inside) the SNMP poller, so a slow or dead
 * controller costs no SNMP poll its slot.
 *
 * - Each controller is read once per interval (default: the poll interval) at a stable
 *   offset in it, on the collector's clock; a round still running when the next is due
 *   skips that one (counted as missed).
 * - A round that fails for a reason that may pass (no answer, a broken connection, a 5xx,
 *   a list that changed while paged) is tried again after a backoff (real time, doubling
 *   from retryBaseMs up to retryMaxMs, at most `retries` times). Refused credentials, a
 *   certificate mismatch, a rate limit or a configuration error are not retried within the
 *   round: the next round tries again (one login attempt per interval, not a storm).
 * - A round that ends without a list marks the controller's data missing: device_up 0 for
 *   the controller and no station list, never a count of zero. The poll's self-metrics
 *   (poll_duration_ms, poll_timeouts, poll_errors) and up/down events are the poller's.
 * - The stations go at once into the samples path the poller uses (readingToSamples with
 *   the same counters and MAC hasher, then the same sink), as a reading of the controller
 *   device whose stations name their AP as the controller does. The MACs are digested
 *   there and go no further; nothing here logs one.
 */
import type { Logger } from 'pino'
import type { Clock } from '../../core/clock.ts'
import type { Device, Inventory } from '../../core/inventory.ts'
import type { DeviceEvent, Sample, StationSighting } from '../../core/metrics.ts'
import { createCounterTracker, type CounterTracker } from '../counters.ts'
import { createMacHasher, type MacHasher } from '../privacy.ts'
import { buildManagedIndex, failedPollSamples, neighborhoodOf, pollSelfSamples, readingToSamples, type ReadingInput, type StationDigests } from '../samples.ts'
import { createSightingTracker, type SightingTracker } from '../sightings.ts'
import { isTimeout, type PollRecord } from '../scheduler.ts'
import { inShard, pollOffsetMs, type Shard } from '../shard.ts'
import { createTransitionTracker, type TransitionTracker } from '../transitions.ts'
import { createUnifiClient, type UnifiClient, type UnifiListing } from './client.ts'
import { createUnifiCredentialResolver, type UnifiCredentialResolver } from './credentials.ts'
import { isUnifiError } from './errors.ts'
import { createTrustingAgent, createUnifiTrustResolver, type UnifiTrustResolver } from './tls.ts'

export interface UnifiSourceConfig {
  /** time between two reads of a controller, clock ms (default 60 000: the poll interval, which index.ts passes) */
  intervalMs?: number
  /** per HTTP request, real ms (default 10 000) */
  timeoutMs?: number
  /** extra tries within a round after a failure that may pass (default 2) */
  retries?: number
  /** first backoff before such a try, real ms (default 1000; doubles each try) */
  retryBaseMs?: number
  /** longest backoff, real ms (default 10 000) */
  retryMaxMs?: number
  /** Integration API page size, 1..200 (default 200) */
  pageLimit?: number
  /** read only the controllers of this hash-share (the poller's --shard) */
  shard?: Shard
  /** how often the inventory is looked at for new or removed controllers, clock ms (default min(interval, 10 s)) */
  refreshMs?: number
}

export interface UnifiSourceDeps {
  /** the inventory, or a function returning the current one */
  inventory: Inventory | (() => Inventory)
  /** where samples and station sightings go: the collector's writer, as the poller's do */
  sink: { write(samples: readonly Sample[]): void; writeSightings?(rows: readonly StationSighting[]): void }
  clock: Clock
  log: Logger
  /**
   * the poller's MAC hasher, so a station has one digest whichever source saw it (default:
   * one of its own for the inventory's time zone, for a source used alone)
   */
  macHasher?: MacHasher
  /** the poller's sightings de-duplication (default: one of its own) */
  sightings?: SightingTracker
  counters?: CounterTracker
  /** deviceDown/deviceUp events of the controller (the collector's event writer) */
  events?: { write(events: readonly DeviceEvent[]): void }
  transitions?: TransitionTracker
  /** credential id -> secret (default: from the environment, credentials.ts) */
  credentials?: UnifiCredentialResolver
  /** device -> certificate trust (default: the inventory's api block, then CIVICNET_UNIFI_CA_FILE) */
  trust?: UnifiTrustResolver
  /** one record per round, as the poller's onPoll (no raw MAC in it) */
  onPoll?: (record: PollRecord) => void
}

export interface UnifiSourceStats {
  /** controllers this source reads (its shard) */
  controllers: number
  started: number
  ok: number
  timeouts: number
  errors: number
  /** rounds skipped because the previous round of the controller had not finished */
  missed: number
  /** tries after a first failure within a round */
  retries: number
  inFlight: number
  /** stations in the last successful round of each controller, summed */
  stations: number
  /** stations whose AP the inventory does not know (digested, no sighting), in those rounds */
  unattributed: number
  /** rounds whose day key was already destroyed (nothing counted) */
  tooLate: number
}

export interface UnifiSource {
  start(): void
  /** stops scheduling and waits (at most waitMs real ms, default 10 000) for running rounds */
  stop(waitMs?: number): Promise<void>
  /** reads every controller once now and resolves when all are done (the demo's history and first round) */
  pollAll(): Promise<void>
  stats(): UnifiSourceStats
  /** the controllers read, with their offsets */
  schedule(): { device: string; offsetMs: number }[]
}

interface Entry {
  device: Device
  /** the api block as JSON: a changed block makes a new client */
  key: string
  neighborhood: string
  offsetMs: number
  client: UnifiClient | undefined
  destroy: () => void
  /** the APs it manages (their managedBy), by the name it lists them under */
  managed: Map<string, { device: string; neighborhood: string }> | undefined
  cancelNext: (() => void) | undefined
  /** the last error message logged, so a controller that stays down is logged once */
  lastError: string | undefined
  stations: number
  unattributed: number
}

export function isApiController(d: Device): boolean {
  return d.api?.kind === 'unifi-integration' || d.api?.kind === 'unifi-classic'
}

/** A reading of the controller device that carries only its stations (see the module comment). */
export function listingToReading(listing: UnifiListing): ReadingInput {
  return {
    // No client count of the controller itself: its APs' own SNMP polls give theirs, and a
    // count here would land in the controller's neighborhood on top of them.
    clients: { total: null, breakdown: [] },
    optics: [],
    interfaces: [],
    stations: listing.stations,
    sysUpTimeTicks: null,
  }
}

export function createUnifiSource(config: UnifiSourceConfig, deps: UnifiSourceDeps): UnifiSource {
  const intervalMs = config.intervalMs ?? 60_000
  const timeoutMs = config.timeoutMs ?? 10_000
  const retries = config.retries ?? 2
  const retryBaseMs = config.retryBaseMs ?? 1000
  const retryMaxMs = config.retryMaxMs ?? 10_000
  const refreshMs = config.refreshMs ?? Math.min(intervalMs, 10_000)
  if (!(intervalMs > 0)) throw new RangeError(`unifi source intervalMs must be > 0, got ${intervalMs}`)
  const { clock, log } = deps
  const counters = deps.counters ?? createCounterTracker()
  let ownHasher: MacHasher | undefined
  const hasherFor = (inv: Inventory): MacHasher => deps.macHasher ?? (ownHasher ??= createMacHasher({ timezone: inv.city.timezone || 'UTC' }))
  const sightings = deps.sightings ?? createSightingTracker()
  const transitions = deps.transitions ?? createTransitionTracker()
  const credentials = deps.credentials ?? createUnifiCredentialResolver()
  const trust = deps.trust ?? createUnifiTrustResolver()

  const entries = new Map<string, Entry>()
  let invRef: Inventory | undefined
  let running = false
  /** true while pollAll() runs: its rounds retry even when the source is not started */
  let pollingAll = false
  let cancelRefresh: (() => void) | undefined
  const busy = new Set<string>()
  const active = new Set<Promise<void>>()
  const sleeps = new Set<{ t: NodeJS.Timeout; resolve: () => void }>()
  const st = { started: 0, ok: 0, timeouts: 0, errors: 0, missed: 0, retries: 0, tooLate: 0 }
  let missedLogAtMs = 0

  function inventory(): Inventory {
    return typeof deps.inventory === 'function' ? deps.inventory() : deps.inventory
  }

  function refresh(): void {
    const inv = inventory()
    if (inv === invRef) return
    invRef = inv
    const nbh = neighborhoodOf(inv)
    const managedIndex = buildManagedIndex(inv)
    const wanted = new Map(inv.devices.filter((d) => isApiController(d) && inShard(d.id, config.shard)).map((d) => [d.id, d]))
    for (const [id, e] of entries) {
      const d = wanted.get(id)
      if (d && JSON.stringify(d.api) === e.key) {
        e.device = d
        e.neighborhood = nbh(d)
        e.managed = managedIndex.get(id)
        continue
      }
      e.cancelNext?.()
      e.destroy()
      entries.delete(id)
    }
    for (const [id, d] of wanted) {
      if (entries.has(id)) continue
      const e: Entry = { device: d, key: JSON.stringify(d.api), neighborhood: nbh(d), offsetMs: pollOffsetMs(id, intervalMs), client: undefined, destroy: () => {}, managed: managedIndex.get(id), cancelNext: undefined, lastError: undefined, stations: 0, unattributed: 0 }
      entries.set(id, e)
      if (running) scheduleNext(e)
    }
    transitions.retain(new Set(inv.devices.map((d) => d.id)))
  }

  /** The client of an entry, made on first use (a bad CA file or fingerprint fails the round, not the collector). */
  function clientOf(e: Entry): UnifiClient {
    if (e.client) return e.client
    const d = e.device
    const api = d.api!
    const base = new URL(api.baseUrl)
    const target = { host: base.hostname.replace(/^\[|\]$/g, ''), port: Number(base.port || 443) }
    const t = trust(d)
    const agent = createTrustingAgent(target, t)
    e.client = createUnifiClient({ id: d.id, api }, { secret: () => credentials(api.credential, api.auth), agent, trust: t }, { timeoutMs, ...(config.pageLimit ? { pageLimit: config.pageLimit } : {}) })
    e.destroy = () => agent.destroy()
    return e.client
  }

  /** the controller's first due time at or after t */
  const dueFrom = (e: Entry, t: number) => Math.ceil((t - e.offsetMs) / intervalMs) * intervalMs + e.offsetMs

  function scheduleAt(e: Entry, due: number): void {
    e.cancelNext?.()
    e.cancelNext = clock.after(Math.max(0, due - clock.now()), () => {
      e.cancelNext = undefined
      if (!running || entries.get(e.device.id) !== e) return
      void trigger(e)
      // the next due time from this one, so a late timer neither skips nor doubles a round;
      // after a long stall, only the latest due time is kept
      const now = clock.now()
      const next = due + intervalMs > now ? due + intervalMs : dueFrom(e, now)
      scheduleAt(e, next > due ? next : due + intervalMs)
    })
  }

  function scheduleNext(e: Entry): void {
    scheduleAt(e, dueFrom(e, clock.now()))
  }

  function trigger(e: Entry): Promise<void> | undefined {
    if (busy.has(e.device.id)) {
      st.missed++
      // rate-limited: a controller slow for hours skips a round every interval, the counter has them all
      if (Date.now() - missedLogAtMs > 600_000) {
        missedLogAtMs = Date.now()
        log.warn({ device: e.device.id, missed: st.missed }, 'UniFi controller round skipped: the previous one is still running')
      }
      return undefined
    }
    busy.add(e.device.id)
    const p = round(e).finally(() => {
      busy.delete(e.device.id)
      active.delete(p)
    })
    active.add(p)
    return p
  }

  function sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const s = {
        t: setTimeout(() => {
          sleeps.delete(s)
          resolve()
        }, ms),
        resolve,
      }
      sleeps.add(s)
    })
  }

  async function round(e: Entry): Promise<void> {
    const id = e.device.id
    const n = e.neighborhood
    const timeMs = Math.round(clock.now())
    const t0 = performance.now()
    st.started++
    let listing: UnifiListing | undefined
    let failure: unknown
    for (let attempt = 0; ; attempt++) {
      try {
        listing = await clientOf(e).list()
        break
      } catch (err) {
        failure = err
        const again = isUnifiError(err) ? err.retryNow : false
        if (!again || attempt >= retries || (!running && !pollingAll)) break
        st.retries++
        await sleep(Math.min(retryMaxMs, retryBaseMs * 2 ** attempt))
        if (!running && !pollingAll) break
      }
    }
    let outcome: PollRecord['outcome'] = 'ok'
    let samples: Sample[]
    let stations: StationDigests | undefined
    let error: string | undefined
    if (listing) {
      // the raw MACs end here: readingToSamples digests them, and `listing` is dropped
      const macHasher = hasherFor(invRef ?? inventory())
      const r = readingToSamples(listingToReading(listing), { device: id, neighborhood: n, timeMs, counters, macHasher, ...(e.managed ? { managed: e.managed } : {}) })
      listing = undefined
      samples = r.samples
      stations = r.stations
      if (stations) {
        e.stations = stations.count
        e.unattributed = stations.unattributed
      }
      // each station's day and period rows, once per period and AP, through the writer
      const fresh = sightings.add(r.sightings)
      if (fresh.length > 0) deps.sink.writeSightings?.(fresh)
      if (r.stationsTooLate) st.tooLate++
      if (!deps.macHasher && ownHasher) {
        // a hasher of its own is closed here (the poller closes the shared one)
        ownHasher.close(clock.now())
        sightings.retain(ownHasher.openPeriods())
      }
      st.ok++
      if (e.lastError !== undefined) log.info({ device: id, stations: stations?.count ?? 0 }, 'UniFi controller answering again')
      e.lastError = undefined
    } else {
      outcome = isTimeout(failure) ? 'timeout' : 'error'
      if (outcome === 'timeout') st.timeouts++
      else st.errors++
      error = failure instanceof Error ? failure.message : String(failure)
      samples = failedPollSamples(id, n, timeMs)
      // Logged when it changes, not every round of a long outage; the message names the
      // controller, the path and what to fix, never a secret or a station.
      if (error !== e.lastError) log.warn({ device: id, code: (failure as { code?: string })?.code, err: error }, 'UniFi controller: no station list this round')
      else log.debug({ device: id }, 'UniFi controller still failing')
      e.lastError = error
    }
    const durationMs = performance.now() - t0
    samples.push(...pollSelfSamples(id, n, timeMs, durationMs, outcome))
    deps.sink.write(samples)
    try {
      const cause = failure && isTimeout(failure) ? ({ kind: 'timeout' } as const) : ({ kind: 'error', errorClass: (failure as Error)?.name ?? 'Error' } as const)
      const events = transitions.observe(samples, () => cause)
      if (events.length > 0) deps.events?.write(events)
    } catch (err) {
      log.warn({ device: id, err: String((err as Error)?.message ?? err) }, 'device events not recorded')
    }
    deps.onPoll?.({ device: id, timeMs, durationMs, outcome, samples, ...(stations ? { stations } : {}), ...(error !== undefined ? { error } : {}) })
  }

  function refreshTick(): void {
    if (!running) return
    try {
      refresh()
    } catch (err) {
      log.warn({ err: (err as Error).message }, 'UniFi source: inventory not read')
    }
    cancelRefresh = clock.after(refreshMs, refreshTick)
  }

  return {
    start() {
      if (running) return
      running = true
      refresh()
      for (const e of entries.values()) scheduleNext(e)
      cancelRefresh = clock.after(refreshMs, refreshTick)
      log.info({ controllers: entries.size, intervalMs, timeoutMs, retries, shard: config.shard }, 'UniFi source started')
    },
    async stop(waitMs = 10_000) {
      running = false
      cancelRefresh?.()
      cancelRefresh = undefined
      for (const e of entries.values()) {
        e.cancelNext?.()
        e.cancelNext = undefined
      }
      for (const s of sleeps) {
        clearTimeout(s.t)
        s.resolve()
      }
      sleeps.clear()
      let t: NodeJS.Timeout | undefined
      await Promise.race([Promise.allSettled([...active]), new Promise((r) => (t = setTimeout(r, waitMs)))])
      clearTimeout(t)
      for (const e of entries.values()) e.destroy()
    },
    async pollAll() {
      refresh()
      pollingAll = true
      try {
        await Promise.all([...entries.values()].map((e) => trigger(e)))
      } finally {
        pollingAll = false
      }
    },
    stats: () => ({
      controllers: entries.size,
      ...st,
      inFlight: busy.size,
      stations: [...entries.values()].reduce((a, e) => a + e.stations, 0),
      unattributed: [...entries.values()].reduce((a, e) => a + e.unattributed, 0),
    }),
    schedule() {
      refresh()
      return [...entries.values()].map((e) => ({ device: e.device.id, offsetMs: e.offsetMs }))
    },
  }
}
