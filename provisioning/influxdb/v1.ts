/**
 * InfluxDB 1.x: the database and CivicNet's retention policies (raw, DEFAULT, and one per
 * rollup tier; plan.ts), through InfluxQL DDL on POST /query
 * (docs.influxdata.com/influxdb/v1/query_language/manage-database/). Idempotent: what exists
 * and matches is reported unchanged; a policy with another duration, shard duration or (raw)
 * default flag is ALTERed. A shorter duration drops the data older than it, so it is only
 * set with allowShorter (--allow-shorter); otherwise nothing changes and the error says why.
 */
import { InfluxSetupError, errorText, influxRequest, jsonOf } from './http.ts'
import type { InfluxAuth } from './http.ts'
import { partName, policyPlan, shardDurationFor, shownDuration, shownMs } from './plan.ts'
import type { InfluxTarget, PolicyPlan, SetupStep } from './plan.ts'

interface QlResult { results?: { error?: string; series?: { columns: string[]; values?: unknown[][] }[] }[]; error?: string }

/** An InfluxQL identifier, double-quoted. */
export const ident = (s: string) => `"${s.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`

/** Runs one InfluxQL statement; errors say what was refused (credentials, admin privilege). */
export async function influxQl(url: string, auth: InfluxAuth, q: string, db?: string): Promise<{ columns: string[]; values: unknown[][] }[]> {
  const res = await influxRequest(url, 'POST', 'query', { auth, query: { q, ...(db ? { db } : {}) } })
  if (res.status === 401) {
    throw new InfluxSetupError(`InfluxDB refused the credentials (401 ${errorText(res)}): check INFLUX_USERNAME / INFLUX_PASSWORD (or --username / --password-file)`)
  }
  if (res.status === 403) throw new InfluxSetupError(`InfluxDB refused '${q.split(' ').slice(0, 3).join(' ')}' (403 ${errorText(res)}): the user needs admin privilege for database and retention policy changes`)
  const body = jsonOf<QlResult>(res, `InfluxQL '${q.slice(0, 40)}'`)
  const err = body.error ?? body.results?.find((r) => r.error)?.error
  if (err) {
    const admin = /admin privilege|not authorized/i.test(err)
    throw new InfluxSetupError(`InfluxDB refused '${q.split(' ').slice(0, 3).join(' ')}': ${err}${admin ? ' (the user needs admin privilege)' : ''}`)
  }
  // a series with no rows (SHOW DATABASES on an empty server) comes without `values`
  return (body.results?.[0]?.series ?? []).map((s) => ({ columns: s.columns, values: s.values ?? [] }))
}

export interface RetentionPolicyRow { name: string; duration: string; shardGroupDuration: string; default: boolean }

/** SHOW RETENTION POLICIES, as rows. */
export async function retentionPolicies(url: string, auth: InfluxAuth, database: string): Promise<RetentionPolicyRow[]> {
  const series = await influxQl(url, auth, `SHOW RETENTION POLICIES ON ${ident(database)}`)
  const s = series[0]
  if (!s) return []
  const col = (n: string) => s.columns.indexOf(n)
  return s.values.map((v) => ({ name: String(v[col('name')]), duration: String(v[col('duration')]), shardGroupDuration: String(v[col('shardGroupDuration')]), default: v[col('default')] === true }))
}

/** How a policy differs from its plan, in words ('' when it matches). */
export function retentionDiff(rp: RetentionPolicyRow, plan: PolicyPlan): string {
  const d: string[] = []
  const shard = shardDurationFor(plan.duration.ms)
  if (rp.duration !== shownDuration(plan.duration.ms)) d.push(`duration ${rp.duration} -> ${plan.duration.text}`)
  if (rp.shardGroupDuration !== shownDuration(shard.ms)) d.push(`shard duration ${rp.shardGroupDuration} -> ${shard.text}`)
  if (plan.default && !rp.default) d.push('not default -> default')
  return d.join(', ')
}

/** What a planned policy is, in words: 'duration 400d, shard duration 7d (rollup 5m)'. */
export function policyWords(plan: PolicyPlan): string {
  return `duration ${plan.duration.text}, shard duration ${shardDurationFor(plan.duration.ms).text}${plan.default ? ', default' : ''} (${plan.parts.map(partName).join(', ')})`
}

export async function provisionV1(url: string, auth: InfluxAuth, target: InfluxTarget, allowShorter = false): Promise<SetupStep[]> {
  const plans = policyPlan(target)
  const steps: SetupStep[] = []
  const dbs = (await influxQl(url, auth, 'SHOW DATABASES'))[0]?.values.map((v) => String(v[0])) ?? []
  const db = ident(target.database)
  if (dbs.includes(target.database)) steps.push({ outcome: 'unchanged', what: `database ${target.database}` })
  else {
    await influxQl(url, auth, `CREATE DATABASE ${db}`)
    steps.push({ outcome: 'created', what: `database ${target.database}` })
  }
  const existing = await retentionPolicies(url, auth, target.database)
  // every shortening is refused before anything changes
  if (!allowShorter) {
    for (const plan of plans) {
      const rp = existing.find((r) => r.name === plan.name)
      const had = rp ? shownMs(rp.duration) : NaN
      if (rp && (had === 0 ? plan.duration.ms !== 0 : plan.duration.ms !== 0 && plan.duration.ms < had)) {
        throw new InfluxSetupError(`retention policy ${plan.name} on ${target.database} keeps ${rp.duration}; ${plan.duration.text} would drop the data older than that: nothing changed (pass --allow-shorter to shorten it)`, 2)
      }
    }
  }
  for (const plan of plans) {
    const shard = shardDurationFor(plan.duration.ms).text
    const name = `retention policy ${plan.name} on ${target.database}`
    const rp = existing.find((r) => r.name === plan.name)
    const spec = `DURATION ${plan.duration.text} REPLICATION 1 SHARD DURATION ${shard}${plan.default ? ' DEFAULT' : ''}`
    if (!rp) {
      await influxQl(url, auth, `CREATE RETENTION POLICY ${ident(plan.name)} ON ${db} ${spec}`)
      steps.push({ outcome: 'created', what: `${name}: ${policyWords(plan)}` })
      continue
    }
    const diff = retentionDiff(rp, plan)
    if (!diff) steps.push({ outcome: 'unchanged', what: `${name}: ${policyWords(plan)}` })
    else {
      await influxQl(url, auth, `ALTER RETENTION POLICY ${ident(plan.name)} ON ${db} DURATION ${plan.duration.text} SHARD DURATION ${shard}${plan.default ? ' DEFAULT' : ''}`)
      steps.push({ outcome: 'changed', what: `${name}: ${diff}` })
    }
  }
  return steps
}
