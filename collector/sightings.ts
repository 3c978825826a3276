/**
 * Station sightings (core/metrics.ts StationSighting): what unique counting stores. Every
 * poll that reads a station table gives, per station, two rows: the day row (the local
 * day's digest, on the AP the station is associated to) and the period row (the month's or
 * quarter's digest, for period-unique counts). Both carry the randomized flag.
 *
 * The tracker keeps, per open period, the (device, digest) pairs already handed to the
 * writer, so a station seen on the same AP in 1,440 polls of a day is written once per
 * period, not 1,440 times. The store has set semantics (store/types.ts), so the memory is an
 * optimisation, not what makes the counts right: a pair forgotten (a restart, or the cap
 * below reached) is written again and stored once. Only digests are kept here.
 */
import type { Inventory } from '../core/inventory.ts'
import type { StationSighting } from '../core/metrics.ts'
import { createMacHasher, type MacDigest, type MacHasher, type UniquePeriod } from './privacy.ts'

/** One station of one poll, digested, with the inventory AP it is on. */
export interface StationSeen {
  device: string
  neighborhood: string
  h: MacDigest
}

/** The day row and the period row of each station. */
export function sightingsOf(seen: readonly StationSeen[]): StationSighting[] {
  const out: StationSighting[] = []
  for (const { device, neighborhood, h } of seen) {
    out.push({ scope: 'day', period: h.day, device, neighborhood, digest: h.digest, randomized: h.randomized })
    out.push({ scope: h.periodScope, period: h.period, device, neighborhood, digest: h.periodDigest, randomized: h.randomized })
  }
  return out
}

export interface SightingTrackerConfig {
  /** (device, digest) pairs remembered per period before that period's memory is cleared (default 1 000 000) */
  maxPerPeriod?: number
}

export interface SightingTrackerStats {
  /** rows handed on (new for their period) since start */
  rows: number
  /** rows seen again in their period and not handed on */
  repeats: number
  /** times a period's memory reached maxPerPeriod and was cleared (its later repeats reach the store, which keeps them once) */
  resets: number
  /** distinct day digests of the newest local day seen, city-wide (the clients of the day so far) */
  day: string
  dayUnique: number
}

export interface SightingTracker {
  /** the rows not handed on before in their period; remembers them */
  add(rows: readonly StationSighting[]): StationSighting[]
  /** forgets every period not in `open` ('day 2026-12-01', 'quarter 2026Q4': MacHasher.openPeriods()) */
  retain(open: readonly string[]): void
  stats(): SightingTrackerStats
}

export function createSightingTracker(config: SightingTrackerConfig = {}): SightingTracker {
  const maxPerPeriod = config.maxPerPeriod ?? 1_000_000
  const sets = new Map<string, Set<string>>()
  const st = { rows: 0, repeats: 0, resets: 0 }
  let day = ''
  let dayDigests = new Set<string>()

  return {
    add(rows) {
      const out: StationSighting[] = []
      for (const r of rows) {
        const p = `${r.scope} ${r.period}`
        let set = sets.get(p)
        if (!set) sets.set(p, (set = new Set()))
        const key = `${r.device}\u0000${r.digest}`
        if (set.has(key)) {
          st.repeats++
          continue
        }
        if (set.size >= maxPerPeriod) {
          set.clear()
          st.resets++
        }
        set.add(key)
        out.push(r)
        st.rows++
        if (r.scope === 'day') {
          if (r.period > day) {
            day = r.period
            dayDigests = new Set()
          }
          if (r.period === day) dayDigests.add(r.digest)
        }
      }
      return out
    },
    retain(open) {
      const keep = new Set(open)
      for (const p of sets.keys()) if (!keep.has(p)) sets.delete(p)
    },
    stats: () => ({ ...st, day, dayUnique: dayDigests.size }),
  }
}

export interface StationRecorderConfig extends SightingTrackerConfig {
  /** the period of the second, period-unique key (default 'quarter') */
  uniquePeriod?: UniquePeriod
  /** how long after its period ends a key still serves a poll that began in it, clock ms (default 120 000) */
  keyGraceMs?: number
}

/**
 * Everything between a reading's stations and the writer, shared by every station source of
 * one collector (the SNMP poller, the UniFi controller source), so that within a local day
 * one client is one digest whichever source saw it:
 *
 *   const ctx = { ..., macHasher: stations.hasher(inv), aps | managed }
 *   stations.record(readingToSamples(reading, ctx))   // new sightings to the sink
 */
export interface StationRecorder {
  /** the MAC hasher for the inventory's time zone (made on first use; fresh keys should the zone change) */
  hasher(inv: Inventory): MacHasher
  /** hands a reading's sightings that are new in their period to the sink */
  record(r: { sightings: readonly StationSighting[]; stationsTooLate?: boolean }): void
  /** zeroes the keys of closed periods and forgets their de-duplication memory */
  close(nowMs: number): void
  stats(): SightingTrackerStats & { tooLate: number }
}

export function createStationRecorder(
  config: StationRecorderConfig,
  deps: { sink: { writeSightings?(rows: readonly StationSighting[]): void }; macHasher?: MacHasher; tracker?: SightingTracker },
): StationRecorder {
  const tracker = deps.tracker ?? createSightingTracker(config)
  let hasher: MacHasher | undefined = deps.macHasher
  let tooLate = 0
  return {
    hasher(inv) {
      if (deps.macHasher) return deps.macHasher
      const tz = inv.city.timezone || 'UTC'
      if (!hasher || hasher.timezone !== tz) {
        hasher?.close(Infinity)
        hasher = createMacHasher({ timezone: tz, uniquePeriod: config.uniquePeriod, graceMs: config.keyGraceMs })
      }
      return hasher
    },
    record(r) {
      if (r.stationsTooLate) tooLate++
      const fresh = tracker.add(r.sightings)
      if (fresh.length > 0) deps.sink.writeSightings?.(fresh)
    },
    close(nowMs) {
      if (!hasher) return
      hasher.close(nowMs)
      tracker.retain(hasher.openPeriods())
    },
    stats: () => ({ ...tracker.stats(), tooLate }),
  }
}
