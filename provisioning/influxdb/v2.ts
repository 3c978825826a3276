/**
 * InfluxDB 2.x: the organization, one bucket per retention policy of plan.ts (raw: the
 * database's name or --bucket; each tier's own policy: `<bucket>_5m` ...) with that policy's
 * retention, and the DBRP mapping db/rp -> bucket the v1 API (which the store speaks) needs
 * for each (the raw one default), then a write+read+delete probe in each bucket through that
 * v1 API with the token, so a missing permission is named before the collector meets it.
 * A shorter retention than a bucket has is only set with allowShorter (--allow-shorter). Endpoints as
 * documented in the InfluxDB OSS v2 API (docs.influxdata.com/influxdb/v2/api/):
 *   GET /api/v2/orgs?org=, GET|POST /api/v2/buckets, PATCH /api/v2/buckets/{id},
 *   GET|POST /api/v2/dbrps, PATCH /api/v2/dbrps/{id}, POST /write, GET /query, POST /api/v2/delete
 */
import { InfluxSetupError, errorText, influxRequest, jsonOf } from './http.ts'
import type { InfluxAuth, InfluxResponse } from './http.ts'
import { policyPlan } from './plan.ts'
import type { InfluxTarget, PolicyPlan, SetupStep } from './plan.ts'

export const PROBE_MEASUREMENT = 'civicnet_provision'

interface Bucket { id: string; name: string; orgID: string; retentionRules?: { type: string; everySeconds: number }[] }
interface Dbrp { id: string; database: string; retention_policy: string; bucketID: string; default: boolean; virtual?: boolean }

/** Turns a refused 2.x answer into words: which credential or permission is missing, for which step. */
function refused(res: InfluxResponse, step: string, permission: string): InfluxSetupError {
  if (res.status === 401) return new InfluxSetupError(`InfluxDB refused the token (401 ${errorText(res)}) while trying to ${step}: check INFLUX_TOKEN / --token-file`)
  if (res.status === 403) return new InfluxSetupError(`the token lacks the permission ${permission} (403 ${errorText(res)}), needed to ${step}`)
  return new InfluxSetupError(`InfluxDB answered ${res.status} (${errorText(res)}) while trying to ${step}`)
}

/** A bucket's retention in s (0: infinite): its longest expire rule, none meaning infinite. */
const retentionS = (b: Bucket) => {
  const rules = (b.retentionRules ?? []).filter((r) => r.type === 'expire')
  return rules.length === 0 || rules.some((r) => r.everySeconds === 0) ? 0 : Math.max(...rules.map((r) => r.everySeconds))
}
const retentionWords = (s: number) => (s === 0 ? 'infinite' : s % 86_400 === 0 ? `${s / 86_400}d` : `${s} s`)

export async function provisionV2(url: string, auth: InfluxAuth, target: InfluxTarget, options: { org?: string; bucket?: string; allowShorter?: boolean }): Promise<SetupStep[]> {
  if (auth.kind !== 'token') throw new InfluxSetupError('InfluxDB 2.x needs a token: set INFLUX_TOKEN or give --token-file (an all-access or operator token for the set-up)', 2)
  const plans = policyPlan(target)
  const steps: SetupStep[] = []

  // organization: the named one, or the only one the token can see
  const orgsRes = await influxRequest(url, 'GET', 'api/v2/orgs', { auth, query: { org: options.org } })
  if (orgsRes.status === 404 && options.org) throw new InfluxSetupError(`organization '${options.org}' not found (--org): list them with 'influx org list'`, 2)
  if (orgsRes.status !== 200) throw refused(orgsRes, 'read the organizations', 'read:orgs')
  const orgs = jsonOf<{ orgs?: { id: string; name: string }[] }>(orgsRes, 'GET /api/v2/orgs').orgs ?? []
  const org = options.org ? orgs.find((o) => o.name === options.org) : orgs.length === 1 ? orgs[0] : undefined
  if (!org) {
    throw new InfluxSetupError(options.org ? `organization '${options.org}' not found (--org)` : `the token sees ${orgs.length} organizations (${orgs.map((o) => o.name).join(', ') || 'none'}): pass --org NAME`, 2)
  }
  steps.push({ outcome: 'unchanged', what: `organization ${org.name} (${org.id})` })

  // the buckets as they are, and every shortening refused before anything changes
  const rawBucket = options.bucket ?? target.database
  const bucketOf = (plan: PolicyPlan) => (plan.default ? rawBucket : `${rawBucket}_${plan.parts[0]}`)
  const found = new Map<PolicyPlan, Bucket | undefined>()
  for (const plan of plans) {
    const name = bucketOf(plan)
    const listRes = await influxRequest(url, 'GET', 'api/v2/buckets', { auth, query: { orgID: org.id, name } })
    if (listRes.status !== 200 && listRes.status !== 404) throw refused(listRes, `look up bucket ${name}`, `read:orgs/${org.id}/buckets`)
    const bucket = listRes.status === 200 ? (jsonOf<{ buckets?: Bucket[] }>(listRes, 'GET /api/v2/buckets').buckets ?? []).find((b) => b.name === name) : undefined
    const want = plan.duration.ms / 1000
    if (bucket && !options.allowShorter && want !== 0 && (retentionS(bucket) === 0 || want < retentionS(bucket))) {
      throw new InfluxSetupError(`bucket ${name} keeps ${retentionWords(retentionS(bucket))}; ${plan.duration.text} would drop the data older than that: nothing changed (pass --allow-shorter to shorten it)`, 2)
    }
    found.set(plan, bucket)
  }

  for (const plan of plans) {
    const bucketName = bucketOf(plan)
    const rp = plan.name
    const want = plan.duration.ms / 1000
    const rules = [{ type: 'expire', everySeconds: want }]
    let bucket = found.get(plan)
    if (!bucket) {
      const res = await influxRequest(url, 'POST', 'api/v2/buckets', { auth, json: { orgID: org.id, name: bucketName, retentionRules: rules } })
      if (res.status !== 201) throw refused(res, `create bucket ${bucketName}`, `write:orgs/${org.id}/buckets`)
      bucket = jsonOf<Bucket>(res, 'POST /api/v2/buckets')
      steps.push({ outcome: 'created', what: `bucket ${bucketName} (${bucket.id}): retention ${retentionWords(want)}` })
    } else if (retentionS(bucket) !== want) {
      const was = retentionS(bucket)
      const res = await influxRequest(url, 'PATCH', `api/v2/buckets/${encodeURIComponent(bucket.id)}`, { auth, json: { retentionRules: rules } })
      if (res.status !== 200) throw refused(res, `change bucket ${bucketName}'s retention`, `write:orgs/${org.id}/buckets/${bucket.id}`)
      steps.push({ outcome: 'changed', what: `bucket ${bucketName} (${bucket.id}): retention ${retentionWords(was)} -> ${retentionWords(want)}` })
    } else steps.push({ outcome: 'unchanged', what: `bucket ${bucketName} (${bucket.id}): retention ${retentionWords(want)}` })

    // DBRP mapping db/rp -> bucket; the raw one is the database's default
    const mapping = `DBRP mapping ${target.database}/${rp} -> bucket ${bucketName}${plan.default ? ', default' : ''}`
    const dbrpsRes = await influxRequest(url, 'GET', 'api/v2/dbrps', { auth, query: { orgID: org.id, db: target.database, rp } })
    if (dbrpsRes.status !== 200) throw refused(dbrpsRes, 'read the DBRP mappings', `read:orgs/${org.id}/dbrp`)
    const dbrp = (jsonOf<{ content?: Dbrp[] }>(dbrpsRes, 'GET /api/v2/dbrps').content ?? []).find((d) => d.database === target.database && d.retention_policy === rp && !d.virtual)
    if (dbrp && dbrp.bucketID !== bucket.id) {
      throw new InfluxSetupError(`${target.database}/${rp} is already mapped to another bucket (${dbrp.bucketID}), not ${bucketName} (${bucket.id}): nothing changed; fix it with 'influx v1 dbrp update' or choose --db/--rp`)
    }
    if (!dbrp) {
      const res = await influxRequest(url, 'POST', 'api/v2/dbrps', { auth, json: { orgID: org.id, bucketID: bucket.id, database: target.database, retention_policy: rp, default: plan.default } })
      if (res.status !== 201) throw refused(res, `create the ${mapping}`, `write:orgs/${org.id}/dbrp`)
      steps.push({ outcome: 'created', what: mapping })
    } else if (plan.default && !dbrp.default) {
      const res = await influxRequest(url, 'PATCH', `api/v2/dbrps/${encodeURIComponent(dbrp.id)}`, { auth, query: { orgID: org.id }, json: { default: true } })
      if (res.status !== 200) throw refused(res, `make the ${mapping}`, `write:orgs/${org.id}/dbrp`)
      steps.push({ outcome: 'changed', what: `${mapping} (was not default)` })
    } else steps.push({ outcome: 'unchanged', what: mapping })

    // the token's permissions, by doing what the store does: write, read back, then delete the probe
    const bucketRef = `orgs/${org.id}/buckets/${bucket.id}`
    const nowMs = Date.now()
    const w = await influxRequest(url, 'POST', 'write', { auth, query: { db: target.database, rp, precision: 'ms' }, body: `${PROBE_MEASUREMENT} ok=1 ${nowMs}` })
    if (w.status !== 204) throw refused(w, `write to bucket ${bucketName} through the v1 API`, `write:${bucketRef}`)
    const r = await influxRequest(url, 'GET', 'query', { auth, query: { db: target.database, rp, q: `SELECT "ok" FROM "${PROBE_MEASUREMENT}"` } })
    if (r.status !== 200) throw refused(r, `read bucket ${bucketName} through the v1 API`, `read:${bucketRef}`)
    const d = await influxRequest(url, 'POST', 'api/v2/delete', { auth, query: { orgID: org.id, bucketID: bucket.id }, json: { start: new Date(nowMs - 1000).toISOString(), stop: new Date(nowMs + 1000).toISOString(), predicate: `_measurement="${PROBE_MEASUREMENT}"` } })
    if (d.status !== 204) throw refused(d, `delete the probe point from bucket ${bucketName}`, `write:${bucketRef}`)
    steps.push({ outcome: 'checked', what: `token can write, read and delete in bucket ${bucketName} through the v1 API (what the store uses)` })
  }
  return steps
}
