/**
 * The API's configuration: typed, with defaults beside each field, validated once and frozen.
 */
export interface ApiConfig {
  /** the collector's poll interval; a device_up sample stays fresh for 2 of them (default 60000 ms) */
  pollIntervalMs: number
  /** most points one /api/series answer may hold (default 10000) */
  maxSeriesPoints: number
  /** period of the neighborhood stats when the request names none (default 24 h) */
  defaultPeriodMs: number
  /**
   * how long (clock time) a computed neighborhood summary or device status list is reused,
   * keyed by the clock minute and the period asked (default 60000 ms; 0 disables)
   */
  summaryCacheMs: number
  /** most events one /api/events answer may hold (default 1000, at most 10000) */
  maxEvents: number
  /** built web app served at / when the directory exists (default: web/dist of this checkout) */
  webDir: string | null
  /** pino level (default 'info') */
  logLevel: string
  /**
   * where the stored data comes from, when it is not all live polling: the demo fills its
   * history at a coarser step before polling live (default null: all live)
   */
  history: { fromMs: number; stepMs: number; liveSinceMs: number } | null
}

export const defaultApiConfig: Readonly<ApiConfig> = Object.freeze({
  pollIntervalMs: 60_000,
  maxSeriesPoints: 10_000,
  defaultPeriodMs: 24 * 3_600_000,
  summaryCacheMs: 60_000,
  maxEvents: 1000,
  webDir: new URL('../web/dist', import.meta.url).pathname,
  logLevel: 'info',
  history: null,
})

/** Fills defaults and checks each field, naming the one that is wrong. */
export function apiConfig(partial: Partial<ApiConfig> = {}): Readonly<ApiConfig> {
  const c: ApiConfig = { ...defaultApiConfig, ...partial }
  const positive = (name: keyof ApiConfig, min: number) => {
    const v = c[name]
    if (typeof v !== 'number' || !Number.isInteger(v) || v < min) throw new RangeError(`api config: ${name} must be an integer >= ${min}, got ${String(v)}`)
  }
  positive('pollIntervalMs', 1000)
  positive('maxSeriesPoints', 10)
  positive('defaultPeriodMs', 60_000)
  positive('summaryCacheMs', 0)
  positive('maxEvents', 1)
  if (c.maxEvents > 10_000) throw new RangeError(`api config: maxEvents must be <= 10000, got ${c.maxEvents}`)
  return Object.freeze(c)
}
