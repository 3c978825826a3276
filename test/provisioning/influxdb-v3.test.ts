import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runProvisionInfluxdb } from '../../cli/provision-influxdb.ts'
import { freePort } from '../support/influxd.ts'
import { startFakeInflux3 } from '../support/fake-influxdb3.ts'
import type { FakeInflux3 } from '../support/fake-influxdb3.ts'
import { capture } from '../support/capture.ts'

// against a loopback server implementing the documented InfluxDB 3 Core API; not a real InfluxDB 3
const test = suite<{ fake: FakeInflux3 }>('civicnet provision influxdb on InfluxDB 3 (documented API, loopback server)')

test.before(async (ctx) => {
  ctx.fake = await startFakeInflux3({ tokens: { 'admin-tok': { admin: true }, 'read-only': { admin: false, databases: { civicnet: ['read'] } } } })
})
test.after(async ({ fake }) => fake.close())

test('detects 3.x, creates the database without a retention period, probes write and read, removes the probe table', async ({ fake }) => {
  const r = await capture(() => runProvisionInfluxdb(['--url', fake.url], { INFLUX_TOKEN: 'admin-tok' }))
  assert.is(r.code, 0, r.err.join('\n'))
  assert.equal(r.out, [
    `InfluxDB 3.x at ${fake.url} (version 3.8.0)`,
    'created    database civicnet: no retention period (data does not expire)',
    'checked    token can write and read database civicnet through the v1 API (what the store uses)',
    `store settings for civicnet collect/serve: INFLUX_URL=${fake.url} INFLUX_DB=civicnet INFLUX_TOKEN=<a token with read and write on it>`,
  ])
  assert.equal([...fake.databases.keys()], ['civicnet'])
  assert.is(fake.databases.get('civicnet')!.retention, undefined)
  assert.equal([...fake.databases.get('civicnet')!.tables.keys()], [])
  const again = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--generation', '3'], { INFLUX_TOKEN: 'admin-tok' }))
  assert.equal(again.out.slice(1, 4), ['unchanged  database civicnet', 'checked    token can write and read database civicnet through the v1 API (what the store uses)', 'nothing to change'])
})

test('3.x has no retention policies: a duration flag exits 2 saying all tiers share the database, nothing is created', async ({ fake }) => {
  const before = [...fake.databases.keys()]
  const r = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--db', 'other', '--rollup-5m-duration', '400d'], { INFLUX_TOKEN: 'admin-tok' }))
  assert.equal([r.code, r.err], [2, ["civicnet provision influxdb: --rollup-5m-duration: InfluxDB 3 has no retention policies (the v1 API's rp names none there), so all tiers share one database without a retention period; leave INFLUX_RP and INFLUX_RP_5M/_1H/_1D unset"]])
  assert.equal([...fake.databases.keys()], before)
})

test('no or a bad token is a 401 in words; a non-admin token is a 403 naming what it lacks; a closed port is unreachable', async ({ fake }) => {
  const none = await capture(() => runProvisionInfluxdb(['--url', fake.url], {}))
  assert.equal([none.code, none.err], [1, [`civicnet provision influxdb: InfluxDB at ${fake.url} refused /ping without valid credentials (401): InfluxDB 3 requires a token there; give INFLUX_TOKEN, --token or --token-file (or --generation)`]])
  const bad = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--generation', '3'], { INFLUX_TOKEN: 'wrong' }))
  assert.equal(bad.err, ['civicnet provision influxdb: InfluxDB refused the token (401 the request was not authenticated) while trying to list the databases: check INFLUX_TOKEN / --token-file'])
  const ro = await capture(() => runProvisionInfluxdb(['--url', fake.url], { INFLUX_TOKEN: 'read-only' }))
  assert.equal([ro.code, ro.err], [1, ['civicnet provision influxdb: the token lacks an admin token (403 Access denied), needed to list the databases']])
  const bad3 = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--db', 'civic_net'], { INFLUX_TOKEN: 'admin-tok' }))
  assert.equal([bad3.code, bad3.err], [2, ["civicnet provision influxdb: --db 'civic_net': InfluxDB 3 database names are letters, digits and inner hyphens only (no underscores)"]])
  const port = await freePort()
  const gone = await capture(() => runProvisionInfluxdb(['--url', `http://127.0.0.1:${port}`, '--generation', '3'], { INFLUX_TOKEN: 'admin-tok' }))
  assert.equal([gone.code, gone.err], [1, [`civicnet provision influxdb: cannot reach InfluxDB at http://127.0.0.1:${port} (ECONNREFUSED): check --url / INFLUX_URL and that InfluxDB is running`]])
})

test.run()
