/**
 * The default city: Hartford, CT. The 17 official neighborhoods and their ACS 2019-2023
 * figures are real (provisioning/city/data/, see PROVENANCE.md); the network on top is
 * generated, seeded and reproducible, because no list of the city's real access points
 * exists in the public record. Same seed, same inventory, to the last coordinate.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import type { AreaGeometry, Census, Device, FiberLink, Inventory, Neighborhood, Position, Site, Tract } from '../../core/inventory.ts'
import { areaM2, bbox, haversineM, neighborhoodAt, offsetM, pointInArea, routeLengthM } from '../../core/geo.ts'
import { slugify } from '../import/build.ts'
import { tractsFromGeoJson } from '../import/tracts.ts'

export { slugify }

export const HARTFORD_CITY = { name: 'Hartford, CT', timezone: 'America/New_York' } as const

/** Neighborhoods the city's free Wi-Fi serves, as the city spells them. Bushnell Park lies in Downtown. */
export const HARTFORD_SERVED = ['Northeast', 'Frog Hollow', 'Clay-Arsenal', 'Asylum Hill', 'Blue Hills', 'Downtown'] as const

/** Neighborhoods whose APs are lightweight APs behind the one Cisco wireless controller. */
export const HARTFORD_CONTROLLER_NEIGHBORHOODS = ['Downtown', 'Asylum Hill', 'Frog Hollow'] as const

/** The city hub (City Hall, 550 Main St): core router and wireless controller. */
export const HARTFORD_HUB: Position = [-72.6729, 41.7637]

/** SNMP credential name every generated device uses; the secret lives outside the inventory. */
export const HARTFORD_CREDENTIAL = 'sim-v2c'

/**
 * The UniFi Network controller (a Cloud Key at City Hall) that manages the standalone UniFi
 * APs and lists their stations over its HTTPS API (the Integration API, with an API key
 * named by `credential`; the key itself lives outside the inventory). Its API answers on
 * the device's management address: https://<mgmt host>:<mgmt port>.
 */
export const HARTFORD_UNIFI = { id: 'unifi-1', name: 'UNIFI-1', credential: 'sim-unifi', site: 'default', model: 'UCK-G2-PLUS' } as const

/** Where a device's SNMP agent answers. */
export interface MgmtAddress {
  host: string
  port: number
}
/** Gives the management address of the index-th device (0-based, in inventory order). */
export type AddressPlan = (index: number, device: { id: string; kind: Device['kind'] }) => MgmtAddress

/**
 * One loopback address per device, all on one port: `<hostPrefix>.<n>.<m>` with m in 1..254.
 * Linux answers on all of 127.0.0.0/8, so no interface setup is needed. Port 1161 by
 * default because binding 161 needs root.
 */
export function addressPlan(opts: { hostPrefix?: string; basePort?: number } = {}): AddressPlan {
  const hostPrefix = opts.hostPrefix ?? '127.10'
  const port = opts.basePort ?? 1161
  if (!/^127\.\d{1,3}$/.test(hostPrefix) || Number(hostPrefix.split('.')[1]) > 255) {
    throw new Error(`hostPrefix must be two octets of 127.0.0.0/8 like '127.10', got '${hostPrefix}'`)
  }
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new Error(`basePort must be an integer 1-65535, got ${port}`)
  return (index) => {
    const n = Math.floor(index / 254)
    if (n > 255) throw new Error(`address plan ${hostPrefix}.x.y holds 65,024 devices, device #${index} does not fit`)
    return { host: `${hostPrefix}.${n}.${(index % 254) + 1}`, port }
  }
}

/** One host, one port per device: basePort, basePort+1, ... (for tests that want free ports on 127.0.0.1). */
export function portPlan(opts: { host?: string; basePort: number }): AddressPlan {
  const host = opts.host ?? '127.0.0.1'
  return (index) => {
    const port = opts.basePort + index
    if (port > 65535) throw new Error(`port plan from ${opts.basePort} runs past 65535 at device #${index}`)
    return { host, port }
  }
}

export interface HartfordOptions {
  /** PRNG seed (default 1) */
  seed?: number
  /** SNMP port for the default address plan (default 1161) */
  basePort?: number
  /** first two octets of the default address plan (default '127.10') */
  hostPrefix?: string
  /** replaces the default address plan entirely */
  addressPlan?: AddressPlan
}

/** mulberry32: a tiny, fast, well-mixed 32-bit PRNG; enough for placing poles. */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0
  return () => {
    a = (a + 0x6d2b79f5) >>> 0
    let t = a
    t = Math.imul(t ^ (t >>> 15), t | 1)
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61)
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296
  }
}

const DATA = new URL('./data/', import.meta.url)

interface HartfordData {
  neighborhoods: (Neighborhood & { nbhdId: number })[]
  tracts: { nbhdId: number; densityPerKm2: number; geometry: AreaGeometry }[]
}
let cached: HartfordData | undefined

function intOf(v: string, what: string): number {
  const n = Number(v)
  if (v === '' || !Number.isInteger(n)) throw new Error(`hartford_neighborhoods_acs2023.csv: ${what} must be an integer, got '${v}'`)
  return n
}
const numOrNull = (v: string): number | null => (v === '' ? null : Number(v))

/** The 17 neighborhoods (census figures from the CSV, polygons from the GeoJSON) and the tracts. */
export function hartfordData(): HartfordData {
  if (cached) return cached
  const rows = parse(readFileSync(new URL('hartford_neighborhoods_acs2023.csv', DATA)), { columns: true }) as Record<string, string>[]
  const geo = JSON.parse(readFileSync(new URL('hartford_neighborhoods_acs2023.geojson', DATA), 'utf8')) as {
    features: { properties: { nbhd_id: number }; geometry: AreaGeometry }[]
  }
  const served = new Set<string>(HARTFORD_SERVED)
  const neighborhoods = rows
    .filter((r) => r.nbhd_id !== '0') // the citywide total row
    .map((r) => {
      const nbhdId = intOf(r.nbhd_id!, 'nbhd_id')
      const feature = geo.features.find((f) => f.properties.nbhd_id === nbhdId)
      if (!feature) throw new Error(`hartford_neighborhoods_acs2023.geojson has no polygon for nbhd_id ${nbhdId}`)
      const census: Census = {
        population: intOf(r.population!, 'population'),
        households: intOf(r.households!, 'households'),
        householdsWithoutBroadband: intOf(r.hh_without_broadband_est!, 'hh_without_broadband_est'),
        pctWithoutBroadband: numOrNull(r.pct_hh_without_broadband!),
        povertyRatePct: numOrNull(r.poverty_rate_pct!),
      }
      return { nbhdId, id: slugify(r.name!), name: r.name!, served: served.has(r.name!), census, geometry: feature.geometry }
    })
    .sort((a, b) => a.nbhdId - b.nbhdId)
  const tractGeo = JSON.parse(readFileSync(new URL('hartford_tracts_2020_acs2023.geojson', DATA), 'utf8')) as {
    features: { properties: { nbhd_id: number; population: number }; geometry: AreaGeometry }[]
  }
  const tracts = tractGeo.features.map((f) => ({
    nbhdId: f.properties.nbhd_id,
    densityPerKm2: f.properties.population / (areaM2(f.geometry) / 1e6),
    geometry: f.geometry,
  }))
  cached = { neighborhoods, tracts }
  return cached
}

/** People per outdoor AP where people live; Downtown (few residents, many visitors) gets an area floor. */
const PEOPLE_PER_AP = 230
const MIN_APS_PER_KM2 = 9
/** Poles closer than this are not both given an AP: their cells would mostly overlap. */
const MIN_SPACING_M = 100
/** A 48-port access switch keeps a few ports for uplinks and spares. */
const MAX_APS_PER_SWITCH = 44
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6
const pos6 = (p: Position): Position => [round6(p[0]), round6(p[1])]

/**
 * The Hartford inventory: 17 neighborhoods (6 served), ~200-250 outdoor APs on poles in the
 * served ones, one Cisco WLC for Downtown/Asylum Hill/Frog Hollow, UniFi APs elsewhere
 * (managed by one UniFi Network controller, which lists their stations over HTTPS), access
 * switches in cabinets with fiber to the core router at City Hall.
 * `hartfordInventory(7)` is short for `hartfordInventory({ seed: 7 })`.
 */
export function hartfordInventory(options: number | HartfordOptions = {}): Inventory {
  const opts: HartfordOptions = typeof options === 'number' ? { seed: options } : options
  const seed = opts.seed ?? 1
  const plan = opts.addressPlan ?? addressPlan({ hostPrefix: opts.hostPrefix, basePort: opts.basePort })
  const rng = mulberry32(seed)
  const data = hartfordData()
  const neighborhoods: Neighborhood[] = data.neighborhoods.map(({ nbhdId: _drop, ...n }) => n)

  const sites: Site[] = []
  const devices: Omit<Device, 'mgmt'>[] = []
  const links: FiberLink[] = []
  const site = (id: string, kind: Site['kind'], p: Position): Site => {
    const s: Site = { id, kind, lon: p[0], lat: p[1], neighborhood: neighborhoodAt(p, neighborhoods) }
    sites.push(s)
    return s
  }

  const hub = site('hub-city-hall', 'hub', HARTFORD_HUB)
  devices.push({ id: 'core-1', name: 'CORE-1', kind: 'router', site: hub.id, credential: HARTFORD_CREDENTIAL, model: 'ASR-920-24SZ-M' })
  let corePort = 0
  const nextCorePort = (): string => `Te0/0/${++corePort}`
  devices.push({
    id: 'wlc-1',
    name: 'WLC-1',
    kind: 'controller',
    site: hub.id,
    credential: HARTFORD_CREDENTIAL,
    uplink: { device: 'core-1', port: nextCorePort() },
    model: 'AIR-CT5520-K9',
  })

  const controllerHoods = new Set<string>(HARTFORD_CONTROLLER_NEIGHBORHOODS)
  const placed: Position[] = []
  for (const name of HARTFORD_SERVED) {
    const hood = data.neighborhoods.find((n) => n.name === name)!
    const slug = hood.id
    const upper = slug.toUpperCase()
    const km2 = areaM2(hood.geometry) / 1e6
    const target = Math.round(Math.max(hood.census.population / PEOPLE_PER_AP, km2 * MIN_APS_PER_KM2) * (0.9 + 0.2 * rng()))

    // Rejection sampling: inside the polygon, accepted with the odds of the local tract's
    // population density (so denser blocks get more poles), and apart from every other AP.
    const tracts = data.tracts.filter((t) => t.nbhdId === hood.nbhdId)
    const maxDensity = Math.max(...tracts.map((t) => t.densityPerKm2), 1)
    const [minLon, minLat, maxLon, maxLat] = bbox(hood.geometry)
    const points: Position[] = []
    for (let attempt = 0; points.length < target && attempt < 50_000; attempt++) {
      const p = pos6([minLon + rng() * (maxLon - minLon), minLat + rng() * (maxLat - minLat)])
      const odds = rng()
      if (!pointInArea(p, hood.geometry)) continue
      const tract = tracts.find((t) => pointInArea(p, t.geometry))
      const weight = Math.max(0.25, (tract?.densityPerKm2 ?? 0) / maxDensity)
      if (odds > weight) continue
      if (placed.some((q) => haversineM(p, q) < MIN_SPACING_M)) continue
      // A point on a shared border must still belong to this neighborhood when derived.
      if (neighborhoodAt(p, neighborhoods) !== slug) continue
      points.push(p)
      placed.push(p)
    }
    // Number the poles north to south, then west to east, so AP-07 is near AP-08 on the map.
    points.sort((a, b) => b[1] - a[1] || a[0] - b[0])

    // Switches: split along the longer side of the neighborhood, one cabinet per group.
    const nSwitches = Math.max(hood.census.population > 10_000 ? 2 : 1, Math.ceil(points.length / MAX_APS_PER_SWITCH))
    const alongLon = (maxLon - minLon) * Math.cos((((minLat + maxLat) / 2) * Math.PI) / 180) > maxLat - minLat
    const ordered = points.map((p, i) => ({ p, i })).sort((a, b) => (alongLon ? a.p[0] - b.p[0] : b.p[1] - a.p[1]))
    const groupOf = new Array<number>(points.length)
    ordered.forEach((o, k) => (groupOf[o.i] = Math.floor((k * nSwitches) / ordered.length)))
    const portsUsed = new Array<number>(nSwitches).fill(0)

    for (let g = 0; g < nSwitches; g++) {
      const members = points.filter((_, i) => groupOf[i] === g)
      const mid: Position = [members.reduce((s, p) => s + p[0], 0) / members.length, members.reduce((s, p) => s + p[1], 0) / members.length]
      let cabinet = pos6(mid)
      if (neighborhoodAt(cabinet, neighborhoods) !== slug) {
        // A concave neighborhood can have its middle outside: use the pole nearest the middle, 20 m off.
        const nearest = members.reduce((best, p) => (haversineM(p, mid) < haversineM(best, mid) ? p : best))
        const moved = pos6(offsetM(nearest, 14, 14))
        cabinet = neighborhoodAt(moved, neighborhoods) === slug ? moved : nearest
      }
      const cab = site(`cab-${slug}-${g + 1}`, 'cabinet', cabinet)
      const swId = `sw-${slug}-${g + 1}`
      const corePortHere = nextCorePort()
      devices.push({
        id: swId,
        name: `SW-${upper}-${g + 1}`,
        kind: 'switch',
        site: cab.id,
        credential: HARTFORD_CREDENTIAL,
        uplink: { device: 'core-1', port: corePortHere },
        model: 'C9300-48P',
      })
      // Fiber follows the street grid: north-south, east-west, north-south, with seeded jogs.
      const a: Position = [cab.lon, cab.lat]
      const b: Position = [hub.lon, hub.lat]
      const midLat = round6(a[1] + (b[1] - a[1]) * (0.3 + 0.4 * rng()))
      const midLon = round6(a[0] + (b[0] - a[0]) * (0.3 + 0.4 * rng()))
      const raw: Position[] = [a, [a[0], midLat], [midLon, midLat], [midLon, b[1]], b]
      const coords = raw.filter((p, i) => i === 0 || p[0] !== raw[i - 1]![0] || p[1] !== raw[i - 1]![1])
      if (coords.length < 2) coords.push(pos6(offsetM(a, 5, 0)))
      links.push({
        id: `fiber-${swId}`,
        a: { device: swId, port: 'Te1/1/1' },
        b: { device: 'core-1', port: corePortHere },
        route: { type: 'LineString', coordinates: coords },
        lengthM: routeLengthM(coords),
      })
    }

    const width = points.length >= 100 ? 3 : 2
    points.forEach((p, i) => {
      const n = i + 1
      const pole = site(`pole-${slug}-${String(n).padStart(3, '0')}`, 'pole', p)
      const g = groupOf[i]!
      const uplink = { device: `sw-${slug}-${g + 1}`, port: `Gi1/0/${++portsUsed[g]!}` }
      const name = `AP-${upper}-${String(n).padStart(width, '0')}`
      const id = `ap-${slug}-${String(n).padStart(3, '0')}`
      if (controllerHoods.has(hood.name)) {
        devices.push({
          id,
          name,
          kind: 'ap',
          site: pole.id,
          credential: HARTFORD_CREDENTIAL,
          uplink,
          controller: 'wlc-1',
          controllerApName: name,
          model: 'AIR-AP1562E-B-K9',
        })
      } else {
        devices.push({ id, name, kind: 'ap', site: pole.id, credential: HARTFORD_CREDENTIAL, uplink, managedBy: HARTFORD_UNIFI.id, model: 'UAP-AC-M' })
      }
    })
  }

  // The UniFi controller comes last, so adding it moved no other device's address or port.
  devices.push({
    id: HARTFORD_UNIFI.id,
    name: HARTFORD_UNIFI.name,
    kind: 'controller',
    site: hub.id,
    // the SNMP credential, as every device has; the API's own is api.credential below
    credential: HARTFORD_CREDENTIAL,
    uplink: { device: 'core-1', port: nextCorePort() },
    model: HARTFORD_UNIFI.model,
  })

  // Keys in one fixed order, so a stored and re-read inventory is deep-equal to a fresh one.
  const withMgmt: Device[] = devices.map((d, i) => {
    const out: Device = { id: d.id, name: d.name, kind: d.kind, site: d.site, mgmt: plan(i, { id: d.id, kind: d.kind }), credential: d.credential }
    if (d.uplink) out.uplink = d.uplink
    if (d.controller) out.controller = d.controller
    if (d.controllerApName) out.controllerApName = d.controllerApName
    if (d.managedBy) out.managedBy = d.managedBy
    if (d.model) out.model = d.model
    if (d.id === HARTFORD_UNIFI.id) {
      const { host, port } = out.mgmt
      out.api = { kind: 'unifi-integration', baseUrl: `https://${host.includes(':') ? `[${host}]` : host}:${port}`, site: HARTFORD_UNIFI.site, auth: 'api-key', credential: HARTFORD_UNIFI.credential }
    }
    return out
  })
  return { city: { ...HARTFORD_CITY }, neighborhoods, sites, devices: withMgmt, links }
}

/**
 * Hartford's 41 census tracts (2020 boundaries, ACS 2019-2023: hartford_tracts_2020_acs2023.geojson,
 * see data/PROVENANCE.md) as planning/ takes them: each with its neighborhood's id and the
 * census figures the need is computed from.
 */
export function hartfordTracts(): Tract[] {
  return tractsFromGeoJson(readFileSync(new URL('hartford_tracts_2020_acs2023.geojson', DATA), 'utf8'), hartfordData().neighborhoods, 'hartford_tracts_2020_acs2023.geojson')
}

/** The city's own estimate to reach every neighborhood, for the plan to print beside its own. */
export const HARTFORD_CITY_ESTIMATE = { usd: 30_100_000, label: "Hartford's own estimate to bring the free Wi-Fi to every neighborhood" }
