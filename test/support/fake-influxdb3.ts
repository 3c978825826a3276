/**
 * A loopback server implementing the documented InfluxDB 3 Core/Enterprise HTTP API
 * endpoints that `civicnet provision influxdb` and `civicnet doctor` call; NOT a real
 * InfluxDB 3 (which cannot be installed here). Paths, methods, bodies and status codes follow
 * the InfluxDB 3 Core API spec (docs.influxdata.com/influxdb3/core/api/, influxdb3-core-openapi.yaml v3.8.0):
 *   GET /ping                          200 { version, revision, process_id }, x-influxdb-version: 3.8.0,
 *                                      x-influxdb-build: Core; 401 without a valid token (auth is on by default)
 *   GET /health                        200 "OK" (401 without a token)
 *   GET /api/v3/configure/database     200 { databases: [...] } (?format=json required: 400 without)
 *   POST /api/v3/configure/database    { db, retention_period? } -> 200; 409 when it exists; 400 for a bad name
 *   DELETE /api/v3/configure/table     ?db=&table= -> 200; 404 when absent
 *   POST /write, GET /query            v1 compatibility (?db=): 204 / 200 { results }; 404 for an unknown database
 * Tokens: an admin token may do everything; a resource token (Enterprise) only read and/or
 * write on named databases, 403 otherwise ("Access denied").
 */
import { createServer } from 'node:http'
import type { AddressInfo } from 'node:net'

export type FakeToken3 = { admin: true } | { admin: false; databases: Record<string, ('read' | 'write')[]> }

export interface FakeInflux3 {
  url: string
  requests: string[]
  /** database -> { retention, tables -> lines } */
  databases: Map<string, { retention?: string; tables: Map<string, string[]> }>
  close(): Promise<void>
}

export async function startFakeInflux3(options: { tokens: Record<string, FakeToken3> }): Promise<FakeInflux3> {
  const requests: string[] = []
  const databases: FakeInflux3['databases'] = new Map()
  const server = createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x')
    requests.push(`${req.method} ${u.pathname}`)
    let body = ''
    req.on('data', (d) => (body += d))
    req.on('end', () => {
      const send = (status: number, payload?: unknown, headers: Record<string, string> = {}) => {
        res.writeHead(status, payload === undefined ? headers : { 'content-type': typeof payload === 'string' ? 'text/plain' : 'application/json', ...headers })
        res.end(payload === undefined ? undefined : typeof payload === 'string' ? payload : JSON.stringify(payload))
      }
      const q = (k: string) => u.searchParams.get(k) ?? undefined
      const token = /^(?:Bearer|Token) (.+)$/.exec(req.headers.authorization ?? '')?.[1]
      const t = token !== undefined ? options.tokens[token] : undefined
      if (!t) return send(401, { error: 'the request was not authenticated' })
      const may = (db: string, what: 'read' | 'write') => t.admin || (t.databases[db] ?? []).includes(what)
      const denied = () => send(403, { error: 'Access denied' })
      const p = u.pathname
      if (p === '/ping') return send(200, { version: '3.8.0', revision: '83b589b883', process_id: 'b756d9e0-cecd-4f72-b6d0-19e2d4f8cbb7' }, { 'x-influxdb-version': '3.8.0', 'x-influxdb-build': 'Core' })
      if (p === '/health') return send(200, 'OK')
      if (p === '/api/v3/configure/database') {
        if (!t.admin) return denied()
        if (req.method === 'GET') {
          if (!q('format')) return send(400, { error: 'missing format' })
          return send(200, { databases: [...databases.keys()] })
        }
        if (req.method === 'POST') {
          const b = JSON.parse(body || '{}') as { db?: string; retention_period?: string }
          if (!b.db || !/^[a-zA-Z0-9]([a-zA-Z0-9-]*[a-zA-Z0-9])?$/.test(b.db)) return send(400, { error: 'invalid database name' })
          if (databases.has(b.db)) return send(409, { error: 'attempted to create a resource that already exists' })
          databases.set(b.db, { ...(b.retention_period ? { retention: b.retention_period } : {}), tables: new Map() })
          return send(200)
        }
      }
      if (p === '/api/v3/configure/table' && req.method === 'DELETE') {
        if (!t.admin) return denied()
        const db = databases.get(q('db') ?? '')
        if (!db || !db.tables.delete(q('table') ?? '')) return send(404, { error: 'table not found' })
        return send(200)
      }
      if (p === '/write' && req.method === 'POST') {
        const name = q('db') ?? ''
        if (!may(name, 'write')) return denied()
        // 3.x creates a database on first write; CivicNet provisions it first, so the fake refuses
        const db = databases.get(name)
        if (!db) return send(404, { error: `database not found: ${name}` })
        for (const line of body.split('\n').filter(Boolean)) {
          const table = line.split(/[ ,]/)[0]!
          db.tables.set(table, [...(db.tables.get(table) ?? []), line])
        }
        return send(204)
      }
      if (p === '/query') {
        const name = q('db') ?? ''
        if (!may(name, 'read')) return denied()
        const db = databases.get(name)
        if (!db) return send(404, { error: `database not found: ${name}` })
        const table = /FROM\s+"?([^"\s]+)"?/i.exec(q('q') ?? '')?.[1] ?? ''
        const lines = db.tables.get(table) ?? []
        return send(200, { results: [{ statement_id: 0, ...(lines.length ? { series: [{ name: table, columns: ['time', 'ok'], values: lines.map((l) => [Number(l.split(' ')[2]), 1]) }] } : {}) }] })
      }
      send(404, { error: 'not found' })
    })
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    requests,
    databases,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  }
}
