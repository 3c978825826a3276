/**
 * The poll schedule. Each device is polled once per interval at a stable offset
 * (hash(id) mod interval), so polls spread evenly over the interval and a device is polled
 * at the same second every minute, run after run.
 *
 * One design serves both clocks: a tick hands every device due in the next tick window to
 * `clock.after(due - now)`, which fires at the device's exact offset. With the wall clock
 * the tick is a node-cron task firing every second (the "node-cron schedule");
 * with a simulated clock (speed > 1) the tick is `clock.after(tickMs)`, so a 60 s interval
 * passes in 1 s of real time at speed 60. A cursor remembers the end of the last window:
 * a late or skipped tick never skips or doubles a poll.
 *
 * Bounded concurrency: at most `maxInFlight` polls run; more wait in a FIFO. A device whose
 * previous poll is still waiting or running when it is due again is skipped and counted
 * as a missed poll, never queued twice: a dead or slow device costs its own polls, nobody
 * else's. Each skip is also a `polls_skipped` sample (value 1, the device's own tags, the
 * skip's time) through the sink, so the store shows which device missed its turns and when.
 * Each poll has its own timeout and retries (in SNMP, real time), plus a guard
 * timer, so even a hung probe ends.
 */
import cron from 'node-cron'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import type { DeviceEvent, Sample, StationSighting } from '../core/metrics.ts'
import { createHistogram, type HistogramSample } from '../core/prometheus.ts'
import { createCounterTracker, type CounterTracker } from './counters.ts'
import type { MacHasher, UniquePeriod } from './privacy.ts'
import { buildApIndex, buildManagedIndex, failedPollSamples, neighborhoodOf, pollSelfSamples, readingToSamples, type ReadingInput, type StationDigests } from './samples.ts'
import { createStationRecorder, type SightingTracker, type SightingTrackerStats, type StationRecorder } from './sightings.ts'
import { inShard, pollOffsetMs, type Shard } from './shard.ts'
import { createTransitionTracker, type DownCause, type TransitionTracker } from './transitions.ts'

/** What the scheduler hands the probe: the device and how long to wait for it. */
export interface PollOptions {
  /** SNMP timeout per request, real ms */
  timeoutMs: number
  /** SNMP retries per request */
  retries: number
}

/** A probe turns a device into a reading (collector/probe.ts's probeDevice, adapted). */
export type PollFn = (device: Device, options: PollOptions) => Promise<ReadingInput>

export interface PollerConfig {
  /** time between two polls of a device, clock ms (default 60 000) */
  intervalMs?: number
  /** polls running at once (default 256) */
  maxInFlight?: number
  /** SNMP timeout per request, real ms (default 2000) */
  timeoutMs?: number
  /** SNMP retries per request (default 1) */
  retries?: number
  /** poll only this hash-share of the inventory */
  shard?: Shard
  /** tick window with a simulated clock, clock ms (default: max(1000, 20 real ms)) */
  tickMs?: number
  /** 'cron' (node-cron, 1 s ticks, wall clock), 'clock' (clock.after) or 'auto' (cron when clock.speed is 1) */
  tick?: 'cron' | 'clock' | 'auto'
  /**
   * station digests (collector/privacy.ts): the period of the second, period-unique key
   * ('month' or 'quarter', default 'quarter'; the day key is always the city's local day)
   */
  uniquePeriod?: UniquePeriod
  /** how long after its period ends a digest key still serves a poll that began in it, clock ms (default 120 000) */
  keyGraceMs?: number
  /** where the collector keeps open periods' digest keys across restarts (data/keys; default: memory only) */
  keyDir?: string
}

/** One finished poll, for tests, logs and the demo's live view. Holds no raw MAC. */
export interface PollRecord {
  device: string
  timeMs: number
  durationMs: number
  outcome: 'ok' | 'timeout' | 'error'
  samples: Sample[]
  stations?: StationDigests
  error?: string
}

export interface PollerDeps {
  /** the inventory, or a function returning the current one (re-read every tick) */
  inventory: Inventory | (() => Inventory)
  /** where samples and station sightings go: collector/writer.ts (or anything with write()) */
  sink: { write(samples: readonly Sample[]): void; writeSightings?(rows: readonly StationSighting[]): void }
  clock: Clock
  poll: PollFn
  log: Logger
  onPoll?: (record: PollRecord) => void
  counters?: CounterTracker
  /** default: one made for the inventory's time zone and config.uniquePeriod */
  macHasher?: MacHasher
  sightings?: SightingTracker
  /**
   * where deviceDown/deviceUp events go (collector/transitions.ts's event writer); must not
   * throw. Absent: transitions are still tracked, nothing is written.
   */
  events?: { write(events: readonly DeviceEvent[]): void }
  transitions?: TransitionTracker
}

export interface PollerStats {
  /** devices this poller polls (its shard, lightweight APs excluded) */
  devices: number
  started: number
  ok: number
  timeouts: number
  errors: number
  /** polls skipped because the device's previous poll had not finished */
  missed: number
  inFlight: number
  waiting: number
}

export interface Poller {
  start(): void
  /** stops scheduling and waits (at most waitMs real ms, default 10 000) for running polls */
  stop(waitMs?: number): Promise<void>
  stats(): PollerStats
  /**
   * Polls every device once now, at most maxInFlight at a time, and resolves when all are
   * done (the demo fills history with it under a stepped clock). Works started or not; a
   * device whose scheduled poll is running is skipped and counted as missed.
   */
  /**
   * polls every device once now and resolves when all are done; `options` may give this
   * round its own patience (the demo's history fill, where the clock stands still and a
   * timeout would only mean the CPU was busy)
   */
  pollAll(options?: { timeoutMs?: number; retries?: number; maxInFlight?: number }): Promise<void>
  /** the devices this poller polls, with their offsets (for tests and --dry-run) */
  schedule(): { device: string; offsetMs: number }[]
  /** unique station digests seen in the current local day, city-wide (no raw MAC) */
  uniqueStations(): { periodStartMs: number; count: number }
  /** sightings handed to the sink, repeats held back, polls whose day key was already gone */
  sightingStats(): SightingTrackerStats & { tooLate: number }
  /** the digest keys and sightings path, for every other station source of this collector (the UniFi source) */
  readonly stations: StationRecorder
  /** every finished poll's duration, seconds (core/prometheus.ts DURATION_BUCKETS_S) */
  durations(): HistogramSample
  /** devices whose newest device_up read up, and down (polled devices and their controllers' APs) */
  deviceStates(): { up: number; down: number }
}

interface Entry {
  device: Device
  neighborhood: string
  offsetMs: number
  aps: Map<string, { device: string; neighborhood: string }> | undefined
  managed: Map<string, { device: string; neighborhood: string }> | undefined
}

export function isTimeout(err: unknown): boolean {
  const e = err as { name?: string; code?: string; message?: string } | undefined
  return !!e && (/timeout/i.test(e.name ?? '') || e.code === 'ETIMEDOUT' || /RequestTimedOut|timed out/i.test(e.message ?? ''))
}

export function createPoller(config: PollerConfig, deps: PollerDeps): Poller {
  const intervalMs = config.intervalMs ?? 60_000
  const maxInFlight = config.maxInFlight ?? 256
  const timeoutMs = config.timeoutMs ?? 2000
  const retries = config.retries ?? 1
  const { clock, log } = deps
  const tickMode = config.tick === 'cron' || config.tick === 'clock' ? config.tick : clock.speed === 1 ? 'cron' : 'clock'
  const tickMs = config.tickMs ?? Math.max(1000, 20 * clock.speed)
  const guardMs = timeoutMs * (retries + 1) * 4 + 2000 // several requests per poll (walks)
  if (!(intervalMs > 0)) throw new RangeError(`collector intervalMs must be > 0, got ${intervalMs}`)
  if (!(maxInFlight >= 1)) throw new RangeError(`collector maxInFlight must be >= 1, got ${maxInFlight}`)
  const counters = deps.counters ?? createCounterTracker()
  // Station digest keys follow the city's local days (the inventory's time zone); one
  // recorder for every station source of the collector
  const stations = createStationRecorder(
    { uniquePeriod: config.uniquePeriod, keyGraceMs: config.keyGraceMs },
    { sink: deps.sink, ...(deps.macHasher ? { macHasher: deps.macHasher } : {}), ...(deps.sightings ? { tracker: deps.sightings } : {}) },
  )
  const transitions = deps.transitions ?? createTransitionTracker()

  let invRef: Inventory | undefined
  let entries: Entry[] = [] // sorted by offset
  function refresh() {
    const inv = typeof deps.inventory === 'function' ? deps.inventory() : deps.inventory
    if (inv === invRef) return
    invRef = inv
    const nbh = neighborhoodOf(inv)
    const apIndex = buildApIndex(inv)
    const managedIndex = buildManagedIndex(inv)
    stations.hasher(inv)
    const known = new Set(inv.devices.map((d) => d.id))
    entries = inv.devices
      // A lightweight AP has no agent of its own: its controller's poll reports it.
      .filter((d) => !d.controller && inShard(d.id, config.shard))
      .map((d) => ({ device: d, neighborhood: nbh(d), offsetMs: pollOffsetMs(d.id, intervalMs), aps: apIndex.get(d.id), managed: managedIndex.get(d.id) }))
      .sort((a, b) => a.offsetMs - b.offsetMs || (a.device.id < b.device.id ? -1 : 1))
    for (const id of lastSeen) if (!known.has(id)) counters.forgetDevice(id)
    transitions.retain(known)
    lastSeen = known
  }
  let lastSeen = new Set<string>()

  const st = { started: 0, ok: 0, timeouts: 0, errors: 0, missed: 0 }
  const busy = new Set<string>()
  const waiting: { e: Entry; dueMs: number }[] = []
  let inFlight = 0
  let running = false
  let cursorMs = 0
  let cronTask: ReturnType<typeof cron.schedule> | undefined
  let cancelTick: (() => void) | undefined
  const pending = new Set<() => void>()
  const active = new Set<Promise<void>>()
  let missedLogAtMs = 0
  let stationsDayStartMs = 0
  const durations = createHistogram()

  /** A poll of the device not made: counted, and stored as polls_skipped at this moment. */
  function skip(e: Entry) {
    st.missed++
    deps.sink.write([{ metric: 'polls_skipped', device: e.device.id, neighborhood: e.neighborhood, instance: '', value: 1, timeMs: Math.round(clock.now()) }])
  }

  /** Hands every device due in [cursorMs, endMs) to a timer at its exact due time. */
  function dispatchUntil(endMs: number) {
    refresh()
    prune()
    if (entries.length === 0) {
      cursorMs = endMs
      return
    }
    const now = clock.now()
    // After a long stall poll each device at most once, for its latest due time.
    if (endMs - cursorMs > intervalMs) cursorMs = endMs - intervalMs
    let cycle = Math.floor(cursorMs / intervalMs) * intervalMs
    while (cycle < endMs) {
      for (const e of entries) {
        const due = cycle + e.offsetMs
        if (due < cursorMs) continue
        if (due >= endMs) break
        const cancel = clock.after(due - now, () => {
          pending.delete(cancel)
          due_(e, due)
        })
        pending.add(cancel)
      }
      cycle += intervalMs
    }
    cursorMs = endMs
  }

  function due_(e: Entry, dueMs: number) {
    if (!running) return
    if (busy.has(e.device.id)) {
      skip(e)
      // Rate-limited: a dead device misses a poll every interval, the counter has them all.
      if (Date.now() - missedLogAtMs > 10_000) {
        missedLogAtMs = Date.now()
        log.warn({ device: e.device.id, missed: st.missed }, 'poll skipped: previous poll of the device still running')
      }
      return
    }
    busy.add(e.device.id)
    if (inFlight < maxInFlight) run(e)
    else waiting.push({ e, dueMs })
  }

  function next() {
    while (running && inFlight < maxInFlight && waiting.length > 0) {
      const w = waiting.shift()!
      // Waited a whole interval for a slot: its next turn is already due, skip this one.
      if (clock.now() - w.dueMs >= intervalMs) {
        skip(w.e)
        busy.delete(w.e.device.id)
        continue
      }
      run(w.e)
    }
  }

  function run(e: Entry) {
    inFlight++
    st.started++
    const p = pollOnce(e).finally(() => {
      inFlight--
      busy.delete(e.device.id)
      active.delete(p)
      next()
    })
    active.add(p)
  }

  async function pollOnce(e: Entry, patience: { timeoutMs: number; retries: number } = { timeoutMs, retries }) {
    const id = e.device.id
    const n = e.neighborhood
    // The sample time is the clock at the poll's start (simulated time with a fast clock).
    const timeMs = Math.round(clock.now())
    const t0 = performance.now()
    let outcome: PollRecord['outcome'] = 'ok'
    let samples: Sample[]
    let stationDigests: StationDigests | undefined
    let error: string | undefined
    let guard: NodeJS.Timeout | undefined
    let cause: (device: string) => DownCause
    try {
      const reading = await Promise.race([
        deps.poll(e.device, patience),
        new Promise<never>((_, reject) => {
          const limitMs = patience.timeoutMs === timeoutMs && patience.retries === retries ? guardMs : patience.timeoutMs * (patience.retries + 1) * 4 + 2000
          guard = setTimeout(() => reject(Object.assign(new Error(`poll of '${id}' took longer than ${limitMs} ms`), { name: 'PollTimeoutError' })), limitMs)
        }),
      ])
      const macHasher = stations.hasher(invRef!)
      const r = readingToSamples(reading, { device: id, neighborhood: n, timeMs, counters, macHasher, aps: e.aps, managed: e.managed, ownStations: e.device.kind === 'ap' })
      samples = r.samples
      stationDigests = r.stations
      // Only a controller's APs can read 0 in a poll that answered.
      const listed = new Set((reading.aps ?? []).map((a) => a.name))
      const missing = new Set<string>()
      for (const [name, ap] of e.aps ?? []) if (!listed.has(name)) missing.add(ap.device)
      cause = (device) => ({ kind: 'controller', missing: missing.has(device) })
      // each station's day and period rows, once per period and AP, through the writer
      stations.record(r)
      if (r.stations) stationsDayStartMs = Math.max(stationsDayStartMs, r.stations.periodStartMs)
      st.ok++
    } catch (err) {
      outcome = isTimeout(err) ? 'timeout' : 'error'
      if (outcome === 'timeout') st.timeouts++
      else st.errors++
      error = String((err as Error)?.message ?? err)
      const errorClass = (err as Error)?.name ?? typeof err
      cause = () => (outcome === 'timeout' ? { kind: 'timeout' } : { kind: 'error', errorClass })
      samples = failedPollSamples(id, n, timeMs)
      log.debug({ device: id, err: error }, 'poll failed')
    } finally {
      if (guard) clearTimeout(guard)
    }
    const durationMs = performance.now() - t0
    durations.observe(durationMs / 1000)
    samples.push(...pollSelfSamples(id, n, timeMs, durationMs, outcome))
    deps.sink.write(samples)
    // A device's up/down change is an event at this poll's time; a failure to store it is
    // the event writer's to count and retry, never this poll's.
    try {
      const events = transitions.observe(samples, cause)
      if (events.length > 0) deps.events?.write(events)
    } catch (err) {
      log.warn({ device: id, err: String((err as Error)?.message ?? err) }, 'device events not recorded')
    }
    deps.onPoll?.({ device: id, timeMs, durationMs, outcome, samples, stations: stationDigests, error })
  }

  // Counters not seen for a while (stations that left, devices gone quiet for hours) are
  // forgotten, so the tracker's memory follows the live city, not its history.
  const pruneAfterMs = Math.max(10 * intervalMs, 2 * 3_600_000)
  let prunedAtMs = 0
  function prune() {
    const now = clock.now()
    if (now - prunedAtMs < intervalMs) return
    prunedAtMs = now
    counters.prune(now - pruneAfterMs)
    closeKeys(now)
  }
  /** a closed period's digest key is zeroed and its de-duplication memory dropped */
  function closeKeys(now: number) {
    stations.close(now)
  }

  function clockTick() {
    if (!running) return
    dispatchUntil(clock.now() + tickMs)
    cancelTick = clock.after(tickMs, clockTick)
  }

  return {
    start() {
      if (running) return
      running = true
      refresh()
      cursorMs = clock.now()
      if (tickMode === 'cron') {
        // Each second, hand out the polls due in the next second (plus a little, so a
        // late cron tick leaves no gap; the cursor keeps windows from overlapping).
        dispatchUntil(clock.now() + 1500)
        cronTask = cron.schedule('* * * * * *', () => dispatchUntil(clock.now() + 1500), { name: 'civicnet-poller', noOverlap: true })
      } else clockTick()
      log.info({ devices: entries.length, intervalMs, maxInFlight, shard: config.shard, tick: tickMode }, 'poller started')
    },
    async stop(waitMs = 10_000) {
      running = false
      cronTask?.stop()
      await cronTask?.destroy()
      cronTask = undefined
      cancelTick?.()
      for (const c of pending) c()
      pending.clear()
      for (const w of waiting) busy.delete(w.e.device.id)
      waiting.length = 0
      let t: NodeJS.Timeout | undefined
      await Promise.race([Promise.allSettled([...active]), new Promise((r) => (t = setTimeout(r, waitMs)))])
      clearTimeout(t)
    },
    stats: () => ({ devices: entries.length, ...st, inFlight, waiting: waiting.length }),
    async pollAll(options = {}) {
      refresh()
      closeKeys(clock.now())
      const patience = { timeoutMs: options.timeoutMs ?? timeoutMs, retries: options.retries ?? retries }
      const queue = entries.slice()
      const worker = async () => {
        for (let e = queue.shift(); e; e = queue.shift()) {
          if (busy.has(e.device.id)) {
            skip(e)
            continue
          }
          busy.add(e.device.id)
          inFlight++
          st.started++
          try {
            await pollOnce(e, patience)
          } finally {
            inFlight--
            busy.delete(e.device.id)
          }
        }
      }
      await Promise.all(Array.from({ length: Math.min(options.maxInFlight ?? maxInFlight, queue.length) }, worker))
    },
    schedule() {
      refresh()
      return entries.map((e) => ({ device: e.device.id, offsetMs: e.offsetMs }))
    },
    uniqueStations: () => ({ periodStartMs: stationsDayStartMs, count: stations.stats().dayUnique }),
    sightingStats: () => stations.stats(),
    stations,
    durations: () => durations.snapshot(),
    deviceStates: () => transitions.counts(),
  }
}
