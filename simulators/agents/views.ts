/**
 * What each kind of simulated device serves, built for one minute of simulated time.
 * The OIDs and value types follow the real MIBs and the real recordings in
 * test fixtures (Cisco WLC AIRESPACE, UniFi UBNT-UniFi-MIB, Catalyst 2960X entity sensors).
 */
import type { Device } from '../../core/inventory.ts'
import type { FaultBook } from '../faults.ts'
import { MINUTE_MS, hash, strHash, type Model, type PortDef, type StationCounters } from '../model.ts'
import { Tag, type Value } from '../snmp/ber.ts'
import { MibView, type EntryValue } from '../snmp/responder.ts'

/** sysObjectIDs of the simulated products (real registrations). */
export const SYS_OBJECT_ID = {
  controller: '1.3.6.1.4.1.9.1.1279', // Cisco WLC (AIR-CT 2504 family, AIRESPACE-WIRELESS-MIB)
  unifi: '1.3.6.1.4.1.41112.1.6', // Ubiquiti UniFi AP (ubntUniFi)
  switch: '1.3.6.1.4.1.9.1.1208', // Cisco Catalyst 2960X stack (cat29xxStack), as in the real recording
  router: '1.3.6.1.4.1.9.1.2101', // Cisco ASR-920-24TZ-M
  olt: '1.3.6.1.4.1.9.1.1208',
} as const

const C32 = 4294967296

export interface ViewContext {
  model: Model
  faults: FaultBook
  /** current simulated time, epoch ms (for sysUpTime, which moves within a minute) */
  now(): number
}

const int = (value: number): Value => ({ type: Tag.Integer, value })
const str = (value: string | Buffer): Value => ({ type: Tag.OctetString, value })
const oidv = (value: string): Value => ({ type: Tag.OID, value })
const gauge = (value: number): Value => ({ type: Tag.Gauge32, value: Math.min(value, C32 - 1) })
const c32 = (value: number): Value => ({ type: Tag.Counter32, value: value % C32 })
const c64 = (value: number): Value => ({ type: Tag.Counter64, value: BigInt(Math.round(value)) })
const ticks = (value: number): Value => ({ type: Tag.TimeTicks, value: value % C32 })

/** boot time of a device at time t: its last reboot, or a seeded time before the origin */
export function bootMs(ctx: ViewContext, device: Device, tMs: number): number {
  const r = ctx.faults.lastReboot(device.id, tMs)
  if (r !== null) return r
  const days = 1 + (hash(ctx.model.options.seed, 50, strHash(device.id)) % 40)
  return ctx.model.options.originMs - days * 86_400_000 - (hash(ctx.model.options.seed, 51, strHash(device.id)) % 86_400_000)
}

/**
 * A counter's value at minute m: a seeded base (traffic before the simulation began, with
 * low 32 bits near the wrap so 32-bit counters wrap soon) plus bytes since the origin;
 * after a reboot, bytes since the reboot minute only.
 */
function counterAt(ctx: ViewContext, device: Device, key: number, m: number, sum: (cum: Float64Array) => number, cumNow: Float64Array, rebootCum: Float64Array | null): number {
  if (rebootCum) return sum(cumNow) - sum(rebootCum)
  const h = hash(ctx.model.options.seed, 60, strHash(device.id), key)
  const base = (h % 4096) * C32 + (C32 - 1 - (hash(ctx.model.options.seed, 61, strHash(device.id), key) % 2 ** 29))
  void m
  return base + sum(cumNow)
}

interface IfRow {
  ifIndex: number
  name: string
  descr: string
  type: number
  speedBps: number
  mac: Buffer
  oper: 1 | 2
  inOctets: number
  outOctets: number
  alias: string
}

function addSystem(e: [string, EntryValue][], ctx: ViewContext, device: Device, descr: string, objectId: string, tMs: number): void {
  const boot = bootMs(ctx, device, tMs)
  e.push(['1.3.6.1.2.1.1.1.0', str(descr)]) // sysDescr
  e.push(['1.3.6.1.2.1.1.2.0', oidv(objectId)]) // sysObjectID
  // sysUpTime moves with the (fast) clock between requests, in hundredths of a second
  e.push(['1.3.6.1.2.1.1.3.0', () => ticks(Math.max(0, Math.floor((ctx.now() - boot) / 10)))]) // sysUpTime
  e.push(['1.3.6.1.2.1.1.4.0', str('noc@city.example')]) // sysContact
  e.push(['1.3.6.1.2.1.1.5.0', str(device.name)]) // sysName
  e.push(['1.3.6.1.2.1.1.6.0', str(device.site)]) // sysLocation
  e.push(['1.3.6.1.2.1.1.7.0', int(device.kind === 'ap' ? 2 : 6)]) // sysServices
}

function addIfMib(e: [string, EntryValue][], rows: IfRow[]): void {
  e.push(['1.3.6.1.2.1.2.1.0', int(rows.length)]) // ifNumber
  for (const r of rows) {
    const i = r.ifIndex
    const inPkts = Math.floor(r.inOctets / 800)
    const outPkts = Math.floor(r.outOctets / 800)
    e.push([`1.3.6.1.2.1.2.2.1.1.${i}`, int(i)]) // ifIndex
    e.push([`1.3.6.1.2.1.2.2.1.2.${i}`, str(r.descr)]) // ifDescr
    e.push([`1.3.6.1.2.1.2.2.1.3.${i}`, int(r.type)]) // ifType
    e.push([`1.3.6.1.2.1.2.2.1.4.${i}`, int(r.type === 24 ? 65536 : 1500)]) // ifMtu
    e.push([`1.3.6.1.2.1.2.2.1.5.${i}`, gauge(r.speedBps)]) // ifSpeed
    e.push([`1.3.6.1.2.1.2.2.1.6.${i}`, str(r.mac)]) // ifPhysAddress
    e.push([`1.3.6.1.2.1.2.2.1.7.${i}`, int(1)]) // ifAdminStatus
    e.push([`1.3.6.1.2.1.2.2.1.8.${i}`, int(r.oper)]) // ifOperStatus
    e.push([`1.3.6.1.2.1.2.2.1.9.${i}`, ticks(0)]) // ifLastChange
    e.push([`1.3.6.1.2.1.2.2.1.10.${i}`, c32(r.inOctets)]) // ifInOctets (wraps at 2^32)
    e.push([`1.3.6.1.2.1.2.2.1.11.${i}`, c32(inPkts)]) // ifInUcastPkts
    e.push([`1.3.6.1.2.1.2.2.1.13.${i}`, c32(0)]) // ifInDiscards
    e.push([`1.3.6.1.2.1.2.2.1.14.${i}`, c32(0)]) // ifInErrors
    e.push([`1.3.6.1.2.1.2.2.1.16.${i}`, c32(r.outOctets)]) // ifOutOctets (wraps at 2^32)
    e.push([`1.3.6.1.2.1.2.2.1.17.${i}`, c32(outPkts)]) // ifOutUcastPkts
    e.push([`1.3.6.1.2.1.2.2.1.19.${i}`, c32(0)]) // ifOutDiscards
    e.push([`1.3.6.1.2.1.2.2.1.20.${i}`, c32(0)]) // ifOutErrors
    e.push([`1.3.6.1.2.1.31.1.1.1.1.${i}`, str(r.name)]) // ifName
    e.push([`1.3.6.1.2.1.31.1.1.1.6.${i}`, c64(r.inOctets)]) // ifHCInOctets
    e.push([`1.3.6.1.2.1.31.1.1.1.7.${i}`, c64(inPkts)]) // ifHCInUcastPkts
    e.push([`1.3.6.1.2.1.31.1.1.1.10.${i}`, c64(r.outOctets)]) // ifHCOutOctets
    e.push([`1.3.6.1.2.1.31.1.1.1.11.${i}`, c64(outPkts)]) // ifHCOutUcastPkts
    e.push([`1.3.6.1.2.1.31.1.1.1.15.${i}`, gauge(Math.round(r.speedBps / 1e6))]) // ifHighSpeed
    e.push([`1.3.6.1.2.1.31.1.1.1.18.${i}`, str(r.alias)]) // ifAlias
  }
}

const LONG_NAMES: [RegExp, string][] = [
  [/^Gi(?=\d)/, 'GigabitEthernet'],
  [/^Te(?=\d)/, 'TenGigabitEthernet'],
  [/^Fa(?=\d)/, 'FastEthernet'],
  [/^Hu(?=\d)/, 'HundredGigE'],
]
export function longPortName(name: string): string {
  for (const [re, long] of LONG_NAMES) if (re.test(name)) return name.replace(re, long)
  return name
}

/** bytes [down, up] through a set of APs, from a cumulative array */
function sumAps(model: Model, aps: number[]): (cum: Float64Array) => [number, number] {
  return (cum) => {
    let d = 0
    let u = 0
    for (const a of aps) {
      for (let v = 0; v < model.nVap; v++) {
        d += cum[(a * model.nVap + v) * 2]!
        u += cum[(a * model.nVap + v) * 2 + 1]!
      }
    }
    return [d, u]
  }
}

interface BuildState {
  m: number
  tMs: number
  cum: Float64Array
  rebootCum: Float64Array | null
  reachable: Set<string>
  serving: Set<string>
}

function state(ctx: ViewContext, device: Device, tMs: number): BuildState {
  const m = Math.floor(tMs / MINUTE_MS)
  const cum = ctx.model.cumulative(m)
  const r = ctx.faults.lastReboot(device.id, tMs)
  const rebootCum = r === null ? null : ctx.model.cumulative(Math.floor(r / MINUTE_MS))
  const { reachable, serving } = ctx.model.reachability(m * MINUTE_MS)
  return { m, tMs, cum, rebootCum, reachable, serving }
}

/** the wired ports of a switch, router, OLT or controller, with traffic of what hangs behind them */
function portRows(ctx: ViewContext, device: Device, s: BuildState): IfRow[] {
  const { model } = ctx
  const ports = model.topo.ports.get(device.id) ?? []
  const rows: IfRow[] = []
  for (const p of ports) {
    // the traffic through a port is the client traffic of the APs on its far side
    let aps: number[]
    if (device.kind === 'controller') aps = model.topo.aps.map((a, i) => (a.controller === device.id ? i : -1)).filter((i) => i >= 0)
    else if (p.towardChild) aps = model.topo.subtreeAps.get(p.peer) ?? []
    else aps = model.topo.subtreeAps.get(device.id) ?? []
    const sum = sumAps(model, aps)
    // toward a child: out = downloads to it, in = uploads from it; toward the parent: reverse
    const inKey = p.ifIndex * 2
    const dn = (cum: Float64Array) => sum(cum)[0]
    const upf = (cum: Float64Array) => sum(cum)[1]
    const downBytes = counterAt(ctx, device, inKey, s.m, dn, s.cum, s.rebootCum)
    const upBytes = counterAt(ctx, device, inKey + 1, s.m, upf, s.cum, s.rebootCum)
    const towardChild = p.towardChild || device.kind === 'controller'
    const up = portUp(ctx, p, s.tMs)
    rows.push({
      ifIndex: p.ifIndex,
      name: p.name,
      descr: longPortName(p.name),
      type: 6, // ethernetCsmacd
      speedBps: p.fiber ? 10e9 : 1e9,
      mac: portMac(ctx, device, p.ifIndex),
      oper: up ? 1 : 2,
      inOctets: towardChild ? upBytes : downBytes,
      outOctets: towardChild ? downBytes : upBytes,
      alias: p.peer ? `to ${p.peer}` : 'internet',
    })
  }
  return rows
}

function portMac(ctx: ViewContext, device: Device, ifIndex: number): Buffer {
  const b = Buffer.from(ctx.model.apMac(device.id))
  b[5] = (b[5]! & 0xc0) | (ifIndex & 0x3f)
  return b
}

export function portUp(ctx: ViewContext, p: PortDef, tMs: number): boolean {
  if (p.edge === 'internet') return true
  if (!ctx.model.edgeUp(p.edge, tMs)) return false
  // a powered-off neighbor takes the port down with it
  return ctx.faults.active('device-down', p.peer, tMs).length === 0
}

// ---------------------------------------------------------------- device kinds

export function buildView(ctx: ViewContext, device: Device, tMs: number): MibView {
  const s = state(ctx, device, tMs)
  const e: [string, EntryValue][] = []
  if (device.kind === 'ap') unifiView(ctx, device, s, e)
  else if (device.kind === 'controller') controllerView(ctx, device, s, e)
  else switchView(ctx, device, s, e)
  return new MibView(e)
}

function unifiView(ctx: ViewContext, device: Device, s: BuildState, e: [string, EntryValue][]): void {
  const { model } = ctx
  const model_ = device.model ?? 'UAP-AC-M'
  addSystem(e, ctx, device, `${model_} 6.6.55.15189`, SYS_OBJECT_ID.unifi, s.tMs)
  const ap = model.topo.apIndex.get(device.id)!
  const ssids = model.options.ssids
  const nS = ssids.length
  const mac = model.apMac(device.id)
  const minute = model.minute(s.m)
  const vapCount = new Array<number>(model.nVap).fill(0)
  for (let v = 0; v < model.nVap; v++) vapCount[v] = minute.agg[(ap * model.nVap + v) * 3]!
  const vapBytes = (v: number, dir: 0 | 1) => counterAt(ctx, device, 100 + v * 2 + dir, s.m, (cum) => cum[(ap * model.nVap + v) * 2 + dir]!, s.cum, s.rebootCum)
  const rows: IfRow[] = []
  rows.push({ ifIndex: 1, name: 'lo', descr: 'lo', type: 24, speedBps: 0, mac: Buffer.alloc(0), oper: 1, inOctets: 0, outOctets: 0, alias: '' })
  const downAll = counterAt(ctx, device, 2, s.m, (cum) => sumAps(model, [ap])(cum)[0], s.cum, s.rebootCum)
  const upAll = counterAt(ctx, device, 3, s.m, (cum) => sumAps(model, [ap])(cum)[1], s.cum, s.rebootCum)
  // eth0 carries the clients' downloads in from the wire and their uploads out to it
  rows.push({ ifIndex: 2, name: 'eth0', descr: 'eth0', type: 6, speedBps: 1e9, mac, oper: 1, inOctets: downAll, outOctets: upAll, alias: '' })
  const radioBytes = (radio: number, dir: 0 | 1) => {
    let sum = 0
    for (let k = 0; k < nS; k++) sum += vapBytes(radio * nS + k, dir)
    return sum
  }
  for (const radio of [0, 1]) {
    rows.push({ ifIndex: 3 + radio, name: `wifi${radio}`, descr: `wifi${radio}`, type: 71, speedBps: radio ? 867e6 : 300e6, mac, oper: 1, inOctets: radioBytes(radio, 1), outOctets: radioBytes(radio, 0), alias: '' })
  }
  for (let v = 0; v < model.nVap; v++) {
    const bss = Buffer.from(mac)
    bss[5] = (bss[5]! & 0xf0) | (v + 1)
    // athN: what the VAP sends to clients is their download (out), what it receives is upload (in)
    rows.push({ ifIndex: 5 + v, name: `ath${v}`, descr: `ath${v}`, type: 6, speedBps: 0, mac: bss, oper: 1, inOctets: vapBytes(v, 1), outOctets: vapBytes(v, 0), alias: '' })
  }
  addIfMib(e, rows)
  // UBNT-UniFi-MIB unifiRadioTable (index 1 = ng, 2 = na)
  for (const radio of [0, 1]) {
    const i = radio + 1
    e.push([`1.3.6.1.4.1.41112.1.6.1.1.1.2.${i}`, str(`wifi${radio}`)]) // unifiRadioName
    e.push([`1.3.6.1.4.1.41112.1.6.1.1.1.3.${i}`, str(radio ? 'na' : 'ng')]) // unifiRadioRadio
  }
  // UBNT-UniFi-MIB unifiVapTable: one VAP per radio and SSID, ordered ng first as real APs list them
  for (let v = 0; v < model.nVap; v++) {
    const i = v + 1
    const radio = Math.floor(v / nS)
    const bss = Buffer.from(mac)
    bss[5] = (bss[5]! & 0xf0) | (v + 1)
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.2.${i}`, str(bss)]) // unifiVapBssId
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.4.${i}`, int(radio ? 36 + 4 * (hash(model.options.seed, 70, ap) % 4) : 1 + 5 * (hash(model.options.seed, 71, ap) % 3))]) // unifiVapChannel
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.6.${i}`, str(ssids[v % nS]!)]) // unifiVapEssId
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.7.${i}`, str(`ath${v}`)]) // unifiVapName
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.8.${i}`, int(vapCount[v]!)]) // unifiVapNumStations
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.9.${i}`, str(radio ? 'na' : 'ng')]) // unifiVapRadio
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.10.${i}`, c32(vapBytes(v, 1))]) // unifiVapRxBytes (Counter32 in the MIB)
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.16.${i}`, c32(vapBytes(v, 0))]) // unifiVapTxBytes (Counter32 in the MIB)
    e.push([`1.3.6.1.4.1.41112.1.6.1.2.1.22.${i}`, int(1)]) // unifiVapUp
  }
  e.push(['1.3.6.1.4.1.41112.1.6.3.3.0', str(model_)]) // unifiApSystemModel
  e.push(['1.3.6.1.4.1.41112.1.6.3.6.0', str('6.6.55.15189')]) // unifiApSystemVersion
}

function controllerView(ctx: ViewContext, device: Device, s: BuildState, e: [string, EntryValue][]): void {
  const { model } = ctx
  addSystem(e, ctx, device, 'Cisco Controller', SYS_OBJECT_ID.controller, s.tMs)
  addIfMib(e, portRows(ctx, device, s))
  const ssids = model.options.ssids
  const nS = ssids.length
  const minute = model.minute(s.m)
  const mine = new Set<number>()
  model.topo.aps.forEach((a, i) => {
    if (a.controller === device.id && s.serving.has(a.id)) mine.add(i)
  })
  const macArcs = (b: Buffer) => [...b].join('.')
  // AIRESPACE-WIRELESS-MIB bsnDot11EssTable: per-SSID station counts over the controller's APs
  const perSsid = new Array<number>(nS).fill(0)
  for (let j = 0; j < minute.clients.length; j++) if (mine.has(minute.ap[j]!)) perSsid[minute.vap[j]! % nS]!++
  for (let k = 0; k < nS; k++) {
    const i = k + 1
    e.push([`1.3.6.1.4.1.14179.2.1.1.1.2.${i}`, str(ssids[k]!)]) // bsnDot11EssSsid
    e.push([`1.3.6.1.4.1.14179.2.1.1.1.38.${i}`, c32(perSsid[k]!)]) // bsnDot11EssNumberOfMobileStations
  }
  // bsnMobileStationStatsTable counts per association (a real WLC zeroes a station's counters
  // when it associates); a reboot of the controller or of the station's AP drops every
  // association, so counting restarts at the reboot minute, as the AP's own counters do
  const stations = model.stations(s.m)
  const sinceReboot = stationRebootCut(ctx, device, s)
  // bsnMobileStationTable: one row per associated client, indexed by its MAC
  for (let j = 0; j < minute.clients.length; j++) {
    const ap = minute.ap[j]!
    if (!mine.has(ap)) continue
    const cl = model.clients[minute.clients[j]!]!
    const idx = macArcs(cl.macBytes)
    const vap = minute.vap[j]!
    const apDev = model.topo.aps[ap]!
    e.push([`1.3.6.1.4.1.14179.2.1.4.1.1.${idx}`, str(cl.macBytes)]) // bsnMobileStationMacAddress
    e.push([`1.3.6.1.4.1.14179.2.1.4.1.2.${idx}`, { type: Tag.IpAddress, value: `10.${64 + (cl.id >> 16)}.${(cl.id >> 8) & 0xff}.${cl.id & 0xff}` }]) // bsnMobileStationIpAddress
    e.push([`1.3.6.1.4.1.14179.2.1.4.1.4.${idx}`, str(model.apMac(apDev.id))]) // bsnMobileStationAPMacAddr
    e.push([`1.3.6.1.4.1.14179.2.1.4.1.5.${idx}`, int(Math.floor(vap / nS) === 1 ? 1 : 0)]) // bsnMobileStationAPIfSlotId
    e.push([`1.3.6.1.4.1.14179.2.1.4.1.6.${idx}`, int((vap % nS) + 1)]) // bsnMobileStationEssIndex
    e.push([`1.3.6.1.4.1.14179.2.1.4.1.7.${idx}`, str(ssids[vap % nS]!)]) // bsnMobileStationSsid
    let down = stations.down[j]!
    let up = stations.up[j]!
    const cut = sinceReboot(ap)
    if (cut !== null && stations.since[j]! < cut.minute) {
      // the association began before the reboot: only what came after counts
      const i = cut.position.get(cl.id)!
      down -= cut.counters.down[i]!
      up -= cut.counters.up[i]!
    }
    // Counter64 in AIRESPACE-WIRELESS-MIB; received = from the station (its upload), sent = to it
    e.push([`1.3.6.1.4.1.14179.2.1.6.1.2.${idx}`, c64(up)]) // bsnMobileStationBytesReceived
    e.push([`1.3.6.1.4.1.14179.2.1.6.1.3.${idx}`, c64(down)]) // bsnMobileStationBytesSent
  }
  // bsnAPTable and bsnAPIfTable: the joined APs (a disassociated AP leaves the table, as on a WLC)
  for (const ap of [...mine].sort((a, b) => a - b)) {
    const d = model.topo.aps[ap]!
    const mac = model.apMac(d.id)
    const idx = macArcs(mac)
    e.push([`1.3.6.1.4.1.14179.2.2.1.1.1.${idx}`, str(mac)]) // bsnAPDot3MacAddress
    e.push([`1.3.6.1.4.1.14179.2.2.1.1.2.${idx}`, int(2)]) // bsnAPNumOfSlots
    e.push([`1.3.6.1.4.1.14179.2.2.1.1.3.${idx}`, str(d.controllerApName ?? d.name)]) // bsnAPName
    e.push([`1.3.6.1.4.1.14179.2.2.1.1.6.${idx}`, int(1)]) // bsnAPOperationStatus: associated(1)
    e.push([`1.3.6.1.4.1.14179.2.2.1.1.16.${idx}`, str(d.model ?? 'AIR-AP1562E-B-K9')]) // bsnAPModel
    for (const slot of [0, 1]) {
      let users = 0
      for (let k = 0; k < nS; k++) users += minute.agg[(ap * model.nVap + (slot * nS + k)) * 3]!
      const sidx = `${idx}.${slot}`
      e.push([`1.3.6.1.4.1.14179.2.2.2.1.1.${sidx}`, gauge(slot)]) // bsnAPIfSlotId
      e.push([`1.3.6.1.4.1.14179.2.2.2.1.2.${sidx}`, int(slot ? 2 : 1)]) // bsnAPIfType: dot11b(1), dot11a(2)
      e.push([`1.3.6.1.4.1.14179.2.2.2.1.4.${sidx}`, int(slot ? 36 + 4 * (hash(model.options.seed, 70, ap) % 4) : 1 + 5 * (hash(model.options.seed, 71, ap) % 3))]) // bsnAPIfPhyChannelNumber
      e.push([`1.3.6.1.4.1.14179.2.2.2.1.15.${sidx}`, c32(users)]) // bsnApIfNoOfUsers
    }
    lwappAp(ctx, device, s, ap, idx, e)
  }
}

/**
 * CISCO-LWAPP-AP-MIB for one joined AP: cLApTable (indexed by cLApSysMacAddress, the radio
 * MAC that also indexes bsnAPTable) and cLApEthernetIfTable (cLApSysMacAddress . cLApEthernetIfSlotId).
 * The Ethernet counters are the AP's own cumulative traffic, whoever the stations were: they
 * equal the sum of the AP's VAP bytes (what truth.bytes(ap) counts). An AP reboot or a
 * controller reboot (the AP re-joins) restarts them from zero, and cLLwappUpTime, the time
 * since the AP joined, restarts with them, which is how a poller tells a reset from a wrap.
 */
function lwappAp(ctx: ViewContext, controller: Device, s: BuildState, ap: number, idx: string, e: [string, EntryValue][]): void {
  const { model, faults } = ctx
  const d = model.topo.aps[ap]!
  const apReboot = faults.lastReboot(d.id, s.tMs)
  const ctlReboot = faults.lastReboot(controller.id, s.tMs)
  const r = Math.max(apReboot ?? -Infinity, ctlReboot ?? -Infinity)
  const rebootCum = Number.isFinite(r) ? model.cumulative(Math.floor(r / MINUTE_MS)) : null
  const joinedMs = Math.max(bootMs(ctx, d, s.tMs), bootMs(ctx, controller, s.tMs))
  const apBoot = bootMs(ctx, d, s.tMs)
  const sum = sumAps(model, [ap])
  const down = counterAt(ctx, d, 200, s.m, (cum) => sum(cum)[0], s.cum, rebootCum)
  const up = counterAt(ctx, d, 201, s.m, (cum) => sum(cum)[1], s.cum, rebootCum)
  e.push([`1.3.6.1.4.1.9.9.513.1.1.1.1.1.${idx}`, str(model.apMac(d.id))]) // cLApSysMacAddress
  e.push([`1.3.6.1.4.1.9.9.513.1.1.1.1.5.${idx}`, str(d.controllerApName ?? d.name)]) // cLApName
  e.push([`1.3.6.1.4.1.9.9.513.1.1.1.1.6.${idx}`, () => ticks(Math.max(0, Math.floor((ctx.now() - apBoot) / 10)))]) // cLApUpTime (TimeTicks)
  e.push([`1.3.6.1.4.1.9.9.513.1.1.1.1.7.${idx}`, () => ticks(Math.max(0, Math.floor((ctx.now() - joinedMs) / 10)))]) // cLLwappUpTime (TimeTicks)
  const sidx = `${idx}.0` // one Ethernet port, slot 0
  e.push([`1.3.6.1.4.1.9.9.513.1.2.2.1.2.${sidx}`, str('GigabitEthernet0')]) // cLApEthernetIfName
  e.push([`1.3.6.1.4.1.9.9.513.1.2.2.1.5.${sidx}`, int(1)]) // cLApEthernetIfOperStatus: up(1)
  // Counter32 in the MIB. Received on the wire = what goes out to the stations (their
  // download); transmitted to the wire = what the stations sent (their upload).
  e.push([`1.3.6.1.4.1.9.9.513.1.2.2.1.13.${sidx}`, c32(down)]) // cLApEthernetIfRxTotalBytes
  e.push([`1.3.6.1.4.1.9.9.513.1.2.2.1.14.${sidx}`, c32(up)]) // cLApEthernetIfTxTotalBytes
}

/**
 * For a station on a given AP: the minute of the latest reboot of the controller or that AP
 * (null: none), the station counters then, and each client's position in them. Any station
 * still associated since before that minute was online at it, so it has a position there.
 */
function stationRebootCut(ctx: ViewContext, controller: Device, s: BuildState): (ap: number) => { minute: number; counters: StationCounters; position: Map<number, number> } | null {
  const { model, faults } = ctx
  const ownReboot = faults.lastReboot(controller.id, s.tMs)
  const byMinute = new Map<number, { minute: number; counters: StationCounters; position: Map<number, number> }>()
  const atMinute = (m: number) => {
    let hit = byMinute.get(m)
    if (!hit) {
      const st = model.minute(m)
      const position = new Map<number, number>()
      for (let i = 0; i < st.clients.length; i++) position.set(st.clients[i]!, i)
      byMinute.set(m, (hit = { minute: m, counters: model.stations(m), position }))
    }
    return hit
  }
  return (ap) => {
    const apReboot = faults.lastReboot(model.topo.aps[ap]!.id, s.tMs)
    const r = Math.max(ownReboot ?? -Infinity, apReboot ?? -Infinity)
    if (!Number.isFinite(r)) return null
    return atMinute(Math.floor(r / MINUTE_MS))
  }
}

const SWITCH_DESCR = 'Cisco IOS Software, C2960X Software (C2960X-UNIVERSALK9-M), Version 15.2(7)E4, RELEASE SOFTWARE (fc2)'
const ROUTER_DESCR = 'Cisco IOS Software [Amsterdam], ASR920 Software (PPC_LINUX_IOSD-UNIVERSALK9_NPE-M), Version 17.3.4, RELEASE SOFTWARE (fc1)'

function switchView(ctx: ViewContext, device: Device, s: BuildState, e: [string, EntryValue][]): void {
  const isRouter = device.kind === 'router'
  addSystem(e, ctx, device, isRouter ? ROUTER_DESCR : device.kind === 'olt' ? `${SWITCH_DESCR} (OLT)` : SWITCH_DESCR, SYS_OBJECT_ID[device.kind as 'switch' | 'router' | 'olt'] ?? SYS_OBJECT_ID.switch, s.tMs)
  const rows = portRows(ctx, device, s)
  const vlan = rows.length + 1
  if (!isRouter) rows.push({ ifIndex: vlan, name: 'Vl1', descr: 'Vlan1', type: 53, speedBps: 1e9, mac: portMac(ctx, device, 0), oper: 1, inOctets: 0, outOctets: 0, alias: 'management' })
  addIfMib(e, rows)
  // ENTITY-MIB: the chassis, then per optical port a container, the transceiver and its sensors
  e.push(['1.3.6.1.2.1.47.1.1.1.1.2.1', str(isRouter ? 'Cisco ASR920 Series Router' : 'WS-C2960X-48FPD-L')]) // entPhysicalDescr
  e.push(['1.3.6.1.2.1.47.1.1.1.1.4.1', int(0)]) // entPhysicalContainedIn
  e.push(['1.3.6.1.2.1.47.1.1.1.1.5.1', int(3)]) // entPhysicalClass: chassis(3)
  e.push(['1.3.6.1.2.1.47.1.1.1.1.7.1', str(isRouter ? 'Chassis' : 'Switch 1')]) // entPhysicalName
  const ports = ctx.model.topo.ports.get(device.id) ?? []
  for (const p of ports) {
    const o = ctx.model.optics(device.id, p, s.tMs)
    if (!o) continue
    const base = 1000 + p.ifIndex * 10
    const long = longPortName(p.name)
    const phys: [number, string, string, number, number][] = [
      // index, name, descr, class, containedIn
      [base, `${long} Container`, 'TenGigabitEthernet Container', 5, 1],
      [base + 1, long, '10GBASE-LR SFP+ Module', 10, base],
      [base + 2, `${p.name} Module Temperature Sensor`, `${long} Module Temperature Sensor`, 8, base + 1],
      [base + 3, `${p.name} Supply Voltage Sensor`, `${long} Supply Voltage Sensor`, 8, base + 1],
      [base + 4, `${p.name} Bias Current Sensor`, `${long} Bias Current Sensor`, 8, base + 1],
      [base + 5, `${p.name} Transmit Power Sensor`, `${long} Transmit Power Sensor`, 8, base + 1],
      [base + 6, `${p.name} Receive Power Sensor`, `${long} Receive Power Sensor`, 8, base + 1],
    ]
    for (const [i, name, descr, cls, parent] of phys) {
      e.push([`1.3.6.1.2.1.47.1.1.1.1.2.${i}`, str(descr)]) // entPhysicalDescr
      e.push([`1.3.6.1.2.1.47.1.1.1.1.4.${i}`, int(parent)]) // entPhysicalContainedIn
      e.push([`1.3.6.1.2.1.47.1.1.1.1.5.${i}`, int(cls)]) // entPhysicalClass
      e.push([`1.3.6.1.2.1.47.1.1.1.1.7.${i}`, str(name)]) // entPhysicalName
    }
    // entAliasMappingIdentifier: the transceiver is this ifIndex
    e.push([`1.3.6.1.2.1.47.1.3.2.1.2.${base + 1}.0`, oidv(`1.3.6.1.2.1.2.2.1.1.${p.ifIndex}`)])
    const temp = 30 + (hash(ctx.model.options.seed, 80, strHash(device.id), p.ifIndex) % 80) / 10
    // [index, type, scale, precision, value]: types celsius(8), voltsDC(4), amperes(5), dBm(14); scale units(9), milli(8)
    const sensors: [number, number, number, number, number, string][] = [
      [base + 2, 8, 9, 1, Math.round(temp * 10), 'C'],
      [base + 3, 4, 9, 2, 330, 'V'],
      [base + 4, 5, 8, 1, 61, 'mA'],
      [base + 5, 14, 9, 1, Math.round(o.txDbm * 10), 'dBm'],
      [base + 6, 14, 9, 1, Math.round(o.rxDbm * 10), 'dBm'],
    ]
    for (const [i, type, scale, prec, value, units] of sensors) {
      // CISCO-ENTITY-SENSOR-MIB entSensorValueTable
      e.push([`1.3.6.1.4.1.9.9.91.1.1.1.1.1.${i}`, int(type)]) // entSensorType
      e.push([`1.3.6.1.4.1.9.9.91.1.1.1.1.2.${i}`, int(scale)]) // entSensorScale
      e.push([`1.3.6.1.4.1.9.9.91.1.1.1.1.3.${i}`, int(prec)]) // entSensorPrecision
      e.push([`1.3.6.1.4.1.9.9.91.1.1.1.1.4.${i}`, int(value)]) // entSensorValue
      e.push([`1.3.6.1.4.1.9.9.91.1.1.1.1.5.${i}`, int(1)]) // entSensorStatus: ok(1)
      // ENTITY-SENSOR-MIB entPhySensorTable (RFC 3433): same sensors, standard MIB
      e.push([`1.3.6.1.2.1.99.1.1.1.1.${i}`, int(type)]) // entPhySensorType
      e.push([`1.3.6.1.2.1.99.1.1.1.2.${i}`, int(scale)]) // entPhySensorScale
      e.push([`1.3.6.1.2.1.99.1.1.1.3.${i}`, int(prec)]) // entPhySensorPrecision
      e.push([`1.3.6.1.2.1.99.1.1.1.4.${i}`, int(value)]) // entPhySensorValue
      e.push([`1.3.6.1.2.1.99.1.1.1.5.${i}`, int(1)]) // entPhySensorOperStatus: ok(1)
      e.push([`1.3.6.1.2.1.99.1.1.1.6.${i}`, str(units)]) // entPhySensorUnitsDisplay
    }
  }
}
