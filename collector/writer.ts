/**
 * Batches samples and station sightings to the store. Nothing the store does not take is
 * lost, and nothing is written twice:
 *
 * - A batch the store does not take goes to the on-disk spool (collector/spool.ts), whether
 *   the store is unreachable (its ping fails) or answers but refuses (a retriable
 *   StoreWriteError or any other error: a full disk, a 5xx). While anything waits in the
 *   spool, new batches are appended behind it, so the store receives samples in the order
 *   they were polled. The spool is replayed oldest first: every `retryMs` while the store
 *   does not answer pings (a ping is cheap, and the store should get its data as soon as it
 *   is back), with exponential backoff up to `retryMaxMs` while it answers but refuses (a
 *   sick store is not hammered). Only a full spool loses samples: its oldest, with a
 *   counted warning.
 * - A batch the store rejects as malformed (StoreWriteError with retriable false, e.g. an
 *   InfluxDB 400 field-type conflict) would fail forever. It is halved until the bad
 *   samples are alone (at most `isolateWrites` extra writes per batch; past that a rejected
 *   part is set aside whole): the good ones are stored, the bad ones counted
 *   (`rejectedSamples`), logged once per kind of reason, and set aside in the spool's
 *   `rejected.jsonl` for inspection.
 * - A segment is deleted only after the store acknowledged it, and replay resumes after the
 *   last acknowledged chunk. Should a crash fall between the store's acknowledgement and
 *   the spool's note of it, the chunk is written again, which every store takes as a
 *   replacement (store/types.ts: last write wins per metric, device, instance and time).
 * - Station sightings (collector/sightings.ts) take the same path: queued with the samples,
 *   batched with them (a batch's samples go to store.write, its sightings to
 *   store.writeSightings), spooled with them in one line order, replayed, isolated and set
 *   aside the same way. The store keeps a sighting written twice once (set semantics), so a
 *   replayed chunk doubles nothing there either.
 *
 * - With `selfDevice` set (the collector always sets it), every flush attempt (a drain of
 *   queued samples, a replay of the spool) ends with one `spool_samples` sample: the samples
 *   waiting in the spool at that moment, 0 when it is empty, at the collector's clock, with
 *   device `selfDevice`. It is queued like any sample, so while the store is down it is
 *   itself spooled and lands when the store returns. A drain that carried only such samples
 *   writes none, so an idle writer falls quiet.
 *
 * Timers here run on real time, not the simulated clock: they pace I/O, not polls.
 */
import type { Logger } from 'pino'
import type { Sample, StationSighting } from '../core/metrics.ts'
import { join } from 'node:path'
import { StoreWriteError } from '../store/query.ts'
import type { MetricStore } from '../store/types.ts'
import { REJECTED_FILE, createSpool, isSighting, type Spool, type SpoolRecord, type SpoolStats } from './spool.ts'

export interface WriterConfig {
  /** samples per store write (default 5000) */
  batchSize?: number
  /** longest a sample waits before its batch is written, real ms (default 1000) */
  maxDelayMs?: number
  /** spool directory (default data/spool) */
  spoolDir: string
  /** spool size limit, bytes (default 256 MiB) */
  spoolMaxBytes?: number
  /** spool segment size, bytes (default 4 MiB) */
  spoolSegmentBytes?: number
  /** how often to try the store again while it is down, real ms (default 2000); the first backoff while it refuses */
  retryMs?: number
  /** longest backoff while the store answers but refuses writes, real ms (default 60000) */
  retryMaxMs?: number
  /** extra writes spent isolating the malformed samples of one rejected batch (default 64) */
  isolateWrites?: number
  /** the collector's name (collector-<i>-of-<n>), device of the spool_samples self-metric; absent: not written */
  selfDevice?: string
  /** size limit of the spool's rejected.jsonl, bytes (default 16 MiB) */
  rejectedMaxBytes?: number
}

export interface WriterStats {
  /** samples the store acknowledged */
  writtenSamples: number
  /** station sightings the store acknowledged (each new to the collector in its period; the store keeps repeats once) */
  writtenSightings: number
  /** sightings that went to the spool */
  spooledSightings: number
  /** sightings replayed from the spool into the store */
  replayedSightings: number
  /** sightings the store rejected as malformed (set aside in rejected.jsonl) */
  rejectedSightings: number
  /** samples that went to the spool */
  spooledSamples: number
  /** samples replayed from the spool into the store */
  replayedSamples: number
  /** samples the store rejected as malformed (set aside in the spool's rejected.jsonl, never retried) */
  rejectedSamples: number
  /** writes the store refused while answering pings (retriable: the batch was spooled and is retried) */
  refusedWrites: number
  /** store writes (one batch of samples or of sightings each, isolation halves included) the store acknowledged */
  writtenBatches: number
  /** store writes that failed while the store did not answer pings (the batch was spooled) */
  unreachableWrites: number
  /** store writes refused as malformed (their records isolated and set aside) */
  rejectedWrites: number
  /** chunks of the spool sent to the store again on replay, taken or not */
  retriedBatches: number
  /** true while batches go to the spool (store unreachable or refusing writes) */
  storeDown: boolean
  spool: SpoolStats
}

export interface Writer {
  start(): void
  /** queues samples; never throws, never waits on the store */
  write(samples: readonly Sample[]): void
  /** queues station sightings, behind the samples queued before them; never throws */
  writeSightings(rows: readonly StationSighting[]): void
  /** writes (or spools) everything queued, and replays the spool when the store is up */
  flush(): Promise<void>
  /** flushes, tries one last replay, and stops; what the store did not take stays spooled */
  stop(): Promise<void>
  stats(): WriterStats
}

export interface WriterDeps {
  /** writeSightings is needed once sightings are written (a store without it refuses them as malformed) */
  store: Pick<MetricStore, 'write' | 'ping'> & Partial<Pick<MetricStore, 'writeSightings'>>
  log: Logger
  /** the time of a spool_samples sample, epoch ms: the collector's clock (default the wall clock) */
  now?: () => number
}

type Rec = SpoolRecord

export function createWriter(config: WriterConfig, deps: WriterDeps): Writer {
  const batchSize = config.batchSize ?? 5000
  const maxDelayMs = config.maxDelayMs ?? 1000
  const retryMs = config.retryMs ?? 2000
  const retryMaxMs = Math.max(retryMs, config.retryMaxMs ?? 60_000)
  const isolateWrites = config.isolateWrites ?? 64
  const { store, log } = deps
  const spool: Spool = createSpool({
    dir: config.spoolDir, maxBytes: config.spoolMaxBytes, segmentBytes: config.spoolSegmentBytes, rejectedMaxBytes: config.rejectedMaxBytes,
  }, { log })

  let queue: Rec[] = []
  let running = false
  let storeDown = !spool.isEmpty()
  let backoffMs = retryMs
  let flushTimer: NodeJS.Timeout | undefined
  let retryTimer: NodeJS.Timeout | undefined
  // Every store interaction runs through this chain: one write at a time, in order.
  let chain: Promise<void> = Promise.resolve()
  const s = {
    writtenSamples: 0, spooledSamples: 0, replayedSamples: 0, rejectedSamples: 0, refusedWrites: 0,
    writtenSightings: 0, spooledSightings: 0, replayedSightings: 0, rejectedSightings: 0,
    writtenBatches: 0, unreachableWrites: 0, rejectedWrites: 0, retriedBatches: 0,
  }
  const now = deps.now ?? Date.now
  // spool_samples samples the writer queued itself: a drain of only these reports nothing
  const own = new WeakSet<Rec>()
  let stopping = false
  /** [samples, sightings] in a list of records */
  const tally = (recs: readonly Rec[]): [number, number] => {
    let rows = 0
    for (const r of recs) if (isSighting(r)) rows++
    return [recs.length - rows, rows]
  }
  const count = (recs: readonly Rec[], kind: 'written' | 'spooled' | 'replayed' | 'rejected') => {
    const [samples, rows] = tally(recs)
    s[`${kind}Samples`] += samples
    s[`${kind}Sightings`] += rows
  }
  const loggedKinds = new Set<string>()

  function serial(fn: () => Promise<void>): Promise<void> {
    chain = chain.then(fn).catch((err) => log.error({ err }, 'writer: unexpected failure'))
    return chain
  }

  const message = (err: unknown): string => String((err as Error)?.message ?? err)

  type Attempt = { r: 'ok' } | { r: 'bad'; err: StoreWriteError } | { r: 'down' | 'refused'; err: unknown }
  async function attempt(batch: Rec[]): Promise<Attempt> {
    try {
      const samples: Sample[] = []
      const rows: StationSighting[] = []
      for (const r of batch) {
        if (isSighting(r)) rows.push(r)
        else samples.push(r)
      }
      if (samples.length > 0) await store.write(samples)
      if (rows.length > 0) {
        if (!store.writeSightings) throw new StoreWriteError('this store does not take station sightings', false)
        await store.writeSightings(rows)
      }
      s.writtenBatches++
      return { r: 'ok' }
    } catch (err) {
      if (err instanceof StoreWriteError && !err.retriable) {
        s.rejectedWrites++
        return { r: 'bad', err }
      }
      let up = false
      try {
        up = await store.ping()
      } catch {
        up = false
      }
      if (up) s.refusedWrites++
      else s.unreachableWrites++
      return { r: up ? 'refused' : 'down', err }
    }
  }

  /** Counts malformed samples and sightings, sets them aside, and logs each kind of reason once. */
  function reject(samples: Rec[], err: StoreWriteError) {
    count(samples, 'rejected')
    const reason = message(err)
    spool.setAside(samples, reason)
    // a kind is the reason with its quoted names and numbers blanked
    const kind = reason.replace(/"[^"]*"|'[^']*'/g, '…').replace(/\d+/g, 'N').slice(0, 200)
    if (loggedKinds.has(kind)) return
    if (loggedKinds.size < 1000) loggedKinds.add(kind)
    const first = samples[0]
    log.error({ reason, samples: samples.length, metric: first === undefined ? undefined : isSighting(first) ? 'sightings' : first.metric, rejectedFile: join(config.spoolDir, REJECTED_FILE) },
      'store rejected samples as malformed: set aside, not retried (logged once per kind)')
  }

  /**
   * Writes one batch, run by run of one kind (samples, sightings) in their queued order, so
   * that when the store goes away between two runs, what it took is known: the batch's first
   * `done` records. 'ok': the store has every record but the malformed ones, which were set
   * aside; 'down' | 'refused': it did not take the records from `done` on.
   */
  async function writeBatch(batch: Rec[]): Promise<{ r: 'ok' | 'down' | 'refused'; done: number }> {
    let done = 0
    let start = 0
    while (start < batch.length) {
      const kind = isSighting(batch[start]!)
      let end = start + 1
      while (end < batch.length && isSighting(batch[end]!) === kind) end++
      const r = await writeRun(batch.slice(start, end))
      if (r !== 'ok') return { r, done }
      done = end
      start = end
    }
    return { r: 'ok', done }
  }

  /**
   * Writes records of one kind. 'ok': the store has every one but the malformed ones, which
   * were set aside; 'down' | 'refused': the store did not take them (nothing set aside).
   */
  async function writeRun(batch: Rec[]): Promise<'ok' | 'down' | 'refused'> {
    const first = await attempt(batch)
    if (first.r === 'ok') {
      count(batch, 'written')
      return 'ok'
    }
    if (first.r !== 'bad') {
      if (!storeDown) {
        log.warn({ err: message(first.err), samples: batch.length },
          first.r === 'down' ? 'store unreachable: spooling samples' : 'store refused a batch while answering pings: spooling, retrying with backoff')
      }
      return first.r
    }
    // Halve until the malformed samples are alone. Good halves are written (InfluxDB may
    // hold them already from its partial write: the rewrite replaces them).
    let budget = isolateWrites
    const good: Rec[][] = []
    const bad: [Rec[], StoreWriteError][] = []
    // depth first, left half first: the set-aside samples keep their polled order
    const stack: [Rec[], StoreWriteError][] = [[batch, first.err]]
    while (stack.length > 0) {
      const [part, err] = stack.pop()!
      if (part.length === 1 || budget < 2) {
        bad.push([part, err])
        continue
      }
      const mid = Math.ceil(part.length / 2)
      const rejectedHalves: [Rec[], StoreWriteError][] = []
      for (const half of [part.slice(0, mid), part.slice(mid)]) {
        budget--
        const a = await attempt(half)
        if (a.r === 'ok') good.push(half)
        else if (a.r === 'bad') rejectedHalves.push([half, a.err])
        else return a.r // the store went away meanwhile: the whole batch later (rewrites replace)
      }
      stack.push(...rejectedHalves.reverse())
    }
    for (const g of good) count(g, 'written')
    for (const [part, err] of bad) reject(part, err)
    return 'ok'
  }

  /** The store did not take a write: retry later, backing off while it answers but refuses. */
  function stall(why: 'down' | 'refused') {
    storeDown = true
    if (why === 'down') return scheduleRetry(retryMs)
    scheduleRetry(backoffMs)
    backoffMs = Math.min(retryMaxMs, backoffMs * 2)
  }

  async function writeOrSpool(batch: Rec[]) {
    if (!storeDown && spool.isEmpty()) {
      const w = await writeBatch(batch)
      if (w.r === 'ok') return
      // only what the store did not take: samples it took are not written twice
      const rest = batch.slice(w.done)
      spool.append(rest)
      count(rest, 'spooled')
      stall(w.r)
      return
    }
    spool.append(batch)
    count(batch, 'spooled')
    scheduleRetry(storeDown ? retryMs : 0)
  }

  /** Replays the spool oldest first, chunk by chunk, committing each finished segment. */
  async function replay() {
    for (;;) {
      const seg = spool.oldest()
      if (!seg) break
      let acked = seg.ackedLines
      for (let i = 0; i < seg.records.length; i += batchSize) {
        const chunk = seg.records.slice(i, i + batchSize)
        const writtenBefore = [s.writtenSamples, s.writtenSightings]
        s.retriedBatches++
        const w = await writeBatch(chunk)
        s.replayedSamples += s.writtenSamples - writtenBefore[0]!
        s.replayedSightings += s.writtenSightings - writtenBefore[1]!
        if (w.r !== 'ok') {
          // the lines the store took are acknowledged: the next replay starts after them
          if (w.done > 0) spool.ack(seg.seq, acked + w.done)
          stall(w.r)
          return
        }
        acked += chunk.length
        if (i + batchSize < seg.records.length) spool.ack(seg.seq, acked)
      }
      spool.commit(seg.seq)
    }
    if (storeDown) log.info({ replayedSamples: s.replayedSamples, replayedSightings: s.replayedSightings }, 'store takes writes again: spool replayed')
    storeDown = false
    backoffMs = retryMs
  }

  /** A replay is a flush attempt too: it reports the spool's depth after it. */
  async function replayAndReport() {
    await replay()
    reportSpool()
  }

  function scheduleRetry(ms: number) {
    if (!running || retryTimer) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void serial(replayAndReport)
    }, ms)
  }

  /** Queues the spool_samples sample: the samples waiting in the spool now. */
  function reportSpool() {
    if (config.selfDevice === undefined) return
    const sample: Sample = { metric: 'spool_samples', device: config.selfDevice, neighborhood: '', instance: '', value: spool.stats().samples, timeMs: Math.round(now()) }
    own.add(sample)
    queue.push(sample)
    if (!flushTimer && !stopping) {
      flushTimer = setTimeout(() => {
        flushTimer = undefined
        void drain()
      }, maxDelayMs)
    }
  }

  function drain(): Promise<void> {
    return serial(async () => {
      let carried = 0
      while (queue.length > 0) {
        const batch = queue.slice(0, batchSize)
        queue = queue.slice(batch.length)
        for (const r of batch) if (!own.has(r)) carried++
        await writeOrSpool(batch)
      }
      if (carried > 0 && !stopping) reportSpool()
    })
  }

  function enqueue(records: readonly Rec[]) {
    if (records.length === 0) return
    for (const x of records) queue.push(x)
    if (queue.length >= batchSize) {
      if (flushTimer) clearTimeout(flushTimer)
      flushTimer = undefined
      void drain()
    } else if (!flushTimer) {
      flushTimer = setTimeout(() => {
        flushTimer = undefined
        void drain()
      }, maxDelayMs)
    }
  }

  return {
    start() {
      running = true
      stopping = false
      if (!spool.isEmpty()) scheduleRetry(0)
    },
    write(samples) {
      enqueue(samples)
    },
    writeSightings(rows) {
      enqueue(rows)
    },
    async flush() {
      if (flushTimer) clearTimeout(flushTimer)
      flushTimer = undefined
      await drain()
      // While the store is down the retry timer owns the replay: a flush (or a stop) must not
      // wait out the store client's own retries.
      if (!spool.isEmpty() && !storeDown) await serial(replayAndReport)
    },
    async stop() {
      await this.flush()
      // the last spool_samples sample (queued by that flush) is written or spooled, none after it
      stopping = true
      if (flushTimer) clearTimeout(flushTimer)
      flushTimer = undefined
      await drain()
      running = false
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = undefined
      await chain
    },
    stats: () => ({ ...s, storeDown, spool: spool.stats() }),
  }
}
