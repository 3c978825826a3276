/**
 * Turns raw records (a CSV row's strings, a GeoJSON feature's properties) into typed
 * inventory objects, one field at a time, so each problem is reported with the field's
 * name as the file spells it and the value it held. Every problem is collected; nothing
 * stops at the first.
 */
import { Value } from '@sinclair/typebox/value'
import type { TSchema } from '@sinclair/typebox'
import {
  Device,
  FiberLink,
  Neighborhood,
  Site,
  type AreaGeometry,
  type Census,
  type DeviceKind,
  type LineStringGeometry,
  type Position,
} from '../../core/inventory.ts'
import { routeLengthM } from '../../core/geo.ts'
import { parseRoute, parseWkt } from './wkt.ts'

export type Entity = 'neighborhood' | 'site' | 'device' | 'link'

export interface RawRecord {
  entity: Entity
  /** where it came from, as it starts every message: "devices.csv:14" or "city.geojson: features[3] (id 'x')" */
  at: string
  /** field values: strings from CSV, JSON values from GeoJSON properties */
  fields: Record<string, unknown>
  /** GeoJSON geometry of the feature (CSV rows carry theirs as text in a field) */
  geometry?: unknown
}

/** Collects errors and warnings as the lines the CLI prints. */
export class Report {
  private readonly items: { level: 'error' | 'warning'; at: string; text: string }[] = []
  error(at: string, field: string | undefined, what: string): void {
    this.items.push({ level: 'error', at, text: field ? `${at}: field '${field}': ${what}` : `${at}: ${what}` })
  }
  warn(at: string, field: string | undefined, what: string): void {
    this.items.push({ level: 'warning', at, text: field ? `${at}: field '${field}': ${what}` : `${at}: ${what}` })
  }
  /** in file order, then line or feature order (numbers compared as numbers) */
  private sorted(level: 'error' | 'warning'): string[] {
    return this.items
      .filter((i) => i.level === level)
      .sort((a, b) => a.at.localeCompare(b.at, 'en', { numeric: true }))
      .map((i) => i.text)
  }
  get errors(): string[] {
    return this.sorted('error')
  }
  get warnings(): string[] {
    return this.sorted('warning')
  }
  get errorCount(): number {
    return this.items.filter((i) => i.level === 'error').length
  }
}

export const SITE_KINDS = ['pole', 'rooftop', 'cabinet', 'hub'] as const
export const DEVICE_KINDS = ['ap', 'controller', 'switch', 'olt', 'router'] as const
/** the columns of a device's `api` block (a controller read over its HTTPS API) */
export const API_FIELDS = ['api_kind', 'api_base_url', 'api_site', 'api_auth', 'api_credential', 'api_fingerprint256', 'api_ca_file']
const API_KINDS = ['unifi-integration', 'unifi-classic'] as const
const API_AUTHS = ['api-key', 'login'] as const
const ID_RE = /^[a-z0-9][a-z0-9._-]{0,63}$/

/** The columns (CSV) and properties (GeoJSON) of each entity; docs/INVENTORY.md lists the same. */
export const FIELDS: Record<Entity, { required: string[]; optional: string[] }> = {
  neighborhood: {
    required: ['name', 'population', 'households', 'hh_without_broadband_est', 'geometry'],
    optional: ['id', 'served', 'pct_hh_without_broadband', 'poverty_rate_pct'],
  },
  site: { required: ['id', 'kind', 'lon', 'lat'], optional: ['neighborhood'] },
  device: {
    required: ['id', 'kind', 'host', 'port', 'credential'],
    optional: ['name', 'site', 'lon', 'lat', 'uplink_device', 'uplink_port', 'controller', 'controller_ap_name', 'model', 'profile', 'managed_by', ...API_FIELDS],
  },
  link: { required: ['a_device', 'a_port', 'b_device', 'b_port', 'route'], optional: ['id', 'length_m'] },
}

export const got = (v: unknown): string => (typeof v === 'string' ? `'${v}'` : JSON.stringify(v))
const absent = (v: unknown): boolean => v === undefined || v === null || (typeof v === 'string' && v.trim() === '')

/** Reads one record's fields, reporting each bad one against the record's location. */
export class FieldReader {
  bad = false
  constructor(
    readonly rec: RawRecord,
    readonly report: Report,
  ) {}
  private fail(field: string, what: string): undefined {
    this.bad = true
    this.report.error(this.rec.at, field, what)
    return undefined
  }
  raw(field: string): unknown {
    return this.rec.fields[field]
  }
  has(field: string): boolean {
    return !absent(this.rec.fields[field])
  }
  str(field: string, opts: { required?: boolean; max?: number } = {}): string | undefined {
    const v = this.rec.fields[field]
    if (absent(v)) return opts.required ? this.fail(field, 'is required') : undefined
    if (typeof v !== 'string' && typeof v !== 'number') return this.fail(field, `must be text, got ${got(v)}`)
    const s = String(v).trim()
    const max = opts.max ?? 100
    if (s.length > max) return this.fail(field, `must be at most ${max} characters, got ${s.length}`)
    return s
  }
  id(field: string, opts: { required?: boolean } = {}): string | undefined {
    const s = this.str(field, { required: opts.required, max: 1000 })
    if (s === undefined) return undefined
    if (!ID_RE.test(s)) {
      return this.fail(field, `must be a lower-case id (a-z, 0-9, '.', '_', '-', starting with a letter or digit, at most 64 characters), got ${got(s)}`)
    }
    return s
  }
  int(field: string, min: number, max: number | undefined, opts: { required?: boolean } = {}): number | undefined {
    const v = this.rec.fields[field]
    if (absent(v)) return opts.required ? this.fail(field, 'is required') : undefined
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[-+]?\d+\s*$/.test(v) ? Number(v) : NaN
    if (!Number.isInteger(n) || n < min || (max !== undefined && n > max)) {
      return this.fail(field, `must be an integer ${max === undefined ? `>= ${min}` : `${min}-${max}`}, got ${got(v)}`)
    }
    return n
  }
  num(field: string, min: number, max: number, opts: { required?: boolean } = {}): number | undefined {
    const v = this.rec.fields[field]
    if (absent(v)) return opts.required ? this.fail(field, 'is required') : undefined
    const n = typeof v === 'number' ? v : typeof v === 'string' && /^\s*[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?\s*$/.test(v) ? Number(v) : NaN
    if (!Number.isFinite(n) || n < min || n > max) return this.fail(field, `must be a number from ${min} to ${max}, got ${got(v)}`)
    return n
  }
  bool(field: string, fallback: boolean): boolean {
    const v = this.rec.fields[field]
    if (absent(v)) return fallback
    if (typeof v === 'boolean') return v
    const s = String(v).trim().toLowerCase()
    if (['true', 'yes', 'y', '1'].includes(s)) return true
    if (['false', 'no', 'n', '0'].includes(s)) return false
    this.fail(field, `must be true or false, got ${got(v)}`)
    return fallback
  }
  oneOf<T extends string>(field: string, values: readonly T[]): T | undefined {
    const v = this.str(field, { required: true })
    if (v === undefined) return undefined
    if (!(values as readonly string[]).includes(v)) return this.fail(field, `must be one of ${values.join(', ')}, got ${got(v)}`)
    return v as T
  }
  /** Marks the record bad with a message of the caller's own. */
  problem(field: string, what: string): undefined {
    return this.fail(field, what)
  }
}

function checkPosition(p: unknown): string | undefined {
  if (!Array.isArray(p) || p.length < 2 || typeof p[0] !== 'number' || typeof p[1] !== 'number') return `${got(p)} is not a [lon, lat] position`
  if (!(p[0] >= -180 && p[0] <= 180 && p[1] >= -90 && p[1] <= 90)) return `[${p[0]}, ${p[1]}] is outside lon -180..180, lat -90..90`
  return undefined
}

/** Checks Polygon/MultiPolygon coordinates ring by ring; returns the first problem, in words. */
function areaProblem(g: { type: string; coordinates: unknown }): string | undefined {
  const polygons = g.type === 'Polygon' ? [g.coordinates] : g.coordinates
  if (!Array.isArray(polygons) || polygons.length === 0) return `${g.type} has no coordinates`
  for (let pi = 0; pi < polygons.length; pi++) {
    const rings = polygons[pi]
    const where = g.type === 'MultiPolygon' ? `polygon ${pi + 1} ` : 'polygon '
    if (!Array.isArray(rings) || rings.length === 0) return `${where}has no rings`
    for (let ri = 0; ri < rings.length; ri++) {
      const ring = rings[ri]
      if (!Array.isArray(ring)) return `${where}ring ${ri + 1} is not a list of positions`
      for (const p of ring) {
        const bad = checkPosition(p)
        if (bad) return `${where}ring ${ri + 1}: ${bad}`
      }
      if (ring.length < 4) return `${where}ring ${ri + 1} has ${ring.length} positions, a closed ring needs at least 4`
      const [f, l] = [ring[0] as Position, ring[ring.length - 1] as Position]
      if (f[0] !== l[0] || f[1] !== l[1]) return `${where}ring ${ri + 1} is not closed (its first and last positions differ)`
    }
  }
  return undefined
}

/** A geometry from a GeoJSON feature or from a CSV cell (WKT, or GeoJSON geometry text). */
function geometryOf(r: FieldReader, field: string): { type: string; coordinates: unknown } | undefined {
  if (r.rec.geometry !== undefined) {
    const g = r.rec.geometry as { type?: unknown; coordinates?: unknown } | null
    if (!g || typeof g !== 'object' || typeof g.type !== 'string') return r.problem(field, `must be a GeoJSON geometry, got ${got(g)}`)
    return g as { type: string; coordinates: unknown }
  }
  const text = r.str(field, { required: true, max: 10_000_000 })
  if (text === undefined) return undefined
  try {
    if (text.startsWith('{')) return JSON.parse(text)
    return parseWkt(text)
  } catch (err) {
    return r.problem(field, (err as Error).message)
  }
}

function area(r: FieldReader): AreaGeometry | undefined {
  const g = geometryOf(r, 'geometry')
  if (!g) return undefined
  if (g.type !== 'Polygon' && g.type !== 'MultiPolygon') return r.problem('geometry', `must be a Polygon or MultiPolygon, got ${got(g.type)}`)
  const bad = areaProblem(g)
  if (bad) return r.problem('geometry', bad)
  return { type: g.type, coordinates: g.coordinates } as AreaGeometry
}

function route(r: FieldReader): LineStringGeometry | undefined {
  let coords: unknown
  if (r.rec.geometry !== undefined) {
    const g = geometryOf(r, 'route')
    if (!g) return undefined
    if (g.type !== 'LineString') return r.problem('route', `must be a LineString, got ${got(g.type)}`)
    coords = g.coordinates
  } else {
    const text = r.str('route', { required: true, max: 10_000_000 })
    if (text === undefined) return undefined
    try {
      coords = parseRoute(text)
    } catch (err) {
      return r.problem('route', (err as Error).message)
    }
  }
  if (!Array.isArray(coords)) return r.problem('route', `must be a list of positions, got ${got(coords)}`)
  for (const p of coords) {
    const bad = checkPosition(p)
    if (bad) return r.problem('route', bad)
  }
  if (coords.length < 2) return r.problem('route', `has ${coords.length} position${coords.length === 1 ? '' : 's'}, a route needs at least 2`)
  return { type: 'LineString', coordinates: (coords as Position[]).map((p) => [p[0], p[1]] as Position) }
}

/** Point of a GeoJSON feature, or the lon/lat fields. */
function point(r: FieldReader, required: boolean): Position | undefined {
  if (r.rec.geometry !== undefined) {
    const g = r.rec.geometry as { type?: string; coordinates?: unknown }
    const bad = checkPosition(g?.coordinates)
    if (bad) return r.problem('geometry', bad)
    const c = g.coordinates as Position
    return [c[0], c[1]]
  }
  if (!required && !r.has('lon') && !r.has('lat')) return undefined
  const lon = r.num('lon', -180, 180, { required: true })
  const lat = r.num('lat', -90, 90, { required: true })
  return lon === undefined || lat === undefined ? undefined : [lon, lat]
}

/** Schema paths of each entity mapped to the field names of the files. */
const FIELD_OF: Record<string, string> = {
  '/mgmt/host': 'host',
  '/mgmt/port': 'port',
  '/uplink/device': 'uplink_device',
  '/uplink/port': 'uplink_port',
  '/controllerApName': 'controller_ap_name',
  '/managedBy': 'managed_by',
  '/api/kind': 'api_kind',
  '/api/baseUrl': 'api_base_url',
  '/api/site': 'api_site',
  '/api/auth': 'api_auth',
  '/api/credential': 'api_credential',
  '/api/fingerprint256': 'api_fingerprint256',
  '/api/caFile': 'api_ca_file',
  '/a/device': 'a_device',
  '/a/port': 'a_port',
  '/b/device': 'b_device',
  '/b/port': 'b_port',
  '/lengthM': 'length_m',
  '/census/householdsWithoutBroadband': 'hh_without_broadband_est',
  '/census/pctWithoutBroadband': 'pct_hh_without_broadband',
  '/census/povertyRatePct': 'poverty_rate_pct',
  '/census/population': 'population',
  '/census/households': 'households',
}

/** The schema is the last word: anything the field readers let through is caught here. */
function schemaCheck<T>(schema: TSchema, value: T, r: FieldReader): T | undefined {
  if (Value.Check(schema, value)) return value
  for (const e of Value.Errors(schema, value)) {
    const field = FIELD_OF[e.path] ?? (e.path.split('/')[1] || 'record')
    r.problem(field, `${e.message}, got ${got(e.value)}`)
  }
  return undefined
}

export function slugify(name: string): string {
  return name.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '')
}

export function buildNeighborhood(rec: RawRecord, report: Report): Neighborhood | undefined {
  const r = new FieldReader(rec, report)
  const name = r.str('name', { required: true })
  const id = r.has('id') ? r.id('id') : name !== undefined ? slugify(name).slice(0, 64) : undefined
  if (!r.has('id') && name !== undefined && !ID_RE.test(id ?? '')) r.problem('name', `gives no usable id; add an 'id' field`)
  const served = r.bool('served', false)
  const census: Partial<Census> = {
    population: r.int('population', 0, undefined, { required: true }),
    households: r.int('households', 0, undefined, { required: true }),
    householdsWithoutBroadband: r.int('hh_without_broadband_est', 0, undefined, { required: true }),
    pctWithoutBroadband: r.num('pct_hh_without_broadband', 0, 100) ?? null,
    povertyRatePct: r.num('poverty_rate_pct', 0, 100) ?? null,
  }
  const geometry = area(r)
  if (r.bad) return undefined
  return schemaCheck(Neighborhood, { id: id!, name: name!, served, census: census as Census, geometry: geometry! }, r)
}

export function buildSite(rec: RawRecord, report: Report): Site | undefined {
  const r = new FieldReader(rec, report)
  const id = r.id('id', { required: true })
  const kind = r.oneOf('kind', SITE_KINDS)
  const p = point(r, true)
  if (r.bad) return undefined
  // The neighborhood is derived from the polygons afterwards, whatever the file says.
  return schemaCheck(Site, { id: id!, kind: kind!, lon: p![0], lat: p![1], neighborhood: '' }, r)
}

export interface BuiltDevice {
  device: Device
  /** where the file places the device, if it says */
  point?: Position
  /** false when the file left `site` blank (the device then gets a site of its own at its point) */
  siteGiven: boolean
}

export function buildDevice(rec: RawRecord, report: Report): BuiltDevice | undefined {
  const r = new FieldReader(rec, report)
  const id = r.id('id', { required: true })
  const name = r.str('name') ?? id
  const kind = r.oneOf<DeviceKind>('kind', DEVICE_KINDS)
  const site = r.id('site')
  const p = point(r, false)
  if (!r.bad && site === undefined && p === undefined) r.problem('site', 'is required (or give lon and lat to place the device on a site of its own)')
  const host = r.str('host', { required: true, max: 255 })
  const port = r.int('port', 1, 65535, { required: true })
  const credential = r.id('credential', { required: true })
  const uplinkDevice = r.id('uplink_device')
  const uplinkPort = r.str('uplink_port', { max: 64 })
  if (uplinkDevice !== undefined && uplinkPort === undefined && !r.has('uplink_port')) r.problem('uplink_port', 'is required when uplink_device is set')
  if (uplinkDevice === undefined && uplinkPort !== undefined && !r.has('uplink_device')) r.problem('uplink_device', 'is required when uplink_port is set')
  const controller = r.id('controller')
  const controllerApName = r.str('controller_ap_name', { max: 64 })
  const model = r.str('model')
  const profile = r.str('profile', { max: 64 })
  const managedBy = r.id('managed_by')
  // a controller read over its API: the api_* columns together (kind, URL, site, auth, credential)
  let api: Device['api']
  if (API_FIELDS.some((f) => r.has(f))) {
    const kind = r.oneOf('api_kind', API_KINDS)
    const baseUrl = r.str('api_base_url', { required: true, max: 255 })
    const apiSite = r.str('api_site', { required: true, max: 64 })
    const auth = r.oneOf('api_auth', API_AUTHS)
    const apiCredential = r.id('api_credential', { required: true })
    const fingerprint256 = r.str('api_fingerprint256', { max: 95 })
    const caFile = r.str('api_ca_file', { max: 1024 })
    if (kind && baseUrl && apiSite && auth && apiCredential) {
      api = { kind, baseUrl, site: apiSite, auth, credential: apiCredential }
      if (fingerprint256 !== undefined) api.fingerprint256 = fingerprint256
      if (caFile !== undefined) api.caFile = caFile
    }
  }
  if (r.bad) return undefined
  // Keys in the schema's order, so a stored and re-read inventory compares equal as JSON.
  const device: Device = {
    id: id!,
    name: name!,
    kind: kind!,
    site: site ?? `site-${id}`.slice(0, 64),
    mgmt: { host: host!, port: port! },
    credential: credential!,
  }
  if (profile !== undefined) device.profile = profile
  if (uplinkDevice !== undefined) device.uplink = { device: uplinkDevice, port: uplinkPort! }
  if (controller !== undefined) device.controller = controller
  if (controllerApName !== undefined) device.controllerApName = controllerApName
  if (managedBy !== undefined) device.managedBy = managedBy
  if (model !== undefined) device.model = model
  if (api !== undefined) device.api = api
  const checked = schemaCheck(Device, device, r)
  if (!checked) return undefined
  return p ? { device: checked, point: p, siteGiven: site !== undefined } : { device: checked, siteGiven: site !== undefined }
}

export function buildLink(rec: RawRecord, report: Report): FiberLink | undefined {
  const r = new FieldReader(rec, report)
  const aDevice = r.id('a_device', { required: true })
  const aPort = r.str('a_port', { required: true, max: 64 })
  const bDevice = r.id('b_device', { required: true })
  const bPort = r.str('b_port', { required: true, max: 64 })
  const id = r.has('id') ? r.id('id') : aDevice && aPort ? `fiber-${aDevice}-${slugify(aPort)}`.slice(0, 64) : undefined
  const line = route(r)
  const given = r.num('length_m', 0, 1e7)
  if (r.bad) return undefined
  const link: FiberLink = {
    id: id!,
    a: { device: aDevice!, port: aPort! },
    b: { device: bDevice!, port: bPort! },
    route: line!,
    lengthM: given ?? routeLengthM(line!.coordinates),
  }
  return schemaCheck(FiberLink, link, r)
}
