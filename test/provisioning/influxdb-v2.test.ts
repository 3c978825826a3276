import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { runProvisionInfluxdb } from '../../cli/provision-influxdb.ts'
import { ALL_V2_PERMISSIONS, startFakeInflux2 } from '../support/fake-influxdb2.ts'
import type { FakeInflux2 } from '../support/fake-influxdb2.ts'
import { capture } from '../support/capture.ts'

// against a loopback server implementing the documented InfluxDB 2.x API; not a real InfluxDB 2.x
const test = suite<{ fake: FakeInflux2 }>('civicnet provision influxdb on InfluxDB 2.x (documented API, loopback server)')

test.before(async (ctx) => {
  ctx.fake = await startFakeInflux2({ tokens: { 'all-access': ALL_V2_PERMISSIONS, 'no-write': ['read:orgs', 'read:buckets', 'read:dbrp', 'write:dbrp'], 'no-dbrp': ['read:orgs', 'read:buckets', 'write:buckets', 'read:dbrp'] } })
})
test.after(async ({ fake }) => fake.close())

/** The steps for the four buckets, in order: raw (default mapping), 5m (400d), 1h, 1d. */
function bucketLines(fake: FakeInflux2, outcome: string): string[] {
  const o = outcome.padEnd(10)
  const id = (name: string) => fake.buckets.find((b) => b.name === name)!.id
  return [
    [`civicnet`, 'civicnet', 'infinite', ', default'], ['civicnet_5m', 'civicnet_5m', '400d', ''], ['civicnet_1h', 'civicnet_1h', 'infinite', ''], ['civicnet_1d', 'civicnet_1d', 'infinite', ''],
  ].flatMap(([bucket, rp, retention, dflt]) => [
    `${o} bucket ${bucket} (${id(bucket!)}): retention ${retention}`,
    `${o} DBRP mapping civicnet/${rp} -> bucket ${bucket}${dflt}`,
    `checked    token can write, read and delete in bucket ${bucket} through the v1 API (what the store uses)`,
  ])
}

test('detects 2.x, creates a bucket and a DBRP mapping per policy, and checks the token writes, reads and deletes in each', async ({ fake }) => {
  const r = await capture(() => runProvisionInfluxdb(['--url', fake.url], { INFLUX_TOKEN: 'all-access' }))
  assert.is(r.code, 0, r.err.join('\n'))
  assert.equal(r.out, [
    `InfluxDB 2.x at ${fake.url} (version v2.7.10)`,
    'unchanged  organization city (0a1b2c3d4e5f6071)',
    ...bucketLines(fake, 'created'),
    `store settings for civicnet collect/serve: INFLUX_URL=${fake.url} INFLUX_DB=civicnet INFLUX_RP=civicnet INFLUX_RP_5M=civicnet_5m INFLUX_RP_1H=civicnet_1h INFLUX_RP_1D=civicnet_1d INFLUX_TOKEN=<a token with read and write on it>`,
  ])
  assert.equal(fake.buckets.map((x) => [x.name, x.retentionRules]), [
    ['civicnet', [{ type: 'expire', everySeconds: 0 }]],
    ['civicnet_5m', [{ type: 'expire', everySeconds: 34_560_000 }]],
    ['civicnet_1h', [{ type: 'expire', everySeconds: 0 }]],
    ['civicnet_1d', [{ type: 'expire', everySeconds: 0 }]],
  ])
  const byId = new Map(fake.buckets.map((b) => [b.id, b.name]))
  assert.equal(fake.dbrps.map((d) => [d.database, d.retention_policy, byId.get(d.bucketID), d.default]), [
    ['civicnet', 'civicnet', 'civicnet', true],
    ['civicnet', 'civicnet_5m', 'civicnet_5m', false],
    ['civicnet', 'civicnet_1h', 'civicnet_1h', false],
    ['civicnet', 'civicnet_1d', 'civicnet_1d', false],
  ])
  for (const b of fake.buckets) assert.equal(fake.points.get(b.id), [], `the probe point is deleted from ${b.name}`)
})

test('a second run changes nothing; a bucket given another retention is patched back; a shorter one needs --allow-shorter', async ({ fake }) => {
  const again = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--token', 'all-access', '--org', 'city'], {}))
  assert.equal(again.out.slice(1, 15), [
    'unchanged  organization city (0a1b2c3d4e5f6071)',
    ...bucketLines(fake, 'unchanged'),
    'nothing to change',
  ])
  fake.buckets[0]!.retentionRules = [{ type: 'expire', everySeconds: 2_592_000 }]
  const r = await capture(() => runProvisionInfluxdb(['--url', fake.url], { INFLUX_TOKEN: 'all-access' }))
  assert.is(r.out[2], `changed    bucket civicnet (${fake.buckets[0]!.id}): retention 30d -> infinite`)
  assert.equal(fake.buckets[0]!.retentionRules, [{ type: 'expire', everySeconds: 0 }])
  const shorter = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--rollup-5m-duration', '30d'], { INFLUX_TOKEN: 'all-access' }))
  assert.equal([shorter.code, shorter.err], [2, ['civicnet provision influxdb: bucket civicnet_5m keeps 400d; 30d would drop the data older than that: nothing changed (pass --allow-shorter to shorten it)']])
  const allowed = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--rollup-5m-duration', '30d', '--allow-shorter'], { INFLUX_TOKEN: 'all-access' }))
  assert.is(allowed.out[5], `changed    bucket civicnet_5m (${fake.buckets[1]!.id}): retention 400d -> 30d`)
  assert.equal(fake.buckets[1]!.retentionRules, [{ type: 'expire', everySeconds: 2_592_000 }])
})

test('a bad token is a 401 in words; a missing permission is named (403); an unknown org is a usage error', async ({ fake }) => {
  const bad = await capture(() => runProvisionInfluxdb(['--url', fake.url], { INFLUX_TOKEN: 'nope' }))
  assert.equal([bad.code, bad.err], [1, ['civicnet provision influxdb: InfluxDB refused the token (401 unauthorized access) while trying to read the organizations: check INFLUX_TOKEN / --token-file']])
  const noWrite = await capture(() => runProvisionInfluxdb(['--url', fake.url], { INFLUX_TOKEN: 'no-write' }))
  const id = fake.buckets[0]!.id
  assert.equal([noWrite.code, noWrite.err], [1, [`civicnet provision influxdb: the token lacks the permission write:orgs/0a1b2c3d4e5f6071/buckets/${id} (403 insufficient permissions: write:buckets), needed to write to bucket civicnet through the v1 API`]])
  const noDbrp = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--db', 'other'], { INFLUX_TOKEN: 'no-dbrp' }))
  assert.equal(noDbrp.err, ['civicnet provision influxdb: the token lacks the permission write:orgs/0a1b2c3d4e5f6071/dbrp (403 insufficient permissions: write:dbrp), needed to create the DBRP mapping other/civicnet -> bucket other, default'])
  const org = await capture(() => runProvisionInfluxdb(['--url', fake.url, '--org', 'nowhere'], { INFLUX_TOKEN: 'all-access' }))
  assert.equal([org.code, org.err], [2, ["civicnet provision influxdb: organization 'nowhere' not found (--org): list them with 'influx org list'"]])
  assert.not.ok([...bad.err, ...noWrite.err].join('').includes('all-access'))
})

test.run()
