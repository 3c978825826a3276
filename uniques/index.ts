/**
 * Unique clients, honestly: the figures the API, the CLI and the reports share.
 *
 *   const r = await uniqueClients({ from: '2026-11-01', to: '2026-12-01', neighborhoods: 'all' }, { store, inventory })
 *   r.days[0].neighborhoods['downtown'].value   // distinct devices on 2026-11-01 in Downtown
 *   r.days[0].city                              // the same, de-duplicated over the asked neighborhoods
 *   r.period.city.averageDaily / .deviceDays / .periodUnique
 *
 * What a figure counts: distinct station digests (collector/privacy.ts: HMAC-SHA256 of the
 * MAC under a key per city-local day), exactly (count distinct in the store, no sketch). So
 * it counts devices, not people: a phone whose randomized MAC rotates counts again, and
 * randomized (locally administered) MACs are counted apart on every figure. A station
 * table read at each poll sees the clients associated at that instant: clients who come and
 * go between two polls are missed, so every figure is a lower bound of the true count, and
 * `missBound` says how much it may miss at the poll interval the data was read at
 * (uniques/miss-bound.ts, measured against the simulator's ground truth).
 *
 * A figure that cannot be computed is null with a reason, never 0: an AP with no station
 * source (its vendor serves only a client count and nothing lists its stations), a local hour
 * of the day without a station read (a collector gap), a key that changed within the day (a
 * collector restart, or APs polled by collectors with different keys: a client seen under
 * both keys would count twice), a day not over yet. A neighborhood without APs has 0.
 *
 * Imports core and store only.
 */
import { datesIn, isLocalDate, nextDate, periodOf, quarterDates, startOfLocalDate, type LocalDate } from '../core/calendar.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import type { MetricStore, SightingCount } from '../store/types.ts'
import { dayCoverage, sourcesWithReads, spanCoverage, type SourceDay } from './coverage.ts'
import { MISS_MEASURED, missBound, type MissLevel } from './miss-bound.ts'

export { missBound, MISS_MEASURED } from './miss-bound.ts'

export interface UniqueClientsQuery {
  /** the first local day (YYYY-MM-DD, the city's calendar: inventory.city.timezone) */
  from: LocalDate
  /** the day after the last, exclusive: a month is { from: '2026-11-01', to: '2026-12-01' } */
  to: LocalDate
  /** neighborhood ids, or 'all' (every AP of the city, also those outside a neighborhood) */
  neighborhoods: string[] | 'all'
  /** also a figure per AP and day (default false) */
  aps?: boolean
}

export interface UniqueClientsDeps {
  store: Pick<MetricStore, 'countSightings' | 'aggregate' | 'latest'>
  inventory: Inventory
  /** now, epoch ms (default Date.now): a day not over yet has no figure */
  now?: () => number
}

/** One number a report may print. */
export interface UniqueFigure {
  /** distinct devices; null when it cannot be computed (see reason) */
  value: number | null
  /** of which randomized (locally administered) MACs */
  randomized: number | null
  /** randomized / value; null when value is null or 0 */
  randomizedShare: number | null
  /**
   * the share of the true unique devices polling may have missed: truth lies in
   * [value, value / (1 - missBound)]; null when value is null or the poll interval is past
   * the measured ones
   */
  missBound: number | null
  /** the longest spacing of station reads behind the figure, minutes (60 for hourly history); null when none */
  pollIntervalMin: number | null
  /** why value is null */
  reason?: string
}

export interface DayFigures {
  date: LocalDate
  /** per asked neighborhood */
  neighborhoods: Record<string, UniqueFigure>
  /** de-duplicated over the asked neighborhoods: a client seen in two counts once */
  city: UniqueFigure
  /** per AP of the asked neighborhoods (q.aps) */
  aps?: Record<string, UniqueFigure>
}

export interface PeriodFigures {
  /** mean of the daily figures (a device-days / days); null when a day has none */
  averageDaily: UniqueFigure
  /** sum of the daily figures: a device seen on 3 days counts 3 */
  deviceDays: UniqueFigure
  /**
   * distinct devices over the whole period, under the collector's month or quarter key; only
   * when [from, to) is exactly that month or quarter, every day of it has a figure and one
   * key served it all
   */
  periodUnique: UniqueFigure
}

export interface UniqueClientsResult {
  from: LocalDate
  to: LocalDate
  timezone: string
  /** the asked neighborhoods ('all': every neighborhood of the inventory) */
  neighborhoods: string[]
  /** what every figure counts */
  unit: 'devices'
  /** the method, for a report's footnote */
  method: string
  days: DayFigures[]
  period: {
    /** 'month' | 'quarter' when [from, to) is exactly one; else null */
    scope: 'month' | 'quarter' | null
    neighborhoods: Record<string, PeriodFigures>
    city: PeriodFigures
  }
}

export class UniquesQueryError extends Error {
  constructor(readonly field: string, message: string) {
    super(`${field}: ${message}`)
    this.name = 'UniquesQueryError'
  }
}

const MAX_DAYS = 1000

const none = (reason: string, pollIntervalMin: number | null = null): UniqueFigure => ({ value: null, randomized: null, randomizedShare: null, missBound: null, pollIntervalMin, reason })
function figure(value: number, randomized: number, pollIntervalMin: number | null, level: MissLevel): UniqueFigure {
  return {
    value,
    randomized,
    randomizedShare: value > 0 ? randomized / value : null,
    missBound: pollIntervalMin === null ? (value === 0 ? 0 : null) : missBound(pollIntervalMin * 60_000, level),
    pollIntervalMin,
  }
}

/** Why a group has no figure, from its members' reasons. */
function groupReason(bad: { id: string; reason: string }[], total: number, what: string): string {
  const reasons = new Set(bad.map((b) => b.reason))
  if (reasons.size === 1) return bad.length === total ? bad[0]!.reason : `${bad.length} of ${total} ${what}: ${bad[0]!.reason}`
  return `${bad.length} of ${total} ${what} have no figure (${bad[0]!.id}: ${bad[0]!.reason})`
}

/** The station sources of an AP: its wireless controller, its management controller, itself. */
function candidates(d: Device): string[] {
  return [...new Set([d.controller, d.managedBy, d.id].filter((x): x is string => !!x))]
}

/**
 * Daily unique devices per AP, per neighborhood and de-duplicated over the asked
 * neighborhoods, over the local days [from, to), with period figures; see the module comment.
 * Throws UniquesQueryError on a bad question (naming the field).
 */
export async function uniqueClients(q: UniqueClientsQuery, deps: UniqueClientsDeps): Promise<UniqueClientsResult> {
  const { store, inventory } = deps
  const tz = inventory.city.timezone || 'UTC'
  if (!isLocalDate(q.from)) throw new UniquesQueryError('from', `must be a date YYYY-MM-DD, got '${q.from}'`)
  if (!isLocalDate(q.to)) throw new UniquesQueryError('to', `must be a date YYYY-MM-DD, got '${q.to}'`)
  if (q.to <= q.from) throw new UniquesQueryError('to', `must be after from (${q.from}), got '${q.to}'`)
  const dates = datesIn(q.from, q.to)
  if (dates.length > MAX_DAYS) throw new UniquesQueryError('to', `at most ${MAX_DAYS} days in one question, got ${dates.length}`)
  const known = new Set(inventory.neighborhoods.map((n) => n.id))
  const asked = q.neighborhoods === 'all' ? inventory.neighborhoods.map((n) => n.id) : [...new Set(q.neighborhoods)]
  for (const n of asked) if (!known.has(n)) throw new UniquesQueryError('neighborhoods', `'${n}' is not a neighborhood of ${inventory.city.name}`)
  const askedSet = new Set(asked)
  const now = (deps.now ?? Date.now)()

  // the APs asked about, by neighborhood
  const siteHood = new Map(inventory.sites.map((s) => [s.id, s.neighborhood]))
  const aps = inventory.devices.filter((d) => d.kind === 'ap' && (q.neighborhoods === 'all' || askedSet.has(siteHood.get(d.site) ?? '')))
  const apHood = new Map(aps.map((d) => [d.id, siteHood.get(d.site) ?? '']))
  const apsOf = new Map(asked.map((n) => [n, [] as Device[]]))
  for (const d of aps) apsOf.get(apHood.get(d.id)!)?.push(d)

  // where station tables were read, and under which keys
  const firstMs = startOfLocalDate(q.from, tz)
  const allCandidates = [...new Set(aps.flatMap(candidates))]
  const endMs = Math.min(startOfLocalDate(nextDate(dates.at(-1)!), tz), now + 1)
  const withReads = await sourcesWithReads(store, allCandidates, firstMs, endMs)
  const sourcesOf = new Map(aps.map((d) => [d.id, candidates(d).filter((c) => withReads.has(c))]))
  const sources = [...new Set([...sourcesOf.values()].flat())].sort()
  const cov = await dayCoverage(store, sources, dates.map((d) => [d, nextDate(d)] as const), tz)

  /**
   * Whether a set of APs has a figure on a day: every AP has a source read in every local
   * hour, and every read of their sources carried one key. Gives the poll interval in effect
   * (60 min / the fewest reads in an hour) or the reason.
   */
  function judge(date: LocalDate, set: readonly Device[], what: string): { ok: true; intervalMin: number | null } | { ok: false; reason: string } {
    const endMs = startOfLocalDate(nextDate(date), tz)
    if (endMs > now) return { ok: false, reason: startOfLocalDate(date, tz) > now ? 'the day has not begun' : 'the day is not over' }
    if (set.length === 0) return { ok: true, intervalMin: null }
    const bad: { id: string; reason: string }[] = []
    let intervalMin = 0
    const keys = new Set<number>()
    let mixed = false
    for (const ap of set) {
      const src = sourcesOf.get(ap.id)!
      if (src.length === 0) {
        bad.push({ id: ap.id, reason: 'no station source: no station table lists this AP\'s clients (its controller or the AP serves only a count)' })
        continue
      }
      const days = src.map((s) => cov.get(s)!.get(date)!) as SourceDay[]
      const hours = days[0]!.readsPerHour.map((_, h) => days.reduce((n, d) => n + d.readsPerHour[h]!, 0))
      const missing = hours.filter((n) => n === 0).length
      if (missing === hours.length) {
        bad.push({ id: ap.id, reason: 'collector gap: no station table read on this day' })
        continue
      }
      if (missing > 0) {
        bad.push({ id: ap.id, reason: `collector gap: no station table read in ${missing} of ${hours.length} local hours` })
        continue
      }
      intervalMin = Math.max(intervalMin, 60 / Math.min(...hours))
      for (const d of days) {
        if (d.key === 'mixed') mixed = true
        else if (d.key !== null) keys.add(d.key)
      }
    }
    if (bad.length > 0) return { ok: false, reason: groupReason(bad, set.length, what) }
    if (mixed || keys.size > 1) {
      return { ok: false, reason: 'the digest key changed during the day (a collector restart, or APs read by collectors with different keys): a client seen under two keys would count twice' }
    }
    return { ok: true, intervalMin: Math.round(intervalMin * 1000) / 1000 }
  }

  // the counts themselves: exact distinct digests per day
  const hoodWhere = q.neighborhoods === 'all' ? undefined : { neighborhood: asked }
  const chunks: string[][] = []
  for (let i = 0; i < dates.length; i += 1000) chunks.push(dates.slice(i, i + 1000))
  const count = async (groupBy: 'device' | 'neighborhood' | 'all', where?: { neighborhood?: string[]; device?: string[] }) => {
    const out = new Map<string, SightingCount>()
    for (const periods of chunks) for (const c of await store.countSightings({ scope: 'day', periods, groupBy, ...(where ? { where } : {}) })) out.set(`${c.period}\u0000${c.group}`, c)
    return out
  }
  const [byHood, byCity, byAp] = await Promise.all([
    asked.length > 0 ? count('neighborhood', { neighborhood: asked }) : new Map<string, SightingCount>(),
    count('all', hoodWhere),
    q.aps && aps.length > 0 ? count('device', { device: aps.map((d) => d.id) }) : Promise.resolve(new Map<string, SightingCount>()),
  ])
  const valueOf = (m: Map<string, SightingCount>, date: string, group: string, j: { ok: true; intervalMin: number | null }, level: MissLevel) => {
    const c = m.get(`${date}\u0000${group}`)
    return figure(c?.unique ?? 0, c?.randomized ?? 0, j.intervalMin, level)
  }

  const days: DayFigures[] = dates.map((date) => {
    const neighborhoods: Record<string, UniqueFigure> = {}
    for (const n of asked) {
      const j = judge(date, apsOf.get(n)!, 'APs')
      neighborhoods[n] = j.ok ? valueOf(byHood, date, n, j, 'neighborhood') : none(j.reason)
    }
    const jc = judge(date, aps, 'APs')
    const city = jc.ok ? valueOf(byCity, date, '', jc, 'city') : none(jc.reason)
    const day: DayFigures = { date, neighborhoods, city }
    if (q.aps) {
      day.aps = {}
      for (const ap of aps) {
        const j = judge(date, [ap], 'APs')
        day.aps[ap.id] = j.ok ? valueOf(byAp, date, ap.id, j, 'ap') : none(j.reason)
      }
    }
    return day
  })

  // period figures
  const scope = periodScopeOf(q.from, q.to)
  const periodKeys = scope ? await spanCoverage(store, sources, scope, firstMs, startOfLocalDate(q.to, tz)) : new Map()
  const periodCounts = scope
    ? await Promise.all([
        asked.length > 0 ? store.countSightings({ scope, periods: [periodOf(scope, q.from)], groupBy: 'neighborhood', where: { neighborhood: asked } }) : Promise.resolve([]),
        store.countSightings({ scope, periods: [periodOf(scope, q.from)], groupBy: 'all', ...(hoodWhere ? { where: hoodWhere } : {}) }),
      ])
    : [[], []]

  function periodFigures(daily: UniqueFigure[], set: readonly Device[], level: MissLevel, counted: SightingCount | undefined): PeriodFigures {
    const missing = daily.map((f, i) => ({ f, date: dates[i]! })).filter((x) => x.f.value === null)
    const intervalMin = daily.reduce<number | null>((m, f) => (f.pollIntervalMin === null ? m : Math.max(m ?? 0, f.pollIntervalMin)), null)
    let averageDaily: UniqueFigure
    let deviceDays: UniqueFigure
    if (missing.length > 0) {
      const reason = `${missing.length} of ${daily.length} days have no figure (${missing[0]!.date}: ${missing[0]!.f.reason})`
      averageDaily = none(reason, intervalMin)
      deviceDays = none(reason, intervalMin)
    } else {
      const v = daily.reduce((a, f) => a + f.value!, 0)
      const r = daily.reduce((a, f) => a + f.randomized!, 0)
      deviceDays = figure(v, r, intervalMin, level)
      averageDaily = { ...figure(v / daily.length, r / daily.length, intervalMin, level), randomizedShare: v > 0 ? r / v : null }
    }
    let periodUnique: UniqueFigure
    if (!scope) {
      periodUnique = none('period-unique devices are counted for a whole calendar month or quarter only (the collector keeps one key per period): ask from its first day to the first day of the next')
    } else if (![...periodKeys.values()].some((s) => s.reads > 0) && sources.length > 0) {
      periodUnique = none(`no ${scope} key was read in this ${scope}: the collector keeps period-unique digests per ${scope === 'month' ? 'quarter' : 'month'} (CIVICNET_UNIQUE_PERIOD)`)
    } else if (missing.length > 0) {
      periodUnique = none(`the ${scope} is not covered: ${missing.length} of ${daily.length} days have no figure (${missing[0]!.date}: ${missing[0]!.f.reason})`, intervalMin)
    } else {
      const keys = new Set<number>()
      let mixed = false
      for (const ap of set) {
        for (const s of sourcesOf.get(ap.id)!) {
          const k = periodKeys.get(s)?.key
          if (k === 'mixed') mixed = true
          else if (typeof k === 'number') keys.add(k)
        }
      }
      periodUnique = mixed || keys.size > 1
        ? none(`the ${scope} key changed within the ${scope} (a collector restart, or collectors with different keys): a device seen under two keys would count twice`, intervalMin)
        : figure(counted?.unique ?? 0, counted?.randomized ?? 0, intervalMin, level)
    }
    return { averageDaily, deviceDays, periodUnique }
  }

  const [hoodPeriod, cityPeriod] = periodCounts as [SightingCount[], SightingCount[]]
  const period: UniqueClientsResult['period'] = {
    scope,
    neighborhoods: Object.fromEntries(asked.map((n) => [n, periodFigures(days.map((d) => d.neighborhoods[n]!), apsOf.get(n)!, 'neighborhood', hoodPeriod.find((c) => c.group === n))])),
    city: periodFigures(days.map((d) => d.city), aps, 'city', cityPeriod[0]),
  }

  return { from: q.from, to: q.to, timezone: tz, neighborhoods: asked, unit: 'devices', method: methodText(tz), days, period }
}

/** 'month' or 'quarter' when [from, to) is exactly one; else null. */
export function periodScopeOf(from: LocalDate, to: LocalDate): 'month' | 'quarter' | null {
  const q = quarterDates(periodOf('quarter', from))
  if (q && q.from === from && q.to === to) return 'quarter'
  if (from.endsWith('-01') && to.endsWith('-01')) {
    const [y, m] = [+from.slice(0, 4), +from.slice(5, 7)]
    const next = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
    if (to === next) return 'month'
  }
  return null
}

/** The footnote every report prints with these figures. */
export function methodText(tz: string): string {
  const rows = MISS_MEASURED.rows.filter((r) => r.level === 'neighborhood')
  const table = rows.map((r) => `${r.intervalMin} min: ${((missBound(r.intervalMin * 60_000, 'neighborhood') ?? NaN) * 100).toFixed(1)} %`).join(', ')
  return [
    'Unique devices: distinct station MAC digests (keyed HMAC-SHA256, one key per local day in ' + tz + ', destroyed when the day ends; an exact count, no sketch),',
    'from the station tables the collector reads at each poll (wireless controllers, UniFi controllers). A device is one MAC, not one person: a phone with a',
    'randomized (private) MAC that rotates counts again; randomized MACs are counted apart. Devices that come and go between two polls are missed, so each',
    `figure is a lower bound; measured against the simulator's ground truth, polling misses at most (per neighborhood and day) ${table}.`,
    'A figure that cannot be computed (no station source, a collector gap, a key change) is left empty with its reason, never 0.',
  ].join(' ')
}
