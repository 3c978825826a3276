/**
 * Turns one poll's DeviceReading into core/metrics Samples. Counters become bytes per
 * interval through the counter tracker; a controller's AP table becomes per-AP samples
 * attributed to the inventory's lightweight APs; station MACs become digests here, at
 * once, and the raw MACs go no further than this function.
 */
import type { Device, Inventory } from '../core/inventory.ts'
import type { Sample } from '../core/metrics.ts'
import type { CounterTracker } from './counters.ts'
import type { MacHasher } from './privacy.ts'

/**
 * The part of collector/reading.ts's DeviceReading this module reads (structural, so the
 * SNMP side can add fields freely).
 */
export interface ReadingInput {
  clients: { total: number; breakdown: readonly { kind: 'ssid' | 'radio' | 'ap' | 'interface'; name: string; value: number }[] }
  optics: readonly { port: string; rxDbm: number | null; txDbm: number | null }[]
  interfaces: readonly {
    ifIndex: number
    name: string
    operStatus: number | string
    inOctets: bigint | null
    outOctets: bigint | null
    /** bits/s when the profile read ifHighSpeed/ifSpeed; caps the rate */
    speedBitsPerSec?: number | null
    /** 32 when the octets came from ifInOctets/ifOutOctets (Counter32), else 64 */
    counterBits?: 32 | 64
  }[]
  stations?: readonly { mac: string; ap?: string; ssid?: string; bytes?: bigint | number | null }[]
  aps?: readonly { name: string; mac?: string; up: boolean; clients: number; bytes?: bigint | number | null }[]
  /** sysUpTime, hundredths of a second */
  sysUpTimeTicks: number | bigint
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
}

export interface StationDigests {
  /** stations in the reading */
  count: number
  /** HMAC digests (see collector/privacy.ts), one per station, same order */
  digests: string[]
  randomized: number
  periodStartMs: number
}

export interface ReadingSamples {
  samples: Sample[]
  stations: StationDigests | undefined
}

const s = (metric: string, device: string, neighborhood: string, instance: string, value: number, timeMs: number): Sample => ({
  metric,
  device,
  neighborhood,
  instance,
  value,
  timeMs,
})

const OPER_STATUS: Record<string, number> = { up: 1, down: 2, testing: 3, unknown: 4, dormant: 5, notPresent: 6, lowerLayerDown: 7 }

export function readingToSamples(r: ReadingInput, ctx: SampleContext): ReadingSamples {
  const { device, neighborhood: n, timeMs: t, counters } = ctx
  const out: Sample[] = [s('device_up', device, n, '', 1, t), s('wifi_clients', device, n, '', r.clients.total, t)]
  for (const b of r.clients.breakdown) {
    if (b.kind === 'ssid') out.push(s('wifi_clients_ssid', device, n, b.name, b.value, t))
    else if (b.kind === 'radio') out.push(s('wifi_clients_radio', device, n, b.name, b.value, t))
  }
  const ticks = Number(r.sysUpTimeTicks)
  for (const i of r.interfaces) {
    const oper = typeof i.operStatus === 'number' ? i.operStatus : OPER_STATUS[i.operStatus]
    if (oper !== undefined) out.push(s('if_oper_status', device, n, i.name, oper, t))
    const kind = i.counterBits === 32 ? 'counter32' : 'counter64'
    const speed = i.speedBitsPerSec ?? undefined
    for (const [metric, counter, v] of [
      ['if_in_bytes', 'ifInOctets', i.inOctets],
      ['if_out_bytes', 'ifOutOctets', i.outOctets],
    ] as const) {
      if (v === null || v === undefined) continue
      const d = counters.delta({ device, instance: i.name, counter }, { value: v, kind, sysUpTimeTicks: ticks, timeMs: t, speedBitsPerSec: speed })
      if (d !== undefined) out.push(s(metric, device, n, i.name, d, t))
    }
  }
  for (const o of r.optics) {
    if (o.rxDbm !== null && Number.isFinite(o.rxDbm)) out.push(s('optics_rx_dbm', device, n, o.port, o.rxDbm, t))
    if (o.txDbm !== null && Number.isFinite(o.txDbm)) out.push(s('optics_tx_dbm', device, n, o.port, o.txDbm, t))
  }

  // Client traffic through the AP: the stations' byte counters summed (the AP's own view of
  // its clients); for a controller, per AP below.
  if (r.stations && !r.aps) {
    const total = sumBytes(r.stations.map((x) => x.bytes))
    if (total !== undefined) {
      const d = counters.delta({ device, instance: '', counter: 'stationBytes' }, { value: total, kind: 'counter64', sysUpTimeTicks: ticks, timeMs: t })
      if (d !== undefined) out.push(s('wifi_bytes', device, n, '', d, t))
    }
  }

  // A controller's AP table: per-AP samples on the lightweight AP's own series. An AP of
  // the inventory missing from the table has left the controller: it is down.
  if (r.aps && ctx.aps) {
    const seen = new Set<string>()
    const stationBytesByAp = new Map<string, bigint>()
    for (const st of r.stations ?? []) {
      if (st.ap === undefined || st.bytes === null || st.bytes === undefined) continue
      stationBytesByAp.set(st.ap, (stationBytesByAp.get(st.ap) ?? 0n) + BigInt(st.bytes))
    }
    for (const ap of r.aps) {
      const inv = ctx.aps.get(ap.name)
      if (!inv) continue // an AP the inventory does not know: counted in the controller's total only
      seen.add(ap.name)
      out.push(s('device_up', inv.device, inv.neighborhood, '', ap.up ? 1 : 0, t))
      if (ap.up) out.push(s('wifi_clients', inv.device, inv.neighborhood, '', ap.clients, t))
      const bytes = ap.bytes ?? stationBytesByAp.get(ap.name)
      if (ap.up && bytes !== null && bytes !== undefined) {
        const d = counters.delta({ device: inv.device, instance: '', counter: 'apBytes' }, { value: BigInt(bytes), kind: 'counter64', sysUpTimeTicks: ticks, timeMs: t })
        if (d !== undefined) out.push(s('wifi_bytes', inv.device, inv.neighborhood, '', d, t))
      }
    }
    for (const [name, inv] of ctx.aps) if (!seen.has(name)) out.push(s('device_up', inv.device, inv.neighborhood, '', 0, t))
  }

  let stations: StationDigests | undefined
  if (r.stations) {
    const digests: string[] = []
    let randomized = 0
    let periodStartMs = ctx.macHasher.periodStart(t)
    for (const st of r.stations) {
      try {
        const h = ctx.macHasher.hash(st.mac, t)
        digests.push(h.digest)
        if (h.randomized) randomized++
        periodStartMs = h.periodStartMs
      } catch {
        /* not a MAC: skipped (never logged: it might be one in an odd form) */
      }
    }
    stations = { count: digests.length, digests, randomized, periodStartMs }
  }
  return { samples: out, stations }
}

function sumBytes(values: readonly (bigint | number | null | undefined)[]): bigint | undefined {
  let total = 0n
  let any = false
  for (const v of values) {
    if (v === null || v === undefined) continue
    total += BigInt(v)
    any = true
  }
  return any ? total : undefined
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
