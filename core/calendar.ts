/**
 * The city's calendar: report periods (days, months, quarters, years) are the city's local
 * ones, as a grant writer in Hartford means them, not UTC's. A local day is 23, 24 or 25
 * hours long around daylight-saving changes; everything here follows the IANA time zone.
 * Imports nothing of ours.
 */

/** 'YYYY-MM-DD' */
export type LocalDate = string
/** Whose key made a station digest, and so over what a unique count runs. */
export type PeriodScope = 'day' | 'month' | 'quarter'

const formatters = new Map<string, Intl.DateTimeFormat>()
function formatter(tz: string): Intl.DateTimeFormat {
  let f = formatters.get(tz)
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: tz, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' })
    formatters.set(tz, f)
  }
  return f
}

/** Local minus UTC, in ms, at an instant. */
export function utcOffsetMs(ms: number, tz: string): number {
  const p = Object.fromEntries(formatter(tz).formatToParts(new Date(ms)).map((x) => [x.type, x.value]))
  const local = Date.UTC(+p.year!, +p.month! - 1, +p.day!, +p.hour!, +p.minute!, +p.second!)
  return local - Math.floor(ms / 1000) * 1000
}

/** The local calendar date an instant falls on. */
export function localDate(ms: number, tz: string): LocalDate {
  return new Date(ms + utcOffsetMs(ms, tz)).toISOString().slice(0, 10)
}

const DATE = /^(\d{4})-(\d{2})-(\d{2})$/

/** True for a real calendar date 'YYYY-MM-DD' (no 2026-02-31). */
export function isLocalDate(s: string): boolean {
  const m = DATE.exec(s)
  if (!m) return false
  const d = new Date(Date.UTC(+m[1]!, +m[2]! - 1, +m[3]!))
  return d.toISOString().slice(0, 10) === s
}

/** The instant a local date starts (local midnight), epoch ms. */
export function startOfLocalDate(date: LocalDate, tz: string): number {
  if (!isLocalDate(date)) throw new RangeError(`not a date (YYYY-MM-DD): '${date}'`)
  const naive = Date.parse(`${date}T00:00:00Z`)
  // two passes: the offset at the guess, then at the corrected instant (DST edges)
  let t = naive - utcOffsetMs(naive, tz)
  t = naive - utcOffsetMs(t, tz)
  return t
}

/** The date after `date`. */
export function nextDate(date: LocalDate): LocalDate {
  return new Date(Date.parse(`${date}T00:00:00Z`) + 86_400_000).toISOString().slice(0, 10)
}

/** Every date in [from, to) (to exclusive), in order. */
export function datesIn(from: LocalDate, to: LocalDate): LocalDate[] {
  const out: LocalDate[] = []
  for (let d = from; d < to; d = nextDate(d)) out.push(d)
  return out
}

/** The period of a scope a date falls in: '2026-12-01', '2026-12', '2026Q4'. */
export function periodOf(scope: PeriodScope, date: LocalDate): string {
  if (scope === 'day') return date
  if (scope === 'month') return date.slice(0, 7)
  return `${date.slice(0, 4)}Q${Math.floor((+date.slice(5, 7) - 1) / 3) + 1}`
}

/** '2026Q3' -> { from: '2026-07-01', to: '2026-10-01' } (to exclusive); null when not a quarter. */
export function quarterDates(q: string): { from: LocalDate; to: LocalDate } | null {
  const m = /^(\d{4})Q([1-4])$/.exec(q)
  if (!m) return null
  const y = +m[1]!
  const n = +m[2]!
  const from = `${y}-${String(3 * n - 2).padStart(2, '0')}-01`
  const to = n === 4 ? `${y + 1}-01-01` : `${y}-${String(3 * n + 1).padStart(2, '0')}-01`
  return { from, to }
}
