/**
 * A loopback server implementing the documented InfluxDB OSS v2 API endpoints that
 * `civicnet provision influxdb` and `civicnet doctor` call; NOT a real InfluxDB 2.x (which
 * cannot be installed here). Paths, methods, bodies and status codes follow
 * docs.influxdata.com/influxdb/v2/api/ (ping, health, orgs, buckets, dbrps, delete) and the
 * v1 compatibility API (/write, /query: docs.influxdata.com/influxdb/v2/reference/api/influxdb-1x/):
 *   GET /ping            204, X-Influxdb-Version: v2.7.10, X-Influxdb-Build: OSS
 *   GET /health          200 { name, message, status: 'pass', checks: [], version, commit }
 *   GET /api/v2/orgs     200 { orgs }  (?org= filters; 404 when that org does not exist)
 *   GET /api/v2/buckets  200 { buckets } (?orgID=&name=);  POST 201 bucket;  PATCH /{id} 200 bucket
 *   GET /api/v2/dbrps    200 { content } (?orgID=&db=&rp=); POST 201 { content: dbrp }; PATCH /{id} 200
 *   POST /write          204 (?db=&rp= resolved through the DBRP mappings; 404 when unmapped)
 *   GET /query           200 { results: [...] }
 *   POST /api/v2/delete  204
 * Errors are `{ code, message }`: 401 for an unknown token, 403 when its permissions lack
 * the one the request needs. Permissions are org-wide strings: read:orgs, read:buckets,
 * write:buckets, read:dbrp, write:dbrp.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export interface FakeInflux2 {
  url: string
  /** every request, "METHOD /path" */
  requests: string[]
  buckets: { id: string; name: string; orgID: string; retentionRules: { type: string; everySeconds: number }[] }[]
  dbrps: { id: string; orgID: string; bucketID: string; database: string; retention_policy: string; default: boolean; virtual: boolean }[]
  /** points written through /write, by bucket id */
  points: Map<string, string[]>
  close(): Promise<void>
}

export const ALL_V2_PERMISSIONS = ['read:orgs', 'read:buckets', 'write:buckets', 'read:dbrp', 'write:dbrp']

export async function startFakeInflux2(options: { tokens: Record<string, string[]>; orgs?: { id: string; name: string }[] }): Promise<FakeInflux2> {
  const orgs = options.orgs ?? [{ id: '0a1b2c3d4e5f6071', name: 'city' }]
  const state: Omit<FakeInflux2, 'url' | 'close'> = { requests: [], buckets: [], dbrps: [], points: new Map() }
  let nextId = 0x1000
  const id = () => (nextId++).toString(16).padStart(16, '0')

  const send = (res: ServerResponse, status: number, body?: unknown) => {
    res.writeHead(status, body === undefined ? {} : { 'content-type': 'application/json; charset=utf-8' })
    res.end(body === undefined ? undefined : JSON.stringify(body))
  }
  const fail = (res: ServerResponse, status: number, code: string, message: string) => send(res, status, { code, message })
  const readBody = (req: IncomingMessage) => new Promise<string>((resolve) => {
    let s = ''
    req.on('data', (d) => (s += d))
    req.on('end', () => resolve(s))
  })

  const server = createServer(async (req, res) => {
    const u = new URL(req.url ?? '/', 'http://x')
    const path = u.pathname
    state.requests.push(`${req.method} ${path}`)
    const q = (k: string) => u.searchParams.get(k) ?? undefined
    if (path === '/ping') {
      res.writeHead(204, { 'x-influxdb-version': 'v2.7.10', 'x-influxdb-build': 'OSS' })
      return res.end()
    }
    if (path === '/health') return send(res, 200, { name: 'influxdb', message: 'ready for queries and writes', status: 'pass', checks: [], version: 'v2.7.10', commit: 'f302d9730c' })
    const auth = /^(?:Token|Bearer) (.+)$/.exec(req.headers.authorization ?? '')?.[1]
    const perms = auth !== undefined ? options.tokens[auth] : undefined
    if (!perms) return fail(res, 401, 'unauthorized', 'unauthorized access')
    const need = (p: string) => {
      if (perms.includes(p)) return true
      fail(res, 403, 'forbidden', `insufficient permissions: ${p}`)
      return false
    }
    const body = req.method === 'GET' ? '' : await readBody(req)
    const json = () => JSON.parse(body || '{}') as Record<string, unknown>

    if (path === '/api/v2/orgs' && req.method === 'GET') {
      if (!need('read:orgs')) return
      const org = q('org')
      const list = org ? orgs.filter((o) => o.name === org) : orgs
      if (org && list.length === 0) return fail(res, 404, 'not found', `organization name "${org}" not found`)
      return send(res, 200, { orgs: list })
    }
    if (path === '/api/v2/buckets' && req.method === 'GET') {
      if (!need('read:buckets')) return
      return send(res, 200, { buckets: state.buckets.filter((b) => (!q('orgID') || b.orgID === q('orgID')) && (!q('name') || b.name === q('name'))) })
    }
    if (path === '/api/v2/buckets' && req.method === 'POST') {
      if (!need('write:buckets')) return
      const b = json() as { orgID: string; name: string; retentionRules?: { type: string; everySeconds: number }[] }
      if (state.buckets.some((x) => x.name === b.name && x.orgID === b.orgID)) return fail(res, 422, 'conflict', `bucket with name ${b.name} already exists`)
      const bucket = { id: id(), name: b.name, orgID: b.orgID, retentionRules: b.retentionRules ?? [] }
      state.buckets.push(bucket)
      return send(res, 201, bucket)
    }
    const bucketPatch = /^\/api\/v2\/buckets\/([^/]+)$/.exec(path)
    if (bucketPatch && req.method === 'PATCH') {
      if (!need('write:buckets')) return
      const b = state.buckets.find((x) => x.id === bucketPatch[1])
      if (!b) return fail(res, 404, 'not found', 'bucket not found')
      const patch = json() as { retentionRules?: { type: string; everySeconds: number }[] }
      if (patch.retentionRules) b.retentionRules = patch.retentionRules
      return send(res, 200, b)
    }
    if (path === '/api/v2/dbrps' && req.method === 'GET') {
      if (!need('read:dbrp')) return
      if (!q('orgID') && !q('org')) return fail(res, 400, 'invalid', 'either "org" or "orgID" must be provided')
      return send(res, 200, { content: state.dbrps.filter((d) => d.orgID === q('orgID') && (!q('db') || d.database === q('db')) && (!q('rp') || d.retention_policy === q('rp'))) })
    }
    if (path === '/api/v2/dbrps' && req.method === 'POST') {
      if (!need('write:dbrp')) return
      const d = json() as { orgID: string; bucketID: string; database: string; retention_policy: string; default?: boolean }
      if (!state.buckets.some((b) => b.id === d.bucketID)) return fail(res, 404, 'not found', 'bucket not found')
      const dbrp = { id: id(), orgID: d.orgID, bucketID: d.bucketID, database: d.database, retention_policy: d.retention_policy, default: d.default ?? false, virtual: false }
      state.dbrps.push(dbrp)
      return send(res, 201, { content: dbrp })
    }
    const dbrpPatch = /^\/api\/v2\/dbrps\/([^/]+)$/.exec(path)
    if (dbrpPatch && req.method === 'PATCH') {
      if (!need('write:dbrp')) return
      const d = state.dbrps.find((x) => x.id === dbrpPatch[1])
      if (!d) return fail(res, 404, 'not found', 'unable to find DBRP')
      const patch = json() as { default?: boolean }
      if (patch.default !== undefined) d.default = patch.default
      return send(res, 200, { content: d })
    }
    const mapped = () => state.dbrps.find((d) => d.database === q('db') && (q('rp') ? d.retention_policy === q('rp') : d.default))
    if (path === '/write' && req.method === 'POST') {
      const d = mapped()
      if (!d) return fail(res, 404, 'not found', `no dbrp mapping for database "${q('db')}" and retention policy "${q('rp') ?? ''}"`)
      if (!need('write:buckets')) return
      state.points.set(d.bucketID, [...(state.points.get(d.bucketID) ?? []), ...body.split('\n').filter(Boolean)])
      return send(res, 204)
    }
    if (path === '/query') {
      const d = mapped()
      if (!d) return fail(res, 404, 'not found', `no dbrp mapping for database "${q('db')}"`)
      if (!need('read:buckets')) return
      const lines = state.points.get(d.bucketID) ?? []
      return send(res, 200, { results: [{ statement_id: 0, ...(lines.length ? { series: [{ name: lines[0]!.split(/[ ,]/)[0], columns: ['time', 'value'], values: lines.map((l) => [Number(l.split(' ')[2]), 1]) }] } : {}) }] })
    }
    if (path === '/api/v2/delete' && req.method === 'POST') {
      if (!need('write:buckets')) return
      const b = state.buckets.find((x) => x.id === q('bucketID'))
      if (!b) return fail(res, 404, 'not found', 'bucket not found')
      const m = /_measurement="([^"]+)"/.exec(String(json().predicate ?? ''))?.[1]
      state.points.set(b.id, (state.points.get(b.id) ?? []).filter((l) => !m || !l.startsWith(m + ' ') && !l.startsWith(m + ',')))
      return send(res, 204)
    }
    fail(res, 404, 'not found', 'path not found')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const port = (server.address() as AddressInfo).port
  return {
    url: `http://127.0.0.1:${port}`,
    ...state,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
