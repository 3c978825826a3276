/** Number formatting and the choropleth's classes and colours. */
import type { NeighborhoodStats } from './types.ts'

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 })
const oneFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 1 })

export function fmtInt(v: number | null): string {
  return v === null ? '–' : intFmt.format(v)
}
export function fmtPct(v: number | null, digits = 1): string {
  return v === null ? '–' : `${v.toFixed(digits)}%`
}
export function fmtBytes(v: number | null): string {
  if (v === null) return '–'
  const units = ['B', 'kB', 'MB', 'GB', 'TB', 'PB']
  let x = v
  let i = 0
  while (Math.abs(x) >= 1000 && i < units.length - 1) {
    x /= 1000
    i++
  }
  return `${i === 0 ? intFmt.format(x) : oneFmt.format(x)} ${units[i]}`
}
export function fmtTime(ms: number | null): string {
  if (ms === null) return '–'
  return new Date(ms).toLocaleString('en-US', { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })
}
/**
 * "since 14:05 (12 min)": the clock time a state began (with the date when it is not
 * today) and how long it has lasted.
 */
export function fmtSince(sinceMs: number, nowMs: number): string {
  const at = new Date(sinceMs)
  const sameDay = at.toDateString() === new Date(nowMs).toDateString()
  const hhmm = at.toLocaleTimeString('en-US', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23' })
  const day = sameDay ? '' : `${at.toLocaleDateString('en-US', { month: 'short', day: 'numeric' })} `
  return `since ${day}${hhmm} (${fmtDuration(nowMs - sinceMs)})`
}
/** A span of time in the largest unit that reads naturally: "12 min", "5 h 20 min", "3 d 4 h". */
export function fmtDuration(ms: number): string {
  const m = Math.max(0, Math.round(ms / 60_000))
  if (m < 90) return `${m} min`
  const h = Math.floor(m / 60)
  if (h < 48) return m % 60 ? `${h} h ${m % 60} min` : `${h} h`
  const d = Math.floor(h / 24)
  return h % 24 ? `${d} d ${h % 24} h` : `${d} d`
}
export function fmtAgo(ms: number | null, nowMs: number): string {
  if (ms === null) return 'never'
  const s = Math.max(0, Math.round((nowMs - ms) / 1000))
  if (s < 90) return `${s} s ago`
  const m = Math.round(s / 60)
  if (m < 90) return `${m} min ago`
  return `${Math.round(m / 60)} h ago`
}

export type ChoroplethMetric = 'clientsNow' | 'bytes' | 'availabilityPct' | 'householdsWithoutBroadband'

export interface MetricSpec {
  key: ChoroplethMetric
  label: string
  /** Wi-Fi figures exist only where the city serves; census figures everywhere */
  wifi: boolean
  format: (v: number | null) => string
  /** light to dark, five classes (ColorBrewer, colour-blind safe) */
  colors: readonly string[]
  /** fixed class limits; absent: equal intervals from 0 to the largest value */
  breaks?: readonly number[]
}

export const METRIC_SPECS: Record<ChoroplethMetric, MetricSpec> = {
  clientsNow: { key: 'clientsNow', label: 'Clients now', wifi: true, format: fmtInt, colors: ['#eff3ff', '#bdd7e7', '#6baed6', '#3182bd', '#08519c'] },
  bytes: { key: 'bytes', label: 'Data used (period)', wifi: true, format: fmtBytes, colors: ['#f2f0f7', '#cbc9e2', '#9e9ac8', '#756bb1', '#54278f'] },
  availabilityPct: {
    key: 'availabilityPct',
    label: 'Availability',
    wifi: true,
    format: (v) => fmtPct(v),
    // low availability is the alarm, so the dark end of the scale is the bad end
    colors: ['#b30000', '#e34a33', '#fc8d59', '#a6d96a', '#1a9641'],
    breaks: [90, 95, 99, 99.9],
  },
  householdsWithoutBroadband: {
    key: 'householdsWithoutBroadband',
    label: 'Households without broadband',
    wifi: false,
    format: fmtInt,
    colors: ['#feedde', '#fdbe85', '#fd8d3c', '#e6550d', '#a63603'],
  },
}

export const NOT_SERVED_FILL = '#f3f4f6'
export const NO_DATA_FILL = '#d1d5db'

function niceCeil(x: number): number {
  if (x <= 0) return 1
  const p = 10 ** Math.floor(Math.log10(x))
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= x) return m * p
  return 10 * p
}

export interface Classes {
  spec: MetricSpec
  /** upper limits of classes 0..3; class 4 is everything above */
  limits: number[]
}

export function classify(spec: MetricSpec, rows: readonly NeighborhoodStats[]): Classes {
  if (spec.breaks) return { spec, limits: [...spec.breaks] }
  const values = rows.filter((r) => !spec.wifi || r.served).map((r) => r[spec.key]).filter((v): v is number => v !== null)
  const top = niceCeil(Math.max(0, ...values))
  const step = top / 5
  return { spec, limits: [1, 2, 3, 4].map((i) => step * i) }
}

export function classOf(c: Classes, v: number): number {
  let i = 0
  while (i < c.limits.length && v >= c.limits[i]!) i++
  return i
}

export function fillFor(c: Classes, row: NeighborhoodStats): string {
  if (c.spec.wifi && !row.served) return NOT_SERVED_FILL
  const v = row[c.spec.key]
  if (v === null) return NO_DATA_FILL
  return c.spec.colors[classOf(c, v)]!
}

/** Legend rows, light to dark: [colour, text]. */
export function legendRows(c: Classes): [string, string][] {
  const f = c.spec.format
  const rows: [string, string][] = []
  for (let i = 0; i < 5; i++) {
    const lo = i === 0 ? null : c.limits[i - 1]!
    const hi = i < 4 ? c.limits[i]! : null
    const text = lo === null ? `below ${f(hi)}` : hi === null ? `${f(lo)} and more` : `${f(lo)} – ${f(hi)}`
    rows.push([c.spec.colors[i]!, text])
  }
  return rows
}

/** WCAG relative luminance, to pick a readable text colour on a fill. */
export function textOn(hex: string): string {
  const n = parseInt(hex.slice(1), 16)
  const ch = [(n >> 16) & 255, (n >> 8) & 255, n & 255].map((v) => {
    const s = v / 255
    return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4
  })
  const l = 0.2126 * ch[0]! + 0.7152 * ch[1]! + 0.0722 * ch[2]!
  return l > 0.35 ? '#111827' : '#ffffff'
}

export const STATUS_COLORS = { up: '#15803d', down: '#dc2626', unknown: '#6b7280', degraded: '#d97706' } as const
export const STATUS_SHAPES = { up: 'circle', down: 'triangle', unknown: 'square', degraded: 'diamond' } as const

/** Text made safe to put in HTML (element content or a quoted attribute). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[c]!)
}
