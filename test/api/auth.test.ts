import { createHash } from 'node:crypto'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createToken, listTokens, verifyToken } from '../../api/auth/tokens.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { openResidentReportStore } from '../../residents/store.ts'
import { saveRun } from '../../reports/runs.ts'
import { T, bearer, harness, type Harness } from './support.ts'

type Scope = 'public' | 'admin' | 'engineer' | 'analyst' | 'planner'
const SCOPES: Scope[] = ['public', 'admin', 'engineer', 'analyst', 'planner']
const ALL: Scope[] = SCOPES

interface Row {
  method: 'GET' | 'POST' | 'DELETE'
  /** what the test name shows */
  name: string
  /** the OpenAPI path, to check the table covers every route */
  route: string
  url: (h: Harness) => string
  body?: object | ((h: Harness) => object)
  allowed: Scope[]
  ok: number
}

/** An open incident in the harness's app state (sw-1 down), made once. */
function anIncident(h: Harness): number {
  const store = openIncidentStore(h.appState.db)
  const open = store.list({ state: 'open' })
  if (open.length > 0) return open[0]!.id
  store.update([{ rootCause: { kind: 'device', id: 'sw-1', probable: false, why: 'made by the role table' }, top: 'sw-1', devices: ['sw-1'], aps: [], neighborhoods: [] }], T)
  return store.list({ state: 'open' })[0]!.id
}

/** a fresh incident opened by hand, for each try at closing one */
function aHandOpened(h: Harness): number {
  return openIncidentStore(h.appState.db).openByHand({ neighborhood: 'north', summary: 'made by the role table', aps: [], neighborhoods: [], place: null }, 'test', T).id
}

function aReport(h: Harness): string {
  return openResidentReportStore(h.appState.db).create({ kind: 'slow', neighborhood: 'north', lon: null, lat: null, near: null, contact: null, incidentId: null }, T).tracking
}

const TABLE_PASSWORD = 'role table passphrase 1'
let made = 0

/** Every route x every scope: who gets an answer, who gets 401 (no token) or 403 (wrong role). */
const TABLE: Row[] = [
  { method: 'GET', name: '/api/health', route: '/api/health', url: () => '/api/health', allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/meta/metrics', route: '/api/meta/metrics', url: () => '/api/meta/metrics', allowed: ALL, ok: 200 },
  // CivicNet's own health for Prometheus (text format), scraped with an engineer's token
  { method: 'GET', name: '/api/metrics', route: '/api/metrics', url: () => '/api/metrics', allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'GET', name: '/api/whoami', route: '/api/whoami', url: () => '/api/whoami', allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/meta', route: '/api/meta', url: () => '/api/meta', allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/neighborhoods', route: '/api/neighborhoods', url: () => '/api/neighborhoods', allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/neighborhoods/north', route: '/api/neighborhoods/{id}', url: () => '/api/neighborhoods/north', allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/series?metric=wifi_clients&neighborhood=north', route: '/api/series', url: () => '/api/series?metric=wifi_clients&neighborhood=north', allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/series?metric=wifi_clients&device=ap-1', route: '/api/series', url: () => '/api/series?metric=wifi_clients&device=ap-1', allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'GET', name: '/api/devices', route: '/api/devices', url: () => '/api/devices', allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'GET', name: '/api/devices/ap-1', route: '/api/devices/{id}', url: () => '/api/devices/ap-1', allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'GET', name: '/api/links', route: '/api/links', url: () => '/api/links', allowed: ['admin', 'engineer', 'planner'], ok: 200 },
  { method: 'GET', name: '/api/links/fib-1', route: '/api/links/{id}', url: () => '/api/links/fib-1', allowed: ['admin', 'engineer', 'planner'], ok: 200 },
  { method: 'GET', name: '/api/events', route: '/api/events', url: () => '/api/events', allowed: ['admin', 'engineer'], ok: 200 },
  // the harness's day T (2026-01-15, UTC) is open; its data begins the day before
  { method: 'GET', name: '/api/reports?from=2026-01-15&to=2026-01-15', route: '/api/reports', url: () => '/api/reports?from=2026-01-15&to=2026-01-15', allowed: ['admin', 'analyst'], ok: 200 },
  { method: 'GET', name: '/api/reports/runs', route: '/api/reports/runs', url: () => '/api/reports/runs', allowed: ['admin', 'analyst'], ok: 200 },
  {
    method: 'GET',
    name: '/api/reports/runs/:id',
    route: '/api/reports/runs/{id}',
    url: (h) => {
      const params = { from: '2026-01-15', to: '2026-01-15', kind: 'range', name: '', neighborhoods: 'all' as const, availabilityTargetPct: 99.45 }
      return `/api/reports/runs/${saveRun(h.appState.db, { door: 'api', format: 'json', requestedBy: 'role table', params, dataVersion: 'i1.0', generatedAt: '2026-01-15T12:00:00.000Z', open: true, json: '{}' }).id}`
    },
    allowed: ['admin', 'analyst'],
    ok: 200,
  },
  { method: 'GET', name: '/api/incidents', route: '/api/incidents', url: () => '/api/incidents', allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'GET', name: '/api/incidents/:id', route: '/api/incidents/{id}', url: (h) => `/api/incidents/${anIncident(h)}`, allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'POST', name: '/api/incidents/:id/ack', route: '/api/incidents/{id}/ack', url: (h) => `/api/incidents/${anIncident(h)}/ack`, allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'POST', name: '/api/incidents/:id/notes', route: '/api/incidents/{id}/notes', url: (h) => `/api/incidents/${anIncident(h)}/notes`, body: { text: 'checked in the role table' }, allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'POST', name: '/api/incidents/:id/eta', route: '/api/incidents/{id}/eta', url: (h) => `/api/incidents/${anIncident(h)}/eta`, body: { restoreByMs: T + 7_200_000 }, allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'POST', name: '/api/incidents', route: '/api/incidents', url: () => '/api/incidents', body: { summary: 'opened in the role table', neighborhood: 'north' }, allowed: ['admin', 'engineer'], ok: 201 },
  { method: 'POST', name: '/api/incidents/:id/close', route: '/api/incidents/{id}/close', url: (h) => `/api/incidents/${aHandOpened(h)}/close`, body: { text: 'closed in the role table' }, allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'GET', name: '/api/status', route: '/api/status', url: () => '/api/status', allowed: ALL, ok: 200 },
  { method: 'POST', name: '/api/resident-reports', route: '/api/resident-reports', url: () => '/api/resident-reports', body: { kind: 'slow', neighborhood: 'north' }, allowed: ALL, ok: 201 },
  { method: 'GET', name: '/api/resident-reports/known', route: '/api/resident-reports/known', url: () => '/api/resident-reports/known?neighborhood=north', allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/resident-reports/track/:tracking', route: '/api/resident-reports/track/{tracking}', url: (h) => `/api/resident-reports/track/${aReport(h)}`, allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/resident-reports', route: '/api/resident-reports', url: () => '/api/resident-reports', allowed: ['admin', 'engineer'], ok: 200 },
  { method: 'GET', name: '/api/reports/operations', route: '/api/reports/operations', url: () => '/api/reports/operations?month=2026-01', allowed: ['admin', 'engineer', 'analyst'], ok: 200 },
  { method: 'GET', name: '/api/planning', route: '/api/planning', url: () => '/api/planning', allowed: ['admin', 'planner', 'analyst'], ok: 200 },
  { method: 'GET', name: '/api/planning/coverage', route: '/api/planning/coverage', url: () => '/api/planning/coverage', allowed: ['admin', 'planner', 'analyst'], ok: 200 },
  { method: 'GET', name: '/api/exports/:what', route: '/api/exports/{what}', url: () => '/api/exports/neighborhoods', allowed: ALL, ok: 200 },
  { method: 'GET', name: '/api/exports/aps', route: '/api/exports/aps', url: () => '/api/exports/aps', allowed: ['admin', 'engineer', 'analyst', 'planner'], ok: 200 },
  { method: 'GET', name: '/api/exports/ap_days', route: '/api/exports/ap_days', url: () => '/api/exports/ap_days', allowed: ['admin', 'engineer', 'analyst', 'planner'], ok: 200 },
  { method: 'GET', name: '/api/alerts', route: '/api/alerts', url: () => '/api/alerts', allowed: ['admin', 'engineer'], ok: 200 },
  // the harness's app makes no backups (no BackupService): an admin gets past the guard to
  // 409 CN_ERR_BACKUP_UNAVAILABLE; test/backup/demo.test.ts posts to a demo that makes them
  { method: 'POST', name: '/api/backups', route: '/api/backups', url: () => '/api/backups', allowed: ['admin'], ok: 409 },
  { method: 'GET', name: '/api/tokens', route: '/api/tokens', url: () => '/api/tokens', allowed: ['admin'], ok: 200 },
  { method: 'POST', name: '/api/tokens', route: '/api/tokens', url: () => '/api/tokens', body: { role: 'analyst', label: 'made in the role table' }, allowed: ['admin'], ok: 201 },
  // signing in is public; a token beside it changes nothing. Without a cookie the later steps have no ticket: 401 for everyone.
  { method: 'GET', name: '/api/session', route: '/api/session', url: () => '/api/session', allowed: ALL, ok: 200 },
  { method: 'POST', name: '/api/session', route: '/api/session', url: () => '/api/session', body: { username: 'table-planner', password: TABLE_PASSWORD }, allowed: ALL, ok: 200 },
  { method: 'POST', name: '/api/session/mfa', route: '/api/session/mfa', url: () => '/api/session/mfa', body: { code: '123456' }, allowed: ALL, ok: 401 },
  { method: 'POST', name: '/api/session/mfa/enrolment', route: '/api/session/mfa/enrolment', url: () => '/api/session/mfa/enrolment', allowed: ALL, ok: 401 },
  { method: 'POST', name: '/api/session/mfa/enrolment/confirm', route: '/api/session/mfa/enrolment/confirm', url: () => '/api/session/mfa/enrolment/confirm', body: { code: '123456' }, allowed: ALL, ok: 401 },
  { method: 'POST', name: '/api/session/password', route: '/api/session/password', url: () => '/api/session/password', body: { current: TABLE_PASSWORD, next: 'a new table password 2' }, allowed: ALL, ok: 401 },
  // this harness has no identity provider: 404 CN_ERR_OIDC_UNAVAILABLE for everyone (test/api/oidc.test.ts has one)
  { method: 'GET', name: '/api/session/oidc', route: '/api/session/oidc', url: () => '/api/session/oidc', allowed: ALL, ok: 404 },
  { method: 'GET', name: '/api/session/oidc/callback', route: '/api/session/oidc/callback', url: () => '/api/session/oidc/callback?code=x&state=y', allowed: ALL, ok: 404 },
  { method: 'POST', name: '/api/session/sign-out', route: '/api/session/sign-out', url: () => '/api/session/sign-out', allowed: ALL, ok: 200 },
  // staff accounts and the audit log: admin only
  { method: 'GET', name: '/api/users', route: '/api/users', url: () => '/api/users', allowed: ['admin'], ok: 200 },
  { method: 'POST', name: '/api/users', route: '/api/users', url: () => '/api/users', body: () => ({ username: `table-new-${++made}`, displayName: 'Made by the role table', role: 'analyst' }), allowed: ['admin'], ok: 201 },
  { method: 'GET', name: '/api/users/:username', route: '/api/users/{username}', url: () => '/api/users/table-planner', allowed: ['admin'], ok: 200 },
  { method: 'POST', name: '/api/users/:username/disable', route: '/api/users/{username}/disable', url: () => '/api/users/table-analyst/disable', allowed: ['admin'], ok: 200 },
  { method: 'POST', name: '/api/users/:username/enable', route: '/api/users/{username}/enable', url: () => '/api/users/table-analyst/enable', allowed: ['admin'], ok: 200 },
  { method: 'POST', name: '/api/users/:username/reset-mfa', route: '/api/users/{username}/reset-mfa', url: () => '/api/users/table-analyst/reset-mfa', allowed: ['admin'], ok: 200 },
  { method: 'POST', name: '/api/users/:username/reset-password', route: '/api/users/{username}/reset-password', url: () => '/api/users/table-analyst/reset-password', allowed: ['admin'], ok: 200 },
  { method: 'POST', name: '/api/users/:username/role', route: '/api/users/{username}/role', url: () => '/api/users/table-analyst/role', body: { role: 'planner' }, allowed: ['admin'], ok: 200 },
  { method: 'GET', name: '/api/audit', route: '/api/audit', url: () => '/api/audit', allowed: ['admin'], ok: 200 },
  {
    method: 'DELETE',
    name: '/api/tokens/:id',
    route: '/api/tokens/{id}',
    url: (h) => {
      createToken(h.appState.db, 'planner', 'to revoke')
      return `/api/tokens/${listTokens(h.appState.db).at(-1)!.id}`
    },
    allowed: ['admin'],
    ok: 204,
  },
]

const test = suite<{ h: Harness }>('auth: tokens and roles', {} as { h: Harness })
test.before(async (ctx) => {
  // the role table sends each route once per scope: no per-address report limit in the way
  ctx.h = await harness({ residentReports: { max: 1000, windowMs: 60_000 } })
  const cli = { name: 'cli:test', address: null }
  await ctx.h.accounts.addUser(cli, { username: 'table-planner', displayName: 'Table Planner', role: 'planner', password: TABLE_PASSWORD }, Date.now())
  await ctx.h.accounts.addUser(cli, { username: 'table-analyst', displayName: 'Table Analyst', role: 'analyst', password: TABLE_PASSWORD }, Date.now())
  // a poll the day before T, so the stored data covers the report period the table asks for
  await ctx.h.store.write([{ metric: 'device_up', device: 'sw-1', neighborhood: '', instance: '', value: 1, timeMs: T - 36 * 3_600_000 }])
})
test.after(async (ctx) => {
  await ctx.h.close()
})

for (const row of TABLE) {
  const who = (s: Scope) => (row.allowed.includes(s) ? row.ok : s === 'public' ? 401 : 403)
  test(`${row.method} ${row.name} answers ${SCOPES.map((s) => `${s} ${who(s)}`).join(', ')}`, async ({ h }) => {
    for (const scope of SCOPES) {
      const headers: Record<string, string> = scope === 'public' ? {} : bearer(h.tokens[scope])
      const body = typeof row.body === 'function' ? row.body(h) : row.body
      const res = await h.app.inject({ method: row.method, url: row.url(h), headers, ...(body ? { payload: body as object } : {}) })
      const expected = who(scope)
      assert.is(res.statusCode, expected, `${scope}: ${res.body}`)
      if (expected === 401 && !row.allowed.includes(scope)) assert.is(res.json().code, 'CN_ERR_UNAUTHENTICATED')
      if (expected === 403 && !row.allowed.includes(scope)) {
        assert.is(res.json().code, 'CN_ERR_FORBIDDEN')
        assert.match(res.json().message, `role '${scope}' may not ${row.method} `)
      }
    }
  })
}

test('the role table covers every route in the OpenAPI document', async ({ h }) => {
  const doc = (await h.app.inject({ method: 'GET', url: '/docs/json' })).json()
  const documented = Object.entries(doc.paths as Record<string, Record<string, unknown>>)
    .flatMap(([path, ops]) => Object.keys(ops).map((m) => `${m.toUpperCase()} ${path}`))
    .sort()
  const tabled = [...new Set(TABLE.map((r) => `${r.method} ${r.route}`))].sort()
  assert.equal(tabled, documented)
})

test('stores tokens only as SHA-256 hashes and shows the plaintext once', async ({ h }) => {
  const res = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(h.tokens.admin), payload: { role: 'planner', label: 'city planning office' } })
  assert.is(res.statusCode, 201)
  const { token, id, role, label, lastUsedMs } = res.json()
  assert.match(token, /^cn_[A-Za-z0-9_-]{43}$/)
  assert.equal([role, label, lastUsedMs], ['planner', 'city planning office', null])
  const rows = h.appState.db.prepare('SELECT * FROM api_tokens').all() as Record<string, unknown>[]
  assert.not.match(JSON.stringify(rows), token)
  assert.is(rows.find((r) => r.id === id)!.sha256, createHash('sha256').update(token).digest('hex'))
  const list = (await h.app.inject({ method: 'GET', url: '/api/tokens', headers: bearer(h.tokens.admin) })).json()
  assert.not.match(JSON.stringify(list), token)
  assert.not.match(JSON.stringify(list), 'sha256')
  const who = (await h.app.inject({ method: 'GET', url: '/api/whoami', headers: bearer(token) })).json()
  assert.equal(who, { scope: 'planner', label: 'city planning office' })
  assert.ok(verifyToken(h.appState.db, token)!.lastUsedMs !== null)
})

test('refuses an unknown, malformed or revoked token with 401 CN_ERR_TOKEN_INVALID, even on public routes', async ({ h }) => {
  let res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods', headers: bearer('cn_not-a-real-token') })
  assert.equal([res.statusCode, res.json().code, res.json().message], [401, 'CN_ERR_TOKEN_INVALID', 'the API token is not valid: unknown or revoked token'])
  res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods', headers: { authorization: `Basic ${h.tokens.admin}` } })
  assert.equal([res.statusCode, res.json().message], [401, 'the API token is not valid: the Authorization header must be "Bearer <token>"'])
  const token = createToken(h.appState.db, 'engineer', 'short-lived')
  const id = listTokens(h.appState.db).at(-1)!.id
  assert.is((await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(token) })).statusCode, 200)
  assert.is((await h.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: bearer(h.tokens.admin) })).statusCode, 204)
  res = await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(token) })
  assert.equal([res.statusCode, res.json().code], [401, 'CN_ERR_TOKEN_INVALID'])
  res = await h.app.inject({ method: 'DELETE', url: `/api/tokens/${id}`, headers: bearer(h.tokens.admin) })
  assert.equal([res.statusCode, res.json().code, res.json().message], [404, 'CN_ERR_TOKEN_NOT_FOUND', `API token '${id}' not found (field 'id')`])
})

test('answers malformed JSON and bad fields in a body with 400 naming what is wrong', async ({ h }) => {
  let res = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: { ...bearer(h.tokens.admin), 'content-type': 'application/json' }, payload: '{"role": "admin",' })
  assert.equal([res.statusCode, res.json().code], [400, 'CN_ERR_MALFORMED_JSON'])
  assert.match(res.json().message, /^the request body is not valid JSON: /)
  res = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(h.tokens.admin), payload: { role: 'mayor', label: 'x' } })
  assert.equal([res.statusCode, res.json().code, res.json().message], [400, 'CN_ERR_VALIDATION', 'invalid request: body.role must be one of admin, engineer, analyst, planner'])
  res = await h.app.inject({ method: 'POST', url: '/api/tokens', headers: bearer(h.tokens.admin), payload: { role: 'admin' } })
  assert.is(res.json().message, 'invalid request: body.label is required')
})

test('checks the token before the input, so a stranger learns nothing from validation messages', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/devices/NOT%20AN%20ID' })
  assert.equal([res.statusCode, res.json().code], [401, 'CN_ERR_UNAUTHENTICATED'])
})

test('never writes a token to the log', async ({ h }) => {
  await h.app.inject({ method: 'GET', url: `/api/devices?x=${T}`, headers: bearer(h.tokens.engineer) })
  const text = JSON.stringify(h.logs)
  assert.ok(h.logs.length > 0)
  for (const t of Object.values(h.tokens)) assert.not.match(text, t)
})

test.run()
