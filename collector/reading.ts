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

export type OperStatus = 'up' | 'down' | 'testing' | 'unknown' | 'dormant' | 'notPresent' | 'lowerLayerDown'

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
  profileMatchedBy: 'sysObjectID' | 'sysDescr' | 'generic' | 'forced'
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
}

/** The readings a profile yields, before identity is added. */
export type ProfileResult = Pick<DeviceReading, 'clients' | 'optics' | 'interfaces' | 'stations' | 'aps' | 'system' | 'warnings'>

type Rows = Map<string, SnmpVarbind>

/** Walk/GET cache for one poll: each column is walked once however many reads use it. */
class Fetcher {
  private readonly walks = new Map<string, Promise<Rows>>()
  private readonly gets = new Map<string, Map<string, SnmpVarbind | undefined>>()
  constructor(private readonly session: SnmpSession) {}

  column(col: Column): Promise<Rows> {
    let p = this.walks.get(col.oid)
    if (!p) {
      p = this.session.walk(col.oid).then((vbs) => {
        const rows: Rows = new Map()
        for (const vb of vbs) if (inSubtree(col.oid, vb.oid)) rows.set(indexOf(col.oid, vb.oid), vb)
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
      const vbs = await this.session.get(missing.map((i) => `${col.oid}.${i}`))
      missing.forEach((i, n) => {
        const vb = vbs[n]
        cache.set(i, vb && vb.value !== null ? vb : undefined)
      })
    }
    return new Map(wanted.map((i) => [i, cache.get(i)]))
  }

  async scalar(col: Column): Promise<SnmpVarbind | undefined> {
    const [vb] = await this.session.get([col.oid])
    return vb && vb.value !== null ? vb : undefined
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
const SCALE_EXP: Record<number, number> = { 1: -24, 2: -21, 3: -18, 4: -15, 5: -12, 6: -9, 7: -6, 8: -3, 9: 0, 10: 3, 11: 6, 12: 9, 13: 12, 14: 18, 15: 15, 16: 21, 17: 24 }

const round3 = (x: number) => Math.round(x * 1000) / 1000

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
      const base = src.format === 'mac' ? (indexToMac(key) ?? key) : key
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
    out.set(i, mapped(text))
  }
  return out
}

function clientCount(vb: SnmpVarbind | undefined): number | null {
  const n = asNumber(vb)
  return n !== null && Number.isInteger(n) && n >= 0 ? n : null
}

async function readClientsTable(f: Fetcher, r: ClientsTableRead): Promise<ClientBreakdown[]> {
  const rows = await f.column(r.value)
  const indexes = [...rows.keys()]
  if (indexes.length === 0) return []
  const names = await resolveNames(f, r.name, indexes)
  const out: ClientBreakdown[] = []
  const byName = new Map<string, ClientBreakdown>()
  for (const i of indexes) {
    const value = clientCount(rows.get(i))
    if (value === null) continue
    const name = names.get(i) ?? `#${i}`
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
    const m = t ? /(-?\d+(?:\.\d+)?)/.exec(t) : null
    return m ? round3(Number(m[1]) / divisor) : null
  }
  const n = asNumber(raw)
  if (n === null || nullValues.includes(n)) return null
  const v = n / divisor
  if (unit === 'dBm') return round3(v)
  if (unit === 'mW') return v > 0 ? round3(10 * Math.log10(v)) : null
  return v > 0 ? round3(10 * Math.log10(v / 1000)) : null // uW
}

async function readOpticsTable(f: Fetcher, r: OpticsTableRead): Promise<OpticsReading[]> {
  const [rx, tx] = await Promise.all([r.rx ? f.column(r.rx) : new Map() as Rows, r.tx ? f.column(r.tx) : new Map() as Rows])
  const indexes = [...new Set([...rx.keys(), ...tx.keys()])]
  if (indexes.length === 0) return []
  const names = await resolveNames(f, r.port, indexes)
  const absent = r.absentWhen ? await f.lookup(r.absentWhen.column, indexes) : null
  const divisor = r.divisor ?? 1
  const nulls = r.nullValues ?? []
  return indexes.map((i) => {
    const off = absent !== null && asNumber(absent.get(i)) === r.absentWhen!.equals
    return {
      port: names.get(i) ?? `#${i}`,
      rxDbm: off ? null : toDbm(rx.get(i), r.unit, divisor, nulls),
      txDbm: off ? null : toDbm(tx.get(i), r.unit, divisor, nulls),
    }
  })
}

async function readEntitySensorOptics(f: Fetcher, r: EntitySensorOpticsRead): Promise<OpticsReading[]> {
  const types = await f.column(r.sensorType)
  const idx = [...types.entries()].filter(([, vb]) => {
    const t = asNumber(vb)
    return t !== null && (r.dbmTypes.includes(t) || r.wattTypes.includes(t))
  })
  if (idx.length === 0) return []
  const indexes = idx.map(([i]) => i)
  const [scale, precision, value, status, names] = await Promise.all([
    f.lookup(r.scale, indexes),
    f.lookup(r.precision, indexes),
    f.lookup(r.value, indexes),
    r.status ? f.lookup(r.status, indexes) : Promise.resolve(null),
    f.lookup(r.entityName, indexes),
  ])
  const rxRe = new RegExp(r.rxPattern, 'i')
  const txRe = new RegExp(r.txPattern, 'i')
  const strip = new RegExp(r.portStripPattern, 'gi')
  const ports = new Map<string, OpticsReading>()
  for (const i of indexes) {
    const name = asText(names.get(i)) ?? ''
    const dir = rxRe.test(name) ? 'rx' : txRe.test(name) ? 'tx' : null
    if (!dir) continue
    const port = name.replace(strip, ' ').replace(/\s+/g, ' ').trim() || `#${i}`
    let e = ports.get(port)
    if (!e) ports.set(port, (e = { port, rxDbm: null, txDbm: null }))
    const raw = asNumber(value.get(i))
    // ok(1); unavailable(2) and nonoperational(3) mean no reading. Agents that leave the
    // status column out (the 2960X recording) are taken at their value.
    const st = status ? asNumber(status.get(i)) : null
    const ok = st === null || st === 1
    if (raw === null || !ok) continue
    const exp = SCALE_EXP[asNumber(scale.get(i)) ?? 9] ?? 0
    const prec = asNumber(precision.get(i)) ?? 0
    const v = raw * 10 ** exp / 10 ** prec
    const t = asNumber(types.get(i))!
    const dbm = r.dbmTypes.includes(t) ? v : v > 0 ? 10 * Math.log10(v * 1000) : null
    if (dbm === null) continue
    e[dir === 'rx' ? 'rxDbm' : 'txDbm'] = round3(dbm)
  }
  return [...ports.values()]
}

async function firstNonEmpty(f: Fetcher, cols: Column[]): Promise<Rows> {
  for (const c of cols) {
    const rows = await f.column(c)
    if (rows.size > 0) return rows
  }
  return new Map()
}

async function readInterfaces(f: Fetcher, r: InterfacesRead): Promise<InterfaceReading[]> {
  const [names, status] = await Promise.all([firstNonEmpty(f, r.name), f.column(r.operStatus)])
  const hcIn = await f.column(r.inOctets[0]!)
  const hcOut = await f.column(r.outOctets[0]!)
  const indexes = [...new Set([...names.keys(), ...status.keys(), ...hcIn.keys()])].filter((i) => /^\d+$/.test(i))
  // 32-bit counters only for rows the 64-bit columns lack
  const needLow = indexes.some((i) => !hcIn.has(i) || !hcOut.has(i))
  const lowIn = needLow && r.inOctets[1] ? await f.column(r.inOctets[1]) : new Map() as Rows
  const lowOut = needLow && r.outOctets[1] ? await f.column(r.outOctets[1]) : new Map() as Rows
  const all = [...new Set([...indexes, ...lowIn.keys()])].filter((i) => /^\d+$/.test(i))
  all.sort((a, b) => Number(a) - Number(b))
  return all.map((i) => {
    const hc = hcIn.has(i) && hcOut.has(i)
    const inOctets = hc ? asBigInt(hcIn.get(i)) : asBigInt(lowIn.get(i))
    const outOctets = hc ? asBigInt(hcOut.get(i)) : asBigInt(lowOut.get(i))
    const st = asNumber(status.get(i))
    return {
      ifIndex: Number(i),
      name: asText(names.get(i)) ?? `if${i}`,
      operStatus: st !== null ? (OPER_STATUS[st] ?? null) : null,
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
export async function readProfile(session: SnmpSession, profile: DeviceProfile): Promise<ProfileResult> {
  const f = new Fetcher(session)
  const result: ProfileResult = { clients: { total: null, breakdown: [] }, optics: [], interfaces: [], warnings: [] }
  const totals: Array<() => Promise<number | null>> = []
  const attempt = async (what: string, fn: () => Promise<void>) => {
    try {
      await fn()
    } catch (err) {
      if (err instanceof CollectorError && !(err instanceof SnmpProtocolError)) throw err
      result.warnings.push(`${what}: ${(err as Error).message}`)
    }
  }
  for (const r of profileReads(profile)) {
    switch (r.type) {
      case 'clients':
        await attempt(`clients ${r.kind} (${r.value.name})`, async () => {
          result.clients.breakdown.push(...(await readClientsTable(f, r)))
        })
        break
      case 'clients-total':
        if ('scalar' in r) totals.push(async () => clientCount(await f.scalar(r.scalar)))
        else
          totals.push(async () => {
            const parts = result.clients.breakdown.filter((b) => b.kind === r.sumOf)
            return parts.length ? parts.reduce((a, b) => a + b.value, 0) : null
          })
        break
      case 'optics':
        await attempt(`optics (${(r.rx ?? r.tx)?.name})`, async () => {
          result.optics.push(...(await readOpticsTable(f, r)))
        })
        break
      case 'optics-entity-sensor':
        await attempt(`optics (${r.value.name})`, async () => {
          result.optics.push(...(await readEntitySensorOptics(f, r)))
        })
        break
      case 'interfaces':
        await attempt('interfaces (IF-MIB)', async () => {
          result.interfaces = await readInterfaces(f, r)
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
  for (const t of totals) {
    let v: number | null = null
    await attempt('clients total', async () => {
      v = await t()
    })
    if (v !== null) {
      result.clients.total = v
      break
    }
  }
  return result
}
