import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runProvisionInfluxdb } from '../../cli/provision-influxdb.ts'
import { openInfluxStore } from '../../store/influx/index.ts'
import { freePort, startInfluxd } from '../support/influxd.ts'
import type { Influxd } from '../support/influxd.ts'
import { capture } from '../support/capture.ts'

const test = suite<{ influxd: Influxd }>('civicnet provision influxdb on a real influxd 1.x')
const env = {}
const ql = async (url: string, q: string) => (await (await fetch(`${url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' })).json()) as { results: { series?: { values: unknown[][] }[]; error?: string }[] }
const rps = async (url: string) => (await ql(url, 'SHOW RETENTION POLICIES ON "civicnet"')).results[0]!.series![0]!.values

test.before(async (ctx) => {
  ctx.influxd = await startInfluxd()
})
test.after(async ({ influxd }) => influxd.stop())

const ALL = ['autogen', 'civicnet', 'civicnet_1d', 'civicnet_1h', 'civicnet_5m']
/** SHOW RETENTION POLICIES as provisioned by default: raw INF (DEFAULT), 5m 400d, 1h and 1d INF, shard groups 7d. */
const PROVISIONED = [
  ['autogen', '0s', '168h0m0s', 1, false],
  ['civicnet', '0s', '168h0m0s', 1, true],
  ['civicnet_5m', '9600h0m0s', '168h0m0s', 1, false],
  ['civicnet_1h', '0s', '168h0m0s', 1, false],
  ['civicnet_1d', '0s', '168h0m0s', 1, false],
]
const POLICY_LINES = (outcome: string) => [
  `${outcome.padEnd(10)} retention policy civicnet on civicnet: duration INF, shard duration 7d, default (raw data)`,
  `${outcome.padEnd(10)} retention policy civicnet_5m on civicnet: duration 400d, shard duration 7d (rollup 5m)`,
  `${outcome.padEnd(10)} retention policy civicnet_1h on civicnet: duration INF, shard duration 7d (rollup 1h)`,
  `${outcome.padEnd(10)} retention policy civicnet_1d on civicnet: duration INF, shard duration 7d (rollup 1d)`,
]

test('the first run creates the database, the raw policy (DEFAULT) and one per rollup tier, with the stated defaults', async ({ influxd }) => {
  const r = await capture(() => runProvisionInfluxdb(['--url', influxd.url], env))
  assert.is(r.code, 0, r.err.join('\n'))
  assert.equal(r.out, [
    `InfluxDB 1.x at ${influxd.url} (version 1.6.7~rc0)`,
    'created    database civicnet',
    ...POLICY_LINES('created'),
    `store settings for civicnet collect/serve: INFLUX_URL=${influxd.url} INFLUX_DB=civicnet INFLUX_RP=civicnet INFLUX_RP_5M=civicnet_5m INFLUX_RP_1H=civicnet_1h INFLUX_RP_1D=civicnet_1d (+ INFLUX_USERNAME/INFLUX_PASSWORD)`,
  ])
  assert.equal(await rps(influxd.url), PROVISIONED)
})

test('a second run changes nothing and says so', async ({ influxd }) => {
  const r = await capture(() => runProvisionInfluxdb(['--url', influxd.url, '--generation', '1'], env))
  assert.is(r.code, 0)
  assert.equal(r.out.slice(0, 7), [
    `InfluxDB 1.x at ${influxd.url} (version not detected)`,
    'unchanged  database civicnet',
    ...POLICY_LINES('unchanged'),
    'nothing to change',
  ])
  assert.equal(await rps(influxd.url), PROVISIONED)
})

test('a policy changed by hand (30 d, not default) is altered back and printed as changed', async ({ influxd }) => {
  await ql(influxd.url, 'ALTER RETENTION POLICY "civicnet" ON "civicnet" DURATION 30d SHARD DURATION 1d')
  await ql(influxd.url, 'ALTER RETENTION POLICY "autogen" ON "civicnet" DEFAULT')
  assert.equal((await rps(influxd.url)).slice(0, 2), [['autogen', '0s', '168h0m0s', 1, true], ['civicnet', '720h0m0s', '24h0m0s', 1, false]])
  const r = await capture(() => runProvisionInfluxdb(['--url', influxd.url], env))
  assert.is(r.code, 0)
  assert.equal(r.out.slice(1, 4), [
    'unchanged  database civicnet',
    'changed    retention policy civicnet on civicnet: duration 720h0m0s -> INF, shard duration 24h0m0s -> 7d, not default -> default',
    'unchanged  retention policy civicnet_5m on civicnet: duration 400d, shard duration 7d (rollup 5m)',
  ])
  assert.equal(await rps(influxd.url), PROVISIONED)
})

test('durations by flag: a longer one is ALTERed; a shorter one is refused (exit 2, nothing changed) unless --allow-shorter', async ({ influxd }) => {
  const longer = await capture(() => runProvisionInfluxdb(['--url', influxd.url, '--rollup-5m-duration', '800d', '--rollup-1d-duration', 'INF'], env))
  assert.is(longer.code, 0, longer.err.join('\n'))
  assert.equal(longer.out.slice(2, 4), [
    'unchanged  retention policy civicnet on civicnet: duration INF, shard duration 7d, default (raw data)',
    'changed    retention policy civicnet_5m on civicnet: duration 9600h0m0s -> 800d',
  ])
  assert.equal((await rps(influxd.url))[2], ['civicnet_5m', '19200h0m0s', '168h0m0s', 1, false])
  const shorter = await capture(() => runProvisionInfluxdb(['--url', influxd.url, '--raw-duration', '500d', '--rollup-1h-duration', '90d'], env))
  assert.equal([shorter.code, shorter.err], [2, ['civicnet provision influxdb: retention policy civicnet on civicnet keeps 0s; 500d would drop the data older than that: nothing changed (pass --allow-shorter to shorten it)']])
  assert.equal((await rps(influxd.url)).map((r) => r[1]), ['0s', '0s', '19200h0m0s', '0s', '0s'])
  const allowed = await capture(() => runProvisionInfluxdb(['--url', influxd.url, '--allow-shorter', '--rollup-5m-duration', '400d', '--rollup-1h-duration', '90d'], env))
  assert.is(allowed.code, 0, allowed.err.join('\n'))
  assert.equal(allowed.out.slice(3, 5), [
    'changed    retention policy civicnet_5m on civicnet: duration 19200h0m0s -> 400d',
    'changed    retention policy civicnet_1h on civicnet: duration 0s -> 90d, shard duration 168h0m0s -> 1d',
  ])
  assert.equal((await rps(influxd.url)).slice(2, 4), [['civicnet_5m', '9600h0m0s', '168h0m0s', 1, false], ['civicnet_1h', '2160h0m0s', '24h0m0s', 1, false]])
  await ql(influxd.url, 'ALTER RETENTION POLICY "civicnet_1h" ON "civicnet" DURATION INF SHARD DURATION 7d')
  assert.equal(await rps(influxd.url), PROVISIONED)
})

test('bad durations and a shared policy with two durations exit 2 naming the flags; nothing changes', async ({ influxd }) => {
  const bad = await capture(() => runProvisionInfluxdb(['--url', influxd.url, '--rollup-5m-duration', '1y'], env))
  assert.equal([bad.code, bad.err], [2, ["civicnet provision influxdb: --rollup-5m-duration '1y': use INF or a whole number of hours, days or weeks (e.g. 400d, 52w, 72h) (see --help)"]])
  const short = await capture(() => runProvisionInfluxdb(['--url', influxd.url, '--raw-duration', '24h'], env))
  assert.equal([short.code, short.err], [2, ["civicnet provision influxdb: --raw-duration '24h' is shorter than 2d: the rollups write up to 2 days back, which a shorter policy refuses (see --help)"]])
  const shared = await capture(() => runProvisionInfluxdb(['--url', influxd.url], { INFLUX_RP_5M: 'civicnet' }))
  assert.equal([shared.code, shared.err], [2, ['civicnet provision influxdb: the rollup 5m and the raw data share retention policy civicnet but ask for 400d and INF (--rollup-5m-duration, --raw-duration): give them one duration or their own policies']])
  // the one-policy set-up of before: every tier in civicnet, all INF
  const one = await capture(() => runProvisionInfluxdb(['--url', influxd.url, '--rollup-5m-duration', 'INF'], { INFLUX_RP_5M: 'civicnet', INFLUX_RP_1H: 'civicnet', INFLUX_RP_1D: 'civicnet' }))
  assert.equal(one.out.slice(2, 4), ['unchanged  retention policy civicnet on civicnet: duration INF, shard duration 7d, default (raw data, rollup 5m, rollup 1h, rollup 1d)', 'nothing to change'])
  assert.equal((await rps(influxd.url)).map((r) => r[0]), ['autogen', 'civicnet', 'civicnet_5m', 'civicnet_1h', 'civicnet_1d'])
})

test('the store then writes into those policies: samples in civicnet, each rollup and its coverage in its tier\'s', async ({ influxd }) => {
  const store = await openInfluxStore({ url: influxd.url, database: 'civicnet', retentionPolicy: 'civicnet', retentionPolicies: { '5m': 'civicnet_5m', '1h': 'civicnet_1h', '1d': 'civicnet_1d' } })
  const t = Math.floor(Date.now() / 86_400_000) * 86_400_000 - 86_400_000
  try {
    await store.init()
    await store.write([{ metric: 'wifi_clients', device: 'ap-1', neighborhood: 'northeast', instance: '', value: 7, timeMs: t + 60_000 }])
    for (const tier of ['5m', '1h', '1d'] as const) await store.rollup(tier, t, t + 86_400_000)
    const latest = await store.latest({ metric: 'wifi_clients' })
    assert.equal(latest.map((l) => [l.device, l.value, l.timeMs]), [['ap-1', 7, t + 60_000]])
    const rows = await store.rollupRows('5m', t, t + 300_000, { metric: 'wifi_clients', device: ['ap-1'] })
    assert.equal(rows.map((r) => [r.timeMs, r.count, r.sum]), [[t, 1, 7]])
    assert.equal(await store.aggregate({ metric: 'wifi_clients', groupBy: 'device', fromMs: t, toMs: t + 86_400_000, stepMs: 86_400_000, fn: 'sum', source: 'auto' }), [{ group: 'ap-1', timeMs: t, value: 7 }])
  } finally {
    await store.close()
  }
  const count = async (rp: string, m: string, f: string) => (await ql(influxd.url, `SELECT count("${f}") FROM "civicnet"."${rp}"."${m}"`)).results[0]!.series?.[0]?.values[0]?.[1] ?? 0
  const table: unknown[][] = []
  for (const [m, f] of [['wifi_clients', 'value'], ['rollup_5m', 'count'], ['rollup_1h', 'count'], ['rollup_1d', 'count'], ['civicnet_rollup_state', 'to']]) {
    const row: unknown[] = [m]
    for (const rp of ALL) row.push(await count(rp, m!, f!))
    table.push(row)
  }
  // columns: autogen, civicnet, civicnet_1d, civicnet_1h, civicnet_5m (a device row and a neighborhood-total row per bucket)
  assert.equal(table, [
    ['wifi_clients', 0, 1, 0, 0, 0],
    ['rollup_5m', 0, 0, 0, 0, 2],
    ['rollup_1h', 0, 0, 0, 2, 0],
    ['rollup_1d', 0, 0, 2, 0, 0],
    ['civicnet_rollup_state', 0, 0, 1, 1, 1],
  ])
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
    // the first admin, then a query with it answered: influxd applies a user through its meta
    // store, and a run once had the next request answered as if there were no user yet
    const basic = `Basic ${Buffer.from('admin:right-pw').toString('base64')}`
    let inForce = false
    for (let i = 0; i < 50 && !inForce; i++) {
      await fetch(`${secure.url}/query?q=${encodeURIComponent("CREATE USER admin WITH PASSWORD 'right-pw' WITH ALL PRIVILEGES")}`, { method: 'POST', headers: i > 0 ? { authorization: basic } : {} })
      inForce = (await fetch(`${secure.url}/query?q=${encodeURIComponent('SHOW USERS')}`, { headers: { authorization: basic } })).status === 200
      if (!inForce) await new Promise((r) => setTimeout(r, 100))
    }
    assert.ok(inForce, 'the admin user is in force')
    const r = await capture(() => runProvisionInfluxdb(['--url', secure.url, '--generation', '1'], { INFLUX_USERNAME: 'admin', INFLUX_PASSWORD: 'wrong-pw' }))
    assert.is(r.code, 1)
    assert.equal(r.err, ['civicnet provision influxdb: InfluxDB refused the credentials (401 authorization failed): check INFLUX_USERNAME / INFLUX_PASSWORD (or --username / --password-file)'])
    assert.not.ok(r.err.join('').includes('wrong-pw'))
    const ok = await capture(() => runProvisionInfluxdb(['--url', secure.url], { INFLUX_USERNAME: 'admin', INFLUX_PASSWORD: 'right-pw' }))
    assert.is(ok.code, 0, ok.err.join('\n'))
    assert.is(ok.out[2], 'created    retention policy civicnet on civicnet: duration INF, shard duration 7d, default (raw data)')
  } finally {
    await secure.stop()
  }
})

test.run()
