/**
 * Device up/down transitions: the collector compares each device's device_up with its
 * previous observation and turns a change into a DeviceEvent (deviceDown / deviceUp), so
 * the API can say not only what is down but since when. The events go to the store at once
 * through collector/events.ts, as traps do: they wait in memory, bounded and counted, while the store is
 * down, and nothing here ever throws into the poll path.
 */
import type { DeviceEvent, Sample } from '../core/metrics.ts'

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
  /** devices whose newest observation was up, and down */
  counts(): { up: number; down: number }
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
    counts() {
      let up = 0
      for (const k of last.values()) if (k.up) up++
      return { up, down: last.size - up }
    },
  }
}
