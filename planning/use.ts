/**
 * Use where served: per AP, its hourly mean of associated clients (wifi_clients) over a
 * window (default the 28 days before now), the peak of those hours, and how many hours were
 * above a clients-per-AP threshold (saturated). Hours with no sample are not counted.
 */
import type { MetricStore } from '../store/types.ts'

export interface ApUse {
  /** the highest hourly mean of clients */
  peakClients: number
  /** hours with a sample */
  hours: number
  /** hours whose mean was above the threshold */
  saturatedHours: number
}

export const USE_WINDOW_DAYS = 28
const HOUR = 3_600_000

export async function apUse(store: Pick<MetricStore, 'aggregate'>, q: { aps: readonly string[]; nowMs: number; thresholdClients: number; days?: number }): Promise<Map<string, ApUse>> {
  const toMs = Math.floor(q.nowMs / HOUR) * HOUR
  const fromMs = toMs - (q.days ?? USE_WINDOW_DAYS) * 24 * HOUR
  const wanted = new Set(q.aps)
  const out = new Map<string, ApUse>()
  if (wanted.size === 0 || toMs <= fromMs) return out
  const points = await store.aggregate({ metric: 'wifi_clients', groupBy: 'device', fromMs, toMs, stepMs: HOUR, fn: 'mean', source: 'auto' })
  for (const p of points) {
    if (!wanted.has(p.group)) continue
    const u = out.get(p.group) ?? { peakClients: 0, hours: 0, saturatedHours: 0 }
    u.hours++
    if (p.value > u.peakClients) u.peakClients = p.value
    if (p.value > q.thresholdClients) u.saturatedHours++
    out.set(p.group, u)
  }
  return out
}
