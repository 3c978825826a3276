/**
 * A FAKE Grafana: a loopback HTTP server implementing the documented Grafana HTTP API
 * endpoints `civicnet provision grafana` uses, because Grafana cannot be installed on these
 * machines (neither Debian nor npm ships it). It follows these pages (paths, methods,
 * bodies, status codes, the version/overwrite rules):
 * - Dashboard API, POST /api/dashboards/db and GET /api/dashboards/uid/:uid:
 *   https://grafana.com/docs/grafana/v8.5/http_api/dashboard/ (412 "version-mismatch" when a
 *   newer version exists and overwrite is false, 412 "name-exists" for the same title in
 *   the folder; reasons as in Grafana's pkg/services/dashboards/errors.go)
 * - Folder API, GET/POST /api/folders, PUT /api/folders/:uid:
 *   https://grafana.com/docs/grafana/v10.2/developers/http_api/folder/
 * - Data source API, GET/PUT /api/datasources/uid/:uid, POST /api/datasources:
 *   https://grafana.com/docs/grafana-cloud/developer-resources/api-reference/http-api/api-legacy/data_source/
 *   (secure fields are never returned, only `secureJsonFields: { key: true }`; 409 for a
 *   name already taken)
 * - Health API, GET /api/health (no auth): https://grafana.com/docs/grafana/latest/developers/http_api/other/
 * - Authentication: `Authorization: Bearer <service account token>`; 401 for an unknown
 *   token; 403 "Access denied" naming the permission for a role that lacks it (Viewer:
 *   reads dashboards and folders only; Editor: also writes them; Admin: also datasources).
 * What it does not model: nested folders, permissions per folder, file-provisioned
 * (read-only) items, dashboard versions history, organisations other than 1.
 */
import { createServer } from 'node:http'
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { AddressInfo } from 'node:net'

export type GrafanaRole = 'Viewer' | 'Editor' | 'Admin'
type Json = Record<string, any>

export interface FakeGrafana {
  /** http://127.0.0.1:PORT */
  url: string
  /** every request: 'METHOD /path' */
  requests: string[]
  datasources: Map<string, Json>
  folders: Map<string, Json>
  /** uid -> { dashboard, folderUid } as stored (with id, uid, version) */
  dashboards: Map<string, { dashboard: Json; folderUid: string }>
  close(): Promise<void>
}

const RANK: Record<GrafanaRole, number> = { Viewer: 0, Editor: 1, Admin: 2 }

/** Starts the fake on 127.0.0.1 and a free port; `tokens` maps each token to its role. */
export async function startFakeGrafana(tokens: Record<string, GrafanaRole>): Promise<FakeGrafana> {
  const requests: string[] = []
  const datasources = new Map<string, Json>()
  const secrets = new Map<string, Json>()
  const folders = new Map<string, Json>()
  const dashboards = new Map<string, { dashboard: Json; folderUid: string }>()
  let nextId = 1

  const send = (res: ServerResponse, status: number, body: unknown) => {
    res.writeHead(status, { 'Content-Type': 'application/json' })
    res.end(JSON.stringify(body))
  }
  const denied = (res: ServerResponse, permission: string) =>
    send(res, 403, { accessErrorId: 'ACE0000000001', message: `You'll need additional permissions to perform this action. Permissions needed: ${permission}`, title: 'Access denied' })
  const readBody = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let s = ''
      req.on('data', (d: Buffer) => (s += d))
      req.on('end', () => resolve(s))
    })
  const dsView = (uid: string): Json => {
    const d = datasources.get(uid)!
    return { ...d, secureJsonFields: Object.fromEntries(Object.keys(secrets.get(uid) ?? {}).map((k) => [k, true])) }
  }
  const slug = (title: string) => title.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '')

  const server = createServer(async (req, res) => {
    const path = (req.url ?? '/').split('?')[0]!
    const method = req.method ?? 'GET'
    requests.push(`${method} ${path}`)
    const raw = await readBody(req)
    if (method === 'GET' && path === '/api/health') return send(res, 200, { commit: 'fake', database: 'ok', version: '11.3.0-fake' })

    const auth = /^Bearer (.+)$/.exec(req.headers.authorization ?? '')
    const role = auth ? tokens[auth[1]!] : undefined
    if (!role) return send(res, 401, { extra: null, message: 'Invalid API key', messageId: 'api-keys.invalid', statusCode: 401, traceID: '' })
    const need = (r: GrafanaRole, permission: string) => {
      if (RANK[role] >= RANK[r]) return true
      denied(res, permission)
      return false
    }
    let body: Json = {}
    if (method === 'POST' || method === 'PUT') {
      try {
        body = JSON.parse(raw)
      } catch {
        return send(res, 400, { message: 'bad request data' })
      }
      if (!body || typeof body !== 'object') return send(res, 400, { message: 'bad request data' })
    }

    // data sources: Admin
    let m = /^\/api\/datasources\/uid\/([^/]+)$/.exec(path)
    if (m) {
      const uid = decodeURIComponent(m[1]!)
      if (method === 'GET') {
        if (!need('Admin', 'datasources:read')) return
        return datasources.has(uid) ? send(res, 200, dsView(uid)) : send(res, 404, { message: 'Data source not found' })
      }
      if (method === 'PUT') {
        if (!need('Admin', 'datasources:write')) return
        const old = datasources.get(uid)
        if (!old) return send(res, 404, { message: 'Data source not found' })
        if ([...datasources.values()].some((d) => d.uid !== uid && d.name === body.name)) return send(res, 409, { message: 'data source with the same name already exists' })
        const { secureJsonData, ...rest } = body
        datasources.set(uid, { ...old, ...rest, uid, id: old.id, version: old.version + 1 })
        secrets.set(uid, { ...secrets.get(uid), ...(secureJsonData ?? {}) })
        return send(res, 200, { datasource: dsView(uid), id: old.id, message: 'Datasource updated', name: body.name })
      }
    }
    if (path === '/api/datasources' && method === 'POST') {
      if (!need('Admin', 'datasources:create')) return
      if (!body.name || !body.type) return send(res, 400, { message: 'Validation error, need to specify name and type' })
      if ([...datasources.values()].some((d) => d.name === body.name)) return send(res, 409, { message: 'data source with the same name already exists' })
      const uid = body.uid ?? `ds${nextId}`
      if (datasources.has(uid)) return send(res, 409, { message: 'data source with the same uid already exists' })
      const { secureJsonData, ...rest } = body
      const id = nextId++
      datasources.set(uid, { access: 'proxy', basicAuth: false, basicAuthUser: '', database: '', isDefault: false, jsonData: {}, readOnly: false, typeLogoUrl: '', user: '', withCredentials: false, ...rest, id, orgId: 1, uid, version: 1 })
      secrets.set(uid, { ...(secureJsonData ?? {}) })
      return send(res, 200, { datasource: dsView(uid), id, message: 'Datasource added', name: body.name })
    }

    // folders: read Viewer, write Editor
    m = /^\/api\/folders\/([^/]+)$/.exec(path)
    if (m) {
      const uid = decodeURIComponent(m[1]!)
      const f = folders.get(uid)
      if (method === 'GET') {
        if (!need('Viewer', 'folders:read')) return
        return f ? send(res, 200, f) : send(res, 404, { message: 'folder not found', status: 'not-found' })
      }
      if (method === 'PUT') {
        if (!need('Editor', 'folders:write')) return
        if (!f) return send(res, 404, { message: 'folder not found', status: 'not-found' })
        if (!body.title) return send(res, 400, { message: 'folder title cannot be empty' })
        if (!body.overwrite && body.version !== f.version) return send(res, 412, { message: 'the folder has been changed by someone else', status: 'version-mismatch' })
        if ([...folders.values()].some((o) => o.uid !== uid && o.title === body.title)) return send(res, 409, { message: 'a folder or dashboard in the general folder with the same name already exists' })
        const next = { ...f, title: body.title, version: f.version + 1 }
        folders.set(uid, next)
        return send(res, 200, next)
      }
    }
    if (path === '/api/folders' && method === 'POST') {
      if (!need('Editor', 'folders:create')) return
      if (!body.title) return send(res, 400, { message: 'folder title cannot be empty' })
      const uid = body.uid ?? `f${nextId}`
      if (folders.has(uid)) return send(res, 409, { message: 'a folder with the same uid already exists' })
      if ([...folders.values()].some((o) => o.title === body.title)) return send(res, 409, { message: 'a folder or dashboard in the general folder with the same name already exists' })
      const f = { id: nextId++, uid, title: body.title, url: `/dashboards/f/${uid}/${slug(body.title)}`, hasAcl: false, canSave: true, canEdit: true, canAdmin: true, version: 1 }
      folders.set(uid, f)
      return send(res, 200, f)
    }

    // dashboards: read Viewer, write Editor
    m = /^\/api\/dashboards\/uid\/([^/]+)$/.exec(path)
    if (m && method === 'GET') {
      if (!need('Viewer', 'dashboards:read')) return
      const d = dashboards.get(decodeURIComponent(m[1]!))
      if (!d) return send(res, 404, { message: 'Dashboard not found' })
      const folder = folders.get(d.folderUid)
      return send(res, 200, {
        dashboard: d.dashboard,
        meta: { type: 'db', canSave: RANK[role] >= 1, slug: slug(d.dashboard.title), url: `/d/${d.dashboard.uid}/${slug(d.dashboard.title)}`, version: d.dashboard.version, folderUid: d.folderUid, folderTitle: folder?.title ?? 'General', provisioned: false },
      })
    }
    if (path === '/api/dashboards/db' && method === 'POST') {
      if (!need('Editor', 'dashboards:write')) return
      const d = body.dashboard as Json | undefined
      if (!d || typeof d !== 'object') return send(res, 400, { message: 'bad request data' })
      if (!d.title || typeof d.title !== 'string') return send(res, 400, { message: 'Dashboard title cannot be empty', status: 'empty-name' })
      const folderUid = typeof body.folderUid === 'string' ? body.folderUid : ''
      if (folderUid && !folders.has(folderUid)) return send(res, 400, { message: 'folder not found', status: 'not-found' })
      let existing = d.uid ? dashboards.get(d.uid) : undefined
      if (!existing && d.id != null) {
        existing = [...dashboards.values()].find((x) => x.dashboard.id === d.id)
        if (!existing) return send(res, 404, { message: 'Dashboard not found', status: 'not-found' })
      }
      if (existing && !body.overwrite && d.version !== existing.dashboard.version) {
        return send(res, 412, { message: 'The dashboard has been changed by someone else', status: 'version-mismatch' })
      }
      const uid: string = existing?.dashboard.uid ?? d.uid ?? `d${nextId}`
      const clash = [...dashboards.values()].find((x) => x.dashboard.uid !== uid && x.folderUid === folderUid && x.dashboard.title === d.title)
      if (clash) {
        if (!body.overwrite) return send(res, 412, { message: 'A dashboard with the same name in the folder already exists', status: 'name-exists' })
        dashboards.delete(clash.dashboard.uid)
      }
      const id = existing?.dashboard.id ?? nextId++
      const version = existing ? existing.dashboard.version + 1 : 1
      dashboards.set(uid, { dashboard: { ...d, id, uid, version }, folderUid })
      return send(res, 200, { id, uid, url: `/d/${uid}/${slug(d.title)}`, status: 'success', version, slug: slug(d.title) })
    }
    send(res, 404, { message: 'Not found' })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    datasources,
    folders,
    dashboards,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  }
}
