/**
 * A small city with known samples, a real DuckDB store (':memory:') and a real app-state
 * SQLite database, so API answers can be asserted to the exact number. Every figure the
 * tests expect is derived in the comments beside the samples.
 */
import { Writable } from 'node:stream'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import type { Inventory } from '../../core/inventory.ts'
import type { DeviceEvent, Sample } from '../../core/metrics.ts'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { randomBytes } from 'node:crypto'
import { createAccounts, type Accounts, type AccountsConfig } from '../../accounts/index.ts'
import { buildApp, type ApiDeps } from '../../api/app.ts'
import { createToken, type Role } from '../../api/auth/tokens.ts'
import type { ApiConfig } from '../../api/config.ts'

/** "Now" for every test: 2026-01-15 12:00:00 UTC. */
export const T = Date.UTC(2026, 0, 15, 12)
export const MIN = 60_000
export const HOUR = 3_600_000


const square = (lon: number, lat: number, d: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[lon, lat], [lon + d, lat], [lon + d, lat + d], [lon, lat + d], [lon, lat]] as [number, number][]],
})

const census = (population: number) => ({ population, households: population / 2, householdsWithoutBroadband: population / 10, pctWithoutBroadband: 20, povertyRatePct: 31.5 })

export const inventory: Inventory = {
  city: { name: 'Testville', timezone: 'UTC' },
  neighborhoods: [
    { id: 'north', name: 'North End', served: true, census: census(1000), geometry: square(-72.7, 41.8, 0.01) },
    { id: 'south', name: 'South End', served: false, census: census(2000), geometry: square(-72.7, 41.7, 0.01) },
  ],
  sites: [
    { id: 's-n1', kind: 'pole', lon: -72.695, lat: 41.805, neighborhood: 'north' },
    { id: 's-n2', kind: 'pole', lon: -72.694, lat: 41.806, neighborhood: 'north' },
    { id: 's-s1', kind: 'cabinet', lon: -72.695, lat: 41.705, neighborhood: 'south' },
    { id: 'hub', kind: 'hub', lon: -72.6, lat: 41.76, neighborhood: '' },
  ],
  devices: [
    { id: 'ap-1', name: 'AP 1', kind: 'ap', site: 's-n1', mgmt: { host: '127.0.0.1', port: 1161 }, credential: 'sim-v2c', uplink: { device: 'sw-1', port: 'ge-0/0/1' }, model: 'AP-X' },
    { id: 'ap-2', name: 'AP 2', kind: 'ap', site: 's-n1', mgmt: { host: '127.0.0.1', port: 1162 }, credential: 'sim-v2c' },
    { id: 'ap-3', name: 'AP 3', kind: 'ap', site: 's-n2', mgmt: { host: '127.0.0.1', port: 1163 }, credential: 'sim-v2c' },
    { id: 'ap-4', name: 'AP 4', kind: 'ap', site: 's-n2', mgmt: { host: '127.0.0.1', port: 1170 }, credential: 'sim-v2c', controller: 'wlc-1', controllerApName: 'AP4-N2' },
    { id: 'ap-5', name: 'AP 5', kind: 'ap', site: 's-s1', mgmt: { host: '127.0.0.1', port: 1165 }, credential: 'sim-v2c' },
    { id: 'wlc-1', name: 'Controller', kind: 'controller', site: 'hub', mgmt: { host: '127.0.0.1', port: 1170 }, credential: 'sim-v2c' },
    { id: 'sw-1', name: 'Hub switch', kind: 'switch', site: 'hub', mgmt: { host: '127.0.0.1', port: 1180 }, credential: 'sim-v2c' },
    { id: 'sw-2', name: 'South switch', kind: 'switch', site: 's-s1', mgmt: { host: '127.0.0.1', port: 1181 }, credential: 'sim-v2c' },
  ],
  links: [
    { id: 'fib-1', a: { device: 'sw-1', port: 'xe-0/0/1' }, b: { device: 'sw-2', port: 'xe-0/0/1' }, route: { type: 'LineString', coordinates: [[-72.6, 41.76], [-72.695, 41.705]] }, lengthM: 9100 },
    { id: 'fib-2', a: { device: 'sw-1', port: 'xe-0/0/2' }, b: { device: 'sw-2', port: 'xe-0/0/2' }, route: { type: 'LineString', coordinates: [[-72.6, 41.76], [-72.695, 41.705]] }, lengthM: 9150 },
    { id: 'fib-3', a: { device: 'sw-1', port: 'xe-0/0/3' }, b: { device: 'ap-5', port: 'eth0' }, route: { type: 'LineString', coordinates: [[-72.6, 41.76], [-72.695, 41.705]] }, lengthM: 9000 },
  ],
}

const nbOf: Record<string, string> = { 'ap-1': 'north', 'ap-2': 'north', 'ap-3': 'north', 'ap-4': 'north', 'ap-5': 'south', 'sw-2': 'south', 'wlc-1': '', 'sw-1': '' }
const s = (metric: string, device: string, value: number, timeMs: number, instance = ''): Sample => ({ metric, device, neighborhood: nbOf[device]!, instance, value, timeMs })

/**
 * device_up now (T, poll interval 60 s, fresh = at most 120 s old):
 *   ap-1 1 @ T-30s -> up;  ap-2 0 @ T-60s -> down;  ap-3 1 @ T-10min -> unknown (stale, not down);
 *   ap-4 1 @ T-30s -> up (lightweight, reported through wlc-1);  ap-5 never -> unknown;
 *   wlc-1, sw-1, sw-2 1 @ T-30s -> up.
 * north period [T-24h, T):
 *   clientsNow = ap-1 12 + ap-4 7 = 19 (ap-2's 5 is from a down AP, ap-3's 9 is stale)
 *   peakClients = 45 (instant T-2h: 20 + 15 + 10)
 *   bytes = 1000 + 2000 + 500 + 250 = 3750 (the 99999 at T-25h is outside the period)
 *   availability = device_up sum 7 / count 9 -> 700/9 %
 */
export const samples: Sample[] = [
  s('device_up', 'ap-1', 1, T - 2 * HOUR), s('device_up', 'ap-1', 1, T - HOUR), s('device_up', 'ap-1', 1, T - 30_000),
  s('device_up', 'ap-2', 1, T - 2 * HOUR), s('device_up', 'ap-2', 0, T - HOUR), s('device_up', 'ap-2', 0, T - MIN),
  s('device_up', 'ap-3', 1, T - 2 * HOUR), s('device_up', 'ap-3', 1, T - 10 * MIN),
  s('device_up', 'ap-4', 1, T - 30_000),
  s('device_up', 'wlc-1', 1, T - 30_000), s('device_up', 'sw-1', 1, T - 30_000), s('device_up', 'sw-2', 1, T - 30_000),
  s('wifi_clients', 'ap-1', 20, T - 2 * HOUR), s('wifi_clients', 'ap-2', 15, T - 2 * HOUR), s('wifi_clients', 'ap-4', 10, T - 2 * HOUR),
  s('wifi_clients', 'ap-1', 30, T - HOUR), s('wifi_clients', 'ap-2', 3, T - HOUR),
  s('wifi_clients', 'ap-3', 9, T - 10 * MIN),
  s('wifi_clients', 'ap-2', 5, T - MIN),
  s('wifi_clients', 'ap-1', 12, T - 30_000), s('wifi_clients', 'ap-4', 7, T - 30_000),
  s('wifi_clients_ssid', 'ap-1', 8, T - 30_000, 'CityFree'), s('wifi_clients_ssid', 'ap-1', 4, T - 30_000, 'CityStaff'),
  s('wifi_bytes', 'ap-1', 99_999, T - 25 * HOUR),
  s('wifi_bytes', 'ap-1', 1000, T - 2 * HOUR), s('wifi_bytes', 'ap-1', 2000, T - HOUR), s('wifi_bytes', 'ap-2', 500, T - 2 * HOUR), s('wifi_bytes', 'ap-4', 250, T - 30_000),
  // fib-1: both ports up, optics at both ends -> up. fib-2: sw-2's port down -> down.
  // fib-3: ap-5 never polled -> unknown.
  s('if_oper_status', 'sw-1', 1, T - 30_000, 'xe-0/0/1'), s('if_oper_status', 'sw-2', 1, T - 30_000, 'xe-0/0/1'),
  s('if_oper_status', 'sw-1', 1, T - 30_000, 'xe-0/0/2'), s('if_oper_status', 'sw-2', 2, T - 30_000, 'xe-0/0/2'),
  s('optics_rx_dbm', 'sw-1', -7.5, T - 30_000, 'xe-0/0/1'), s('optics_tx_dbm', 'sw-1', -2.125, T - 30_000, 'xe-0/0/1'),
  s('optics_rx_dbm', 'sw-2', -8.25, T - 90_000, 'xe-0/0/1'), s('optics_tx_dbm', 'sw-2', -1.875, T - 30_000, 'xe-0/0/1'),
  s('optics_rx_dbm', 'sw-2', -30, T - 30_000, 'xe-0/0/2'),
]

export const events: DeviceEvent[] = [
  { timeMs: T - HOUR, device: 'ap-2', neighborhood: 'north', type: 'deviceDown', severity: 'critical', detail: 'no answer to 2 polls' },
  { timeMs: T - 2 * HOUR, device: 'sw-2', neighborhood: 'south', type: 'linkDown', severity: 'warning', detail: 'xe-0/0/2' },
  { timeMs: T - 3 * HOUR, device: 'sw-2', neighborhood: 'south', type: 'coldStart', severity: 'info', detail: 'agent restarted' },
  { timeMs: T - 30 * HOUR, device: 'ap-1', neighborhood: 'north', type: 'coldStart', severity: 'info', detail: 'outside the default period' },
  /*
   * Up/down changes, all older than the default 24 h of /api/events. statusSinceMs at T:
   *   ap-1 up    -> newest deviceUp T-25h (the deviceDown before it does not agree)
   *   ap-2 down  -> newest deviceDown T-1h (above; the one at T-3d is older)
   *   ap-3 unknown (stale) -> null
   *   ap-4 up    -> null: its deviceUp at T-40d is beyond the 30-day look-back
   *   others     -> null: no events
   */
  { timeMs: T - 25 * HOUR, device: 'ap-1', neighborhood: 'north', type: 'deviceUp', severity: 'info', detail: 'answering again after 60 min' },
  { timeMs: T - 26 * HOUR, device: 'ap-1', neighborhood: 'north', type: 'deviceDown', severity: 'critical', detail: 'no answer to SNMP (timeout)' },
  { timeMs: T - 50 * HOUR, device: 'ap-2', neighborhood: 'north', type: 'deviceUp', severity: 'info', detail: 'answering again after 22 min' },
  { timeMs: T - 72 * HOUR, device: 'ap-2', neighborhood: 'north', type: 'deviceDown', severity: 'critical', detail: 'no answer to SNMP (timeout)' },
  { timeMs: T - 28 * HOUR, device: 'ap-3', neighborhood: 'north', type: 'deviceUp', severity: 'info', detail: 'answering again after 5 min' },
  { timeMs: T - 40 * 24 * HOUR, device: 'ap-4', neighborhood: 'north', type: 'deviceUp', severity: 'info', detail: 'answering again after 3 min' },
]

export interface Harness {
  app: FastifyInstance
  store: MetricStore
  appState: AppState
  clock: ManualClock
  tokens: Record<Role, string>
  /** the app's staff accounts (scrypt at a test cost: a sign-in takes milliseconds, not 250) */
  accounts: Accounts
  /** every log line the app wrote, parsed */
  logs: Record<string, unknown>[]
  close(): Promise<void>
}

/**
 * The app over a real store (DuckDB ':memory:' unless one is given) and SQLite, with the
 * samples above written; caching off unless asked.
 */
/** The accounts cost of the tests: scrypt N=2^10 (the real default, 2^16, is for people). */
export const TEST_SCRYPT = { logN: 10, r: 8, p: 1 }

export async function harness(config: Partial<ApiConfig> = {}, given?: MetricStore, accountsConfig: Partial<AccountsConfig> = {}, more: Pick<ApiDeps, 'oidc'> = {}): Promise<Harness> {
  const store = given ?? (await openDuckDbStore({ path: ':memory:' }))
  await store.init()
  await store.write(samples)
  await store.writeEvents(events)
  const appState = openAppState(':memory:')
  appState.replaceInventory(inventory, 'test')
  const clock = manualClock(T)
  const logs: Record<string, unknown>[] = []
  const sink = new Writable({
    write(chunk, _enc, cb) {
      for (const line of String(chunk).split('\n')) if (line) logs.push(JSON.parse(line))
      cb()
    },
  })
  const log = pino({ level: 'info' }, sink)
  const accounts = createAccounts({ db: appState.db, key: randomBytes(32), config: { scrypt: TEST_SCRYPT, ...accountsConfig }, allowTestCost: true })
  const app = await buildApp({ summaryCacheMs: 0, webDir: null, ...config }, { store, appState, clock, log, accounts, ...more })
  const tokens = {
    admin: createToken(appState.db, 'admin', 'test admin'),
    engineer: createToken(appState.db, 'engineer', 'test engineer'),
    analyst: createToken(appState.db, 'analyst', 'test analyst'),
    planner: createToken(appState.db, 'planner', 'test planner'),
  }
  return {
    app,
    store,
    appState,
    clock,
    tokens,
    accounts,
    logs,
    async close() {
      await app.close()
      await store.close().catch(() => undefined)
      appState.close()
    },
  }
}

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` })
