/**
 * What every route module needs, decorated on the app as `app.civic`: the config, the
 * store, the clock, the inventory index, and the cached device states.
 */
import { randomBytes } from 'node:crypto'
import type { Database } from 'better-sqlite3'
import { createAccounts, type Accounts } from '../accounts/index.ts'
import type { Oidc } from '../accounts/oidc.ts'
import type { Clock } from '../core/clock.ts'
import type { Inventory } from '../core/inventory.ts'
import type { PlanTract } from '../planning/index.ts'
import type { MetricStore } from '../store/types.ts'
import type { ApiConfig } from './config.ts'
import { CN_ERR_BAD_RANGE } from './errors.ts'
import { ClockCache, LatestTracker, deviceStates, indexInventory, type DeviceState, type InventoryIndex } from './live.ts'

/** The part of store/app-state.ts's AppState the API uses. */
export interface ApiAppState {
  db: Database
  inventory(): Inventory
}

export interface ApiContext {
  config: Readonly<ApiConfig>
  store: MetricStore
  clock: Clock
  appState: ApiAppState
  /** the current inventory with lookups (rebuilt when the app state hands out a new one) */
  index(): InventoryIndex
  /** status of every device at nowMs, reused within a clock minute (config.summaryCacheMs) */
  deviceStates(nowMs: number): Promise<Map<string, DeviceState>>
  /** the period a request asks for, defaults filled, checked */
  period(q: { fromMs?: number; toMs?: number }, nowMs: number): { fromMs: number; toMs: number }
  /** what planning needs beside the inventory: the census tracts, the city's own cost estimate */
  planning: PlanningData
  /** staff accounts, sessions and the audit log (made on first use when the caller gave none) */
  accounts(): Accounts
  /** sign-in with the city's identity provider, when configured (accounts/oidc.ts) */
  oidc: OidcDoor | null
}

/** What the API needs of accounts/oidc.ts: its button's label, and the two ends of a sign-in. */
export type OidcDoor = Pick<Oidc, 'label' | 'start' | 'finish'>

export interface PlanningData {
  /** the city's census tracts with their ACS figures ([] when none were given: population shares are area shares) */
  tracts(): readonly PlanTract[]
  cityEstimate: { usd: number; label: string } | null
}

declare module 'fastify' {
  interface FastifyInstance {
    civic: ApiContext
  }
}

/** Longest period one request may ask for. */
export const MAX_PERIOD_MS = 400 * 86_400_000

export function createContext(config: Readonly<ApiConfig>, store: MetricStore, clock: Clock, appState: ApiAppState, planning: PlanningData = { tracts: () => [], cityEstimate: null }, accounts?: Accounts, oidc: OidcDoor | null = null): ApiContext {
  // Without accounts from the caller (tests, an embedded API), a key of this process only:
  // MFA secrets set up here do not survive it. civicnet serve and demo pass accounts made
  // with the key file (accounts/key.ts).
  let made: Accounts | undefined = accounts
  const getAccounts = () => (made ??= createAccounts({ db: appState.db, key: randomBytes(32) }))
  const states = new ClockCache<Map<string, DeviceState>>(config.summaryCacheMs)
  const tracker = new LatestTracker(store, 'device_up', 10 * config.pollIntervalMs)
  const index = () => indexInventory(appState.inventory())
  return {
    config,
    store,
    clock,
    appState,
    index,
    planning,
    accounts: getAccounts,
    oidc,
    deviceStates: (nowMs) => states.get(nowMs, 'all', () => deviceStates(tracker, index(), nowMs, config.pollIntervalMs, store)),
    period(q, nowMs) {
      const toMs = q.toMs ?? nowMs
      const fromMs = q.fromMs ?? toMs - config.defaultPeriodMs
      if (fromMs >= toMs) throw new CN_ERR_BAD_RANGE(`fromMs (${fromMs}) must be before toMs (${toMs})`)
      if (toMs - fromMs > MAX_PERIOD_MS) throw new CN_ERR_BAD_RANGE(`toMs - fromMs is ${toMs - fromMs} ms; at most ${MAX_PERIOD_MS} ms (400 days)`)
      return { fromMs, toMs }
    },
  }
}
