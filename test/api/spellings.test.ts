/**
 * No route can be reached by a spelling that skips the guard. Every route of the OpenAPI
 * document is sent over a real socket (so the server's own parsing is what is tested, not
 * inject's) in every spelling a router or proxy accepts: %-escapes of each letter of 'api'
 * and of '/', twice-encoded, doubled and trailing slashes, mixed case, dot segments and the
 * absolute form. For each scope (no token, each role), a spelling answers exactly what the
 * plain spelling answers, or a 4xx; never a 2xx where the plain spelling is refused.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import http from 'node:http'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createToken, listTokens } from '../../api/auth/tokens.ts'
import { openResidentReportStore } from '../../residents/store.ts'
import { T, harness, type Harness } from './support.ts'

type Scope = 'public' | 'admin' | 'engineer' | 'analyst' | 'planner'
const SCOPES: Scope[] = ['public', 'admin', 'engineer', 'analyst', 'planner']

interface Answer {
  status: number
  body: string
}

interface Ctx {
  h: Harness
  base: { host: string; port: number }
  webDir: string
}

function send(ctx: Ctx, method: string, path: string, token: string | null, body?: unknown, host?: string): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = http.request(
      {
        host: ctx.base.host,
        port: ctx.base.port,
        method,
        path,
        agent: keepAlive,
        headers: {
          host: host ?? `localhost:${ctx.base.port}`,
          ...(token ? { authorization: `Bearer ${token}` } : {}),
          ...(payload ? { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) } : {}),
        },
      },
      (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (d) => (text += d))
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }))
      },
    )
    req.on('error', reject)
    req.end(payload)
  })
}
const keepAlive = new http.Agent({ keepAlive: true, maxSockets: 4 })

/** Every spelling of a path that starts with /api/. */
export function spellings(path: string, port: number): { name: string; path: string; host?: string }[] {
  const rest = path.slice('/api'.length) // '/devices/ap-1?x'
  const [p, q] = rest.split('?') as [string, string | undefined]
  const qs = q === undefined ? '' : `?${q}`
  const segs = p.split('/').filter(Boolean)
  const out: { name: string; path: string; host?: string }[] = [
    { name: "%61 for 'a'", path: `/%61pi${rest}` },
    { name: "%70 for 'p'", path: `/a%70i${rest}` },
    { name: "%69 for 'i'", path: `/ap%69${rest}` },
    { name: "lower-case hex %6", path: `/%61%70%69${rest}` },
    { name: '%2F after api', path: `/api%2F${p.slice(1)}${qs}` },
    { name: '%2f before api', path: `/%2fapi${rest}` },
    { name: 'every slash %2F', path: `/api%2F${segs.join('%2F')}${qs}` },
    { name: 'twice-encoded %2561', path: `/%2561pi${rest}` },
    { name: 'first letter of the resource encoded', path: `/api/%${segs[0]!.charCodeAt(0).toString(16)}${segs[0]!.slice(1)}${segs.length > 1 ? '/' + segs.slice(1).join('/') : ''}${qs}` },
    { name: 'double slash in front', path: `//api${rest}` },
    { name: 'double slash inside', path: `/api//${p.slice(1)}${qs}` },
    { name: 'trailing slash', path: `/api${p}/${qs}` },
    { name: 'upper case API', path: `/API${rest}` },
    { name: 'mixed case', path: `/Api/${segs.map((s) => s[0]!.toUpperCase() + s.slice(1)).join('/')}${qs}` },
    { name: 'dot segment', path: `/api/./${p.slice(1)}${qs}` },
    { name: 'parent segment', path: `/x/../api${rest}` },
    { name: 'encoded parent segment', path: `/x/%2e%2e/api${rest}` },
    { name: 'semicolon', path: `/api;x${rest}` },
    { name: 'absolute form, this host', path: `http://localhost:${port}/api${rest}` },
    { name: 'absolute form, %61', path: `http://localhost:${port}/%61pi${rest}` },
    { name: 'absolute form, another host', path: `http://x/api${rest}` },
    { name: 'absolute form, another host, %61', path: `http://x/%61pi${rest}` },
    { name: 'Host header of another site', path: `/api${rest}`, host: 'evil.example' },
  ]
  return out
}

const test = suite<Ctx>('the guard decides on the matched route, whatever the spelling', {} as Ctx)
test.before(async (ctx) => {
  // with a web build, so the wildcard route that serves it is there to be tried too
  ctx.webDir = mkdtempSync(join(tmpdir(), 'civicnet-web-'))
  writeFileSync(join(ctx.webDir, 'index.html'), '<!doctype html><title>CivicNet</title>')
  ctx.h = await harness({ webDir: ctx.webDir })
  const cli = { name: 'cli:test', address: null }
  await ctx.h.accounts.addUser(cli, { username: 'spelling-planner', displayName: 'Spelling Planner', role: 'planner', password: SPELLING_PASSWORD }, Date.now())
  await ctx.h.accounts.addUser(cli, { username: 'spelling-analyst', displayName: 'Spelling Analyst', role: 'analyst', password: SPELLING_PASSWORD }, Date.now())
  await ctx.h.app.listen({ host: '127.0.0.1', port: 0 })
  const addr = ctx.h.app.server.address() as { port: number }
  ctx.base = { host: '127.0.0.1', port: addr.port }
})
test.after(async (ctx) => {
  keepAlive.destroy()
  await ctx.h.close()
  rmSync(ctx.webDir, { recursive: true, force: true })
})

const SPELLING_PASSWORD = 'spelling test passphrase'
let made = 0

/** A concrete request for each documented route. */
function concrete(h: Harness, method: string, route: string): { path: () => string; body?: () => unknown } {
  const ids: Record<string, string> = { '/api/neighborhoods/{id}': 'north', '/api/devices/{id}': 'ap-1', '/api/links/{id}': 'fib-1' }
  if (route === '/api/tokens/{id}') {
    return {
      path: () => {
        createToken(h.appState.db, 'planner', 'to revoke')
        return `/api/tokens/${listTokens(h.appState.db).at(-1)!.id}`
      },
    }
  }
  if (route === '/api/series') return { path: () => '/api/series?metric=wifi_clients&device=ap-1&fromMs=0&toMs=86400000000&stepMs=86400000' }
  if (route === '/api/events') return { path: () => '/api/events?device=ap-2' }
  if (route === '/api/tokens' && method === 'POST') return { path: () => route, body: () => ({ role: 'admin', label: 'made by a spelling' }) }
  if (route === '/api/reports/operations') return { path: () => `${route}?month=2026-01` }
  if (route === '/api/resident-reports/known') return { path: () => `${route}?neighborhood=north` }
  if (route === '/api/resident-reports' && method === 'POST') return { path: () => route, body: () => ({ kind: 'slow', neighborhood: 'north' }) }
  if (route === '/api/resident-reports/track/{tracking}') {
    // one report for every spelling: each must answer the same body
    const tracking = openResidentReportStore(h.appState.db).create({ kind: 'slow', neighborhood: 'north', lon: null, lat: null, near: null, contact: null, incidentId: null }, T).tracking
    return { path: () => `/api/resident-reports/track/${tracking}` }
  }
  if (route === '/api/session' && method === 'POST') return { path: () => route, body: () => ({ username: 'spelling-planner', password: SPELLING_PASSWORD }) }
  if (route === '/api/session/mfa' || route === '/api/session/mfa/enrolment/confirm') return { path: () => route, body: () => ({ code: '123456' }) }
  if (route === '/api/session/password') return { path: () => route, body: () => ({ current: SPELLING_PASSWORD, next: 'another spelling password' }) }
  if (route === '/api/users' && method === 'POST') return { path: () => route, body: () => ({ username: `spelling-${++made}`, displayName: 'Made by a spelling', role: 'planner' }) }
  if (route === '/api/users/{username}/role') return { path: () => '/api/users/spelling-analyst/role', body: () => ({ role: 'analyst' }) }
  if (route.startsWith('/api/users/{username}')) return { path: () => route.replace('{username}', 'spelling-analyst') }
  const id = ids[route]
  return { path: () => (id ? route.replace('{id}', id) : route) }
}

/** The codes of refusals made before a route's handler runs: the host check, the URL and body checks, the router and the guard. */
const REFUSED_BEFORE_THE_HANDLER = new Set([
  'CN_ERR_HOST_NOT_ALLOWED', 'CN_ERR_BAD_URL', 'CN_ERR_URL_TOO_LONG', 'CN_ERR_BAD_REQUEST', 'CN_ERR_ROUTE_NOT_FOUND', 'CN_ERR_UNSUPPORTED_MEDIA_TYPE',
  'CN_ERR_MALFORMED_JSON', 'CN_ERR_BODY_TOO_LARGE', 'CN_ERR_UNAUTHENTICATED', 'CN_ERR_TOKEN_INVALID', 'CN_ERR_FORBIDDEN', 'CN_ERR_TOO_MANY_AUTH_FAILURES',
])

test('every route of the OpenAPI document, in every spelling, with each scope, answers as its plain spelling or 4xx', async (ctx) => {
  const { h } = ctx
  const doc = JSON.parse((await send(ctx, 'GET', '/docs/json', null)).body) as { paths: Record<string, Record<string, unknown>> }
  const routes = Object.entries(doc.paths).flatMap(([p, ops]) => Object.keys(ops).map((m) => ({ method: m.toUpperCase(), route: p })))
  assert.ok(routes.length >= 16, `routes in the spec: ${routes.length}`)
  let tried = 0
  const problems: string[] = []
  for (const { method, route } of routes) {
    const c = concrete(h, method, route)
    for (const scope of SCOPES) {
      const token = scope === 'public' ? null : h.tokens[scope]
      const plain = await send(ctx, method, c.path(), token, c.body?.())
      for (const sp of spellings(c.path(), ctx.base.port)) {
        const got = await send(ctx, method, sp.path, token, c.body?.(), sp.host)
        tried++
        // refused by the guard, that is; a handler's own 401 (a sign-in step without its ticket) is an answer like any other
        const plainCode = /"code":"(CN_ERR_[A-Z_]+)"/.exec(plain.body)?.[1] ?? ''
        const refusedPlainly = (plain.status === 401 || plain.status === 403) && REFUSED_BEFORE_THE_HANDLER.has(plainCode)
        const fourXX = got.status >= 400 && got.status < 500
        if (fourXX) {
          // a refusal must be in the project's error shape
          const code = /"code":"(CN_ERR_[A-Z_]+)"/.exec(got.body)?.[1]
          if (!code) problems.push(`${method} ${sp.path} as ${scope}: ${got.status} not a CN_ERR answer: ${got.body.slice(0, 120)}`)
          // where the plain spelling is refused, a spelling may be refused too, but only before
          // the route's handler: a handler's own 4xx (409, 404 of a resource, ...) means the
          // spelling got past the guard
          else if (refusedPlainly && !REFUSED_BEFORE_THE_HANDLER.has(code)) problems.push(`${method} ${sp.path} (${sp.name}) as ${scope}: ${got.status} ${code} from past the guard, where the plain spelling is refused with ${plain.status}`)
          continue
        }
        if (refusedPlainly) {
          problems.push(`${method} ${sp.path} (${sp.name}) as ${scope}: ${got.status} where the plain spelling is refused with ${plain.status}`)
          continue
        }
        if (got.status !== plain.status) problems.push(`${method} ${sp.path} (${sp.name}) as ${scope}: ${got.status}, plain ${plain.status}`)
        // /api/metrics counts the requests themselves: its body changes with every one
        // /api/audit grows with every sign-in the spellings make
        else if (method === 'GET' && route !== '/api/tokens' && route !== '/api/metrics' && route !== '/api/audit' && got.body !== plain.body) problems.push(`${method} ${sp.path} (${sp.name}) as ${scope}: a different body`)
      }
    }
  }
  assert.equal(problems, [])
  assert.ok(tried > 1500, `requests tried: ${tried}`)
})

test('the bypasses found by the probe are closed: no token gets nothing but 401 or 404', async (ctx) => {
  const tries: [string, string, unknown?][] = [
    ['POST', '/%61pi/tokens', { role: 'admin', label: 'x' }],
    ['GET', '/%61pi/devices/ap-1'],
    ['GET', '/ap%69/devices'],
    ['GET', '/%61pi/events'],
    ['GET', '/%61pi/links'],
    ['GET', `http://localhost:${ctx.base.port}/api/tokens`],
  ]
  const got = []
  for (const [method, path, body] of tries) {
    const a = await send(ctx, method, path, null, body)
    got.push([method, path, a.status, JSON.parse(a.body).code])
  }
  assert.equal(got, [
    ['POST', '/%61pi/tokens', 401, 'CN_ERR_UNAUTHENTICATED'],
    ['GET', '/%61pi/devices/ap-1', 401, 'CN_ERR_UNAUTHENTICATED'],
    ['GET', '/ap%69/devices', 401, 'CN_ERR_UNAUTHENTICATED'],
    ['GET', '/%61pi/events', 401, 'CN_ERR_UNAUTHENTICATED'],
    ['GET', '/%61pi/links', 401, 'CN_ERR_UNAUTHENTICATED'],
    ['GET', `http://localhost:${ctx.base.port}/api/tokens`, 401, 'CN_ERR_UNAUTHENTICATED'],
  ])
  // and the token table did not grow
  assert.ok(listTokens(ctx.h.appState.db).every((t) => t.label !== 'x'))
})

test('a path that reads as /api in another case is not answered by the web app', async (ctx) => {
  for (const path of ['/API/devices', '/Api/tokens', '/%41PI/devices', '//API//devices']) {
    const a = await send(ctx, 'GET', path, null)
    assert.equal([path, a.status, JSON.parse(a.body).code], [path, 404, 'CN_ERR_ROUTE_NOT_FOUND'])
  }
  // while a page path still gets the app
  const page = await send(ctx, 'GET', '/report', null)
  assert.equal([page.status, page.body], [200, '<!doctype html><title>CivicNet</title>'])
})

test.run()
