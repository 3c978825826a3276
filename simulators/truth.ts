/**
 * Ground truth: what really happened in the simulated city, for any window, computed from
 * the same pure function of (seed, time, faults) that the agents serve. Tests and the
 * report checks compare what the collector measured against these numbers.
 */
import { appendFileSync } from 'node:fs'
import type { FaultBook } from './faults.ts'
import { MINUTE_MS, type Model } from './model.ts'

export interface TruthClient {
  mac: string
  randomized: boolean
  /** AP device id */
  ap: string
  ssid: string
  /** 0 = 2.4 GHz, 1 = 5 GHz */
  radio: 0 | 1
  downBytes: number
  upBytes: number
}

export interface Outage {
  device: string
  neighborhood: string
  startMs: number
  /** null while it lasts */
  endMs: number | null
  /** the faults that held when it began, e.g. ['f3 link-cut fl-12'] */
  causes: string[]
}

/** A unique-client count split by MAC kind: locally administered (randomized) or not. */
export interface UniqueCount {
  total: number
  randomized: number
  notRandomized: number
}

/** The target meaning every AP of the city: clients counted once however many neighborhoods they visited. */
export const CITY_TARGET = 'all'

export interface Bytes {
  down: number
  up: number
  total: number
}

export interface Truth {
  /** clients associated at that minute: an AP's own, or a controller's (all its APs), or a neighborhood's */
  clientsAt(target: string, atMs: number): number
  /** the clients themselves (MACs are simulated, never real people's) */
  clientListAt(target: string, atMs: number): TruthClient[]
  /**
   * distinct clients associated at some minute in [fromMs, toMs) to an AP of the target: a
   * neighborhood, 'all' (the city, de-duplicated across neighborhoods), an AP, a controller
   * (its APs) or any device (the APs below it). Exact; a whole local day is read from the
   * day's cached visits (model.dayVisits), so repeating it costs milliseconds.
   */
  uniqueClients(target: string, fromMs: number, toMs: number): number
  /** the same count split into randomized (locally administered) MACs and the rest */
  uniqueBreakdown(target: string, fromMs: number, toMs: number): UniqueCount
  /** their MACs, sorted */
  uniqueClientMacs(target: string, fromMs: number, toMs: number): string[]
  /** client bytes through an AP, a device's subtree, or a neighborhood in the minutes [floor(from), floor(to)) */
  bytes(target: string, fromMs: number, toMs: number): Bytes
  /** when devices were unreachable (agents) or not serving (APs), with cause */
  outages(): Outage[]
  /** writes one JSON line per minute in [fromMs, toMs): clients and bytes per AP */
  writeJsonl(file: string, fromMs: number, toMs: number): number
}

export function createTruth(model: Model, faults: FaultBook, degradeBoundaries: () => number[]): Truth {
  const { topo } = model
  const nS = model.options.ssids.length

  function apSet(target: string): Set<number> {
    if (target === CITY_TARGET && !topo.apsByNeighborhood.has(CITY_TARGET)) return new Set(topo.aps.map((_, j) => j))
    const i = topo.apIndex.get(target)
    if (i !== undefined) return new Set([i])
    const d = topo.devices.get(target)
    if (d?.kind === 'controller') return new Set(topo.aps.map((a, j) => (a.controller === target ? j : -1)).filter((j) => j >= 0))
    if (d) return new Set(topo.subtreeAps.get(target) ?? [])
    const nb = topo.apsByNeighborhood.get(target)
    if (nb) return new Set(nb)
    if ([...topo.neighborhoodOf.values()].includes(target) || target === '') return new Set()
    throw new Error(`truth: '${target}' is neither a device nor a neighborhood of the simulated inventory`)
  }

  function clientListAt(target: string, atMs: number): TruthClient[] {
    const aps = apSet(target)
    const st = model.minute(Math.floor(atMs / MINUTE_MS))
    const out: TruthClient[] = []
    for (let j = 0; j < st.clients.length; j++) {
      if (!aps.has(st.ap[j]!)) continue
      const cl = model.clients[st.clients[j]!]!
      const vap = st.vap[j]!
      out.push({ mac: cl.mac, randomized: cl.randomized, ap: topo.aps[st.ap[j]!]!.id, ssid: model.options.ssids[vap % nS]!, radio: Math.floor(vap / nS) as 0 | 1, downBytes: st.down[j]!, upBytes: st.up[j]! })
    }
    return out
  }

  /** below this many minutes a range is counted minute by minute unless its days are cached */
  const DIRECT_MINUTES = 180
  function uniqueSet(target: string, fromMs: number, toMs: number): Set<number> {
    const aps = apSet(target)
    const seen = new Set<number>()
    // the minutes m with fromMs <= m * MINUTE_MS < toMs
    const m1 = Math.ceil(fromMs / MINUTE_MS)
    const m2 = Math.ceil(toMs / MINUTE_MS)
    if (m2 <= m1 || aps.size === 0) return seen
    // day by day: a day whose visits are cached, or most of a day, is read from its visits;
    // a few hours of a day not cached yet are counted minute by minute
    // (the days are cut at localDayStart only, so they tile the range exactly)
    for (let d = model.localDayOf(m1) - 1; d <= model.localDayOf(m2 - 1) + 1; d++) {
      const lo = Math.max(m1, model.localDayStart(d))
      const hi = Math.min(m2, model.localDayStart(d + 1))
      if (hi <= lo) continue
      if (hi - lo < DIRECT_MINUTES && !model.hasDayVisits(d)) {
        for (let m = lo; m < hi; m++) {
          const st = model.minute(m)
          for (let j = 0; j < st.clients.length; j++) if (aps.has(st.ap[j]!)) seen.add(st.clients[j]!)
        }
        continue
      }
      const v = model.dayVisits(d)
      for (let r = 0; r < v.client.length; r++) {
        if (v.start[r]! < hi && v.end[r]! > lo && aps.has(v.ap[r]!)) seen.add(v.client[r]!)
      }
    }
    return seen
  }

  function uniqueBreakdown(target: string, fromMs: number, toMs: number): UniqueCount {
    const set = uniqueSet(target, fromMs, toMs)
    let randomized = 0
    for (const id of set) if (model.clients[id]!.randomized) randomized++
    return { total: set.size, randomized, notRandomized: set.size - randomized }
  }

  function bytes(target: string, fromMs: number, toMs: number): Bytes {
    const aps = [...apSet(target)]
    const m1 = Math.floor(fromMs / MINUTE_MS)
    const m2 = Math.floor(toMs / MINUTE_MS)
    let down = 0
    let up = 0
    const origin = Math.floor(model.options.originMs / MINUTE_MS)
    if (m1 >= origin && m2 - m1 > 90) {
      const a = model.cumulative(m1)
      const b = model.cumulative(m2)
      for (const ap of aps) {
        for (let v = 0; v < model.nVap; v++) {
          const o = (ap * model.nVap + v) * 2
          down += b[o]! - a[o]!
          up += b[o + 1]! - a[o + 1]!
        }
      }
    } else {
      for (let m = m1; m < m2; m++) {
        const agg = model.minute(m).agg
        for (const ap of aps) {
          for (let v = 0; v < model.nVap; v++) {
            const o = (ap * model.nVap + v) * 3
            down += agg[o + 1]!
            up += agg[o + 2]!
          }
        }
      }
    }
    return { down, up, total: down + up }
  }

  function outages(): Outage[] {
    const times = [...new Set([...faults.boundaries(), ...degradeBoundaries()])].sort((a, b) => a - b)
    const open = new Map<string, Outage>()
    const done: Outage[] = []
    const everyone = [...topo.devices.keys()].sort()
    for (const t of times) {
      const { reachable, serving } = model.reachability(t)
      for (const id of everyone) {
        const d = topo.devices.get(id)!
        const up = d.kind === 'ap' ? serving.has(id) : reachable.has(id)
        const o = open.get(id)
        if (!up && !o) {
          const causes = faults
            .list()
            .filter((f) => f.startMs <= t && (f.endMs === null || t < f.endMs) && f.type !== 'slow' && f.type !== 'malformed' && f.type !== 'reboot')
            .map((f) => `${f.id} ${f.type} ${f.target}`)
          open.set(id, { device: id, neighborhood: topo.neighborhoodOf.get(id) ?? '', startMs: t, endMs: null, causes })
        } else if (up && o) {
          o.endMs = t
          done.push(o)
          open.delete(id)
        }
      }
    }
    return [...done, ...open.values()].sort((a, b) => a.startMs - b.startMs || a.device.localeCompare(b.device))
  }

  function writeJsonl(file: string, fromMs: number, toMs: number): number {
    let lines = 0
    for (let m = Math.ceil(fromMs / MINUTE_MS); m * MINUTE_MS < toMs; m++) {
      const st = model.minute(m)
      const clients: Record<string, number> = {}
      const bytesPerAp: Record<string, number> = {}
      for (let j = 0; j < st.clients.length; j++) {
        const id = topo.aps[st.ap[j]!]!.id
        clients[id] = (clients[id] ?? 0) + 1
        bytesPerAp[id] = (bytesPerAp[id] ?? 0) + st.down[j]! + st.up[j]!
      }
      appendFileSync(file, JSON.stringify({ timeMs: m * MINUTE_MS, clients, bytes: bytesPerAp }) + '\n')
      lines++
    }
    return lines
  }

  return {
    clientsAt: (target, atMs) => clientListAt(target, atMs).length,
    clientListAt,
    uniqueClients: (target, from, to) => uniqueSet(target, from, to).size,
    uniqueBreakdown,
    uniqueClientMacs: (target, from, to) => [...uniqueSet(target, from, to)].map((id) => model.clients[id]!.mac).sort(),
    bytes,
    outages,
    writeJsonl,
  }
}
