/**
 * The simulated UniFi Network controller over real HTTPS on loopback, asked as any client
 * would ask it (node:https, its own certificate as the CA): a self-signed certificate for
 * its address; the Integration API's key check, error shape and paging; clients at a
 * minute that are exactly the model's, on the same AP, and as many per AP as the APs'
 * own unifiVapTable serves over SNMP; the classic API's login, cookies and CSRF token on
 * UniFi OS and on a self-hosted Network Application; and the faults: down (no answer),
 * slow, malformed, reboot (sessions end).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { request } from 'node:https'
import { X509Certificate } from 'node:crypto'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import type { SimulatedUnifiController } from '../../simulators/unifi/controller.ts'
import { UNIFI_APS, UNIFI_ID, unifiCity } from '../support/unifi.ts'
import { silentLog } from './fixture.ts'
import { snmp } from './helpers.ts'

const START = Date.parse('2026-11-20T21:00:00Z') // 16:00 in Hartford: plenty of clients
const MIN = 60_000

interface Res {
  status: number
  headers: Record<string, string | string[] | undefined>
  body: string
  json: any
}

function call(c: SimulatedUnifiController, path: string, opts: { method?: string; headers?: Record<string, string>; body?: unknown; ca?: string | null; timeoutMs?: number } = {}): Promise<Res> {
  const u = new URL(path, c.url())
  const body = opts.body === undefined ? undefined : JSON.stringify(opts.body)
  return new Promise((resolve, reject) => {
    const req = request(
      { host: u.hostname, port: u.port, path: u.pathname + u.search, method: opts.method ?? 'GET', ...(opts.ca === null ? {} : { ca: opts.ca ?? c.certificate().cert }), agent: false, headers: { ...(body ? { 'content-type': 'application/json' } : {}), ...opts.headers } },
      (res) => {
        let text = ''
        res.on('data', (d) => (text += d))
        res.on('end', () => {
          let json: unknown
          try {
            json = JSON.parse(text)
          } catch {
            json = undefined
          }
          resolve({ status: res.statusCode!, headers: res.headers, body: text, json })
        })
      },
    )
    req.setTimeout(opts.timeoutMs ?? 3000, () => req.destroy(Object.assign(new Error('timed out'), { code: 'TIMEOUT' })))
    req.on('error', reject)
    req.end(body)
  })
}

const key = (c: SimulatedUnifiController) => ({ 'x-api-key': c.credentials().apiKey })

async function siteId(c: SimulatedUnifiController): Promise<string> {
  return (await call(c, '/proxy/network/integration/v1/sites', { headers: key(c) })).json.data[0].id
}

/** every page of an Integration API list, with the pages' envelopes */
async function all(c: SimulatedUnifiController, path: string, limit: number): Promise<{ items: any[]; pages: any[] }> {
  const items: any[] = []
  const pages: any[] = []
  for (let offset = 0; ; ) {
    const r = await call(c, `${path}?offset=${offset}&limit=${limit}`, { headers: key(c) })
    assert.is(r.status, 200, r.body)
    pages.push(r.json)
    items.push(...r.json.data)
    offset += r.json.count
    if (r.json.count === 0 || offset >= r.json.totalCount) return { items, pages }
  }
}

const test = suite<{ city: SimulatedCity; clock: ManualClock; c: SimulatedUnifiController; os: SimulatedCity; na: SimulatedCity }>('the simulated UniFi Network controller')
test.before(async (ctx) => {
  ctx.clock = manualClock(START)
  const opts = { seed: 7, clock: ctx.clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }
  ctx.city = createSimulatedCity(unifiCity(), opts, silentLog)
  await ctx.city.start()
  ctx.c = ctx.city.unifiControllers()[0]!
  // the classic API on the two kinds of controller, with sessions that end after 300 ms
  ctx.os = createSimulatedCity(unifiCity({ kind: 'unifi-classic', auth: 'login' }), { ...opts, unifi: { flavor: 'unifi-os', sessionTtlMs: 300 } }, silentLog)
  ctx.na = createSimulatedCity(unifiCity({ kind: 'unifi-classic', auth: 'login' }), { ...opts, unifi: { flavor: 'network-application', username: 'ro', password: 'pw-for-test' } }, silentLog)
  await ctx.os.start()
  await ctx.na.start()
})
test.after(async (ctx) => {
  await ctx.city?.stop()
  await ctx.os?.stop()
  await ctx.na?.stop()
})

test('answers HTTPS only: no SNMP agent of its own; a fresh self-signed certificate naming its address, trusted as its own CA', async ({ city, c }) => {
  assert.not.ok(city.endpoints().some((e) => e.device === UNIFI_ID))
  const [ep] = city.controllers()
  assert.is(ep!.device, UNIFI_ID)
  assert.match(ep!.url, /^https:\/\/127\.0\.0\.1:\d+$/)
  const x = new X509Certificate(ep!.cert)
  assert.is(x.fingerprint256, ep!.fingerprint256)
  assert.ok(x.checkIP('127.0.0.1'), 'the certificate names 127.0.0.1')
  assert.is(x.issuer, x.subject, 'self-signed')
  // the inventory the collector gets points at it
  const dev = city.inventoryWithEndpoints().devices.find((d) => d.id === UNIFI_ID)!
  assert.is(dev.api!.baseUrl, ep!.url)
  // verified against its own certificate it is trusted (host name included); against the system CAs not
  assert.is((await call(c, '/proxy/network/integration/v1/info', { headers: key(c) })).status, 200)
  const err = await call(c, '/proxy/network/integration/v1/info', { headers: key(c), ca: null }).catch((e: NodeJS.ErrnoException) => e)
  assert.is((err as NodeJS.ErrnoException).code, 'DEPTH_ZERO_SELF_SIGNED_CERT')
})

test('the Integration API refuses a missing or wrong X-API-KEY with 401 and its documented error shape', async ({ c }) => {
  const none = await call(c, '/proxy/network/integration/v1/sites')
  assert.is(none.status, 401)
  assert.equal(Object.keys(none.json).sort(), ['code', 'message', 'requestId', 'requestPath', 'statusCode', 'statusName', 'timestamp'])
  assert.equal([none.json.statusCode, none.json.statusName, none.json.code, none.json.requestPath], [401, 'UNAUTHORIZED', 'api.authentication.missing-credentials', '/integration/v1/sites'])
  const wrong = await call(c, '/proxy/network/integration/v1/sites', { headers: { 'x-api-key': 'not-the-key' } })
  assert.is(wrong.status, 401)
  assert.is(wrong.json.code, 'api.authentication.invalid-credentials')
  assert.not.ok(wrong.body.includes('not-the-key'), 'the refusal does not echo the key')
  const info = await call(c, '/proxy/network/integration/v1/info', { headers: key(c) })
  assert.is(typeof info.json.applicationVersion, 'string')
})

test('sites, devices and clients are paged by offset and limit, with count and totalCount; a limit past 200 is refused', async ({ c }) => {
  const sites = await call(c, '/proxy/network/integration/v1/sites', { headers: key(c) })
  assert.equal(sites.json.data.map((s: any) => [s.internalReference, s.name]), [['default', 'Default']])
  const id = await siteId(c)
  const whole = await call(c, `/proxy/network/integration/v1/sites/${id}/clients?limit=200`, { headers: key(c) })
  const total = whole.json.totalCount
  assert.ok(total > 7, `${total} clients`)
  const { items, pages } = await all(c, `/proxy/network/integration/v1/sites/${id}/clients`, 3)
  assert.is(pages.length, Math.ceil(total / 3))
  for (const [i, p] of pages.entries()) assert.equal([p.offset, p.limit, p.count, p.totalCount], [i * 3, 3, p.data.length, total])
  assert.equal(items, whole.json.data, 'the pages together are the whole list, in order')
  assert.is(new Set(items.map((x) => x.macAddress)).size, total, 'no client twice')
  const dflt = await call(c, `/proxy/network/integration/v1/sites/${id}/clients`, { headers: key(c) })
  assert.is(dflt.json.limit, 25)
  for (const q of ['limit=201', 'limit=0', 'offset=-1', 'limit=abc']) {
    const bad = await call(c, `/proxy/network/integration/v1/sites/${id}/clients?${q}`, { headers: key(c) })
    assert.is(bad.status, 400, q)
    assert.is(bad.json.statusName, 'BAD_REQUEST')
  }
  const devices = await all(c, `/proxy/network/integration/v1/sites/${id}/devices`, 2)
  assert.equal(devices.items.map((d: any) => d.name).sort(), ['AP-S1', 'AP-S2', 'AP-S3'])
  for (const d of devices.items) {
    assert.equal([d.state, d.features, d.supported], ['ONLINE', ['accessPoint'], true])
    assert.match(d.id, /^[0-9a-f]{8}-[0-9a-f]{4}-3[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/)
  }
  const missing = await call(c, '/proxy/network/integration/v1/sites/00000000-0000-0000-0000-000000000000/clients', { headers: key(c) })
  assert.is(missing.status, 404)
})

test('its clients at a minute are the model\'s: the same MACs on the same AP, as many per AP as the AP\'s unifiVapTable serves over SNMP', async ({ city, c, clock }) => {
  const id = await siteId(c)
  for (const step of [0, 7 * MIN, 31 * MIN]) {
    clock.set(START + step)
    const t = clock.now()
    const devices = (await all(c, `/proxy/network/integration/v1/sites/${id}/devices`, 200)).items
    const nameOf = new Map(devices.map((d: any) => [d.id, d.name]))
    const clients = (await all(c, `/proxy/network/integration/v1/sites/${id}/clients`, 200)).items
    const inv = city.inventoryWithEndpoints()
    for (const ap of UNIFI_APS) {
      const name = inv.devices.find((d) => d.id === ap)!.name
      const listed = clients.filter((x: any) => nameOf.get(x.uplinkDeviceId) === name).map((x: any) => x.macAddress).sort()
      const truth = city.truth.clientListAt(ap, t).map((x) => x.mac).sort()
      assert.equal(listed, truth, `${ap} at +${step / MIN} min: the model's clients`)
      // UBNT-UniFi-MIB unifiVapNumStations of every VAP of the AP, over SNMP, at the same minute
      const vaps = await snmp('snmpwalk', city, ap, ['1.3.6.1.4.1.41112.1.6.1.2.1.8'])
      assert.ok(vaps.length >= 2)
      assert.is(vaps.reduce((a, [, v]) => a + Number(v), 0), listed.length, `${ap}: unifiVapTable count = API client count`)
    }
    assert.ok(clients.every((x: any) => x.type === 'WIRELESS' && /^([0-9a-f]{2}:){5}[0-9a-f]{2}$/.test(x.macAddress) && !Number.isNaN(Date.parse(x.connectedAt))))
    assert.is(clients.length, UNIFI_APS.reduce((a, ap) => a + city.truth.clientsAt(ap, t), 0), 'only the APs it manages')
  }
  clock.set(START)
})

test('classic API on UniFi OS: GET / is 200; /api/auth/login sets TOKEN and X-CSRF-Token; stat/sta and stat/device under /proxy/network need both', async ({ os }) => {
  const c = os.unifiControllers()[0]!
  assert.is((await call(c, '/')).status, 200)
  const bad = await call(c, '/api/auth/login', { method: 'POST', body: { username: c.credentials().username, password: 'wrong' } })
  assert.is(bad.status, 401)
  assert.is(bad.json.code, 'AUTHENTICATION_FAILED_INVALID_CREDENTIALS')
  const { username, password } = c.credentials()
  const ok = await call(c, '/api/auth/login', { method: 'POST', body: { username, password } })
  assert.is(ok.status, 200)
  const cookie = (ok.headers['set-cookie'] as string[])[0]!.split(';')[0]!
  assert.match(cookie, /^TOKEN=/)
  const csrf = ok.headers['x-csrf-token'] as string
  assert.ok(csrf)
  const noCsrf = await call(c, '/proxy/network/api/s/default/stat/sta', { headers: { cookie } })
  assert.is(noCsrf.status, 401)
  assert.equal(noCsrf.json, { error: { code: 401, message: 'Unauthorized' } })
  const sta = await call(c, '/proxy/network/api/s/default/stat/sta', { headers: { cookie, 'x-csrf-token': csrf } })
  const dev = await call(c, '/proxy/network/api/s/default/stat/device', { headers: { cookie, 'x-csrf-token': csrf } })
  assert.is(sta.json.meta.rc, 'ok')
  const byMac = new Map(dev.json.data.map((d: any) => [d.mac, d]))
  for (const s of sta.json.data) {
    assert.ok(byMac.has(s.ap_mac), 'ap_mac is an AP of stat/device')
    assert.equal([s.is_wired, typeof s.tx_bytes, typeof s.rx_bytes, typeof s.essid], [false, 'number', 'number', 'string'])
  }
  for (const d of dev.json.data) {
    assert.is(d.type, 'uap')
    assert.is(d.num_sta, sta.json.data.filter((s: any) => s.ap_mac === d.mac).length)
  }
  assert.is((await call(c, '/proxy/network/api/s/nowhere/stat/sta', { headers: { cookie, 'x-csrf-token': csrf } })).json.meta.msg, 'api.err.NoSiteContext')
  // an API key works there too, instead of a session
  assert.is((await call(c, '/proxy/network/api/s/default/stat/sta', { headers: key(c) })).status, 200)
  // the session ends (300 ms here): 401 again
  await new Promise((r) => setTimeout(r, 350))
  assert.is((await call(c, '/proxy/network/api/s/default/stat/sta', { headers: { cookie, 'x-csrf-token': csrf } })).status, 401)
})

test('classic API on a Network Application: GET / redirects; /api/login sets unifises and csrf_token; api.err.LoginRequired without', async ({ na }) => {
  const c = na.unifiControllers()[0]!
  const root = await call(c, '/')
  assert.equal([root.status, root.headers.location], [302, '/manage'])
  assert.equal((await call(c, '/api/login', { method: 'POST', body: { username: 'ro', password: 'nope' } })).json.meta, { rc: 'error', msg: 'api.err.Invalid' })
  const ok = await call(c, '/api/login', { method: 'POST', body: { username: 'ro', password: 'pw-for-test' } })
  assert.equal(ok.json.meta, { rc: 'ok' })
  const cookies = (ok.headers['set-cookie'] as string[]).map((x) => x.split(';')[0]!)
  assert.ok(cookies.some((x) => x.startsWith('unifises=')) && cookies.some((x) => x.startsWith('csrf_token=')))
  const none = await call(c, '/api/s/default/stat/sta')
  assert.equal([none.status, none.json.meta.msg], [401, 'api.err.LoginRequired'])
  const sta = await call(c, '/api/s/default/stat/sta', { headers: { cookie: cookies.join('; ') } })
  assert.is(sta.json.meta.rc, 'ok')
  assert.ok(sta.json.data.length > 0)
})

test('faults: down (or cut off upstream) takes the connection and never answers; slow answers late; malformed answers 200 with no API body', async ({ city, c, clock }) => {
  const down = city.faults.inject({ type: 'device-down', target: UNIFI_ID })
  const t0 = performance.now()
  const err = await call(c, '/proxy/network/integration/v1/info', { headers: key(c), timeoutMs: 400 }).catch((e: NodeJS.ErrnoException) => e)
  assert.is((err as NodeJS.ErrnoException).code, 'TIMEOUT')
  assert.ok(performance.now() - t0 >= 390, 'nothing came back before the client gave up')
  city.faults.clear(down.id)
  assert.is((await call(c, '/proxy/network/integration/v1/info', { headers: key(c) })).status, 200)
  // an outage upstream makes it unreachable too: here it hangs from core-1
  const core = city.faults.inject({ type: 'device-down', target: 'core-1' })
  const err2 = await call(c, '/proxy/network/integration/v1/info', { headers: key(c), timeoutMs: 300 }).catch((e: NodeJS.ErrnoException) => e)
  assert.is((err2 as NodeJS.ErrnoException).code, 'TIMEOUT')
  city.faults.clear(core.id)

  const slow = city.faults.inject({ type: 'slow', target: UNIFI_ID, delayMs: 250 })
  const t1 = performance.now()
  assert.is((await call(c, '/proxy/network/integration/v1/info', { headers: key(c) })).status, 200)
  assert.ok(performance.now() - t1 >= 240, 'answered late')
  city.faults.clear(slow.id)

  const bad = city.faults.inject({ type: 'malformed', target: UNIFI_ID, mode: 'garbage' })
  const g = await call(c, '/proxy/network/integration/v1/info', { headers: key(c) })
  assert.is(g.status, 200)
  assert.is(g.json, undefined, 'not JSON')
  city.faults.clear(bad.id)
  clock.advance(1000)
})

test('a reboot of a UniFi OS controller ends the login sessions begun before it', async ({ os }) => {
  const c = os.unifiControllers()[0]!
  const { username, password } = c.credentials()
  const ok = await call(c, '/api/auth/login', { method: 'POST', body: { username, password } })
  const cookie = (ok.headers['set-cookie'] as string[])[0]!.split(';')[0]!
  const headers = { cookie, 'x-csrf-token': ok.headers['x-csrf-token'] as string }
  assert.is((await call(c, '/proxy/network/api/s/default/stat/device', { headers })).status, 200)
  ;(os.clock as ManualClock).advance(1000)
  os.faults.inject({ type: 'reboot', target: UNIFI_ID })
  ;(os.clock as ManualClock).advance(1000)
  assert.is((await call(c, '/proxy/network/api/s/default/stat/device', { headers })).status, 401)
})

test.run()
