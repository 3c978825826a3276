/**
 * InfluxDB 1.x: the database and CivicNet's retention policy, through InfluxQL DDL on
 * POST /query (docs.influxdata.com/influxdb/v1/query_language/manage-database/). Idempotent:
 * what exists and matches is reported unchanged; a policy with another duration, shard
 * duration or default flag is ALTERed (data is never dropped).
 */
import { InfluxSetupError, errorText, influxRequest, jsonOf } from './http.ts'
import type { InfluxAuth } from './http.ts'
import { CIVICNET_RETENTION } from './plan.ts'
import type { InfluxTarget, SetupStep } from './plan.ts'

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

/** How a policy differs from what CivicNet needs, in words ('' when it matches). */
export function retentionDiff(rp: RetentionPolicyRow): string {
  const d: string[] = []
  if (rp.duration !== CIVICNET_RETENTION.durationShown) d.push(`duration ${rp.duration} -> INF`)
  if (rp.shardGroupDuration !== CIVICNET_RETENTION.shardDurationShown) d.push(`shard duration ${rp.shardGroupDuration} -> ${CIVICNET_RETENTION.shardDuration}`)
  if (!rp.default) d.push('not default -> default')
  return d.join(', ')
}

export async function provisionV1(url: string, auth: InfluxAuth, target: InfluxTarget): Promise<SetupStep[]> {
  const steps: SetupStep[] = []
  const dbs = (await influxQl(url, auth, 'SHOW DATABASES'))[0]?.values.map((v) => String(v[0])) ?? []
  if (dbs.includes(target.database)) steps.push({ outcome: 'unchanged', what: `database ${target.database}` })
  else {
    await influxQl(url, auth, `CREATE DATABASE ${ident(target.database)}`)
    steps.push({ outcome: 'created', what: `database ${target.database}` })
  }
  const { duration, shardDuration } = CIVICNET_RETENTION
  const want = `duration INF, shard duration ${shardDuration}, default`
  const rpName = `retention policy ${target.retentionPolicy} on ${target.database}`
  const rp = (await retentionPolicies(url, auth, target.database)).find((r) => r.name === target.retentionPolicy)
  const spec = `ON ${ident(target.database)} DURATION ${duration} REPLICATION 1 SHARD DURATION ${shardDuration} DEFAULT`
  if (!rp) {
    await influxQl(url, auth, `CREATE RETENTION POLICY ${ident(target.retentionPolicy)} ${spec}`)
    steps.push({ outcome: 'created', what: `${rpName}: ${want}` })
  } else {
    const diff = retentionDiff(rp)
    if (!diff) steps.push({ outcome: 'unchanged', what: `${rpName}: ${want}` })
    else {
      // ALTER keeps the data; a shorter duration is never set here, so nothing is dropped
      await influxQl(url, auth, `ALTER RETENTION POLICY ${ident(target.retentionPolicy)} ON ${ident(target.database)} DURATION ${duration} SHARD DURATION ${shardDuration} DEFAULT`)
      steps.push({ outcome: 'changed', what: `${rpName}: ${diff}` })
    }
  }
  return steps
}
