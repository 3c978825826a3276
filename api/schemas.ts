/**
 * JSON schemas of the API's answers and shared inputs, built from core/inventory.ts so the
 * API, the OpenAPI document at /docs and the tests all use one definition.
 */
import { Type, type Static, type TSchema } from '@sinclair/typebox'
import { AreaGeometry, Census, DeviceKind, Id, LineStringGeometry, Device as InventoryDevice } from '../core/inventory.ts'
import { METRICS } from '../core/metrics.ts'

const Nullable = <T extends TSchema>(t: T) => Type.Union([t, Type.Null()])

export const ErrorBody = Type.Object(
  {
    statusCode: Type.Integer(),
    code: Type.String({ description: 'CN_ERR_* code, listed in docs/errors.md' }),
    error: Type.String({ description: 'HTTP reason phrase' }),
    message: Type.String(),
  },
  { additionalProperties: false },
)
export type ErrorBody = Static<typeof ErrorBody>

export const Status = Type.Union([Type.Literal('up'), Type.Literal('down'), Type.Literal('unknown')])
export const EpochMs = Type.Integer({ minimum: 0, maximum: 8_640_000_000_000_000, description: 'epoch milliseconds (UTC)' })

export const NeighborhoodProperties = Type.Object(
  {
    id: Id,
    name: Type.String(),
    served: Type.Boolean(),
    census: Census,
    clientsNow: Type.Number({ description: 'sum of the latest wifi_clients of the APs that are up now' }),
    peakClients: Nullable(Type.Number({ description: 'peak concurrent clients in the period' })),
    bytes: Nullable(Type.Number({ description: 'Wi-Fi client bytes (both directions) in the period' })),
    availabilityPct: Nullable(Type.Number({ description: "mean of the APs' device_up samples in the period, percent" })),
    apsTotal: Type.Integer(),
    apsUp: Type.Integer(),
    apsDown: Type.Integer(),
    apsUnknown: Type.Integer(),
  },
  { additionalProperties: false },
)
export type NeighborhoodProperties = Static<typeof NeighborhoodProperties>

export const NeighborhoodFeature = Type.Object(
  {
    type: Type.Literal('Feature'),
    id: Id,
    /** null when the request asked geometry=false */
    geometry: Nullable(AreaGeometry),
    properties: NeighborhoodProperties,
  },
  { additionalProperties: false },
)
export type NeighborhoodFeature = Static<typeof NeighborhoodFeature>

export const NeighborhoodCollection = Type.Object(
  {
    type: Type.Literal('FeatureCollection'),
    /** the clock's "now" the live figures are for */
    nowMs: EpochMs,
    fromMs: EpochMs,
    toMs: EpochMs,
    features: Type.Array(NeighborhoodFeature),
  },
  { additionalProperties: false },
)
export type NeighborhoodCollection = Static<typeof NeighborhoodCollection>

export const DeviceSummary = Type.Object(
  {
    id: Id,
    name: Type.String(),
    kind: DeviceKind,
    site: Id,
    neighborhood: Type.String({ description: "neighborhood id of the device's site; '' when none" }),
    lon: Nullable(Type.Number()),
    lat: Nullable(Type.Number()),
    status: Status,
    lastPollMs: Nullable(EpochMs),
    statusSinceMs: Type.Union([EpochMs, Type.Null()], {
      description: 'since when the status holds: time of the newest deviceDown (status down) or deviceUp (status up) event of the last 30 days; null when none is known',
    }),
    controller: Type.Optional(Id),
    uplink: Type.Optional(Type.Object({ device: Id, port: Type.String() }, { additionalProperties: false })),
    model: Type.Optional(Type.String()),
  },
  { additionalProperties: false },
)
export type DeviceSummary = Static<typeof DeviceSummary>

export const DeviceList = Type.Object({ nowMs: EpochMs, devices: Type.Array(DeviceSummary) }, { additionalProperties: false })
export type DeviceList = Static<typeof DeviceList>

export const MetricValue = Type.Object(
  { metric: Type.String(), instance: Type.String(), value: Type.Number(), timeMs: EpochMs },
  { additionalProperties: false },
)

export const DeviceDetail = Type.Object(
  {
    ...DeviceSummary.properties,
    mgmt: InventoryDevice.properties.mgmt,
    credential: Id,
    profile: Type.Optional(Type.String()),
    controllerApName: Type.Optional(Type.String()),
    nowMs: EpochMs,
    /** the newest sample of every metric and instance the device has */
    metrics: Type.Array(MetricValue),
  },
  { additionalProperties: false },
)
export type DeviceDetail = Static<typeof DeviceDetail>

export const LinkEndState = Type.Object(
  {
    device: Id,
    port: Type.String(),
    deviceStatus: Status,
    operStatus: Nullable(Type.Integer({ description: 'IF-MIB ifOperStatus: 1 up, 2 down, ...; null when not polled lately' })),
    rxDbm: Nullable(Type.Number()),
    txDbm: Nullable(Type.Number()),
    opticsTimeMs: Nullable(EpochMs),
  },
  { additionalProperties: false },
)
export const Link = Type.Object(
  { id: Id, status: Status, lengthM: Type.Number(), route: LineStringGeometry, a: LinkEndState, b: LinkEndState },
  { additionalProperties: false },
)
export type Link = Static<typeof Link>
export const LinkList = Type.Object({ nowMs: EpochMs, links: Type.Array(Link) }, { additionalProperties: false })
export type LinkList = Static<typeof LinkList>

export const MetricName = Type.Union(Object.keys(METRICS).map((m) => Type.Literal(m)), { description: 'a metric of core/metrics.ts' })
export const Fn = Type.Union([Type.Literal('sum'), Type.Literal('mean'), Type.Literal('max'), Type.Literal('min'), Type.Literal('count')])

export const SeriesQuery = Type.Object(
  {
    metric: MetricName,
    neighborhood: Type.Optional(Id),
    device: Type.Optional(Id),
    instance: Type.Optional(Type.String({ maxLength: 64, pattern: '^[^\\u0000-\\u001f]*$', description: "sub-entity (SSID, port); '' for the device total; absent: all" })),
    fromMs: Type.Optional(EpochMs),
    toMs: Type.Optional(EpochMs),
    stepMs: Type.Optional(Type.Integer({ minimum: 1000, maximum: 366 * 86_400_000 })),
    fn: Type.Optional(Fn),
  },
  { additionalProperties: false },
)
export const Series = Type.Object(
  {
    metric: Type.String(),
    unit: Type.String(),
    kind: Type.Union([Type.Literal('gauge'), Type.Literal('delta')]),
    fn: Fn,
    target: Type.Object({ type: Type.Union([Type.Literal('neighborhood'), Type.Literal('device')]), id: Id }, { additionalProperties: false }),
    instance: Nullable(Type.String()),
    fromMs: EpochMs,
    toMs: EpochMs,
    stepMs: Type.Integer(),
    points: Type.Array(Type.Object({ timeMs: EpochMs, value: Type.Number() }, { additionalProperties: false })),
  },
  { additionalProperties: false },
)
export type Series = Static<typeof Series>

export const EventsQuery = Type.Object(
  {
    fromMs: Type.Optional(EpochMs),
    toMs: Type.Optional(EpochMs),
    device: Type.Optional(Type.Array(Id, { maxItems: 100 })),
    neighborhood: Type.Optional(Type.Array(Id, { maxItems: 100 })),
    type: Type.Optional(Type.Array(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_-]{0,63}$' }), { maxItems: 20 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 10_000 })),
  },
  { additionalProperties: false },
)
export const Event = Type.Object(
  {
    timeMs: EpochMs,
    device: Type.String(),
    neighborhood: Type.String(),
    type: Type.String(),
    severity: Type.Union([Type.Literal('info'), Type.Literal('warning'), Type.Literal('critical')]),
    detail: Type.String(),
  },
  { additionalProperties: false },
)
export const EventList = Type.Object({ fromMs: EpochMs, toMs: EpochMs, events: Type.Array(Event) }, { additionalProperties: false })
export type EventList = Static<typeof EventList>

export const IdParams = Type.Object({ id: Id }, { additionalProperties: false })
