/**
 * The public status of the city's Wi-Fi, for residents: per served neighborhood working,
 * partial outage or outage; the open incidents and those resolved in the last 90 days, in
 * terms a resident can use (which neighborhood, since when, how many access points of how
 * many, the expected restore time an engineer set); uptime over 30 and 90 days.
 *
 * Public by construction: no device name or id, no address, no root-cause element, no MAC;
 * neighborhoods and counts only, and a count below 10 is given as "fewer than 10" (a small
 * count with a place and a time can point at one pole). The cause is a category: a fiber
 * line, network equipment, an access point.
 *
 * - Out: the APs an open incident takes out, in the neighborhood: every AP behind its root
 *   cause when that cause is seen (a cut fiber link cuts off all of them), the APs seen down
 *   when it is probable.
 * - State: none out, working; at least half of the neighborhood's APs out, outage; else
 *   partial outage.
 * - Uptime: availability/'s time-weighted share of AP time up over up + down (time nothing
 *   was known left out, as in the grant report), per neighborhood over the last 30 and 90
 *   days; with the day its data starts when the store holds less.
 */
import { availability, summarize } from '../availability/index.ts'
import type { Inventory } from '../core/inventory.ts'
import { apsTakenOut } from '../incidents/scope.ts'
import type { Incident, IncidentStore } from '../incidents/store.ts'
import type { MetricStore } from '../store/types.ts'

const DAY = 86_400_000
/** counts below this are not shown */
export const MIN_SHOWN_COUNT = 10

export type NeighborhoodState = 'working' | 'partial' | 'outage'
export type IncidentCause = 'fiber' | 'equipment' | 'access-point' | 'reported'

/** A count as the public sees it: the number, or null with fewerThan10 when it is 1-9. */
export interface PublicCount {
  value: number | null
  fewerThan10: boolean
}
export const publicCount = (n: number): PublicCount => (n > 0 && n < MIN_SHOWN_COUNT ? { value: null, fewerThan10: true } : { value: n, fewerThan10: false })

export interface Uptime {
  /** percent, 3 decimals; null when nothing was observed */
  pct: number | null
  /** where the data of the window starts when it starts later than the window (a new deployment) */
  dataFromMs: number | null
}

export interface NeighborhoodStatus {
  id: string
  name: string
  state: NeighborhoodState
  apsOut: PublicCount
  aps: PublicCount
  uptime30d: Uptime
  uptime90d: Uptime
}

export interface PublicIncident {
  /** the incident's number (as on the engineers' list; says nothing about a device) */
  id: number
  neighborhoods: { id: string; name: string }[]
  cause: IncidentCause
  startedMs: number
  endedMs: number | null
  expectedRestoreMs: number | null
  apsOut: PublicCount
  /** the APs of its neighborhoods */
  apsTotal: PublicCount
  /** endedMs - startedMs, minutes; null while open */
  restoreMinutes: number | null
}

export interface PublicStatus {
  generatedMs: number
  city: string
  timezone: string
  neighborhoods: NeighborhoodStatus[]
  open: PublicIncident[]
  /** resolved in the last 90 days, newest first */
  resolved: PublicIncident[]
}

export interface StatusDeps {
  store: Pick<MetricStore, 'aggregate' | 'latest' | 'events'>
  incidents: Pick<IncidentStore, 'list'>
  inventory: () => Inventory
}

/** The part that reads 90 days of polls: computed at most every `uptimeEveryMs` and reused. */
export interface StatusService {
  status(nowMs: number): Promise<PublicStatus>
}

function causeOf(i: Incident, inv: Inventory): IncidentCause {
  if (i.rootCause.kind === 'link') return 'fiber'
  if (i.rootCause.kind === 'reported') return 'reported'
  return inv.devices.find((d) => d.id === i.rootCause.id)?.kind === 'ap' ? 'access-point' : 'equipment'
}

/** Closed as merged into another: not an outage of its own. */
const merged = (i: Incident) => i.history.some((h) => h.kind === 'merged')

export function createStatusService(deps: StatusDeps, opts: { uptimeEveryMs?: number } = {}): StatusService {
  const every = opts.uptimeEveryMs ?? 10 * 60_000
  let uptime: { atMs: number; inv: Inventory; value: Promise<Map<string, { d30: Uptime; d90: Uptime }>> } | null = null

  async function computeUptime(nowMs: number, apsOf: Map<string, string[]>): Promise<Map<string, { d30: Uptime; d90: Uptime }>> {
    const aps = [...apsOf].flatMap(([nb, ids]) => ids.map((id) => ({ id, neighborhood: nb })))
    const windows = await Promise.all([30, 90].map((days) => availability({ fromMs: nowMs - days * DAY, asOfMs: nowMs, aps }, { store: deps.store as MetricStore })))
    const out = new Map<string, { d30: Uptime; d90: Uptime }>()
    for (const [nb, ids] of apsOf) {
      const [d30, d90] = windows.map((w, k): Uptime => {
        const s = summarize(ids.map((id) => w.aps.get(id)!))
        const fromMs = nowMs - [30, 90][k]! * DAY
        const first = w.firstPollHourMs
        return { pct: s.availabilityPct === null ? null : Math.round(s.availabilityPct * 1000) / 1000, dataFromMs: first !== null && first > fromMs ? first : null }
      })
      out.set(nb, { d30: d30!, d90: d90! })
    }
    return out
  }

  return {
    async status(nowMs) {
      const inv = deps.inventory()
      const hoodOfSite = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
      const hoodOf = new Map(inv.devices.map((d) => [d.id, hoodOfSite.get(d.site) ?? '']))
      const served = inv.neighborhoods.filter((n) => n.served)
      const apsOf = new Map(served.map((n) => [n.id, inv.devices.filter((d) => d.kind === 'ap' && hoodOf.get(d.id) === n.id).map((d) => d.id)]))
      const name = new Map(inv.neighborhoods.map((n) => [n.id, n.name]))

      if (!uptime || uptime.inv !== inv || nowMs - uptime.atMs >= every || nowMs < uptime.atMs) {
        const value = computeUptime(nowMs, apsOf)
        value.catch(() => (uptime = null)) // a failed read is tried again at the next request
        uptime = { atMs: nowMs, inv, value }
      }
      const up = await uptime.value

      const open = deps.incidents.list({ state: 'open' })
      const out = new Map<string, Set<string>>()
      // a problem opened by hand from residents' reports, with no AP named, still makes its
      // neighborhoods a partial outage: residents there have a problem we know of
      const reported = new Set(open.filter((i) => i.rootCause.kind === 'reported').flatMap((i) => i.affected.neighborhoods))
      for (const i of open) {
        for (const ap of apsTakenOut(i, inv)) {
          const nb = hoodOf.get(ap) ?? ''
          if (!out.has(nb)) out.set(nb, new Set())
          out.get(nb)!.add(ap)
        }
      }

      const shown = (i: Incident): PublicIncident => {
        const aps = apsTakenOut(i, inv)
        const hoods = [...new Set([...aps.map((a) => hoodOf.get(a) ?? ''), ...i.affected.neighborhoods])].filter((h) => apsOf.has(h)).sort()
        return {
          id: i.id,
          neighborhoods: hoods.map((id) => ({ id, name: name.get(id) ?? id })),
          cause: causeOf(i, inv),
          startedMs: i.openedMs,
          endedMs: i.closedMs,
          expectedRestoreMs: i.state === 'open' ? i.expectedRestoreMs : null,
          apsOut: publicCount(aps.length),
          apsTotal: publicCount(hoods.reduce((n, h) => n + (apsOf.get(h)?.length ?? 0), 0)),
          restoreMinutes: i.closedMs === null ? null : Math.round((i.closedMs - i.openedMs) / 60_000),
        }
      }
      // only what touches a served neighborhood is the public's business
      const touchesServed = (p: PublicIncident) => p.neighborhoods.length > 0
      return {
        generatedMs: nowMs,
        city: inv.city.name,
        timezone: inv.city.timezone,
        neighborhoods: served.map((n) => {
          const total = apsOf.get(n.id)!.length
          const o = out.get(n.id)?.size ?? 0
          return {
            id: n.id,
            name: n.name,
            state: o === 0 ? (reported.has(n.id) ? 'partial' : 'working') : 2 * o >= total ? 'outage' : 'partial',
            apsOut: publicCount(o),
            aps: publicCount(total),
            uptime30d: up.get(n.id)?.d30 ?? { pct: null, dataFromMs: null },
            uptime90d: up.get(n.id)?.d90 ?? { pct: null, dataFromMs: null },
          }
        }),
        open: open.map(shown).filter(touchesServed).sort((a, b) => b.startedMs - a.startedMs),
        resolved: deps.incidents
          .list({ state: 'closed', fromMs: nowMs - 90 * DAY })
          .filter((i) => !merged(i))
          .map(shown)
          .filter(touchesServed)
          .sort((a, b) => b.endedMs! - a.endedMs!),
      }
    },
  }
}
