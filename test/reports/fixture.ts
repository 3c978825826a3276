/**
 * A small city with five local days of polls every 10 minutes, written into a real store,
 * so report figures can be checked against sums computed here straight from the samples.
 * The days span the 2026 change to daylight saving time (Sunday March 8 has 23 hours).
 *
 *   north (served): ap-n1, ap-n2;  east (served): ap-e1;  south: not served, no APs.
 *   ap-n2 is down 2026-03-06 10:00-11:30 local (9 failed polls; 90 min), with its
 *   deviceDown/deviceUp events. ap-e1 is not polled at all 2026-03-07 02:00-05:00 local
 *   (a collector gap: 3 h unknown, not down).
 *   Station sightings: each day north sees digests 0..12 (ap-n1 0..9, ap-n2 5..12), east
 *   13 digests 8..20 on ap-e1; 8..12 are seen in both, so the day's union is 21. Every
 *   fourth digest index is a randomized MAC. Station tables are read (station_key, one key
 *   per local day) at every poll of every AP, but not of ap-e1 during its gap: so east has
 *   no unique count on 2026-03-07 (uniques/: a collector gap), north has one every day.
 */
import { createHash } from 'node:crypto'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { datesIn, localDate, nextDate, startOfLocalDate } from '../../core/calendar.ts'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import type { Inventory } from '../../core/inventory.ts'
import type { DeviceEvent, Sample, StationSighting } from '../../core/metrics.ts'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { buildApp } from '../../api/app.ts'
import { createToken, type Role } from '../../api/auth/tokens.ts'
import type { ReportDeps } from '../../reports/index.ts'

export const TZ = 'America/New_York'
export const POLL_MS = 600_000
export const FROM = '2026-03-05'
export const TO = '2026-03-09'
/** samples are written from a day before the report period to two hours after it */
export const DATA_FROM_MS = startOfLocalDate('2026-03-04', TZ)
export const DATA_TO_MS = startOfLocalDate('2026-03-10', TZ) + 2 * 3_600_000
export const OUT_FROM_MS = Date.parse('2026-03-06T15:00:00Z') // 10:00 EST
export const OUT_TO_MS = Date.parse('2026-03-06T16:30:00Z') // 11:30 EST
export const GAP_FROM_MS = Date.parse('2026-03-07T07:00:00Z') // 02:00 EST
export const GAP_TO_MS = Date.parse('2026-03-07T10:00:00Z') // 05:00 EST
/** "now" for the tests: well after the period */
export const NOW_MS = Date.parse('2026-03-20T12:00:00Z')

const square = (lon: number, lat: number) => ({ type: 'Polygon' as const, coordinates: [[[lon, lat], [lon + 0.01, lat], [lon + 0.01, lat + 0.01], [lon, lat + 0.01], [lon, lat]] as [number, number][]] })
const census = (population: number) => ({ population, households: population / 2, householdsWithoutBroadband: population / 10, pctWithoutBroadband: 20, povertyRatePct: 30 })
const ap = (id: string, site: string) => ({ id, name: id.toUpperCase(), kind: 'ap' as const, site, mgmt: { host: '127.0.0.1', port: 1161 }, credential: 'sim-v2c' })

export const inventory: Inventory = {
  city: { name: 'Testville', timezone: TZ },
  neighborhoods: [
    { id: 'north', name: 'North End', served: true, census: census(1000), geometry: square(-72.7, 41.8) },
    { id: 'east', name: 'East Side', served: true, census: census(3000), geometry: square(-72.6, 41.8) },
    { id: 'south', name: 'South End', served: false, census: census(2000), geometry: square(-72.7, 41.7) },
  ],
  sites: [
    { id: 's-n', kind: 'pole', lon: -72.695, lat: 41.805, neighborhood: 'north' },
    { id: 's-e', kind: 'pole', lon: -72.595, lat: 41.805, neighborhood: 'east' },
    { id: 'hub', kind: 'hub', lon: -72.65, lat: 41.75, neighborhood: '' },
  ],
  devices: [ap('ap-n1', 's-n'), ap('ap-n2', 's-n'), ap('ap-e1', 's-e'), { id: 'sw-1', name: 'Hub switch', kind: 'switch', site: 'hub', mgmt: { host: '127.0.0.1', port: 1180 }, credential: 'sim-v2c' }],
  links: [],
}
export const NB: Record<string, string> = { 'ap-n1': 'north', 'ap-n2': 'north', 'ap-e1': 'east', 'sw-1': '' }
const BASE: Record<string, number> = { 'ap-n1': 3, 'ap-n2': 11, 'ap-e1': 5 }

export const polled = (device: string, t: number) => !(device === 'ap-e1' && t >= GAP_FROM_MS && t < GAP_TO_MS)
export const up = (device: string, t: number) => !(device === 'ap-n2' && t >= OUT_FROM_MS && t < OUT_TO_MS)
const PHASE: Record<string, number> = { 'ap-n1': 0, 'ap-n2': 0, 'ap-e1': 3 }
export const clientsAt = (device: string, t: number) => BASE[device]! + ((t / POLL_MS + PHASE[device]!) % 7)
export const bytesAt = (device: string, t: number) => 1_000_000 * (1 + ((t / POLL_MS) % 5)) + 1000 * BASE[device]!

export function pollTimes(fromMs = DATA_FROM_MS, toMs = DATA_TO_MS): number[] {
  const out: number[] = []
  for (let t = fromMs; t < toMs; t += POLL_MS) out.push(t)
  return out
}

/** the station digest key id of the local day a time falls in (uniques/ checks one key per day) */
const keyId = (t: number) => Number(localDate(t, TZ).replace(/-/g, ''))

export function samples(): Sample[] {
  const out: Sample[] = []
  const s = (metric: string, device: string, value: number, timeMs: number): Sample => ({ metric, device, neighborhood: NB[device]!, instance: '', value, timeMs })
  for (const t of pollTimes()) {
    for (const d of ['ap-n1', 'ap-n2', 'ap-e1']) {
      if (!polled(d, t)) continue
      out.push({ metric: 'station_key', device: d, neighborhood: '', instance: 'day', value: keyId(t), timeMs: t })
      out.push(s('device_up', d, up(d, t) ? 1 : 0, t))
      if (!up(d, t)) continue
      out.push(s('wifi_clients', d, clientsAt(d, t), t), s('wifi_bytes', d, bytesAt(d, t), t))
    }
    out.push(s('device_up', 'sw-1', 1, t))
  }
  return out
}

export const events: DeviceEvent[] = [
  { timeMs: OUT_FROM_MS, device: 'ap-n2', neighborhood: 'north', type: 'deviceDown', severity: 'critical', detail: 'no answer to SNMP (timeout)' },
  { timeMs: OUT_TO_MS, device: 'ap-n2', neighborhood: 'north', type: 'deviceUp', severity: 'info', detail: 'answering again after 90 min' },
]

const digest = (i: number) => createHash('sha256').update(`client-${i}`).digest('hex')
export const SIGHTINGS_BY_AP: Record<string, number[]> = {
  'ap-n1': Array.from({ length: 10 }, (_, i) => i),
  'ap-n2': Array.from({ length: 8 }, (_, i) => i + 5),
  'ap-e1': Array.from({ length: 13 }, (_, i) => i + 8),
}
export function sightings(): StationSighting[] {
  const out: StationSighting[] = []
  for (const day of datesIn('2026-03-04', '2026-03-11')) {
    for (const [device, idx] of Object.entries(SIGHTINGS_BY_AP)) {
      for (const i of idx) out.push({ scope: 'day', period: day, device, neighborhood: NB[device]!, digest: digest(i), randomized: i % 4 === 0 })
    }
  }
  return out
}

export interface Fixture {
  store: MetricStore
  appState: AppState
  clock: ManualClock
  deps: ReportDeps
  close(): Promise<void>
}

export async function openFixture(opts: { store?: MetricStore; withSightings?: boolean } = {}): Promise<Fixture> {
  const store = opts.store ?? (await openDuckDbStore({ path: ':memory:' }))
  await store.init()
  await store.write(samples())
  await store.writeEvents(events)
  if (opts.withSightings !== false) await store.writeSightings(sightings())
  const appState = openAppState(':memory:')
  const { version } = appState.replaceInventory(inventory, 'test')
  const clock = manualClock(NOW_MS)
  return {
    store,
    appState,
    clock,
    deps: { store, inventory: appState.inventory(), inventoryVersion: version, clock, pollIntervalMs: POLL_MS },
    async close() {
      await store.close().catch(() => undefined)
      appState.close()
    },
  }
}

export interface ApiFixture extends Fixture {
  app: FastifyInstance
  tokens: Record<Role, string>
}

/** The API over the fixture (no web build), with a token per role. */
export async function openApiFixture(opts: { webDir?: string | null } = {}): Promise<ApiFixture> {
  const f = await openFixture()
  const app = await buildApp({ summaryCacheMs: 0, webDir: opts.webDir ?? null, pollIntervalMs: POLL_MS }, { store: f.store, appState: f.appState, clock: f.clock, log: pino({ level: 'silent' }) })
  const tokens = {
    admin: createToken(f.appState.db, 'admin', 'test admin'),
    engineer: createToken(f.appState.db, 'engineer', 'test engineer'),
    analyst: createToken(f.appState.db, 'analyst', 'test analyst'),
    planner: createToken(f.appState.db, 'planner', 'test planner'),
  }
  return {
    ...f,
    app,
    tokens,
    async close() {
      await app.close()
      await f.close()
    },
  }
}

/** The report's local days, with their instants. */
export function reportDays(from = FROM, to = TO): { date: string; startMs: number; endMs: number }[] {
  return datesIn(from, nextDate(to)).map((date) => ({ date, startMs: startOfLocalDate(date, TZ), endMs: startOfLocalDate(nextDate(date), TZ) }))
}
