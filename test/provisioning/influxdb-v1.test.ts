import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runProvisionInfluxdb } from '../../cli/provision-influxdb.ts'
import { openInfluxStore } from '../../store/influx/index.ts'
import { freePort, startInfluxd } from '../support/influxd.ts'
import type { Influxd } from '../support/influxd.ts'
import { capture } from './influxdb-capture.ts'

const test = suite<{ influxd: Influxd }>('civicnet provision influxdb on a real influxd 1.x')
const env = {}
const ql = async (url: string, q: string) => (await (await fetch(`${url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' })).json()) as { results: { series?: { values: unknown[][] }[]; error?: string }[] }
const rps = async (url: string) => (await ql(url, 'SHOW RETENTION POLICIES ON "civicnet"')).results[0]!.series![0]!.values

test.before(async (ctx) => {
  ctx.influxd = await startInfluxd()
})
test.after(async ({ influxd }) => influxd.stop())

test('the first run creates the database and the one infinite retention policy the store writes to', async ({ influxd }) => {
  const r = await capture(() => runProvisionInfluxdb(['--url', influxd.url], env))
  assert.is(r.code, 0, r.err.join('\n'))
  assert.equal(r.out, [
    `InfluxDB 1.x at ${influxd.url} (version 1.6.7~rc0)`,
    'created    database civicnet',
    'created    retention policy civicnet on civicnet: duration INF, shard duration 7d, default',
    `store settings for civicnet collect/serve: INFLUX_URL=${influxd.url} INFLUX_DB=civicnet INFLUX_RP=civicnet (+ INFLUX_USERNAME/INFLUX_PASSWORD)`,
  ])
  assert.equal(await rps(influxd.url), [['autogen', '0s', '168h0m0s', 1, false], ['civicnet', '0s', '168h0m0s', 1, true]])
})

test('a second run changes nothing and says so', async ({ influxd }) => {
  const r = await capture(() => runProvisionInfluxdb(['--url', influxd.url, '--generation', '1'], env))
  assert.is(r.code, 0)
  assert.equal(r.out.slice(0, 4), [
    `InfluxDB 1.x at ${influxd.url} (version not detected)`,
    'unchanged  database civicnet',
    'unchanged  retention policy civicnet on civicnet: duration INF, shard duration 7d, default',
    'nothing to change',
  ])
  assert.equal(await rps(influxd.url), [['autogen', '0s', '168h0m0s', 1, false], ['civicnet', '0s', '168h0m0s', 1, true]])
})

test('a policy changed by hand (30 d, not default) is altered back and printed as changed', async ({ influxd }) => {
  await ql(influxd.url, 'ALTER RETENTION POLICY "civicnet" ON "civicnet" DURATION 30d SHARD DURATION 1d')
  await ql(influxd.url, 'ALTER RETENTION POLICY "autogen" ON "civicnet" DEFAULT')
  assert.equal(await rps(influxd.url), [['autogen', '0s', '168h0m0s', 1, true], ['civicnet', '720h0m0s', '24h0m0s', 1, false]])
  const r = await capture(() => runProvisionInfluxdb(['--url', influxd.url], env))
  assert.is(r.code, 0)
  assert.equal(r.out.slice(1, 3), [
    'unchanged  database civicnet',
    'changed    retention policy civicnet on civicnet: duration 720h0m0s -> INF, shard duration 24h0m0s -> 7d, not default -> default',
  ])
  assert.equal(await rps(influxd.url), [['autogen', '0s', '168h0m0s', 1, false], ['civicnet', '0s', '168h0m0s', 1, true]])
})

test('the store then writes into that policy: a sample and its 5m rollup read back, and the raw point is in civicnet.civicnet', async ({ influxd }) => {
  const store = await openInfluxStore({ url: influxd.url, database: 'civicnet', retentionPolicy: 'civicnet' })
  try {
    await store.init()
    const t = Math.floor(Date.now() / 300_000) * 300_000 - 600_000
    await store.write([{ metric: 'wifi_clients', device: 'ap-1', neighborhood: 'northeast', instance: '', value: 7, timeMs: t + 60_000 }])
    await store.rollup('5m', t, t + 300_000)
    const latest = await store.latest({ metric: 'wifi_clients' })
    assert.equal(latest.map((l) => [l.device, l.value, l.timeMs]), [['ap-1', 7, t + 60_000]])
    const rows = await store.rollupRows('5m', t, t + 300_000, { metric: 'wifi_clients', device: ['ap-1'] })
    assert.equal(rows.map((r) => [r.timeMs, r.count, r.sum]), [[t, 1, 7]])
  } finally {
    await store.close()
  }
  const counted = await ql(influxd.url, 'SELECT count("value") FROM "civicnet"."civicnet"."wifi_clients"')
  assert.is(counted.results[0]!.series![0]!.values[0]![1], 1)
  // the store's rollup coverage point (time 0) is kept: the reason the policy is infinite
  const state = await ql(influxd.url, 'SELECT "to" FROM "civicnet"."civicnet"."civicnet_rollup_state"')
  assert.is(state.results[0]!.series![0]!.values.length, 1)
})

test('bad input exits 2 naming the flag; an unreachable host exits 1 saying so', async () => {
  const g = await capture(() => runProvisionInfluxdb(['--url', 'http://127.0.0.1:1', '--generation', '4'], env))
  assert.equal([g.code, g.err], [2, ["civicnet provision influxdb: --generation must be 1, 2, 3 or auto, got '4' (see --help)"]])
  const u = await capture(() => runProvisionInfluxdb([], env))
  assert.equal([u.code, u.err], [2, ['civicnet provision influxdb: --url is required (or set INFLUX_URL) (see --help)']])
  const port = await freePort()
  const r = await capture(() => runProvisionInfluxdb(['--url', `http://127.0.0.1:${port}`], env))
  assert.equal([r.code, r.err], [1, [`civicnet provision influxdb: cannot reach InfluxDB at http://127.0.0.1:${port} (ECONNREFUSED): check --url / INFLUX_URL and that InfluxDB is running`]])
})

test('with auth on, a wrong password is refused with 401 and nothing is created', async () => {
  const secure = await startInfluxd({ authEnabled: true })
  try {
    await fetch(`${secure.url}/query?q=${encodeURIComponent("CREATE USER admin WITH PASSWORD 'right-pw' WITH ALL PRIVILEGES")}`, { method: 'POST' })
    const r = await capture(() => runProvisionInfluxdb(['--url', secure.url, '--generation', '1'], { INFLUX_USERNAME: 'admin', INFLUX_PASSWORD: 'wrong-pw' }))
    assert.is(r.code, 1)
    assert.equal(r.err, ['civicnet provision influxdb: InfluxDB refused the credentials (401 authorization failed): check INFLUX_USERNAME / INFLUX_PASSWORD (or --username / --password-file)'])
    assert.not.ok(r.err.join('').includes('wrong-pw'))
    const ok = await capture(() => runProvisionInfluxdb(['--url', secure.url], { INFLUX_USERNAME: 'admin', INFLUX_PASSWORD: 'right-pw' }))
    assert.is(ok.code, 0, ok.err.join('\n'))
    assert.is(ok.out[2], 'created    retention policy civicnet on civicnet: duration INF, shard duration 7d, default')
  } finally {
    await secure.stop()
  }
})

test.run()
