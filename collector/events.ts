/**
 * Writes DeviceEvents (traps, device up/down transitions) to the store at once. While the
 * store is down they wait in memory, bounded (oldest dropped, counted), and are retried;
 * write() never throws into the path that produced them (a poll, a trap callback).
 */
import type { Logger } from 'pino'
import type { DeviceEvent } from '../core/metrics.ts'
import type { MetricStore } from '../store/types.ts'

export interface EventWriterConfig {
  /** how long undelivered events wait before another store write is tried, real ms (default 2000) */
  retryMs?: number
  /** events held in memory while the store is down (default 10 000; oldest dropped, counted) */
  maxPendingEvents?: number
}

export interface EventWriterStats {
  /** events the store accepted */
  written: number
  /** store writes that failed (each is retried) */
  failedWrites: number
  /** events lost because the store stayed down past maxPendingEvents */
  dropped: number
  pending: number
}

export interface EventWriter {
  /** queues the events and starts a store write; never throws */
  write(events: readonly DeviceEvent[]): void
  /** resolves when everything queued so far had one write attempt */
  flush(): Promise<void>
  /** stops retrying after one last attempt */
  stop(): Promise<void>
  stats(): EventWriterStats
}

export function createEventWriter(config: EventWriterConfig, deps: { store: Pick<MetricStore, 'writeEvents'>; log: Logger; onEvent?: (e: DeviceEvent) => void }): EventWriter {
  const retryMs = config.retryMs ?? 2000
  const maxPending = config.maxPendingEvents ?? 10_000
  const st = { written: 0, failedWrites: 0, dropped: 0 }
  let pending: DeviceEvent[] = []
  let writing: Promise<void> = Promise.resolve()
  let retryTimer: NodeJS.Timeout | undefined
  let stopped = false

  function flush(): Promise<void> {
    writing = writing.then(async () => {
      if (pending.length === 0) return
      const batch = pending
      pending = []
      try {
        await deps.store.writeEvents(batch)
        st.written += batch.length
        for (const e of batch) deps.onEvent?.(e)
      } catch (err) {
        st.failedWrites++
        pending = batch.concat(pending)
        if (pending.length > maxPending) {
          st.dropped += pending.length - maxPending
          pending = pending.slice(pending.length - maxPending)
        }
        deps.log.warn({ err: String((err as Error)?.message ?? err), pending: pending.length }, 'could not store device events: will retry')
        if (!retryTimer && !stopped) {
          retryTimer = setTimeout(() => {
            retryTimer = undefined
            void flush()
          }, retryMs)
          retryTimer.unref()
        }
      }
    })
    return writing
  }

  return {
    write(events) {
      if (events.length === 0) return
      stopped = false
      pending.push(...events)
      void flush()
    },
    flush,
    async stop() {
      stopped = true
      if (retryTimer) clearTimeout(retryTimer)
      retryTimer = undefined
      await flush()
    },
    stats: () => ({ ...st, pending: pending.length }),
  }
}
