/**
 * Residents report problems: "no Wi-Fi here", "slow", "can't connect", at a place in a served
 * neighborhood (a map pin, or the neighborhood with the resident's words for the spot), with
 * no account and no personal data required. Before sending, `knownAt(place)` says whether it
 * is already known: an open incident covering the place (one of the APs it takes out within
 * COVER_RADIUS_M of the pin, or, without a pin, an open incident in the neighborhood) and how
 * many others reported near it in the last hour. `submit` refuses a place outside the
 * served area (naming the served neighborhoods), attaches the report to the covering
 * incident, and answers a tracking number; a report attached to an incident is resolved
 * when the incident closes (`sync`). For engineers, `clusters` groups reports by place and
 * hour, and says which match no incident: a coverage hole or a captive-portal fault the
 * SNMP view cannot see; `openIncidentFromReports` opens an incident by hand from such
 * reports (they are attached to it and close with it, and so do later reports near it).
 */
import { haversineM, pointInArea } from '../core/geo.ts'
import type { Inventory, Position } from '../core/inventory.ts'
import { apsTakenOut } from '../incidents/scope.ts'
import type { Incident, IncidentStore, ManualIncident } from '../incidents/store.ts'
import type { NewReport, ReportKind, ResidentReport, ResidentReportStore } from './store.ts'

/** an AP this close to a pin covers it (outdoor APs on poles reach about 100-150 m; with margin) */
export const COVER_RADIUS_M = 250
/** "others near here": reports within this distance of the pin in the last hour */
export const NEAR_RADIUS_M = 250
const HOUR = 3_600_000

export interface Place {
  neighborhood?: string
  lon?: number
  lat?: number
  near?: string
}

export class ReportPlaceError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message)
    this.name = 'ReportPlaceError'
  }
}

export interface ResidentDeps {
  reports: ResidentReportStore
  incidents: Pick<IncidentStore, 'list' | 'get'>
  inventory: () => Inventory
}

interface Resolved {
  neighborhood: string
  point: Position | null
}

/** The place, checked: in a served neighborhood (from the pin when there is one). */
export function resolvePlace(place: Place, inv: Inventory): Resolved {
  const served = inv.neighborhoods.filter((n) => n.served)
  const names = served.map((n) => n.name).join(', ')
  if (place.lon !== undefined || place.lat !== undefined) {
    if (place.lon === undefined || place.lat === undefined) throw new ReportPlaceError('a map pin needs both lon and lat', place.lon === undefined ? 'lon' : 'lat')
    const p: Position = [place.lon, place.lat]
    const hood = inv.neighborhoods.find((n) => pointInArea(p, n.geometry))
    if (!hood || !hood.served) {
      throw new ReportPlaceError(`that place is outside the area the free Wi-Fi serves${hood ? ` (${hood.name} has no public Wi-Fi yet)` : ''}; it serves ${names}`, 'lon')
    }
    if (place.neighborhood !== undefined && place.neighborhood !== hood.id) throw new ReportPlaceError(`the pin is in ${hood.name}, not in the neighborhood given`, 'neighborhood')
    return { neighborhood: hood.id, point: p }
  }
  if (place.neighborhood === undefined) throw new ReportPlaceError(`say where: a map pin (lon, lat) or a neighborhood (${names})`, 'neighborhood')
  const hood = inv.neighborhoods.find((n) => n.id === place.neighborhood)
  if (!hood) throw new ReportPlaceError(`no neighborhood '${place.neighborhood.slice(0, 40)}'; the free Wi-Fi serves ${names}`, 'neighborhood')
  if (!hood.served) throw new ReportPlaceError(`${hood.name} has no public Wi-Fi yet; it serves ${names}`, 'neighborhood')
  return { neighborhood: hood.id, point: null }
}

/** The open incident covering the place, if any (the oldest when several do). */
function coveringIncident(r: Resolved, deps: ResidentDeps, inv: Inventory): Incident | null {
  const pos = new Map(inv.sites.map((s) => [s.id, [s.lon, s.lat] as Position]))
  const siteOf = new Map(inv.devices.map((d) => [d.id, d.site]))
  const open = deps.incidents.list({ state: 'open' }).sort((a, b) => a.openedMs - b.openedMs)
  for (const i of open) {
    if (r.point === null) {
      if (i.affected.neighborhoods.includes(r.neighborhood)) return i
      continue
    }
    // one opened by hand at a place (its reports' pins) covers what is near that place
    if (i.place && haversineM([i.place.lon, i.place.lat], r.point) <= COVER_RADIUS_M) return i
    const near = apsTakenOut(i, inv).some((ap) => {
      const p = pos.get(siteOf.get(ap) ?? '')
      return p !== undefined && haversineM(p, r.point!) <= COVER_RADIUS_M
    })
    if (near) return i
  }
  return null
}

function othersNear(r: Resolved, reports: readonly ResidentReport[]): number {
  return reports.filter((x) => (r.point === null || x.lon === null || x.lat === null ? x.neighborhood === r.neighborhood : haversineM([x.lon, x.lat], r.point) <= NEAR_RADIUS_M)).length
}

export interface Known {
  neighborhood: string
  /** the open incident covering the place: its number and since when */
  incident: { id: number; sinceMs: number } | null
  /** reports near the place in the last hour */
  othersLastHour: number
}

export function knownAt(place: Place, nowMs: number, deps: ResidentDeps): Known {
  const inv = deps.inventory()
  return knownAtResolved(resolvePlace(place, inv), nowMs, deps, inv)
}

function knownAtResolved(r: Resolved, nowMs: number, deps: ResidentDeps, inv: Inventory): Known {
  sync(deps)
  const i = coveringIncident(r, deps, inv)
  return { neighborhood: r.neighborhood, incident: i && { id: i.id, sinceMs: i.openedMs }, othersLastHour: othersNear(r, deps.reports.list({ fromMs: nowMs - HOUR, toMs: nowMs + 1 })) }
}

export interface Submission extends Place {
  kind: ReportKind
  contact?: string
}

export interface Submitted {
  report: ResidentReport
  known: Known
}

export function submit(s: Submission, nowMs: number, deps: ResidentDeps): Submitted {
  const inv = deps.inventory()
  const r = resolvePlace(s, inv)
  const known = knownAtResolved(r, nowMs, deps, inv)
  const input: NewReport = {
    kind: s.kind,
    neighborhood: r.neighborhood,
    lon: r.point?.[0] ?? null,
    lat: r.point?.[1] ?? null,
    near: s.near?.trim() ? s.near.trim() : null,
    contact: s.contact?.trim() ? s.contact.trim() : null,
    incidentId: known.incident?.id ?? null,
  }
  return { report: deps.reports.create(input, nowMs), known }
}

/** Resolves the reports whose incident has closed; returns how many. */
export function sync(deps: ResidentDeps): number {
  return deps.reports.resolveWithIncidents((id) => {
    const i = deps.incidents.get(id)
    return i && i.state === 'closed' ? i.closedMs : null
  })
}

export interface ReportCluster {
  /** the cluster's centre (the mean of its pins), or null for reports given by neighborhood only */
  lon: number | null
  lat: number | null
  neighborhood: string
  /** the clock hour its first report came in */
  hourMs: number
  reports: number
  kinds: Partial<Record<ReportKind, number>>
  /** the incidents its reports are attached to */
  incidents: number[]
  /** reports attached to no incident: a problem the SNMP view does not see */
  unmatched: number
  tracking: string[]
  /** the tracking numbers of those matching no incident (to open one by hand from them) */
  unmatchedTracking: string[]
}

/**
 * Reports grouped by place and hour: pins within NEAR_RADIUS_M of a cluster's first pin in
 * the same clock hour are one cluster; reports without a pin cluster by neighborhood.
 */
export function clusters(reports: readonly ResidentReport[]): ReportCluster[] {
  const out: (ReportCluster & { first: Position | null; pins: number; lonSum: number; latSum: number })[] = []
  for (const r of [...reports].sort((a, b) => a.createdMs - b.createdMs)) {
    const hourMs = Math.floor(r.createdMs / HOUR) * HOUR
    const p: Position | null = r.lon !== null && r.lat !== null ? [r.lon, r.lat] : null
    let c = out.find((x) => x.hourMs === hourMs && x.neighborhood === r.neighborhood && (p === null ? x.first === null : x.first !== null && haversineM(x.first, p) <= NEAR_RADIUS_M))
    if (!c) {
      c = { lon: null, lat: null, neighborhood: r.neighborhood, hourMs, reports: 0, kinds: {}, incidents: [], unmatched: 0, tracking: [], unmatchedTracking: [], first: p, pins: 0, lonSum: 0, latSum: 0 }
      out.push(c)
    }
    c.reports++
    c.kinds[r.kind] = (c.kinds[r.kind] ?? 0) + 1
    if (r.incidentId !== null && !c.incidents.includes(r.incidentId)) c.incidents.push(r.incidentId)
    if (r.incidentId === null) {
      c.unmatched++
      c.unmatchedTracking.push(r.tracking)
    }
    c.tracking.push(r.tracking)
    if (p) {
      c.pins++
      c.lonSum += p[0]
      c.latSum += p[1]
    }
  }
  return out
    .map(({ first: _, pins, lonSum, latSum, ...c }) => ({ ...c, lon: pins ? Math.round((lonSum / pins) * 1e6) / 1e6 : null, lat: pins ? Math.round((latSum / pins) * 1e6) / 1e6 : null }))
    .sort((a, b) => b.hourMs - a.hourMs || b.reports - a.reports)
}

export class IncidentInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
    /** set when a report is part of an incident already */
    readonly attachedTo: { tracking: string; incident: number } | null = null,
  ) {
    super(message)
    this.name = 'IncidentInputError'
  }
}

export interface HandOpened {
  /** what residents reported, by tracking number (open, part of no incident); may be empty when a neighborhood is given */
  reports: readonly string[]
  /** where, when no report says it (or to say it more precisely than the reports' neighborhoods) */
  neighborhood?: string
  /** the engineer's summary of what is wrong */
  summary: string
  /** the APs it takes out, when the engineer knows them */
  aps?: readonly string[]
}

/**
 * Opens an incident by hand from residents' reports that match no incident (a coverage
 * hole, a portal fault the polls cannot see): in the reports' neighborhood (or the one
 * given), at the mean of their pins, with the APs the engineer names. The reports are
 * attached to it, so they close with it; later reports near it attach to it as they come.
 * Checks everything before it stores anything; throws IncidentInputError naming the field.
 */
export function openIncidentFromReports(o: HandOpened, actor: string, nowMs: number, deps: ResidentDeps & { incidents: Pick<IncidentStore, 'openByHand'> }): Incident {
  const inv = deps.inventory()
  sync(deps)
  const reports = [...new Set(o.reports)].map((t) => {
    const r = deps.reports.byTracking(t)
    if (!r) throw new IncidentInputError(`no report has the tracking number '${t}'`, 'reports')
    if (r.incidentId !== null) throw new IncidentInputError(`report ${t} is part of incident ${r.incidentId} already`, 'reports', { tracking: t, incident: r.incidentId })
    if (r.state !== 'open') throw new IncidentInputError(`report ${t} is resolved already`, 'reports')
    return r
  })
  let neighborhood = o.neighborhood
  if (neighborhood !== undefined) {
    const hood = inv.neighborhoods.find((n) => n.id === neighborhood)
    if (!hood) throw new IncidentInputError(`no neighborhood '${neighborhood.slice(0, 40)}'`, 'neighborhood')
    if (!hood.served) throw new IncidentInputError(`${hood.name} has no public Wi-Fi: there is no service to restore`, 'neighborhood')
  }
  neighborhood ??= reports[0]?.neighborhood
  if (neighborhood === undefined) throw new IncidentInputError('say where: the reports it comes from, or a neighborhood', 'reports')
  const site = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
  const aps = [...new Set(o.aps ?? [])]
  const apHoods = aps.map((id) => {
    const d = inv.devices.find((x) => x.id === id)
    if (!d || d.kind !== 'ap') throw new IncidentInputError(`'${id.slice(0, 64)}' is not an access point of the inventory`, 'aps')
    return site.get(d.site) ?? neighborhood!
  })
  const pins = reports.filter((r) => r.lon !== null && r.lat !== null)
  const mean = (xs: number[]) => Math.round((xs.reduce((a, b) => a + b, 0) / xs.length) * 1e6) / 1e6
  const input: ManualIncident = {
    neighborhood,
    summary: o.summary.trim(),
    aps,
    neighborhoods: [...new Set([...reports.map((r) => r.neighborhood), ...apHoods])],
    place: pins.length ? { lon: mean(pins.map((r) => r.lon!)), lat: mean(pins.map((r) => r.lat!)) } : null,
  }
  const incident = deps.incidents.openByHand(input, actor, nowMs)
  deps.reports.attach(reports.map((r) => r.id), incident.id)
  return incident
}
