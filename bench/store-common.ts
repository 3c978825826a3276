/**
 * Shared by the store benchmarks: the synthetic city (300 APs in 6 neighborhoods, one
 * wifi_clients sample per AP per minute) generated day by day so 13M samples never sit in
 * memory at once, and BENCH_SCALE handling.
 */
import type { Sample } from '../core/metrics.ts'

export const APS = 300
export const NEIGHBORHOODS = 6
export const MINUTE_MS = 60_000
export const DAY_MS = 86_400_000
/** 2024-01-01T00:00:00Z */
export const START_MS = Date.UTC(2024, 0, 1)

/** BENCH_SCALE (default 1): a positive number multiplying the benchmark's default size. */
export function benchScale(): number {
  const raw = process.env.BENCH_SCALE
  if (raw === undefined || raw === '') return 1
  const n = Number(raw)
  if (!(n > 0)) throw new Error(`BENCH_SCALE must be a number > 0, got '${raw}'`)
  return n
}

/** One sample per AP for each minute in [fromMinute, toMinute) counted from START_MS. */
export function citySamples(fromMinute: number, toMinute: number): Sample[] {
  const out: Sample[] = new Array((toMinute - fromMinute) * APS)
  let k = 0
  for (let m = fromMinute; m < toMinute; m++) {
    const timeMs = START_MS + m * MINUTE_MS
    for (let ap = 0; ap < APS; ap++) {
      out[k++] = {
        metric: 'wifi_clients',
        device: `ap-${String(ap).padStart(3, '0')}`,
        neighborhood: `hood-${ap % NEIGHBORHOODS}`,
        instance: '',
        value: (ap * 7 + m) % 40,
        timeMs,
      }
    }
  }
  return out
}

export function fmt(n: number): string {
  return Math.round(n).toLocaleString('en-US')
}
