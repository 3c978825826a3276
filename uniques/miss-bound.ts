/**
 * What polling misses, as data the reports print. A station table read every P minutes sees
 * the clients associated at those instants; a client who comes and goes between two reads is
 * not counted. The table is measured against the simulator's ground truth by
 * bench/uniques-miss.ts (every local day of the span, every phase of the polls within P,
 * every AP, served neighborhood and the city), on the calibrated Hartford city; the rule
 * below turns it into the bound printed beside a figure. Re-measure when the simulator's
 * calibration changes (test/uniques/miss-bound.test.ts fails until then).
 *
 * Imports nothing of ours.
 */

export type MissLevel = 'ap' | 'neighborhood' | 'city'

export interface MissRow {
  /** poll interval, minutes */
  intervalMin: number
  /** per AP, per neighborhood, or the city (de-duplicated) */
  level: MissLevel
  /** groups x days compared */
  groupDays: number
  /** 1 - seen / truth, mean over groups, days and phases */
  meanMiss: number
  /** the worst of any group, day and phase (APs with under 20 true clients left out) */
  worstMiss: number
}

export const MISS_MEASURED = {
  /** what was measured: seed, days, simulator version */
  seed: 1,
  firstDay: '2026-11-09',
  days: 7,
  /** the simulator's model as measured (git log -1 -- simulators/model.ts) and its calibration */
  simulator: '9d1589e (before the calibration of issue 11)',
  calibration: 'clientsPerAp=80 randomizedMacShare=0.25 lossOfLightDbm=-25',
  /** true unique clients per day, city-wide, on those days */
  truthDailyCity: [11004,  11025,  11028,  10956,  10973,  11046,  11083],
  rows: [
    { intervalMin: 1, level: 'ap', groupDays: 1568, meanMiss: 0, worstMiss: 0 },
    { intervalMin: 1, level: 'neighborhood', groupDays: 42, meanMiss: 0, worstMiss: 0 },
    { intervalMin: 1, level: 'city', groupDays: 7, meanMiss: 0, worstMiss: 0 },
    { intervalMin: 5, level: 'ap', groupDays: 1568, meanMiss: 0.00921, worstMiss: 0.06481 },
    { intervalMin: 5, level: 'neighborhood', groupDays: 42, meanMiss: 0.00067, worstMiss: 0.00375 },
    { intervalMin: 5, level: 'city', groupDays: 7, meanMiss: 0.00057, worstMiss: 0.00109 },
    { intervalMin: 10, level: 'ap', groupDays: 1568, meanMiss: 0.0264, worstMiss: 0.09709 },
    { intervalMin: 10, level: 'neighborhood', groupDays: 42, meanMiss: 0.00138, worstMiss: 0.00626 },
    { intervalMin: 10, level: 'city', groupDays: 7, meanMiss: 0.00122, worstMiss: 0.00208 },
    { intervalMin: 60, level: 'ap', groupDays: 1568, meanMiss: 0.43739, worstMiss: 0.61017 },
    { intervalMin: 60, level: 'neighborhood', groupDays: 42, meanMiss: 0.1451, worstMiss: 0.18711 },
    { intervalMin: 60, level: 'city', groupDays: 7, meanMiss: 0.14452, worstMiss: 0.15293 },
  ] as readonly MissRow[],
} as const

/**
 * The miss bound for a poll interval: the worst measured miss of the smallest measured
 * interval at or above it (a coarser interval never misses less), rounded up to 0.1 %; for
 * the city (any de-duplicated set of neighborhoods) the worse of the neighborhood and city
 * rows. Null past the largest measured interval: no bound is known there.
 */
export function missBound(pollIntervalMs: number, level: MissLevel): number | null {
  if (!(pollIntervalMs > 0)) return null
  const intervals = [...new Set(MISS_MEASURED.rows.map((r) => r.intervalMin))].sort((a, b) => a - b)
  const at = intervals.find((p) => p * 60_000 >= pollIntervalMs - 1e-6)
  if (at === undefined) return null
  const levels: MissLevel[] = level === 'city' ? ['neighborhood', 'city'] : [level]
  const worst = Math.max(...MISS_MEASURED.rows.filter((r) => r.intervalMin === at && levels.includes(r.level)).map((r) => r.worstMiss))
  return Math.ceil(worst * 1000 - 1e-9) / 1000
}
