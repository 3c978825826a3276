/**
 * The simulated city's control API over real HTTP: every time and range it takes is
 * bounded (a huge one answers 400 at once instead of blocking the process; a range up to
 * 25 h, so a whole local day, answers from the day's cached visits), and it answers
 * only loopback requests of its own origin (Host, Origin, Sec-Fetch-Site, JSON POSTs).
 */
import { spawn } from 'node:child_process'
import http from 'node:http'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { startControlApi, type ControlServer } from '../../simulators/control.ts'
import { smallCity, silentLog } from './fixture.ts'

const START = Date.parse('2026-11-20T21:00:00Z')
const HOUR = 3_600_000
/** the city's origin is START (its clock's hour when it was made); the tests run 3 h later */
const NOW = START + 3 * HOUR
const iso = (ms: number) => new Date(ms).toISOString()
/** the times the API answers for: the origin less 1 day to now plus 1 day */
const LO = START - 24 * HOUR
const HI = NOW + 24 * HOUR

async function makeCity(): Promise<{ city: SimulatedCity; clock: ManualClock; control: ControlServer }> {
  const clock = manualClock(START)
  const city = createSimulatedCity(smallCity(), { seed: 5, clock, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  clock.advance(3 * HOUR)
  const control = await startControlApi(city, 0)
  return { city, clock, control }
}

if (process.env.CN_CONTROL_TEST_SERVER === '1') {
  // the same city in a child process: a request that blocks its event loop cannot block
  // the test's, so on a server that loops the test fails on its timeout instead of hanging
  const { control } = await makeCity()
  process.stdout.write(`${control.url}\n`)
  process.stdin.resume()
  process.stdin.on('end', () => process.exit(0)) // the test process went away
} else {
  interface Answer {
    status: number
    body: any
  }

  /** one request with exactly these headers (Node sets Host to 127.0.0.1:port unless `host` is given) */
  const request = (port: number, method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Answer> =>
    new Promise((resolve, reject) => {
      const req = http.request({ host: '127.0.0.1', port, method, path, headers, timeout: 5000 }, (res) => {
        let text = ''
        res.setEncoding('utf8')
        res.on('data', (c: string) => (text += c))
        res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : null }))
      })
      req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 5 s`)))
      req.on('error', reject)
      req.end(body)
    })

  interface Ctx {
    city: SimulatedCity
    clock: ManualClock
    control: ControlServer
    port: number
  }
  const api = suite<Ctx>('the simulated city control API')
  api.before(async (ctx) => {
    Object.assign(ctx, await makeCity())
    ctx.port = Number(new URL(ctx.control.url).port)
  })
  api.after(async (ctx) => {
    await ctx.control.close()
    await ctx.city.stop()
  })

  const get = (ctx: Ctx, path: string, headers: Record<string, string> = {}) => request(ctx.port, 'GET', path, headers)
  const post = (ctx: Ctx, body: unknown, headers: Record<string, string> = { 'content-type': 'application/json' }) => request(ctx.port, 'POST', '/faults', headers, JSON.stringify(body))
  const paramError = (message: string) => ({ status: 400, body: { code: 'CN_ERR_SIM_PARAM', message } })
  const bodyError = (message: string) => ({ status: 400, body: { code: 'CN_ERR_SIM_BODY', message } })
  const timeFormat = (name: string, got: string) => paramError(`query parameter '${name}' must be epoch ms (digits only, at most 15) or an ISO time such as 2026-11-20T21:00:00Z, got '${got}'`)

  api('a `to` of 20 digits answers 400 at once instead of counting minutes for hours', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(import.meta.url)], { env: { ...process.env, CN_CONTROL_TEST_SERVER: '1' }, stdio: ['pipe', 'pipe', 'inherit'] })
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = ''
        child.stdout.setEncoding('utf8')
        child.stdout.on('data', (c: string) => {
          out += c
          if (out.includes('\n')) resolve(out.trim())
        })
        child.once('exit', (code) => reject(new Error(`the control API process exited (${code}) before it listened`)))
      })
      const t0 = performance.now()
      let res: Response
      try {
        res = await fetch(`${url}/truth/unique?neighborhood=north&from=0&to=99999999999999999999`, { signal: AbortSignal.timeout(3000) })
      } catch (err) {
        throw new Error(`no answer within 3 s (${(err as Error).name}): the server is still counting minutes`, { cause: err })
      }
      const ms = performance.now() - t0
      assert.is(res.status, 400)
      assert.equal(await res.json(), timeFormat('to', '99999999999999999999').body)
      assert.ok(ms < 1000, `answered in ${Math.round(ms)} ms`)
    } finally {
      child.kill('SIGKILL')
    }
  })

  api('hex, exponent, signed, spaced, offset-less and impossible times answer 400 naming the parameter', async (ctx) => {
    assert.equal(await get(ctx, '/truth/clients?target=ap-n1&at=0x10'), timeFormat('at', '0x10'))
    assert.equal(await get(ctx, '/truth/clients?target=ap-n1&at=1e12'), timeFormat('at', '1e12'))
    assert.equal(await get(ctx, `/truth/unique?neighborhood=north&from=-5&to=${NOW}`), timeFormat('from', '-5'))
    assert.equal(await get(ctx, `/truth/unique?neighborhood=north&from=%20${START}&to=${NOW}`), timeFormat('from', ` ${START}`))
    assert.equal(await get(ctx, `/truth/bytes?target=north&from=${START}&to=Friday`), timeFormat('to', 'Friday'))
    assert.equal(await get(ctx, `/truth/bytes?target=north&from=2026-11-20T21:00:00&to=${NOW}`), timeFormat('from', '2026-11-20T21:00:00'))
    assert.equal(await get(ctx, '/truth/clients?target=ap-n1&at=2026-02-31T00:00:00Z'), timeFormat('at', '2026-02-31T00:00:00Z'))
    assert.equal(await get(ctx, '/truth/clients?target=ap-n1&at=1234567890123456'), timeFormat('at', '1234567890123456'))
    assert.equal(await get(ctx, '/truth/unique?neighborhood=north'), paramError("query parameter 'from' is required (ISO time or epoch ms)"))
  })

  api('a reversed range answers 400', async (ctx) => {
    assert.equal(await get(ctx, `/truth/unique?neighborhood=north&from=${NOW}&to=${START}`), paramError(`query parameter 'from' (${iso(NOW)}) is after 'to' (${iso(START)})`))
    assert.equal(await get(ctx, `/truth/bytes?target=north&from=${NOW}&to=${NOW - 1}`), paramError(`query parameter 'from' (${iso(NOW)}) is after 'to' (${iso(NOW - 1)})`))
  })

  api('a range over 25 hours answers 400 naming the limit, and exactly 25 hours (a local day DST ends on) answers', async (ctx) => {
    const from = NOW - 25 * HOUR - 1
    const over = paramError(`query parameters 'from'..'to' span 90000001 ms, over the limit of 90000000 ms (25 h) per request`)
    assert.equal(await get(ctx, `/truth/unique?neighborhood=north&from=${from}&to=${NOW}`), over)
    assert.equal(await get(ctx, `/truth/bytes?target=north&from=${from}&to=${NOW}`), over)
    const ok = await get(ctx, `/truth/unique?neighborhood=north&from=${from + 1}&to=${NOW}`)
    assert.is(ok.status, 200)
    assert.is(ok.body.uniqueClients, ctx.city.truth.uniqueClients('north', from + 1, NOW))
    const bytes = await get(ctx, `/truth/bytes?target=north&from=${from + 1}&to=${NOW}`)
    assert.is(bytes.status, 200)
    assert.is(bytes.body.total, ctx.city.truth.bytes('north', from + 1, NOW).total)
  })

  api('a whole local day: unique clients of the city (each once), each neighborhood and each AP, split by randomized MACs, equal to the truth', async (ctx) => {
    const { truth } = ctx.city
    // 2026-11-20 in America/New_York: 05:00Z to 05:00Z next day
    const from = Date.parse('2026-11-20T05:00:00Z')
    const to = Date.parse('2026-11-21T05:00:00Z')
    const t0 = performance.now()
    const city = await get(ctx, `/truth/unique?neighborhood=all&from=2026-11-20T00:00:00-05:00&to=2026-11-21T00:00:00-05:00`)
    const firstMs = performance.now() - t0
    const all = truth.uniqueBreakdown('all', from, to)
    assert.equal(city, { status: 200, body: { neighborhood: 'all', fromMs: from, toMs: to, uniqueClients: all.total, randomized: all.randomized, notRandomized: all.notRandomized } })
    assert.is(all.randomized + all.notRandomized, all.total)
    assert.ok(all.randomized > 0 && all.notRandomized > all.randomized, `${all.randomized} of ${all.total} randomized`)
    let sum = 0
    for (const nb of ['north', 'south']) {
      const t1 = performance.now()
      const res = await get(ctx, `/truth/unique?neighborhood=${nb}&from=${from}&to=${to}`)
      assert.ok(performance.now() - t1 < 250, `${nb}: the day's visits are cached (${Math.round(performance.now() - t1)} ms)`)
      const u = truth.uniqueBreakdown(nb, from, to)
      assert.equal(res.body, { neighborhood: nb, fromMs: from, toMs: to, uniqueClients: u.total, randomized: u.randomized, notRandomized: u.notRandomized })
      sum += u.total
    }
    // roamers visit the other neighborhood on some days: the city counts them once
    assert.ok(all.total < sum, `city ${all.total} < north + south ${sum}`)
    const ap = await get(ctx, `/truth/unique?target=ap-s2&from=${from}&to=${to}`)
    const u = truth.uniqueBreakdown('ap-s2', from, to)
    assert.equal(ap, { status: 200, body: { target: 'ap-s2', fromMs: from, toMs: to, uniqueClients: u.total, randomized: u.randomized, notRandomized: u.notRandomized } })
    assert.ok(u.total > 0 && u.total < truth.uniqueClients('south', from, to))
    assert.ok(firstMs < 5000, `the first day took ${Math.round(firstMs)} ms`)
    assert.equal(await get(ctx, `/truth/unique?neighborhood=all&target=ap-s2&from=${from}&to=${to}`), paramError("give query parameter 'neighborhood' or 'target', not both"))
    assert.is((await get(ctx, `/truth/unique?target=nowhere&from=${from}&to=${to}`)).status, 404)
  })

  api('times before the origin less 1 day or after now plus 1 day answer 400', async (ctx) => {
    const outside = (name: string, ms: number) => paramError(`query parameter '${name}' is ${iso(ms)}, outside the times this city answers for: ${iso(LO)} (its origin less 1 day) to ${iso(HI)} (its now plus 1 day)`)
    assert.equal(await get(ctx, `/truth/clients?target=ap-n1&at=${HI + 1}`), outside('at', HI + 1))
    assert.equal(await get(ctx, `/truth/clients?target=ap-n1&at=${LO - 1}`), outside('at', LO - 1))
    assert.equal(await get(ctx, `/truth/unique?neighborhood=north&from=0&to=${HOUR}`), outside('from', 0))
    assert.equal(await get(ctx, `/truth/bytes?target=north&from=${HI - HOUR}&to=${HI + HOUR}`), outside('to', HI + HOUR))
    assert.equal(await get(ctx, `/truth/bytes?target=north&from=999999999999999&to=999999999999999`), outside('from', 999999999999999))
    assert.is((await get(ctx, `/truth/clients?target=ap-n1&at=${HI}`)).status, 200)
    assert.is((await get(ctx, `/truth/clients?target=ap-n1&at=${LO}`)).status, 200)
  })

  api('a normal range answers the same numbers as city.truth, in epoch ms and in ISO', async (ctx) => {
    const { truth } = ctx.city
    const at = NOW - 7 * 60_000
    assert.equal(await get(ctx, `/truth/clients?target=ap-n1&at=${at}`), { status: 200, body: { target: 'ap-n1', atMs: at, clients: truth.clientsAt('ap-n1', at) } })
    assert.equal((await get(ctx, '/truth/clients?target=wlc-1')).body, { target: 'wlc-1', atMs: NOW, clients: truth.clientsAt('wlc-1', NOW) })
    const uniq = await get(ctx, `/truth/unique?neighborhood=south&from=${START}&to=${NOW}`)
    const south = truth.uniqueBreakdown('south', START, NOW)
    assert.equal(uniq, { status: 200, body: { neighborhood: 'south', fromMs: START, toMs: NOW, uniqueClients: south.total, randomized: south.randomized, notRandomized: south.notRandomized } })
    assert.is(south.total, truth.uniqueClients('south', START, NOW))
    assert.ok(uniq.body.uniqueClients > 0, 'south had clients')
    const isoUniq = await get(ctx, `/truth/unique?neighborhood=south&from=${encodeURIComponent('2026-11-20T16:00:00-05:00')}&to=${encodeURIComponent(iso(NOW))}`)
    assert.equal(isoUniq.body, uniq.body)
    const bytes = await get(ctx, `/truth/bytes?target=north&from=${START + 60_000}&to=${NOW}`)
    assert.equal(bytes, { status: 200, body: { target: 'north', fromMs: START + 60_000, toMs: NOW, ...truth.bytes('north', START + 60_000, NOW) } })
    assert.ok(bytes.body.total > 0, 'north moved bytes')
    const before = await get(ctx, `/truth/bytes?target=sw-south&from=${START - 30 * 60_000}&to=2026-11-20T21:30:00.000Z`)
    assert.equal(before.body, { target: 'sw-south', fromMs: START - 30 * 60_000, toMs: START + 30 * 60_000, ...truth.bytes('sw-south', START - 30 * 60_000, START + 30 * 60_000) })
    assert.equal(await get(ctx, `/truth/clients?target=${'x'.repeat(129)}`), paramError("query parameter 'target' is over 128 characters"))
  })

  api('a Host that is not loopback with the server\'s own port answers 403', async (ctx) => {
    const allowed = `127.0.0.1:${ctx.port}, localhost:${ctx.port}, [::1]:${ctx.port}`
    const refused = (host: string) => ({ status: 403, body: { code: 'CN_ERR_SIM_HOST', message: `Host '${host}' is refused: this control API answers only to ${allowed}` } })
    const other = ctx.port === 65535 ? 65534 : ctx.port + 1
    for (const host of [`evil.example:${ctx.port}`, 'evil.example', `127.0.0.1:${other}`, '127.0.0.1', `127.0.0.1.evil.example:${ctx.port}`, `10.0.0.5:${ctx.port}`]) {
      assert.equal(await get(ctx, '/truth/outages', { host }), refused(host), host)
    }
    const f = await post(ctx, { type: 'slow', device: 'ap-s2' }, { host: `evil.example:${ctx.port}`, 'content-type': 'application/json' })
    assert.equal(f, refused(`evil.example:${ctx.port}`))
    assert.equal(ctx.city.faults.list(), [])
    for (const host of [`127.0.0.1:${ctx.port}`, `localhost:${ctx.port}`, `LOCALHOST:${ctx.port}`, `[::1]:${ctx.port}`]) {
      assert.is((await get(ctx, '/clock', { host })).status, 200, host)
    }
  })

  api('a foreign Origin answers 403, and the same loopback origin is allowed', async (ctx) => {
    const own = `http://127.0.0.1:${ctx.port}, http://localhost:${ctx.port}, http://[::1]:${ctx.port}`
    const refused = (origin: string) => ({ status: 403, body: { code: 'CN_ERR_SIM_ORIGIN', message: `Origin '${origin}' is refused: this control API answers only to its own origin (${own})` } })
    for (const origin of ['http://evil.example', 'null', `http://localhost:${ctx.port === 65535 ? 65534 : ctx.port + 1}`, `https://127.0.0.1:${ctx.port}`]) {
      assert.equal(await get(ctx, '/truth/outages', { origin }), refused(origin), origin)
    }
    assert.equal(await post(ctx, { type: 'slow', device: 'ap-s2' }, { origin: 'http://evil.example', 'content-type': 'application/json' }), refused('http://evil.example'))
    assert.equal(ctx.city.faults.list(), [])
    assert.is((await get(ctx, '/truth/outages', { origin: `http://127.0.0.1:${ctx.port}` })).status, 200)
    assert.is((await get(ctx, '/clock', { origin: `http://localhost:${ctx.port}`, host: `localhost:${ctx.port}` })).status, 200)
    const made = await post(ctx, { type: 'slow', device: 'ap-s2', delayMs: 5 }, { origin: `http://127.0.0.1:${ctx.port}`, 'sec-fetch-site': 'same-origin', 'content-type': 'application/json' })
    assert.is(made.status, 201)
    assert.is((await request(ctx.port, 'DELETE', `/faults/${made.body.id}`, { origin: `http://127.0.0.1:${ctx.port}` })).status, 200)
  })

  api('POST /faults without a JSON content type answers 415, and with one answers 201', async (ctx) => {
    const before = ctx.city.faults.list().length
    const refused = (got: string) => ({ status: 415, body: { code: 'CN_ERR_SIM_CONTENT_TYPE', message: `POST needs content-type: application/json, got ${got}` } })
    const body = { type: 'slow', device: 'ap-s3', delayMs: 5 }
    assert.equal(await post(ctx, body, { 'content-type': 'text/plain;charset=UTF-8' }), refused("'text/plain;charset=UTF-8'"))
    assert.equal(await post(ctx, body, { 'content-type': 'application/x-www-form-urlencoded' }), refused("'application/x-www-form-urlencoded'"))
    assert.equal(await post(ctx, body, {}), refused('none'))
    assert.is(ctx.city.faults.list().length, before)
    const made = await post(ctx, body, { 'content-type': 'application/json; charset=utf-8' })
    assert.is(made.status, 201)
    assert.equal({ type: made.body.type, target: made.body.target, params: made.body.params, endMs: made.body.endMs }, { type: 'slow', target: 'ap-s3', params: { delayMs: 5 }, endMs: null })
    assert.is(ctx.city.faults.list().length, before + 1)
    assert.is((await post(ctx, body)).status, 201)
  })

  api('a cross-site or same-site Sec-Fetch-Site refuses POST and DELETE', async (ctx) => {
    const made = await post(ctx, { type: 'slow', device: 'ap-n2', delayMs: 5 })
    assert.is(made.status, 201)
    const refused = (site: string, method: string) => ({ status: 403, body: { code: 'CN_ERR_SIM_CROSS_SITE', message: `Sec-Fetch-Site '${site}' is refused on ${method}: only this control API's own origin or a direct client may change the simulated city` } })
    assert.equal(await request(ctx.port, 'DELETE', `/faults/${made.body.id}`, { 'sec-fetch-site': 'cross-site' }), refused('cross-site', 'DELETE'))
    assert.equal(await request(ctx.port, 'DELETE', `/faults/${made.body.id}`, { 'sec-fetch-site': 'same-site' }), refused('same-site', 'DELETE'))
    assert.is(ctx.city.faults.list().find((f) => f.id === made.body.id)!.endMs, null)
    assert.equal(await post(ctx, { type: 'device-down', device: 'ap-n2' }, { 'content-type': 'application/json', 'sec-fetch-site': 'cross-site' }), refused('cross-site', 'POST'))
    assert.is((await get(ctx, '/faults', { 'sec-fetch-site': 'cross-site' })).status, 200, 'reading from a link is harmless; Origin and Host guard reads from pages')
    assert.is((await request(ctx.port, 'DELETE', `/faults/${made.body.id}`, { 'sec-fetch-site': 'none' })).status, 200)
  })

  api('POST /faults refuses numbers, ids and fields out of bounds', async (ctx) => {
    const before = ctx.city.faults.list().length
    assert.equal(await post(ctx, { type: 'slow', device: 'ap-n3', delayMs: 1e9 }), bodyError('field \'delayMs\' must be an integer from 0 to 60000, got 1000000000'))
    assert.equal(await post(ctx, { type: 'slow', device: 'ap-n3', params: { delayMs: 1.5 } }), bodyError('field \'params.delayMs\' must be an integer from 0 to 60000, got 1.5'))
    assert.equal(await post(ctx, { type: 'device-down', device: 'ap-n3', durationMs: -1 }), bodyError('field \'durationMs\' must be an integer from 0 to 604800000, got -1'))
    assert.equal(await post(ctx, { type: 'device-down', device: 'ap-n3', durationMs: '60000' }), bodyError('field \'durationMs\' must be an integer from 0 to 604800000, got "60000"'))
    assert.equal(await post(ctx, { type: 'optics-degrade', link: 'fl-north', dbPerHour: 0.001 }), bodyError('field \'dbPerHour\' must be a number from 0.1 to 1000, got 0.001'))
    assert.equal(await post(ctx, { type: 'optics-degrade', link: 'fl-north', dbPerHour: 1e308 }), bodyError('field \'dbPerHour\' must be a number from 0.1 to 1000, got 1e+308'))
    assert.equal(await post(ctx, { type: 'device-down', device: 'ap-n3', startMs: HI + 1 }), bodyError(`field 'startMs' must be an epoch-ms integer from ${LO} to ${HI} (the city's origin less 1 day to its now plus 1 day), got ${HI + 1}`))
    assert.equal(await post(ctx, { type: 'device-down', target: 'a'.repeat(129) }), bodyError("field 'target' must be a string of 1 to 128 characters"))
    assert.equal(await post(ctx, { type: 'x'.repeat(33), target: 'ap-n3' }), bodyError("field 'type' must be a string of 1 to 32 characters"))
    assert.equal(await post(ctx, { type: 'malformed', device: 'ap-n3', mode: 'evil' }), bodyError('field \'mode\' must be one of \'wrong-type\', \'garbage\', got "evil"'))
    assert.equal(await post(ctx, { type: 'optics-degrade', link: 'fl-north', end: 'c' }), bodyError('field \'end\' must be one of \'a\', \'b\', \'both\', got "c"'))
    assert.equal(
      await post(ctx, { type: 'slow', device: 'ap-n3', colour: 'red' }),
      bodyError("unknown field 'colour' (known: type, target, device, link, startMs, durationMs, params, delayMs, mode, dbPerHour, end)"),
    )
    assert.equal(await post(ctx, { type: 'slow', device: 'ap-n3', params: { x: 1 } }), bodyError("unknown field 'params.x' (known: delayMs, mode, dbPerHour, end)"))
    assert.equal(await post(ctx, [1, 2]), bodyError("body needs a string 'type'"))
    assert.equal(await post(ctx, { type: 'ap-down', device: 'nope' }), { status: 400, body: { code: 'CN_ERR_FAULT_TARGET', message: "fault 'device-down': device 'nope' is not in the simulated inventory" } })
    assert.is(ctx.city.faults.list().length, before)
    const ok = await post(ctx, { type: 'optics-degrade', link: 'fl-north', dbPerHour: 0.1, durationMs: 7 * 24 * HOUR, startMs: NOW, end: 'a' })
    assert.is(ok.status, 201)
    assert.equal({ startMs: ok.body.startMs, endMs: ok.body.endMs, params: ok.body.params }, { startMs: NOW, endMs: NOW + 7 * 24 * HOUR, params: { dbPerHour: 0.1, end: 'a' } })
    assert.is((await request(ctx.port, 'DELETE', `/faults/${ok.body.id}`)).status, 200)
  })

  api('the fault book takes at most 200 faults through the API', async (ctx) => {
    while (ctx.city.faults.list().length < 200) ctx.city.faults.inject({ type: 'slow', device: 'ap-s1', startMs: START, durationMs: 0 })
    assert.equal(await post(ctx, { type: 'slow', device: 'ap-s1', delayMs: 5 }), {
      status: 409,
      body: { code: 'CN_ERR_SIM_LIMIT', message: 'the fault book holds 200 faults, the most this control API takes (200); restart the simulation for a fresh book' },
    })
    assert.is(ctx.city.faults.list().length, 200)
  })

  api('startControlApi refuses to listen anywhere but loopback', async (ctx) => {
    try {
      const wrong = await startControlApi(ctx.city, 0, '0.0.0.0')
      await wrong.close()
      assert.unreachable('it listened on 0.0.0.0')
    } catch (err) {
      assert.is((err as Error).message, "control API: host '0.0.0.0' is not a loopback address (127.x.x.x, ::1 or localhost); it must not be reachable from the network")
    }
  })

  api.run()
}
