/**
 * What a security review of the API asks besides the guard: the public scope sees only the
 * public pages' aggregates; security headers on every answer; wrong tokens are rate-limited
 * per address; the Host header is checked; bad input gets a project error that names the
 * field; no secret reaches the log; sign-in codes work once.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { trustProxyFromEnv } from '../../api/config.ts'
import { createToken, listTokens } from '../../api/auth/tokens.ts'
import { METRICS } from '../../core/metrics.ts'
import { bearer, harness, type Harness } from './support.ts'

const test = suite<{ h: Harness; webDir: string }>('API hardening', {} as { h: Harness; webDir: string })
test.before(async (ctx) => {
  ctx.webDir = mkdtempSync(join(tmpdir(), 'civicnet-web-'))
  writeFileSync(join(ctx.webDir, 'index.html'), '<!doctype html><title>CivicNet</title>')
  writeFileSync(join(ctx.webDir, 'main.js'), 'console.log(1)')
  ctx.h = await harness({ webDir: ctx.webDir })
})
test.after(async (ctx) => {
  await ctx.h.close()
  rmSync(ctx.webDir, { recursive: true, force: true })
})

test('the public gets neighborhood series of clients, data used and APs up only, never narrowed to an instance', async ({ h }) => {
  const got: Record<string, [number, number]> = {}
  for (const metric of Object.keys(METRICS)) {
    const whole = await h.app.inject({ method: 'GET', url: `/api/series?metric=${metric}&neighborhood=north` })
    const port = await h.app.inject({ method: 'GET', url: `/api/series?metric=${metric}&neighborhood=north&instance=xe-0%2F0%2F1` })
    got[metric] = [whole.statusCode, port.statusCode]
    if (port.statusCode === 401) assert.is(port.json().code, 'CN_ERR_UNAUTHENTICATED')
  }
  assert.equal(got, {
    wifi_clients: [200, 401],
    wifi_clients_ssid: [401, 401],
    wifi_clients_radio: [401, 401],
    if_in_bytes: [401, 401],
    if_out_bytes: [401, 401],
    wifi_bytes: [200, 401],
    optics_rx_dbm: [401, 401],
    optics_tx_dbm: [401, 401],
    if_oper_status: [401, 401],
    device_up: [200, 401],
    poll_duration_ms: [401, 401],
    poll_timeouts: [401, 401],
    poll_errors: [401, 401],
    counter_wrap_gaps: [401, 401],
    polls_skipped: [401, 401],
    spool_samples: [401, 401],
  })
  // the probe's request: the core router's per-port traffic
  const probe = await h.app.inject({ method: 'GET', url: '/api/series?metric=if_in_bytes&neighborhood=north&instance=Te0/0/2' })
  assert.equal([probe.statusCode, probe.json().message], [401, 'GET /api/series?instance= needs you signed in: sign in to the web app, or send an API token as "Authorization: Bearer <token>"'])
  // staff still get them; the public's three still answer the same numbers to staff
  for (const role of ['engineer', 'analyst', 'planner', 'admin'] as const) {
    const res = await h.app.inject({ method: 'GET', url: '/api/series?metric=optics_rx_dbm&neighborhood=south&instance=xe-0%2F0%2F2', headers: bearer(h.tokens[role]) })
    assert.equal([role, res.statusCode], [role, 200])
  }
  const pub = await h.app.inject({ method: 'GET', url: '/api/series?metric=wifi_bytes&neighborhood=north' })
  const eng = await h.app.inject({ method: 'GET', url: '/api/series?metric=wifi_bytes&neighborhood=north', headers: bearer(h.tokens.engineer) })
  assert.equal(pub.json(), eng.json())
})

test('every answer carries the security headers: API, web app, error and docs', async ({ h }) => {
  for (const url of ['/api/health', '/', '/main.js', '/api/nope', '/api/devices', '/docs/json']) {
    const res = await h.app.inject({ method: 'GET', url })
    const csp = String(res.headers['content-security-policy'])
    assert.match(csp, "default-src 'self'", url)
    assert.match(csp, "script-src 'self'", url)
    assert.match(csp, "frame-ancestors 'none'", url)
    assert.match(csp, 'img-src \'self\' data: https://tile.openstreetmap.org', url)
    assert.not.match(csp, 'unsafe-eval', url)
    assert.is(res.headers['x-content-type-options'], 'nosniff', url)
    assert.is(res.headers['x-frame-options'], 'DENY', url)
    assert.is(res.headers['referrer-policy'], 'no-referrer', url)
    assert.is(res.headers['x-powered-by'], undefined, url)
  }
})

test('wrong tokens from one address are answered 429 with Retry-After past the limit, each logged at warn without the token', async () => {
  const h = await harness({ authFailures: { max: 3, windowMs: 2000 } })
  try {
    const wrong = 'cn_' + 'A'.repeat(43)
    const statuses: number[] = []
    for (let i = 0; i < 5; i++) statuses.push((await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(wrong) })).statusCode)
    assert.equal(statuses, [401, 401, 401, 429, 429])
    // while the address is over the limit, even a good token is refused: guessing goes no further
    const locked = await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(h.tokens.engineer) })
    assert.equal([locked.statusCode, locked.json().code], [429, 'CN_ERR_TOO_MANY_AUTH_FAILURES'])
    const retry = Number(locked.headers['retry-after'])
    assert.ok(retry >= 1 && retry <= 2, `retry-after ${retry}`)
    assert.match(locked.json().message, /^too many failed authentications from this address \(3 in a row\): try again in [12] s$/)
    // requests without a token are not failures, and still answer
    assert.is((await h.app.inject({ method: 'GET', url: '/api/neighborhoods' })).statusCode, 200)
    const warns = h.logs.filter((l) => l.msg === 'authentication failed')
    assert.is(warns.length, 4) // the three 401s and the fourth, which went over
    assert.ok(warns.every((l) => l.level === 40 && l.ip === '127.0.0.1' && l.reason === 'unknown or revoked token'))
    assert.not.match(JSON.stringify(h.logs), wrong)
    // after the window the good token works again
    await new Promise((r) => setTimeout(r, retry * 1000 + 100))
    assert.is((await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(h.tokens.engineer) })).statusCode, 200)
  } finally {
    await h.close()
  }
})

test('X-Forwarded-For names the client only from a trusted proxy (CIVICNET_TRUST_PROXY): per-address limits and the log see each client', async () => {
  const wrong = 'cn_' + 'B'.repeat(43)
  const fail = (h: Awaited<ReturnType<typeof harness>>, xff: string) =>
    h.app.inject({ method: 'GET', url: '/api/devices', headers: { ...bearer(wrong), 'x-forwarded-for': xff } }).then((r) => r.statusCode)
  // behind a trusted proxy (inject comes from 127.0.0.1): two clients, two limits
  let h = await harness({ authFailures: { max: 2, windowMs: 60_000 }, trustProxy: ['127.0.0.1'] })
  try {
    assert.equal([await fail(h, '203.0.113.5'), await fail(h, '203.0.113.5'), await fail(h, '203.0.113.5')], [401, 401, 429])
    assert.is(await fail(h, '198.51.100.7'), 401, 'another client behind the proxy has its own limit')
    const ips = h.logs.filter((l) => l.msg === 'authentication failed').map((l) => l.ip)
    assert.equal(ips, ['203.0.113.5', '203.0.113.5', '203.0.113.5', '198.51.100.7'])
  } finally {
    await h.close()
  }
  // from an address that is not a trusted proxy the header is ignored: one address, one limit
  for (const trustProxy of [[], ['10.0.0.0/8']]) {
    h = await harness({ authFailures: { max: 2, windowMs: 60_000 }, trustProxy })
    try {
      assert.equal([await fail(h, '203.0.113.5'), await fail(h, '198.51.100.7'), await fail(h, '192.0.2.1')], [401, 401, 429], JSON.stringify(trustProxy))
      assert.ok(h.logs.filter((l) => l.msg === 'authentication failed').every((l) => l.ip === '127.0.0.1'))
    } finally {
      await h.close()
    }
  }
})

test('CIVICNET_TRUST_PROXY takes addresses and CIDR ranges, and names what is not one', () => {
  assert.equal(trustProxyFromEnv({ CIVICNET_TRUST_PROXY: '127.0.0.1, 10.0.0.0/8,::1' }), ['127.0.0.1', '10.0.0.0/8', '::1'])
  assert.is(trustProxyFromEnv({}), undefined)
  for (const bad of ['nginx', '10.0.0.0/33', '127.0.0.1:8080', '::1/129', '10.0.0.0/8/1']) {
    assert.throws(() => trustProxyFromEnv({ CIVICNET_TRUST_PROXY: bad }), (e: Error) => e.message === `CIVICNET_TRUST_PROXY: '${bad}' is not an IP address or CIDR range (e.g. 127.0.0.1, 10.0.0.0/8, ::1)`)
  }
})

test('a Host header, or an absolute-form target, that is not one of the configured names is refused with 421', async ({ h }) => {
  let res = await h.app.inject({ method: 'GET', url: '/api/health', headers: { host: 'attacker.example' } })
  assert.equal([res.statusCode, res.json().code, res.json().message], [
    421,
    'CN_ERR_HOST_NOT_ALLOWED',
    "host 'attacker.example' is not a name of this server (allowed: localhost, 127.0.0.1, ::1; set CIVICNET_ALLOWED_HOSTS)",
  ])
  res = await h.app.inject({ method: 'GET', url: '/', headers: { host: 'rebound.example:8080' } })
  assert.is(res.statusCode, 421)
  for (const host of ['localhost:8080', '127.0.0.1:1', '[::1]:8080', 'LOCALHOST']) {
    res = await h.app.inject({ method: 'GET', url: '/api/health', headers: { host } })
    assert.equal([host, res.statusCode], [host, 200])
  }
  const named = await harness({ allowedHosts: ['localhost', 'wifi.example.gov'] })
  try {
    res = await named.app.inject({ method: 'GET', url: '/api/health', headers: { host: 'WiFi.Example.gov' } })
    assert.is(res.statusCode, 200)
    res = await named.app.inject({ method: 'GET', url: '/api/health', headers: { host: '127.0.0.1' } })
    assert.is(res.statusCode, 421)
  } finally {
    await named.close()
  }
})

test('rough edges get a clear 4xx with a CN_ERR code naming the parameter', async ({ h }) => {
  const admin = bearer(h.tokens.admin)
  const cases: [string, string, Record<string, string>, unknown, number, string, string][] = [
    ['GET', `/api/devices/${'a'.repeat(5000)}`, admin, undefined, 414, 'CN_ERR_URL_TOO_LONG', 'the URL is too long: 5013 characters; at most 2048'],
    ['GET', `/api/devices/${'a'.repeat(300)}`, admin, undefined, 400, 'CN_ERR_VALIDATION', "invalid request: params.id must be an id: 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"],
    ['GET', `/api/devices/${'a'.repeat(600)}`, admin, undefined, 414, 'CN_ERR_URL_TOO_LONG', 'the URL is too long: a path segment is over 500 characters'],
    ['GET', '/api/neighborhoods?fromMs=0x10', {}, undefined, 400, 'CN_ERR_VALIDATION', "invalid request: querystring.fromMs must be a decimal integer (digits only, at most 16), got '0x10'"],
    ['GET', '/api/neighborhoods?fromMs=1e3', {}, undefined, 400, 'CN_ERR_VALIDATION', "invalid request: querystring.fromMs must be a decimal integer (digits only, at most 16), got '1e3'"],
    ['GET', '/api/neighborhoods?fromMs=%2012', {}, undefined, 400, 'CN_ERR_VALIDATION', "invalid request: querystring.fromMs must be a decimal integer (digits only, at most 16), got ' 12'"],
    ['GET', '/api/series?metric=wifi_clients&neighborhood=north&stepMs=3600000.0', {}, undefined, 400, 'CN_ERR_VALIDATION', "invalid request: querystring.stepMs must be a decimal integer (digits only, at most 16), got '3600000.0'"],
    ['DELETE', '/api/tokens/100000000000000000000000', admin, undefined, 400, 'CN_ERR_VALIDATION', "invalid request: params.id must be a decimal integer (digits only, at most 16), got '100000000000000000000000'"],
    ['DELETE', '/api/tokens/1e23', admin, undefined, 400, 'CN_ERR_VALIDATION', "invalid request: params.id must be a decimal integer (digits only, at most 16), got '1e23'"],
    ['DELETE', '/api/tokens/9999999999999999', admin, undefined, 400, 'CN_ERR_VALIDATION', 'invalid request: params.id must be <= 9007199254740991'],
    ['DELETE', '/api/tokens/0', admin, undefined, 400, 'CN_ERR_VALIDATION', 'invalid request: params.id must be >= 1'],
    ['POST', '/api/tokens', admin, { role: 'analyst', label: 'a\u0000b' }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.label must be 1 to 100 characters with no control characters (NUL, tab, newline, escape ...)'],
    ['POST', '/api/tokens', admin, { role: 'analyst', label: 'line\nbreak' }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.label must be 1 to 100 characters with no control characters (NUL, tab, newline, escape ...)'],
    ['POST', '/api/tokens', admin, { role: 'analyst', label: '\u001b[31mred' }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.label must be 1 to 100 characters with no control characters (NUL, tab, newline, escape ...)'],
    ['POST', '/api/tokens', admin, { role: 'analyst', label: 'x'.repeat(101) }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.label must be 1 to 100 characters with no control characters (NUL, tab, newline, escape ...)'],
    ['GET', '/api/%', {}, undefined, 400, 'CN_ERR_BAD_URL', 'the URL is not valid: it has a broken %-escape'],
    ['GET', '/%zz', {}, undefined, 400, 'CN_ERR_BAD_URL', 'the URL is not valid: it has a broken %-escape'],
    ['GET', '/api/events?limit=5000', bearer(h.tokens.engineer), undefined, 400, 'CN_ERR_VALIDATION', 'invalid request: querystring.limit must be <= 1000'],
    ['GET', '/api/events?limit=20000', bearer(h.tokens.engineer), undefined, 400, 'CN_ERR_VALIDATION', 'invalid request: querystring.limit must be <= 1000'],
    ['GET', '/api/events?limit=0', bearer(h.tokens.engineer), undefined, 400, 'CN_ERR_VALIDATION', 'invalid request: querystring.limit must be >= 1'],
    ['POST', '/api/tokens', { ...admin, 'content-type': 'text/plain' }, 'role=admin', 415, 'CN_ERR_UNSUPPORTED_MEDIA_TYPE', "content type 'text/plain' is not accepted: send application/json"],
    ['POST', '/api/tokens', { ...admin, 'content-type': 'application/json' }, JSON.stringify({ role: 'analyst', label: 'x'.repeat(70_000) }), 413, 'CN_ERR_BODY_TOO_LARGE', 'the request body is over 65536 bytes'],
    ['GET', '/..%2f..%2fetc%2fpasswd', {}, undefined, 404, 'CN_ERR_ROUTE_NOT_FOUND', 'no route GET /..%2f..%2fetc%2fpasswd (the list is at /docs)'],
  ]
  const wrong = []
  for (const [method, url, headers, payload, status, code, message] of cases) {
    const res = await h.app.inject({ method: method as 'GET', url, headers, ...(payload === undefined ? {} : { payload: payload as string }) })
    const body = res.json()
    const got = [method, url.slice(0, 60), res.statusCode, body.code, body.message]
    const want = [method, url.slice(0, 60), status, code, message]
    if (JSON.stringify(got) !== JSON.stringify(want)) wrong.push({ got, want })
    assert.equal(Object.keys(body).sort(), ['code', 'error', 'message', 'statusCode'])
  }
  assert.equal(wrong, [])
  // no token was made by the refused requests
  assert.ok(listTokens(h.appState.db).every((t) => !t.label.includes('\u0000') && !t.label.includes('\n')))
})

test('a long unknown path is not echoed whole in the 404', async ({ h }) => {
  const path = `/api/${'b'.repeat(99)}/`.repeat(1) + `${'c'.repeat(99)}/`.repeat(15)
  const res = await h.app.inject({ method: 'GET', url: path })
  assert.equal([res.statusCode, res.json().code], [404, 'CN_ERR_ROUTE_NOT_FOUND'])
  assert.is(res.json().message, `no route GET ${path.slice(0, 100)}… (${path.length} characters) (the list is at /docs)`)
})

test('the request log redacts token, access_token and other secret query parameters, in any spelling', async ({ h }) => {
  const secret = createToken(h.appState.db, 'admin', 'in a url by mistake')
  const urls = [
    `/api/health?token=${secret}`,
    `/api/health?x=1&access_token=${secret}&y=2`,
    `/api/health?%74oken=${secret}`,
    `/api/health?ACCESS_TOKEN=${secret}`,
    `/?token=${secret}`,
    `/api/nope?api_key=${secret}`,
  ]
  for (const url of urls) await h.app.inject({ method: 'GET', url })
  const text = JSON.stringify(h.logs)
  assert.not.match(text, secret)
  const logged = h.logs.filter((l) => l.msg === 'request').map((l) => l.url)
  for (const u of ['/api/health?token=[REDACTED]', '/api/health?x=1&access_token=[REDACTED]&y=2', '/api/health?%74oken=[REDACTED]', '/?token=[REDACTED]', '/api/nope?api_key=[REDACTED]']) {
    assert.ok(logged.includes(u), `${u} in ${JSON.stringify(logged)}`)
  }
})

test.run()
