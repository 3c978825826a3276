/**
 * Brings a Grafana up to date with CivicNet's datasource, folder and dashboards through
 * Grafana's HTTP API (GET /api/health, /api/datasources/uid/:uid, /api/folders/:uid,
 * /api/dashboards/uid/:uid; POST /api/datasources, /api/folders, /api/dashboards/db; PUT
 * /api/datasources/uid/:uid, /api/folders/:uid). Idempotent: each item is read first and
 * written only when it differs from what would be sent, so a second run writes nothing.
 * Secrets cannot be read back from Grafana (it answers only which secure fields are set):
 * a secret already set counts as unchanged unless `rotateSecrets` sends it again.
 * Nothing here prints the token or a secret.
 */
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard'
import { sortKeys } from './canonical.ts'
import type { DatasourceBody } from './datasource.ts'

/** The Grafana to talk to. */
export interface GrafanaTarget {
  /** base URL, e.g. https://grafana.example.org */
  url: string
  /** a service account token (Bearer) */
  token: string
  /** per request, ms */
  timeoutMs: number
}

/** What should be there. */
export interface SyncPlan {
  /** null: leave the datasource alone (e.g. it is provisioned from a YAML file) */
  datasource: DatasourceBody | null
  folder: { uid: string; title: string }
  dashboards: readonly Dashboard[]
  /** save dashboards even when Grafana holds a newer version than the one read (overwrite: true) */
  overwrite: boolean
  /** send the datasource's secrets again even when Grafana already has them */
  rotateSecrets: boolean
}

export interface SyncResult {
  created: number
  updated: number
  unchanged: number
}

/** A failure to report as is (it names what failed and how to fix it); exit code 1. */
export class GrafanaError extends Error {
  constructor(message: string) {
    super(message)
    this.name = 'GrafanaError'
  }
}

interface Answer {
  status: number
  body: Record<string, unknown>
}

/** What each kind of request needs, for a 403. */
const NEEDS = {
  datasource: 'datasources:read, datasources:create and datasources:write (an Admin role, or --no-datasource to leave the datasource alone)',
  folder: 'folders:read, folders:create and folders:write (an Editor or Admin role)',
  dashboard: 'dashboards:read, dashboards:create and dashboards:write on the folder (an Editor or Admin role)',
} as const

const same = (a: unknown, b: unknown) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b))
const grafanaMessage = (a: Answer) => (typeof a.body.message === 'string' ? a.body.message : JSON.stringify(a.body))

function client(t: GrafanaTarget) {
  const base = t.url.replace(/\/+$/, '')
  return async function call(kind: keyof typeof NEEDS | 'health', what: string, method: string, path: string, body?: unknown, ok: number[] = [200]): Promise<Answer> {
    let res: Response
    try {
      res = await fetch(base + path, {
        method,
        headers: { Accept: 'application/json', ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}), ...(kind !== 'health' ? { Authorization: `Bearer ${t.token}` } : {}) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(t.timeoutMs),
      })
    } catch (err) {
      const e = err as Error & { cause?: { code?: string; message?: string } }
      const why = e.name === 'TimeoutError' ? `no answer within ${t.timeoutMs} ms` : (e.cause?.code ?? e.cause?.message ?? e.message)
      throw new GrafanaError(`cannot reach Grafana at ${base}: ${why}`)
    }
    const raw = await res.text()
    let parsed: Record<string, unknown> = {}
    try {
      const v: unknown = raw ? JSON.parse(raw) : {}
      parsed = v && typeof v === 'object' ? (v as Record<string, unknown>) : { message: String(v) }
    } catch {
      parsed = { message: raw.slice(0, 200) }
    }
    const a: Answer = { status: res.status, body: parsed }
    if (ok.includes(a.status)) return a
    if (a.status === 401) throw new GrafanaError('Grafana refused the token (401): check --token')
    if (a.status === 403 && kind !== 'health') throw new GrafanaError(`Grafana denied ${what} (403): the token needs ${NEEDS[kind]}. Grafana said: ${grafanaMessage(a)}`)
    const status = typeof a.body.status === 'string' ? ` ${a.body.status}` : ''
    throw new GrafanaError(`Grafana refused ${what} (${a.status}${status}): ${grafanaMessage(a)}`)
  }
}

/**
 * Makes Grafana hold `plan`, printing one line per item through `say` ("dashboard
 * civicnet-overview: unchanged") and a last line with the counts or "nothing to change".
 * Throws GrafanaError on the first failure (items before it stay done).
 */
export async function syncGrafana(target: GrafanaTarget, plan: SyncPlan, say: (line: string) => void): Promise<SyncResult> {
  const call = client(target)
  const result: SyncResult = { created: 0, updated: 0, unchanged: 0 }
  const done = (item: string, how: keyof SyncResult, detail = '') => {
    result[how]++
    say(`${item}: ${how}${detail}`)
  }

  const health = await call('health', 'the health check', 'GET', '/api/health')
  if (health.body.database !== 'ok') throw new GrafanaError(`Grafana at ${target.url} is not healthy: database ${JSON.stringify(health.body.database)}`)
  say(`grafana ${String(health.body.version ?? '(version not given)')} at ${target.url.replace(/\/+$/, '')}`)

  if (plan.datasource) {
    const ds = plan.datasource
    const item = `datasource ${ds.uid}`
    const got = await call('datasource', `reading ${item}`, 'GET', `/api/datasources/uid/${encodeURIComponent(ds.uid)}`, undefined, [200, 404])
    if (got.status === 404) {
      await call('datasource', `creating ${item}`, 'POST', '/api/datasources', ds)
      done(item, 'created')
    } else {
      const r = got.body
      const fields = ['name', 'type', 'access', 'url', 'user', 'basicAuth', 'isDefault', 'jsonData'] as const
      const changed: string[] = fields.filter((f) => !same(r[f] ?? (f === 'user' ? '' : null), ds[f]))
      const setSecrets = (r.secureJsonFields ?? {}) as Record<string, boolean>
      const secrets = Object.keys(ds.secureJsonData ?? {})
      const missing = secrets.filter((k) => !setSecrets[k])
      if (missing.length) changed.push(...missing.map((k) => `secureJsonData.${k}`))
      else if (plan.rotateSecrets && secrets.length) changed.push(...secrets.map((k) => `secureJsonData.${k}`))
      if (changed.length === 0) done(item, 'unchanged', secrets.length ? ` (${secrets.join(', ')} already set in Grafana, not compared: --rotate-secrets sends it again)` : '')
      else {
        if (r.readOnly === true) throw new GrafanaError(`${item} is provisioned from a file in Grafana (read-only) and differs in ${changed.join(', ')}: change its YAML, or run with --no-datasource`)
        await call('datasource', `updating ${item}`, 'PUT', `/api/datasources/uid/${encodeURIComponent(ds.uid)}`, ds)
        done(item, 'updated', ` (${changed.join(', ')})`)
      }
    }
  }

  const folderItem = `folder ${plan.folder.uid}`
  const folder = await call('folder', `reading ${folderItem}`, 'GET', `/api/folders/${encodeURIComponent(plan.folder.uid)}`, undefined, [200, 404])
  if (folder.status === 404) {
    await call('folder', `creating ${folderItem}`, 'POST', '/api/folders', { uid: plan.folder.uid, title: plan.folder.title })
    done(folderItem, 'created', ` ("${plan.folder.title}")`)
  } else if (folder.body.title === plan.folder.title) done(folderItem, 'unchanged')
  else {
    await call('folder', `renaming ${folderItem}`, 'PUT', `/api/folders/${encodeURIComponent(plan.folder.uid)}`, { title: plan.folder.title, version: folder.body.version, overwrite: plan.overwrite })
    done(folderItem, 'updated', ` (title "${String(folder.body.title)}" -> "${plan.folder.title}")`)
  }

  for (const d of plan.dashboards) {
    const item = `dashboard ${d.uid}`
    const got = await call('dashboard', `reading ${item}`, 'GET', `/api/dashboards/uid/${encodeURIComponent(d.uid ?? '')}`, undefined, [200, 404])
    const remote = got.status === 200 ? (got.body as { dashboard: Record<string, unknown>; meta: Record<string, unknown> }) : null
    if (remote) {
      const { id: _id, version: _version, ...content } = remote.dashboard
      if (same(content, d) && remote.meta.folderUid === plan.folder.uid) {
        done(item, 'unchanged')
        continue
      }
    }
    const version = remote ? Number(remote.dashboard.version ?? remote.meta.version) : undefined
    const saved = await call('dashboard', `saving ${item}`, 'POST', '/api/dashboards/db', {
      dashboard: { ...d, id: remote ? remote.dashboard.id : null, ...(version !== undefined ? { version } : {}) },
      folderUid: plan.folder.uid,
      overwrite: plan.overwrite,
      message: 'civicnet provision grafana',
    }).catch((err: unknown) => {
      if (err instanceof GrafanaError && / \(412 version-mismatch\)/.test(err.message)) throw new GrafanaError(`${err.message} (someone saved ${item} after it was read: run again, or --force to overwrite)`)
      throw err
    })
    if (remote) done(item, 'updated', ` (version ${version} -> ${String(saved.body.version)})`)
    else done(item, 'created', ` (version ${String(saved.body.version)})`)
  }

  say(result.created + result.updated === 0 ? 'nothing to change' : `${result.created} created, ${result.updated} updated, ${result.unchanged} unchanged`)
  return result
}
