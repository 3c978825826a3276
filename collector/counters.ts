/**
 * Turns raw SNMP counters into bytes per poll interval. Counter64 values are BigInt
 * (they pass 2^53 on a busy 10G port within days); Counter32 values wrap at 2^32.
 * A reset is detected from sysUpTime going back (the agent restarted, so every counter
 * restarted at an unknown point): that interval yields no delta, never a negative or
 * absurd one. A delta whose rate exceeds the interface speed (or a sane maximum when the
 * speed is unknown) is dropped too: it can only come from an undetected reset.
 */

export type CounterKind = 'counter32' | 'counter64'

export interface CounterKey {
  /** inventory device id */
  device: string
  /** sub-entity: ifName, AP name ... */
  instance: string
  /** which counter: 'ifHCInOctets', 'ifInOctets', 'apBytes' ... */
  counter: string
}

export interface CounterObservation {
  value: bigint
  kind: CounterKind
  /** the device's sysUpTime in the same reading, hundredths of a second (null: the agent did not say) */
  sysUpTimeTicks: number | null
  /** when the reading was taken, epoch ms (used when uptime cannot give the interval) */
  timeMs: number
  /** interface speed in bits/s when known (ifHighSpeed * 1e6 or ifSpeed); caps the rate */
  speedBitsPerSec?: number
}

/** Why an observation gave no delta. */
export type NoDeltaReason = 'first' | 'reset' | 'backwards' | 'absurd'

export interface CounterTrackerConfig {
  /** rate cap when the interface speed is unknown, bits/s (default 100 Gbit/s) */
  maxBitsPerSec?: number
  /** slack over the interface speed before a rate is called absurd (default 1.1 = +10 %) */
  speedSlack?: number
}

export interface CounterTracker {
  /**
   * Records one counter reading and returns the bytes counted since the previous reading
   * of the same key, or undefined when no trustworthy delta exists (first reading, agent
   * restart, counter went back, absurd rate). The reading always becomes the new baseline.
   */
  delta(key: CounterKey, obs: CounterObservation): number | undefined
  /** how many observations gave no delta, by reason (everything that moves gets a counter) */
  stats(): Record<NoDeltaReason, number>
  /** forgets every counter of a device (removed from the inventory) */
  forgetDevice(device: string): void
  /** forgets counters not seen since cutoffMs (stations that left; keeps memory bounded) */
  prune(cutoffMs: number): number
  /** number of tracked counters */
  readonly size: number
}

const TWO_32 = 1n << 32n
const TICKS_MS = 10 // one sysUpTime tick is 1/100 s

interface Last {
  value: bigint
  kind: CounterKind
  sysUpTimeTicks: number | null
  timeMs: number
}

export function createCounterTracker(config: CounterTrackerConfig = {}): CounterTracker {
  const maxBitsPerSec = config.maxBitsPerSec ?? 100e9
  const speedSlack = config.speedSlack ?? 1.1
  // Keyed device -> "instance\0counter" so a device can be forgotten in one step.
  const byDevice = new Map<string, Map<string, Last>>()
  const counts: Record<NoDeltaReason, number> = { first: 0, reset: 0, backwards: 0, absurd: 0 }
  let size = 0

  function none(reason: NoDeltaReason): undefined {
    counts[reason]++
    return undefined
  }

  return {
    delta(key, obs) {
      let dev = byDevice.get(key.device)
      if (!dev) byDevice.set(key.device, (dev = new Map()))
      const k = key.instance + '\0' + key.counter
      const last = dev.get(k)
      dev.set(k, { value: obs.value, kind: obs.kind, sysUpTimeTicks: obs.sysUpTimeTicks, timeMs: obs.timeMs })
      if (!last) {
        size++
        return none('first')
      }
      // The agent restarted between the readings: counters restarted from an unknown value
      // at an unknown moment, so the bytes of this interval cannot be known.
      if (obs.sysUpTimeTicks !== null && last.sysUpTimeTicks !== null && obs.sysUpTimeTicks < last.sysUpTimeTicks) return none('reset')
      // A different counter kind under the same key (profile changed): re-baseline.
      if (obs.kind !== last.kind) return none('reset')

      let d: bigint
      if (obs.value >= last.value) d = obs.value - last.value
      else if (obs.kind === 'counter32') d = TWO_32 - last.value + obs.value // one wrap
      else return none('backwards') // a Counter64 does not wrap in a lifetime: it was cleared

      const uptimeMs = obs.sysUpTimeTicks !== null && last.sysUpTimeTicks !== null ? (obs.sysUpTimeTicks - last.sysUpTimeTicks) * TICKS_MS : 0
      const elapsedMs = uptimeMs > 0 ? uptimeMs : obs.timeMs - last.timeMs
      if (d > 0n) {
        const capBitsPerSec = obs.speedBitsPerSec && obs.speedBitsPerSec > 0 ? obs.speedBitsPerSec * speedSlack : maxBitsPerSec
        // Bytes the link could carry in the interval (at least one second's worth, so two
        // polls in the same tick do not make every byte absurd).
        const capBytes = (capBitsPerSec / 8) * Math.max(elapsedMs, 1000) / 1000
        if (Number(d) > capBytes) return none('absurd')
      }
      return Number(d)
    },
    stats: () => ({ ...counts }),
    prune(cutoffMs) {
      let removed = 0
      for (const [device, dev] of byDevice) {
        for (const [k, last] of dev) {
          if (last.timeMs < cutoffMs) {
            dev.delete(k)
            removed++
          }
        }
        if (dev.size === 0) byDevice.delete(device)
      }
      size -= removed
      return removed
    },
    forgetDevice(device) {
      const dev = byDevice.get(device)
      if (dev) size -= dev.size
      byDevice.delete(device)
    },
    get size() {
      return size
    },
  }
}
