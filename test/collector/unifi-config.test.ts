/**
 * The UniFi source's configuration by reference: API keys and logins from the environment
 * or a JSON file named there (errors name the variables to set, never a value), the
 * certificate trust from the inventory or CIVICNET_UNIFI_CA_FILE, the loop's settings from
 * CIVICNET_UNIFI_*, and the inventory's api block as the schema and the client accept it.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Value } from '@sinclair/typebox/value'
import { Device } from '../../core/inventory.ts'
import { createUnifiClient } from '../../collector/unifi/client.ts'
import { loadUnifiSourceConfig } from '../../collector/unifi/config.ts'
import { createUnifiCredentialResolver, unifiEnvPrefix } from '../../collector/unifi/credentials.ts'
import { createTrustingAgent, createUnifiTrustResolver, normalizeFingerprint } from '../../collector/unifi/tls.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { unifiCity } from '../support/unifi.ts'

const dir = mkdtempSync(join(tmpdir(), 'civicnet-unifi-config-'))

test('API keys and logins come from CIVICNET_UNIFI_<ID>_*, then the CIVICNET_UNIFI_CREDENTIALS file', () => {
  assert.is(unifiEnvPrefix('city-unifi.ro'), 'CIVICNET_UNIFI_CITY_UNIFI_RO_')
  const file = join(dir, 'unifi.json')
  writeFileSync(file, JSON.stringify({ 'from-file': { apiKey: 'file-key' }, staff: { username: 'ro', password: 'file-pw' } }))
  const r = createUnifiCredentialResolver({ CIVICNET_UNIFI_CITY_API_KEY: 'env-key', CIVICNET_UNIFI_STAFF_PASSWORD: 'env-pw', CIVICNET_UNIFI_CREDENTIALS: file })
  assert.equal(r('city', 'api-key'), { kind: 'api-key', apiKey: 'env-key' })
  assert.equal(r('from-file', 'api-key'), { kind: 'api-key', apiKey: 'file-key' })
  assert.equal(r('staff', 'login'), { kind: 'login', username: 'ro', password: 'env-pw' }, 'the environment wins over the file')
})

test('a missing secret or a broken file is an error naming what to set, never a value', () => {
  const r = createUnifiCredentialResolver({ CIVICNET_UNIFI_HALF_USERNAME: 'someone' })
  assert.throws(() => r('nothing', 'api-key'), (e: Error & { code?: string }) => e.code === 'CN_ERR_UNIFI_CONFIG' && e.message === `UniFi credential 'nothing' has no API key: set CIVICNET_UNIFI_NOTHING_API_KEY, or "apiKey" of "nothing" in the JSON file named by CIVICNET_UNIFI_CREDENTIALS`)
  assert.throws(() => r('half', 'login'), (e: Error) => e.message.startsWith(`UniFi credential 'half' has no password: set CIVICNET_UNIFI_HALF_USERNAME and CIVICNET_UNIFI_HALF_PASSWORD`) && !e.message.includes('someone'))
  const broken = join(dir, 'broken.json')
  writeFileSync(broken, '{"x": {"apiKey": "s3cr3t-value"')
  const b = createUnifiCredentialResolver({ CIVICNET_UNIFI_CREDENTIALS: broken })
  assert.throws(() => b('x', 'api-key'), (e: Error) => e.message === `CIVICNET_UNIFI_CREDENTIALS=${broken}: cannot read it as JSON (not valid JSON)`)
  const gone = createUnifiCredentialResolver({ CIVICNET_UNIFI_CREDENTIALS: join(dir, 'none.json') })
  assert.throws(() => gone('x', 'api-key'), /cannot read it as JSON \(ENOENT\)/)
})

test('certificate trust: the inventory pin and CA file, else CIVICNET_UNIFI_CA_FILE; an unreadable CA file names where it was set', () => {
  const ca = join(dir, 'ca.pem')
  writeFileSync(ca, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n')
  const inv = unifiCity({ fingerprint256: 'ab'.repeat(32), caFile: ca })
  const d = inv.devices.find((x) => x.api)!
  const t = createUnifiTrustResolver({})(d)
  assert.equal([t.fingerprint256, t.caSource, String(t.ca).startsWith('-----BEGIN')], ['ab'.repeat(32), ca, true])
  const plain = unifiCity().devices.find((x) => x.api)!
  assert.equal(createUnifiTrustResolver({})(plain), {}, 'nothing configured: the system CAs (verification stays on)')
  assert.is(createUnifiTrustResolver({ CIVICNET_UNIFI_CA_FILE: ca })(plain).caSource, ca)
  const missing = unifiCity({ caFile: join(dir, 'missing.pem') }).devices.find((x) => x.api)!
  assert.throws(() => createUnifiTrustResolver({})(missing), (e: Error) => e.message === `inventory device 'unifi-1' api.caFile=${join(dir, 'missing.pem')}: cannot read the CA file (ENOENT)`)
  assert.is(normalizeFingerprint('ab:CD:ef'), 'ABCDEF')
  assert.throws(() => createTrustingAgent({ host: '127.0.0.1', port: 1 }, { fingerprint256: 'abcd' }), /api\.fingerprint256 must be 32 hex bytes \(SHA-256\), got 2/)
})

test('the loop settings: CIVICNET_UNIFI_INTERVAL_MS (default the poll interval), _TIMEOUT_MS, _RETRIES, _RETRY_MS; CIVICNET_UNIFI=0 turns the source off', () => {
  assert.equal(loadUnifiSourceConfig({}, 30_000), { intervalMs: 30_000, timeoutMs: 10_000, retries: 2, retryBaseMs: 1000 })
  assert.equal(loadUnifiSourceConfig({ CIVICNET_UNIFI_INTERVAL_MS: '120000', CIVICNET_UNIFI_TIMEOUT_MS: '5000', CIVICNET_UNIFI_RETRIES: '0', CIVICNET_UNIFI_RETRY_MS: '250' }), { intervalMs: 120_000, timeoutMs: 5000, retries: 0, retryBaseMs: 250 })
  assert.is(loadUnifiSourceConfig({ CIVICNET_UNIFI: '0' }), false)
  assert.throws(() => loadUnifiSourceConfig({ CIVICNET_UNIFI_RETRIES: 'lots' }), (e: Error) => e.message === "CIVICNET_UNIFI_RETRIES: must be an integer from 0 to 10, got 'lots'")
})

test('the api block: Hartford\'s controller validates; a path in the URL, a bad pin or an unknown kind do not; the Integration API takes no login', () => {
  const unifi = hartfordInventory().devices.find((d) => d.api)!
  assert.equal(unifi.api, { kind: 'unifi-integration', baseUrl: 'https://127.10.0.235:1161', site: 'default', auth: 'api-key', credential: 'sim-unifi' })
  assert.ok(Value.Check(Device, unifi))
  assert.is(hartfordInventory().devices.filter((d) => d.managedBy === 'unifi-1').length, 126)
  for (const api of [{ baseUrl: 'https://10.0.0.1/manage' }, { baseUrl: 'http://10.0.0.1' }, { fingerprint256: 'zz'.repeat(32) }, { kind: 'meraki' }, { auth: 'token' }]) {
    assert.not.ok(Value.Check(Device, { ...unifi, api: { ...unifi.api, ...api } }), JSON.stringify(api))
  }
  assert.ok(Value.Check(Device, { ...unifi, api: { ...unifi.api, baseUrl: 'https://[::1]:8443', fingerprint256: 'AB:'.repeat(31) + 'AB' } }))
  const agent = createTrustingAgent({ host: '127.0.0.1', port: 1 }, {})
  assert.throws(
    () => createUnifiClient({ id: 'u', api: { ...unifi.api!, auth: 'login' } }, { secret: () => ({ kind: 'login', username: 'a', password: 'b' }), agent, trust: {} }),
    (e: Error) => e.message === "UniFi controller 'u' (https://127.10.0.235:1161): the Integration API takes an API key only: set api.auth to 'api-key' (or api.kind to 'unifi-classic' for a login)",
  )
  agent.destroy()
})

test.after(() => rmSync(dir, { recursive: true, force: true }))

test.run()
