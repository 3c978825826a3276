/**
 * The open-data datasets: each a list of fields (name, type, unit, definition, source) and
 * the rows, computed from the same domain code the API and the reports use (planning/ for
 * coverage and need, reports/ for the daily figures, availability/ for uptime, incidents/
 * and status/ for incidents). Public datasets hold aggregates only, with small counts
 * suppressed: a count of devices or access points from 1 to 9 is left empty (SMALL_COUNT_RULE),
 * as on the public status page. Staff datasets (aps) name devices and need a staff role.
 *
 * The field lists are the data dictionary: docs/DATA-DICTIONARY.md is generated from them
 * (dictionary.ts) and each exported file gets a schema beside it (render.ts).
 */
import type { AreaGeometry, Inventory } from '../core/inventory.ts'
import { availability, summarize } from '../availability/index.ts'
import { datesIn, isLocalDate, localDate, nextDate, startOfLocalDate } from '../core/calendar.ts'
import { apsTakenOut } from '../incidents/scope.ts'
import type { Incident } from '../incidents/store.ts'
import type { AssessedPlan, AssessedRow } from '../planning/index.ts'
import { buildReport, type ReportDeps } from '../reports/index.ts'
import { ReportInputError } from '../reports/period.ts'

export type FieldType = 'string' | 'integer' | 'number' | 'boolean' | 'date' | 'timestamp'
export interface Field {
  name: string
  type: FieldType
  /** the unit, '' when none */
  unit: string
  definition: string
  source: string
}
export type Cell = string | number | boolean | null
export type Row = Record<string, Cell>

/** the most days one daily or ap_days file covers */
export const MAX_DAYS = 92

export const SMALL_COUNT_RULE = 'Public files leave a count of devices or access points from 1 to 9 empty (suppressed), as the public status page shows "fewer than 10"; 0 and 10 or more are given.'

export const DATASETS = ['neighborhoods', 'tracts', 'daily', 'incidents', 'aps', 'ap_days'] as const
export type DatasetName = (typeof DATASETS)[number]

export interface Dataset {
  name: DatasetName
  title: string
  /** public: aggregates only, small counts suppressed; staff: names devices */
  audience: 'public' | 'staff'
  fields: readonly Field[]
  /** has a geometry per row (GeoJSON export) */
  spatial: boolean
}

const ACS = 'ACS 2019-2023 5-year estimates (provisioning/city/data/PROVENANCE.md)'
const PLAN = 'planning/ (docs/PLANNING.md): Turf discs of each AP\'s service radius'
const f = (name: string, type: FieldType, unit: string, definition: string, source: string): Field => ({ name, type, unit, definition, source })
const areaFields = (level: 'neighborhood' | 'tract'): Field[] => [
  f('population', 'integer', 'people', 'residents', ACS),
  f('households', 'integer', 'households', 'households', ACS),
  f('households_without_broadband', 'integer', 'households', 'households with no broadband subscription (estimate)', ACS),
  f('pct_households_without_broadband', 'number', 'percent', 'share of households with no broadband subscription', ACS),
  f('poverty_rate_pct', 'number', 'percent', 'share of people below the poverty line', ACS),
  f('pct_below_200pct_poverty', 'number', 'percent', level === 'tract' ? 'below_200pct_poverty / poverty_universe' : 'its tracts\' population-weighted mean', ACS),
  f('area_km2', 'number', 'km²', `area of the ${level} polygon, on the sphere`, 'the inventory\'s polygons; Turf area'),
  f('aps', 'integer', 'access points', `access points inside the ${level}. Suppressed from 1 to 9.`, 'the inventory'),
  f('covered_area_share', 'number', 'share 0-1', 'share of the area within an AP\'s service radius', PLAN),
  f('covered_population_share', 'number', 'share 0-1', 'share of the residents within an AP\'s service radius (tract populations spread evenly over each tract)', PLAN),
  f('need', 'number', 'score 0-1', 'the need factor: the mean of five min-max normalised census indicators', PLAN),
]

export const DATASET_DEFS: Record<DatasetName, Dataset> = {
  neighborhoods: {
    name: 'neighborhoods',
    title: 'Neighborhoods: census figures, coverage and need',
    audience: 'public',
    spatial: true,
    fields: [
      f('id', 'string', '', 'the neighborhood id', 'the inventory'),
      f('name', 'string', '', 'the neighborhood name', 'the inventory'),
      f('served', 'boolean', '', 'true where the free public Wi-Fi serves it', 'the inventory'),
      ...areaFields('neighborhood'),
    ],
  },
  tracts: {
    name: 'tracts',
    title: 'Census tracts: census figures, coverage and need',
    audience: 'public',
    spatial: true,
    fields: [
      f('geoid', 'string', '', 'the census tract GEOID (2020)', ACS),
      f('name', 'string', '', 'the tract name', ACS),
      f('neighborhood', 'string', '', 'the id of the neighborhood it belongs to', 'the tract-to-neighborhood crosswalk'),
      ...areaFields('tract'),
    ],
  },
  daily: {
    name: 'daily',
    title: 'Daily figures per served neighborhood',
    audience: 'public',
    spatial: false,
    fields: [
      f('date', 'date', '', 'the local calendar day (the city\'s time zone)', 'reports/'),
      f('neighborhood', 'string', '', 'the neighborhood id', 'the inventory'),
      f('unique_devices', 'integer', 'devices', 'distinct client devices seen that day (MAC digests; randomized MACs count as seen); the device-days of a period are the sum of this column. Suppressed from 1 to 9.', 'uniques/ through reports/ (docs/REPORTS.md)'),
      f('bytes', 'integer', 'bytes', 'data carried for clients that day, both directions', 'usage/ through reports/ (docs/REPORTS.md)'),
      f('peak_concurrent_clients', 'integer', 'clients', 'the most clients associated at one poll instant that day. Suppressed from 1 to 9.', 'reports/'),
      f('availability_pct', 'number', 'percent', 'time-weighted share of the day its APs were up, over the time they were observed', 'availability/ (docs/REPORTS.md)'),
    ],
  },
  incidents: {
    name: 'incidents',
    title: 'Incidents that took public Wi-Fi out',
    audience: 'public',
    spatial: false,
    fields: [
      f('id', 'integer', '', 'the incident number', 'incidents/'),
      f('opened', 'timestamp', 'UTC', 'when service was first seen out (the first failed poll)', 'incidents/'),
      f('closed', 'timestamp', 'UTC', 'when service was back (the last device\'s first good poll); empty while open', 'incidents/'),
      f('minutes', 'number', 'minutes', 'closed minus opened; empty while open', 'incidents/'),
      f('neighborhoods', 'string', '', 'the served neighborhoods it touched, ids separated by ;', 'incidents/'),
      f('cause', 'string', '', 'fiber, equipment, access-point or reported (residents reported it; opened by hand)', 'incidents/, as on the status page'),
      f('aps_out', 'integer', 'access points', 'access points it took out. Suppressed from 1 to 9.', 'incidents/scope.ts'),
    ],
  },
  aps: {
    name: 'aps',
    title: 'Access points with their place and uptime (staff)',
    audience: 'staff',
    spatial: true,
    fields: [
      f('id', 'string', '', 'the device id', 'the inventory'),
      f('name', 'string', '', 'the device name', 'the inventory'),
      f('neighborhood', 'string', '', 'the neighborhood id of its site', 'the inventory'),
      f('lon', 'number', 'degrees', 'longitude of its site (WGS84)', 'the inventory'),
      f('lat', 'number', 'degrees', 'latitude of its site (WGS84)', 'the inventory'),
      f('model', 'string', '', 'the AP model, when the inventory has it', 'the inventory'),
      f('availability_30d_pct', 'number', 'percent', 'time-weighted share of the last 30 days it was up, over the time it was observed', 'availability/'),
      f('outages_30d', 'integer', 'outages', 'outages in the last 30 days', 'availability/'),
    ],
  },
  ap_days: {
    name: 'ap_days',
    title: 'Access points\' status history, day by day (staff)',
    audience: 'staff',
    spatial: true,
    fields: [
      f('date', 'date', '', 'the local calendar day (the city\'s time zone)', 'availability/'),
      f('id', 'string', '', 'the device id', 'the inventory'),
      f('neighborhood', 'string', '', 'the neighborhood id of its site', 'the inventory'),
      f('lon', 'number', 'degrees', 'longitude of its site (WGS84)', 'the inventory'),
      f('lat', 'number', 'degrees', 'latitude of its site (WGS84)', 'the inventory'),
      f('availability_pct', 'number', 'percent', 'time-weighted share of the day it was up, over the time it was observed; empty when never observed', 'availability/'),
      f('up_minutes', 'number', 'minutes', 'minutes it answered its polls', 'availability/'),
      f('down_minutes', 'number', 'minutes', 'minutes it did not answer', 'availability/'),
      f('unknown_minutes', 'number', 'minutes', 'minutes with no poll to say (the collector or the store had a gap)', 'availability/'),
      f('outages', 'integer', 'outages', 'outages that touched the day', 'availability/'),
    ],
  },
}

export interface ExportDeps {
  inventory: Inventory
  /** the plan's assessment (coverage and need per area) */
  assessed: () => Promise<AssessedPlan>
  /** tract geometry by GEOID */
  tractGeometry: (geoid: string) => AreaGeometry | undefined
  report: Omit<ReportDeps, 'inventory'>
  incidents: () => Incident[]
  nowMs: number
}

export interface ExportQuery {
  /** daily: the first and last local day (inclusive); default the 30 days before today */
  from?: string
  to?: string
}

export interface ExportTable {
  dataset: Dataset
  rows: Row[]
  /** per row, for spatial datasets */
  geometry: (AreaGeometry | { type: 'Point'; coordinates: [number, number] } | null)[]
}

const suppress = (n: number | null) => (n === null ? null : n > 0 && n < 10 ? null : n)
const areaRow = (r: AssessedRow): Row => ({
  population: r.figures.population,
  households: r.figures.households,
  households_without_broadband: r.figures.householdsWithoutBroadband,
  pct_households_without_broadband: r.figures.pctWithoutBroadband,
  poverty_rate_pct: r.figures.povertyRatePct,
  pct_below_200pct_poverty: r.figures.pctBelow200PovertyPct,
  area_km2: r.figures.areaKm2,
  aps: suppress(r.figures.aps),
  covered_area_share: r.figures.coveredAreaShare,
  covered_population_share: r.figures.coveredPopulationShare,
  need: r.factors.need,
})

export class ExportInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message)
    this.name = 'ExportInputError'
  }
}

export async function exportTable(name: DatasetName, q: ExportQuery, deps: ExportDeps): Promise<ExportTable> {
  const dataset = DATASET_DEFS[name]
  const inv = deps.inventory
  if (name === 'neighborhoods' || name === 'tracts') {
    const a = await deps.assessed()
    if (name === 'neighborhoods') {
      const geo = new Map(inv.neighborhoods.map((n) => [n.id, n.geometry]))
      return { dataset, rows: a.rows.map((r) => ({ id: r.id, name: r.name, served: r.served, ...areaRow(r) })), geometry: a.rows.map((r) => geo.get(r.id) ?? null) }
    }
    const tracts = a.rows.flatMap((r) => (r.tracts ?? []).map((t) => ({ t, hood: r.id })))
    return { dataset, rows: tracts.map(({ t, hood }) => ({ geoid: t.id, name: t.name, neighborhood: hood, ...areaRow(t) })), geometry: tracts.map(({ t }) => deps.tractGeometry(t.id) ?? null) }
  }
  const tz = inv.city.timezone
  const dayBefore = (d: string) => localDate(startOfLocalDate(d, tz) - 1, tz)
  // daily, ap_days: the 30 whole days before today unless asked
  const to = q.to ?? dayBefore(localDate(deps.nowMs, tz))
  let from = q.from
  if (from === undefined) {
    from = to
    for (let i = 0; i < 29; i++) from = dayBefore(from)
  }
  // a day-by-day file reads availability day by day: a quarter at most per ask (the public
  // may ask too, so the work one request costs stays bounded)
  let days: string[] = []
  if (name === 'daily' || name === 'ap_days') {
    for (const [k, v] of [['from', from], ['to', to]] as const) if (!isLocalDate(v)) throw new ExportInputError(`${k}: '${v.slice(0, 20)}' is not a date (YYYY-MM-DD)`, k)
    if (from > to) throw new ExportInputError(`to: ${to} is before from (${from})`, 'to')
    days = datesIn(from, nextDate(to))
    if (days.length > MAX_DAYS) throw new ExportInputError(`from: at most ${MAX_DAYS} days at once (${from} to ${to} is more): ask for each quarter`, 'from')
  }
  if (name === 'daily') {
    const report = await buildReport({ from, to }, { ...deps.report, inventory: inv }).catch((err: unknown) => {
      if (err instanceof ReportInputError) throw new ExportInputError(`${err.param}: ${err.detail}`, err.param)
      throw err
    })
    const hoods = report.neighborhoods.map((n) => n.id)
    const site = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
    const aps = inv.devices.filter((d) => d.kind === 'ap').map((d) => ({ id: d.id, neighborhood: site.get(d.site) ?? '' })).filter((a) => hoods.includes(a.neighborhood))
    const rows: Row[] = []
    for (const day of report.daily) {
      const fromMs = startOfLocalDate(day.date, tz)
      const toMs = Math.min(startOfLocalDate(nextDate(day.date), tz), deps.nowMs)
      const av = await availability({ fromMs, asOfMs: toMs, aps }, { store: deps.report.store })
      for (const nb of hoods) {
        const s = summarize(aps.filter((a) => a.neighborhood === nb).map((a) => av.aps.get(a.id)!))
        rows.push({
          date: day.date,
          neighborhood: nb,
          unique_devices: suppress(day.uniqueClients[nb] ?? null),
          bytes: day.bytes[nb] ?? null,
          peak_concurrent_clients: suppress(day.peakConcurrentClients[nb] ?? null),
          availability_pct: s.availabilityPct === null ? null : Math.round(s.availabilityPct * 1000) / 1000,
        })
      }
    }
    return { dataset, rows, geometry: [] }
  }
  if (name === 'incidents') {
    const served = new Set(inv.neighborhoods.filter((n) => n.served).map((n) => n.id))
    const kindOf = new Map(inv.devices.map((d) => [d.id, d.kind]))
    const list = deps.incidents().filter((i) => !i.history.some((h) => h.kind === 'merged')).sort((a, b) => a.id - b.id)
    const rows: Row[] = []
    for (const i of list) {
      const hoods = i.affected.neighborhoods.filter((h) => served.has(h))
      if (hoods.length === 0) continue
      rows.push({
        id: i.id,
        opened: new Date(i.openedMs).toISOString(),
        closed: i.closedMs === null ? null : new Date(i.closedMs).toISOString(),
        minutes: i.closedMs === null ? null : Math.round((i.closedMs - i.openedMs) / 6_000) / 10,
        neighborhoods: hoods.join(';'),
        cause: i.rootCause.kind === 'link' ? 'fiber' : i.rootCause.kind === 'reported' ? 'reported' : kindOf.get(i.rootCause.id) === 'ap' ? 'access-point' : 'equipment',
        aps_out: suppress(apsTakenOut(i, inv).length),
      })
    }
    return { dataset, rows, geometry: [] }
  }
  const site = new Map(inv.sites.map((s) => [s.id, s]))
  const aps = inv.devices.filter((d) => d.kind === 'ap' && site.has(d.site))
  if (name === 'ap_days') {
    if (startOfLocalDate(days.at(-1)!, tz) > deps.nowMs) throw new ExportInputError(`to: ${to} has not begun`, 'to')
    const rows: Row[] = []
    const geometry: ExportTable['geometry'] = []
    const list = aps.map((d) => ({ id: d.id, neighborhood: site.get(d.site)!.neighborhood }))
    const min = (ms: number) => Math.round(ms / 6_000) / 10
    for (const day of days) {
      const av = await availability({ fromMs: startOfLocalDate(day, tz), asOfMs: Math.min(startOfLocalDate(nextDate(day), tz), deps.nowMs), aps: list }, { store: deps.report.store })
      for (const d of aps) {
        const s = site.get(d.site)!
        const a = av.aps.get(d.id)!
        const sum = summarize([a])
        rows.push({ date: day, id: d.id, neighborhood: s.neighborhood, lon: s.lon, lat: s.lat, availability_pct: sum.availabilityPct === null ? null : Math.round(sum.availabilityPct * 1000) / 1000, up_minutes: min(a.upMs), down_minutes: min(a.downMs), unknown_minutes: min(a.unknownMs), outages: sum.outages })
        geometry.push({ type: 'Point', coordinates: [s.lon, s.lat] })
      }
    }
    return { dataset, rows, geometry }
  }
  // aps (staff)
  const av = await availability({ fromMs: deps.nowMs - 30 * 86_400_000, asOfMs: deps.nowMs, aps: aps.map((d) => ({ id: d.id, neighborhood: site.get(d.site)!.neighborhood })) }, { store: deps.report.store })
  const rows = aps.map((d): Row => {
    const s = site.get(d.site)!
    const a = summarize([av.aps.get(d.id)!])
    return { id: d.id, name: d.name, neighborhood: s.neighborhood, lon: s.lon, lat: s.lat, model: d.model ?? null, availability_30d_pct: a.availabilityPct === null ? null : Math.round(a.availabilityPct * 1000) / 1000, outages_30d: a.outages }
  })
  return { dataset, rows, geometry: aps.map((d) => ({ type: 'Point' as const, coordinates: [site.get(d.site)!.lon, site.get(d.site)!.lat] as [number, number] })) }
}
