/**
 * Turns raw SNMP counters into bytes per poll interval. Counter64 values are BigInt
 * (they pass 2^53 on a busy 10G port within days); Counter32 values wrap at 2^32.
 * A reset is detected from sysUpTime going back (the agent restarted, so every counter
 * restarted at an unknown point): that interval yields no delta, never a negative or
 * absurd one. A delta whose rate exceeds the interface speed (or a sane maximum when the
 * speed is unknown) is dropped too: it can only come from an undetected reset.
 *
 * The Counter32 rule (here and nowhere else; docs/COLLECTOR.md, "Counters"): a Counter32
 * read twice shows its bytes modulo 2^32, so the delta is exact only if fewer than 2^32
 * bytes passed in between. With R the highest rate the counter can plausibly count at
 * (the interface speed when known; else the ceiling its profile states, COUNTER32_CEILINGS;
 * else the general cap), an interval with elapsed x R >= 2^32 may have wrapped more than
 * once: it gives no delta (reason 'mayHaveWrapped', counted), never a guessed value.
 */
import { GENERIC_READ_SETS } from './profiles/generic.ts'
import { PROFILES, type DeviceProfile } from './profiles/index.ts'

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

/**
 * Why an observation gave no delta. 'mayHaveWrapped': a Counter32 over an interval long
 * enough, at the highest rate it can plausibly count at, to pass 2^32 bytes.
 */
export type NoDeltaReason = 'first' | 'reset' | 'backwards' | 'absurd' | 'mayHaveWrapped'

/** A Counter32 ceiling: the highest rate a counter of that name plausibly counts at, averaged over a poll. */
export interface Counter32Ceiling {
  maxBitsPerSec: number
  /**
   * true: the column is a Counter32 whatever kind a reading gives it (an AP table column the
   * profile declares counter32), so the rule applies even to a reading passed as counter64
   */
  always32: boolean
}

/**
 * Counter32 ceilings by counter name (the MIB object name, as CounterKey.counter carries it),
 * from the profiles' data: `maxBitsPerSec` of an AP table's counter32 bytes, and
 * `counter32MaxBitsPerSec` of IF-MIB reads (ifInOctets/ifOutOctets). Where two profiles
 * state different ceilings for one name, the higher wins: it marks more intervals missing,
 * never accepts a wrong one.
 */
export function counter32Ceilings(profiles: readonly DeviceProfile[] = PROFILES): Map<string, Counter32Ceiling> {
  const out = new Map<string, Counter32Ceiling>()
  const put = (mibName: string, maxBitsPerSec: number | undefined, always32: boolean) => {
    if (!(maxBitsPerSec !== undefined && maxBitsPerSec > 0)) return
    const name = mibName.slice(mibName.lastIndexOf(':') + 1)
    const had = out.get(name)
    out.set(name, { maxBitsPerSec: Math.max(had?.maxBitsPerSec ?? 0, maxBitsPerSec), always32: always32 || (had?.always32 ?? false) })
  }
  for (const p of profiles) {
    for (const r of [...p.reads, ...(p.include ?? []).flatMap((set) => GENERIC_READ_SETS[set])]) {
      if (r.type === 'aps' && r.bytes?.counter32) for (const c of [r.bytes.inOctets, r.bytes.outOctets]) put(c.name, r.bytes.maxBitsPerSec, true)
      // the last column of each list is the 32-bit fallback (HC first)
      if (r.type === 'interfaces') for (const list of [r.inOctets, r.outOctets]) if (list.length > 1) put(list.at(-1)!.name, r.counter32MaxBitsPerSec, false)
    }
  }
  return out
}

/** The built-in profiles' Counter32 ceilings. */
export const COUNTER32_CEILINGS: ReadonlyMap<string, Counter32Ceiling> = counter32Ceilings()

const TWO_32_BYTES = 2 ** 32

/**
 * The rule: true when a Counter32 read elapsedMs apart may have counted 2^32 bytes or more
 * (wrapped more than once, or once all the way round) at maxBitsPerSec, so its delta cannot
 * be known.
 */
export function counter32MayHaveWrapped(elapsedMs: number, maxBitsPerSec: number): boolean {
  return (maxBitsPerSec / 8) * (elapsedMs / 1000) >= TWO_32_BYTES
}

/** The longest interval a Counter32 of that ceiling stays exact over, ms (the wrap time). */
export function counter32WrapTimeMs(maxBitsPerSec: number): number {
  return (TWO_32_BYTES / (maxBitsPerSec / 8)) * 1000
}

export interface CounterTrackerConfig {
  /** rate cap when the interface speed is unknown, bits/s (default 100 Gbit/s); also the Counter32 ceiling of a counter no profile bounds */
  maxBitsPerSec?: number
  /** slack over the interface speed before a rate is called absurd (default 1.1 = +10 %) */
  speedSlack?: number
  /** Counter32 ceilings by counter name (default COUNTER32_CEILINGS, from the profiles) */
  counter32Ceilings?: ReadonlyMap<string, Counter32Ceiling>
}

export interface CounterTracker {
  /**
   * Records one counter reading and returns the bytes counted since the previous reading
   * of the same key, or undefined when no trustworthy delta exists (first reading, agent
   * restart, counter went back, absurd rate). The reading always becomes the new baseline.
   */
  delta(key: CounterKey, obs: CounterObservation): number | undefined
  /** why the latest delta() gave no delta; undefined when it gave one */
  lastNoDelta(): NoDeltaReason | undefined
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
  const ceilings = config.counter32Ceilings ?? COUNTER32_CEILINGS
  // Keyed device -> "instance\0counter" so a device can be forgotten in one step.
  const byDevice = new Map<string, Map<string, Last>>()
  const counts: Record<NoDeltaReason, number> = { first: 0, reset: 0, backwards: 0, absurd: 0, mayHaveWrapped: 0 }
  let size = 0

  let lastReason: NoDeltaReason | undefined
  function none(reason: NoDeltaReason): undefined {
    counts[reason]++
    lastReason = reason
    return undefined
  }

  return {
    delta(key, obs) {
      lastReason = undefined
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
      const hasSpeed = obs.speedBitsPerSec !== undefined && obs.speedBitsPerSec > 0

      // The Counter32 rule (see the top of this file): over the longer of the two clocks'
      // intervals, could the counter have counted 2^32 bytes at its highest plausible rate?
      const ceiling = ceilings.get(key.counter)
      if (obs.kind === 'counter32' || ceiling?.always32) {
        const maxRate = hasSpeed ? obs.speedBitsPerSec! * speedSlack : (ceiling?.maxBitsPerSec ?? maxBitsPerSec)
        if (counter32MayHaveWrapped(Math.max(uptimeMs, obs.timeMs - last.timeMs), maxRate)) return none('mayHaveWrapped')
      }
      if (d > 0n) {
        const capBitsPerSec = hasSpeed ? obs.speedBitsPerSec! * speedSlack : maxBitsPerSec
        // Bytes the link could carry in the interval (at least one second's worth, so two
        // polls in the same tick do not make every byte absurd).
        const capBytes = (capBitsPerSec / 8) * Math.max(elapsedMs, 1000) / 1000
        if (Number(d) > capBytes) return none('absurd')
      }
      return Number(d)
    },
    lastNoDelta: () => lastReason,
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
