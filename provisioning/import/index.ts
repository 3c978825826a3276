/**
 * Inventory import: files -> one checked Inventory, or every problem found. Field checks
 * first (build.ts), then what only the whole can tell: unique ids, every reference
 * resolves, sites fall in the city. Each collection the files do not hold at all
 * (e.g. no neighborhoods) is kept from the base (the stored inventory).
 */
import { Value } from '@sinclair/typebox/value'
import { Inventory, type Device, type FiberLink, type Neighborhood, type Position, type Site } from '../../core/inventory.ts'
import { bbox, haversineM, inBBox, neighborhoodAt, unionBBox } from '../../core/geo.ts'
import { Report, buildDevice, buildLink, buildNeighborhood, buildSite, type BuiltDevice, type RawRecord } from './build.ts'
import { readInventoryFile, readInventoryText, type ReadResult } from './read.ts'

export { Report } from './build.ts'

export interface ImportResult {
  /** present only when there are no errors */
  inventory?: Inventory
  errors: string[]
  warnings: string[]
}

/** A device placed by lon/lat this far from its site gets a warning: someone mistyped one of them. */
const DEVICE_SITE_WARN_M = 100
/** Sites this far outside the box of the neighborhoods get a warning (a swapped lon/lat, a wrong sign). */
const CITY_BBOX_MARGIN_DEG = 0.01

/** Reads and checks files. `base` supplies the city and every collection the files leave out. */
export function importInventoryFiles(files: string[], base?: Inventory): ImportResult {
  const report = new Report()
  return combine(files.map((f) => readInventoryFile(f, report)), report, base)
}

/** The same from texts already in memory (an upload): `name` tells the format (.csv, .geojson). */
export function importInventoryTexts(texts: { name: string; text: string }[], base?: Inventory): ImportResult {
  const report = new Report()
  return combine(texts.map((t) => readInventoryText(t.name, t.text, report)), report, base)
}

function combine(reads: ReadResult[], report: Report, base?: Inventory): ImportResult {
  const records: RawRecord[] = reads.flatMap((r) => r.records)
  const city = reads.map((r) => r.city).filter((c) => c !== undefined).at(-1)
  return assembleInventory(records, report, base, city)
}

interface Placed<T> {
  value: T
  at: string
}

export function assembleInventory(records: RawRecord[], report: Report, base?: Inventory, city?: Inventory['city']): ImportResult {
  const of = (e: RawRecord['entity']) => records.filter((r) => r.entity === e)
  const built = <T>(e: RawRecord['entity'], build: (r: RawRecord, rep: Report) => T | undefined): Placed<T>[] =>
    of(e).flatMap((r) => {
      const value = build(r, report)
      return value === undefined ? [] : [{ value, at: r.at }]
    })
  const fromBase = <T>(list: T[] | undefined, label: string, idOf: (t: T) => string): Placed<T>[] =>
    (list ?? []).map((value) => ({ value, at: `stored inventory: ${label} '${idOf(value)}'` }))

  const neighborhoods: Placed<Neighborhood>[] = of('neighborhood').length
    ? built('neighborhood', buildNeighborhood)
    : fromBase(base?.neighborhoods, 'neighborhood', (n) => n.id)
  const sites: Placed<Site>[] = of('site').length ? built('site', buildSite) : fromBase(base?.sites, 'site', (s) => s.id)
  const devices: Placed<BuiltDevice>[] = of('device').length
    ? built('device', buildDevice)
    : fromBase(base?.devices, 'device', (d) => d.id).map((p) => ({ value: { device: p.value, siteGiven: true }, at: p.at }))
  const links: Placed<FiberLink>[] = of('link').length ? built('link', buildLink) : fromBase(base?.links, 'link', (l) => l.id)
  // Records whose fields failed are already reported; their ids still count as present so
  // one bad row does not also raise "unknown device" on every row that names it.
  const failedIds = (e: RawRecord['entity']) => new Set(of(e).map((r) => String(r.fields.id ?? '')))

  const unique = <T>(list: Placed<T>[], idOf: (t: T) => string, what: string): Map<string, Placed<T>> => {
    const byId = new Map<string, Placed<T>>()
    for (const p of list) {
      const id = idOf(p.value)
      const first = byId.get(id)
      if (first) report.error(p.at, 'id', `duplicate ${what} id '${id}' (first at ${first.at})`)
      else byId.set(id, p)
    }
    return byId
  }
  const hoodById = unique(neighborhoods, (n) => n.id, 'neighborhood')
  const siteById = unique(sites, (s) => s.id, 'site')
  const deviceById = unique(devices, (d) => d.device.id, 'device')
  unique(links, (l) => l.id, 'link')
  const hoods = [...hoodById.values()].map((p) => p.value)
  const cityBox = hoods.length ? unionBBox(hoods.map((n) => bbox(n.geometry))) : undefined
  const siteIdsFailed = failedIds('site')
  const deviceIdsFailed = failedIds('device')

  // A device with lon/lat and a blank site gets a site of its own; a named site must exist
  // (a typo must not quietly create a new pole).
  for (const { value: d, at } of devices) {
    const site = siteById.get(d.device.site)
    if (site && d.point) {
      const off = haversineM(d.point, [site.value.lon, site.value.lat])
      if (off > DEVICE_SITE_WARN_M) report.warn(at, 'lon', `the device is ${Math.round(off)} m from its site '${site.value.id}' (lon/lat or site is wrong)`)
    } else if (!site && d.point && !d.siteGiven) {
      const implicit: Placed<Site> = {
        value: { id: d.device.site, kind: d.device.kind === 'ap' ? 'pole' : 'cabinet', lon: d.point[0], lat: d.point[1], neighborhood: '' },
        at,
      }
      sites.push(implicit)
      siteById.set(implicit.value.id, implicit)
    } else if (!site && !siteIdsFailed.has(d.device.site)) {
      report.error(at, 'site', `site '${d.device.site}' does not exist`)
    }
  }

  for (const s of sites) {
    const p: Position = [s.value.lon, s.value.lat]
    s.value = { ...s.value, neighborhood: neighborhoodAt(p, hoods) }
    if (cityBox && !inBBox(p, [cityBox[0] - CITY_BBOX_MARGIN_DEG, cityBox[1] - CITY_BBOX_MARGIN_DEG, cityBox[2] + CITY_BBOX_MARGIN_DEG, cityBox[3] + CITY_BBOX_MARGIN_DEG])) {
      report.warn(s.at, 'lon', `[${p[0]}, ${p[1]}] is outside the city's bounding box [${cityBox.map((x) => x.toFixed(4)).join(', ')}] (lon and lat swapped?)`)
    } else if (cityBox && s.value.neighborhood === '') {
      report.warn(s.at, 'lon', `[${p[0]}, ${p[1]}] is inside no neighborhood polygon`)
    }
  }

  const knownDevice = (id: string) => deviceById.has(id) || deviceIdsFailed.has(id)
  for (const { value: d, at } of devices) {
    const { uplink, controller, id } = d.device
    if (uplink) {
      if (uplink.device === id) report.error(at, 'uplink_device', `a device cannot be its own uplink`)
      else if (!knownDevice(uplink.device)) report.error(at, 'uplink_device', `device '${uplink.device}' does not exist`)
    }
    if (controller) {
      const c = deviceById.get(controller)
      if (!c && !deviceIdsFailed.has(controller)) report.error(at, 'controller', `device '${controller}' does not exist`)
      else if (c && c.value.device.kind !== 'controller') report.error(at, 'controller', `device '${controller}' is a ${c.value.device.kind}, not a controller`)
    }
    const managedBy = d.device.managedBy
    if (managedBy) {
      const c = deviceById.get(managedBy)
      if (!c && !deviceIdsFailed.has(managedBy)) report.error(at, 'managed_by', `device '${managedBy}' does not exist`)
      else if (c && c.value.device.kind !== 'controller') report.error(at, 'managed_by', `device '${managedBy}' is a ${c.value.device.kind}, not a controller`)
    }
  }
  for (const { value: l, at } of links) {
    if (!knownDevice(l.a.device)) report.error(at, 'a_device', `device '${l.a.device}' does not exist`)
    if (!knownDevice(l.b.device)) report.error(at, 'b_device', `device '${l.b.device}' does not exist`)
  }

  if (report.errorCount > 0) return { errors: report.errors, warnings: report.warnings }
  const inventory: Inventory = {
    city: city ?? base?.city ?? { name: 'Unnamed city', timezone: 'UTC' },
    neighborhoods: hoods,
    sites: sites.map((s) => s.value),
    devices: devices.map((d) => d.value.device as Device),
    links: links.map((l) => l.value),
  }
  // The schema has the last word over the whole: a miss here is a bug in the checks above.
  for (const e of Value.Errors(Inventory, inventory)) report.error('inventory', undefined, `${e.path}: ${e.message}`)
  return report.errorCount ? { errors: report.errors, warnings: report.warnings } : { inventory, errors: [], warnings: report.warnings }
}
