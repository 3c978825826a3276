/**
 * The simulated city's state as a pure function of (seed, simulated time, faults).
 * Nothing ticks: the state of a minute is computed when someone asks for it (an SNMP
 * request, a truth query) and cached. Clients live in per-neighborhood pools; each client
 * has a stable MAC (some randomized) and a few sessions a day whose start times follow a
 * diurnal curve, and roams between neighboring APs during a session. Regular clients stay
 * 10 minutes to 3 hours; passers-by (their own pool) stay 1 to 9 minutes, so polls at an
 * interval miss some of them; roamers also visit another served neighborhood on some days.
 * Bytes per client and minute are seeded too; every counter served over SNMP is a sum of
 * them. simulators/README.md says how these figures were calibrated to Hartford's.
 */
import type { Device, Inventory } from '../core/inventory.ts'
import { buildNetworkTree } from '../core/topology.ts'
import type { FaultBook } from './faults.ts'

export const MINUTE_MS = 60_000
const HOUR_MIN = 60
const DAY_MIN = 1440

// ---------------------------------------------------------------- seeded hashing

function mix32(h: number): number {
  h ^= h >>> 16
  h = Math.imul(h, 0x7feb352d)
  h ^= h >>> 15
  h = Math.imul(h, 0x846ca68b)
  h ^= h >>> 16
  return h >>> 0
}
/** A 32-bit hash of integers: the only source of "randomness" in the simulator. */
export function hash(...xs: number[]): number {
  let h = 0x9e3779b9
  for (const x of xs) {
    h = mix32((h ^ mix32((x >>> 0) ^ Math.floor(x / 4294967296))) + 0x6d2b79f5)
  }
  return h
}
/** uniform in [0,1) */
export function unit(...xs: number[]): number {
  return hash(...xs) / 4294967296
}
/** FNV-1a of a string, for ids */
export function strHash(s: string): number {
  let h = 0x811c9dc5
  for (let i = 0; i < s.length; i++) h = Math.imul(h ^ s.charCodeAt(i), 0x01000193)
  return h >>> 0
}

// ---------------------------------------------------------------- options

export interface ModelOptions {
  seed: number
  /** counters of devices that were not rebooted accumulate from this minute-aligned time */
  originMs: number
  /**
   * client pool per AP of a neighborhood (people who may use the Wi-Fi there), scaled by
   * 0.6 + (share of households without broadband, %) / 40, within 0.6..1.6
   */
  clientsPerAp: number
  /** share of clients with randomized (locally administered) MACs, 0..1 */
  randomizedMacShare: number
  /**
   * passers-by per AP of a neighborhood (people walking past who join for 1-9 minutes): a
   * pool of their own, not scaled by the census; each is out on a day with passerByDayShare
   */
  passersByPerAp: number
  /** chance that a passer-by of the pool passes on a given day */
  passerByDayShare: number
  /** share of regular clients who also visit another served neighborhood (roamers) */
  roamerShare: number
  /** chance that one session of a roamer is in that other neighborhood */
  roamerAwayShare: number
  /** bytes a client of heaviness 1 downloads in an average minute online (uploads are 5-20 % of that) */
  downBytesPerMinute: number
  /** SSIDs every AP broadcasts; the first is the public one most clients join */
  ssids: string[]
  /** IANA time zone for the diurnal curve (the city's) */
  timezone: string
  /** receive power below which a degrading optic loses the link, dBm */
  lossOfLightDbm: number
}

/**
 * Calibrated to Hartford's published figures (simulators/README.md, "Calibration"): about
 * 12,900 unique devices a day city-wide and 1.79 GB per device and day, both directions.
 */
export const DEFAULT_MODEL_OPTIONS: Omit<ModelOptions, 'seed' | 'originMs' | 'timezone'> = {
  clientsPerAp: 74,
  randomizedMacShare: 0.25,
  passersByPerAp: 40,
  passerByDayShare: 0.3,
  roamerShare: 0.15,
  roamerAwayShare: 0.5,
  downBytesPerMinute: 16_400_000,
  ssids: ['CityFreeWiFi', 'CityStaff'],
  lossOfLightDbm: -25,
}

/**
 * Relative chance that a session starts in each local hour: low at night, a morning rise,
 * peaks in the afternoon and early evening.
 */
const HOUR_WEIGHTS = [0.25, 0.15, 0.1, 0.1, 0.1, 0.2, 0.45, 0.9, 1.3, 1.5, 1.7, 2.0, 2.4, 2.4, 2.6, 3.0, 3.4, 3.6, 3.5, 3.1, 2.5, 1.7, 1.0, 0.5]
const HOUR_CDF = (() => {
  const total = HOUR_WEIGHTS.reduce((a, b) => a + b, 0)
  let acc = 0
  return HOUR_WEIGHTS.map((w) => (acc += w / total))
})()

// ---------------------------------------------------------------- topology

export interface PortDef {
  /** 1-based ifIndex on the device */
  ifIndex: number
  /** as in the inventory, e.g. 'Gi1/0/3'; also ifName */
  name: string
  /** the edge (fiber link id or 'uplink:<child>') or 'internet' for the core's upstream */
  edge: string
  /** the device at the other end ('' for the internet port) */
  peer: string
  /** true when the peer is below this device in the topology */
  towardChild: boolean
  /** true for a fiber link end: the port has a transceiver with optics */
  fiber: boolean
  /** for fiber ends: which end of the link this is */
  end?: 'a' | 'b'
}

export interface EdgeDef {
  id: string
  parent: string
  child: string
  /** fiber link id when the edge is a fiber link */
  link?: string
}

export interface Topology {
  devices: Map<string, Device>
  neighborhoodOf: Map<string, string>
  /** every AP, sorted by id; the index is the AP's number in per-AP arrays */
  aps: Device[]
  apIndex: Map<string, number>
  /** the APs of each neighborhood (indices into aps), in id order: neighbors are adjacent */
  apsByNeighborhood: Map<string, number[]>
  /** devices that run an SNMP agent (all but lightweight APs) */
  agents: Device[]
  parentEdge: Map<string, EdgeDef>
  /** BFS order from the roots: parents before children */
  order: string[]
  /** the APs in each device's subtree (itself included) */
  subtreeAps: Map<string, number[]>
  ports: Map<string, PortDef[]>
  edges: Map<string, EdgeDef>
}

export function buildTopology(inv: Inventory): Topology {
  const devices = new Map(inv.devices.map((d) => [d.id, d]))
  const siteHood = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
  const neighborhoodOf = new Map(inv.devices.map((d) => [d.id, siteHood.get(d.site) ?? '']))
  for (const d of inv.devices) {
    if (d.uplink && !devices.has(d.uplink.device)) throw new Error(`device '${d.id}': uplink device '${d.uplink.device}' is not in the inventory`)
    if (d.controller && !devices.has(d.controller)) throw new Error(`device '${d.id}': controller '${d.controller}' is not in the inventory`)
  }
  // undirected adjacency: fiber links, then uplinks not already covered by a link
  type Adj = { peer: string; edgeId: string; link?: string; myPort: string; peerPort: string; end?: 'a' | 'b'; peerEnd?: 'a' | 'b' }
  const adj = new Map<string, Adj[]>(inv.devices.map((d) => [d.id, []]))
  const linked = new Set<string>()
  for (const l of inv.links) {
    if (!devices.has(l.a.device) || !devices.has(l.b.device)) throw new Error(`fiber link '${l.id}': end device not in the inventory`)
    adj.get(l.a.device)!.push({ peer: l.b.device, edgeId: l.id, link: l.id, myPort: l.a.port, peerPort: l.b.port, end: 'a', peerEnd: 'b' })
    adj.get(l.b.device)!.push({ peer: l.a.device, edgeId: l.id, link: l.id, myPort: l.b.port, peerPort: l.a.port, end: 'b', peerEnd: 'a' })
    linked.add(`${l.a.device}|${l.b.device}`)
    linked.add(`${l.b.device}|${l.a.device}`)
  }
  for (const d of inv.devices) {
    if (!d.uplink || linked.has(`${d.id}|${d.uplink.device}`)) continue
    const edgeId = `uplink:${d.id}`
    const own = d.kind === 'ap' ? 'eth0' : d.kind === 'controller' ? 'GigabitEthernet0/0/1' : 'Gi1/0/52'
    adj.get(d.id)!.push({ peer: d.uplink.device, edgeId, myPort: own, peerPort: d.uplink.port })
    adj.get(d.uplink.device)!.push({ peer: d.id, edgeId, myPort: d.uplink.port, peerPort: own })
  }
  // the tree itself is core/topology.ts's (the same one incidents reason on); the
  // adjacency above only names the simulated agents' own ports
  const tree = buildNetworkTree(inv)
  const roots = tree.roots
  const order = tree.order
  const edges = new Map<string, EdgeDef>([...tree.edges].map(([id, e]) => [id, { id, parent: e.parent, child: e.child, ...(e.link ? { link: e.link } : {}) }]))
  const parentEdge = new Map<string, EdgeDef>([...tree.parentEdge].map(([child, e]) => [child, edges.get(e.id)!]))

  const aps = inv.devices.filter((d) => d.kind === 'ap').sort((a, b) => a.id.localeCompare(b.id))
  const apIndex = new Map(aps.map((d, i) => [d.id, i]))
  const apsByNeighborhood = new Map<string, number[]>()
  aps.forEach((d, i) => {
    const nb = neighborhoodOf.get(d.id)!
    if (!apsByNeighborhood.has(nb)) apsByNeighborhood.set(nb, [])
    apsByNeighborhood.get(nb)!.push(i)
  })
  const subtreeAps = new Map<string, number[]>()
  for (const id of [...order].reverse()) {
    const own = apIndex.has(id) ? [apIndex.get(id)!] : []
    const kids = [...edges.values()].filter((e) => e.parent === id).flatMap((e) => subtreeAps.get(e.child) ?? [])
    subtreeAps.set(id, [...own, ...kids])
  }
  // ports: edges at each device, ordered by name; the core gets an internet port
  const ports = new Map<string, PortDef[]>()
  for (const d of inv.devices) {
    const list: PortDef[] = []
    for (const a of adj.get(d.id)!) {
      const e = edges.get(a.edgeId)
      if (!e) continue
      list.push({ ifIndex: 0, name: a.myPort, edge: a.edgeId, peer: a.peer, towardChild: e.parent === d.id, fiber: !!a.link, ...(a.end ? { end: a.end } : {}) })
    }
    if (roots.includes(d.id) && d.kind === 'router') list.push({ ifIndex: 0, name: 'Gi0/0/0', edge: 'internet', peer: '', towardChild: false, fiber: true })
    const byName = new Map<string, PortDef>()
    for (const p of list) if (!byName.has(p.name)) byName.set(p.name, p)
    const sorted = [...byName.values()].sort((x, y) => x.name.localeCompare(y.name, 'en', { numeric: true }))
    sorted.forEach((p, i) => (p.ifIndex = i + 1))
    ports.set(d.id, sorted)
  }
  const agents = inv.devices.filter((d) => !(d.kind === 'ap' && d.controller))
  return { devices, neighborhoodOf, aps, apIndex, apsByNeighborhood, agents, parentEdge, order, subtreeAps, ports, edges }
}

// ---------------------------------------------------------------- clients

export interface ClientInfo {
  id: number
  neighborhood: string
  /** lower-case colon form, e.g. 'da:12:..' */
  mac: string
  macBytes: Buffer
  randomized: boolean
  /** 0 = 2.4 GHz, 1 = 5 GHz */
  radio: 0 | 1
  ssid: number
  /** position of the client's home AP in its neighborhood's AP list */
  home: number
  /** how much traffic this client makes, relative */
  heaviness: number
  /** a passer-by: every session lasts 1-9 minutes */
  passerBy: boolean
  /** a roamer's other served neighborhood and its home AP there (position in that neighborhood's list) */
  away?: { neighborhood: string; home: number }
}

const REAL_OUIS = [
  [0xf0, 0x18, 0x98], // Apple
  [0x3c, 0x5a, 0xb4], // Google
  [0x8c, 0x79, 0xf5], // Samsung
  [0x00, 0x1b, 0x77], // Intel
  [0xac, 0xbc, 0x32], // Apple
  [0x48, 0x2c, 0xa0], // Xiaomi
]

/** One client online in one minute. */
export interface MinuteState {
  minute: number
  /** client ids online (associated to a serving AP) */
  clients: Int32Array
  /** global AP index per client */
  ap: Int32Array
  /** VAP number per client: radio * nSsid + ssid */
  vap: Uint8Array
  down: Float64Array
  up: Float64Array
  /** per AP and VAP: [count, downBytes, upBytes] */
  agg: Float64Array
}

/**
 * Per-station counters of minute m, aligned with minute(m).clients: what a WLC's
 * bsnMobileStationStatsTable shows. A real controller starts a station's counters at zero
 * when it associates, so these count only the current association: the unbroken run of
 * minutes up to m in which the client was online on the same AP.
 */
export interface StationCounters {
  minute: number
  /** first minute of each client's current association (== m: it arrived this minute) */
  since: Float64Array
  /** bytes to the client (down) and from it (up) in the minutes [since, m): like every counter, minute m itself is not in yet */
  down: Float64Array
  up: Float64Array
}

/** an association unbroken for a whole day is cut there (sessions last at most 3 hours; only overlapping ones chain) */
const MAX_ASSOCIATION_MIN = DAY_MIN

interface DaySessions {
  client: Int32Array
  start: Float64Array
  end: Float64Array
  roam: Int32Array
  key: Int32Array
  /** 1: the session is in the client's other neighborhood (a roamer's visit) */
  away: Uint8Array
  /** absolute hour -> session indices overlapping it */
  byHour: Map<number, number[]>
}

/**
 * Who was where during one local day of the city: every unbroken run of minutes a client
 * spent associated to one AP, cut at the day's edges. Exactly the presence minute(m)
 * reports for each minute of the day, so any count over the day's minutes can be read
 * from it (model.dayVisits, cached per day).
 */
export interface DayVisits {
  /** the local day (days since 1970-01-01 in the city's time zone) */
  day: number
  /** its first minute and the first minute of the next day (epoch minutes): 23, 24 or 25 h apart */
  fromMinute: number
  toMinute: number
  client: Int32Array
  /** global AP index */
  ap: Int32Array
  /** first minute online and the minute after the last (epoch minutes) */
  start: Float64Array
  end: Float64Array
}

export interface Model {
  readonly options: ModelOptions
  readonly topo: Topology
  readonly nVap: number
  readonly clients: ClientInfo[]
  readonly poolByNeighborhood: Map<string, number[]>
  minute(m: number): MinuteState
  /** per-association station counters at minute m (see StationCounters) */
  stations(m: number): StationCounters
  /** bytes [down, up] per AP and VAP summed over minutes [originMinute, m) (shared: do not modify it) */
  cumulative(m: number): Float64Array
  /** drop cached state for minutes >= m (a fault changed what they are) */
  invalidateFrom(m: number): void
  /** the city-local day an epoch minute falls on */
  localDayOf(m: number): number
  /** the first epoch minute of a local day */
  localDayStart(d: number): number
  /** the visits of a whole local day, computed once per day (about 0.5 s for Hartford) and cached */
  dayVisits(d: number): DayVisits
  /** true when that day's visits are cached */
  hasDayVisits(d: number): boolean
  /** sets of devices: reachable (powered and a path to a root), serving (AP with clients) */
  reachability(tMs: number): { reachable: Set<string>; serving: Set<string> }
  apMac(deviceId: string): Buffer
  /** the rx/tx optical power at a fiber port at time t, dBm (null for non-fiber ports) */
  optics(deviceId: string, port: PortDef, tMs: number): { rxDbm: number; txDbm: number } | null
  /** true when the edge carries light and frames at time t */
  edgeUp(edgeId: string, tMs: number): boolean
  /** times at which a degrading optic loses the link (state changes there too) */
  lossOfLightTimes(): number[]
}

export function createModel(inv: Inventory, options: ModelOptions, faults: FaultBook): Model {
  const topo = buildTopology(inv)
  const seed = options.seed >>> 0
  const nSsid = options.ssids.length
  const nVap = 2 * nSsid
  const nAp = topo.aps.length
  const originMinute = Math.floor(options.originMs / MINUTE_MS)
  // the minute-to-minute factor (0.3 + u) averages 0.8
  const bytesScale = options.downBytesPerMinute / 0.8

  // client pools, in neighborhood id order so the numbering is stable: each neighborhood's
  // regular clients, then its passers-by
  const clients: ClientInfo[] = []
  const poolByNeighborhood = new Map<string, number[]>()
  const censusOf = new Map(inv.neighborhoods.map((n) => [n.id, n.census]))
  // each neighborhood's day is its own: the peak moves up to two hours (downtown lunch,
  // residential evenings), and the pool grows where more households lack broadband at home
  const hourShift = new Map<string, number>()
  const served = [...topo.apsByNeighborhood.keys()].sort()
  for (const nb of served) {
    const nbAps = topo.apsByNeighborhood.get(nb)!
    hourShift.set(nb, (hash(seed, 9, strHash(nb)) % 4) - 2)
    const need = censusOf.get(nb)?.pctWithoutBroadband ?? 20
    const regular = Math.round(nbAps.length * options.clientsPerAp * Math.min(1.6, Math.max(0.6, 0.6 + need / 40)))
    const size = regular + Math.round(nbAps.length * options.passersByPerAp)
    // a roamer's other neighborhood: another served one, chosen in proportion to its APs
    const others = served.filter((o) => o !== nb)
    const otherAps = others.reduce((n, o) => n + topo.apsByNeighborhood.get(o)!.length, 0)
    const ids: number[] = []
    const nbh = strHash(nb)
    for (let k = 0; k < size; k++) {
      const id = clients.length
      const randomized = unit(seed, 1, nbh, k) < options.randomizedMacShare
      const mac = Buffer.alloc(6)
      // the low three bytes are a bijection of the client id: MACs never collide
      const low = (Math.imul(id + 1, 0x9e3779b1) >>> 8) & 0xffffff
      if (randomized) {
        const h = hash(seed, 2, id)
        mac[0] = ((h & 0xfc) | 0x02) & 0xfe // locally administered, unicast
        mac[1] = (h >>> 8) & 0xff
        mac[2] = (h >>> 16) & 0xff
      } else {
        const oui = REAL_OUIS[hash(seed, 3, id) % REAL_OUIS.length]!
        mac[0] = oui[0]!
        mac[1] = oui[1]!
        mac[2] = oui[2]!
      }
      mac[3] = (low >>> 16) & 0xff
      mac[4] = (low >>> 8) & 0xff
      mac[5] = low & 0xff
      const heavy = 0.2 + 2.5 * Math.pow(unit(seed, 4, id), 2)
      const passerBy = k >= regular
      let away: ClientInfo['away']
      if (!passerBy && otherAps > 0 && unit(seed, 16, id) < options.roamerShare) {
        let pick = hash(seed, 17, id) % otherAps
        for (const o of others) {
          const n = topo.apsByNeighborhood.get(o)!.length
          if (pick < n) {
            away = { neighborhood: o, home: pick }
            break
          }
          pick -= n
        }
      }
      clients.push({
        id,
        neighborhood: nb,
        mac: [...mac].map((b) => b.toString(16).padStart(2, '0')).join(':'),
        macBytes: mac,
        randomized,
        radio: unit(seed, 5, id) < 0.65 ? 1 : 0,
        ssid: nSsid > 1 && unit(seed, 6, id) < 0.1 ? 1 + (hash(seed, 7, id) % (nSsid - 1)) : 0,
        home: hash(seed, 8, id) % nbAps.length,
        heaviness: heavy,
        passerBy,
        ...(away ? { away } : {}),
      })
      ids.push(id)
    }
    poolByNeighborhood.set(nb, ids)
  }

  // ---- time zone: the city's local days (as core/calendar.ts has them: 23, 24 or 25 h), in epoch minutes
  const dtf = new Intl.DateTimeFormat('en-US', { timeZone: options.timezone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
  const OFFSET_SLOT_MIN = 15 // time zones change offset on a quarter hour
  const offsetCache = new Map<number, number>()
  /** UTC offset in minutes (local - UTC) at an epoch minute, exact to the quarter hour */
  function offsetMin(epochMinute: number): number {
    const key = Math.floor(epochMinute / OFFSET_SLOT_MIN)
    const hit = offsetCache.get(key)
    if (hit !== undefined) return hit
    const at = key * OFFSET_SLOT_MIN * MINUTE_MS
    const parts = Object.fromEntries(dtf.formatToParts(new Date(at)).map((p) => [p.type, p.value]))
    const local = Date.UTC(+parts.year!, +parts.month! - 1, +parts.day!, +parts.hour!, +parts.minute!, +parts.second!)
    const off = Math.round((local - at) / MINUTE_MS)
    if (offsetCache.size > 20_000) offsetCache.clear()
    offsetCache.set(key, off)
    return off
  }
  const localDay = (m: number) => Math.floor((m + offsetMin(m)) / DAY_MIN)
  /** local midnight of day d: two passes, the offset at the guess then at the corrected minute (DST days) */
  const dayStart = (d: number) => {
    const naive = d * DAY_MIN
    return naive - offsetMin(naive - offsetMin(naive))
  }

  // ---- sessions of a local day, indexed by absolute hour
  const dayCache = new Map<number, DaySessions>()
  function sessionsOf(d: number): DaySessions {
    const hit = dayCache.get(d)
    if (hit) return hit
    const start0 = dayStart(d)
    const c: number[] = []
    const s: number[] = []
    const e: number[] = []
    const r: number[] = []
    const k: number[] = []
    const w: number[] = []
    for (const cl of clients) {
      const u = unit(seed, 10, cl.id, d)
      // regular: 0-3 sessions of 10 min to 3 h; a passer-by passes on some days, once or
      // twice, for 1-9 minutes each
      const n = cl.passerBy ? (u < options.passerByDayShare ? (unit(seed, 18, cl.id, d) < 0.15 ? 2 : 1) : 0) : u < 0.38 ? 0 : u < 0.72 ? 1 : u < 0.92 ? 2 : 3
      for (let j = 0; j < n; j++) {
        const u1 = unit(seed, 11, cl.id, d, j)
        let hour = 0
        while (hour < 23 && HOUR_CDF[hour]! < u1) hour++
        hour = (hour + hourShift.get(cl.neighborhood)! + 24) % 24
        const startMin = start0 + hour * HOUR_MIN + Math.floor(unit(seed, 12, cl.id, d, j) * HOUR_MIN)
        const dur = cl.passerBy ? 1 + Math.floor(unit(seed, 13, cl.id, d, j) * 9) : 10 + Math.floor(Math.pow(unit(seed, 13, cl.id, d, j), 1.5) * 170)
        c.push(cl.id)
        s.push(startMin)
        e.push(startMin + dur)
        r.push(6 + (hash(seed, 14, cl.id, d, j) % 25))
        k.push(hash(seed, 15, cl.id, d, j) | 0)
        w.push(cl.away && unit(seed, 19, cl.id, d, j) < options.roamerAwayShare ? 1 : 0)
      }
    }
    const byHour = new Map<number, number[]>()
    for (let i = 0; i < c.length; i++) {
      for (let h = Math.floor(s[i]! / HOUR_MIN); h <= Math.floor((e[i]! - 1) / HOUR_MIN); h++) {
        let list = byHour.get(h)
        if (!list) byHour.set(h, (list = []))
        list.push(i)
      }
    }
    const out: DaySessions = { client: Int32Array.from(c), start: Float64Array.from(s), end: Float64Array.from(e), roam: Int32Array.from(r), key: Int32Array.from(k), away: Uint8Array.from(w), byHour }
    dayCache.set(d, out)
    if (dayCache.size > 8) dayCache.delete(dayCache.keys().next().value!)
    return out
  }

  // ---- faults -> reachability
  function edgeUp(edgeId: string, tMs: number): boolean {
    const e = topo.edges.get(edgeId)
    if (!e) return true
    if (e.link) {
      if (faults.active('link-cut', e.link, tMs).length > 0) return false
      for (const f of faults.active('optics-degrade', e.link, tMs)) {
        const los = degradeLossOfLightMs(e.link, f)
        if (los !== null && tMs >= los) return false
      }
    }
    return true
  }
  function nominalOptics(link: string, end: 'a' | 'b'): { rxDbm: number; txDbm: number } {
    const l = inv.links.find((x) => x.id === link)
    const km = (l?.lengthM ?? 1000) / 1000
    const lh = strHash(link)
    const other = end === 'a' ? 'b' : 'a'
    const tx = (e: string) => -5 + Math.round((unit(seed, 20, lh, e.charCodeAt(0)) * 2 - 1) * 10) / 10
    const loss = 0.35 * km + 0.5 + unit(seed, 21, lh, end.charCodeAt(0))
    return { txDbm: tx(end), rxDbm: Math.round((tx(other) - loss) * 10) / 10 }
  }
  function degradeLossOfLightMs(link: string, f: { startMs: number; params: { dbPerHour?: number; end?: string } }): number | null {
    const rate = f.params.dbPerHour ?? 2
    if (!(rate > 0)) return null
    const ends: ('a' | 'b')[] = f.params.end === 'a' ? ['a'] : f.params.end === 'b' ? ['b'] : ['a', 'b']
    let best = Infinity
    for (const end of ends) {
      const margin = nominalOptics(link, end).rxDbm - options.lossOfLightDbm
      best = Math.min(best, f.startMs + (margin / rate) * 3_600_000)
    }
    return best
  }
  function reachability(tMs: number): { reachable: Set<string>; serving: Set<string> } {
    const reachable = new Set<string>()
    for (const id of topo.order) {
      if (faults.active('device-down', id, tMs).length > 0) continue
      const pe = topo.parentEdge.get(id)
      if (pe && (!reachable.has(pe.parent) || !edgeUp(pe.id, tMs))) continue
      reachable.add(id)
    }
    const serving = new Set<string>()
    for (const ap of topo.aps) {
      if (!reachable.has(ap.id)) continue
      if (ap.controller && !reachable.has(ap.controller)) continue
      serving.add(ap.id)
    }
    return { reachable, serving }
  }

  // ---- minute state
  const minuteCache = new Map<number, MinuteState>()
  function minute(m: number): MinuteState {
    const hit = minuteCache.get(m)
    if (hit) return hit
    const { serving } = reachability(m * MINUTE_MS)
    const servingIdx = new Uint8Array(nAp)
    topo.aps.forEach((d, i) => (servingIdx[i] = serving.has(d.id) ? 1 : 0))
    const d = localDay(m)
    const hour = Math.floor(m / HOUR_MIN)
    const oc: number[] = []
    const oa: number[] = []
    const ov: number[] = []
    const od: number[] = []
    const ou: number[] = []
    const agg = new Float64Array(nAp * nVap * 3)
    const seenClient = new Set<number>()
    for (const day of [d - 1, d]) {
      const ds = sessionsOf(day)
      for (const i of ds.byHour.get(hour) ?? []) {
        if (!(ds.start[i]! <= m && m < ds.end[i]!)) continue
        const cid = ds.client[i]!
        if (seenClient.has(cid)) continue // overlapping sessions of one client: one association
        const cl = clients[cid]!
        const where = ds.away[i] ? cl.away! : cl
        const nbAps = topo.apsByNeighborhood.get(where.neighborhood)!
        const seg = Math.floor((m - ds.start[i]!) / ds.roam[i]!)
        // each roaming segment lands on the home AP or one of its two neighbors
        const step = (hash(seed, 30, ds.key[i]!, seg) % 3) - 1
        const pos = (((where.home + step) % nbAps.length) + nbAps.length) % nbAps.length
        const ap = nbAps[pos]!
        if (!servingIdx[ap]) continue
        seenClient.add(cid)
        const u = unit(seed, 31, cid, m)
        const down = Math.round(cl.heaviness * (0.3 + u) * bytesScale)
        const up = Math.round(down * (0.05 + 0.15 * unit(seed, 32, cid, m)))
        const vap = cl.radio * nSsid + cl.ssid
        oc.push(cid)
        oa.push(ap)
        ov.push(vap)
        od.push(down)
        ou.push(up)
        const o = (ap * nVap + vap) * 3
        agg[o]! += 1
        agg[o + 1]! += down
        agg[o + 2]! += up
      }
    }
    const st: MinuteState = { minute: m, clients: Int32Array.from(oc), ap: Int32Array.from(oa), vap: Uint8Array.from(ov), down: Float64Array.from(od), up: Float64Array.from(ou), agg }
    minuteCache.set(m, st)
    if (minuteCache.size > 400) minuteCache.delete(minuteCache.keys().next().value!)
    return st
  }

  // ---- cumulative bytes with hourly checkpoints
  const checkpoints = new Map<number, Float64Array>() // checkpoint k = cum at originMinute + 60k
  const width = nAp * nVap * 2
  function addMinute(acc: Float64Array, m: number): void {
    const agg = minute(m).agg
    for (let j = 0, n = nAp * nVap; j < n; j++) {
      acc[2 * j]! += agg[3 * j + 1]!
      acc[2 * j + 1]! += agg[3 * j + 2]!
    }
  }
  function checkpoint(k: number): Float64Array {
    if (k <= 0) return new Float64Array(width)
    const hit = checkpoints.get(k)
    if (hit) return hit
    let from = k - 1
    while (from > 0 && !checkpoints.has(from)) from--
    let acc = Float64Array.from(checkpoint(from))
    for (let j = from + 1; j <= k; j++) {
      for (let m = originMinute + (j - 1) * HOUR_MIN; m < originMinute + j * HOUR_MIN; m++) addMinute(acc, m)
      checkpoints.set(j, acc)
      acc = Float64Array.from(acc)
    }
    return checkpoints.get(k)!
  }
  // every agent's view of one minute asks for the same cumulative array: the last few are kept
  const cumulativeCache = new Map<number, Float64Array>()
  function cumulative(m: number): Float64Array {
    if (m <= originMinute) return new Float64Array(width)
    const hit = cumulativeCache.get(m)
    if (hit) return hit
    const k = Math.floor((m - originMinute) / HOUR_MIN)
    const acc = Float64Array.from(checkpoint(k))
    for (let mm = originMinute + k * HOUR_MIN; mm < m; mm++) addMinute(acc, mm)
    cumulativeCache.set(m, acc)
    if (cumulativeCache.size > 4) cumulativeCache.delete(cumulativeCache.keys().next().value!)
    return acc
  }
  // ---- per-association station counters: walk back from m until every client's run on its
  // AP is broken, or until a minute whose counters are cached (then one step: the usual case
  // when an agent is polled every minute or every few)
  const stationCache = new Map<number, StationCounters>()
  function stations(m: number): StationCounters {
    const hit = stationCache.get(m)
    if (hit) return hit
    const st = minute(m)
    const n = st.clients.length
    const since = new Float64Array(n).fill(m)
    const down = new Float64Array(n)
    const up = new Float64Array(n)
    /** client id -> position in st, for clients whose association goes back further than k + 1 */
    let open = new Map<number, number>()
    for (let j = 0; j < n; j++) open.set(st.clients[j]!, j)
    for (let k = m - 1; open.size > 0 && k >= m - MAX_ASSOCIATION_MIN; k--) {
      const sk = minute(k)
      const known = stationCache.get(k)
      const still = new Map<number, number>()
      for (let i = 0; i < sk.clients.length; i++) {
        const cid = sk.clients[i]!
        const j = open.get(cid)
        if (j === undefined || sk.ap[i] !== st.ap[j]) continue // not online, or on another AP: a new association began at k + 1
        down[j]! += sk.down[i]!
        up[j]! += sk.up[i]!
        since[j] = k
        if (known) {
          down[j]! += known.down[i]!
          up[j]! += known.up[i]!
          since[j] = known.since[i]!
        } else still.set(cid, j)
      }
      open = still
    }
    const out: StationCounters = { minute: m, since, down, up }
    stationCache.set(m, out)
    if (stationCache.size > 64) stationCache.delete(stationCache.keys().next().value!)
    return out
  }

  // ---- visits of a local day: the runs of minutes each client spent on one AP
  const visitCache = new Map<number, DayVisits>()
  /** days kept: a week of unique-client truth and a few more; each is ~1-2 MB for Hartford */
  const VISIT_DAYS_KEPT = 10
  function dayVisits(d: number): DayVisits {
    const hit = visitCache.get(d)
    if (hit) return hit
    const from = dayStart(d)
    const to = dayStart(d + 1)
    const cl: number[] = []
    const ap: number[] = []
    const st: number[] = []
    const en: number[] = []
    /** client id -> its run of the previous minute */
    let open = new Map<number, number>()
    for (let m = from; m < to; m++) {
      const ms = minute(m)
      const next = new Map<number, number>()
      for (let j = 0; j < ms.clients.length; j++) {
        const cid = ms.clients[j]!
        const r = open.get(cid)
        if (r !== undefined && ap[r] === ms.ap[j]) {
          en[r] = m + 1
          next.set(cid, r)
        } else {
          next.set(cid, cl.length)
          cl.push(cid)
          ap.push(ms.ap[j]!)
          st.push(m)
          en.push(m + 1)
        }
      }
      open = next
    }
    const out: DayVisits = { day: d, fromMinute: from, toMinute: to, client: Int32Array.from(cl), ap: Int32Array.from(ap), start: Float64Array.from(st), end: Float64Array.from(en) }
    visitCache.set(d, out)
    if (visitCache.size > VISIT_DAYS_KEPT) visitCache.delete(visitCache.keys().next().value!)
    return out
  }

  function invalidateFrom(m: number): void {
    for (const key of [...minuteCache.keys()]) if (key >= m) minuteCache.delete(key)
    for (const key of [...stationCache.keys()]) if (key >= m) stationCache.delete(key)
    for (const [key, v] of [...visitCache]) if (v.toMinute > m) visitCache.delete(key)
    const k = Math.floor((m - originMinute) / HOUR_MIN)
    for (const key of [...checkpoints.keys()]) if (key > k) checkpoints.delete(key)
    for (const key of [...cumulativeCache.keys()]) if (key > m) cumulativeCache.delete(key)
  }

  const macCache = new Map<string, Buffer>()
  const deviceOrder = new Map(inv.devices.map((d, i) => [d.id, i]))
  function apMac(id: string): Buffer {
    let b = macCache.get(id)
    if (!b) {
      const d = topo.devices.get(id)
      // a bijection of the device's position, XORed with seeded bytes: unique, random-looking,
      // with the low nibble free for BSSIDs; vendor OUIs: Ubiquiti for UniFi, Cisco otherwise
      const idx = deviceOrder.get(id) ?? 0
      const h = hash(seed, 40)
      const oui = d?.kind === 'ap' && !d.controller ? [0xfc, 0xec, 0xda] : [0x00, 0x3a, 0x9a]
      b = Buffer.from([oui[0]!, oui[1]!, oui[2]!, ((idx >>> 12) ^ h) & 0xff, ((idx >>> 4) ^ (h >>> 8)) & 0xff, (((idx & 0xf) << 4) ^ (h >>> 16)) & 0xf0])
      macCache.set(id, b)
    }
    return b
  }

  function optics(deviceId: string, port: PortDef, tMs: number): { rxDbm: number; txDbm: number } | null {
    if (!port.fiber) return null
    if (port.edge === 'internet') return { rxDbm: -3.1, txDbm: -2.4 }
    const e = topo.edges.get(port.edge)
    if (!e?.link || !port.end) return null
    const nom = nominalOptics(e.link, port.end)
    const dark = faults.active('link-cut', e.link, tMs).length > 0 || faults.active('device-down', port.peer, tMs).length > 0
    if (dark) return { rxDbm: -40, txDbm: nom.txDbm }
    let rx = nom.rxDbm
    for (const f of faults.active('optics-degrade', e.link, tMs)) {
      const end = f.params.end
      if (end && end !== 'both' && end !== port.end) continue
      rx -= ((f.params.dbPerHour ?? 2) * (tMs - f.startMs)) / 3_600_000
    }
    void deviceId
    return { rxDbm: Math.max(-40, Math.round(rx * 10) / 10), txDbm: nom.txDbm }
  }

  return {
    options,
    topo,
    nVap,
    clients,
    poolByNeighborhood,
    minute,
    stations,
    cumulative,
    invalidateFrom,
    localDayOf: localDay,
    localDayStart: dayStart,
    dayVisits,
    hasDayVisits: (d: number) => visitCache.has(d),
    reachability,
    apMac,
    optics,
    edgeUp,
    lossOfLightTimes() {
      const out: number[] = []
      for (const f of faults.list()) {
        if (f.type !== 'optics-degrade') continue
        const los = degradeLossOfLightMs(f.target, f)
        if (los !== null && (f.endMs === null || los < f.endMs)) out.push(los)
      }
      return out
    },
  }
}
