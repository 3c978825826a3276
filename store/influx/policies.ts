/**
 * Which retention policy each part of the store's data lives in. Raw samples, events and
 * station sightings go to the raw policy (INFLUX_RP); rollup_5m / rollup_1h / rollup_1d and
 * each tier's coverage state to that tier's policy (INFLUX_RP_5M / _1H / _1D), each of which
 * defaults to the raw one, so a one-policy set-up stays one policy. An undefined policy is
 * the database's default.
 */
import type { RollupTier } from '../types.ts'

/** The raw data or one rollup tier. */
export type PolicyPart = 'raw' | RollupTier

/** Policy names per part; a missing one falls back to `retentionPolicy`, then the database default. */
export interface RetentionPolicyConfig {
  /** INFLUX_RP: the raw policy, and every tier's unless `retentionPolicies` names one */
  retentionPolicy?: string
  /** per part: INFLUX_RP_5M, INFLUX_RP_1H, INFLUX_RP_1D (raw: same as retentionPolicy) */
  retentionPolicies?: Partial<Record<PolicyPart, string>>
}

export const POLICY_PARTS: readonly PolicyPart[] = ['raw', '5m', '1h', '1d']

/** The policy of every part (undefined: the database default). */
export function storePolicies(c: RetentionPolicyConfig): Record<PolicyPart, string | undefined> {
  const raw = c.retentionPolicies?.raw ?? c.retentionPolicy
  return {
    raw,
    '5m': c.retentionPolicies?.['5m'] ?? raw,
    '1h': c.retentionPolicies?.['1h'] ?? raw,
    '1d': c.retentionPolicies?.['1d'] ?? raw,
  }
}

/**
 * A duration as InfluxDB 1.x reports it in SHOW RETENTION POLICIES (Go's format: '0s',
 * '9600h0m0s', '1h30m0s'), in ms; 0 for infinite; undefined when it is not that format.
 */
export function goDurationMs(text: string): number | undefined {
  const m = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+(?:\.\d+)?)s)?$/.exec(text)
  if (!m || text === '') return undefined
  return (Number(m[1] ?? 0) * 3600 + Number(m[2] ?? 0) * 60 + Number(m[3] ?? 0)) * 1000
}
