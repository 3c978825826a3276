/**
 * The shapes the page works with. The API's answers are normalized into these in
 * api-client.ts, so a renamed field on the server is fixed in one place.
 */
import type * as GeoJSON from 'geojson'

export type DeviceStatus = 'up' | 'down' | 'unknown'

export interface NeighborhoodStats {
  id: string
  name: string
  served: boolean
  clientsNow: number | null
  peakClients: number | null
  /** bytes used in the current period (both directions) */
  bytes: number | null
  /** percent of the period the neighborhood's APs were up */
  availabilityPct: number | null
  apsUp: number | null
  apsDown: number | null
  population: number | null
  households: number | null
  householdsWithoutBroadband: number | null
  pctWithoutBroadband: number | null
  povertyRatePct: number | null
}

export interface NeighborhoodFeature {
  type: 'Feature'
  geometry: GeoJSON.Polygon | GeoJSON.MultiPolygon
  properties: NeighborhoodStats
}

export interface DeviceRow {
  id: string
  name: string
  kind: string
  neighborhood: string
  status: DeviceStatus
  lon: number
  lat: number
  lastPollMs: number | null
  /** since when the status holds (newest deviceDown/deviceUp agreeing with it); null when unknown */
  statusSinceMs: number | null
  clients: number | null
}

export interface LinkRow {
  id: string
  status: DeviceStatus | 'degraded'
  coordinates: [number, number][]
  /** optical receive power at each end, dBm; null when unread */
  rxDbmA: number | null
  rxDbmB: number | null
  aDevice: string
  bDevice: string
  lengthM: number | null
}

export interface EventRow {
  timeMs: number
  device: string
  neighborhood: string
  type: string
  severity: 'info' | 'warning' | 'critical'
  detail: string
}

/** An open incident as the map shows it (GET /api/incidents?state=open). */
export interface IncidentRow {
  id: number
  openedMs: number
  rootCause: { kind: 'device' | 'link' | 'reported'; id: string; probable: boolean; why: string }
  /** for one opened by hand from reports with pins: where */
  place: { lon: number; lat: number } | null
  down: string[]
  aps: string[]
  neighborhoods: string[]
  acknowledged: boolean
  sla: { severity: string; dueMs: number; remainingMs: number | null; breached: boolean }
  clientHoursLost: number | null
}

/** A cluster of residents' reports (GET /api/resident-reports, engineers): one place, one hour. */
export interface ReportClusterRow {
  lon: number | null
  lat: number | null
  neighborhood: string
  hourMs: number
  reports: number
  kinds: Record<string, number>
  incidents: number[]
  /** tracking numbers of its reports that match no incident */
  unmatchedTracking: string[]
  /** reports attached to no incident */
  unmatched: number
}

export interface SeriesData {
  /** epoch seconds (uPlot's unit) */
  times: number[]
  values: (number | null)[]
}

/** What the page exposes for tests and benchmarks on window.__civicnet. */
export interface TestHooks {
  ready: boolean
  /** counts completed refreshes; a test waits for it to grow */
  refreshes: number
  neighborhoods: number
  served: number
  /** AP id -> status for every AP marker on the map */
  markers: Record<string, DeviceStatus>
  /** fiber link id -> status for every link drawn */
  links: Record<string, LinkRow['status']>
  /** ms from navigation start until the map had every layer drawn */
  interactiveMs: number | null
  /** ms the newest refresh took, from first request to everything drawn */
  lastRefreshMs: number | null
  /** ms the newest redraw of the AP canvas took in JavaScript (the raster is on top) */
  apDrawMs: number | null
  lastError: string | null
  /** open incidents: their root causes ('link:<id>' | 'device:<id>') and, per device still down, its incident id */
  /** roots 'kind:id'; the incident of each down device; the AP tethers drawn per root */
  incidents: { roots: string[]; byDevice: Record<string, number>; tethers: Record<string, number> }
  /** residents' report clusters drawn on the map, and how many of their reports match no incident */
  residentReports: { clusters: number; drawn: number; unmatched: number }
}

/** One row of a report (reports/schema.ts ReportRow): a neighborhood, or the total. */
export interface ReportRowDoc {
  id: string
  name: string
  served: boolean
  aps: number
  uniqueClientsDailyAvg: number | null
  deviceDays: number | null
  uniqueClientsPeriod: number | null
  randomizedShare: number | null
  bytes: number | null
  gbPerDeviceDay: number | null
  peakConcurrentClients: number | null
  availabilityPct: number | null
  availabilityTargetMet: boolean | null
  outageMinutes: number | null
  outages: number
  meanTimeToRestoreMinutes: number | null
  observedPct: number | null
  population: number | null
  households: number | null
  householdsWithoutBroadband: number | null
}

/** The report as GET /api/reports answers it (the parts the report page shows). */
export interface ReportDoc {
  title: string
  city: string
  period: { from: string; to: string; kind: string; name: string; label: string; days: number; timeZone: string; open: boolean }
  generatedAt: string
  dataVersion: string
  method: {
    availabilityTarget: { pct: number; basis: string; allowedOutageMinutes: number }
    uniqueClients: string
    bytes: string
    peakConcurrentClients: string
    availability: string
    pollIntervalMs: number
    missBound: number | null
    notes: string[]
    reasons: Record<string, string>
  }
  neighborhoods: ReportRowDoc[]
  total: ReportRowDoc
  daily: { date: string; bytes: Record<string, number | null>; peakConcurrentClients: Record<string, number | null>; uniqueClients: Record<string, number | null> }[]
  hourOfDay: { averageConcurrentClients: Record<string, (number | null)[]> }
}

/** What the report page asks for: one period (from/to with to inclusive, a quarter or a year) and neighborhoods. */
export interface ReportParams {
  from?: string
  to?: string
  quarter?: string
  year?: string
  /** 'all' or ids */
  neighborhoods: 'all' | string[]
}

/** One row of the monthly operations report (GET /api/reports/operations; operations/index.ts). */
export interface OperationsRowDoc {
  id: string
  name: string
  incidents: number
  restored: number
  medianRestoreMinutes: number | null
  p90RestoreMinutes: number | null
  slaMet: number
  slaJudged: number
  slaPct: number | null
  clientHoursLost: number
  clientHoursUnknown: number
  residentReports: number
  residentReportsMatched: number
}

/** The monthly operations report as the API answers it. */
export interface OperationsDoc {
  kind: 'operations'
  city: string
  timezone: string
  month: string
  fromMs: number
  toMs: number
  generatedMs: number
  complete: boolean
  neighborhoods: OperationsRowDoc[]
  total: OperationsRowDoc
  recurring: {
    aps: { id: string; name: string; neighborhood: string; incidents: number[] }[]
    sites: { id: string; neighborhood: string; aps: string[]; incidents: number }[]
  }
  method: string[]
}

/** One row of the planning ranking (GET /api/planning; planning/index.ts PlanRow). */
export interface PlanRowDoc {
  id: string
  name: string
  served: boolean
  rank: number
  score: number
  factors: { need: number; gap: number; use: number; cost: number }
  explain: { need: string; gap: string; use: string; cost: string }
  reasons: string[]
  figures: { population: number; coveredPopulationShare: number; coveredAreaShare: number; aps: number; pctWithoutBroadband: number | null; saturationShare: number | null }
  apsNeeded: number
  fiberKm: number
  fiberBasis: string
  costEstimate: number
  tracts?: PlanRowDoc[]
}

/** The plan as the API answers it. */
export interface PlanDoc {
  generatedMs: number
  city: string
  weights: { need: number; gap: number; use: number; cost: number }
  config: { radiusM: number; apCostUsd: number; fiberCostPerKmUsd: number; saturationClients: number }
  ranking: PlanRowDoc[]
  costTotal: number
  cityEstimate: { usd: number; label: string } | null
  method: string[]
}

/** A page of the web app the caller's role may use (GET /api/session `pages`). */
export interface PageLink {
  id: string
  path: string
  title: string
}

export type Role = 'admin' | 'engineer' | 'analyst' | 'planner'

export interface SessionUser {
  username: string
  displayName: string
  role: Role
  mfaEnrolled: boolean
  mustChangePassword: boolean
}

/** GET /api/session: who is signed in and what they may use. */
export interface SessionInfo {
  signedIn: boolean
  via: 'session' | 'token' | null
  user: SessionUser | null
  tokenLabel: string | null
  scope: string
  csrfToken: string | null
  idleExpiresMs: number | null
  absoluteExpiresMs: number | null
  sessionEnded: 'expired' | 'idle' | 'revoked' | null
  pages: PageLink[]
  oidc: { label: string; start: string } | null
}

/** What a sign-in step answers: what the person does next. */
export interface SignInStep {
  next: 'done' | 'mfa' | 'enrol' | 'change-password'
  user: SessionUser | null
  csrfToken: string
  expiresMs: number
}

export interface UserRow {
  username: string
  displayName: string
  email: string | null
  role: Role
  mfaEnrolled: boolean
  mustChangePassword: boolean
  disabled: boolean
  createdMs: number
  updatedMs: number
}

export interface AuditRow {
  timeMs: number
  actor: string | null
  address: string | null
  action: string
  target: string | null
  outcome: 'ok' | 'refused'
  detail: string | null
}
