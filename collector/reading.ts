/**
 * What one poll of one device yields (DeviceReading), and the interpreter that turns a
 * profile's reads into it over an open SNMP session. Only the subtrees a profile names are
 * walked; joined names (an AP name for a radio row, a sensor's entPhysicalName) are fetched by
 * GET for the rows that need them.
 */
import { CollectorError, SnmpProtocolError } from './errors.ts'
import { profileReads } from './profiles/index.ts'
import type {
  ApsRead,
  BreakdownKind,
  ClientsRowCountByRead,
  ClientsTableRead,
  Column,
  DeviceProfile,
  EntitySensorOpticsRead,
  HostResourcesRead,
  InterfacesRead,
  NameSource,
  OpticsTableRead,
  PowerUnit,
  StationsRead,
} from './profiles/types.ts'
import { asBigInt, asNumber, asText, type SnmpSession, type SnmpVarbind } from './snmp/session.ts'
import { bufferToMac, indexOf, indexToMac, inSubtree, macBufferToIndex, sliceIndex } from './snmp/oid.ts'

export interface ClientBreakdown {
  kind: BreakdownKind
  name: string
  value: number
}

export interface OpticsReading {
  port: string
  /** null where the port reports no light, no module, or no value */
  rxDbm: number | null
  txDbm: number | null
}

import type { OperStatus } from './profiles/types.ts'
export type { OperStatus }

export interface InterfaceReading {
  ifIndex: number
  name: string
  operStatus: OperStatus | null
  /** 64-bit counters where the agent has them (ifHCInOctets), else 32-bit (ifInOctets); null when neither */
  inOctets: bigint | null
  outOctets: bigint | null
  /** true when the octets are 32-bit counters (wrap at 2^32) */
  counter32: boolean
}

/** One associated client. `mac` is raw personal data: hash it at once, never log or store it. */
export interface StationReading {
  mac: string
  ap?: string
  ssid?: string
  bytes?: bigint
}

export interface ApReading {
  name: string
  mac?: string
  /** null when the controller does not say */
  up: boolean | null
  clients: number | null
  /** the AP's own byte counters per port slot (absent: the controller does not serve them) */
  octets?: { slot: string; inOctets: bigint | null; outOctets: bigint | null }[]
  /** true when `octets` are Counter32 (wrap at 2^32) */
  counter32?: boolean
  /** hundredths of a second since the AP's counters last restarted (cLLwappUpTime); null when not served */
  resetUptimeTicks?: number | null
}

export interface DeviceReading {
  sysObjectID: string
  sysDescr: string
  sysName: string
  sysUpTimeTicks: number | null
  /** profile id */
  profile: string
  /** how the profile was chosen */
  profileMatchedBy: 'sysObjectID' | 'sysDescr' | 'tables' | 'generic' | 'forced'
  clients: { total: number | null; breakdown: ClientBreakdown[] }
  optics: OpticsReading[]
  interfaces: InterfaceReading[]
  stations?: StationReading[]
  aps?: ApReading[]
  system?: { cpuLoadPct: number | null; memUsedPct: number | null }
  /** reads that failed without failing the poll (an agent error on one table) */
  warnings: string[]
  /** wall time of the poll */
  durationMs: number
  /** SNMP requests sent, and whether this agent needed the GETNEXT fallback */
  requests: number
  bulkFallback: boolean
  /** how the poll went, read by read: only when asked for (`civicnet poll --explain`) */
  explain?: PollExplain
}

/** One column the poll fetched: walked whole, or read by GET at some rows (or as a scalar). */
export interface ColumnTrace {
  oid: string
  name: string
  how: 'walk' | 'get'
  /** instances the agent answered (rows of a walk; values a GET found) */
  rows: number
  /** by GET: instances asked */
  asked?: number
}

/** One read of the profile and how much it gave (0: found nothing). */
export interface ReadTrace {
  read: string
  /** entries it gave: breakdown rows, optics ports, interfaces, APs, stations, a total (1) */
  found: number
  /** the agent's error, when the read failed and became a warning */
  warning?: string
}

/** What `--explain` shows: why this profile, what was fetched, what found nothing, what it cost. */
export interface PollExplain {
  match: {
    profile: string
    by: DeviceReading['profileMatchedBy']
    prefix?: string
    pattern?: string
    table?: { oid: string; name: string; answeredOid: string }
    /** columns asked in the table probe (0: none was sent) */
    tablesProbed: number
  }
  /** in the order first fetched */
  columns: ColumnTrace[]
  reads: ReadTrace[]
  /** SNMP requests: the system group, the table probe, the profile's reads */
  requests: { system: number; match: number; reads: number; total: number }
}

/** The readings a profile yields, before identity is added. */
export type ProfileResult = Pick<DeviceReading, 'clients' | 'optics' | 'interfaces' | 'stations' | 'aps' | 'system' | 'warnings'>

type Rows = Map<string, SnmpVarbind>

/**
 * Walk/GET cache for one poll: each column is walked once however many reads use it. With a
 * `trace` (--explain) it records every column fetched and how many instances answered;
 * without one it records nothing.
 */
class Fetcher {
  private readonly walks = new Map<string, Promise<Rows>>()
  private readonly gets = new Map<string, Map<string, SnmpVarbind | undefined>>()
  constructor(
    private readonly session: SnmpSession,
    private readonly trace: ColumnTrace[] | null = null,
  ) {}

  private traced(col: Column, how: 'walk' | 'get'): ColumnTrace | null {
    if (!this.trace) return null
    let t = this.trace.find((x) => x.oid === col.oid && x.how === how)
    if (!t) this.trace.push((t = how === 'walk' ? { oid: col.oid, name: col.name, how, rows: 0 } : { oid: col.oid, name: col.name, how, rows: 0, asked: 0 }))
    return t
  }

  column(col: Column): Promise<Rows> {
    let p = this.walks.get(col.oid)
    if (!p) {
      const t = this.traced(col, 'walk')
      p = this.session.walk(col.oid).then((vbs) => {
        const rows: Rows = new Map()
        for (const vb of vbs) if (inSubtree(col.oid, vb.oid)) rows.set(indexOf(col.oid, vb.oid), vb)
        if (t) t.rows = rows.size
        return rows
      })
      this.walks.set(col.oid, p)
    }
    return p
  }

  /** Values of a column at given indexes: from a walk already made, else by GET. */
  async lookup(col: Column, indexes: Iterable<string>): Promise<Map<string, SnmpVarbind | undefined>> {
    const wanted = [...new Set(indexes)].filter((i) => i.length > 0)
    const walked = this.walks.get(col.oid)
    if (walked) {
      const rows = await walked
      return new Map(wanted.map((i) => [i, rows.get(i)]))
    }
    let cache = this.gets.get(col.oid)
    if (!cache) this.gets.set(col.oid, (cache = new Map()))
    const missing = wanted.filter((i) => !cache.has(i))
    if (missing.length > 0) {
      const t = this.traced(col, 'get')
      const vbs = await this.session.get(missing.map((i) => `${col.oid}.${i}`))
      missing.forEach((i, n) => {
        const vb = vbs[n]
        cache.set(i, vb && vb.value !== null ? vb : undefined)
        if (t && vb && vb.value !== null) t.rows++
      })
      if (t) t.asked! += missing.length
    }
    return new Map(wanted.map((i) => [i, cache.get(i)]))
  }

  async scalar(col: Column): Promise<SnmpVarbind | undefined> {
    const t = this.traced(col, 'get')
    const [vb] = await this.session.get([col.oid])
    const found = vb && vb.value !== null ? vb : undefined
    if (t) {
      t.asked! += 1
      if (found) t.rows++
    }
    return found
  }
}

const OPER_STATUS: Record<number, OperStatus> = {
  1: 'up',
  2: 'down',
  3: 'testing',
  4: 'unknown',
  5: 'dormant',
  6: 'notPresent',
  7: 'lowerLayerDown',
}

/** SensorDataScale (ENTITY-SENSOR-MIB) -> power of ten */
// yocto(1) 10^-24 .. units(9) .. yotta(17) 10^24, one power of 1000 per step (RFC 3433 names
// 14 and 15 'exa' and 'peta' but its comments, and the order, give them 10^15 and 10^18)
const SCALE_EXP: Record<number, number> = { 1: -24, 2: -21, 3: -18, 4: -15, 5: -12, 6: -9, 7: -6, 8: -3, 9: 0, 10: 3, 11: 6, 12: 9, 13: 12, 14: 15, 15: 18, 16: 21, 17: 24 }

const round3 = (x: number) => Math.round(x * 1000) / 1000
const round6 = (x: number) => Math.round(x * 1e6) / 1e6

/** The OID index form of a value used as a key into another table (a MAC, an integer, text). */
function valueAsIndex(vb: SnmpVarbind | undefined): string | null {
  if (!vb) return null
  if (Buffer.isBuffer(vb.value)) return macBufferToIndex(vb.value) ?? [...vb.value].join('.')
  if (typeof vb.value === 'number') return String(vb.value)
  if (typeof vb.value === 'string') return vb.value
  return null
}

async function resolveNames(f: Fetcher, src: NameSource, indexes: string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>()
  const slice = (i: string) => (src.indexSlice ? sliceIndex(i, src.indexSlice[0], src.indexSlice[1]) : i)
  const mapped = (s: string | null) => (s !== null && src.map && src.map[s] !== undefined ? src.map[s]! : s)
  if ('index' in src) {
    for (const i of indexes) {
      const key = slice(i)
      const arcs = key.split('.')
      const base = src.format === 'mac' ? (indexToMac(key) ?? key) : src.format === 'text' ? (indexToText(key) ?? key) : src.template ? src.template.replace(/\{(\d+)\}/g, (_, n: string) => arcs[Number(n)] ?? '') : key
      out.set(i, (src.prefix ?? '') + mapped(base))
    }
    return out
  }
  const keys = new Map<string, string | null>()
  if (src.viaValueOf) {
    const via = await f.lookup(src.viaValueOf, indexes)
    for (const i of indexes) keys.set(i, valueAsIndex(via.get(i)))
  } else {
    for (const i of indexes) keys.set(i, slice(i))
  }
  const names = await f.lookup(src.column, [...keys.values()].filter((k): k is string => k !== null))
  const strip = src.stripPattern ? new RegExp(src.stripPattern, 'gi') : null
  for (const i of indexes) {
    const k = keys.get(i)
    const vb = k ? names.get(k) : undefined
    let text = !vb ? null : vb.type === 'octets' ? asText(vb) : typeof vb.value === 'number' ? String(vb.value) : asText(vb)
    if (text !== null && strip) text = text.replace(strip, ' ').replace(/\s+/g, ' ').trim()
    const name = mapped(text)
    out.set(i, name !== null && src.append ? name + src.append.text + sliceIndex(i, src.append.indexSlice[0], src.append.indexSlice[1]) : name)
  }
  return out
}

function clientCount(vb: SnmpVarbind | undefined): number | null {
  const n = asNumber(vb)
  return n !== null && Number.isInteger(n) && n >= 0 ? n : null
}

/** Station rows counted by the text of one column; `listed` names start at 0. */
async function readClientsRowCountBy(f: Fetcher, r: ClientsRowCountByRead): Promise<ClientBreakdown[]> {
  const [rows, listed] = await Promise.all([f.column(r.by), r.listed ? f.column(r.listed) : Promise.resolve(new Map() as Rows)])
  const skip = r.skipPattern ? new RegExp(r.skipPattern, 'i') : null
  const counts = new Map<string, number>()
  for (const vb of listed.values()) {
    const name = asText(vb)
    if (name !== null && !skip?.test(name) && !counts.has(name)) counts.set(name, 0)
  }
  for (const vb of rows.values()) {
    const name = asText(vb)
    if (name !== null && !skip?.test(name)) counts.set(name, (counts.get(name) ?? 0) + 1)
  }
  return [...counts].map(([name, value]) => ({ kind: r.kind, name, value }))
}

/** An OCTET STRING row index (length arc then bytes, or IMPLIED: bytes only) as UTF-8 text; null when it is not one. */
function indexToText(index: string): string | null {
  const arcs = index.split('.').map(Number)
  if (arcs.length === 0 || arcs.some((a) => !Number.isInteger(a) || a < 0 || a > 255)) return null
  const bytes = arcs[0] === arcs.length - 1 ? arcs.slice(1) : arcs
  return Buffer.from(bytes).toString('utf8')
}

async function readClientsTable(f: Fetcher, r: ClientsTableRead): Promise<ClientBreakdown[]> {
  const columns = await Promise.all([r.value, ...(r.addValues ?? [])].map((c) => f.column(c)))
  const indexes = [...new Set(columns.flatMap((rows) => [...rows.keys()]))]
  if (indexes.length === 0) return []
  const names = await resolveNames(f, r.name, indexes)
  const only = r.namePattern !== undefined ? new RegExp(r.namePattern, 'i') : null
  const out: ClientBreakdown[] = []
  const byName = new Map<string, ClientBreakdown>()
  for (const i of indexes) {
    // addValues: the row's count is the sum of its columns that answer
    const counts = columns.map((rows) => clientCount(rows.get(i))).filter((n): n is number => n !== null)
    if (counts.length === 0) continue
    const value = counts.reduce((a, b) => a + b, 0)
    let name = names.get(i) ?? `#${i}`
    if (only) {
      const m = only.exec(name)
      if (!m) continue
      if (m[1] !== undefined) name = m[1]
    }
    if (r.aggregate === 'sum') {
      const e = byName.get(name)
      if (e) e.value += value
      else {
        const n = { kind: r.kind, name, value }
        byName.set(name, n)
        out.push(n)
      }
    } else {
      out.push({ kind: r.kind, name, value })
    }
  }
  return out
}

function toDbm(raw: SnmpVarbind | undefined, unit: PowerUnit, divisor: number, nullValues: number[]): number | null {
  if (!raw) return null
  if (unit === 'dBm-text') {
    const t = asText(raw)
    // the number marked dBm where the text has several ('0.03 mW (-14.61 dBm)'), else the first
    const m = t ? (/(-?\d+(?:\.\d+)?)\s*dBm/i.exec(t) ?? /(-?\d+(?:\.\d+)?)/.exec(t)) : null
    return m ? round6(Number(m[1]) / divisor) : null
  }
  const n = asNumber(raw)
  if (n === null || nullValues.includes(n)) return null
  const v = n / divisor
  // six decimals here too: a device's -2.974833 dBm (Dell DNOS) rounded to three reads
  // -2.975 and then shows as -2.98 where LibreNMS says -2.97
  if (unit === 'dBm') return round6(v)
  // a logarithm keeps six decimals: rounded to three, -5.73489 dBm would read -5.735 and
  // then show as -5.74 where the device's own display (and LibreNMS) says -5.73
  if (unit === 'mW') return v > 0 ? round6(10 * Math.log10(v)) : null
  return v > 0 ? round6(10 * Math.log10(v / 1000)) : null // uW
}

/**
 * The rx and tx rows of an optics read keyed by the port's index: with `lastArc`, only rows
 * ending in that arc, the arc cut off. Rows whose value is outside `validRange` are left out
 * of the values but still name their port.
 */
async function opticsRows(f: Fetcher, r: OpticsTableRead): Promise<{ rx: Rows; tx: Rows; indexes: string[] }> {
  const indexes = new Set<string>()
  const rows = async (col: Column | undefined, arc: string | undefined): Promise<Rows> => {
    const out: Rows = new Map()
    if (!col) return out
    for (const [i, vb] of await f.column(col)) {
      let key = i
      if (arc !== undefined) {
        const at = i.lastIndexOf('.')
        if (at < 0 || i.slice(at + 1) !== arc) continue
        key = i.slice(0, at)
      }
      indexes.add(key)
      const n = r.validRange ? asNumber(vb) : null
      if (n !== null && ((r.validRange!.min !== undefined && n < r.validRange!.min) || (r.validRange!.max !== undefined && n > r.validRange!.max))) continue
      out.set(key, vb)
    }
    return out
  }
  const [rx, tx] = await Promise.all([rows(r.rx, r.lastArc?.rx), rows(r.tx, r.lastArc?.tx)])
  return { rx, tx, indexes: [...indexes] }
}

/** `merge` reads: fill the directions earlier reads left null for their ports, add the other ports */
function mergeOptics(into: OpticsReading[], more: OpticsReading[]): void {
  for (const o of more) {
    const e = into.find((x) => x.port === o.port)
    if (!e) into.push(o)
    else {
      if (e.rxDbm === null) e.rxDbm = o.rxDbm
      if (e.txDbm === null) e.txDbm = o.txDbm
    }
  }
}

async function readOpticsTable(f: Fetcher, r: OpticsTableRead): Promise<OpticsReading[]> {
  const { rx, tx, indexes } = await opticsRows(f, r)
  if (indexes.length === 0) return []
  const names = await resolveNames(f, r.port, indexes)
  const absent = r.absentWhen ? await f.lookup(r.absentWhen.column, indexes) : null
  const only = r.onlyWhen ? await f.lookup(r.onlyWhen.column, indexes) : null
  const divisor = r.divisor ?? 1
  const nulls = r.nullValues ?? []
  const out = indexes.map((i) => {
    const both = r.absentWhenBoth
    const off =
      (absent !== null && asNumber(absent.get(i)) === r.absentWhen!.equals) ||
      (only !== null && !r.onlyWhen!.equals.includes(asNumber(only.get(i)) ?? NaN)) ||
      (both !== undefined && asNumber(rx.get(i)) === both && asNumber(tx.get(i)) === both)
    return {
      port: names.get(i) ?? `#${i}`,
      rxDbm: off ? null : toDbm(rx.get(i), r.unit, divisor, nulls),
      txDbm: off ? null : toDbm(tx.get(i), r.unit, divisor, nulls),
    }
  })
  return r.lane ? laneReadings(out, indexes.map((i) => sliceIndex(i, r.lane!.indexSlice[0], r.lane!.indexSlice[1]))) : out
}

/** `lane` reads: a port with one lane row reads as the port, one with several as '<port> Lane <n>' each */
function laneReadings(rows: OpticsReading[], lanes: string[]): OpticsReading[] {
  const count = new Map<string, number>()
  for (const o of rows) count.set(o.port, (count.get(o.port) ?? 0) + 1)
  return rows.map((o, n) => (count.get(o.port)! > 1 ? { ...o, port: `${o.port} Lane ${lanes[n]}` } : o))
}

/** RFC 3433 EntitySensorPrecision: 1..9 fractional digits; 0 and -8..-1 (accurate digits) shift nothing */
function sensorPrecision(vb: SnmpVarbind | undefined): number {
  const p = asNumber(vb)
  return p !== null && Number.isInteger(p) && p > 0 && p <= 9 ? p : 0
}

/** PHP ucwords for words of letters only: 'subslot 0/0 transceiver 0' -> 'Subslot 0/0 Transceiver 0' */
function capitalizeLetterWords(s: string): string {
  return s.replace(/(^|\s)([a-z])([a-z]*)(?=\s|$)/g, (_m, sp: string, c: string, rest: string) => sp + c.toUpperCase() + rest)
}

/**
 * Transceiver power from entity sensors. A sensor is optics when its type is dBm or watts
 * (or a `dbmWhenNamed` type with a matching name) and its name says receive or transmit; its
 * name is entPhysicalName, or entPhysicalDescr where the name is empty. The port is that name
 * with the direction and power words (and a lane) removed, or the containing entity's name
 * where nothing is left. A value becomes dBm through SensorDataScale and precision (watts:
 * 10*log10(mW)); a status other than ok(1), a `nullValues` raw value, or 0 W or less is no
 * reading (null), never a number.
 */
async function readEntitySensorOptics(f: Fetcher, r: EntitySensorOpticsRead): Promise<OpticsReading[]> {
  const types = await f.column(r.sensorType)
  const namedTypes = r.dbmWhenNamed?.types ?? []
  const typeOf = new Map<string, number>()
  for (const [i, vb] of types) {
    const t = asNumber(vb)
    if (t !== null && (r.dbmTypes.includes(t) || r.wattTypes.includes(t) || namedTypes.includes(t))) typeOf.set(i, t)
  }
  if (typeOf.size === 0) return []
  const candidates = [...typeOf.keys()]
  const entNames = await f.lookup(r.entityName, candidates)
  const nameOf = new Map<string, string>(candidates.map((i) => [i, asText(entNames.get(i)) ?? '']))
  const unnamed = candidates.filter((i) => nameOf.get(i) === '')
  if (r.entityDescr && unnamed.length > 0) {
    const descrs = await f.lookup(r.entityDescr, unnamed)
    for (const i of unnamed) nameOf.set(i, asText(descrs.get(i)) ?? '')
  }
  const rxRe = new RegExp(r.rxPattern, 'i')
  const txRe = new RegExp(r.txPattern, 'i')
  const nameRe = r.namePattern ? new RegExp(r.namePattern, 'i') : null
  const namedRe = r.dbmWhenNamed ? new RegExp(r.dbmWhenNamed.pattern, 'i') : null
  const laneRe = r.lanePattern ? new RegExp(r.lanePattern, 'i') : null
  const stripRe = new RegExp(r.portStripPattern, 'gi')
  const portText = (s: string) => {
    const p = s.replace(stripRe, ' ').replace(/\s+/g, ' ').trim().replace(/^[\s\-:,]+|[\s\-:,]+$/g, '')
    return r.capitalizeWords ? capitalizeLetterWords(p) : p
  }

  interface Sensor { i: string; dir: 'rxDbm' | 'txDbm'; port: string; lane: string | null; dbm: boolean }
  const sensors: Sensor[] = []
  for (const i of candidates) {
    const name = nameOf.get(i)!
    const t = typeOf.get(i)!
    if (nameRe && !nameRe.test(name)) continue
    const isDbm = r.dbmTypes.includes(t)
    if (!isDbm && !r.wattTypes.includes(t) && !namedRe?.test(name)) continue
    const dir = rxRe.test(name) ? 'rxDbm' : txRe.test(name) ? 'txDbm' : null
    if (!dir) continue
    const lm = laneRe ? laneRe.exec(name) : null
    const lane = lm ? (lm[1] ?? '') : null
    sensors.push({ i, dir, port: portText(lm ? name.replace(laneRe!, ' ') : name), lane, dbm: isDbm || !r.wattTypes.includes(t) })
  }
  if (sensors.length === 0) return []
  const portless = sensors.filter((s) => s.port === '')
  if (r.containedIn && portless.length > 0) {
    const parents = await f.lookup(r.containedIn, portless.map((s) => s.i))
    const parentOf = new Map(portless.map((s) => [s.i, valueAsIndex(parents.get(s.i))]))
    const pidx = [...new Set([...parentOf.values()].filter((p): p is string => p !== null && p !== '0'))]
    const pNames = await f.lookup(r.entityName, pidx)
    const pDescrs = r.entityDescr ? await f.lookup(r.entityDescr, pidx) : null
    for (const s of portless) {
      const p = parentOf.get(s.i)
      if (!p) continue
      s.port = portText(asText(pNames.get(p)) || asText(pDescrs?.get(p)) || '')
    }
  }
  const indexes = sensors.map((s) => s.i)
  const [scale, precision, value, status] = await Promise.all([
    f.lookup(r.scale, indexes),
    f.lookup(r.precision, indexes),
    f.lookup(r.value, indexes),
    r.status ? f.lookup(r.status, indexes) : Promise.resolve(null),
  ])
  const nulls = r.nullValues ?? []
  const dbmOf = (s: Sensor): number | null => {
    const raw = asNumber(value.get(s.i))
    // ok(1); unavailable(2) and nonoperational(3) mean no reading. Agents that leave the
    // status column out (the 2960X recording) are taken at their value.
    const st = status ? asNumber(status.get(s.i)) : null
    if (raw === null || nulls.includes(raw) || (st !== null && st !== 1)) return null
    const exp = SCALE_EXP[asNumber(scale.get(s.i)) ?? 9] ?? 0
    const v = (raw * 10 ** exp) / 10 ** sensorPrecision(precision.get(s.i))
    // watts: a 0 W (or negative) reading is no light, which has no dBm; the logarithm keeps
    // three decimals, as LibreNMS's entity-sensor discovery rounds it. A dBm value keeps six,
    // so a fixed-point -2.974835 is not rounded twice on the way to a display's two
    if (s.dbm) return round6(v)
    return v > 0 ? round3(10 * Math.log10(v * 1000)) : null
  }

  // per port and direction: the port-level sensor, else its lanes
  type Slot = { level: Sensor | null; lanes: Map<string, Sensor> }
  const byPort = new Map<string, Record<'rxDbm' | 'txDbm', Slot>>()
  for (const s of sensors) {
    const port = s.port || `#${s.i}`
    let e = byPort.get(port)
    if (!e) byPort.set(port, (e = { rxDbm: { level: null, lanes: new Map() }, txDbm: { level: null, lanes: new Map() } }))
    const slot = e[s.dir]
    if (s.lane === null) slot.level ??= s
    else if (!slot.lanes.has(s.lane)) slot.lanes.set(s.lane, s)
  }
  const out: OpticsReading[] = []
  for (const [port, dirs] of byPort) {
    const base: OpticsReading = { port, rxDbm: null, txDbm: null }
    const laneEntries = new Map<string, OpticsReading>()
    let baseUsed = false
    for (const dir of ['rxDbm', 'txDbm'] as const) {
      const slot = dirs[dir]
      const one = slot.level ?? (slot.lanes.size === 1 ? [...slot.lanes.values()][0]! : null)
      if (one) {
        base[dir] = dbmOf(one)
        baseUsed = true
        continue
      }
      for (const [lane, s] of slot.lanes) {
        const name = `${port} Lane ${lane}`
        let le = laneEntries.get(name)
        if (!le) laneEntries.set(name, (le = { port: name, rxDbm: null, txDbm: null }))
        le[dir] = dbmOf(s)
      }
    }
    if (baseUsed || laneEntries.size === 0) out.push(base)
    out.push(...laneEntries.values())
  }
  return out
}

async function firstNonEmpty(f: Fetcher, cols: Column[]): Promise<Rows> {
  for (const c of cols) {
    const rows = await f.column(c)
    if (rows.size > 0) return rows
  }
  return new Map()
}

/** A vendor interface table's rows keyed by the ifIndex they stand for (`ifIndexSlice`, `ifIndexOffset`). */
function byIfIndex(r: InterfacesRead, rows: Rows): Rows {
  if (!r.ifIndexSlice && !r.ifIndexOffset) return rows
  const out: Rows = new Map()
  for (const [i, vb] of rows) {
    const key = r.ifIndexSlice ? sliceIndex(i, r.ifIndexSlice[0], r.ifIndexSlice[1]) : i
    out.set(/^\d+$/.test(key) ? String(Number(key) + (r.ifIndexOffset ?? 0)) : key, vb)
  }
  return out
}

async function readInterfaces(f: Fetcher, r: InterfacesRead): Promise<InterfaceReading[]> {
  const col = async (c: Column) => byIfIndex(r, await f.column(c))
  const [names, status] = await Promise.all([firstNonEmpty(f, r.name).then((rows) => byIfIndex(r, rows)), col(r.operStatus)])
  const hcIn = await col(r.inOctets[0]!)
  const hcOut = await col(r.outOctets[0]!)
  const indexes = [...new Set([...names.keys(), ...status.keys(), ...hcIn.keys()])].filter((i) => /^\d+$/.test(i))
  // 32-bit counters only for rows the 64-bit columns lack
  const needLow = indexes.some((i) => !hcIn.has(i) || !hcOut.has(i))
  const lowIn = needLow && r.inOctets[1] ? await col(r.inOctets[1]) : new Map() as Rows
  const lowOut = needLow && r.outOctets[1] ? await col(r.outOctets[1]) : new Map() as Rows
  const all = [...new Set([...indexes, ...lowIn.keys()])].filter((i) => /^\d+$/.test(i))
  all.sort((a, b) => Number(a) - Number(b))
  // a zero-length name (RFC 2863: ifName of an interface with no local name) takes the next
  // name column's text for that row (ifDescr), as LibreNMS names such ports
  const named = new Map<string, string>()
  const blank = all.filter((i) => !asText(names.get(i)))
  for (const c of r.name.slice(1)) {
    const rows = blank.some((i) => !named.has(i)) ? await col(c) : null
    if (rows) for (const i of blank) if (!named.has(i) && asText(rows.get(i))) named.set(i, asText(rows.get(i))!)
  }
  return all.map((i) => {
    const hc = hcIn.has(i) && hcOut.has(i)
    const inOctets = hc ? asBigInt(hcIn.get(i)) : asBigInt(lowIn.get(i))
    const outOctets = hc ? asBigInt(hcOut.get(i)) : asBigInt(lowOut.get(i))
    const st = asNumber(status.get(i))
    return {
      ifIndex: Number(i),
      name: named.get(i) ?? asText(names.get(i)) ?? `if${i}`,
      operStatus: st === null ? null : r.operStatusMap ? (r.operStatusMap[String(st)] ?? null) : (OPER_STATUS[st] ?? null),
      inOctets,
      outOctets,
      counter32: !hc && (inOctets !== null || outOctets !== null),
    }
  })
}

async function readHostResources(f: Fetcher, r: HostResourcesRead): Promise<{ cpuLoadPct: number | null; memUsedPct: number | null }> {
  const loads = [...(await f.column(r.processorLoad)).values()].map(asNumber).filter((n): n is number => n !== null)
  const cpuLoadPct = loads.length ? round3(loads.reduce((a, b) => a + b, 0) / loads.length) : null
  const types = await f.column(r.storageType)
  const ram = [...types.entries()].filter(([, vb]) => vb.value === r.ramTypeOid).map(([i]) => i)
  let memUsedPct: number | null = null
  if (ram.length) {
    const [size, used] = await Promise.all([f.lookup(r.storageSize, ram), f.lookup(r.storageUsed, ram)])
    let s = 0
    let u = 0
    for (const i of ram) {
      s += asNumber(size.get(i)) ?? 0
      u += asNumber(used.get(i)) ?? 0
    }
    memUsedPct = s > 0 ? round3((u / s) * 100) : null
  }
  return { cpuLoadPct, memUsedPct }
}

async function readAps(f: Fetcher, r: ApsRead): Promise<ApReading[]> {
  const names = await f.column(r.name)
  const indexes = [...names.keys()]
  if (indexes.length === 0) return []
  const up = r.up ? await f.lookup(r.up.column, indexes) : null
  const clients = new Map<string, number>()
  if (r.clients) {
    const rows = await f.column(r.clients.column)
    const slice = 'indexSlice' in r.clients ? r.clients.indexSlice : null
    for (const [i, vb] of rows) {
      const key = slice ? sliceIndex(i, slice[0], slice[1]) : i
      const n = clientCount(vb)
      if (n !== null) clients.set(key, (clients.get(key) ?? 0) + n)
    }
  }
  const macs = r.mac && 'column' in r.mac ? await f.lookup(r.mac.column, indexes) : null
  // per-AP counters: rows indexed by the AP's index (its first arcs) then the slot
  const octets = new Map<string, { slot: string; inOctets: bigint | null; outOctets: bigint | null }[]>()
  let resetUptime: Map<string, SnmpVarbind | undefined> | null = null
  if (r.bytes) {
    const arcs = indexes[0]!.split('.').length
    const [ins, outs] = await Promise.all([f.column(r.bytes.inOctets), f.column(r.bytes.outOctets)])
    for (const i of new Set([...ins.keys(), ...outs.keys()])) {
      const key = sliceIndex(i, 0, arcs)
      let slots = octets.get(key)
      if (!slots) octets.set(key, (slots = []))
      slots.push({ slot: sliceIndex(i, arcs), inOctets: asBigInt(ins.get(i)), outOctets: asBigInt(outs.get(i)) })
    }
    if (r.bytes.resetUptime) resetUptime = await f.lookup(r.bytes.resetUptime, indexes)
  }
  return indexes.map((i) => {
    const status = up ? asNumber(up.get(i)) : null
    const ap: ApReading = {
      name: asText(names.get(i)) ?? `#${i}`,
      up: status === null ? null : r.up!.upValues.includes(status),
      clients: r.clients ? (clients.get(i) ?? 0) : null,
    }
    const mac = r.mac ? ('index' in r.mac ? indexToMac(i) : macs && Buffer.isBuffer(macs.get(i)?.value) ? bufferToMac(macs.get(i)!.value as Buffer) : null) : null
    if (mac) ap.mac = mac
    const slots = octets.get(i)
    if (r.bytes && slots) {
      ap.octets = slots
      ap.counter32 = r.bytes.counter32
      ap.resetUptimeTicks = resetUptime ? asNumber(resetUptime.get(i)) : null
    }
    return ap
  })
}

async function readStations(f: Fetcher, r: StationsRead): Promise<StationReading[]> {
  const rowsCol = 'column' in r.mac ? r.mac.column : r.mac.rowsFrom
  const rows = await f.column(rowsCol)
  const indexes = [...rows.keys()]
  if (indexes.length === 0) return []
  const [aps, ssids, bytes] = await Promise.all([
    r.ap ? resolveNames(f, r.ap, indexes) : Promise.resolve(null),
    r.ssid ? resolveNames(f, r.ssid, indexes) : Promise.resolve(null),
    Promise.all((r.bytes ?? []).map((c) => f.lookup(c, indexes))),
  ])
  const out: StationReading[] = []
  for (const i of indexes) {
    let mac: string | null
    if ('column' in r.mac) {
      const vb = rows.get(i)
      mac = vb && Buffer.isBuffer(vb.value) ? bufferToMac(vb.value) : null
    } else {
      mac = indexToMac(r.mac.indexSlice ? sliceIndex(i, r.mac.indexSlice[0], r.mac.indexSlice[1]) : i)
    }
    if (!mac) continue // a malformed MAC is skipped, not guessed
    const s: StationReading = { mac }
    const ap = aps?.get(i)
    if (ap) s.ap = ap
    const ssid = ssids?.get(i)
    if (ssid) s.ssid = ssid
    if (bytes.length) {
      let total = 0n
      let any = false
      for (const b of bytes) {
        const v = asBigInt(b.get(i))
        if (v !== null) {
          total += v
          any = true
        }
      }
      if (any) s.bytes = total
    }
    out.push(s)
  }
  return out
}

/**
 * Runs every read of a profile. An agent-side error on one read (genErr, a malformed table)
 * becomes a warning and the others go on; a timeout, auth or reachability failure stops the
 * poll, because the device as a whole is not answering.
 */
export async function readProfile(
  session: SnmpSession,
  profile: DeviceProfile,
  options: { explain?: boolean } = {},
): Promise<ProfileResult & { explain?: Pick<PollExplain, 'columns' | 'reads'> }> {
  const explain: Pick<PollExplain, 'columns' | 'reads'> | null = options.explain ? { columns: [], reads: [] } : null
  const f = new Fetcher(session, explain?.columns ?? null)
  const result: ProfileResult = { clients: { total: null, breakdown: [] }, optics: [], interfaces: [], warnings: [] }
  const reads = profileReads(profile)
  const totals: Array<() => Promise<number | null>> = []
  const attempt = async (what: string, fn: () => Promise<void>) => {
    const before = explain ? resultSize(result) : 0
    try {
      await fn()
      explain?.reads.push({ read: what, found: resultSize(result) - before })
    } catch (err) {
      if (err instanceof CollectorError && !(err instanceof SnmpProtocolError)) throw err
      result.warnings.push(`${what}: ${(err as Error).message}`)
      explain?.reads.push({ read: what, found: 0, warning: (err as Error).message })
    }
  }
  for (const r of reads) {
    switch (r.type) {
      case 'clients':
        await attempt(`clients ${r.kind} (${r.value.name})`, async () => {
          result.clients.breakdown.push(...(await readClientsTable(f, r)))
        })
        break
      case 'clients-total':
        if ('scalar' in r) totals.push(async () => clientCount(await f.scalar(r.scalar)))
        else if ('countOf' in r) totals.push(async () => (await f.column(r.countOf)).size)
        else
          totals.push(async () => {
            const parts = result.clients.breakdown.filter((b) => b.kind === r.sumOf)
            return parts.length ? parts.reduce((a, b) => a + b.value, 0) : null
          })
        break
      case 'clients-count':
        await attempt(`clients ${r.kind} (${r.by.name} rows)`, async () => {
          result.clients.breakdown.push(...(await readClientsRowCountBy(f, r)))
        })
        break
      case 'optics':
        await attempt(`optics (${(r.rx ?? r.tx)?.name})`, async () => {
          const rows = await readOpticsTable(f, r)
          if (r.merge) mergeOptics(result.optics, rows)
          else result.optics.push(...rows)
        })
        break
      case 'optics-entity-sensor':
        await attempt(`optics (${r.value.name})`, async () => {
          result.optics.push(...(await readEntitySensorOptics(f, r)))
        })
        break
      case 'interfaces':
        await attempt('interfaces (IF-MIB)', async () => {
          const rows = await readInterfaces(f, r)
          if (!r.merge) result.interfaces = rows
          else {
            const listed = new Set(result.interfaces.map((x) => x.ifIndex))
            result.interfaces = [...result.interfaces, ...rows.filter((x) => !listed.has(x.ifIndex))].sort((a, b) => a.ifIndex - b.ifIndex)
          }
        })
        break
      case 'host-resources':
        await attempt('host resources', async () => {
          const s = await readHostResources(f, r)
          if (s.cpuLoadPct !== null || s.memUsedPct !== null) result.system = s
        })
        break
      case 'aps':
        await attempt(`aps (${r.name.name})`, async () => {
          // an empty table read without error is an answer: every AP has left the
          // controller (they are down); only a failed read leaves them unknown
          const aps = await readAps(f, r)
          result.aps = [...(result.aps ?? []), ...aps]
        })
        break
      case 'stations':
        await attempt('stations', async () => {
          const st = await readStations(f, r)
          result.stations = [...(result.stations ?? []), ...st]
        })
        break
    }
  }
  // the first total that the device answers wins (a scalar may be absent on some firmware)
  const totalReads = reads.filter((r) => r.type === 'clients-total')
  for (const [n, t] of totals.entries()) {
    let v: number | null = null
    await attempt('clients total', async () => {
      v = await t()
    })
    if (explain) Object.assign(explain.reads.at(-1)!, { read: `clients total (${readSubject(totalReads[n])})`, found: v === null ? 0 : 1 })
    if (v !== null) {
      result.clients.total = v
      break
    }
  }
  return explain ? { ...result, explain } : result
}

/** Entries a result holds, to tell what one read added (--explain only). */
function resultSize(r: ProfileResult): number {
  const system = r.system ? (r.system.cpuLoadPct !== null ? 1 : 0) + (r.system.memUsedPct !== null ? 1 : 0) : 0
  return r.clients.breakdown.length + r.optics.length + r.interfaces.length + (r.aps?.length ?? 0) + (r.stations?.length ?? 0) + system
}

/** What a total is read from: its first column's MIB name, or 'sum of ssid'. */
function readSubject(r: object | undefined): string {
  if (!r) return '?'
  if ('sumOf' in r) return `sum of ${String(r.sumOf)}`
  for (const v of Object.values(r)) if (v && typeof v === 'object' && typeof (v as Column).oid === 'string' && typeof (v as Column).name === 'string') return (v as Column).name
  return (r as { type?: string }).type ?? '?'
}
