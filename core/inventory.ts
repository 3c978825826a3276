/**
 * The city as data: neighborhoods, sites, devices and fiber links.
 * Schemas are TypeBox (JSON Schema), so the same definitions validate imported files,
 * type the code, and describe the API in OpenAPI. Imports nothing of ours.
 */
import { Type, type Static } from '@sinclair/typebox'

export const Position = Type.Tuple([Type.Number({ minimum: -180, maximum: 180 }), Type.Number({ minimum: -90, maximum: 90 })], {
  description: '[longitude, latitude] in WGS84 degrees',
})
export type Position = Static<typeof Position>

export const PolygonGeometry = Type.Object({
  type: Type.Literal('Polygon'),
  coordinates: Type.Array(Type.Array(Position, { minItems: 4 }), { minItems: 1 }),
})
export const MultiPolygonGeometry = Type.Object({
  type: Type.Literal('MultiPolygon'),
  coordinates: Type.Array(Type.Array(Type.Array(Position, { minItems: 4 }), { minItems: 1 }), { minItems: 1 }),
})
export const AreaGeometry = Type.Union([PolygonGeometry, MultiPolygonGeometry])
export type AreaGeometry = Static<typeof AreaGeometry>

export const LineStringGeometry = Type.Object({
  type: Type.Literal('LineString'),
  coordinates: Type.Array(Position, { minItems: 2 }),
})
export type LineStringGeometry = Static<typeof LineStringGeometry>

/** An id that is safe in URLs, file names and logs: lower-case letters, digits, '-', '_', '.'. */
export const Id = Type.String({
  pattern: '^[a-z0-9][a-z0-9._-]{0,63}$',
  description: 'lower-case id: letters, digits, . _ -',
  'x-message': "must be an id: 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit",
})

/** Census figures for a neighborhood (ACS 2019-2023 5-year, see provisioning/city/data/PROVENANCE.md). */
export const Census = Type.Object({
  population: Type.Integer({ minimum: 0 }),
  households: Type.Integer({ minimum: 0 }),
  /** households without a broadband subscription (estimate) */
  householdsWithoutBroadband: Type.Integer({ minimum: 0 }),
  /** share of households without broadband, percent; null where there are no households */
  pctWithoutBroadband: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]),
  /** share of people below the poverty line, percent; null where not published */
  povertyRatePct: Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Type.Null()]),
})
export type Census = Static<typeof Census>

export const Neighborhood = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 100 }),
  /** true where the city's free Wi-Fi serves this neighborhood */
  served: Type.Boolean(),
  census: Census,
  geometry: AreaGeometry,
})
export type Neighborhood = Static<typeof Neighborhood>

export const SiteKind = Type.Union([Type.Literal('pole'), Type.Literal('rooftop'), Type.Literal('cabinet'), Type.Literal('hub')])
export const Site = Type.Object({
  id: Id,
  kind: SiteKind,
  lon: Type.Number({ minimum: -180, maximum: 180 }),
  lat: Type.Number({ minimum: -90, maximum: 90 }),
  /** derived from the neighborhood polygons at import; '' outside every polygon */
  neighborhood: Type.String(),
})
export type Site = Static<typeof Site>

export const DeviceKind = Type.Union([
  Type.Literal('ap'),
  Type.Literal('controller'),
  Type.Literal('switch'),
  Type.Literal('olt'),
  Type.Literal('router'),
])
export type DeviceKind = Static<typeof DeviceKind>

/**
 * How the collector reads a controller over its HTTPS API (docs/COLLECTOR.md, "UniFi Network
 * controllers"). Names a credential, never holds a secret: the API key or the password come
 * from the collector's environment (collector/unifi/credentials.ts).
 */
export const DeviceApi = Type.Object({
  /**
   * 'unifi-integration': the official UniFi Network Integration API (/proxy/network/integration/v1,
   * API key); 'unifi-classic': the controller's own /api/s/{site}/stat/* API (login, or an API key on UniFi OS)
   */
  kind: Type.Union([Type.Literal('unifi-integration'), Type.Literal('unifi-classic')]),
  /** the controller's https origin, no path: 'https://10.20.0.5' (UniFi OS) or 'https://unifi.example.gov:8443' */
  baseUrl: Type.String({
    pattern: '^https://[A-Za-z0-9.:\\[\\]-]+$',
    maxLength: 255,
    'x-message': "must be an https origin without a path, like 'https://10.20.0.5' or 'https://unifi.example.gov:8443'",
  }),
  /** the site: its short name ('default', the Integration API's internalReference) or the Integration API's site id */
  site: Type.String({ minLength: 1, maxLength: 64 }),
  /** 'api-key': an X-API-KEY header; 'login': username and password, then the session cookie (and CSRF token on UniFi OS) */
  auth: Type.Union([Type.Literal('api-key'), Type.Literal('login')]),
  /** name of the API credential, defined outside the inventory (never the secret itself) */
  credential: Id,
  /**
   * SHA-256 fingerprint of the controller's certificate, hex (colons optional): the certificate
   * must be exactly this one (for self-signed controller certificates); absent: the chain is
   * verified against caFile or the system CAs, and the host name against the certificate
   */
  fingerprint256: Type.Optional(Type.String({ pattern: '^[0-9A-Fa-f]{2}(:?[0-9A-Fa-f]{2}){31}$', 'x-message': 'must be a SHA-256 fingerprint: 32 hex bytes, colons optional' })),
  /** PEM file of the CA that signs the controller's certificate, on the collector's machine */
  caFile: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
})
export type DeviceApi = Static<typeof DeviceApi>

export const Device = Type.Object({
  id: Id,
  name: Type.String({ minLength: 1, maxLength: 100 }),
  kind: DeviceKind,
  site: Id,
  /** management address and UDP port of the SNMP agent */
  mgmt: Type.Object({ host: Type.String({ minLength: 1, maxLength: 255 }), port: Type.Integer({ minimum: 1, maximum: 65535 }) }),
  /** name of an SNMP credential defined outside the inventory (never the secret itself) */
  credential: Id,
  /** profile id to force; absent: matched from sysObjectID, then sysDescr */
  profile: Type.Optional(Type.String({ maxLength: 64 })),
  /** the device and port this one hangs from in the topology */
  uplink: Type.Optional(Type.Object({ device: Id, port: Type.String({ minLength: 1, maxLength: 64 }) })),
  /** for lightweight APs: the wireless controller that reports them (they have no SNMP agent of their own) */
  controller: Type.Optional(Id),
  /** for lightweight APs: the name under which the controller lists this AP */
  controllerApName: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  /**
   * for standalone APs (polled over SNMP themselves) whose stations a management controller
   * lists over its API (a UniFi Network controller): that controller's device id; the
   * controller names the AP by controllerApName, else by name
   */
  managedBy: Type.Optional(Id),
  model: Type.Optional(Type.String({ maxLength: 100 })),
  /**
   * for a management controller polled over its HTTPS API rather than SNMP (a UniFi Network
   * controller): which API, where, and the name of its credential. A device with this block
   * is polled through the API only; `mgmt` is its API's host and port.
   */
  api: Type.Optional(DeviceApi),
})
export type Device = Static<typeof Device>

export const LinkEnd = Type.Object({ device: Id, port: Type.String({ minLength: 1, maxLength: 64 }) })
export const FiberLink = Type.Object({
  id: Id,
  a: LinkEnd,
  b: LinkEnd,
  route: LineStringGeometry,
  /** route length in metres (computed from the route when imported without it) */
  lengthM: Type.Number({ minimum: 0 }),
})
export type FiberLink = Static<typeof FiberLink>

export const Inventory = Type.Object({
  city: Type.Object({ name: Type.String(), timezone: Type.String() }),
  neighborhoods: Type.Array(Neighborhood),
  sites: Type.Array(Site),
  devices: Type.Array(Device),
  links: Type.Array(FiberLink),
})
export type Inventory = Static<typeof Inventory>

/**
 * A census tract with its ACS figures and polygon, as planning and the open data take it
 * (provisioning/import/tracts.ts reads them from a GeoJSON; Hartford's are in provisioning).
 */
export interface Tract {
  /** the tract's GEOID */
  id: string
  name: string
  /** the id of the neighborhood it belongs to */
  neighborhood: string
  population: number
  households: number
  householdsWithoutBroadband: number
  pctWithoutBroadband: number | null
  povertyRatePct: number | null
  pctBelow200PovertyPct: number | null
  geometry: AreaGeometry
}
