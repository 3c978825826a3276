/**
 * What CivicNet provisions, and why. The store (store/influx) writes raw samples, events and
 * station sightings into the raw retention policy (INFLUX_RP) and each rollup tier
 * (rollup_5m / rollup_1h / rollup_1d, with the tier's coverage point) into its own
 * (INFLUX_RP_5M / _1H / _1D), so each part of the data can be kept as long as it is worth:
 * - raw: INF by default. The yearly grant report reads raw device_up and the station
 *   sightings over a whole reporting year, and sightings have no rollup: unique-client
 *   counts of a past year exist only there. INF (not 400d) keeps last year's report
 *   re-runnable next year and a year-on-year comparison possible; a city that needs the
 *   disk may set --raw-duration, and `civicnet doctor` warns below 400d.
 * - 5m: 400d: the finest rollup the charts use, a little over a year, then the 1h tier.
 * - 1h, 1d: INF: small (a 1h row per series and hour) and what long ranges read.
 * A finite policy refuses points older than its duration, so the store keeps its coverage
 * points at the write time, not at time 0 (store/influx/index.ts says so, measured on influxd
 * 1.6.7). Durations shorter than 2d are refused: the rollup scheduler's first run writes up to
 * 2 days back. Shard group durations follow InfluxDB's own defaults for each duration.
 */
import { InfluxSetupError } from './http.ts'

/** The raw data or one rollup tier. */
export type PolicyPart = 'raw' | '5m' | '1h' | '1d'
export const POLICY_PARTS: readonly PolicyPart[] = ['raw', '5m', '1h', '1d']

/** The default duration of each part (InfluxQL), the header says why. */
export const DEFAULT_DURATIONS: Readonly<Record<PolicyPart, string>> = Object.freeze({ raw: 'INF', '5m': '400d', '1h': 'INF', '1d': 'INF' })

/** The flag setting each part's duration. */
export const DURATION_FLAGS: Readonly<Record<PolicyPart, string>> = Object.freeze({
  raw: 'raw-duration', '5m': 'rollup-5m-duration', '1h': 'rollup-1h-duration', '1d': 'rollup-1d-duration',
})

/** The grant report reads a year of raw data: a raw policy shorter than this is warned about. */
export const RAW_MIN_DAYS = 400

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS
const MIN_DURATION_MS = 2 * DAY_MS

/** A retention duration: InfluxQL text ('400d', 'INF') and ms (0: infinite). */
export interface Duration { text: string; ms: number }

/** Parses an InfluxQL duration for `flag`: INF, or a whole number of h, d or w, at least 2d. */
export function parseDuration(flag: string, text: string): Duration {
  if (/^inf$/i.test(text)) return { text: 'INF', ms: 0 }
  const m = /^(\d{1,6})([hdw])$/.exec(text)
  if (!m) throw new InfluxSetupError(`--${flag} '${text}': use INF or a whole number of hours, days or weeks (e.g. 400d, 52w, 72h)`, 2)
  const ms = Number(m[1]) * { h: HOUR_MS, d: DAY_MS, w: 7 * DAY_MS }[m[2] as 'h' | 'd' | 'w']
  if (ms < MIN_DURATION_MS) throw new InfluxSetupError(`--${flag} '${text}' is shorter than 2d: the rollups write up to 2 days back, which a shorter policy refuses`, 2)
  return { text, ms }
}

/** A duration as 1.x shows it in SHOW RETENTION POLICIES (Go's format): 0 -> '0s', 400d -> '9600h0m0s'. */
export function shownDuration(ms: number): string {
  if (ms === 0) return '0s'
  const s = Math.floor(ms / 1000)
  return `${Math.floor(s / 3600)}h${Math.floor((s % 3600) / 60)}m${s % 60}s`
}

/** A duration in SHOW RETENTION POLICIES' format, in ms (0: infinite); NaN when not that format. */
export function shownMs(text: string): number {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/.exec(text)
  if (!m || text === '') return NaN
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000
}

/** InfluxDB 1.x's default shard group duration for a policy duration (0: infinite): < 2d 1h, <= 6 months 1d, else 7d. */
export function shardDurationFor(ms: number): Duration {
  if (ms === 0 || ms > 180 * DAY_MS) return { text: '7d', ms: 7 * DAY_MS }
  if (ms >= 2 * DAY_MS) return { text: '1d', ms: DAY_MS }
  return { text: '1h', ms: HOUR_MS }
}

/** One retention policy (1.x) or bucket (2.x) to provision, and the parts that live in it. */
export interface PolicyPlan {
  name: string
  parts: PolicyPart[]
  duration: Duration
  /** only the raw policy is the database's DEFAULT */
  default: boolean
}

/** Where the store's data goes: the database (1.x, 3.x; 2.x: the DBRP database) and a policy per part. */
export interface InfluxTarget {
  /** INFLUX_DB, default 'civicnet' */
  database: string
  /** per part: INFLUX_RP (default 'civicnet'), INFLUX_RP_5M / _1H / _1D (default `<raw>_5m` ...), and each duration */
  policies: Record<PolicyPart, { name: string; duration: Duration }>
}

/**
 * The distinct policies of a target, raw first. Two parts may share a policy (INFLUX_RP_5M
 * equal to INFLUX_RP: today's one-policy set-up) only with the same duration.
 */
export function policyPlan(target: InfluxTarget): PolicyPlan[] {
  const out: PolicyPlan[] = []
  for (const part of POLICY_PARTS) {
    const p = target.policies[part]
    const same = out.find((o) => o.name === p.name)
    if (!same) out.push({ name: p.name, parts: [part], duration: p.duration, default: part === 'raw' })
    else if (same.duration.ms !== p.duration.ms) {
      throw new InfluxSetupError(`the ${partName(part)} and the ${partName(same.parts[0]!)} share retention policy ${p.name} but ask for ${p.duration.text} and ${same.duration.text} (--${DURATION_FLAGS[part]}, --${DURATION_FLAGS[same.parts[0]!]}): give them one duration or their own policies`, 2)
    } else same.parts.push(part)
  }
  return out
}

/** 'raw data' or 'rollup 5m'. */
export function partName(part: PolicyPart): string {
  return part === 'raw' ? 'raw data' : `rollup ${part}`
}

/** What one step did. 'checked': a probe that changes nothing lasting. */
export interface SetupStep {
  outcome: 'created' | 'changed' | 'unchanged' | 'checked'
  what: string
}

/** The store's environment for this target, for the closing hint (never a secret). On 3.x no policy is named. */
export function storeEnvHint(url: string, target: InfluxTarget, generation: 1 | 2 | 3): string {
  const p = target.policies
  const rp = generation === 3 ? '' : ` INFLUX_RP=${p.raw.name} INFLUX_RP_5M=${p['5m'].name} INFLUX_RP_1H=${p['1h'].name} INFLUX_RP_1D=${p['1d'].name}`
  return `store settings for civicnet collect/serve: INFLUX_URL=${url} INFLUX_DB=${target.database}${rp}${generation === 1 ? ' (+ INFLUX_USERNAME/INFLUX_PASSWORD)' : ' INFLUX_TOKEN=<a token with read and write on it>'}`
}
