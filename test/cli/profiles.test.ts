/**
 * The CLI with user profiles (CIVICNET_PROFILES_DIR): `civicnet profiles list|check`, the
 * worked example of docs/PROFILES.md (test/fixtures/profiles/city-mikrotik-wap.yaml) polled
 * through `civicnet poll --json [--explain]` against snmpsimd serving the real recording it
 * was written from, and a bad profile directory refused by poll, collect and profiles list.
 */
import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { PROFILES } from '../../collector/profiles/index.ts'
import { runCli } from '../support/cli.ts'
import { startSnmpsimd, type RunningSnmpsimd } from '../support/snmpsimd.ts'

const FIXTURES = fileURLToPath(new URL('../fixtures/', import.meta.url))
// relative to the checkout, as a user would write it (runCli runs there)
const GOOD = 'test/fixtures/profiles'
const BAD = 'test/fixtures/profiles-bad'
const EXAMPLE = `${GOOD}/city-mikrotik-wap.yaml`

const BAD_PROBLEMS = [
  `${BAD}/acme.yaml: profile 'acme-ap': match.sysDescrPattern is not a known field (did you mean sysDescrPatterns?)`,
  `${BAD}/acme.yaml: profile 'acme-ap': reads[0].scalar.oid '1.3.6.x' is not a numeric OID`,
  `${BAD}/acme.yaml: profile 'acme-switch': source is missing`,
  `${BAD}/acme.yaml: profile 'acme-switch': match.sysDescrPatterns[0] 'AcmeOS (' is not a regex that compiles: Invalid regular expression: /AcmeOS (/i: Unterminated group`,
  `${BAD}/acme.yaml: profile 'acme-switch': reads[0].divisor should be a number, not '100'`,
  `${BAD}/acme.yaml: profile 'acme-switch': verified should be true or false, not 'yes-ish'`,
  `${BAD}/parks-b.json: profile 'parks-ap': id 'parks-ap' is already defined in ${BAD}/parks-a.yaml`,
]

const list = suite('civicnet profiles')

list('list --json: the user profile first, from its file, then every built-in profile, generic last', async () => {
  const r = await runCli(['profiles', 'list', '--json'], { env: { CIVICNET_PROFILES_DIR: GOOD } })
  assert.is(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.is(out.dir, GOOD)
  assert.equal(out.problems, [])
  assert.equal(out.overrides, [])
  assert.equal(out.files, [{ file: EXAMPLE, profiles: 1, refused: false }])
  assert.equal(
    out.profiles.map((p: { id: string }) => p.id),
    ['city-mikrotik-wap', ...PROFILES.map((p) => p.id)],
  )
  assert.equal(out.profiles[0], {
    id: 'city-mikrotik-wap',
    vendor: 'MikroTik',
    description: "the city's MikroTik wireless APs (MIKROTIK-MIB), clients per radio interface and per SSID, SFP optics",
    match: {
      sysObjectIdPrefixes: ['1.3.6.1.4.1.14988.1'],
      sysDescrPatterns: [],
      tables: [{ oid: '1.3.6.1.4.1.14988.1.1.1.3.1.6', name: 'MIKROTIK-MIB::mtxrWlApClientCount' }],
    },
    include: ['if-mib'],
    reads: ['clients', 'clients', 'clients-total', 'optics'],
    verified: true,
    source: 'recording routeros (LibreNMS tests/snmpsim), test/fixtures/snmprec; docs/PROFILES.md worked example',
    origin: EXAMPLE,
    overridesBuiltIn: false,
  })
  const zd = out.profiles.find((p: { id: string }) => p.id === 'ruckus-zonedirector')
  assert.equal([zd.origin, zd.verified, zd.match.tables], ['built-in', true, [{ oid: '1.3.6.1.4.1.25053.1.2.1.1.1.1', name: 'RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemInfo' }]])
  assert.is(out.profiles.at(-1).id, 'generic')
})

list('list: the human form names each profile, its rules and where it came from', async () => {
  const r = await runCli(['profiles', 'list'], { env: { CIVICNET_PROFILES_DIR: GOOD } })
  assert.is(r.code, 0, r.stderr)
  const lines = r.stdout.split('\n')
  assert.is(lines[0], `${PROFILES.length + 1} profiles: ${PROFILES.length} built-in, 1 from ${GOOD}; matching order`)
  assert.equal(lines.slice(2, 6), [
    `city-mikrotik-wap  MikroTik  verified  ${EXAMPLE}`,
    '  sysObjectID  1.3.6.1.4.1.14988.1',
    '  table        MIKROTIK-MIB::mtxrWlApClientCount (1.3.6.1.4.1.14988.1.1.1.3.1.6)',
    '  source       recording routeros (LibreNMS tests/snmpsim), test/fixtures/snmprec; docs/PROFILES.md worked example',
  ])
  assert.ok(lines.includes('  sysDescr     /ZoneDirector/i, /^Ruckus Wireless ZD/i'), 'the ZoneDirector patterns')
})

list('list with a bad directory: every problem on stderr, exit 1, and the built-in profiles still listed', async () => {
  const r = await runCli(['profiles', 'list', '--json'], { env: { CIVICNET_PROFILES_DIR: BAD } })
  assert.is(r.code, 1)
  const out = JSON.parse(r.stdout)
  assert.equal(out.problems, BAD_PROBLEMS)
  assert.equal(
    out.profiles.map((p: { id: string }) => p.id),
    ['parks-ap', ...PROFILES.map((p) => p.id)],
  )
  const text = await runCli(['profiles', 'list'], { env: { CIVICNET_PROFILES_DIR: BAD } })
  assert.is(text.code, 1)
  assert.is(text.stderr, `civicnet profiles: 7 problem(s), refused:\n${BAD_PROBLEMS.map((p) => `  ${p}`).join('\n')}\n`)
})

list('check DIR: what loads, what is refused, what replaces a built-in profile', async () => {
  const good = await runCli(['profiles', 'check', GOOD])
  assert.is(good.code, 0, good.stderr)
  assert.is(good.stdout, `${GOOD}:\n  ${EXAMPLE}: 1 profile\n`)
  const bad = await runCli(['profiles', 'check', BAD])
  assert.is(bad.code, 1)
  assert.is(bad.stdout, `${BAD}:\n  ${BAD}/acme.yaml: refused\n  ${BAD}/parks-a.yaml: 1 profile\n  ${BAD}/parks-b.json: refused\n`)
  assert.is(bad.stderr.split('\n').length, 7 + 2)
  const usage = await runCli(['profiles', 'check'])
  assert.is(usage.code, 2)
  assert.match(usage.stderr, /'profiles check' needs one directory/)
  assert.is((await runCli(['profiles'])).code, 2)
})

list('poll and collect refuse a bad directory before they touch a device or a store, naming file, profile and field', async () => {
  const poll = await runCli(['poll', '127.0.0.1:9', '--community', 'x', '--json'], { env: { CIVICNET_PROFILES_DIR: BAD } })
  assert.is(poll.code, 2)
  assert.is(poll.stdout, '')
  assert.is(poll.stderr, `civicnet poll: refused: 7 problem(s) in ${BAD}:\n${BAD_PROBLEMS.map((p) => `  ${p}`).join('\n')}\n`)
  const collect = await runCli(['collect'], { env: { CIVICNET_PROFILES_DIR: BAD, INFLUX_URL: 'http://127.0.0.1:9' } })
  assert.is(collect.code, 2)
  assert.is(collect.stderr, `civicnet collect: refusing to start: 7 problem(s) in ${BAD}:\n${BAD_PROBLEMS.map((p) => `  ${p}`).join('\n')}\n`)
  const missing = await runCli(['collect'], { env: { CIVICNET_PROFILES_DIR: 'test/fixtures/no-such-dir', INFLUX_URL: 'http://127.0.0.1:9' } })
  assert.is(missing.code, 2)
  assert.match(missing.stderr, /test\/fixtures\/no-such-dir: CIVICNET_PROFILES_DIR cannot be read: no such directory/)
})

list.run()

interface Expected {
  if_mib_hc: { ports: Array<{ ifIndex: number; ifName: string; ifHCInOctets: number; ifHCOutOctets: number }> }
}

const poll = suite<{ agent: RunningSnmpsimd | null; dir: string }>('the worked example, polled from its recording', { agent: null, dir: '' })

poll.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-example-'))
  chmodSync(ctx.dir, 0o755)
  copyFileSync(join(FIXTURES, 'snmprec/recordings/routeros.snmprec'), join(ctx.dir, 'routeros.snmprec'))
  ctx.agent = await startSnmpsimd(ctx.dir)
})
poll.after(async (ctx) => {
  await ctx.agent?.stop()
  rmSync(ctx.dir, { recursive: true, force: true })
})

const pollArgs = (port: number, ...more: string[]) => ['poll', `127.0.0.1:${port}`, '--community', 'routeros', '--json', '--timeout-ms', '3000', ...more]

poll('civicnet poll --json reads the recording through the user profile: the exact clients, optics and counters', async ({ agent }) => {
  const r = await runCli(pollArgs(agent!.port), { env: { CIVICNET_PROFILES_DIR: GOOD } })
  assert.is(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.is(out.profile, 'city-mikrotik-wap')
  assert.is(out.profileMatchedBy, 'sysObjectID')
  assert.is(out.sysObjectID, '1.3.6.1.4.1.14988.1')
  // mtxrWlApClientCount per AP interface (ifIndex 1, 2, 8, 9), named by ifName; by SSID, the
  // two virtual APs of WARKOP-KOPIBOSS summed; the total is the sum of the interfaces
  assert.equal(out.clients, {
    total: 11,
    breakdown: [
      { kind: 'interface', name: 'wlan1', value: 7 },
      { kind: 'interface', name: 'wlan2', value: 0 },
      { kind: 'interface', name: 'wlan3', value: 0 },
      { kind: 'interface', name: 'wlan4', value: 4 },
      { kind: 'ssid', name: 'WARKOP-KOPIBOSS-B', value: 7 },
      { kind: 'ssid', name: 'WARKOP-KOPIBOSS-A', value: 0 },
      { kind: 'ssid', name: 'WARKOP-KOPIBOSS', value: 4 },
    ],
  })
  // mtxrOpticalRxPower -5673, mtxrOpticalTxPower -4879 in 1/1000 dBm
  assert.equal(out.optics, [{ port: 'sfp1', rxDbm: -5.673, txDbm: -4.879 }])
  // IF-MIB (include: if-mib): LibreNMS's 64-bit counters for the same recording
  const expected = JSON.parse(readFileSync(join(FIXTURES, 'snmprec/expected/routeros.json'), 'utf8')) as Expected
  assert.equal(
    out.interfaces.filter((i: { ifIndex: number }) => expected.if_mib_hc.ports.some((p) => p.ifIndex === i.ifIndex)).map((i: { ifIndex: number; name: string; inOctets: string; outOctets: string }) => [i.ifIndex, i.name, i.inOctets, i.outOctets]),
    expected.if_mib_hc.ports.map((p) => [p.ifIndex, p.ifName, String(p.ifHCInOctets), String(p.ifHCOutOctets)]),
  )
  assert.is(out.interfaces.length, 12)
  assert.equal(out.warnings, [])
  assert.is('explain' in out, false)
  // system GET, 4 IF-MIB walks, the AP table, its SSIDs by GET, 2 optics walks, the SFP name by GET
  assert.is(out.requests, 10)
})

poll('civicnet poll --json --explain adds why and how, and leaves the other fields as they were', async ({ agent }) => {
  const plain = JSON.parse((await runCli(pollArgs(agent!.port), { env: { CIVICNET_PROFILES_DIR: GOOD } })).stdout)
  const r = await runCli(pollArgs(agent!.port, '--explain'), { env: { CIVICNET_PROFILES_DIR: GOOD } })
  assert.is(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  const { explain, durationMs: _d1, ...rest } = out
  const { durationMs: _d2, ...plainRest } = plain
  void _d1
  void _d2
  assert.equal(rest, plainRest)
  const col = (oid: string, name: string, how: 'walk' | 'get', rows: number) => (how === 'walk' ? { oid, name, how, rows } : { oid, name, how, rows, asked: rows })
  assert.equal(explain, {
    match: { profile: 'city-mikrotik-wap', by: 'sysObjectID', prefix: '1.3.6.1.4.1.14988.1', tablesProbed: 0, origin: EXAMPLE },
    columns: [
      col('1.3.6.1.2.1.31.1.1.1.1', 'IF-MIB::ifName', 'walk', 12),
      col('1.3.6.1.2.1.2.2.1.8', 'IF-MIB::ifOperStatus', 'walk', 12),
      col('1.3.6.1.2.1.31.1.1.1.6', 'IF-MIB::ifHCInOctets', 'walk', 12),
      col('1.3.6.1.2.1.31.1.1.1.10', 'IF-MIB::ifHCOutOctets', 'walk', 12),
      col('1.3.6.1.4.1.14988.1.1.1.3.1.6', 'MIKROTIK-MIB::mtxrWlApClientCount', 'walk', 4),
      col('1.3.6.1.4.1.14988.1.1.1.3.1.4', 'MIKROTIK-MIB::mtxrWlApSsid', 'get', 4),
      col('1.3.6.1.4.1.14988.1.1.19.1.1.10', 'MIKROTIK-MIB::mtxrOpticalRxPower', 'walk', 1),
      col('1.3.6.1.4.1.14988.1.1.19.1.1.9', 'MIKROTIK-MIB::mtxrOpticalTxPower', 'walk', 1),
      col('1.3.6.1.4.1.14988.1.1.19.1.1.2', 'MIKROTIK-MIB::mtxrOpticalName', 'get', 1),
    ],
    reads: [
      { read: 'interfaces (IF-MIB)', found: 12 },
      { read: 'clients interface (MIKROTIK-MIB::mtxrWlApClientCount)', found: 4 },
      { read: 'clients ssid (MIKROTIK-MIB::mtxrWlApClientCount)', found: 3 },
      { read: 'optics (MIKROTIK-MIB::mtxrOpticalRxPower)', found: 1 },
      { read: 'clients total (sum of interface)', found: 1 },
    ],
    requests: { system: 1, match: 0, reads: 9, total: 10 },
  })
})

poll('without the user directory the built-in profile reads the same recording (the example changes only who reads it)', async ({ agent }) => {
  const r = await runCli(pollArgs(agent!.port), { env: { CIVICNET_PROFILES_DIR: '' } })
  assert.is(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.is(out.profile, 'mikrotik-routeros')
  assert.is(out.clients.total, 11)
})

poll('the human --explain says the rule, the columns and the requests', async ({ agent }) => {
  const r = await runCli(['poll', `127.0.0.1:${agent!.port}`, '--community', 'routeros', '--explain'], { env: { CIVICNET_PROFILES_DIR: GOOD } })
  assert.is(r.code, 0, r.stderr)
  const lines = r.stdout.split('\n')
  const at = lines.indexOf('explain')
  assert.ok(at > 0, r.stdout)
  assert.is(lines[at + 1], `  matched   city-mikrotik-wap (${EXAMPLE}) by sysObjectID prefix 1.3.6.1.4.1.14988.1`)
  assert.match(lines[at + 6]!, /^ {2}walked {4}MIKROTIK-MIB::mtxrWlApClientCount +1\.3\.6\.1\.4\.1\.14988\.1\.1\.1\.3\.1\.6 +4 rows$/)
  assert.match(lines[at + 7]!, /^ {2}get {7}MIKROTIK-MIB::mtxrWlApSsid +1\.3\.6\.1\.4\.1\.14988\.1\.1\.1\.3\.1\.4 +4 of 4 answered$/)
  assert.is(lines.at(-2), '  requests  1 system + 0 table probe + 9 reads = 10')
})

poll.run()
