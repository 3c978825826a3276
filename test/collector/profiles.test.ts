/** Device profiles as data: every profile is well-formed, and matching picks the right one. */
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { CredentialError } from '../../collector/errors.ts'
import { getProfile, matchProfile, PROFILES, profileReads, validateProfile } from '../../collector/profiles/index.ts'
import { checkProfile, formatProblem } from '../../collector/profiles/schema.ts'
import { describeCredential, resolveCredential } from '../../collector/snmp/credentials.ts'

const RECORDINGS = fileURLToPath(new URL('../fixtures/snmprec/recordings/', import.meta.url))

const profiles = suite('device profiles')

profiles('every profile has valid OIDs, MIB object names, regexes and a source', () => {
  const problems = PROFILES.flatMap(validateProfile)
  assert.equal(problems, [])
})

profiles('every profile passes the schema user profiles are checked against (collector/profiles/schema.ts)', () => {
  assert.equal(PROFILES.flatMap((p) => checkProfile(p).map((x) => `${p.id}: ${formatProblem(x)}`)), [])
})

profiles('profile ids are unique and there is one generic profile, last', () => {
  const ids = PROFILES.map((p) => p.id)
  assert.is(new Set(ids).size, ids.length)
  assert.is(ids.at(-1), 'generic')
})

profiles('every vendor named in the design has a profile', () => {
  const vendors = new Set(PROFILES.map((p) => p.vendor))
  for (const v of ['Cisco', 'Aruba', 'Ruckus', 'Ubiquiti', 'MikroTik', 'Cambium', 'Extreme', 'Fortinet', 'Huawei', 'Juniper', 'Arista', 'Nokia']) assert.ok(vendors.has(v), v)
  for (const id of ['cisco-airespace-wlc', 'cisco-c9800', 'cisco-ios', 'ruckus-zonedirector', 'ruckus-smartzone', 'ubiquiti-unifi', 'ubiquiti-airos', 'huawei-wlan-ac', 'huawei-olt']) getProfile(id)
})

profiles('profiles are data: JSON round-trips them unchanged', () => {
  assert.equal(JSON.parse(JSON.stringify(PROFILES)), PROFILES)
})

profiles('the longest sysObjectID prefix wins (a 2504 WLC is not a generic IOS box)', () => {
  assert.is(matchProfile('1.3.6.1.4.1.9.1.1279', 'Cisco Controller').profile.id, 'cisco-airespace-wlc')
  assert.is(matchProfile('1.3.6.1.4.1.9.1.1208', 'Cisco IOS Software, C2960X').profile.id, 'cisco-ios')
  assert.is(matchProfile('.1.3.6.1.4.1.9.1.2530', '').profile.id, 'cisco-c9800')
})

profiles('a prefix matches whole arcs only', () => {
  // 1.3.6.1.4.1.14988.10 is not under 1.3.6.1.4.1.14988.1
  assert.is(matchProfile('1.3.6.1.4.1.14988.10', '').by, 'generic')
  assert.is(matchProfile('1.3.6.1.4.1.14988.1', 'router').profile.id, 'mikrotik-routeros')
})

profiles('with no prefix match, sysDescr decides (UniFi reports the generic Linux sysObjectID)', () => {
  const m = matchProfile('1.3.6.1.4.1.8072.3.2.10', 'UAP-nanoHD 5.43.36.12724')
  assert.is(m.profile.id, 'ubiquiti-unifi')
  assert.is(m.by, 'sysDescr')
})

profiles('anything else gets the generic profile', () => {
  const m = matchProfile('1.3.6.1.4.1.8072.3.2.10', 'Linux vm 6.1.0 x86_64')
  assert.is(m.profile.id, 'generic')
  assert.is(m.by, 'generic')
  assert.equal(profileReads(m.profile).map((r) => r.type), ['interfaces', 'host-resources', 'optics-entity-sensor'])
})

profiles('an unknown forced profile id is refused with the known ids listed', () => {
  assert.throws(() => getProfile('nope'), /unknown device profile 'nope' \(known: cisco-airespace-wlc, /)
})

const FIXTURES = readdirSync(RECORDINGS).filter((f) => f.endsWith('.snmprec')).map((f) => f.replace(/\.snmprec$/, ''))

/** The fixture recordings a profile's source names (each as a whole word). */
function recordingsNamed(source: string): string[] {
  const words = new Set(source.split(/[^A-Za-z0-9_.+-]+/).map((w) => w.replace(/[.]+$/, '')))
  return FIXTURES.filter((n) => words.has(n))
}

profiles('every verified profile begins its source with the recordings it was checked against, each a fixture', () => {
  for (const p of PROFILES.filter((x) => x.verified && x.id !== 'generic')) {
    assert.match(p.source, /^recordings? /, p.id)
    assert.ok(recordingsNamed(p.source).length > 0, `${p.id}: its source names no recording in test/fixtures/snmprec/recordings: ${p.source.slice(0, 80)}`)
  }
})

profiles('every recording in the fixtures is named by a verified profile', () => {
  const named = new Set(PROFILES.filter((x) => x.verified).flatMap((p) => recordingsNamed(p.source)))
  const unnamed = FIXTURES.filter((n) => !named.has(n))
  assert.equal(unnamed, [])
})

profiles('at least 40 device families are verified on real recordings', () => {
  const verified = PROFILES.filter((x) => x.verified && x.id !== 'generic')
  assert.ok(verified.length >= 40, `${verified.length} verified vendor profiles`)
})

profiles.run()

const credentials = suite('credentials by reference')

credentials('a v2c community comes from CIVICNET_SNMP_<REF>_COMMUNITY', () => {
  assert.equal(resolveCredential('city-ro', { CIVICNET_SNMP_CITY_RO_COMMUNITY: 's3cret' }), { version: 'v2c', community: 's3cret' })
})

credentials('CIVICNET_SNMP_COMMUNITY_<REF>, the form the collector runtime reads, works too', () => {
  assert.equal(resolveCredential('city-ro', { CIVICNET_SNMP_COMMUNITY_CITY_RO: 'xyz' }), { version: 'v2c', community: 'xyz' })
})

credentials('an SNMPv3 user comes from CIVICNET_SNMP_<REF>_V3_USER and friends', () => {
  const c = resolveCredential('core', {
    CIVICNET_SNMP_CORE_V3_USER: 'noc',
    CIVICNET_SNMP_CORE_AUTH_PROTOCOL: 'sha256',
    CIVICNET_SNMP_CORE_AUTH_KEY: 'a-key-123',
    CIVICNET_SNMP_CORE_PRIV_PROTOCOL: 'aes',
    CIVICNET_SNMP_CORE_PRIV_KEY: 'p-key-123',
  })
  assert.equal(c, { version: 'v3', v3: { user: 'noc', authProtocol: 'sha256', authKey: 'a-key-123', privProtocol: 'aes', privKey: 'p-key-123' } })
  assert.is(describeCredential(c), "v3 user 'noc' authPriv sha256/aes")
})

credentials('a JSON file named by CIVICNET_SNMP_CREDENTIALS serves references the environment does not', () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-cred-'))
  try {
    const file = join(dir, 'snmp.json')
    writeFileSync(file, JSON.stringify({ parks: { community: 'p4rks' }, olt: { version: 'v3', v3: { user: 'olt', authKey: 'k1k1k1k1', privKey: 'k2k2k2k2' } } }))
    const env = { CIVICNET_SNMP_CREDENTIALS: file }
    assert.equal(resolveCredential('parks', env), { version: 'v2c', community: 'p4rks' })
    assert.equal(resolveCredential('olt', env), { version: 'v3', v3: { user: 'olt', authKey: 'k1k1k1k1', privKey: 'k2k2k2k2' } })
    assert.equal(resolveCredential('parks', { ...env, CIVICNET_SNMP_PARKS_COMMUNITY: 'from-env' }), { version: 'v2c', community: 'from-env' })
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

credentials('an undefined reference names the variables to set and no secret', () => {
  try {
    resolveCredential('lib-ro', { CIVICNET_SNMP_OTHER_COMMUNITY: 'zz-top-secret' })
    assert.unreachable('should throw')
  } catch (err) {
    assert.instance(err, CredentialError)
    assert.match((err as Error).message, /CIVICNET_SNMP_LIB_RO_COMMUNITY/)
    assert.not.match((err as Error).message, /zz-top-secret/)
  }
})

credentials('describing a v2c credential hides the community', () => {
  assert.is(describeCredential({ version: 'v2c', community: 'hunter2' }), 'v2c community (hidden)')
})

credentials.run()
