import { existsSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { StoreConfigError, describeStore, loadStoreConfig, openMetricStore, storePolicies } from '../../store/index.ts'

test('defaults to DuckDB at data/metrics.duckdb', () => {
  const c = loadStoreConfig({})
  assert.equal(c, { kind: 'duckdb', path: join(resolve('data'), 'metrics.duckdb'), instantMs: 60000 })
  assert.is(Object.isFrozen(c), true)
})

test('puts the DuckDB file under CIVICNET_DATA_DIR', () => {
  assert.is(loadStoreConfig({ CIVICNET_DATA_DIR: '/var/lib/civicnet' }).kind === 'duckdb' && (loadStoreConfig({ CIVICNET_DATA_DIR: '/var/lib/civicnet' }) as { path: string }).path, '/var/lib/civicnet/metrics.duckdb')
})

test('uses InfluxDB with a token when INFLUX_URL and INFLUX_TOKEN are set', () => {
  assert.equal(loadStoreConfig({ INFLUX_URL: 'http://127.0.0.1:8181/', INFLUX_DB: 'city', INFLUX_TOKEN: 'apiv3_x', INFLUX_RP: 'autogen' }), {
    kind: 'influxdb', url: 'http://127.0.0.1:8181', database: 'city', token: 'apiv3_x', retentionPolicy: 'autogen', instantMs: 60000,
  })
})

test('uses InfluxDB 1.x credentials and the default database civicnet', () => {
  assert.equal(loadStoreConfig({ INFLUX_URL: 'https://influx.city.example:8086', INFLUX_USERNAME: 'cn', INFLUX_PASSWORD: 'pw' }), {
    kind: 'influxdb', url: 'https://influx.city.example:8086', database: 'civicnet', username: 'cn', password: 'pw', instantMs: 60000,
  })
})

test('fails fast naming the variable for each bad value', () => {
  const cases: [Record<string, string>, string][] = [
    [{ INFLUX_URL: 'not a url' }, 'INFLUX_URL'],
    [{ INFLUX_URL: 'ftp://x:1' }, 'INFLUX_URL'],
    [{ INFLUX_URL: 'http://u:p@x:8086' }, 'INFLUX_URL'],
    [{ INFLUX_URL: 'http://x:8086', INFLUX_DB: '' }, 'INFLUX_DB'],
    [{ INFLUX_URL: 'http://x:8086', INFLUX_PASSWORD: 'pw' }, 'INFLUX_PASSWORD'],
    [{ INFLUX_URL: 'http://x:8086', INFLUX_USERNAME: 'u', INFLUX_TOKEN: 't' }, 'INFLUX_TOKEN'],
    [{ INFLUX_TOKEN: 't' }, 'INFLUX_TOKEN'],
    [{ CIVICNET_DATA_DIR: ' ' }, 'CIVICNET_DATA_DIR'],
  ]
  for (const [env, variable] of cases) {
    try {
      loadStoreConfig(env)
      assert.unreachable(`expected an error for ${JSON.stringify(env)}`)
    } catch (err) {
      assert.instance(err, StoreConfigError)
      assert.is((err as StoreConfigError).variable, variable)
      assert.ok((err as Error).message.startsWith(`${variable}: `))
    }
  }
  // a value that is no URL is echoed without the part that may hold a password
  assert.throws(() => loadStoreConfig({ INFLUX_URL: 'http://cn:s3cret@influx host:8086' }), (e: Error) => e.message === "INFLUX_URL: '…@influx host:8086' is not a URL (expected e.g. http://127.0.0.1:8086)")
})

test('opens the configured DuckDB store ready to use', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-cfg-'))
  try {
    const config = loadStoreConfig({ CIVICNET_DATA_DIR: join(dir, 'data') })
    assert.is(describeStore(config), `duckdb ${join(dir, 'data', 'metrics.duckdb')}`)
    const store = await openMetricStore(config)
    assert.is(store.kind, 'duckdb')
    await store.write([{ metric: 'm', device: 'd', neighborhood: '', instance: '', value: 1, timeMs: 0 }])
    assert.is((await store.latest({ metric: 'm' })).length, 1)
    await store.close()
    assert.is(existsSync(join(dir, 'data', 'metrics.duckdb')), true)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('describes an InfluxDB config without its secrets', () => {
  assert.is(describeStore(loadStoreConfig({ INFLUX_URL: 'http://db:8086', INFLUX_USERNAME: 'u', INFLUX_PASSWORD: 'secret' })), 'influxdb http://db:8086 db=civicnet (basic auth)')
})

test('INFLUX_RP_5M / _1H / _1D give a tier its own policy; each unset one is INFLUX_RP', () => {
  const c = loadStoreConfig({ INFLUX_URL: 'http://db:8086', INFLUX_RP: 'civicnet', INFLUX_RP_5M: 'civicnet_5m', INFLUX_RP_1D: 'civicnet_1d' })
  assert.equal(c, {
    kind: 'influxdb', url: 'http://db:8086', database: 'civicnet', retentionPolicy: 'civicnet', retentionPolicies: { '5m': 'civicnet_5m', '1d': 'civicnet_1d' }, instantMs: 60000,
  })
  assert.equal(c.kind === 'influxdb' && storePolicies(c), { raw: 'civicnet', '5m': 'civicnet_5m', '1h': 'civicnet', '1d': 'civicnet_1d' })
  assert.is(describeStore(c), 'influxdb http://db:8086 db=civicnet rp=civicnet rp_5m=civicnet_5m rp_1h=civicnet rp_1d=civicnet_1d')
  // one policy for all: described as before
  assert.is(describeStore(loadStoreConfig({ INFLUX_URL: 'http://db:8086', INFLUX_RP: 'one', INFLUX_RP_1H: 'one' })), 'influxdb http://db:8086 db=civicnet rp=one')
  const none = loadStoreConfig({ INFLUX_URL: 'http://db:8086', INFLUX_RP_1H: 'hourly' })
  assert.equal(none.kind === 'influxdb' && storePolicies(none), { raw: undefined, '5m': undefined, '1h': 'hourly', '1d': undefined })
  assert.is(describeStore(none), 'influxdb http://db:8086 db=civicnet rp=(default) rp_5m=(default) rp_1h=hourly rp_1d=(default)')
  for (const [env, variable] of [
    [{ INFLUX_URL: 'http://db:8086', INFLUX_RP_5M: '' }, 'INFLUX_RP_5M'],
    [{ INFLUX_URL: 'http://db:8086', INFLUX_RP_1D: ' ' }, 'INFLUX_RP_1D'],
    [{ INFLUX_RP_1H: 'civicnet_1h' }, 'INFLUX_RP_1H'],
  ] as const) {
    try {
      loadStoreConfig(env)
      assert.unreachable(`expected an error for ${JSON.stringify(env)}`)
    } catch (err) {
      assert.instance(err, StoreConfigError)
      assert.is((err as StoreConfigError).variable, variable)
    }
  }
})

test.run()
