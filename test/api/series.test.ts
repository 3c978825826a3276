import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Value } from '@sinclair/typebox/value'
import { EventList, Series } from '../../api/schemas.ts'
import { HOUR, MIN, T, bearer, harness, type Harness } from './support.ts'

const test = suite<{ h: Harness }>('GET /api/series and /api/events', {} as { h: Harness })
test.before(async (ctx) => {
  ctx.h = await harness()
})
test.after(async (ctx) => {
  await ctx.h.close()
})

const range = `fromMs=${T - 3 * HOUR}&toMs=${T}&stepMs=${HOUR}`

test('answers a neighborhood client series (mean concurrent clients per step) without a token', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: `/api/series?metric=wifi_clients&neighborhood=north&${range}` })
  assert.is(res.statusCode, 200)
  const body = res.json()
  assert.ok(Value.Check(Series, body), JSON.stringify([...Value.Errors(Series, body)].slice(0, 3)))
  assert.equal(body, {
    metric: 'wifi_clients', unit: 'clients', kind: 'gauge', fn: 'mean',
    target: { type: 'neighborhood', id: 'north' }, instance: null,
    fromMs: T - 3 * HOUR, toMs: T, stepMs: HOUR,
    // T-2h: one instant, 20+15+10. T-1h: instants 33 (T-1h), 9 (T-10min), 5+12+7 (T-1min) -> 66/3.
    points: [{ timeMs: T - 2 * HOUR, value: 45 }, { timeMs: T - HOUR, value: 22 }],
  })
})

test('answers peaks with fn=max and byte totals with the delta default fn=sum', async ({ h }) => {
  let body = (await h.app.inject({ method: 'GET', url: `/api/series?metric=wifi_clients&neighborhood=north&fn=max&${range}` })).json()
  assert.equal(body.points, [{ timeMs: T - 2 * HOUR, value: 45 }, { timeMs: T - HOUR, value: 33 }])
  body = (await h.app.inject({ method: 'GET', url: `/api/series?metric=wifi_bytes&neighborhood=north&${range}` })).json()
  assert.is(body.fn, 'sum')
  assert.equal(body.points, [{ timeMs: T - 2 * HOUR, value: 1500 }, { timeMs: T - HOUR, value: 2250 }])
})

test('answers a device series to an engineer, with an instance filter', async ({ h }) => {
  let body = (await h.app.inject({ method: 'GET', url: `/api/series?metric=wifi_bytes&device=ap-1&${range}`, headers: bearer(h.tokens.engineer) })).json()
  assert.equal(body.target, { type: 'device', id: 'ap-1' })
  assert.equal(body.points, [{ timeMs: T - 2 * HOUR, value: 1000 }, { timeMs: T - HOUR, value: 2000 }])
  const url = `/api/series?metric=wifi_clients_ssid&device=ap-1&instance=CityFree&fromMs=${T - 5 * MIN}&toMs=${T}&stepMs=${MIN}`
  body = (await h.app.inject({ method: 'GET', url, headers: bearer(h.tokens.admin) })).json()
  assert.is(body.instance, 'CityFree')
  assert.equal(body.points, [{ timeMs: T - MIN, value: 8 }])
})

test('refuses a device series to the public (401) and to an analyst (403)', async ({ h }) => {
  let res = await h.app.inject({ method: 'GET', url: `/api/series?metric=wifi_bytes&device=ap-1&${range}` })
  assert.is(res.statusCode, 401)
  assert.is(res.json().code, 'CN_ERR_UNAUTHENTICATED')
  res = await h.app.inject({ method: 'GET', url: `/api/series?metric=wifi_bytes&device=ap-1&${range}`, headers: bearer(h.tokens.analyst) })
  assert.is(res.statusCode, 403)
  assert.is(res.json().message, "role 'analyst' may not GET /api/series?device= (allowed: admin, engineer)")
})

test("counts a neighborhood's APs up with device_up, leaving its switches out", async ({ h }) => {
  // south: ap-5 never polled, sw-2 up: the APs-up series is empty, not sw-2's 1.
  let body = (await h.app.inject({ method: 'GET', url: `/api/series?metric=device_up&neighborhood=south&fn=sum&${range}` })).json()
  assert.equal(body.points, [])
  // north, T-2h: ap-1, ap-2, ap-3 up.
  body = (await h.app.inject({ method: 'GET', url: `/api/series?metric=device_up&neighborhood=north&fn=max&${range}` })).json()
  assert.equal(body.points[0], { timeMs: T - 2 * HOUR, value: 3 })
})

test('picks a step that keeps a chart under 1000 points when none is given', async ({ h }) => {
  const body = (await h.app.inject({ method: 'GET', url: '/api/series?metric=wifi_clients&neighborhood=north' })).json()
  assert.equal([body.fromMs, body.toMs, body.stepMs], [T - 24 * HOUR, T, 300_000])
})

test('refuses a step that would return millions of points, naming stepMs and a step that fits', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: `/api/series?metric=wifi_clients&neighborhood=north&fromMs=${T - 30 * 24 * HOUR}&toMs=${T}&stepMs=1000` })
  assert.is(res.statusCode, 400)
  assert.is(res.json().code, 'CN_ERR_TOO_MANY_POINTS')
  assert.is(res.json().message, "field 'stepMs' would return 2592000 points per series (limit 10000): use stepMs >= 259226 or a shorter range")
})

test('refuses bad series input with a message naming the field', async ({ h }) => {
  const cases: [string, number, string, string][] = [
    ['metric=wifi_clients', 400, 'CN_ERR_BAD_SERIES_TARGET', "bad series target: give exactly one of the query fields 'neighborhood' or 'device'"],
    ['metric=wifi_clients&neighborhood=north&device=ap-1', 400, 'CN_ERR_BAD_SERIES_TARGET', "bad series target: give exactly one of the query fields 'neighborhood' or 'device'"],
    ['metric=wifi_clients&neighborhood=atlantis', 404, 'CN_ERR_NEIGHBORHOOD_NOT_FOUND', "neighborhood 'atlantis' not found (field 'neighborhood')"],
    ['neighborhood=north', 400, 'CN_ERR_VALIDATION', 'invalid request: querystring.metric is required'],
    ['metric=wifi_clients&neighborhood=north&stepMs=10', 400, 'CN_ERR_VALIDATION', 'invalid request: querystring.stepMs must be >= 1000'],
    ['metric=wifi_clients&neighborhood=north&fn=median', 400, 'CN_ERR_VALIDATION', 'invalid request: querystring.fn must be one of sum, mean, max, min, count'],
    ["metric=wifi_clients&neighborhood=north'%3B%20DROP%20TABLE%20samples", 400, 'CN_ERR_VALIDATION', "invalid request: querystring.neighborhood must be an id: 1 to 64 lower-case letters, digits, '.', '_' or '-', starting with a letter or digit"],
    [`metric=wifi_clients&neighborhood=north&fromMs=${T}&toMs=${T - HOUR}`, 400, 'CN_ERR_BAD_RANGE', `bad time range: fromMs (${T}) must be before toMs (${T - HOUR})`],
  ]
  for (const [q, status, code, message] of cases) {
    const res = await h.app.inject({ method: 'GET', url: `/api/series?${q}`, headers: bearer(h.tokens.engineer) })
    assert.equal([q, res.statusCode, res.json().code, res.json().message], [q, status, code, message])
  }
  const res = await h.app.inject({ method: 'GET', url: '/api/series?metric=no_such_metric&neighborhood=north' })
  assert.is(res.statusCode, 400)
  assert.match(res.json().message, /^invalid request: querystring\.metric must be one of wifi_clients, /)
})

test('lists the events of the last 24 h newest first', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/events', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 200)
  const body = res.json()
  assert.ok(Value.Check(EventList, body))
  assert.equal([body.fromMs, body.toMs], [T - 24 * HOUR, T])
  assert.equal(body.events.map((e: { type: string; device: string }) => `${e.type}@${e.device}`), ['deviceDown@ap-2', 'linkDown@sw-2', 'coldStart@sw-2'])
  assert.equal(body.events[0], { timeMs: T - HOUR, device: 'ap-2', neighborhood: 'north', type: 'deviceDown', severity: 'critical', detail: 'no answer to 2 polls' })
})

test('filters events by type, device, neighborhood and limit', async ({ h }) => {
  const get = async (q: string) =>
    (await h.app.inject({ method: 'GET', url: `/api/events?${q}`, headers: bearer(h.tokens.engineer) })).json().events.map((e: { timeMs: number }) => e.timeMs)
  assert.equal(await get('type=coldStart'), [T - 3 * HOUR])
  assert.equal(await get(`type=coldStart&fromMs=${T - 48 * HOUR}`), [T - 3 * HOUR, T - 30 * HOUR])
  assert.equal(await get('device=sw-2'), [T - 2 * HOUR, T - 3 * HOUR])
  assert.equal(await get('neighborhood=north&neighborhood=south&limit=2'), [T - HOUR, T - 2 * HOUR])
})

test('refuses events for an unknown device naming the field', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/events?device=sw-2&device=ap-99', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 404)
  assert.is(res.json().message, "device 'ap-99' not found (field 'device')")
})

test.run()
