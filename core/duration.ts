/**
 * Durations as people write them in configuration: "90s", "30m", "4h", "1d", "250ms".
 * Pure; throws a RangeError that quotes what it could not read.
 */

export const DURATION_UNITS: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 }

/** "4h" -> 14 400 000. A whole number of one unit (ms, s, m, h, d). */
export function parseDuration(text: string): number {
  const m = /^\s*(\d{1,9})\s*(ms|s|m|h|d)\s*$/.exec(text)
  if (!m) throw new RangeError(`'${text.trim().slice(0, 40)}' is not a duration like 30s, 15m, 4h or 1d (units ms, s, m, h, d)`)
  return Number(m[1]) * DURATION_UNITS[m[2]!]!
}

/** 14 400 000 -> "4h"; the largest unit that divides it. */
export function formatDuration(ms: number): string {
  for (const [u, n] of Object.entries(DURATION_UNITS).reverse()) if (ms % n === 0 && ms >= n) return `${ms / n}${u}`
  return `${ms}ms`
}
