import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { Value } from '@sinclair/typebox/value'
import { Link, LinkList } from '../../api/schemas.ts'
import { T, bearer, harness, type Harness } from './support.ts'

const test = suite<{ h: Harness }>('GET /api/links', {} as { h: Harness })
test.before(async (ctx) => {
  ctx.h = await harness()
})
test.after(async (ctx) => {
  await ctx.h.close()
})

test('gives each fiber link its status and the optics at both ends', async ({ h }) => {
  const res = await h.app.inject({ method: 'GET', url: '/api/links', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 200)
  const body = res.json()
  assert.ok(Value.Check(LinkList, body), JSON.stringify([...Value.Errors(LinkList, body)].slice(0, 3)))
  const [fib1, fib2, fib3] = body.links
  assert.equal(fib1, {
    id: 'fib-1',
    status: 'up',
    lengthM: 9100,
    route: { type: 'LineString', coordinates: [[-72.6, 41.76], [-72.695, 41.705]] },
    a: { device: 'sw-1', port: 'xe-0/0/1', deviceStatus: 'up', operStatus: 1, rxDbm: -7.5, txDbm: -2.125, opticsTimeMs: T - 30_000 },
    b: { device: 'sw-2', port: 'xe-0/0/1', deviceStatus: 'up', operStatus: 1, rxDbm: -8.25, txDbm: -1.875, opticsTimeMs: T - 30_000 },
  })
  assert.is(fib2.status, 'down') // sw-2's port is operationally down (2) though both switches answer
  assert.equal(fib2.b, { device: 'sw-2', port: 'xe-0/0/2', deviceStatus: 'up', operStatus: 2, rxDbm: -30, txDbm: null, opticsTimeMs: T - 30_000 })
  assert.equal(fib2.a, { device: 'sw-1', port: 'xe-0/0/2', deviceStatus: 'up', operStatus: 1, rxDbm: null, txDbm: null, opticsTimeMs: null })
  assert.is(fib3.status, 'unknown') // ap-5 was never polled and nothing says down
})

test('calls a link down when an end device is down', async ({ h }) => {
  await h.store.write([{ metric: 'device_up', device: 'sw-2', neighborhood: 'south', instance: '', value: 0, timeMs: T - 1000 }])
  try {
    const body = (await h.app.inject({ method: 'GET', url: '/api/links?status=down', headers: bearer(h.tokens.planner) })).json()
    assert.equal(body.links.map((l: { id: string }) => l.id), ['fib-1', 'fib-2'])
    assert.is(body.links[0].b.deviceStatus, 'down')
  } finally {
    await h.store.write([{ metric: 'device_up', device: 'sw-2', neighborhood: 'south', instance: '', value: 1, timeMs: T - 500 }])
  }
})

test('answers one link, and 404 CN_ERR_LINK_NOT_FOUND for an unknown one', async ({ h }) => {
  let res = await h.app.inject({ method: 'GET', url: '/api/links/fib-2', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 200)
  assert.ok(Value.Check(Link, res.json()))
  assert.is(res.json().status, 'down')
  res = await h.app.inject({ method: 'GET', url: '/api/links/fib-9', headers: bearer(h.tokens.engineer) })
  assert.is(res.statusCode, 404)
  assert.is(res.json().code, 'CN_ERR_LINK_NOT_FOUND')
  assert.is(res.json().message, "fiber link 'fib-9' not found (field 'id')")
})

test.run()
