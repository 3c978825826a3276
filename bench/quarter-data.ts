/**
 * The data the report benchmarks load: a quarter (2026Q3, 92 local days; BENCH_SCALE
 * shortens it) of Hartford's 224 APs in its six served neighborhoods polled every 5 minutes
 * (device_up, wifi_clients, wifi_bytes, the two station sources' key marks), outages on some
 * APs, and ~60 station sightings per AP and day (day and quarter scope). Deterministic.
 */
import { createHash } from 'node:crypto'
import { datesIn, nextDate, quarterDates, startOfLocalDate } from '../core/calendar.ts'
import type { DeviceEvent, Sample, StationSighting } from '../core/metrics.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { benchScale } from './store-common.ts'

export const TZ = 'America/New_York'
export const POLL_MS = 5 * 60_000
export const DAY_MS = 86_400_000
export const scale = benchScale()
const quarter = quarterDates('2026Q3')!
const allDays = datesIn(quarter.from, quarter.to)
export const days = allDays.slice(0, Math.max(1, Math.min(allDays.length, Math.round(allDays.length * scale))))
export const period = days.length === allDays.length ? { quarter: '2026Q3' } : { from: days[0]!, to: days.at(-1)! }
export const startMs = startOfLocalDate(days[0]!, TZ)
export const endMs = startOfLocalDate(nextDate(days.at(-1)!), TZ)

export const inventory = hartfordInventory(1)
const bySite = new Map(inventory.sites.map((s) => [s.id, s.neighborhood]))
export const aps = inventory.devices.filter((d) => d.kind === 'ap').map((d, i) => ({ id: d.id, n: bySite.get(d.site)!, i, source: d.controller ?? d.managedBy ?? d.id }))
export const sources = [...new Set(aps.map((a) => a.source))]

/** A deterministic hash in [0, 1). */
const rnd = (...k: (string | number)[]) => createHash('sha256').update(k.join('|')).digest().readUInt32BE(0) / 2 ** 32

/** Outages: about one AP in ten is down once a week, for 10 minutes to 4 hours. */
function down(ap: { id: string }, t: number): boolean {
  const week = Math.floor(t / (7 * DAY_MS))
  if (rnd(ap.id, week, 'o') > 0.1) return false
  const at = week * 7 * DAY_MS + Math.floor(rnd(ap.id, week, 's') * 7 * DAY_MS)
  const len = 600_000 + Math.floor(rnd(ap.id, week, 'l') * 4 * 3_600_000)
  return t >= at && t < at + len
}
function clients(ap: { id: string; i: number }, t: number): number {
  const hour = new Date(t - 4 * 3_600_000).getUTCHours()
  const diurnal = 0.3 + 0.7 * Math.max(0, Math.sin(((hour - 6) / 16) * Math.PI))
  return Math.round((20 + (ap.i % 17)) * diurnal * (0.8 + 0.4 * rnd(ap.id, t)))
}

export function samplesOf(fromMs: number, toMs: number): { samples: Sample[]; events: DeviceEvent[] } {
  const samples: Sample[] = []
  const events: DeviceEvent[] = []
  for (let t = fromMs; t < toMs; t += POLL_MS) {
    for (const ap of aps) {
      const d = down(ap, t)
      if (d !== down(ap, t - POLL_MS)) events.push({ timeMs: t, device: ap.id, neighborhood: ap.n, type: d ? 'deviceDown' : 'deviceUp', severity: d ? 'critical' : 'info', detail: d ? 'no answer to SNMP (timeout)' : 'answering again' })
      samples.push({ metric: 'device_up', device: ap.id, neighborhood: ap.n, instance: '', value: d ? 0 : 1, timeMs: t })
      if (d) continue
      const c = clients(ap, t)
      samples.push({ metric: 'wifi_clients', device: ap.id, neighborhood: ap.n, instance: '', value: c, timeMs: t })
      samples.push({ metric: 'wifi_bytes', device: ap.id, neighborhood: ap.n, instance: '', value: c * 2_000_000 + Math.floor(rnd(ap.id, t, 'b') * 1_000_000), timeMs: t })
    }
    samples.push(...stationKeyMarks(t))
  }
  return { samples, events }
}

/** The station sources' key marks of one poll: which day and quarter key read the stations. */
export function stationKeyMarks(t: number): Sample[] {
  const dayKey = Math.floor((t - 4 * 3_600_000) / DAY_MS) // one key per local day (EDT all quarter)
  return sources.flatMap((s): Sample[] => [
    { metric: 'station_key', device: s, neighborhood: '', instance: 'day', value: dayKey, timeMs: t },
    { metric: 'station_key', device: s, neighborhood: '', instance: 'quarter', value: 20263, timeMs: t },
  ])
}

/** One local day's station sightings: ~60 devices per AP, shared within a neighborhood, some roaming across. */
export function sightingsOf(date: string): StationSighting[] {
  const out: StationSighting[] = []
  for (const ap of aps) {
    for (let k = 0; k < 60; k++) {
      const pool = rnd(ap.id, date, k, 'p') < 0.1 ? 'city' : ap.n
      const id = Math.floor(rnd(ap.id, date, k) * (pool === 'city' ? 3000 : 2500))
      const digest = createHash('sha256').update(`${pool}|${id}|${date}`).digest('hex')
      const randomized = id % 4 === 0
      out.push({ scope: 'day', period: date, device: ap.id, neighborhood: ap.n, digest, randomized })
      out.push({ scope: 'quarter', period: '2026Q3', device: ap.id, neighborhood: ap.n, digest: createHash('sha256').update(`${pool}|${id}|q`).digest('hex'), randomized })
    }
  }
  return out
}
