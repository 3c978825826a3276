/**
 * Device profiles a user adds without a release (CIVICNET_PROFILES_DIR): the schema every
 * profile must pass (the built-in ones too), the loader's messages (file, profile, field),
 * refusal of a bad file with the built-in profiles still loaded, overrides, order, and the
 * loaded set reaching the runtime (probe options, Counter32 ceilings).
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { counter32Ceilings } from '../../collector/counters.ts'
import { pollWithProbe } from '../../collector/index.ts'
import { formatProfileProblem, loadProfiles, loadProfilesFromEnv } from '../../collector/profiles/load.ts'
import { getProfile, PROFILES } from '../../collector/profiles/index.ts'
import { checkProfile, DeviceProfileSchema, formatProblem, isDeviceProfile } from '../../collector/profiles/schema.ts'
import type { DeviceProfile } from '../../collector/profiles/types.ts'
import type { Device } from '../../core/inventory.ts'

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
const GOOD = join(FIXTURES, 'profiles')
const BAD = join(FIXTURES, 'profiles-bad')

/** A minimal valid profile to vary. */
const acme = (over: Record<string, unknown> = {}): Record<string, unknown> => ({
  id: 'acme-ap',
  vendor: 'Acme',
  description: 'Acme APs',
  match: { sysObjectIdPrefixes: ['1.3.6.1.4.1.99999.1'] },
  reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.99999.1.1.0', name: 'ACME-MIB::acmeClients.0' } }],
  verified: false,
  source: 'ACME-MIB',
  ...over,
})
const problems = (v: unknown) => checkProfile(v).map(formatProblem)

const schema = suite('the profile schema')

schema('every built-in profile passes the schema, and the schema passes them unchanged as DeviceProfile', () => {
  const refused = PROFILES.map((p) => [p.id, problems(p)] as const).filter(([, x]) => x.length > 0)
  assert.equal(refused, [])
  for (const p of PROFILES) assert.ok(isDeviceProfile(p), p.id)
  assert.ok(PROFILES.length > 1)
})

schema('a valid profile has no problems', () => {
  assert.equal(problems(acme()), [])
})

schema('a bad OID is named with its path', () => {
  const p = acme({ reads: [{ type: 'clients', kind: 'ssid', value: { oid: '1.3.6.x', name: 'A::b' }, name: { column: { oid: '.1.3.6.1.2', name: 'A::c' } } }] })
  assert.equal(problems(p), ["reads[0].value.oid '1.3.6.x' is not a numeric OID", "reads[0].name.column.oid '.1.3.6.1.2' is not a numeric OID"])
  assert.equal(problems(acme({ match: { sysObjectIdPrefixes: ['enterprises.9'] } })), ["match.sysObjectIdPrefixes[0] 'enterprises.9' is not a numeric OID"])
})

schema('an unknown field is refused, with the field it was probably meant as', () => {
  assert.equal(problems(acme({ colour: 'red' })), ['colour is not a known field (known here: id, vendor, description, match, include, reads, verified, source)'])
  assert.equal(problems(acme({ match: { sysDescrPattern: ['x'] } })), ['match.sysDescrPattern is not a known field (did you mean sysDescrPatterns?)'])
  assert.equal(problems(acme({ reads: [{ type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.9.1.0', name: 'A::b', instance: 0 } }] })), [
    'reads[0].scalar.instance is not a known field (known here: oid, name)',
  ])
})

schema('a missing field, a wrong type, a value out of its set', () => {
  const { source: _source, ...noSource } = acme()
  void _source
  assert.equal(problems(noSource), ['source is missing'])
  assert.equal(problems(acme({ verified: 'yes' })), ["verified should be true or false, not 'yes'"])
  assert.equal(problems(acme({ reads: [{ type: 'optics', unit: 'dbm', divisor: '100', port: { index: true } }] })), [
    "reads[0].unit 'dbm' is not one of 'dBm', 'mW', 'uW', 'dBm-text'",
    "reads[0].divisor should be a number, not '100'",
  ])
  // read types: one problem, on `type`, listing the known ones (more may be added: not pinned)
  const unknownType = problems(acme({ reads: [{ type: 'client-count' }] }))
  assert.is(unknownType.length, 1)
  assert.match(unknownType[0]!, /^reads\[0\]\.type 'client-count' is not one of 'clients', 'clients-total', .*'interfaces', 'host-resources'/)
  const noType = problems(acme({ reads: [{ kind: 'ssid' }] }))
  assert.is(noType.length, 1)
  assert.match(noType[0]!, /^reads\[0\]\.type is missing \(one of 'clients', 'clients-total', /)
  assert.equal(problems(acme({ reads: [{ type: 'clients', kind: 'ssid', value: { oid: '1.3.6.1.4.1.9.1', name: 'A::b' }, name: { index: true, indexSlice: [1, 'a'] } }] })), [
    "reads[0].name.indexSlice[1] should be an integer, not 'a'",
  ])
  assert.equal(problems([acme()]), ['(the profile) should be an object, not a list of 1'])
})

schema('a regex that does not compile is named, with the engine\'s reason', () => {
  assert.equal(problems(acme({ match: { sysDescrPatterns: ['^Acme', 'AcmeOS ('] } })), [
    "match.sysDescrPatterns[1] 'AcmeOS (' is not a regex that compiles: Invalid regular expression: /AcmeOS (/i: Unterminated group",
  ])
  assert.equal(problems(acme({ reads: [{ type: 'clients', kind: 'ssid', value: { oid: '1.3.6.1.4.1.9.1', name: 'A::b' }, name: { column: { oid: '1.3.6.1.4.1.9.2', name: 'A::c' }, stripPattern: '[a-' } }] })), [
    "reads[0].name.stripPattern '[a-' is not a regex that compiles: Invalid regular expression: /[a-/i: Unterminated character class",
  ])
})

schema('docs/PROFILES.md names every field of the schema (a field added to types.ts and schema.ts is documented too)', () => {
  const keys = new Set<string>()
  const walk = (s: unknown): void => {
    if (!s || typeof s !== 'object') return
    const o = s as { properties?: Record<string, unknown>; anyOf?: unknown[]; items?: unknown; patternProperties?: Record<string, unknown> }
    for (const [k, v] of Object.entries(o.properties ?? {})) {
      keys.add(k)
      walk(v)
    }
    for (const x of o.anyOf ?? []) walk(x)
    for (const x of Array.isArray(o.items) ? o.items : [o.items]) walk(x)
    for (const x of Object.values(o.patternProperties ?? {})) walk(x)
  }
  walk(DeviceProfileSchema)
  const doc = readFileSync(fileURLToPath(new URL('../../docs/PROFILES.md', import.meta.url)), 'utf8')
  const coded = new Set([...doc.replace(/```[\s\S]*?```/g, '').matchAll(/`([^`\n]+)`/g)].flatMap((m) => m[1]!.match(/[A-Za-z0-9]+/g) ?? []))
  assert.equal([...keys].filter((k) => !coded.has(k)), [])
  assert.ok(keys.size > 40, `${keys.size} fields`)
})

schema.run()

const loader = suite('loading CIVICNET_PROFILES_DIR')

loader('no directory: the built-in profiles, in their order, nothing else', () => {
  const set = loadProfilesFromEnv({})
  assert.is(set.dir, null)
  assert.equal(set.profiles, PROFILES)
  assert.equal(set.problems, [])
  assert.ok(set.entries.every((e) => e.origin.kind === 'built-in'))
})

loader('the worked example loads from test/fixtures/profiles, before the built-in profiles', () => {
  const set = loadProfilesFromEnv({ CIVICNET_PROFILES_DIR: GOOD })
  assert.equal(set.problems, [])
  assert.is(set.dir, GOOD)
  assert.equal(set.files, [{ file: join(GOOD, 'city-mikrotik-wap.yaml'), profiles: 1, refused: false }])
  assert.equal(
    set.profiles.map((p) => p.id),
    ['city-mikrotik-wap', ...PROFILES.map((p) => p.id)],
  )
  assert.equal(set.entries[0]!.origin, { kind: 'user', file: join(GOOD, 'city-mikrotik-wap.yaml') })
  assert.equal(set.overrides, [])
  const p = set.profiles[0]!
  assert.equal(p.match, {
    sysObjectIdPrefixes: ['1.3.6.1.4.1.14988.1'],
    tables: [{ oid: '1.3.6.1.4.1.14988.1.1.1.3.1.6', name: 'MIKROTIK-MIB::mtxrWlApClientCount' }],
  })
  assert.equal(p.reads.map((r) => r.type), ['clients', 'clients', 'clients-total', 'optics'])
  assert.is(set.profiles.at(-1)!.id, 'generic')
})

loader('a bad file is refused with file, profile and field named; the good file and the built-in profiles still load', () => {
  const set = loadProfiles(BAD)
  const f = (name: string) => join(BAD, name)
  assert.equal(set.problems.map(formatProfileProblem), [
    `${f('acme.yaml')}: profile 'acme-ap': match.sysDescrPattern is not a known field (did you mean sysDescrPatterns?)`,
    `${f('acme.yaml')}: profile 'acme-ap': reads[0].scalar.oid '1.3.6.x' is not a numeric OID`,
    `${f('acme.yaml')}: profile 'acme-switch': source is missing`,
    `${f('acme.yaml')}: profile 'acme-switch': match.sysDescrPatterns[0] 'AcmeOS (' is not a regex that compiles: Invalid regular expression: /AcmeOS (/i: Unterminated group`,
    `${f('acme.yaml')}: profile 'acme-switch': reads[0].divisor should be a number, not '100'`,
    `${f('acme.yaml')}: profile 'acme-switch': verified should be true or false, not 'yes-ish'`,
    `${f('parks-b.json')}: profile 'parks-ap': id 'parks-ap' is already defined in ${f('parks-a.yaml')}`,
  ])
  assert.equal(set.files, [
    { file: f('acme.yaml'), profiles: 0, refused: true },
    { file: f('parks-a.yaml'), profiles: 1, refused: false },
    { file: f('parks-b.json'), profiles: 0, refused: true },
  ])
  // the refused files give nothing; the good one and every built-in profile load
  assert.equal(
    set.profiles.map((p) => p.id),
    ['parks-ap', ...PROFILES.map((p) => p.id)],
  )
  assert.is(set.profiles.find((p) => p.id === 'parks-ap')!.description, "the parks department's Cambium PMP 450 APs")
})

const withDir = (files: Record<string, string>, fn: (dir: string) => void) => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-profiles-'))
  try {
    for (const [name, text] of Object.entries(files)) {
      if (name.endsWith('/')) mkdirSync(join(dir, name))
      else writeFileSync(join(dir, name), text)
    }
    fn(dir)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

loader('a user profile with a built-in id replaces it in its place, and the set says so', () => {
  const zd = getProfile('ruckus-zonedirector')
  const mine = { ...zd, description: 'our ZoneDirectors', reads: [zd.reads[0]!], verified: false, source: 'ours' }
  withDir({ 'zd.json': JSON.stringify(mine) }, (dir) => {
    const set = loadProfiles(dir)
    assert.equal(set.problems, [])
    assert.equal(set.overrides, [{ id: 'ruckus-zonedirector', file: join(dir, 'zd.json') }])
    assert.equal(set.profiles.map((p) => p.id), PROFILES.map((p) => p.id))
    const at = PROFILES.findIndex((p) => p.id === 'ruckus-zonedirector')
    assert.equal(set.profiles[at], mine)
    assert.equal(set.entries[at]!.overridesBuiltIn, true)
    assert.equal(set.entries[at]!.origin, { kind: 'user', file: join(dir, 'zd.json') })
  })
})

loader('a file may hold a list; .yml, .yaml and .json are read in name order, other files and subdirectories are not', () => {
  const b = acme({ id: 'b-ap' })
  const a = acme({ id: 'a-ap' })
  withDir({ 'z.json': JSON.stringify([b, a]), 'a.yml': `id: c-ap\nvendor: Acme\ndescription: x\nmatch: {}\nreads: []\nverified: false\nsource: s\n`, 'README.md': '# notes', 'x.yaml.bak': 'junk: [', 'sub/': '' }, (dir) => {
    writeFileSync(join(dir, 'sub', 'd.yaml'), 'junk: [')
    const set = loadProfiles(dir)
    assert.equal(set.problems, [])
    assert.equal(set.files.map((f) => f.file), [join(dir, 'a.yml'), join(dir, 'z.json')])
    assert.equal(set.profiles.slice(0, 3).map((p) => p.id), ['c-ap', 'b-ap', 'a-ap'])
  })
})

loader('not YAML, an empty file, a duplicate id in one file, a directory that is not there', () => {
  withDir({ 'a.yaml': 'id: [1, 2', 'b.yaml': '', 'c.yaml': `- ${JSON.stringify(acme())}\n- ${JSON.stringify(acme())}\n`, 'd.yaml': 'id: x\nid: y\n' }, (dir) => {
    const set = loadProfiles(dir)
    const msgs = set.problems.map(formatProfileProblem)
    assert.is(msgs.length, 4)
    assert.match(msgs[0]!, new RegExp(`^${join(dir, 'a.yaml')}: is not valid YAML: `))
    assert.is(msgs[1], `${join(dir, 'b.yaml')}: is empty: expected a profile or a list of profiles`)
    assert.is(msgs[2], `${join(dir, 'c.yaml')}: profile 'acme-ap': id 'acme-ap' appears twice in this file`)
    assert.match(msgs[3]!, new RegExp(`^${join(dir, 'd.yaml')}: is not valid YAML: Map keys must be unique`))
    assert.equal(set.profiles, PROFILES)
  })
  const missing = join(tmpdir(), 'civicnet-no-such-profiles-dir')
  const set = loadProfiles(missing)
  assert.equal(set.problems.map(formatProfileProblem), [`${missing}: CIVICNET_PROFILES_DIR cannot be read: no such directory`])
  assert.equal(set.profiles, PROFILES)
})

loader('a profile with no id is named by its place in the file', () => {
  withDir({ 'a.yaml': JSON.stringify([acme(), { vendor: 'Acme' }]) }, (dir) => {
    const msgs = loadProfiles(dir).problems.map(formatProfileProblem)
    assert.equal(msgs.slice(0, 2), [`${join(dir, 'a.yaml')}: profile 'entry 2': id is missing`, `${join(dir, 'a.yaml')}: profile 'entry 2': description is missing`])
  })
})

loader.run()

const wiring = suite('the loaded set reaches the runtime')

wiring('pollWithProbe hands the loaded profiles to every probe, beside a forced id', async () => {
  const set = loadProfiles(GOOD)
  const seen: unknown[] = []
  const poll = pollWithProbe(
    async (_target, options) => {
      seen.push(options)
      return {} as never
    },
    () => ({ version: 'v2c', community: 'x' }),
    set.profiles,
  )
  const device = { id: 'd1', mgmt: { host: '127.0.0.1', port: 161 }, credential: 'c' } as unknown as Device
  await poll(device, { timeoutMs: 100, retries: 0 })
  await poll({ ...device, profile: 'city-mikrotik-wap' } as Device, { timeoutMs: 100, retries: 0 })
  assert.equal(seen, [{ profiles: set.profiles }, { profileId: 'city-mikrotik-wap', profiles: set.profiles }])
  assert.is((seen[0] as { profiles: unknown }).profiles, set.profiles)
})

wiring('the Counter32 ceilings come from the loaded set: a user AP table with counter32 bytes bounds its counters', () => {
  const ap: DeviceProfile = {
    id: 'acme-wlc',
    vendor: 'Acme',
    description: 'x',
    match: {},
    reads: [
      {
        type: 'aps',
        name: { oid: '1.3.6.1.4.1.99999.3.1.2', name: 'ACME-MIB::acmeApName' },
        bytes: { inOctets: { oid: '1.3.6.1.4.1.99999.3.2.1', name: 'ACME-MIB::acmeApRxBytes' }, outOctets: { oid: '1.3.6.1.4.1.99999.3.2.2', name: 'ACME-MIB::acmeApTxBytes' }, counter32: true, maxBitsPerSec: 1e9 },
      },
    ],
    verified: false,
    source: 'x',
  }
  withDir({ 'wlc.json': JSON.stringify(ap) }, (dir) => {
    const set = loadProfiles(dir)
    assert.equal(set.problems, [])
    const ceilings = counter32Ceilings(set.profiles)
    assert.equal(ceilings.get('acmeApRxBytes'), { maxBitsPerSec: 1e9, always32: true })
    assert.equal(ceilings.get('acmeApTxBytes'), { maxBitsPerSec: 1e9, always32: true })
    assert.is(counter32Ceilings(PROFILES).get('acmeApRxBytes'), undefined)
  })
})

wiring.run()
