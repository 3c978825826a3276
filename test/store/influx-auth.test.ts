import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openInfluxStore } from '../../store/influx/index.ts'
import { StoreUnavailableError, StoreWriteError } from '../../store/query.ts'
import { startInfluxd } from '../support/influxd.ts'
import type { Influxd } from '../support/influxd.ts'

const BASE = Date.UTC(2024, 0, 1)
const sample = { metric: 'wifi_clients', device: 'ap1', neighborhood: 'north', instance: '', value: 3, timeMs: BASE }

const auth = suite<{ influxd: Influxd }>('InfluxDB 1.x with auth enabled')
auth.before(async (ctx) => {
  ctx.influxd = await startInfluxd({ authEnabled: true })
  const res = await fetch(`${ctx.influxd.url}/query?q=${encodeURIComponent(`CREATE USER "civicnet" WITH PASSWORD 's3cret' WITH ALL PRIVILEGES`)}`, { method: 'POST' })
  assert.is(res.status, 200)
})
auth.after(async (ctx) => {
  await ctx.influxd?.stop()
})

auth('writes and reads with INFLUX_USERNAME/INFLUX_PASSWORD (Basic auth)', async ({ influxd }) => {
  const store = await openInfluxStore({ url: influxd.url, database: 'city', username: 'civicnet', password: 's3cret' })
  try {
    await store.init()
    await store.write([sample])
    assert.equal(await store.latest({ metric: 'wifi_clients' }), [{ device: 'ap1', neighborhood: 'north', instance: '', value: 3, timeMs: BASE }])
  } finally {
    await store.close()
  }
})

auth('fails init with a StoreUnavailableError on a wrong password', async ({ influxd }) => {
  const store = await openInfluxStore({ url: influxd.url, database: 'city', username: 'civicnet', password: 'wrong' })
  try {
    await store.init()
    assert.unreachable('init should fail')
  } catch (err) {
    assert.instance(err, StoreUnavailableError)
    assert.match((err as Error).message, `InfluxDB ${influxd.url} database 'city': `)
  } finally {
    await store.close()
  }
})

auth('rejects a write with a wrong password at once, naming the variables to check', async ({ influxd }) => {
  const store = await openInfluxStore({ url: influxd.url, database: 'city', username: 'civicnet', password: 'wrong' })
  try {
    await store.write([sample])
    assert.unreachable('write should fail')
  } catch (err) {
    assert.instance(err, StoreWriteError)
    assert.is((err as StoreWriteError).retriable, false)
    assert.match((err as Error).message, 'with 401: authorization failed — check INFLUX_USERNAME/INFLUX_PASSWORD or INFLUX_TOKEN')
  } finally {
    await store.close()
  }
})

auth.run()

const token = suite('InfluxDB token auth (2.x/3.x)')

token('sends Authorization: Token on writes and queries, and no DDL', async () => {
  // influxd 1.6.7 has no token auth: a loopback server records what a 2.x/3.x server would get
  const seen: { method: string; path: string; authorization: string | undefined; q: string | null }[] = []
  const server = http.createServer((req, res) => {
    const url = new URL(req.url!, 'http://x')
    seen.push({ method: req.method!, path: url.pathname, authorization: req.headers.authorization, q: url.searchParams.get('q') })
    req.resume()
    req.on('end', () => {
      if (url.pathname === '/write') res.writeHead(204).end()
      else res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ results: [{ statement_id: 0 }] }))
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const store = await openInfluxStore({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, database: 'city', token: 'apiv3_abc' })
  try {
    await store.init()
    await store.write([sample])
    assert.equal(await store.latest({ metric: 'wifi_clients' }), [])
    assert.equal(seen.map((s) => [s.method, s.path, s.authorization]), [
      ['GET', '/query', 'Token apiv3_abc'],
      ['POST', '/write', 'Token apiv3_abc'],
      ['GET', '/query', 'Token apiv3_abc'],
    ])
    assert.is(seen.some((s) => /CREATE/i.test(s.q ?? '')), false)
  } finally {
    await store.close()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
})

token.run()
