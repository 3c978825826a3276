/**
 * What a report is asked for: the period (from/to dates, a quarter or a year, in the city's
 * local calendar) and the neighborhoods; checked here, once, for every door (CLI, API,
 * page), each refusal naming the parameter.
 *
 * Periods: `to` is INCLUSIVE, the last day reported, as a grant writer says it ("July 1
 * through September 30"): --from 2026-07-01 --to 2026-09-30 is the same period as
 * --quarter 2026Q3. Internally the period is the half-open instants [start of from, start
 * of the day after to) (core/calendar.ts: local midnights, DST-exact).
 */
import { datesIn, isLocalDate, nextDate, quarterDates, startOfLocalDate, type LocalDate } from '../core/calendar.ts'
import type { Inventory } from '../core/inventory.ts'
import type { ReportDay } from '../usage/index.ts'

/** A year at most (a leap year's 366 days). */
export const MAX_PERIOD_DAYS = 366

/** A report parameter that is wrong; `param` names it as the doors spell it (from, to, quarter, year, neighborhoods). */
export class ReportInputError extends Error {
  readonly code = 'CN_ERR_REPORT_INPUT'
  constructor(
    readonly param: string,
    readonly detail: string,
    /** 'range': the period itself; 'not-found': an unknown id (value holds it); 'value': anything else */
    readonly kind: 'range' | 'value' | 'not-found' = 'value',
    readonly value?: string,
  ) {
    super(`${param}: ${detail}`)
    this.name = 'ReportInputError'
  }
}

export interface ReportQuery {
  /** first day, YYYY-MM-DD (with `to`) */
  from?: string
  /** last day, YYYY-MM-DD, inclusive (with `from`) */
  to?: string
  /** e.g. '2026Q3' */
  quarter?: string
  /** e.g. '2026' */
  year?: string
  /** 'all' (every served neighborhood, the default), or ids (an array or 'a,b,c') */
  neighborhoods?: 'all' | string | readonly string[]
}

export interface ReportPeriod {
  kind: 'range' | 'quarter' | 'year'
  from: LocalDate
  /** the last day, inclusive */
  to: LocalDate
  /** the day after `to` */
  toExclusive: LocalDate
  /** every local day of the period, with its instants */
  days: ReportDay[]
  /** '2026Q3', '2026' or '' for a range */
  name: string
  /** for people: "July 1 – September 30, 2026" */
  label: string
}

const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December']

/** "July 1 – September 30, 2026"; "December 1, 2026 – January 31, 2027". */
export function periodLabel(from: LocalDate, to: LocalDate): string {
  const part = (d: LocalDate) => `${MONTHS[+d.slice(5, 7) - 1]} ${+d.slice(8, 10)}`
  if (from === to) return `${part(from)}, ${from.slice(0, 4)}`
  if (from.slice(0, 4) === to.slice(0, 4)) return `${part(from)} – ${part(to)}, ${to.slice(0, 4)}`
  return `${part(from)}, ${from.slice(0, 4)} – ${part(to)}, ${to.slice(0, 4)}`
}

/**
 * The period a query asks for, or a ReportInputError naming the parameter: exactly one of
 * from+to, quarter or year; real dates; not inverted; at most MAX_PERIOD_DAYS days; not
 * wholly in the future (`today` is the city's local date now).
 */
export function resolvePeriod(q: ReportQuery, ctx: { timeZone: string; today: LocalDate }): ReportPeriod {
  const given = [q.from !== undefined || q.to !== undefined ? 'from/to' : null, q.quarter !== undefined ? 'quarter' : null, q.year !== undefined ? 'year' : null].filter((x) => x !== null)
  if (given.length === 0) throw new ReportInputError('from', 'no period given: give from and to (YYYY-MM-DD, to inclusive), a quarter (2026Q3) or a year (2026)')
  if (given.length > 1) {
    const param = q.quarter !== undefined ? 'quarter' : 'year'
    throw new ReportInputError(param, `give one period only: ${given.join(', ')} were all given`)
  }
  let kind: ReportPeriod['kind']
  let from: LocalDate
  let toExclusive: LocalDate
  let name = ''
  if (q.quarter !== undefined) {
    const qd = /^\d{4}Q[1-4]$/.test(q.quarter) ? quarterDates(q.quarter) : null
    if (!qd) throw new ReportInputError('quarter', `'${clip(q.quarter)}' is not a quarter (write it like 2026Q3)`)
    kind = 'quarter'
    from = qd.from
    toExclusive = qd.to
    name = q.quarter
  } else if (q.year !== undefined) {
    if (!/^\d{4}$/.test(q.year) || +q.year < 1970) throw new ReportInputError('year', `'${clip(q.year)}' is not a year (write it like 2026)`)
    kind = 'year'
    from = `${q.year}-01-01`
    toExclusive = `${+q.year + 1}-01-01`
    name = q.year
  } else {
    if (q.from === undefined) throw new ReportInputError('from', 'is required with to (YYYY-MM-DD)')
    if (q.to === undefined) throw new ReportInputError('to', 'is required with from (YYYY-MM-DD, the last day, inclusive)')
    if (!isLocalDate(q.from)) throw new ReportInputError('from', `'${clip(q.from)}' is not a date (YYYY-MM-DD)`)
    if (!isLocalDate(q.to)) throw new ReportInputError('to', `'${clip(q.to)}' is not a date (YYYY-MM-DD)`)
    if (q.to < q.from) throw new ReportInputError('to', `${q.to} is before from (${q.from}): the period is inverted (to is the last day, inclusive)`, 'range')
    kind = 'range'
    from = q.from
    toExclusive = nextDate(q.to)
  }
  const dates = datesIn(from, toExclusive)
  if (dates.length > MAX_PERIOD_DAYS) throw new ReportInputError('to', `the period is ${dates.length} days; at most ${MAX_PERIOD_DAYS} (a year)`, 'range')
  if (from > ctx.today) throw new ReportInputError('from', `${from} is after today (${ctx.today} in ${ctx.timeZone}): the period is empty, nothing has been measured yet`, 'range')
  const days: ReportDay[] = dates.map((date) => ({ date, startMs: startOfLocalDate(date, ctx.timeZone), endMs: startOfLocalDate(nextDate(date), ctx.timeZone) }))
  const to = dates.at(-1)!
  return { kind, from, to, toExclusive, days, name, label: periodLabel(from, to) }
}

/** The neighborhoods asked for, in inventory order; 'all' (or none given) is every served one. */
export function resolveNeighborhoods(q: ReportQuery, inventory: Inventory): { ids: string[]; asked: 'all' | string[] } {
  const raw = q.neighborhoods
  if (raw === undefined || raw === 'all' || (Array.isArray(raw) && raw.length === 1 && raw[0] === 'all')) {
    return { ids: inventory.neighborhoods.filter((n) => n.served).map((n) => n.id), asked: 'all' }
  }
  const list = (typeof raw === 'string' ? raw.split(',') : [...raw]).map((s) => s.trim())
  if (list.length === 0 || list.some((s) => s === '')) throw new ReportInputError('neighborhoods', "names an empty id: give 'all' or ids separated by commas")
  const known = new Set(inventory.neighborhoods.map((n) => n.id))
  for (const id of list) {
    if (id === 'all') throw new ReportInputError('neighborhoods', "'all' cannot be combined with ids")
    if (!known.has(id)) throw new ReportInputError('neighborhoods', `'${clip(id)}' is not a neighborhood of the inventory`, 'not-found', clip(id))
  }
  const asked = new Set(list)
  const ids = inventory.neighborhoods.filter((n) => asked.has(n.id)).map((n) => n.id)
  return { ids, asked: ids }
}

/** A value echoed in a message, cut short and without control characters. */
function clip(s: string): string {
  // eslint-disable-next-line no-control-regex -- control characters are what is removed
  const plain = String(s).replace(/[\u0000-\u001f\u007f-\u009f]/g, '?')
  return plain.length > 40 ? `${plain.slice(0, 40)}…` : plain
}
