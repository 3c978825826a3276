/**
 * Device up/down transitions: the collector compares each device's device_up with its
 * previous observation and turns a change into a DeviceEvent (deviceDown / deviceUp), so
 * the API can say not only what is down but since when. The events go to the store at once
 * (like collector/traps.ts's): they wait in memory, bounded and counted, while the store is
 * down, and nothing here ever throws into the poll path.
 */
import type { Logger } from 'pino'
import type { DeviceEvent, Sample } from '../core/metrics.ts'
import type { MetricStore } from '../store/types.ts'

/** Why a device is down, for the event's detail (people read it). */
export type DownCause = { kind: 'timeout' } | { kind: 'error'; errorClass: string } | { kind: 'controller'; missing: boolean }

export function downDetail(cause: DownCause): string {
  if (cause.kind === 'timeout') return 'no answer to SNMP (timeout)'
  if (cause.kind === 'error') return `SNMP poll failed (${cause.errorClass})`
  return cause.missing ? 'controller no longer lists the AP' : 'controller reports the AP down'
}

export interface TransitionTracker {
  /**
   * Reads the device_up samples of one poll (the polled device's and, for a controller,
   * its lightweight APs') and returns the events for those whose value changed since
   * their previous observation. `causeOf` names why a device reads 0.
   */
  observe(samples: readonly Sample[], causeOf: (device: string) => DownCause): DeviceEvent[]
  /** drops the state of devices no longer in the inventory */
  retain(ids: ReadonlySet<string>): void
  /** devices with a known state */
  size(): number
}

interface Known {
  up: boolean
  timeMs: number
  /** when the current state began; null when it was already so at the first observation */
  sinceMs: number | null
}

export function createTransitionTracker(): TransitionTracker {
  const last = new Map<string, Known>()
  return {
    observe(samples, causeOf) {
      const out: DeviceEvent[] = []
      for (const s of samples) {
        if (s.metric !== 'device_up' || s.instance !== '') continue
        const up = s.value >= 1
        const prev = last.get(s.device)
        // The first observation after the collector starts gives no event: the state may
        // have begun long before, and nobody saw it change (its start stays unknown).
        if (!prev) {
          last.set(s.device, { up, timeMs: s.timeMs, sinceMs: null })
          continue
        }
        // Polls of one device never overlap, but a late answer must not undo a newer one.
        if (s.timeMs < prev.timeMs) continue
        if (prev.up === up) {
          prev.timeMs = s.timeMs
          continue
        }
        let detail: string
        if (up) {
          const min = Math.round((s.timeMs - (prev.sinceMs ?? prev.timeMs)) / 60_000)
          detail = prev.sinceMs === null ? `answering again after at least ${min} min` : `answering again after ${min} min`
        } else detail = downDetail(causeOf(s.device))
        out.push({
          timeMs: s.timeMs,
          device: s.device,
          neighborhood: s.neighborhood,
          type: up ? 'deviceUp' : 'deviceDown',
          severity: up ? 'info' : 'critical',
          detail,
        })
        last.set(s.device, { up, timeMs: s.timeMs, sinceMs: s.timeMs })
      }
      return out
    },
    retain(ids) {
      for (const id of last.keys()) if (!ids.has(id)) last.delete(id)
    },
    size: () => last.size,
  }
}

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
