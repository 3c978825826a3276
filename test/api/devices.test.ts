import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Value } from '@sinclair/typebox/value'
import { DeviceDetail, DeviceList } from '../../api/schemas.ts'
import { HOUR, T, bearer, harness, type Harness } from './support.ts'

const test = suite<{ h: Harness }>('GET /api/devices', {} as { h: Harness })
test.before(async (ctx) => {
  ctx.h = await harness()
})
test.after(async (ctx) => {
  await ctx.h.close()
})

test('lists every device with id, kind, neighborhood and the status its device_up samples give', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 200)
  const body = res.json()
  assert.ok(Value.Check(DeviceList, body), JSON.stringify([...Value.Errors(DeviceList, body)].slice(0, 3)))
  assert.is(body.nowMs, T)
  const rows = body.devices.map((d: { id: string; kind: string; neighborhood: string; status: string; lastPollMs: number | null }) => [d.id, d.kind, d.neighborhood, d.status, d.lastPollMs])
  assert.equal(rows, [
    ['ap-1', 'ap', 'north', 'up', T - 30_000],
    ['ap-2', 'ap', 'north', 'down', T - 60_000], // polled, answered 0
    ['ap-3', 'ap', 'north', 'unknown', T - 600_000], // answered, but longer ago than 2 poll intervals: no news is not down
    ['ap-4', 'ap', 'north', 'up', T - 30_000], // lightweight AP, device_up from its controller
    ['ap-5', 'ap', 'south', 'unknown', null], // never polled
    ['wlc-1', 'controller', '', 'up', T - 30_000],
    ['sw-1', 'switch', '', 'up', T - 30_000],
    ['sw-2', 'switch', 'south', 'up', T - 30_000],
  ])
  assert.equal(body.devices[0], {
    id: 'ap-1', name: 'AP 1', kind: 'ap', site: 's-n1', neighborhood: 'north', lon: -72.695, lat: 41.805,
    status: 'up', lastPollMs: T - 30_000, statusSinceMs: T - 25 * HOUR, uplink: { device: 'sw-1', port: 'ge-0/0/1' }, model: 'AP-X',
  })
  assert.is(body.devices[3].controller, 'wlc-1')
})

test('says since when each status holds: the newest deviceDown or deviceUp event that agrees with it, within 30 days', async ({ h }) => {
  const body = (await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(h.tokens.engineer) })).json()
  assert.equal(
    body.devices.map((d: { id: string; status: string; statusSinceMs: number | null }) => [d.id, d.status, d.statusSinceMs]),
    [
      ['ap-1', 'up', T - 25 * HOUR], // deviceUp T-25h after a deviceDown T-26h
      ['ap-2', 'down', T - HOUR], // newest of two deviceDown events
      ['ap-3', 'unknown', null], // stale: nobody knows since when
      ['ap-4', 'up', null], // deviceUp 40 days ago: beyond the look-back
      ['ap-5', 'unknown', null],
      ['wlc-1', 'up', null],
      ['sw-1', 'up', null],
      ['sw-2', 'up', null], // linkDown and coldStart are not up/down changes
    ],
  )
  const one = async (id: string) => (await h.app.inject({ method: 'GET', url: `/api/devices/${id}`, headers: bearer(h.tokens.engineer) })).json()
  const details = await Promise.all(['ap-1', 'ap-2', 'ap-3', 'ap-4', 'ap-5'].map(one))
  assert.equal(details.map((d) => [d.id, d.status, d.statusSinceMs]), [
    ['ap-1', 'up', T - 25 * HOUR],
    ['ap-2', 'down', T - HOUR],
    ['ap-3', 'unknown', null],
    ['ap-4', 'up', null],
    ['ap-5', 'unknown', null],
  ])
  // Once ap-1's sample is stale its status is unknown, and so is since when; ap-2's
  // failed poll still says down, at any age, with its newest deviceDown.
  h.clock.set(T + 10 * 60_000)
  assert.equal([(await one('ap-1')).status, (await one('ap-1')).statusSinceMs], ['unknown', null])
  assert.equal([(await one('ap-2')).status, (await one('ap-2')).statusSinceMs], ['down', T - HOUR])
  h.clock.set(T)
})

test('counts a sample exactly 2 poll intervals old as fresh and one a millisecond older as unknown, never down', async ({ h }) => {
  h.clock.set(T - 30_000 + 120_000)
  let ap1 = (await h.app.inject({ method: 'GET', url: '/api/devices/ap-1', headers: bearer(h.tokens.engineer) })).json()
  assert.is(ap1.status, 'up')
  h.clock.set(T - 30_000 + 120_001)
  ap1 = (await h.app.inject({ method: 'GET', url: '/api/devices/ap-1', headers: bearer(h.tokens.engineer) })).json()
  assert.is(ap1.status, 'unknown')
  h.clock.set(T)
})

test('filters by neighborhood, kind and status', async ({ h }) => {
  const ids = async (q: string) =>
    (await h.app.inject({ method: 'GET', url: `/api/devices?${q}`, headers: bearer(h.tokens.engineer) })).json().devices.map((d: { id: string }) => d.id)
  assert.equal(await ids('neighborhood=south'), ['ap-5', 'sw-2'])
  assert.equal(await ids('kind=switch'), ['sw-1', 'sw-2'])
  assert.equal(await ids('status=down'), ['ap-2'])
  assert.equal(await ids('status=unknown'), ['ap-3', 'ap-5'])
  assert.equal(await ids('kind=ap&status=up&neighborhood=north'), ['ap-1', 'ap-4'])
})

test('refuses an unknown neighborhood filter with 404 naming the field, and a bad status with 400 listing the values', async ({ h }) => {
  let res = await h.app.inject({ method: 'GET', url: '/api/devices?neighborhood=atlantis', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 404)
  assert.is(res.json().message, "neighborhood 'atlantis' not found (field 'neighborhood')")
  res = await h.app.inject({ method: 'GET', url: '/api/devices?status=sideways', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 400)
  assert.is(res.json().message, 'invalid request: querystring.status must be one of up, down, unknown')
})

test('answers one device with its management address and the newest sample of each metric', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/devices/ap-1', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 200)
  const d = res.json()
  assert.ok(Value.Check(DeviceDetail, d), JSON.stringify([...Value.Errors(DeviceDetail, d)].slice(0, 3)))
  assert.equal(d.mgmt, { host: '127.0.0.1', port: 1161 })
  assert.is(d.credential, 'sim-v2c')
  assert.is(d.status, 'up')
  assert.equal(d.metrics, [
    { metric: 'device_up', instance: '', value: 1, timeMs: T - 30_000 },
    { metric: 'wifi_bytes', instance: '', value: 2000, timeMs: T - HOUR },
    { metric: 'wifi_clients', instance: '', value: 12, timeMs: T - 30_000 },
    { metric: 'wifi_clients_ssid', instance: 'CityFree', value: 8, timeMs: T - 30_000 },
    { metric: 'wifi_clients_ssid', instance: 'CityStaff', value: 4, timeMs: T - 30_000 },
  ])
})

test('answers a never-polled device as unknown with no metrics', async ({ h }) => {
  const d = (await h.app.inject({ method: 'GET', url: '/api/devices/ap-5', headers: bearer(h.tokens.engineer) })).json()
  assert.is(d.status, 'unknown')
  assert.is(d.lastPollMs, null)
  assert.equal(d.metrics, [])
})

test('answers 404 CN_ERR_DEVICE_NOT_FOUND for an unknown device', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/devices/ap-99', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 404)
  assert.equal(res.json(), { statusCode: 404, code: 'CN_ERR_DEVICE_NOT_FOUND', error: 'Not Found', message: "device 'ap-99' not found (field 'id')" })
})

test.run()
