/**
 * Availability: per AP and neighborhood, the share of the period each AP answered its polls,
 * outage minutes, outages and mean time to restore; a neighborhood's service availability is
 * the time-weighted share of its APs up. Domain code: store and inputs come in, numbers go out.
 *
 * The rule (docs/REPORTS.md, "Availability"), the same as the live status's (api/live.ts: a
 * device is down only when its newest poll failed; no news is not an outage):
 * - each device_up sample says whether the AP answered that poll; its result holds until
 *   the AP's next poll, but never past the end of the clock hour it was taken in;
 * - the time in an hour before the hour's first poll takes the previous hour's last
 *   result, when the previous hour had polls of the AP;
 * - a clock hour with no poll of the AP is unknown: neither up nor down (a stopped or
 *   restarting collector, or an AP behind a controller that did not answer), and is left
 *   out of the share: availability = up / (up + down).
 * So an outage's start is its first failed poll and its end the first answered poll after
 * it: each is late by less than one poll interval, the outage's length is off by less than
 * one poll interval. deviceDown/deviceUp events (collector/transitions.ts) mark the same
 * poll instants; they are counted beside the outages found from the samples, as a check.
 *
 * Cost: one hourly count and sum per AP (from the 1h rollup where it is complete), and only
 * around changes (an hour with both results, or whose result differs from the hour
 * before) the AP's polls one by one.
 */
import type { SeriesPoint } from '../core/metrics.ts'
import type { MetricStore } from '../store/types.ts'
import { aggregateChunked, CHUNK_POINTS } from '../usage/store-chunks.ts'

export const HOUR_MS = 3_600_000
/**
 * Points one poll-by-poll query may return when it spans more than one drilled hour: a query
 * costs about as much as a few thousand points, so windows merge until then (measured on
 * DuckDB and InfluxDB by bench/report.ts).
 */
const DRILL_POINTS = 4000
/**
 * Poll-by-poll reads use one-second steps: a step holds one poll (intervals are at least a
 * second), whatever the cadence, which an hour's count cannot tell (an hour may hold one
 * hourly history poll and then live polls every 2 s).
 */
const POLL_STEP_MS = 1000
/** Steps one poll-by-poll query may span (under the store's 100,000 points per answer): 25 hours. */
const MAX_STEPS = 90_000

export interface AvailabilityQuery {
  /** period start (inclusive), epoch ms */
  fromMs: number
  /** data runs to here (exclusive): the period's end, or now for a period still open */
  asOfMs: number
  aps: readonly { id: string; neighborhood: string }[]
}

export interface Outage {
  device: string
  /** the first failed poll (or the period start, when it began before) */
  startMs: number
  /** the first answered poll after it; the period's end, or where knowledge stops, when not restored */
  endMs: number
  /** true when an answered poll ended it within the period */
  restored: boolean
  /** true when it was already on at the period start */
  startedBefore: boolean
}

export interface ApAvailability {
  id: string
  upMs: number
  downMs: number
  unknownMs: number
  outages: Outage[]
}

export interface AvailabilityResult {
  aps: Map<string, ApAvailability>
  /** deviceDown / deviceUp events of these APs in the period (the collector's own record of the same changes) */
  events: { deviceDown: number; deviceUp: number }
  /** hours read poll by poll (for the method and the benchmark) */
  hoursDrilled: number
  /** the start of the first clock hour with a poll of any of these APs, from the hour before the period on; null: none */
  firstPollHourMs: number | null
}

type HourClass = 'none' | 'up' | 'down' | 'mixed'

/**
 * Clock hours from the one before the period (it gives the state carried into it) to asOf:
 * a whole hour for a closed period; an open period's last hour ends at asOf, so nothing
 * stored after "now" counts.
 */
export function availabilitySpan(q: { fromMs: number; asOfMs: number }): { fromMs: number; toMs: number } {
  const fromMs = Math.floor(q.fromMs / HOUR_MS) * HOUR_MS - HOUR_MS
  return { fromMs, toMs: Math.max(fromMs + HOUR_MS + 1000, q.asOfMs) }
}

export async function availability(q: AvailabilityQuery, deps: { store: MetricStore }): Promise<AvailabilityResult> {
  const { store } = deps
  const ids = q.aps.map((a) => a.id)
  const out = new Map<string, ApAvailability>(ids.map((id) => [id, { id, upMs: 0, downMs: 0, unknownMs: 0, outages: [] }]))
  if (ids.length === 0) return { aps: out, events: { deviceDown: 0, deviceUp: 0 }, hoursDrilled: 0, firstPollHourMs: null }
  const span = availabilitySpan(q)
  const [{ c, s, firstPollHourMs }, events] = await Promise.all([
    hourlyPolls(store, span, q.aps),
    store.events({ fromMs: q.fromMs, toMs: q.asOfMs, device: ids, type: ['deviceDown', 'deviceUp'], limit: 100_000 }),
  ])
  const nHours = Math.ceil((span.toMs - span.fromMs) / HOUR_MS)

  const classOf = (id: string, h: number): HourClass => {
    const n = c.get(id)![h]!
    if (n === 0) return 'none'
    const up = s.get(id)![h]!
    return up >= n ? 'up' : up <= 0 ? 'down' : 'mixed'
  }
  // Which (AP, hour) pairs are read poll by poll: an hour with both results, and an hour
  // whose single result differs from the hour before's (the change sits in one of them).
  const drill = new Map<number, string[]>()
  for (const id of ids) {
    let prev: HourClass = 'none'
    for (let h = 0; h < nHours; h++) {
      const k = classOf(id, h)
      if (k === 'mixed' || (k !== 'none' && k !== prev && h > 0)) {
        let list = drill.get(h)
        if (!list) drill.set(h, (list = []))
        list.push(id)
      }
      prev = k
    }
  }
  const polls = await readPolls(store, span, drill, c)

  for (const id of ids) {
    const a = out.get(id)!
    // state carried from the previous hour's last poll; null: unknown
    let carried: boolean | null = null
    const segs: [number, number, boolean | null][] = []
    for (let h = 0; h < nHours; h++) {
      const h0 = span.fromMs + h * HOUR_MS
      const h1 = h0 + HOUR_MS
      const k = classOf(id, h)
      if (k === 'none') {
        segs.push([h0, h1, null])
        carried = null
        continue
      }
      const list = polls.get(id)?.get(h)
      if (!list) {
        // same single result as the hour before: the whole hour
        const up = k === 'up'
        segs.push([h0, h1, up])
        carried = up
        continue
      }
      let t = h0
      let state: boolean | null = carried
      for (const [pt, up] of list) {
        if (pt > t) segs.push([t, pt, state])
        t = Math.max(t, pt)
        state = up
      }
      segs.push([t, h1, state])
      carried = state
    }
    tally(a, segs, q.fromMs, q.asOfMs)
  }
  let deviceDown = 0
  let deviceUp = 0
  for (const e of events) {
    if (e.type === 'deviceDown') deviceDown++
    else if (e.type === 'deviceUp') deviceUp++
  }
  let hoursDrilled = 0
  for (const list of drill.values()) hoursDrilled += list.length
  return { aps: out, events: { deviceDown, deviceUp }, hoursDrilled, firstPollHourMs }
}

const DAY_MS = 86_400_000
/** Days of hourly rows read at once for the APs whose days are not simple (at most CHUNK_POINTS points). */
const DETAIL_DAYS = 14

/**
 * Polls (count) and answered polls (sum) per AP and clock hour of the span. Read cheaply: a
 * count and sum per AP and day, and a count per neighborhood and hour. An AP's day is
 * simple when every poll of it answered and it was polled as often as the most-polled AP of
 * its neighborhood that day: its hours with polls are its neighborhood's, all up. Only the
 * other AP-days (an outage, missed polls) are read hour by hour. Days are UTC days here:
 * they only choose what to read, the figures stay exact to the hour.
 */
async function hourlyPolls(store: MetricStore, span: { fromMs: number; toMs: number }, aps: readonly { id: string; neighborhood: string }[]): Promise<{ c: Map<string, Float64Array>; s: Map<string, Float64Array>; firstPollHourMs: number | null }> {
  const ids = aps.map((a) => a.id)
  const nbOf = new Map(aps.map((a) => [a.id, a.neighborhood]))
  const nbs = [...new Set(aps.map((a) => a.neighborhood))]
  const nHours = Math.ceil((span.toMs - span.fromMs) / HOUR_MS)
  const hourOf = (t: number) => Math.floor((t - span.fromMs) / HOUR_MS)
  const day0 = Math.floor(span.fromMs / DAY_MS) * DAY_MS
  const nDays = Math.ceil((span.toMs - day0) / DAY_MS)
  const dayOf = (t: number) => Math.floor((t - day0) / DAY_MS)
  const where = { device: ids, instance: [''] }
  const perDay = { metric: 'device_up', groupBy: 'device' as const, fromMs: span.fromMs, toMs: span.toMs, stepMs: DAY_MS, where, source: 'auto' as const }
  const [dayCounts, daySums, nbHours] = await Promise.all([
    aggregateChunked(store, { ...perDay, fn: 'count' }, ids.length),
    aggregateChunked(store, { ...perDay, fn: 'sum' }, ids.length),
    aggregateChunked(store, { metric: 'device_up', groupBy: 'neighborhood', fn: 'count', fromMs: span.fromMs, toMs: span.toMs, stepMs: HOUR_MS, where: { ...where, neighborhood: nbs }, source: 'auto' }, nbs.length),
  ])
  const grid = () => new Map<string, Float64Array>(ids.map((id) => [id, new Float64Array(nDays)]))
  const dc = grid()
  const ds = grid()
  for (const p of dayCounts) dc.get(p.group)?.set([p.value], dayOf(p.timeMs))
  for (const p of daySums) ds.get(p.group)?.set([p.value], dayOf(p.timeMs))
  const nbPolled = new Map<string, Float64Array>(nbs.map((n) => [n, new Float64Array(nHours)]))
  let firstPollHourMs: number | null = null
  for (const p of nbHours) {
    const h = hourOf(p.timeMs)
    const row = nbPolled.get(p.group)
    if (row && h >= 0 && h < nHours) row[h] = p.value
    if (p.value > 0 && (firstPollHourMs === null || p.timeMs < firstPollHourMs)) firstPollHourMs = p.timeMs
  }
  const most = new Map<string, Float64Array>(nbs.map((n) => [n, new Float64Array(nDays)]))
  for (const id of ids) {
    const m = most.get(nbOf.get(id)!)!
    const row = dc.get(id)!
    for (let d = 0; d < nDays; d++) m[d] = Math.max(m[d]!, row[d]!)
  }

  const c = new Map<string, Float64Array>(ids.map((id) => [id, new Float64Array(nHours)]))
  const s = new Map<string, Float64Array>(ids.map((id) => [id, new Float64Array(nHours)]))
  // AP-days that are not simple, by day
  const detail = new Map<number, Set<string>>()
  for (const id of ids) {
    const nb = nbOf.get(id)!
    const polled = nbPolled.get(nb)!
    for (let d = 0; d < nDays; d++) {
      const n = dc.get(id)![d]!
      const simple = n === 0 || (ds.get(id)![d]! === n && n === most.get(nb)![d]!)
      if (!simple) {
        let set = detail.get(d)
        if (!set) detail.set(d, (set = new Set()))
        set.add(id)
        continue
      }
      if (n === 0) continue // not polled that day: every hour unknown
      const h0 = Math.max(0, hourOf(day0 + d * DAY_MS))
      const h1 = Math.min(nHours, hourOf(day0 + (d + 1) * DAY_MS))
      let hoursPolled = 0
      for (let h = h0; h < h1; h++) if (polled[h]! > 0) hoursPolled++
      const perHour = hoursPolled > 0 ? n / hoursPolled : 0
      for (let h = h0; h < h1; h++) {
        if (polled[h]! === 0) continue
        c.get(id)![h] = perHour
        s.get(id)![h] = perHour
      }
    }
  }
  // the rest hour by hour, in windows of days
  const days = [...detail.keys()].sort((a, b) => a - b)
  for (let i = 0; i < days.length;) {
    const first = days[i]!
    const devices = new Set<string>()
    let last = first
    while (i < days.length && days[i]! < first + DETAIL_DAYS && (devices.size + detail.get(days[i]!)!.size) * DETAIL_DAYS * 24 <= CHUNK_POINTS) {
      for (const id of detail.get(days[i]!)!) devices.add(id)
      last = days[i]!
      i++
    }
    if (devices.size === 0) {
      for (const id of detail.get(days[i]!)!) devices.add(id)
      last = days[i]!
      i++
    }
    const q = {
      metric: 'device_up',
      groupBy: 'device' as const,
      fromMs: Math.max(span.fromMs, day0 + first * DAY_MS),
      toMs: Math.min(span.toMs, day0 + (last + 1) * DAY_MS),
      stepMs: HOUR_MS,
      where: { device: [...devices].sort(), instance: [''] },
      source: 'auto' as const,
    }
    const [hc, hs] = await Promise.all([aggregateChunked(store, { ...q, fn: 'count' }, devices.size), aggregateChunked(store, { ...q, fn: 'sum' }, devices.size)])
    const put = (m: Map<string, Float64Array>, p: SeriesPoint) => {
      const d = dayOf(p.timeMs)
      if (!detail.get(d)?.has(p.group)) return // a simple day of the AP: kept as above
      const h = hourOf(p.timeMs)
      const row = m.get(p.group)
      if (row && h >= 0 && h < nHours) row[h] = p.value
    }
    for (const p of hc) put(c, p)
    for (const p of hs) put(s, p)
  }
  return { c, s, firstPollHourMs }
}

/**
 * The polls of the drilled (AP, hour) pairs, one point per second, in windows of drilled
 * hours whose expected points (known from the hourly counts) stay small.
 */
async function readPolls(store: MetricStore, span: { fromMs: number; toMs: number }, drill: Map<number, string[]>, counts: Map<string, Float64Array>): Promise<Map<string, Map<number, [number, boolean][]>>> {
  const out = new Map<string, Map<number, [number, boolean][]>>()
  const hours = [...drill.keys()].sort((a, b) => a - b)
  type Window = { from: number; to: number; devices: Set<string>; points: number }
  // Windows of drilled hours up to MAX_STEPS seconds long (gaps between them included: a
  // query costs as much as a few thousand points), up to DRILL_POINTS expected points.
  const estimate = (devices: Set<string>, from: number, to: number) => {
    let n = 0
    for (const id of devices) for (let h = from; h < to; h++) n += counts.get(id)![h]!
    return n
  }
  const windows: Window[] = []
  for (const h of hours) {
    const list = drill.get(h)!
    const w = windows.at(-1)
    if (w && ((h + 1 - w.from) * HOUR_MS) / POLL_STEP_MS <= MAX_STEPS) {
      const devices = new Set([...w.devices, ...list])
      const points = estimate(devices, w.from, h + 1)
      if (points <= DRILL_POINTS) {
        Object.assign(w, { to: h + 1, devices, points })
        continue
      }
    }
    const devices = new Set(list)
    windows.push({ from: h, to: h + 1, devices, points: estimate(devices, h, h + 1) })
  }
  for (const w of windows) {
    const q = {
      metric: 'device_up',
      groupBy: 'device' as const,
      fromMs: span.fromMs + w.from * HOUR_MS,
      toMs: Math.min(span.toMs, span.fromMs + w.to * HOUR_MS),
      stepMs: POLL_STEP_MS,
      where: { device: [...w.devices].sort(), instance: [''] },
      source: 'raw' as const,
    }
    // one sum per second: a point is a poll (polls are at least a second apart), 0 a failed
    // one; two polls in one second would read as answered if either was
    for (const p of await store.aggregate({ ...q, fn: 'sum' })) {
      const h = Math.floor((p.timeMs - span.fromMs) / HOUR_MS)
      if (!drill.get(h)?.includes(p.group)) continue
      let m = out.get(p.group)
      if (!m) out.set(p.group, (m = new Map()))
      let list = m.get(h)
      if (!list) m.set(h, (list = []))
      list.push([p.timeMs, p.value > 0])
    }
  }
  for (const m of out.values()) for (const list of m.values()) list.sort((a, b) => a[0] - b[0])
  return out
}

/** Adds the segments' up, down and unknown time within [fromMs, toMs) and finds the outages. */
function tally(a: ApAvailability, segs: [number, number, boolean | null][], fromMs: number, toMs: number): void {
  let open: Outage | null = null
  for (const [s0, s1, state] of segs) {
    const t0 = Math.max(s0, fromMs)
    const t1 = Math.min(s1, toMs)
    if (t1 <= t0) continue
    const ms = t1 - t0
    if (state === true) a.upMs += ms
    else if (state === false) a.downMs += ms
    else a.unknownMs += ms
    if (state === false) {
      if (open && open.endMs === t0) open.endMs = t1
      else {
        if (open) a.outages.push(open)
        open = { device: a.id, startMs: t0, endMs: t1, restored: false, startedBefore: t0 === fromMs }
      }
    } else if (open) {
      // an answered poll right at the outage's end restores it; unknown time leaves it open-ended
      if (state === true && open.endMs === t0) open.restored = true
      a.outages.push(open)
      open = null
    }
  }
  if (open) a.outages.push(open)
}

/** Sums of a set of APs: time-weighted service availability, outage minutes, mean time to restore. */
export interface AvailabilitySummary {
  upMs: number
  downMs: number
  unknownMs: number
  /** 100 * up / (up + down); null when no poll was observed */
  availabilityPct: number | null
  /** AP-minutes down */
  outageMinutes: number | null
  outages: number
  restored: number
  /** mean length of the restored outages; null when none was restored */
  meanTimeToRestoreMinutes: number | null
  /** share of the APs' time observed, percent */
  observedPct: number | null
}

export function summarize(list: readonly ApAvailability[]): AvailabilitySummary {
  let upMs = 0
  let downMs = 0
  let unknownMs = 0
  let outages = 0
  let restored = 0
  let restoredMs = 0
  for (const a of list) {
    upMs += a.upMs
    downMs += a.downMs
    unknownMs += a.unknownMs
    outages += a.outages.length
    for (const o of a.outages) {
      if (!o.restored) continue
      restored++
      restoredMs += o.endMs - o.startMs
    }
  }
  const known = upMs + downMs
  const all = known + unknownMs
  return {
    upMs,
    downMs,
    unknownMs,
    availabilityPct: known > 0 ? (100 * upMs) / known : null,
    outageMinutes: known > 0 ? downMs / 60_000 : null,
    outages,
    restored,
    meanTimeToRestoreMinutes: restored > 0 ? restoredMs / restored / 60_000 : null,
    observedPct: all > 0 ? (100 * known) / all : null,
  }
}
