/**
 * The same exact figures as the DuckDB tests, with the API on a real influxd (1.6.7): the
 * API answers alike on both stores. Also runs `civicnet serve` as a process against it,
 * the InfluxDB deployment, over real HTTP.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openInfluxStore } from '../../store/influx/index.ts'
import { startInfluxd, type Influxd } from '../support/influxd.ts'
import { HOUR, T, bearer, harness, type Harness } from './support.ts'

const test = suite<{ influxd: Influxd; h: Harness }>('the API on InfluxDB', {} as { influxd: Influxd; h: Harness })
test.before(async (ctx) => {
  ctx.influxd = await startInfluxd()
  try {
    ctx.h = await harness({}, await openInfluxStore({ url: ctx.influxd.url, database: 'api_test' }))
  } catch (err) {
    await ctx.influxd.stop()
    throw err
  }
})
test.after(async (ctx) => {
  await ctx.h?.close()
  await ctx.influxd?.stop()
})

test('gives the served neighborhood the same exact figures as on DuckDB', async ({ h }) => {
  const p = (await h.app.inject({ method: 'GET', url: '/api/neighborhoods' })).json().features[0].properties
  assert.equal([p.clientsNow, p.peakClients, p.bytes, p.availabilityPct, p.apsUp, p.apsDown, p.apsUnknown], [19, 45, 3750, 700 / 9, 2, 1, 1])
})

test('gives devices and links the same statuses as on DuckDB', async ({ h }) => {
  const devices = (await h.app.inject({ method: 'GET', url: '/api/devices', headers: bearer(h.tokens.engineer) })).json().devices
  assert.equal(devices.map((d: { status: string }) => d.status), ['up', 'down', 'unknown', 'up', 'unknown', 'up', 'up', 'up'])
  const links = (await h.app.inject({ method: 'GET', url: '/api/links', headers: bearer(h.tokens.engineer) })).json().links
  assert.equal(links.map((l: { status: string }) => l.status), ['up', 'down', 'unknown'])
  assert.equal([links[0].a.rxDbm, links[0].b.txDbm], [-7.5, -1.875])
})

test('answers the same series and events as on DuckDB', async ({ h }) => {
  const body = (await h.app.inject({ method: 'GET', url: `/api/series?metric=wifi_clients&neighborhood=north&fromMs=${T - 3 * HOUR}&toMs=${T}&stepMs=${HOUR}` })).json()
  assert.equal(body.points, [{ timeMs: T - 2 * HOUR, value: 45 }, { timeMs: T - HOUR, value: 22 }])
  const events = (await h.app.inject({ method: 'GET', url: '/api/events', headers: bearer(h.tokens.engineer) })).json().events
  assert.equal(events.map((e: { type: string }) => e.type), ['deviceDown', 'linkDown', 'coldStart'])
})

function run(args: string[], env: Record<string, string>): { child: ChildProcess; output: () => string; exit: Promise<number> } {
  const child = spawn(process.execPath, ['bin/civicnet.js', ...args], { cwd: new URL('../..', import.meta.url).pathname, env: { ...process.env, ...env } })
  let out = ''
  child.stdout!.on('data', (d) => (out += d))
  child.stderr!.on('data', (d) => (out += d))
  const exit = new Promise<number>((resolve) => child.on('close', (code) => resolve(code ?? -1)))
  return { child, output: () => out, exit }
}

test('civicnet serve runs the API on InfluxDB over HTTP, with a token made by --create-token, and computes the rollups', async ({ influxd }) => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-serve-'))
  const env = { CIVICNET_DATA_DIR: dir, INFLUX_URL: influxd.url, INFLUX_DB: 'serve_test', PORT: '0', HOST: '127.0.0.1', LOG_LEVEL: 'info' }
  let server: ReturnType<typeof run> | undefined
  // two polls of one AP in a 5-minute bucket that has ended: the rollup serve computes holds them
  const bucket = Math.floor(Date.now() / 300_000) * 300_000 - 600_000
  const polled = await openInfluxStore({ url: influxd.url, database: 'serve_test' })
  await polled.init()
  await polled.write([
    { metric: 'wifi_clients', device: 'ap-downtown-001', neighborhood: 'downtown', instance: '', value: 7, timeMs: bucket + 60_000 },
    { metric: 'wifi_clients', device: 'ap-downtown-001', neighborhood: 'downtown', instance: '', value: 12, timeMs: bucket + 120_000 },
  ])
  await polled.close()
  try {
    const made = run(['serve', '--create-token', 'engineer', 'ops desk'], env)
    assert.is(await made.exit, 0, made.output())
    const token = made.output().trim()
    assert.match(token, /^cn_[A-Za-z0-9_-]{43}$/)
    server = run(['serve'], env)
    const deadline = Date.now() + 30_000
    let url = ''
    while (!url && Date.now() < deadline) {
      url = /"url":"(http:\/\/127\.0\.0\.1:\d+)"/.exec(server.output())?.[1] ?? ''
      if (!url) await new Promise((r) => setTimeout(r, 100))
    }
    assert.ok(url, `no url in: ${server.output()}`)
    const health = await (await fetch(`${url}/api/health`)).json()
    assert.equal(health.store, { kind: 'influxdb', up: true })
    const nb = await (await fetch(`${url}/api/neighborhoods`)).json()
    assert.is(nb.features.length, 17) // the Hartford inventory seeded into the empty app state
    let res = await fetch(`${url}/api/devices`)
    assert.is(res.status, 401)
    res = await fetch(`${url}/api/devices`, { headers: bearer(token) })
    assert.is(res.status, 200)
    assert.is((await res.json()).devices.length, 235)
    assert.not.match(server.output(), token)
    // the rollups: computed once at start (then every minute), read back from the 5m tier
    let rows: { count: number; sum: number; max: number }[] = []
    for (const until = Date.now() + 30_000; rows.length === 0 && Date.now() < until; await new Promise((r) => setTimeout(r, 250))) {
      const q = `SELECT "count", "sum", "max" FROM "rollup_5m" WHERE "metric" = 'wifi_clients' AND "device" = 'ap-downtown-001' AND time = ${bucket}ms`
      const body = await (await fetch(`${influxd.url}/query?db=serve_test&epoch=ms&q=${encodeURIComponent(q)}`)).json()
      rows = (body.results[0].series?.[0]?.values ?? []).map((v: number[]) => ({ count: v[1], sum: v[2], max: v[3] }))
    }
    assert.equal(rows, [{ count: 2, sum: 19, max: 12 }], server.output().slice(-2000))
  } finally {
    if (server && server.child.exitCode === null) {
      server.child.kill('SIGTERM')
      assert.is(await server.exit, 0)
    }
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
