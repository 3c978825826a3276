import http from 'node:http'
import type { AddressInfo } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openInfluxStore } from '../../store/influx/index.ts'
import { StoreWriteError } from '../../store/query.ts'
import type { MetricStore } from '../../store/types.ts'
import { startInfluxd } from '../support/influxd.ts'
import type { Influxd } from '../support/influxd.ts'
import { BASE, contractSuite } from './contract.ts'

let influxd: Influxd | undefined
contractSuite('influxdb (real influxd)', async () => {
  influxd = await startInfluxd()
  return openInfluxStore({ url: influxd.url, database: 'contract', writer: { flushIntervalMs: 20 } })
}, async () => {
  await influxd?.stop()
}).run()

/** A real HTTP proxy on loopback that answers the first failures with the given statuses. */
function failingProxy(target: string, failures: number[]) {
  const t = new URL(target)
  const seen = { writesFailed: 0, writesForwarded: 0 }
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      if (req.url?.startsWith('/write') && failures.length > 0) {
        seen.writesFailed++
        const status = failures.shift()!
        res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify({ error: status === 429 ? 'too many requests' : 'engine: cache maximum memory size exceeded' }))
        return
      }
      if (req.url?.startsWith('/write')) seen.writesForwarded++
      const fwd = http.request({ hostname: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
        res.writeHead(up.statusCode ?? 502, up.headers)
        up.pipe(res)
      })
      fwd.on('error', () => res.writeHead(502).end())
      fwd.end(Buffer.concat(chunks))
    })
  })
  return {
    seen,
    listen: () => new Promise<string>((r) => server.listen(0, '127.0.0.1', () => r(`http://127.0.0.1:${(server.address() as AddressInfo).port}`))),
    close: () => new Promise<void>((r) => {
      server.closeAllConnections()
      server.close(() => r())
    }),
  }
}

const writes = suite<{ influxd: Influxd }>('InfluxDB writer against a failing server')
writes.before(async (ctx) => {
  ctx.influxd = await startInfluxd()
})
writes.after(async (ctx) => {
  await ctx.influxd?.stop()
})

const batch = Array.from({ length: 1200 }, (_, i) => ({ metric: 'retry_clients', device: `ap${i % 300}`, neighborhood: 'north', instance: '', value: i, timeMs: BASE + Math.floor(i / 300) * 60_000 }))

writes('retries a batch through 500s and 429s until it lands, once', async ({ influxd }) => {
  const proxy = failingProxy(influxd.url, [500, 503, 429])
  const url = await proxy.listen()
  let store: MetricStore | undefined
  try {
    store = await openInfluxStore({ url, database: 'retry', writer: { batchSize: 5000, retryBaseMs: 20, retryMaxMs: 100 } })
    await store.init()
    await store.write(batch)
    assert.equal(proxy.seen, { writesFailed: 3, writesForwarded: 1 })
    assert.equal(await store.aggregate({ metric: 'retry_clients', groupBy: 'neighborhood', fromMs: BASE, toMs: BASE + 3_600_000, stepMs: 3_600_000, fn: 'count' }),
      [{ group: 'north', timeMs: BASE, value: 1200 }])
  } finally {
    await store?.close()
    await proxy.close()
  }
})

writes('gives up after its retries with a retriable StoreWriteError', async ({ influxd }) => {
  const proxy = failingProxy(influxd.url, [500, 500, 500])
  const url = await proxy.listen()
  const store = await openInfluxStore({ url, database: 'retry', writer: { maxRetries: 2, retryBaseMs: 10, retryMaxMs: 20 } })
  try {
    await store.write(batch.slice(0, 10))
    assert.unreachable('the write should fail')
  } catch (err) {
    assert.instance(err, StoreWriteError)
    assert.is((err as StoreWriteError).retriable, true)
    assert.is((err as Error).message, `InfluxDB ${url} write failed after 3 attempts: 500 engine: cache maximum memory size exceeded`)
  } finally {
    await store.close()
    await proxy.close()
  }
})

writes('reports a 400 partial write clearly and does not retry it', async ({ influxd }) => {
  const proxy = failingProxy(influxd.url, [])
  const url = await proxy.listen()
  const store = await openInfluxStore({ url, database: 'bad', writer: { retryBaseMs: 10 } })
  try {
    await store.init()
    // the field `value` of this measurement is a string already: our float is a type conflict
    const res = await fetch(`${influxd.url}/write?db=bad&precision=ms`, { method: 'POST', body: `conflict value="text" ${BASE}` })
    assert.is(res.status, 204)
    await store.write([{ metric: 'conflict', device: 'ap1', neighborhood: 'n', instance: '', value: 1, timeMs: BASE + 1 }])
    assert.unreachable('the write should fail')
  } catch (err) {
    assert.instance(err, StoreWriteError)
    assert.is((err as StoreWriteError).retriable, false)
    assert.match((err as Error).message, `InfluxDB ${url} rejected a batch of 1 points with 400: partial write: field type conflict`)
    assert.match((err as Error).message, '— a bad point; not retried')
    assert.is(proxy.seen.writesForwarded, 1)
  } finally {
    await store.close()
    await proxy.close()
  }
})

writes('keeps at most maxInFlight requests on the wire', async ({ influxd }) => {
  let open = 0
  let peak = 0
  const t = new URL(influxd.url)
  const server = http.createServer((req, res) => {
    open++
    peak = Math.max(peak, open)
    const chunks: Buffer[] = []
    req.on('data', (c: Buffer) => chunks.push(c))
    req.on('end', () => {
      setTimeout(() => {
        const fwd = http.request({ hostname: t.hostname, port: t.port, path: req.url, method: req.method, headers: req.headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers)
          up.pipe(res)
          up.on('end', () => open--)
        })
        fwd.end(Buffer.concat(chunks))
      }, 30)
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()))
  const store = await openInfluxStore({ url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, database: 'inflight', writer: { batchSize: 100, maxInFlight: 2 } })
  try {
    await store.init()
    await store.write(batch)
    assert.is(peak, 2)
  } finally {
    await store.close()
    server.closeAllConnections()
    await new Promise((r) => server.close(r))
  }
})

writes('writes into and reads from the retention policy given as INFLUX_RP', async ({ influxd }) => {
  const ddl = async (q: string) => assert.is((await fetch(`${influxd.url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' })).status, 200)
  await ddl('CREATE DATABASE "rpdb"')
  await ddl('CREATE RETENTION POLICY "two_weeks" ON "rpdb" DURATION 14d REPLICATION 1')
  const store = await openInfluxStore({ url: influxd.url, database: 'rpdb', retentionPolicy: 'two_weeks' })
  try {
    await store.init()
    const now = Math.floor(Date.now() / 60_000) * 60_000
    await store.write([{ metric: 'wifi_clients', device: 'ap1', neighborhood: 'north', instance: '', value: 8, timeMs: now }])
    assert.equal(await store.latest({ metric: 'wifi_clients' }), [{ device: 'ap1', neighborhood: 'north', instance: '', value: 8, timeMs: now }])
    const count = async (rp: string) => {
      const res = await fetch(`${influxd.url}/query?db=rpdb&q=${encodeURIComponent(`SELECT count("value") FROM "rpdb"."${rp}"."wifi_clients"`)}`)
      return ((await res.json()) as { results: { series?: { values: number[][] }[] }[] }).results[0]!.series?.[0]?.values[0]?.[1] ?? 0
    }
    assert.is(await count('two_weeks'), 1)
    assert.is(await count('autogen'), 0)
  } finally {
    await store.close()
  }
})

writes.run()
