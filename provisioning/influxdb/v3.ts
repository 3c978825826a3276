/**
 * InfluxDB 3 (Core/Enterprise): the database, with no retention period (data does not
 * expire; plan.ts says why), then a write+read probe through the v1 API the store speaks.
 * Endpoints as documented in the InfluxDB 3 Core API (docs.influxdata.com/influxdb3/core/api/,
 * spec influxdb3-core-openapi.yaml v3.8.0):
 *   GET /api/v3/configure/database?format=json -> { databases: [...] }
 *   POST /api/v3/configure/database { db } -> 200, 409 when it exists
 *   POST /write?db=, GET /query?db=, DELETE /api/v3/configure/table?db=&table=
 * Tokens go as `Authorization: Bearer`, which every 3.x endpoint accepts.
 *
 * No retention policy per tier here: 3.x has no retention policies, only a database's
 * retention period (immutable on Core). The v1 API's `rp` names no policy: InfluxDB 3
 * Cloud's naming rules map db+rp to a database literally named `db/rp`
 * (docs.influxdata.com/influxdb3/cloud/reference/naming-restrictions/), and Core allows 5
 * databases in all. So on 3.x all tiers share this one database, INFLUX_RP and
 * INFLUX_RP_5M/_1H/_1D stay unset, and the duration flags are refused (index.ts).
 */
import { InfluxSetupError, errorText, influxRequest, jsonOf } from './http.ts'
import type { InfluxAuth, InfluxResponse } from './http.ts'
import type { InfluxTarget, SetupStep } from './plan.ts'
import { PROBE_MEASUREMENT } from './v2.ts'

function refused(res: InfluxResponse, step: string, need: string): InfluxSetupError {
  if (res.status === 401) return new InfluxSetupError(`InfluxDB refused the token (401 ${errorText(res)}) while trying to ${step}: check INFLUX_TOKEN / --token-file`)
  if (res.status === 403) return new InfluxSetupError(`the token lacks ${need} (403 ${errorText(res)}), needed to ${step}`)
  return new InfluxSetupError(`InfluxDB answered ${res.status} (${errorText(res)}) while trying to ${step}`)
}

/** Database names in the list answer: the documented `{ databases: [..] }`, or the rows `[{ "iox::database": .. }]` that 3.x servers send. */
function databaseNames(body: unknown): string[] {
  if (Array.isArray(body)) return body.map((r) => String((r as Record<string, unknown>)['iox::database'] ?? ''))
  const list = (body as { databases?: unknown[] }).databases ?? []
  return list.map((d) => (typeof d === 'string' ? d : String((d as Record<string, unknown>)['iox::database'] ?? '')))
}

export async function provisionV3(url: string, auth: InfluxAuth, target: InfluxTarget): Promise<SetupStep[]> {
  if (auth.kind !== 'token') throw new InfluxSetupError('InfluxDB 3 needs a token: set INFLUX_TOKEN or give --token-file (an admin token for the set-up)', 2)
  if (!/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(target.database)) {
    throw new InfluxSetupError(`--db '${target.database}': InfluxDB 3 database names are letters, digits and inner hyphens only (no underscores)`, 2)
  }
  const steps: SetupStep[] = []
  const o = { auth, bearer: true }
  const list = await influxRequest(url, 'GET', 'api/v3/configure/database', { ...o, query: { format: 'json' } })
  if (list.status !== 200) throw refused(list, 'list the databases', 'an admin token')
  if (databaseNames(jsonOf(list, 'GET /api/v3/configure/database')).includes(target.database)) {
    steps.push({ outcome: 'unchanged', what: `database ${target.database}` })
  } else {
    const res = await influxRequest(url, 'POST', 'api/v3/configure/database', { ...o, json: { db: target.database } })
    if (res.status === 409) steps.push({ outcome: 'unchanged', what: `database ${target.database}` })
    else if (res.status === 200 || res.status === 201) steps.push({ outcome: 'created', what: `database ${target.database}: no retention period (data does not expire)` })
    else throw refused(res, `create database ${target.database}`, 'an admin token')
  }
  const nowMs = Date.now()
  const w = await influxRequest(url, 'POST', 'write', { ...o, query: { db: target.database, precision: 'ms' }, body: `${PROBE_MEASUREMENT} ok=1 ${nowMs}` })
  if (w.status !== 204) throw refused(w, `write to database ${target.database} through the v1 API`, `write permission on database ${target.database}`)
  const r = await influxRequest(url, 'GET', 'query', { ...o, query: { db: target.database, q: `SELECT "ok" FROM "${PROBE_MEASUREMENT}"` } })
  if (r.status !== 200) throw refused(r, `read database ${target.database} through the v1 API`, `read permission on database ${target.database}`)
  const d = await influxRequest(url, 'DELETE', 'api/v3/configure/table', { ...o, query: { db: target.database, table: PROBE_MEASUREMENT } })
  if (d.status !== 200) throw refused(d, `delete the probe table ${PROBE_MEASUREMENT}`, 'an admin token')
  steps.push({ outcome: 'checked', what: `token can write and read database ${target.database} through the v1 API (what the store uses)` })
  return steps
}
