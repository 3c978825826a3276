/**
 * Client-hours lost: how many client-hours of Wi-Fi an incident took from the people usually
 * on its APs. Method (stated with every figure):
 *
 *   for each affected AP and each clock hour the incident overlaps, the AP's usual clients
 *   in that hour are the median of its mean associated clients (wifi_clients) in the same
 *   clock hour 1, 2, 3 and 4 weeks earlier (7 x 24 h back; weeks with no sample in that hour
 *   are left out); lost = sum of usual clients x the share of the hour the incident covers.
 *   An AP-hour with no sample in any of the four weeks adds nothing and is counted apart.
 *
 * Grows while the incident is open (its end is now). Reads the store: 4 questions.
 */
import type { MetricStore } from '../store/types.ts'

const HOUR = 3_600_000
const WEEK = 7 * 24 * HOUR

export const CLIENT_HOURS_METHOD =
  "for each affected AP and clock hour of the incident: the median of the AP's mean associated clients in the same hour 1-4 weeks earlier (weeks without a sample left out), times the share of the hour the incident covers; AP-hours with no sample in any of the 4 weeks are counted apart"

export interface ClientHoursLost {
  clientHours: number
  /** AP-hours with no usual figure (no sample in any of the four weeks) */
  unknownApHours: number
}

const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b)
  const m = s.length >> 1
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2
}

export async function clientHoursLost(q: { aps: readonly string[]; fromMs: number; toMs: number }, deps: { store: Pick<MetricStore, 'aggregate'> }): Promise<ClientHoursLost> {
  if (q.aps.length === 0 || !(q.toMs > q.fromMs)) return { clientHours: 0, unknownApHours: 0 }
  const h0 = Math.floor(q.fromMs / HOUR) * HOUR
  const h1 = Math.ceil(q.toMs / HOUR) * HOUR
  // per week back: AP -> hour (of the incident's span) -> mean clients
  const weeks = await Promise.all([1, 2, 3, 4].map(async (k) => {
    const points = await deps.store.aggregate({ metric: 'wifi_clients', fn: 'mean', groupBy: 'device', where: { device: [...q.aps], instance: [''] }, fromMs: h0 - k * WEEK, toMs: h1 - k * WEEK, stepMs: HOUR })
    const m = new Map<string, Map<number, number>>()
    for (const p of points) {
      if (!m.has(p.group)) m.set(p.group, new Map())
      m.get(p.group)!.set(p.timeMs + k * WEEK, p.value)
    }
    return m
  }))
  let clientHours = 0
  let unknownApHours = 0
  for (const ap of q.aps) {
    for (let h = h0; h < h1; h += HOUR) {
      const share = (Math.min(h + HOUR, q.toMs) - Math.max(h, q.fromMs)) / HOUR
      if (share <= 0) continue
      const seen = weeks.map((w) => w.get(ap)?.get(h)).filter((v): v is number => v !== undefined)
      if (seen.length === 0) {
        unknownApHours++
        continue
      }
      clientHours += median(seen) * share
    }
  }
  return { clientHours, unknownApHours }
}
