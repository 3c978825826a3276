import { gunzipSync } from 'node:zlib'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Value } from '@sinclair/typebox/value'
import { NeighborhoodCollection, NeighborhoodFeature } from '../../api/schemas.ts'
import { HOUR, T, harness, inventory, type Harness } from './support.ts'

const test = suite<{ h: Harness }>('GET /api/neighborhoods', {} as { h: Harness })
test.before(async (ctx) => {
  ctx.h = await harness()
})
test.after(async (ctx) => {
  await ctx.h.close()
})

test('answers a GeoJSON FeatureCollection that validates against its schema, without a token', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods' })
  assert.is(res.statusCode, 200)
  assert.match(String(res.headers['content-type']), 'application/json')
  const body = res.json()
  assert.ok(Value.Check(NeighborhoodCollection, body), JSON.stringify([...Value.Errors(NeighborhoodCollection, body)].slice(0, 3)))
  assert.is(body.type, 'FeatureCollection')
  assert.equal(body.features.map((f: { id: string }) => f.id), ['north', 'south'])
  assert.equal(body.features[0].geometry, inventory.neighborhoods[0]!.geometry)
  assert.is(body.nowMs, T)
  assert.is(body.fromMs, T - 24 * HOUR)
  assert.is(body.toMs, T)
})

test('gives the served neighborhood its exact live and period figures', async ({ h }) => {
  const north = (await h.app.inject({ method: 'GET', url: '/api/neighborhoods' })).json().features[0].properties
  assert.equal(north, {
    id: 'north',
    name: 'North End',
    served: true,
    census: { population: 1000, households: 500, householdsWithoutBroadband: 100, pctWithoutBroadband: 20, povertyRatePct: 31.5 },
    clientsNow: 19,
    peakClients: 45,
    bytes: 3750,
    availabilityPct: 700 / 9,
    apsTotal: 4,
    apsUp: 2,
    apsDown: 1,
    apsUnknown: 1,
  })
})

test('gives a neighborhood whose only AP was never polled zero clients and null period figures', async ({ h }) => {
  const south = (await h.app.inject({ method: 'GET', url: '/api/neighborhoods' })).json().features[1].properties
  assert.is(south.served, false)
  assert.is(south.clientsNow, 0)
  assert.is(south.peakClients, null)
  assert.is(south.bytes, null)
  assert.is(south.availabilityPct, null)
  assert.equal([south.apsTotal, south.apsUp, south.apsDown, south.apsUnknown], [1, 0, 0, 1])
})

test('computes the period figures over the period asked', async ({ h }) => {
  // [T-90min, T): peak is the T-1h instant (30 + 3); bytes 2000 + 250; device_up samples
  // ap-1 1,1  ap-2 0,0  ap-3 1  ap-4 1 -> 4 of 6
  const res = await h.app.inject({ method: 'GET', url: `/api/neighborhoods?fromMs=${T - 90 * 60_000}&toMs=${T}` })
  assert.is(res.statusCode, 200)
  const p = res.json().features[0].properties
  assert.is(p.peakClients, 33)
  assert.is(p.bytes, 2250)
  assert.is(p.availabilityPct, 400 / 6)
  assert.is(p.clientsNow, 19)
})

test('sends the summary gzipped to a client that accepts gzip, with the same content', async ({ h }) => {
  const plain = await h.app.inject({ method: 'GET', url: '/api/neighborhoods' })
  const zipped = await h.app.inject({ method: 'GET', url: '/api/neighborhoods', headers: { 'accept-encoding': 'gzip, deflate, br' } })
  assert.is(zipped.headers['content-encoding'], 'gzip')
  assert.is(zipped.headers.vary, 'accept-encoding')
  assert.is(plain.headers['content-encoding'], undefined)
  assert.equal(JSON.parse(gunzipSync(zipped.rawPayload).toString('utf8')), plain.json())
})

test('leaves the polygons out with geometry=false, and answers 304 to a matching If-None-Match', async ({ h }) => {
  const full = await h.app.inject({ method: 'GET', url: '/api/neighborhoods' })
  const bare = await h.app.inject({ method: 'GET', url: '/api/neighborhoods?geometry=false' })
  assert.ok(Value.Check(NeighborhoodCollection, bare.json()))
  assert.equal(bare.json().features.map((f: { geometry: unknown }) => f.geometry), [null, null])
  assert.equal(bare.json().features[0].properties, full.json().features[0].properties)
  assert.ok(bare.rawPayload.length < full.rawPayload.length)
  assert.is.not(bare.headers.etag, full.headers.etag)
  const again = await h.app.inject({ method: 'GET', url: '/api/neighborhoods', headers: { 'if-none-match': String(full.headers.etag) } })
  assert.is(again.statusCode, 304)
  assert.is(again.body, '')
  await h.store.write([{ metric: 'wifi_clients', device: 'ap-4', neighborhood: 'north', instance: '', value: 8, timeMs: T - 10_000 }])
  const changed = await h.app.inject({ method: 'GET', url: '/api/neighborhoods', headers: { 'if-none-match': String(full.headers.etag) } })
  assert.is(changed.statusCode, 200)
  assert.is(changed.json().features[0].properties.clientsNow, 20)
  await h.store.write([{ metric: 'wifi_clients', device: 'ap-4', neighborhood: 'north', instance: '', value: 7, timeMs: T - 5_000 }])
})

test('answers one neighborhood as a Feature', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods/north' })
  assert.is(res.statusCode, 200)
  assert.ok(Value.Check(NeighborhoodFeature, res.json()))
  assert.is(res.json().properties.clientsNow, 19)
})

test('answers 404 CN_ERR_NEIGHBORHOOD_NOT_FOUND for an unknown id, naming it', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods/atlantis' })
  assert.is(res.statusCode, 404)
  assert.equal(res.json(), { statusCode: 404, code: 'CN_ERR_NEIGHBORHOOD_NOT_FOUND', error: 'Not Found', message: "neighborhood 'atlantis' not found (field 'id')" })
})

test('answers 400 CN_ERR_VALIDATION naming the field for a malformed id or time', async ({ h }) => {
  let res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods/North%20End' })
  assert.is(res.statusCode, 400)
  assert.is(res.json().code, 'CN_ERR_VALIDATION')
  assert.match(res.json().message, "params.id must be an id: 1 to 64 lower-case letters, digits, '.', '_' or '-'")
  res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods?fromMs=yesterday' })
  assert.is(res.statusCode, 400)
  assert.is(res.json().message, "invalid request: querystring.fromMs must be a decimal integer (digits only, at most 16), got 'yesterday'")
  res = await h.app.inject({ method: 'GET', url: '/api/neighborhoods?fromms=1' })
  assert.is(res.json().message, "invalid request: querystring has unknown field 'fromms'")
})

test('answers 400 CN_ERR_BAD_RANGE when fromMs is not before toMs', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: `/api/neighborhoods?fromMs=${T}&toMs=${T - 1}` })
  assert.is(res.statusCode, 400)
  assert.equal(res.json().code, 'CN_ERR_BAD_RANGE')
  assert.is(res.json().message, `bad time range: fromMs (${T}) must be before toMs (${T - 1})`)
})

test('reuses the summary within a clock minute when the cache is on, and recomputes in the next', async () => {
  const h = await harness({ summaryCacheMs: 60_000 })
  try {
    const get = async () => (await h.app.inject({ method: 'GET', url: '/api/neighborhoods' })).json().features[0].properties.clientsNow
    assert.is(await get(), 19)
    await h.store.write([{ metric: 'wifi_clients', device: 'ap-1', neighborhood: 'north', instance: '', value: 100, timeMs: T - 1000 }])
    assert.is(await get(), 19)
    h.clock.set(T + 60_000)
    assert.is(await get(), 107)
  } finally {
    await h.close()
  }
})

test.run()
