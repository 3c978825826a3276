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
  simulator: 'deedc55 (Hartford calibrated: passers-by, cross-neighborhood roamers)',
  calibration: 'clientsPerAp=74 randomizedMacShare=0.25 passersByPerAp=40 passerByDayShare=0.3 roamerShare=0.15 roamerAwayShare=0.5 downBytesPerMinute=16400000 lossOfLightDbm=-25',
  /** true unique clients per day, city-wide, on those days */
  truthDailyCity: [12943, 12842, 12870, 12811, 13099, 12920, 12920],
  rows: [
    { intervalMin: 1, level: 'ap', groupDays: 1568, meanMiss: 0, worstMiss: 0 },
    { intervalMin: 1, level: 'neighborhood', groupDays: 42, meanMiss: 0, worstMiss: 0 },
    { intervalMin: 1, level: 'city', groupDays: 7, meanMiss: 0, worstMiss: 0 },
    { intervalMin: 5, level: 'ap', groupDays: 1568, meanMiss: 0.03178, worstMiss: 0.12381 },
    { intervalMin: 5, level: 'neighborhood', groupDays: 42, meanMiss: 0.04128, worstMiss: 0.05845 },
    { intervalMin: 5, level: 'city', groupDays: 7, meanMiss: 0.04162, worstMiss: 0.04582 },
    { intervalMin: 10, level: 'ap', groupDays: 1568, meanMiss: 0.07619, worstMiss: 0.2 },
    { intervalMin: 10, level: 'neighborhood', groupDays: 42, meanMiss: 0.09718, worstMiss: 0.13516 },
    { intervalMin: 10, level: 'city', groupDays: 7, meanMiss: 0.09775, worstMiss: 0.10395 },
    { intervalMin: 60, level: 'ap', groupDays: 1568, meanMiss: 0.4945, worstMiss: 0.69355 },
    { intervalMin: 60, level: 'neighborhood', groupDays: 42, meanMiss: 0.30918, worstMiss: 0.3844 },
    { intervalMin: 60, level: 'city', groupDays: 7, meanMiss: 0.30236, worstMiss: 0.31453 },
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
