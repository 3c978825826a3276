import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { loadCollectorConfig } from '../../collector/config.ts'
import { createCredentialResolver } from '../../collector/credentials.ts'
import { resolveCredential } from '../../collector/snmp/credentials.ts'

test('defaults: 60 s interval, 256 in flight, traps on 127.0.0.1:1162, spool and digest keys under the data dir', () => {
  const c = loadCollectorConfig({ CIVICNET_DATA_DIR: '/var/lib/civicnet' }, [])
  assert.equal(c.poller, { intervalMs: 60_000, maxInFlight: 256, timeoutMs: 2000, retries: 1, uniquePeriod: 'quarter', keyDir: '/var/lib/civicnet/keys' })
  assert.is(loadCollectorConfig({ CIVICNET_DATA_DIR: '/var/lib/civicnet', CIVICNET_KEY_DIR: '/secure/keys' }, []).poller?.keyDir, '/secure/keys')
  assert.equal(c.traps, { port: 1162, address: '127.0.0.1' })
  assert.is(c.writer.spoolDir, '/var/lib/civicnet/spool')
  assert.ok(Object.isFrozen(c))
})

test('flags override the environment, and --shard i/n is 0-based', () => {
  const c = loadCollectorConfig({ CIVICNET_COLLECT_INTERVAL_MS: '30000', CIVICNET_COLLECT_SHARD: '0/2' }, ['--shard', '2/3', '--interval-ms', '15000'])
  assert.equal(c.poller?.shard, { index: 2, count: 3 })
  assert.is(c.poller?.intervalMs, 15_000)
  // Shards other than 0 leave the default trap port to shard 0.
  assert.is(c.traps, false)
})

test('a bad value fails naming the variable or flag', () => {
  assert.throws(() => loadCollectorConfig({ CIVICNET_COLLECT_INTERVAL_MS: 'soon' }, []), /^CIVICNET_COLLECT_INTERVAL_MS: must be an integer from 1000/)
  assert.throws(() => loadCollectorConfig({}, ['--shard', '3/3']), /^--shard: --shard i\/n needs 0 <= i < n/)
  assert.throws(() => loadCollectorConfig({}, ['--verbose']), /^--verbose: unknown option/)
  assert.throws(() => loadCollectorConfig({}, ['--interval-ms']), /^--interval-ms: needs a value/)
  assert.throws(() => loadCollectorConfig({ CIVICNET_UNIQUE_PERIOD: 'year' }, []), /^CIVICNET_UNIQUE_PERIOD: must be 'month' or 'quarter', got 'year'/)
})

test('the period-unique key period is configurable: CIVICNET_UNIQUE_PERIOD=month', () => {
  assert.is(loadCollectorConfig({ CIVICNET_UNIQUE_PERIOD: 'month' }, []).poller?.uniquePeriod, 'month')
})

test('credentials resolve by reference from the environment or a file, and an unknown one names the variable to set', () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-cred-'))
  try {
    const file = join(dir, 'snmp.json')
    writeFileSync(file, JSON.stringify({ 'core-v3': { version: 'v3', v3: { user: 'noc', level: 'authPriv', authProtocol: 'sha', authKey: 'a'.repeat(12), privProtocol: 'aes', privKey: 'p'.repeat(12) } } }))
    const r = createCredentialResolver({ CIVICNET_SNMP_CREDENTIALS: file, CIVICNET_SNMP_COMMUNITY_CITY_RO: 's3cret' })
    assert.equal(r('city-ro'), { version: 'v2c', community: 's3cret' })
    assert.is(r('core-v3').version, 'v3')
    assert.equal(r('sim-v2c'), { version: 'v2c', community: 'public' })
    assert.throws(() => r('lab'), /SNMP credential 'lab' is not defined: set CIVICNET_SNMP_LAB_COMMUNITY, or CIVICNET_SNMP_LAB_V3_USER/)
    // the v3 variables of collector/snmp/credentials.ts work here too: one rule for poll and collect
    const v3 = createCredentialResolver({ CIVICNET_SNMP_LAB_V3_USER: 'noc', CIVICNET_SNMP_LAB_AUTH_PROTOCOL: 'sha', CIVICNET_SNMP_LAB_AUTH_KEY: 'k'.repeat(12) })
    assert.equal(v3('lab'), { version: 'v3', v3: { user: 'noc', authProtocol: 'sha', authKey: 'k'.repeat(12) } })
    writeFileSync(file, '{"x": {"version": "v9"}}')
    assert.throws(() => createCredentialResolver({ CIVICNET_SNMP_CREDENTIALS: file }), /credential 'x' needs/)
    // a file that is not JSON: why, never the parser's words (they quote the file, secret and all)
    writeFileSync(file, 'community: s3cret-community')
    const notJson = (f: () => unknown) => {
      try {
        f()
      } catch (err) {
        return (err as Error).message
      }
      return 'no error'
    }
    assert.is(notJson(() => createCredentialResolver({ CIVICNET_SNMP_CREDENTIALS: file })), `CIVICNET_SNMP_CREDENTIALS=${file}: cannot read it as JSON (not valid JSON)`)
    assert.is(notJson(() => resolveCredential('lab', { CIVICNET_SNMP_CREDENTIALS: file })), `CIVICNET_SNMP_CREDENTIALS=${file}: cannot read it as JSON (not valid JSON)`)
    assert.is(notJson(() => createCredentialResolver({ CIVICNET_SNMP_CREDENTIALS: join(dir, 'gone.json') })), `CIVICNET_SNMP_CREDENTIALS=${join(dir, 'gone.json')}: cannot read it as JSON (ENOENT)`)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
