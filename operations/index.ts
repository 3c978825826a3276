/**
 * The monthly operations report (Stamford's "detailed monthly management reports"): per
 * month and served neighborhood, the incidents, the time to restore (median and 90th
 * percentile), SLA compliance, client-hours lost, resident reports and how many matched an
 * incident; and the APs and sites with recurring problems. Computed from the incidents and
 * resident reports stored in the app state, nothing else, so each figure can be checked
 * against them. Rendered as JSON, CSV, HTML and PDF (render.ts).
 *
 * Method (also in the report):
 * - an incident belongs to the month it opened in (the city's local calendar), and to every
 *   neighborhood it affected; one merged into another is counted once, as the other;
 * - time to restore: close minus open, over the incidents of the month closed by the time
 *   the report is made; median and 90th percentile by the nearest-rank method;
 * - SLA: restored within its severity's target (incidents/sla.ts); one still open past its
 *   target counts as missed, one still open within it is not counted yet;
 * - client-hours lost: the sum of the incidents' estimates (incidents/client-hours.ts);
 *   incidents with no estimate are counted apart;
 * - resident reports: received in the month in the neighborhood; matched: attached to an
 *   incident;
 * - recurring: an AP in two or more of the month's incidents, a site holding such APs.
 */
import { localDate, nextDate, startOfLocalDate } from '../core/calendar.ts'
import type { Inventory } from '../core/inventory.ts'
import { slaClock, type SlaTargets } from '../incidents/sla.ts'
import type { Incident, IncidentStore } from '../incidents/store.ts'
import type { ResidentReportStore } from '../residents/store.ts'

export interface OperationsRow {
  id: string
  name: string
  incidents: number
  restored: number
  medianRestoreMinutes: number | null
  p90RestoreMinutes: number | null
  /** restored within target, of those judged (restored, or open past target) */
  slaMet: number
  slaJudged: number
  slaPct: number | null
  clientHoursLost: number
  /** incidents with no client-hours estimate (left out of the sum) */
  clientHoursUnknown: number
  residentReports: number
  residentReportsMatched: number
}

export interface OperationsReport {
  kind: 'operations'
  city: string
  timezone: string
  month: string
  fromMs: number
  toMs: number
  generatedMs: number
  /** false while the month is still running: its figures will change */
  complete: boolean
  neighborhoods: OperationsRow[]
  total: OperationsRow
  recurring: {
    aps: { id: string; name: string; neighborhood: string; incidents: number[] }[]
    sites: { id: string; neighborhood: string; aps: string[]; incidents: number }[]
  }
  method: string[]
}

export class OperationsMonthError extends Error {}

export const OPERATIONS_METHOD = [
  'An incident belongs to the month it opened in (local calendar) and to every neighborhood it affected; one merged into another is counted once, as the other.',
  'Time to restore is close minus open over the month\'s incidents closed when the report was made; median and 90th percentile by the nearest-rank method.',
  'SLA: restored within the target for its severity; one still open past its target counts as missed; one still open within it is not judged yet.',
  'Client-hours lost is the sum of the incidents\' estimates (the median of the same hour 1-4 weeks earlier per affected AP); incidents without an estimate are counted apart.',
  'Resident reports: received in the month in the neighborhood; matched: attached to an incident that covered the place.',
  'Recurring: an access point in two or more of the month\'s incidents; a site holding such access points.',
]

/** nearest-rank percentile of sorted values */
const rank = (sorted: readonly number[], p: number): number | null => (sorted.length === 0 ? null : sorted[Math.max(0, Math.ceil((p / 100) * sorted.length) - 1)]!)

export interface OperationsDeps {
  incidents: Pick<IncidentStore, 'list'>
  reports: Pick<ResidentReportStore, 'list'>
  inventory: Inventory
  slaTargets: SlaTargets
  nowMs: number
}

export function buildOperationsReport(month: string, deps: OperationsDeps): OperationsReport {
  if (!/^\d{4}-(0[1-9]|1[0-2])$/.test(month)) throw new OperationsMonthError(`month must be YYYY-MM, like 2026-11; got '${month.slice(0, 20)}'`)
  const inv = deps.inventory
  const tz = inv.city.timezone
  const fromMs = startOfLocalDate(`${month}-01`, tz)
  let next = `${month}-01`
  while (next.slice(0, 7) === month) next = nextDate(next)
  const toMs = startOfLocalDate(next, tz)
  if (fromMs > deps.nowMs) throw new OperationsMonthError(`${month} has not begun (today is ${localDate(deps.nowMs, tz)})`)
  const asOf = Math.min(deps.nowMs, toMs)

  const merged = (i: Incident) => i.history.some((h) => h.kind === 'merged')
  const month_ = deps.incidents.list({ fromMs, toMs }).filter((i) => i.openedMs >= fromMs && i.openedMs < toMs && !merged(i))
  const reports = deps.reports.list({ fromMs, toMs })

  const row = (id: string, name: string, incs: readonly Incident[], reps: typeof reports): OperationsRow => {
    const restored = incs.filter((i) => i.closedMs !== null && i.closedMs <= asOf)
    const minutes = restored.map((i) => (i.closedMs! - i.openedMs) / 60_000).sort((a, b) => a - b)
    let met = 0
    let judged = 0
    for (const i of incs) {
      const closed = i.closedMs !== null && i.closedMs <= asOf
      const c = slaClock({ ...i, closedMs: closed ? i.closedMs : null }, asOf, deps.slaTargets)
      if (closed) {
        judged++
        if (!c.breached) met++
      } else if (c.breached) judged++
    }
    const round1 = (x: number | null) => (x === null ? null : Math.round(x * 10) / 10)
    return {
      id,
      name,
      incidents: incs.length,
      restored: restored.length,
      medianRestoreMinutes: round1(rank(minutes, 50)),
      p90RestoreMinutes: round1(rank(minutes, 90)),
      slaMet: met,
      slaJudged: judged,
      slaPct: judged === 0 ? null : Math.round((1000 * 100 * met) / judged) / 1000,
      clientHoursLost: Math.round(incs.reduce((s, i) => s + (i.clientHoursLost?.value ?? 0), 0) * 10) / 10,
      clientHoursUnknown: incs.filter((i) => i.clientHoursLost === null).length,
      residentReports: reps.length,
      residentReportsMatched: reps.filter((r) => r.incidentId !== null).length,
    }
  }
  const served = inv.neighborhoods.filter((n) => n.served)
  const neighborhoods = served.map((n) => row(n.id, n.name, month_.filter((i) => i.affected.neighborhoods.includes(n.id)), reports.filter((r) => r.neighborhood === n.id)))
  const total = row('', 'All served neighborhoods', month_.filter((i) => i.affected.neighborhoods.some((h) => served.some((n) => n.id === h))), reports)

  const dev = new Map(inv.devices.map((d) => [d.id, d]))
  const siteHood = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
  const perAp = new Map<string, number[]>()
  for (const i of month_) for (const ap of i.affected.aps) perAp.set(ap, [...(perAp.get(ap) ?? []), i.id])
  const aps = [...perAp].filter(([, ids]) => ids.length >= 2).map(([id, ids]) => ({ id, name: dev.get(id)?.name ?? id, neighborhood: siteHood.get(dev.get(id)?.site ?? '') ?? '', incidents: ids.sort((a, b) => a - b) }))
  aps.sort((a, b) => b.incidents.length - a.incidents.length || a.id.localeCompare(b.id))
  const sites = new Map<string, { id: string; neighborhood: string; aps: string[]; incidents: Set<number> }>()
  for (const a of aps) {
    const site = dev.get(a.id)?.site ?? ''
    const s = sites.get(site) ?? { id: site, neighborhood: siteHood.get(site) ?? '', aps: [], incidents: new Set<number>() }
    s.aps.push(a.id)
    for (const i of a.incidents) s.incidents.add(i)
    sites.set(site, s)
  }
  return {
    kind: 'operations',
    city: inv.city.name,
    timezone: tz,
    month,
    fromMs,
    toMs,
    generatedMs: deps.nowMs,
    complete: deps.nowMs >= toMs,
    neighborhoods,
    total,
    recurring: { aps, sites: [...sites.values()].map((s) => ({ id: s.id, neighborhood: s.neighborhood, aps: s.aps, incidents: s.incidents.size })).sort((a, b) => b.incidents - a.incidents || a.id.localeCompare(b.id)) },
    method: OPERATIONS_METHOD,
  }
}
