/**
 * Turns one poll's DeviceReading into core/metrics Samples. Counters become bytes per
 * interval through the counter tracker; a controller's AP table becomes per-AP samples
 * attributed to the inventory's lightweight APs; station MACs become digests here, at
 * once, and the raw MACs go no further than this function. Each station becomes the
 * sightings of the AP it is on (collector/sightings.ts): a wireless controller's stations
 * are resolved to its lightweight APs (`controller`), a management controller's (UniFi
 * Network) to the standalone APs it manages (`managedBy`), both by controllerApName ?? name,
 * and an AP's own station table to the AP itself.
 */
import type { Device, Inventory } from '../core/inventory.ts'
import type { Sample, StationSighting } from '../core/metrics.ts'
import type { CounterTracker } from './counters.ts'
import { PeriodClosedError, type KeyIds, type MacDigest, type MacHasher } from './privacy.ts'
import { sightingsOf, type StationSeen } from './sightings.ts'

/**
 * The part of collector/reading.ts's DeviceReading this module reads (structural, so the
 * benchmark can hand in a reading of its own and the SNMP side can add fields freely).
 */
export interface ReadingInput {
  clients: { total: number | null; breakdown: readonly { kind: 'ssid' | 'radio' | 'ap' | 'interface'; name: string; value: number }[] }
  optics: readonly { port: string; rxDbm: number | null; txDbm: number | null }[]
  interfaces: readonly {
    ifIndex: number
    name: string
    operStatus: number | string | null
    inOctets: bigint | null
    outOctets: bigint | null
    /** true when the octets came from ifInOctets/ifOutOctets (Counter32: wraps at 2^32) */
    counter32?: boolean
    /** bits/s when known; caps the rate */
    speedBitsPerSec?: number | null
  }[]
  /** `mac` is raw personal data: it is hashed here and goes no further */
  stations?: readonly { mac: string; ap?: string; ssid?: string; bytes?: bigint | number | null }[]
  aps?: readonly {
    name: string
    mac?: string
    up: boolean | null
    clients: number | null
    /** the AP's own cumulative byte counters per port slot (CISCO-LWAPP-AP-MIB cLApEthernetIfTable) */
    octets?: readonly { slot: string; inOctets: bigint | null; outOctets: bigint | null }[]
    counter32?: boolean
    /** ticks since those counters last restarted (cLLwappUpTime); null/absent: not served */
    resetUptimeTicks?: number | null
  }[]
  /** sysUpTime, hundredths of a second */
  sysUpTimeTicks: number | bigint | null
}

/** Where each lightweight AP is: controller id -> AP name on the controller -> AP device. */
export type ApIndex = Map<string, Map<string, { device: string; neighborhood: string }>>

export function buildApIndex(inv: Inventory): ApIndex {
  const nbh = neighborhoodOf(inv)
  const idx: ApIndex = new Map()
  for (const d of inv.devices) {
    if (!d.controller) continue
    let m = idx.get(d.controller)
    if (!m) idx.set(d.controller, (m = new Map()))
    m.set(d.controllerApName ?? d.name, { device: d.id, neighborhood: nbh(d) })
  }
  return idx
}

/** Standalone APs by the name their management controller lists them under: managedBy id -> name -> AP device. */
export function buildManagedIndex(inv: Inventory): ApIndex {
  const nbh = neighborhoodOf(inv)
  const idx: ApIndex = new Map()
  for (const d of inv.devices) {
    if (!d.managedBy || d.controller) continue
    let m = idx.get(d.managedBy)
    if (!m) idx.set(d.managedBy, (m = new Map()))
    m.set(d.controllerApName ?? d.name, { device: d.id, neighborhood: nbh(d) })
  }
  return idx
}

export function neighborhoodOf(inv: Inventory): (d: Device) => string {
  const bySite = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
  return (d) => bySite.get(d.site) ?? ''
}

export interface SampleContext {
  device: string
  neighborhood: string
  /** the poll's time, epoch ms: every sample of the poll carries it */
  timeMs: number
  counters: CounterTracker
  macHasher: MacHasher
  /** this controller's lightweight APs by controller AP name (absent: not a controller) */
  aps?: Map<string, { device: string; neighborhood: string }>
  /** the standalone APs this device manages (their managedBy), by the name it lists them under */
  managed?: Map<string, { device: string; neighborhood: string }>
  /** the polled device is an AP: stations of its own station table are its own */
  ownStations?: boolean
}

export interface StationDigests {
  /** stations in the reading */
  count: number
  /** day-key HMAC digests (see collector/privacy.ts), one per station, same order */
  digests: string[]
  randomized: number
  /** start of the local day, epoch ms */
  periodStartMs: number
  /** stations on an AP the inventory does not know (digested and counted here, no sighting) */
  unattributed: number
}

export interface ReadingSamples {
  samples: Sample[]
  stations: StationDigests | undefined
  /** each station's day row and period row (collector/sightings.ts), not yet de-duplicated */
  sightings: StationSighting[]
  /** the station table was read but its period's key is already destroyed: nothing counted */
  stationsTooLate?: boolean
}

/**
 * The metric that says a station table was read: one sample per source device and minute
 * (time floored to the minute) per key scope (instance 'day', 'month' or 'quarter'), valued
 * with the key's random id. uniques/ reads it to tell a collector gap or a key change from
 * a day with no clients.
 */
export const STATION_KEY_METRIC = 'station_key'

const s = (metric: string, device: string, neighborhood: string, instance: string, value: number, timeMs: number): Sample => ({
  metric,
  device,
  neighborhood,
  instance,
  value,
  timeMs,
})

const OPER_STATUS: Record<string, number> = { up: 1, down: 2, testing: 3, unknown: 4, dormant: 5, notPresent: 6, lowerLayerDown: 7 }

/** Radio interfaces of an AP: their octets are the clients' traffic (wifi0, radio1, wlan0 ...). */
const RADIO_IF = /^(wifi|radio|wlan|wl|ra)\d+$/i

export function readingToSamples(r: ReadingInput, ctx: SampleContext): ReadingSamples {
  const { device, neighborhood: n, timeMs: t, counters } = ctx
  const out: Sample[] = [s('device_up', device, n, '', 1, t)]
  // A controller's client counts are the clients of all its APs, wherever they stand: they
  // belong to no one neighborhood (the APs' own samples carry them to theirs), so they are
  // stored without one and never add into a neighborhood's figures twice.
  const clientsN = r.aps ? '' : n
  if (r.clients.total !== null) out.push(s('wifi_clients', device, clientsN, '', r.clients.total, t))
  for (const b of r.clients.breakdown) {
    if (b.kind === 'ssid') out.push(s('wifi_clients_ssid', device, clientsN, b.name, b.value, t))
    else if (b.kind === 'radio') out.push(s('wifi_clients_radio', device, clientsN, b.name, b.value, t))
  }
  const ticks = r.sysUpTimeTicks === null ? null : Number(r.sysUpTimeTicks)
  // per device: Counter32 byte counters read too far apart to rule out a second wrap
  const wrapGaps = new Map<string, { neighborhood: string; n: number }>()
  const wrapGap = (dev: string, neighborhood: string) => {
    if (counters.lastNoDelta() !== 'mayHaveWrapped') return
    const g = wrapGaps.get(dev) ?? { neighborhood, n: 0 }
    g.n++
    wrapGaps.set(dev, g)
  }
  let radioBytes = 0
  let radios = 0
  let radiosMeasured = 0
  for (const i of r.interfaces) {
    const oper = typeof i.operStatus === 'number' ? i.operStatus : i.operStatus === null ? undefined : OPER_STATUS[i.operStatus]
    if (oper !== undefined) out.push(s('if_oper_status', device, n, i.name, oper, t))
    const kind = i.counter32 ? 'counter32' : 'counter64'
    const speed = i.speedBitsPerSec ?? undefined
    const radio = RADIO_IF.test(i.name)
    if (radio) radios++
    let both = 0
    let measured = 0
    for (const [metric, counter, v] of [
      ['if_in_bytes', 'ifInOctets', i.inOctets],
      ['if_out_bytes', 'ifOutOctets', i.outOctets],
    ] as const) {
      if (v === null || v === undefined) continue
      const d = counters.delta({ device, instance: i.name, counter }, { value: v, kind, sysUpTimeTicks: ticks, timeMs: t, speedBitsPerSec: speed })
      if (d === undefined) {
        wrapGap(device, n)
        continue
      }
      out.push(s(metric, device, n, i.name, d, t))
      both += d
      measured++
    }
    if (radio && measured === 2) {
      radioBytes += both
      radiosMeasured++
    }
  }
  for (const o of r.optics) {
    if (o.rxDbm !== null && Number.isFinite(o.rxDbm)) out.push(s('optics_rx_dbm', device, n, o.port, o.rxDbm, t))
    if (o.txDbm !== null && Number.isFinite(o.txDbm)) out.push(s('optics_tx_dbm', device, n, o.port, o.txDbm, t))
  }

  // Client traffic through a standalone AP: its radio interfaces carry exactly the clients'
  // bytes (both directions). Only when every radio gave a delta: a partial sum would be wrong.
  if (!r.aps && radios > 0 && radiosMeasured === radios) out.push(s('wifi_bytes', device, n, '', radioBytes, t))

  // Station MACs become digests at once; the digests key per-station byte counters, so
  // per-AP traffic on a controller is the sum of each station's own delta (a station that
  // leaves or roams cannot make another AP's sum go backwards).
  let stations: StationDigests | undefined
  let stationsTooLate = false
  const seen: StationSeen[] = []
  const stationBytesByAp = new Map<string, number>()
  let keys: KeyIds | undefined
  if (r.stations) {
    try {
      keys = ctx.macHasher.keyIds(t)
    } catch (err) {
      if (!(err instanceof PeriodClosedError)) throw err
      stationsTooLate = true // the poll is older than its day's key: nothing of it is counted
    }
  }
  if (r.stations && keys) {
    const index = ctx.aps ?? ctx.managed
    const digests: string[] = []
    let randomized = 0
    let unattributed = 0
    const periodStartMs = ctx.macHasher.periodStart(t)
    for (const st of r.stations) {
      let h: MacDigest
      try {
        h = ctx.macHasher.hash(st.mac, t)
      } catch {
        continue // not a MAC: skipped (never logged: it might be one in an odd form)
      }
      digests.push(h.digest)
      if (h.randomized) randomized++
      const at = index ? (st.ap !== undefined ? index.get(st.ap) : undefined) : ctx.ownStations ? { device, neighborhood: n } : undefined
      if (at) seen.push({ device: at.device, neighborhood: at.neighborhood, h })
      else unattributed++
      if (r.aps && st.ap !== undefined && st.bytes !== null && st.bytes !== undefined) {
        const d = counters.delta({ device, instance: h.digest, counter: 'stationBytes' }, { value: BigInt(st.bytes), kind: 'counter64', sysUpTimeTicks: ticks, timeMs: t })
        stationBytesByAp.set(st.ap, (stationBytesByAp.get(st.ap) ?? 0) + (d ?? 0))
      }
    }
    stations = { count: digests.length, digests, randomized, periodStartMs, unattributed }
    const minute = Math.floor(t / 60_000) * 60_000
    out.push(s(STATION_KEY_METRIC, device, '', 'day', keys.dayKeyId, minute))
    out.push(s(STATION_KEY_METRIC, device, '', keys.periodScope, keys.periodKeyId, minute))
  }

  /**
   * Bytes through one lightweight AP since the last poll, from its own counters, tracked on
   * the AP's device id. Both an AP reboot and a controller reboot restart them: with the AP's
   * reset uptime (cLLwappUpTime) going back the tracker sees the reset, and a decrease while
   * it moves on is a Counter32 wrap. Without that uptime a decrease cannot be told from a
   * wrap, so it is taken as a reset (no delta), never as a wrap or a negative delta.
   * Undefined when any slot gives no trustworthy delta: a partial sum would be wrong.
   */
  function apOwnBytes(octets: NonNullable<NonNullable<ReadingInput['aps']>[number]['octets']>, counter32: boolean, resetTicks: number | null, apDevice: string, apNeighborhood: string): number | undefined {
    const kind = counter32 && resetTicks !== null ? 'counter32' : 'counter64'
    const apTicks = resetTicks ?? ticks
    let total = 0
    let complete = true
    for (const p of octets) {
      for (const [counter, v] of [
        ['cLApEthernetIfRxTotalBytes', p.inOctets],
        ['cLApEthernetIfTxTotalBytes', p.outOctets],
      ] as const) {
        if (v === null) {
          complete = false
          continue
        }
        const d = counters.delta({ device: apDevice, instance: `slot${p.slot}`, counter }, { value: v, kind, sysUpTimeTicks: apTicks, timeMs: t })
        if (d === undefined) {
          complete = false
          wrapGap(apDevice, apNeighborhood)
        } else total += d
      }
    }
    return complete ? total : undefined
  }

  // A controller's AP table: per-AP samples on the lightweight AP's own series. An AP of
  // the inventory missing from the table has left the controller: it is down.
  if (r.aps && ctx.aps) {
    const seen = new Set<string>()
    for (const ap of r.aps) {
      const inv = ctx.aps.get(ap.name)
      if (!inv) continue // an AP the inventory does not know: counted in the controller's total only
      seen.add(ap.name)
      if (ap.up !== null) out.push(s('device_up', inv.device, inv.neighborhood, '', ap.up ? 1 : 0, t))
      if (ap.up !== false && ap.clients !== null) out.push(s('wifi_clients', inv.device, inv.neighborhood, '', ap.clients, t))
      if (ap.up === false) continue
      if (ap.octets && ap.octets.length > 0) {
        // The AP's own counters count every byte it carried, whoever left or roamed: they
        // replace the station sums, which lose the bytes of stations gone between polls.
        const bytes = apOwnBytes(ap.octets, ap.counter32 === true, ap.resetUptimeTicks ?? null, inv.device, inv.neighborhood)
        if (bytes !== undefined) out.push(s('wifi_bytes', inv.device, inv.neighborhood, '', bytes, t))
      } else {
        const bytes = stationBytesByAp.get(ap.name)
        if (bytes !== undefined) out.push(s('wifi_bytes', inv.device, inv.neighborhood, '', bytes, t))
      }
    }
    for (const [name, inv] of ctx.aps) if (!seen.has(name)) out.push(s('device_up', inv.device, inv.neighborhood, '', 0, t))
  }
  for (const [dev, g] of wrapGaps) out.push(s('counter_wrap_gaps', dev, g.neighborhood, '', g.n, t))
  return { samples: out, stations, sightings: sightingsOf(seen), ...(stationsTooLate ? { stationsTooLate } : {}) }
}

/** Samples for a poll that failed: the device (and a controller's APs: unknown) is down. */
export function failedPollSamples(device: string, neighborhood: string, timeMs: number): Sample[] {
  return [s('device_up', device, neighborhood, '', 0, timeMs)]
}

/** Collector self-metrics for one poll, stored like any metric. */
export function pollSelfSamples(device: string, neighborhood: string, timeMs: number, durationMs: number, outcome: 'ok' | 'timeout' | 'error'): Sample[] {
  return [
    s('poll_duration_ms', device, neighborhood, '', Math.round(durationMs * 1000) / 1000, timeMs),
    s('poll_timeouts', device, neighborhood, '', outcome === 'timeout' ? 1 : 0, timeMs),
    s('poll_errors', device, neighborhood, '', outcome === 'error' ? 1 : 0, timeMs),
  ]
}
