/**
 * The Prometheus text exposition format, version 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format): metric
 * families in, text out. Pure, like the rest of core/: the collector and the API build their
 * families from their own counters at scrape time and hand them here; nothing is registered
 * globally. Names and labels are checked when rendered, so a bad name fails the scrape (and
 * its test) instead of writing a line Prometheus would refuse.
 */

/** What the HTTP answer's Content-Type must say for format 0.0.4. */
export const PROMETHEUS_CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8'

export type Labels = Readonly<Record<string, string>>

/** One value of a counter or a gauge. */
export interface ValueSample {
  labels?: Labels
  value: number
}

/** One histogram series: cumulative bucket counts by upper bound (ascending, +Inf implied). */
export interface HistogramSample {
  labels?: Labels
  /** upper bounds of the buckets, ascending, without +Inf */
  le: readonly number[]
  /** observations at or below each bound: cumulative, one per `le` */
  cumulative: readonly number[]
  /** sum of all observations */
  sum: number
  /** number of observations (the +Inf bucket) */
  count: number
}

export type MetricFamily =
  | { name: string; help: string; type: 'counter' | 'gauge'; samples: readonly ValueSample[] }
  | { name: string; help: string; type: 'histogram'; samples: readonly HistogramSample[] }

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/

/** 1, 0.25, NaN, +Inf, -Inf, as the format spells them. */
export function formatValue(v: number): string {
  if (Number.isNaN(v)) return 'NaN'
  if (v === Infinity) return '+Inf'
  if (v === -Infinity) return '-Inf'
  return String(v)
}

const escapeLabel = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n').replace(/"/g, '\\"')
const escapeHelp = (v: string) => v.replace(/\\/g, '\\\\').replace(/\n/g, '\\n')

function labelText(family: string, labels: Labels | undefined, extra?: [string, string]): string {
  const pairs = Object.entries(labels ?? {})
  if (extra) pairs.push(extra)
  if (pairs.length === 0) return ''
  const seen = new Set<string>()
  for (const [k] of pairs) {
    if (!LABEL_NAME.test(k) || k.startsWith('__')) throw new RangeError(`prometheus: metric '${family}' has an invalid label name '${k}'`)
    if (seen.has(k)) throw new RangeError(`prometheus: metric '${family}' has label '${k}' twice`)
    seen.add(k)
  }
  return `{${pairs.map(([k, v]) => `${k}="${escapeLabel(v)}"`).join(',')}}`
}

/**
 * Renders families as exposition text: `# HELP`, `# TYPE`, then the samples, one family after
 * another. Throws RangeError on an invalid or repeated name, a histogram whose buckets do not
 * match its bounds or are not cumulative, or a negative counter.
 */
export function renderExposition(families: readonly MetricFamily[]): string {
  const names = new Set<string>()
  const out: string[] = []
  for (const f of families) {
    if (!METRIC_NAME.test(f.name)) throw new RangeError(`prometheus: invalid metric name '${f.name}'`)
    if (names.has(f.name)) throw new RangeError(`prometheus: metric '${f.name}' given twice`)
    names.add(f.name)
    out.push(`# HELP ${f.name} ${escapeHelp(f.help)}`, `# TYPE ${f.name} ${f.type}`)
    if (f.type === 'histogram') {
      for (const h of f.samples) {
        if (h.le.length !== h.cumulative.length) throw new RangeError(`prometheus: histogram '${f.name}' has ${h.le.length} bounds and ${h.cumulative.length} buckets`)
        for (let i = 0; i < h.le.length; i++) {
          if (i > 0 && !(h.le[i]! > h.le[i - 1]!)) throw new RangeError(`prometheus: histogram '${f.name}' bounds are not ascending`)
          if ((i > 0 && h.cumulative[i]! < h.cumulative[i - 1]!) || h.cumulative[i]! > h.count) throw new RangeError(`prometheus: histogram '${f.name}' buckets are not cumulative`)
          out.push(`${f.name}_bucket${labelText(f.name, h.labels, ['le', formatValue(h.le[i]!)])} ${formatValue(h.cumulative[i]!)}`)
        }
        out.push(`${f.name}_bucket${labelText(f.name, h.labels, ['le', '+Inf'])} ${formatValue(h.count)}`)
        out.push(`${f.name}_sum${labelText(f.name, h.labels)} ${formatValue(h.sum)}`)
        out.push(`${f.name}_count${labelText(f.name, h.labels)} ${formatValue(h.count)}`)
      }
    } else {
      for (const s of f.samples) {
        if (f.type === 'counter' && !(s.value >= 0)) throw new RangeError(`prometheus: counter '${f.name}' is ${s.value}`)
        out.push(`${f.name}${labelText(f.name, s.labels)} ${formatValue(s.value)}`)
      }
    }
  }
  return out.length === 0 ? '' : out.join('\n') + '\n'
}

/** A histogram being filled: observations in, a sample for `renderExposition` out. */
export interface Histogram {
  observe(value: number): void
  snapshot(labels?: Labels): HistogramSample
}

/** Durations in seconds, from 5 ms to 30 s: the buckets of every CivicNet duration histogram. */
export const DURATION_BUCKETS_S: readonly number[] = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30]

export function createHistogram(le: readonly number[] = DURATION_BUCKETS_S): Histogram {
  const counts = new Array<number>(le.length).fill(0)
  let sum = 0
  let count = 0
  return {
    observe(value) {
      count++
      sum += value
      // the first bucket whose bound holds the value; above every bound: only +Inf
      for (let i = 0; i < le.length; i++) {
        if (value <= le[i]!) {
          counts[i]!++
          break
        }
      }
    },
    snapshot(labels) {
      let acc = 0
      const cumulative = counts.map((c) => (acc += c))
      return { ...(labels ? { labels } : {}), le, cumulative, sum, count }
    },
  }
}
