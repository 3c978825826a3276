/**
 * What the API derives from the inventory and the metric store: device status, fiber link
 * status and optics, and per-neighborhood live and period figures. Handlers call these; no
 * query language lives here, only MetricStore calls. "Now" is always passed in, from the
 * injected clock, because the demo runs simulated time.
 */
import type { Device, FiberLink, Inventory, Neighborhood, Site } from '../core/inventory.ts'
import type { LatestValue, MetricStore } from '../store/types.ts'

export type DeviceStatus = 'up' | 'down' | 'unknown'

/** The inventory with lookups by id, built once per inventory object. */
export interface InventoryIndex {
  inventory: Inventory
  devices: Map<string, Device>
  neighborhoods: Map<string, Neighborhood>
  links: Map<string, FiberLink>
  sites: Map<string, Site>
  /** neighborhood id of each device (its site's); '' when none */
  deviceNeighborhood: Map<string, string>
  /** ids of every AP, in inventory order */
  apIds: string[]
  /** AP ids per neighborhood id */
  apsByNeighborhood: Map<string, string[]>
}

const indexes = new WeakMap<Inventory, InventoryIndex>()

export function indexInventory(inventory: Inventory): InventoryIndex {
  const cached = indexes.get(inventory)
  if (cached) return cached
  const sites = new Map(inventory.sites.map((s) => [s.id, s]))
  const deviceNeighborhood = new Map<string, string>()
  const apsByNeighborhood = new Map<string, string[]>(inventory.neighborhoods.map((n) => [n.id, []]))
  const apIds: string[] = []
  for (const d of inventory.devices) {
    const nb = sites.get(d.site)?.neighborhood ?? ''
    deviceNeighborhood.set(d.id, nb)
    if (d.kind === 'ap') {
      apIds.push(d.id)
      apsByNeighborhood.get(nb)?.push(d.id)
    }
  }
  const idx: InventoryIndex = {
    inventory,
    devices: new Map(inventory.devices.map((d) => [d.id, d])),
    neighborhoods: new Map(inventory.neighborhoods.map((n) => [n.id, n])),
    links: new Map(inventory.links.map((l) => [l.id, l])),
    sites,
    deviceNeighborhood,
    apIds,
    apsByNeighborhood,
  }
  indexes.set(inventory, idx)
  return idx
}

export interface DeviceState {
  status: DeviceStatus
  /** time of the newest device_up sample, whatever its value; null when never polled */
  lastPollMs: number | null
  /**
   * since when the status holds: the newest deviceDown (status down) or deviceUp (status up)
   * event of the device within STATUS_EVENTS_LOOKBACK_MS; null when none is known
   */
  statusSinceMs: number | null
}

/** How far back the status-since lookup reads deviceDown/deviceUp events. */
export const STATUS_EVENTS_LOOKBACK_MS = 30 * 86_400_000
/** Most events one status-since lookup reads (newest first; older ones only matter when a device flaps a lot). */
export const STATUS_EVENTS_LIMIT = 100_000 // the store's largest (store/query.ts)

/** The newest deviceDown and deviceUp time of each device: one store.events() query. */
export async function statusChanges(store: MetricStore, nowMs: number, devices?: string[]): Promise<Map<string, { down?: number; up?: number }>> {
  const events = await store.events({
    fromMs: nowMs - STATUS_EVENTS_LOOKBACK_MS,
    toMs: nowMs + 1,
    type: ['deviceDown', 'deviceUp'],
    limit: STATUS_EVENTS_LIMIT,
    ...(devices ? { device: devices } : {}),
  })
  const out = new Map<string, { down?: number; up?: number }>()
  for (const e of events) {
    let m = out.get(e.device)
    if (!m) out.set(e.device, (m = {}))
    const k = e.type === 'deviceDown' ? 'down' : 'up'
    m[k] = Math.max(m[k] ?? -Infinity, e.timeMs)
  }
  return out
}

/** The time of the newest event that agrees with the status (down: deviceDown, up: deviceUp). */
export function statusSince(status: DeviceStatus, changes: { down?: number; up?: number } | undefined): number | null {
  if (!changes || status === 'unknown') return null
  return (status === 'down' ? changes.down : changes.up) ?? null
}

/**
 * A device is down only when its polls fail: 'down' when the newest device_up sample is 0
 * (its latest poll failed, and nothing has answered since), 'up' when it is 1 and at most
 * 2 poll intervals old, 'unknown' when it is 1 but older than that or there was never a
 * sample. No news is not an outage: while the collector is not polling (stopped,
 * restarting, or a lightweight AP whose controller does not answer) nobody knows, and a
 * status that incidents and alerts build on must not turn down for it.
 */
export function statusOf(latest: { value: number; timeMs: number } | undefined, nowMs: number, pollIntervalMs: number): DeviceStatus {
  if (!latest) return 'unknown'
  if (latest.value < 1) return 'down'
  return latest.timeMs < nowMs - 2 * pollIntervalMs ? 'unknown' : 'up'
}

/** Newest value per key (several rows can share a device when instances differ). */
function newestBy(rows: readonly LatestValue[], key: (r: LatestValue) => string): Map<string, LatestValue> {
  const out = new Map<string, LatestValue>()
  for (const r of rows) {
    const k = key(r)
    const prev = out.get(k)
    if (!prev || r.timeMs > prev.timeMs) out.set(k, r)
  }
  return out
}

/**
 * The newest device_up sample of every device, kept up to date incrementally: "never
 * polled" versus "silent for a month" needs the newest sample of any age, and reading the
 * whole history on every refresh costs a full scan (~0.4 s for 30 days of a city on DuckDB).
 * So the first call reads all of it, later calls only samples since the last read minus a
 * margin (late writes, such as a spool replay, land within it), and a full read runs again
 * every fullEveryMs or when the clock goes back.
 */
export class LatestTracker {
  #latest = new Map<string, LatestValue>()
  #readToMs: number | null = null
  #fullAtMs = 0

  constructor(
    private readonly store: MetricStore,
    private readonly metric: string,
    private readonly marginMs: number,
    private readonly fullEveryMs = 3_600_000,
  ) {}

  async read(nowMs: number): Promise<Map<string, LatestValue>> {
    const full = this.#readToMs === null || nowMs < this.#readToMs || nowMs - this.#fullAtMs >= this.fullEveryMs
    const rows = await this.store.latest({
      metric: this.metric,
      where: { instance: [''] },
      ...(full ? {} : { sinceMs: Math.max(0, this.#readToMs! - this.marginMs) }),
    })
    if (full) {
      this.#latest = newestBy(rows, (r) => r.device)
      this.#fullAtMs = nowMs
    } else {
      for (const r of rows) {
        const prev = this.#latest.get(r.device)
        if (!prev || r.timeMs >= prev.timeMs) this.#latest.set(r.device, r)
      }
    }
    this.#readToMs = nowMs
    return this.#latest
  }
}

/**
 * Status of every inventory device from the newest device_up samples (see LatestTracker),
 * with since when it holds from one deviceDown/deviceUp events query for the whole city.
 */
export async function deviceStates(
  tracker: LatestTracker,
  idx: InventoryIndex,
  nowMs: number,
  pollIntervalMs: number,
  store: MetricStore,
): Promise<Map<string, DeviceState>> {
  // Without the events the statuses still stand (the map and the neighborhoods need them),
  // only "since when" is unknown: a failed events query must not take the statuses down.
  const [latest, changes] = await Promise.all([tracker.read(nowMs), statusChanges(store, nowMs).catch(() => new Map<string, { down?: number; up?: number }>())])
  const out = new Map<string, DeviceState>()
  for (const id of idx.devices.keys()) {
    const l = latest.get(id)
    const status = statusOf(l, nowMs, pollIntervalMs)
    out.set(id, { status, lastPollMs: l ? l.timeMs : null, statusSinceMs: statusSince(status, changes.get(id)) })
  }
  return out
}

export interface NeighborhoodStats {
  /** sum of the newest wifi_clients of the neighborhood's APs that are up (fresh samples only) */
  clientsNow: number
  /** peak concurrent clients in the period (max over poll instants of the APs' sum); null without data */
  peakClients: number | null
  /** wifi_bytes of the neighborhood's APs summed over the period; null without data */
  bytes: number | null
  /** mean of the APs' device_up samples over the period, percent; null without data */
  availabilityPct: number | null
  apsUp: number
  apsDown: number
  apsUnknown: number
}

const DAY_MS = 86_400_000

/**
 * One bucket covering the whole period: steps start at multiples of stepMs since the epoch,
 * so a step of whole days at least as long as the period splits it into at most two buckets,
 * which the callers merge (max of maxes, sum of sums: both exact).
 */
export function periodStepMs(fromMs: number, toMs: number): number {
  return Math.max(1, Math.ceil((toMs - fromMs) / DAY_MS)) * DAY_MS
}

export async function neighborhoodStats(
  store: MetricStore,
  idx: InventoryIndex,
  states: Map<string, DeviceState>,
  nowMs: number,
  pollIntervalMs: number,
  fromMs: number,
  toMs: number,
): Promise<Map<string, NeighborhoodStats>> {
  const out = new Map<string, NeighborhoodStats>()
  for (const n of idx.inventory.neighborhoods) {
    out.set(n.id, { clientsNow: 0, peakClients: null, bytes: null, availabilityPct: null, apsUp: 0, apsDown: 0, apsUnknown: 0 })
  }
  const apIds = idx.apIds
  if (apIds.length === 0) return out
  const stepMs = periodStepMs(fromMs, toMs)
  const base = { fromMs, toMs, stepMs, source: 'auto' as const }
  const aps = { device: apIds, instance: [''] }
  const [clients, peaks, bytes, upSum, upCount] = await Promise.all([
    store.latest({ metric: 'wifi_clients', where: { instance: [''] }, sinceMs: nowMs - 2 * pollIntervalMs }),
    // wifi_clients is an AP metric (lightweight APs' counts are written under the AP's id),
    // so the peak needs no device filter: unfiltered, a rollup tier can answer it.
    store.aggregate({ ...base, metric: 'wifi_clients', groupBy: 'neighborhood', fn: 'max' }),
    store.aggregate({ ...base, metric: 'wifi_bytes', groupBy: 'device', fn: 'sum', where: aps }),
    store.aggregate({ ...base, metric: 'device_up', groupBy: 'device', fn: 'sum', where: aps }),
    store.aggregate({ ...base, metric: 'device_up', groupBy: 'device', fn: 'count', where: aps }),
  ])
  for (const [nb, ids] of idx.apsByNeighborhood) {
    const s = out.get(nb)!
    for (const id of ids) {
      const st = states.get(id)?.status ?? 'unknown'
      if (st === 'up') s.apsUp++
      else if (st === 'down') s.apsDown++
      else s.apsUnknown++
    }
  }
  const latestClients = newestBy(clients, (r) => r.device)
  for (const [device, v] of latestClients) {
    if (states.get(device)?.status !== 'up') continue
    const s = out.get(idx.deviceNeighborhood.get(device) ?? '')
    if (s && idx.devices.get(device)?.kind === 'ap') s.clientsNow += v.value
  }
  for (const p of peaks) {
    const s = out.get(p.group)
    if (s) s.peakClients = s.peakClients === null ? p.value : Math.max(s.peakClients, p.value)
  }
  // Sums and counts are additive, so they are asked per device and added up here by the
  // inventory's neighborhood: exact, and no AP-filter is needed in the store's grouping.
  const perNb = (points: typeof bytes) => {
    const m = new Map<string, number>()
    for (const p of points) {
      const nb = idx.deviceNeighborhood.get(p.group)
      if (nb === undefined) continue
      m.set(nb, (m.get(nb) ?? 0) + p.value)
    }
    return m
  }
  for (const [nb, v] of perNb(bytes)) {
    const s = out.get(nb)
    if (s) s.bytes = v
  }
  const ups = perNb(upSum)
  for (const [nb, count] of perNb(upCount)) {
    const s = out.get(nb)
    if (s && count > 0) s.availabilityPct = (100 * (ups.get(nb) ?? 0)) / count
  }
  return out
}

export interface LinkEndState {
  device: string
  port: string
  deviceStatus: DeviceStatus
  /** newest fresh IF-MIB ifOperStatus of the port (1 up, 2 down, ...); null when not polled lately */
  operStatus: number | null
  rxDbm: number | null
  txDbm: number | null
  /** time of the newest optics sample of the port; null when none */
  opticsTimeMs: number | null
}
export interface LinkState {
  status: DeviceStatus
  a: LinkEndState
  b: LinkEndState
}

/**
 * A link is 'down' when either end's device is down or either end's port is not
 * operationally up; 'up' when both devices are up and neither port reports otherwise;
 * 'unknown' when an end has never been polled and nothing says down.
 */
export async function linkStates(
  store: MetricStore,
  states: Map<string, DeviceState>,
  nowMs: number,
  pollIntervalMs: number,
  links: readonly FiberLink[],
): Promise<Map<string, LinkState>> {
  const out = new Map<string, LinkState>()
  if (links.length === 0) return out
  const devices = [...new Set(links.flatMap((l) => [l.a.device, l.b.device]))]
  const [oper, rx, tx] = await Promise.all([
    store.latest({ metric: 'if_oper_status', where: { device: devices }, sinceMs: nowMs - 2 * pollIntervalMs }),
    store.latest({ metric: 'optics_rx_dbm', where: { device: devices } }),
    store.latest({ metric: 'optics_tx_dbm', where: { device: devices } }),
  ])
  const key = (r: { device: string; instance: string }) => `${r.device}\u0000${r.instance}`
  const operBy = newestBy(oper, key)
  const rxBy = newestBy(rx, key)
  const txBy = newestBy(tx, key)
  const end = (e: { device: string; port: string }): LinkEndState => {
    const k = key({ device: e.device, instance: e.port })
    const r = rxBy.get(k)
    const t = txBy.get(k)
    const opticsTimes = [r?.timeMs, t?.timeMs].filter((x): x is number => x !== undefined)
    return {
      device: e.device,
      port: e.port,
      deviceStatus: states.get(e.device)?.status ?? 'unknown',
      operStatus: operBy.get(k)?.value ?? null,
      rxDbm: r?.value ?? null,
      txDbm: t?.value ?? null,
      opticsTimeMs: opticsTimes.length ? Math.max(...opticsTimes) : null,
    }
  }
  for (const l of links) {
    const a = end(l.a)
    const b = end(l.b)
    let status: DeviceStatus
    const portDown = (e: LinkEndState) => e.operStatus !== null && e.operStatus !== 1
    if (a.deviceStatus === 'down' || b.deviceStatus === 'down' || portDown(a) || portDown(b)) status = 'down'
    else if (a.deviceStatus === 'up' && b.deviceStatus === 'up') status = 'up'
    else status = 'unknown'
    out.set(l.id, { status, a, b })
  }
  return out
}

/** Reuses a computed answer within one bucket of clock time; concurrent askers share one promise. */
export class ClockCache<T> {
  #entries = new Map<string, { bucket: number; value: Promise<T> }>()
  /**
   * @param bucketMs clock time one answer is reused for (0: no caching)
   * @param maxEntries keys kept per bucket; past it answers are computed and not kept, so
   *   many distinct requests in one minute cannot grow memory without bound
   */
  constructor(private readonly bucketMs: number, private readonly maxEntries = 1000) {}

  get(nowMs: number, key: string, compute: () => Promise<T>): Promise<T> {
    if (this.bucketMs <= 0) return compute()
    const bucket = Math.floor(nowMs / this.bucketMs)
    const hit = this.#entries.get(key)
    if (hit && hit.bucket === bucket) return hit.value
    // Entries of earlier buckets are dead: drop them so the map stays as small as the key set.
    for (const [k, e] of this.#entries) if (e.bucket !== bucket) this.#entries.delete(k)
    if (this.#entries.size >= this.maxEntries) return compute()
    const value = compute()
    this.#entries.set(key, { bucket, value })
    // A failed computation must not be served for the rest of the bucket.
    value.catch(() => {
      if (this.#entries.get(key)?.value === value) this.#entries.delete(key)
    })
    return value
  }
}
