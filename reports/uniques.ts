/**
 * Unique clients for a report, from the unique-client pipeline (uniques/ uniqueClients):
 * daily unique devices per neighborhood and de-duplicated over the neighborhoods asked for,
 * device-days, period-unique devices, the randomized share and the miss bound, each null
 * with the pipeline's reason where it cannot be computed (no station source, a collector
 * gap, a key change, a day not over). This module only maps its answer onto the report's
 * fields; see docs/REPORTS.md, "Unique clients".
 */
import type { Inventory } from '../core/inventory.ts'
import type { MetricStore } from '../store/types.ts'
import { MISS_MEASURED, uniqueClients, type UniqueFigure } from '../uniques/index.ts'
import type { ReportPeriod } from './period.ts'

export type UniqueField = 'uniqueClientsDailyAvg' | 'deviceDays' | 'uniqueClientsPeriod' | 'randomizedShare' | 'uniqueClientsMissBound'

export interface UniqueFigures {
  uniqueClientsDailyAvg: number | null
  deviceDays: number | null
  uniqueClientsPeriod: number | null
  /** share (0..1) of device-days that were randomized (locally administered) MACs */
  randomizedShare: number | null
  /** the share of the true unique devices the device-days may miss: truth in [v, v / (1 - bound)] */
  uniqueClientsMissBound: number | null
  /** per day of the period: unique devices; null where not known */
  daily: (number | null)[]
  /** why each null figure is null */
  reasons: Partial<Record<UniqueField | 'daily', string>>
}

export interface UniquesResult {
  /** where the figures come from */
  source: string
  /** how they are counted, for the report's method section */
  method: string
  /** what the miss bound was measured on (the simulator's calibration) */
  calibration: string
  neighborhoods: Map<string, UniqueFigures>
  total: UniqueFigures
}

export interface UniquesQuery {
  period: ReportPeriod
  neighborhoods: readonly string[]
  nowMs: number
}

function figures(period: { averageDaily: UniqueFigure; deviceDays: UniqueFigure; periodUnique: UniqueFigure }, daily: UniqueFigure[]): UniqueFigures {
  const reasons: UniqueFigures['reasons'] = {}
  const pick = (field: UniqueField, f: UniqueFigure, v: number | null): number | null => {
    if (v === null) reasons[field] = f.reason ?? (f.value === null ? 'not computed' : 'no client was counted in the period')
    return v
  }
  const dd = period.deviceDays
  const gaps = daily.map((f, i) => (f.value === null ? i : -1)).filter((i) => i >= 0)
  if (gaps.length > 0) reasons.daily = `${gaps.length} of ${daily.length} days have no figure (${daily[gaps[0]!]!.reason ?? 'not computed'})`
  return {
    uniqueClientsDailyAvg: pick('uniqueClientsDailyAvg', period.averageDaily, period.averageDaily.value),
    deviceDays: pick('deviceDays', dd, dd.value),
    uniqueClientsPeriod: pick('uniqueClientsPeriod', period.periodUnique, period.periodUnique.value),
    randomizedShare: pick('randomizedShare', dd, dd.value === null ? null : dd.randomizedShare),
    uniqueClientsMissBound: pick('uniqueClientsMissBound', dd, dd.value === null ? null : dd.missBound),
    daily: daily.map((f) => f.value),
    reasons,
  }
}

export async function loadUniques(q: UniquesQuery, deps: { store: MetricStore; inventory: Inventory }): Promise<UniquesResult> {
  const nbs = [...q.neighborhoods]
  const r = await uniqueClients({ from: q.period.from, to: q.period.toExclusive, neighborhoods: nbs }, { store: deps.store, inventory: deps.inventory, now: () => q.nowMs })
  const neighborhoods = new Map<string, UniqueFigures>()
  for (const n of nbs) neighborhoods.set(n, figures(r.period.neighborhoods[n]!, r.days.map((d) => d.neighborhoods[n]!)))
  const total = figures(r.period.city, r.days.map((d) => d.city))
  const m = MISS_MEASURED
  return {
    source: 'uniques/ uniqueClients (exact distinct station digests per local day, month or quarter)',
    method: r.method,
    calibration: `miss bounds measured by bench/uniques-miss.ts against the simulator's truth: ${m.simulator}; ${m.calibration}; seed ${m.seed}, ${m.days} local days from ${m.firstDay}`,
    neighborhoods,
    total,
  }
}
