/**
 * `provisionInflux(options)`: detects the generation (or takes it), then sets up what the
 * store needs on it (v1.ts, v2.ts, v3.ts) and returns what each step did.
 */
import { detectInflux } from './detect.ts'
import type { InfluxGeneration } from './detect.ts'
import { InfluxSetupError } from './http.ts'
import type { InfluxAuth } from './http.ts'
import type { InfluxTarget, SetupStep } from './plan.ts'
import { provisionV1 } from './v1.ts'
import { provisionV2 } from './v2.ts'
import { provisionV3 } from './v3.ts'

export { InfluxSetupError, influxRequest } from './http.ts'
export type { InfluxAuth } from './http.ts'
export { detectInflux } from './detect.ts'
export type { InfluxGeneration, DetectedInflux } from './detect.ts'
export { DEFAULT_DURATIONS, DURATION_FLAGS, POLICY_PARTS, RAW_MIN_DAYS, parseDuration, partName, shownMs, storeEnvHint } from './plan.ts'
export type { InfluxTarget, PolicyPart } from './plan.ts'
export { retentionPolicies, influxQl } from './v1.ts'

export interface ProvisionInfluxOptions {
  url: string
  /** 'auto': detect from /ping and /health */
  generation: InfluxGeneration | 'auto'
  auth: InfluxAuth
  target: InfluxTarget
  /** 2.x organization name (default: the only one the token sees) */
  org?: string
  /** 2.x bucket name of the raw policy (default: the database name); a tier's is `<bucket>_5m` ... */
  bucket?: string
  /** set a duration shorter than a policy or bucket has (drops the data older than it) */
  allowShorter?: boolean
  /** the duration flags given (--raw-duration ...): refused on 3.x, which has no policies */
  durationFlags?: string[]
}

export interface ProvisionInfluxResult {
  generation: InfluxGeneration
  /** the reported version, or 'not detected' when --generation was given */
  version: string
  steps: SetupStep[]
}

export async function provisionInflux(o: ProvisionInfluxOptions): Promise<ProvisionInfluxResult> {
  let generation: InfluxGeneration
  let version = 'not detected'
  if (o.generation === 'auto') {
    const d = await detectInflux(o.url, o.auth)
    generation = d.generation
    version = d.version
  } else generation = o.generation
  if (generation === 1 && o.auth.kind === 'token') throw new InfluxSetupError('InfluxDB 1.x takes a user and password (INFLUX_USERNAME / INFLUX_PASSWORD), not a token', 2)
  if (generation !== 2 && (o.org !== undefined || o.bucket !== undefined)) throw new InfluxSetupError(`--org and --bucket are for InfluxDB 2.x; this is ${generation}.x`, 2)
  if (generation === 3 && (o.durationFlags?.length ?? 0) > 0) {
    throw new InfluxSetupError(`--${o.durationFlags![0]}: InfluxDB 3 has no retention policies (the v1 API's rp names none there), so all tiers share one database without a retention period; leave INFLUX_RP and INFLUX_RP_5M/_1H/_1D unset`, 2)
  }
  const steps = generation === 1 ? await provisionV1(o.url, o.auth, o.target, o.allowShorter)
    : generation === 2 ? await provisionV2(o.url, o.auth, o.target, { org: o.org, bucket: o.bucket, allowShorter: o.allowShorter })
    : await provisionV3(o.url, o.auth, o.target)
  return { generation, version, steps }
}
