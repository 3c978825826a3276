/**
 * Batches samples to the store. While the store is unreachable, batches go to the on-disk
 * spool (collector/spool.ts) and are replayed oldest first when it answers again; while
 * anything waits in the spool, new batches are appended behind it, so the store receives
 * samples in the order they were polled. Nothing is lost (short of the spool's size limit,
 * which drops the oldest with a counted warning) and nothing is written twice: a segment is
 * deleted only after the store acknowledged it, and replay resumes after the last
 * acknowledged chunk. Should a crash fall between the store's acknowledgement and the
 * spool's note of it, the chunk is written again: InfluxDB overwrites an identical point
 * (same measurement, tags and timestamp), and the store adapters are asked to do the same
 * (see the report on store/duckdb).
 *
 * Timers here run on real time, not the simulated clock: they pace I/O, not polls.
 */
import type { Logger } from 'pino'
import type { Sample } from '../core/metrics.ts'
import type { MetricStore } from '../store/types.ts'
import { createSpool, type Spool, type SpoolStats } from './spool.ts'

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
  /** how often to try the store again while it is down, real ms (default 2000) */
  retryMs?: number
}

export interface WriterStats {
  /** samples the store acknowledged */
  writtenSamples: number
  /** samples that went to the spool */
  spooledSamples: number
  /** samples replayed from the spool into the store */
  replayedSamples: number
  /** samples the store refused while it answered pings (bad data: logged and dropped) */
  rejectedSamples: number
  storeDown: boolean
  spool: SpoolStats
}

export interface Writer {
  start(): void
  /** queues samples; never throws, never waits on the store */
  write(samples: readonly Sample[]): void
  /** writes (or spools) everything queued, and replays the spool when the store is up */
  flush(): Promise<void>
  /** flushes, tries one last replay, and stops; what the store did not take stays spooled */
  stop(): Promise<void>
  stats(): WriterStats
}

export interface WriterDeps {
  store: Pick<MetricStore, 'write' | 'ping'>
  log: Logger
}

export function createWriter(config: WriterConfig, deps: WriterDeps): Writer {
  const batchSize = config.batchSize ?? 5000
  const maxDelayMs = config.maxDelayMs ?? 1000
  const retryMs = config.retryMs ?? 2000
  const { store, log } = deps
  const spool: Spool = createSpool({ dir: config.spoolDir, maxBytes: config.spoolMaxBytes, segmentBytes: config.spoolSegmentBytes }, { log })

  let queue: Sample[] = []
  let running = false
  let storeDown = !spool.isEmpty()
  let flushTimer: NodeJS.Timeout | undefined
  let retryTimer: NodeJS.Timeout | undefined
  // Every store interaction runs through this chain: one write at a time, in order.
  let chain: Promise<void> = Promise.resolve()
  const s = { writtenSamples: 0, spooledSamples: 0, replayedSamples: 0, rejectedSamples: 0 }

  function serial(fn: () => Promise<void>): Promise<void> {
    chain = chain.then(fn).catch((err) => log.error({ err }, 'writer: unexpected failure'))
    return chain
  }

  /** Writes one batch; returns 'ok', 'down' (store unreachable) or 'rejected' (bad data). */
  async function tryWrite(batch: Sample[]): Promise<'ok' | 'down' | 'rejected'> {
    try {
      await store.write(batch)
      return 'ok'
    } catch (err) {
      let up = false
      try {
        up = await store.ping()
      } catch {
        up = false
      }
      if (!up) {
        if (!storeDown) log.warn({ err: String((err as Error)?.message ?? err) }, 'store unreachable: spooling samples')
        return 'down'
      }
      // The store answers but refused the write: try once more (a transient 5xx), then
      // drop the batch rather than block the spool behind data it will never take.
      try {
        await store.write(batch)
        return 'ok'
      } catch (err2) {
        log.error({ err: String((err2 as Error)?.message ?? err2), samples: batch.length }, 'store refused a batch while answering pings: dropped')
        return 'rejected'
      }
    }
  }

  async function writeOrSpool(batch: Sample[]) {
    if (!storeDown && spool.isEmpty()) {
      const r = await tryWrite(batch)
      if (r === 'ok') {
        s.writtenSamples += batch.length
        return
      }
      if (r === 'rejected') {
        s.rejectedSamples += batch.length
        return
      }
      storeDown = true
    }
    spool.append(batch)
    s.spooledSamples += batch.length
    scheduleRetry(0)
  }

  /** Replays the spool oldest first, chunk by chunk, committing each finished segment. */
  async function replay() {
    for (;;) {
      const seg = spool.oldest()
      if (!seg) break
      let acked = seg.ackedLines
      for (let i = 0; i < seg.samples.length; i += batchSize) {
        const chunk = seg.samples.slice(i, i + batchSize)
        const r = await tryWrite(chunk)
        if (r === 'down') {
          storeDown = true
          scheduleRetry(retryMs)
          return
        }
        if (r === 'ok') {
          s.replayedSamples += chunk.length
          s.writtenSamples += chunk.length
        } else s.rejectedSamples += chunk.length
        acked += chunk.length
        if (i + batchSize < seg.samples.length) spool.ack(seg.seq, acked)
      }
      spool.commit(seg.seq)
    }
    if (storeDown) log.info({ replayedSamples: s.replayedSamples }, 'store is back: spool replayed')
    storeDown = false
  }

  function scheduleRetry(ms: number) {
    if (!running || retryTimer) return
    retryTimer = setTimeout(() => {
      retryTimer = undefined
      void serial(replay)
    }, ms)
  }

  function drain(): Promise<void> {
    return serial(async () => {
      while (queue.length > 0) {
        const batch = queue.slice(0, batchSize)
        queue = queue.slice(batch.length)
        await writeOrSpool(batch)
      }
    })
  }

  return {
    start() {
      running = true
      if (!spool.isEmpty()) scheduleRetry(0)
    },
    write(samples) {
      if (samples.length === 0) return
      for (const x of samples) queue.push(x)
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
    },
    async flush() {
      if (flushTimer) clearTimeout(flushTimer)
      flushTimer = undefined
      await drain()
      // While the store is down the retry timer owns the replay: a flush (or a stop) must not
      // wait out the store client's own retries.
      if (!spool.isEmpty() && !storeDown) await serial(replay)
    },
    async stop() {
      await this.flush()
      running = false
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = undefined
      await chain
    },
    stats: () => ({ ...s, storeDown, spool: spool.stats() }),
  }
}
