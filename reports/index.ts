/**
 * The report grant writers sign: unique clients, data used, peak concurrent clients and
 * availability per neighborhood and for the neighborhoods together, over a period of the
 * city's local calendar. Computed once here and served three ways (civicnet report, GET
 * /api/reports, the report page); every format (JSON, CSV, HTML, PDF) renders this one
 * Report, so the numbers are the same numbers everywhere. No Fastify, no argv, no HTML here.
 *
 * Re-runs over the same stored data give the same bytes: every figure comes from the store
 * in a fixed way, numbers are rounded to fixed decimals, keys are written in a fixed order,
 * and generatedAt is the data's (the instant the figures run to), not the clock's.
 */
import { localDate, nextDate, startOfLocalDate, type LocalDate } from '../core/calendar.ts'
import type { Clock } from '../core/clock.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import { availability, summarize, type ApAvailability, type AvailabilitySummary } from '../availability/index.ts'
import { DEFAULT_INSTANT_MS } from '../store/query.ts'
import type { MetricStore } from '../store/types.ts'
import { usage, HOUR_MS, type UsageResult } from '../usage/index.ts'
import { aggregateChunked } from '../usage/store-chunks.ts'
import { ReportInputError, resolveNeighborhoods, resolvePeriod, type ReportPeriod, type ReportQuery } from './period.ts'
import type { Report, ReportRow } from './schema.ts'
import { loadUniques, type UniqueFigures } from './uniques.ts'
import { recordingStore } from './version.ts'

export { ReportInputError, resolvePeriod, type ReportQuery } from './period.ts'
export type { Report, ReportRow } from './schema.ts'

/** BEAD: at most 48 hours of outage in a year of 8,760 hours. */
export const DEFAULT_AVAILABILITY_TARGET_PCT = 99.45
const TARGET_BASIS = 'NTIA BEAD performance measures: at most 48 hours of network outage a year (48 of 8,760 hours = 0.548 %), i.e. at least 99.45 % availability'
/** How far before the period start a poll proves the store kept data then (a longer collector gap reads as "no data kept"). */
const KEPT_LOOKBACK_MS = 35 * 86_400_000

export interface ReportDeps {
  store: MetricStore
  inventory: Inventory
  /** the app state's inventory version (part of dataVersion) */
  inventoryVersion: number
  clock: Clock
  /** the collector's live poll interval, ms */
  pollIntervalMs: number
  /** where the stored data was filled at a coarser step before live polling (the demo's history; ApiConfig.history) */
  history?: { fromMs: number; stepMs: number; liveSinceMs: number } | null
  /** the store's poll-instant bucket (default store DEFAULT_INSTANT_MS, 60 s) */
  instantMs?: number
}

export interface BuildReportQuery extends ReportQuery {
  /** the availability target, percent (default 99.45, BEAD's) */
  availabilityTargetPct?: number
}

const round = (v: number | null, digits: number): number | null => (v === null || !Number.isFinite(v) ? null : Math.round(v * 10 ** digits) / 10 ** digits)
const iso = (ms: number) => new Date(ms).toISOString()

function apsOf(inventory: Inventory, neighborhoods: readonly string[]): { device: Device; neighborhood: string }[] {
  const bySite = new Map(inventory.sites.map((s) => [s.id, s.neighborhood]))
  const asked = new Set(neighborhoods)
  return inventory.devices
    .filter((d) => d.kind === 'ap' && asked.has(bySite.get(d.site) ?? ''))
    .map((d) => ({ device: d, neighborhood: bySite.get(d.site)! }))
}

export async function buildReport(q: BuildReportQuery, deps: ReportDeps): Promise<Report> {
  const { inventory } = deps
  const tz = inventory.city.timezone
  const nowMs = deps.clock.now()
  const today: LocalDate = localDate(nowMs, tz)
  const period = resolvePeriod(q, { timeZone: tz, today })
  const { ids: nbIds, asked } = resolveNeighborhoods(q, inventory)
  const targetPct = q.availabilityTargetPct ?? DEFAULT_AVAILABILITY_TARGET_PCT
  if (!Number.isFinite(targetPct) || targetPct <= 0 || targetPct > 100) throw new ReportInputError('target', `${String(q.availabilityTargetPct)} is not a percentage in (0, 100]`)
  for (const d of period.days) {
    if (d.startMs % HOUR_MS !== 0) throw new Error(`the city's time zone ${tz} does not start ${d.date} on a whole UTC hour: reports need whole-hour offsets`)
  }
  const instantMs = deps.instantMs ?? DEFAULT_INSTANT_MS
  const startMs = period.days[0]!.startMs
  const endMs = period.days.at(-1)!.endMs
  const open = nowMs < endMs
  const asOfMs = open ? Math.floor(nowMs / 1000) * 1000 : endMs
  const aps = apsOf(inventory, nbIds)
  const rec = recordingStore(deps.store)
  const store = rec.store

  const [use, avail] = await Promise.all([
    usage({ days: period.days, asOfMs, aps: aps.map((a) => ({ id: a.device.id, neighborhood: a.neighborhood })), neighborhoods: nbIds, timeZone: tz, instantMs }, { store }),
    availability({ fromMs: startMs, asOfMs, aps: aps.map((a) => ({ id: a.device.id, neighborhood: a.neighborhood })) }, { store }),
  ])
  await checkDataKept(store, { period, startMs, asOfMs, tz, firstPollHourMs: avail.firstPollHourMs, toleranceMs: Math.max(deps.pollIntervalMs, deps.history?.stepMs ?? 0) })
  const uniques = await loadUniques({ period, neighborhoods: nbIds, nowMs }, { store, inventory })

  const reasons: Record<string, string> = {}
  const notes: string[] = []
  const because = <T>(path: string, v: T | null, reason: string | undefined): T | null => {
    if (v === null) reasons[path] = reason ?? 'not measured'
    return v
  }

  // Concurrent-client figures sum the samples of one instant (60 s): with polls faster
  // than that, one client would count once per poll.
  const liveFromMs = deps.history ? deps.history.liveSinceMs : -Infinity
  const concurrencyBlocked = deps.pollIntervalMs < instantMs && liveFromMs < asOfMs
    ? `the live poll interval (${deps.pollIntervalMs} ms) is shorter than the store's instant (${instantMs} ms) for part of the period: an instant's total would count each client once per poll`
    : null

  const byNb = new Map<string, ApAvailability[]>(nbIds.map((n) => [n, []]))
  for (const a of aps) byNb.get(a.neighborhood)!.push(avail.aps.get(a.device.id)!)
  // Why a byte figure is missing: no counter was read, or 32-bit counters were read too far
  // apart to rule out a second wrap (the collector left those intervals out, never guessed).
  const noBytes = (apIds: readonly string[], none: string, whose = "its APs'"): string => {
    const gaps = apIds.reduce((n, id) => n + (use.wrapGapsByAp.get(id) ?? 0), 0)
    return gaps === 0 ? none : `${whose} byte counters are 32-bit and were read too far apart to rule out more than one wrap: ${gaps} counter interval(s) left out, never guessed (poll them more often)`
  }
  const apIdsOf = (nb: string | null) => aps.filter((a) => nb === null || a.neighborhood === nb).map((a) => a.device.id)
  const periodMinutes = (asOfMs - startMs) / 60_000

  const row = (path: string, r: {
    id: string
    name: string
    served: boolean
    aps: number
    uniques: UniqueFigures
    bytes: number | null
    peak: number | null
    avail: AvailabilitySummary
    census: { population: number; households: number; householdsWithoutBroadband: number }
  }): ReportRow => {
    const noAps = r.aps === 0 ? (r.served ? 'no access point of it is in the inventory' : 'not served: no access points') : null
    const pick = <T>(field: string, v: T | null, reason: string | undefined): T | null => because(`${path}.${field}`, noAps ? null : v, noAps ?? reason)
    const u = r.uniques
    const deviceDays = pick('deviceDays', u.deviceDays, u.reasons.deviceDays)
    const bytes = pick('bytes', r.bytes === null ? null : Math.round(r.bytes), noBytes(apIdsOf(r.id === 'total' ? null : r.id), 'no byte counter of its APs was read in the period'))
    let gbReason: string | undefined
    if (bytes === null) gbReason = 'needs bytes, which are not known'
    else if (deviceDays === null) gbReason = `needs device-days: ${u.reasons.deviceDays ?? 'not known'}`
    else if (deviceDays === 0) gbReason = 'no device-days: no client was counted in the period'
    const gb = bytes !== null && deviceDays !== null && deviceDays > 0 ? bytes / 1e9 / deviceDays : null
    const av = r.avail
    const pct = round(av.availabilityPct, 3)
    const unobserved = 'no poll of its APs was observed in the period'
    const mttrReason = av.outages === 0 ? 'no outage in the period' : `none of its ${av.outages} outages was restored within the period`
    return {
      id: r.id,
      name: r.name,
      served: r.served,
      aps: r.aps,
      uniqueClientsDailyAvg: pick('uniqueClientsDailyAvg', round(u.uniqueClientsDailyAvg, 1), u.reasons.uniqueClientsDailyAvg),
      deviceDays,
      uniqueClientsPeriod: pick('uniqueClientsPeriod', u.uniqueClientsPeriod, u.reasons.uniqueClientsPeriod),
      randomizedShare: pick('randomizedShare', round(u.randomizedShare, 3), u.reasons.randomizedShare),
      uniqueClientsMissBound: pick('uniqueClientsMissBound', round(u.uniqueClientsMissBound, 3), u.reasons.uniqueClientsMissBound),
      bytes,
      gbPerDeviceDay: pick('gbPerDeviceDay', round(gb, 3), gbReason),
      peakConcurrentClients: pick('peakConcurrentClients', concurrencyBlocked ? null : r.peak, concurrencyBlocked ?? 'no client count of its APs was read in the period'),
      availabilityPct: pick('availabilityPct', pct, unobserved),
      availabilityTargetMet: pick('availabilityTargetMet', pct === null ? null : pct >= targetPct, unobserved),
      outageMinutes: pick('outageMinutes', round(av.outageMinutes, 1), unobserved),
      outages: av.outages,
      meanTimeToRestoreMinutes: pick('meanTimeToRestoreMinutes', round(av.meanTimeToRestoreMinutes, 1), mttrReason),
      observedPct: pick('observedPct', round(av.observedPct, 2), 'the period has no time to observe yet'),
      population: r.census.population,
      households: r.census.households,
      householdsWithoutBroadband: r.census.householdsWithoutBroadband,
    }
  }

  const nbById = new Map(inventory.neighborhoods.map((n) => [n.id, n]))
  const neighborhoods: ReportRow[] = nbIds.map((id) => {
    const n = nbById.get(id)!
    return row(`neighborhoods.${id}`, {
      id,
      name: n.name,
      served: n.served,
      aps: byNb.get(id)!.length,
      uniques: uniques.neighborhoods.get(id)!,
      bytes: use.bytesByNeighborhood.get(id) ?? null,
      peak: use.peakByNeighborhood.get(id) ?? null,
      avail: summarize(byNb.get(id)!),
      census: n.census,
    })
  })
  const sum = (k: 'population' | 'households' | 'householdsWithoutBroadband') => nbIds.reduce((a, id) => a + nbById.get(id)!.census[k], 0)
  const total = row('total', {
    id: 'total',
    name: 'Total',
    served: nbIds.some((id) => nbById.get(id)!.served),
    aps: aps.length,
    uniques: uniques.total,
    bytes: use.bytesTotal,
    peak: use.peakTotal,
    avail: summarize([...avail.aps.values()]),
    census: { population: sum('population'), households: sum('households'), householdsWithoutBroadband: sum('householdsWithoutBroadband') },
  })

  const daily = dailyRows(period, asOfMs, nbIds, use, uniques.neighborhoods, uniques.total, concurrencyBlocked, reasons, (nb, none) => noBytes(apIdsOf(nb), none))
  const hourOfDay: Record<string, (number | null)[]> = {}
  for (const id of nbIds) hourOfDay[id] = concurrencyBlocked ? new Array(24).fill(null) : use.avgByHourOfDay.get(id)!.map((v) => round(v, 2))
  hourOfDay.total = concurrencyBlocked ? new Array(24).fill(null) : use.avgTotalByHourOfDay.map((v) => round(v, 2))
  if (concurrencyBlocked) reasons['hourOfDay.averageConcurrentClients'] = concurrencyBlocked
  else if (Object.values(hourOfDay).some((a) => a.includes(null))) reasons['hourOfDay.averageConcurrentClients'] = 'an hour of day with no client count in the period is null'

  const accessPoints = aps.map(({ device, neighborhood }) => {
    const a = avail.aps.get(device.id)!
    const s = summarize([a])
    const p = `accessPoints.${device.id}`
    const unobserved = 'no poll of the AP was observed in the period'
    return {
      id: device.id,
      name: device.name,
      neighborhood,
      bytes: because(`${p}.bytes`, use.bytesByAp.get(device.id) ?? null, noBytes([device.id], 'no byte counter of the AP was read in the period', 'its')),
      availabilityPct: because(`${p}.availabilityPct`, round(s.availabilityPct, 3), unobserved),
      outageMinutes: because(`${p}.outageMinutes`, round(s.outageMinutes, 1), unobserved),
      outages: s.outages,
      meanTimeToRestoreMinutes: because(`${p}.meanTimeToRestoreMinutes`, round(s.meanTimeToRestoreMinutes, 1), s.outages === 0 ? 'no outage in the period' : 'no outage of it was restored within the period'),
      observedPct: because(`${p}.observedPct`, round(s.observedPct, 2), 'the period has no time to observe yet'),
    }
  })

  if (open) notes.push(`The period is still open: figures run to ${iso(asOfMs)} and will change as data arrives.`)
  const list = (ids: string[]) => `${ids.slice(0, 10).join(', ')}${ids.length > 10 ? ', …' : ''}`
  const wrapped = aps.filter((a) => use.wrapGapsByAp.has(a.device.id)).map((a) => a.device.id)
  if (wrapped.length > 0) notes.push(`bytes: ${wrapped.length} AP(s) have 32-bit byte counters read too far apart to rule out more than one wrap in some intervals (${list(wrapped)}): the collector left those intervals out, never guessed, so their traffic there is missing from the figures.`)
  const silent = aps.filter((a) => (avail.aps.get(a.device.id)?.upMs ?? 0) > 0 && use.bytesByAp.get(a.device.id) === null && !use.wrapGapsByAp.has(a.device.id)).map((a) => a.device.id)
  if (silent.length > 0) notes.push(`bytes: ${silent.length} AP(s) answered polls but no traffic counter was read for them (${list(silent)}): their traffic is missing from the figures.`)
  const before = [...avail.aps.values()].reduce((n, a) => n + a.outages.filter((o) => o.startedBefore).length, 0)
  if (before > 0) notes.push(`availability: ${before} outage(s) were already on at the period start; they count from the start, and their restore time from there.`)
  const outagesFound = [...avail.aps.values()].reduce((n, a) => n + a.outages.length, 0)
  notes.push(`availability: ${outagesFound} outage(s) found from the polls; the collector recorded ${avail.events.deviceDown} deviceDown and ${avail.events.deviceUp} deviceUp event(s) for these APs in the period (an outage that began before the collector's first observation of the AP has no deviceDown event).`)
  if (deps.history && deps.history.liveSinceMs > startMs && deps.history.fromMs < asOfMs) {
    notes.push(`The stored data before ${iso(deps.history.liveSinceMs)} was polled every ${deps.history.stepMs / 60_000} min (filled history), live polls every ${deps.pollIntervalMs / 1000} s after it: outage ends and day edges there are exact to ${deps.history.stepMs / 60_000} min.`)
  }
  if (uniques.total.uniqueClientsMissBound === null) reasons['method.missBound'] = uniques.total.reasons.uniqueClientsMissBound ?? 'not known'
  if (uniques.total.randomizedShare === null) reasons['method.randomizedShare'] = uniques.total.reasons.randomizedShare ?? 'not known'

  const report: Report = {
    title: `${inventory.city.name} public Wi-Fi: ${period.name ? `${period.name}, ` : ''}${period.label}`,
    city: inventory.city.name,
    period: {
      from: period.from,
      to: period.to,
      kind: period.kind,
      name: period.name,
      label: period.label,
      days: period.days.length,
      timeZone: tz,
      startsAt: iso(startMs),
      endsAt: iso(endMs),
      open,
    },
    generatedAt: iso(asOfMs),
    dataVersion: '',
    method: {
      timeZone: tz,
      periodRule: `from and to are local days in ${tz}, both inclusive: the period runs from local midnight of 'from' to local midnight after 'to' (DST-exact)`,
      neighborhoodsAsked: asked,
      uniqueClients: uniques.method,
      uniqueClientsSource: uniques.source,
      pollIntervalMs: deps.pollIntervalMs,
      historyStepMs: deps.history?.stepMs ?? null,
      instantMs,
      missBound: round(uniques.total.uniqueClientsMissBound, 3),
      calibration: uniques.calibration,
      randomizedShare: uniques.total.randomizedShare === null ? null : round(uniques.total.randomizedShare, 3),
      availabilityTarget: { pct: targetPct, basis: targetPct === DEFAULT_AVAILABILITY_TARGET_PCT ? TARGET_BASIS : `set for this report (default ${DEFAULT_AVAILABILITY_TARGET_PCT} %: ${TARGET_BASIS})`, allowedOutageMinutes: round(((100 - targetPct) / 100) * periodMinutes, 1)! },
      bytes: "the sum of the APs' wifi_bytes samples (client traffic both ways in the poll interval ending at the sample) whose time falls in the period: off from the calendar period by at most one poll interval's traffic at each end",
      peakConcurrentClients: `the most clients associated at one instant (${instantMs / 1000} s) summed over the APs (the store's max over per-instant totals, never a sum of per-AP peaks); the total sums the neighborhoods' instant totals first`,
      availability: "each poll's result holds until the AP's next poll, within its clock hour; a clock hour with no poll of the AP is unknown, neither up nor down, and left out (availability = up / (up + down)); outage start = first failed poll, end = first answered poll: each outage is exact to one poll interval",
      events: avail.events,
      dataStartsAt: avail.firstPollHourMs === null || avail.firstPollHourMs <= startMs - HOUR_MS ? null : iso(avail.firstPollHourMs),
      reads: 0,
      notes,
      reasons: {},
    },
    neighborhoods,
    total,
    daily,
    hourOfDay: { averageConcurrentClients: hourOfDay },
    accessPoints,
  }
  report.method.reads = rec.reads()
  report.method.reasons = Object.fromEntries(Object.entries(reasons).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
  report.dataVersion = `i${deps.inventoryVersion}.${rec.digest()}`
  return report
}

/**
 * Refuses a period that starts before the stored data does: without a poll of any device in
 * the 35 days before the period start (or within one poll interval after it), the store did
 * not keep data then, and the report would quietly cover less than it says.
 */
async function checkDataKept(store: MetricStore, c: { period: ReportPeriod; startMs: number; asOfMs: number; tz: string; firstPollHourMs: number | null; toleranceMs: number }): Promise<void> {
  if (c.firstPollHourMs !== null && c.firstPollHourMs <= c.startMs) return
  const probe = await store.aggregate({ metric: 'device_up', groupBy: 'neighborhood', fn: 'count', fromMs: c.startMs - KEPT_LOOKBACK_MS, toMs: c.startMs + Math.max(1000, c.toleranceMs), stepMs: KEPT_LOOKBACK_MS * 2 })
  if (probe.some((p) => p.value > 0)) return
  // The refusal says from when data is kept (city-wide, within the period).
  const inPeriod = await aggregateChunked(store, { metric: 'device_up', groupBy: 'neighborhood', fn: 'count', fromMs: c.startMs, toMs: Math.max(c.startMs + HOUR_MS, Math.ceil(c.asOfMs / HOUR_MS) * HOUR_MS), stepMs: HOUR_MS, source: 'auto' }, 20)
  const first = inPeriod.filter((p) => p.value > 0).reduce((m, p) => Math.min(m, p.timeMs), Infinity)
  const local = (ms: number) => `${localDate(ms, c.tz)} (${iso(ms)})`
  const firstFullDay = (ms: number) => {
    const d = localDate(ms, c.tz)
    return startOfLocalDate(d, c.tz) === ms ? d : nextDate(d)
  }
  const kept = Number.isFinite(first)
    ? `the stored data begins ${local(first)}: the store keeps every poll from its first one on (nothing older exists); start the period on ${firstFullDay(first)} or later`
    : 'no poll is stored from 35 days before the period through its end: the store keeps every poll from its first one on, and has none for this period'
  throw new ReportInputError('from', `the period starts ${c.period.from} but ${kept}`, 'range')
}

function dailyRows(
  period: ReportPeriod,
  asOfMs: number,
  nbIds: readonly string[],
  use: UsageResult,
  uniquesNb: Map<string, UniqueFigures>,
  uniquesTotal: UniqueFigures,
  concurrencyBlocked: string | null,
  reasons: Record<string, string>,
  /** why a neighborhood's (or, for null, the total's) bytes are missing */
  noBytes: (nb: string | null, none: string) => string,
): Report['daily'] {
  const observed = period.days.filter((d) => d.startMs < asOfMs).length
  const missing = (series: string, key: string, values: (number | null)[], why: string) => {
    const gaps = values.slice(0, observed).map((v, i) => (v === null ? period.days[i]!.date : null)).filter((d): d is string => d !== null)
    const parts: string[] = []
    if (gaps.length > 0) parts.push(`${why} on ${gaps.length} of ${observed} days (first ${gaps[0]})`)
    if (observed < period.days.length) parts.push(`the period is still open: days from ${period.days[observed]!.date} are not measured yet`)
    if (parts.length > 0) reasons[`daily.${series}.${key}`] = parts.join('; ')
  }
  for (const id of nbIds) {
    missing('bytes', id, use.bytesByNeighborhoodDay.get(id)!, noBytes(id, 'no byte counter of its APs was read'))
    if (concurrencyBlocked) reasons[`daily.peakConcurrentClients.${id}`] = concurrencyBlocked
    else missing('peakConcurrentClients', id, use.peakByNeighborhoodDay.get(id)!, 'no client count of its APs was read')
    const u = uniquesNb.get(id)!
    if (u.reasons.daily) reasons[`daily.uniqueClients.${id}`] = u.reasons.daily
  }
  missing('bytes', 'total', use.bytesTotalDay, noBytes(null, 'no byte counter was read'))
  if (uniquesTotal.reasons.daily) reasons['daily.uniqueClients.total'] = uniquesTotal.reasons.daily
  return period.days.map((d, i) => {
    const bytes: Record<string, number | null> = {}
    const peak: Record<string, number | null> = {}
    const uniq: Record<string, number | null> = {}
    for (const id of nbIds) {
      bytes[id] = use.bytesByNeighborhoodDay.get(id)![i]!
      peak[id] = concurrencyBlocked ? null : use.peakByNeighborhoodDay.get(id)![i]!
      uniq[id] = uniquesNb.get(id)!.daily[i]!
    }
    bytes.total = use.bytesTotalDay[i]!
    uniq.total = uniquesTotal.daily[i]!
    return { date: d.date, bytes, peakConcurrentClients: peak, uniqueClients: uniq }
  })
}
