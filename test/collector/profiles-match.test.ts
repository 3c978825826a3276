/**
 * Matching by the vendor tables a device serves, and `explain`, against real recordings
 * (test/fixtures/snmprec/recordings) served by snmpsimd and read over a real SNMP session:
 * a profile that lacks the device's prefix and pattern is found by one GETNEXT carrying a
 * varbind per candidate column; devices matched by prefix or sysDescr pay no request for it.
 */
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { probeDevice, selectProfile } from '../../collector/probe.ts'
import { GENERIC_PROFILE, getProfile, matchTables, PROFILES, tableProbes } from '../../collector/profiles/index.ts'
import type { DeviceProfile } from '../../collector/profiles/types.ts'
import { openSession, type SnmpSession } from '../../collector/snmp/session.ts'
import { startSnmpsimd, type RunningSnmpsimd } from '../support/snmpsimd.ts'

const RECORDINGS = fileURLToPath(new URL('../fixtures/snmprec/recordings/', import.meta.url))
const USED = ['unifi_nanohd', 'ruckuswireless_zd1100', 'ios_2960x']

const VAP_STATIONS = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.8', name: 'UBNT-UniFi-MIB::unifiVapNumStations' }
const VAP_ESSID = { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.6', name: 'UBNT-UniFi-MIB::unifiVapEssId' }
const ZD_SYSTEM_INFO = { oid: '1.3.6.1.4.1.25053.1.2.1.1.1.1', name: 'RUCKUS-ZD-SYSTEM-MIB::ruckusZDSystemInfo' }

/** A user's UniFi profile that knows neither the sysObjectID nor the sysDescr: only the table. */
const UNIFI_BY_TABLE: DeviceProfile = {
  id: 'city-unifi',
  vendor: 'Ubiquiti',
  description: 'UniFi APs told by their unifiVapTable',
  match: { tables: [VAP_STATIONS] },
  reads: [
    { type: 'clients', kind: 'ssid', value: VAP_STATIONS, name: { column: VAP_ESSID }, aggregate: 'sum' },
    { type: 'clients-total', sumOf: 'ssid' },
  ],
  verified: true,
  source: 'recording unifi_nanohd',
}
/** The built-in ZoneDirector profile with its prefix and patterns taken away: its tables must find the ZD1106. */
const zd = getProfile('ruckus-zonedirector')
const ZD_BY_TABLE: DeviceProfile = { ...zd, match: { tables: zd.match.tables! } }
const SET: readonly DeviceProfile[] = [ZD_BY_TABLE, UNIFI_BY_TABLE, GENERIC_PROFILE]

const pure = suite('tableProbes and matchTables')

pure('the probe asks every profile\'s columns in registry order, each OID once', () => {
  const dup: DeviceProfile = { ...UNIFI_BY_TABLE, id: 'dup', match: { tables: [VAP_STATIONS, ZD_SYSTEM_INFO] } }
  const probes = tableProbes([ZD_BY_TABLE, UNIFI_BY_TABLE, dup, GENERIC_PROFILE])
  assert.equal(
    probes.map((p) => `${p.profile.id} ${p.column.oid}`),
    [`ruckus-zonedirector ${ZD_SYSTEM_INFO.oid}`, `city-unifi ${VAP_STATIONS.oid}`],
  )
  assert.equal(tableProbes([GENERIC_PROFILE]), [])
})

pure('an answer inside the column matches; the next table, the column itself or endOfMibView does not', () => {
  const probes = tableProbes(SET)
  const past = { oid: '1.3.6.1.4.1.25053.1.2.2.1.1.1.1.1.1.1', type: 'octets' }
  const m = matchTables(probes, [past, { oid: `${VAP_STATIONS.oid}.3`, type: 'integer' }])
  assert.is(m!.profile.id, 'city-unifi')
  assert.is(m!.by, 'tables')
  assert.equal(m!.table, { ...VAP_STATIONS, answeredOid: `${VAP_STATIONS.oid}.3` })
  assert.is(matchTables(probes, [past, { oid: VAP_STATIONS.oid, type: 'endOfMibView' }]), null)
  assert.is(matchTables(probes, [past, { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.9.1', type: 'octets' }]), null)
  // the first profile in order wins when two answer
  assert.is(matchTables(probes, [{ oid: `${ZD_SYSTEM_INFO.oid}.1.0`, type: 'octets' }, { oid: `${VAP_STATIONS.oid}.1`, type: 'integer' }])!.profile.id, 'ruckus-zonedirector')
})

pure.run()

const real = suite<{ agent: RunningSnmpsimd | null; dir: string }>('matching by tables on real recordings', { agent: null, dir: '' })

real.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-match-'))
  chmodSync(ctx.dir, 0o755)
  for (const n of USED) copyFileSync(join(RECORDINGS, `${n}.snmprec`), join(ctx.dir, `${n}.snmprec`))
  ctx.agent = await startSnmpsimd(ctx.dir)
})
real.after(async (ctx) => {
  await ctx.agent?.stop()
  rmSync(ctx.dir, { recursive: true, force: true })
})

const target = (port: number, community: string) => ({ host: '127.0.0.1', port, credential: { version: 'v2c' as const, community }, timeoutMs: 3000, retries: 1 })

async function withSession<T>(port: number, community: string, fn: (s: SnmpSession) => Promise<T>): Promise<T> {
  const s = openSession(target(port, community))
  try {
    return await fn(s)
  } finally {
    s.close()
  }
}

real('a UniFi AP with no prefix or pattern of the set is found by its unifiVapTable, in one GETNEXT', async ({ agent }) => {
  await withSession(agent!.port, 'unifi_nanohd', async (s) => {
    const before = s.stats.requests
    const r = await selectProfile(s, '1.3.6.1.4.1.8072.3.2.10', 'UAP-nanoHD 5.43.36.12724', SET)
    assert.is(s.stats.requests - before, 1)
    assert.is(r.tablesProbed, 2)
    assert.is(r.match.profile.id, 'city-unifi')
    assert.is(r.match.by, 'tables')
    assert.equal(r.match.table, { ...VAP_STATIONS, answeredOid: '1.3.6.1.4.1.41112.1.6.1.2.1.8.1' })
  })
})

real('the built-in ZoneDirector profile\'s table finds the ZD1106 without its prefix or patterns', async ({ agent }) => {
  await withSession(agent!.port, 'ruckuswireless_zd1100', async (s) => {
    const r = await selectProfile(s, '1.3.6.1.4.1.25053.3.1.5.2', 'Ruckus Wireless ZD1106', SET)
    assert.is(r.match.profile.id, 'ruckus-zonedirector')
    assert.is(r.match.by, 'tables')
    // the first instance of the ZD system group the recording serves: ruckusZDSystemModel.0
    assert.equal(r.match.table, { ...ZD_SYSTEM_INFO, answeredOid: '1.3.6.1.4.1.25053.1.2.1.1.1.1.9.0' })
  })
})

real('a device that serves none of the tables gets the generic profile, for the one request', async ({ agent }) => {
  await withSession(agent!.port, 'ios_2960x', async (s) => {
    const before = s.stats.requests
    const r = await selectProfile(s, '1.3.6.1.4.1.9.1.1208', 'Cisco IOS Software, C2960X', SET)
    assert.is(s.stats.requests - before, 1)
    assert.is(r.match.by, 'generic')
    assert.is(r.match.profile.id, 'generic')
  })
})

real('a device matched by prefix or sysDescr sends no table probe', async ({ agent }) => {
  await withSession(agent!.port, 'unifi_nanohd', async (s) => {
    const before = s.stats.requests
    const r = await selectProfile(s, '1.3.6.1.4.1.8072.3.2.10', 'UAP-nanoHD 5.43.36.12724', PROFILES)
    assert.is(s.stats.requests - before, 0)
    assert.is(r.match.by, 'sysDescr')
    assert.is(r.match.profile.id, 'ubiquiti-unifi')
    assert.is(r.match.pattern, getProfile('ubiquiti-unifi').match.sysDescrPatterns![0])
    assert.is(r.tablesProbed, 0)
  })
  const zdPoll = await probeDevice(target(agent!.port, 'ruckuswireless_zd1100'), { explain: true })
  assert.is(zdPoll.profileMatchedBy, 'sysObjectID')
  assert.equal(zdPoll.explain!.match, { profile: 'ruckus-zonedirector', by: 'sysObjectID', prefix: '1.3.6.1.4.1.25053.3.1.5', tablesProbed: 0 })
  assert.is(zdPoll.explain!.requests.match, 0)
})

real('explain: the rule, every column with its rows, every read with what it found, the requests; absent unless asked', async ({ agent }) => {
  const plain = await probeDevice(target(agent!.port, 'unifi_nanohd'), { profiles: SET })
  assert.is('explain' in plain, false)
  const r = await probeDevice(target(agent!.port, 'unifi_nanohd'), { profiles: SET, explain: true })
  assert.is(r.profile, 'city-unifi')
  assert.is(r.profileMatchedBy, 'tables')
  assert.equal(r.clients, { total: 18, breakdown: [{ kind: 'ssid', name: 'homewifi_ac', value: 18 }, { kind: 'ssid', name: 'vwire-d4aebb3212a82cd8', value: 0 }] })
  assert.equal(r.explain, {
    match: { profile: 'city-unifi', by: 'tables', table: { ...VAP_STATIONS, answeredOid: '1.3.6.1.4.1.41112.1.6.1.2.1.8.1' }, tablesProbed: 2 },
    columns: [
      { oid: VAP_STATIONS.oid, name: VAP_STATIONS.name, how: 'walk', rows: 4 },
      { oid: VAP_ESSID.oid, name: VAP_ESSID.name, how: 'get', rows: 4, asked: 4 },
    ],
    reads: [
      { read: 'clients ssid (UBNT-UniFi-MIB::unifiVapNumStations)', found: 2 },
      { read: 'clients total (sum of ssid)', found: 1 },
    ],
    // system group GET, the GETNEXT, one GETBULK of the 4-row column, one GET of the 4 names
    requests: { system: 1, match: 1, reads: 2, total: 4 },
  })
  assert.is(r.requests, 4)
  // explaining costs no request
  assert.is(plain.requests, r.requests)
})

real('explain names a read that found nothing and a scalar the agent lacks', async ({ agent }) => {
  const lacking: DeviceProfile = {
    ...UNIFI_BY_TABLE,
    id: 'city-unifi-2',
    reads: [
      { type: 'clients-total', scalar: { oid: '1.3.6.1.4.1.41112.1.6.1.9.0', name: 'UBNT-UniFi-MIB::notServed.0' } },
      { type: 'clients', kind: 'radio', value: { oid: '1.3.6.1.4.1.41112.1.6.1.2.1.99', name: 'UBNT-UniFi-MIB::noSuchColumn' }, name: { index: true } },
      ...UNIFI_BY_TABLE.reads,
    ],
  }
  const r = await probeDevice(target(agent!.port, 'unifi_nanohd'), { profiles: [lacking, GENERIC_PROFILE], explain: true })
  assert.equal(r.explain!.reads, [
    { read: 'clients radio (UBNT-UniFi-MIB::noSuchColumn)', found: 0 },
    { read: 'clients ssid (UBNT-UniFi-MIB::unifiVapNumStations)', found: 2 },
    { read: 'clients total (UBNT-UniFi-MIB::notServed.0)', found: 0 },
    { read: 'clients total (sum of ssid)', found: 1 },
  ])
  assert.equal(r.explain!.columns.slice(0, 1), [{ oid: '1.3.6.1.4.1.41112.1.6.1.2.1.99', name: 'UBNT-UniFi-MIB::noSuchColumn', how: 'walk', rows: 0 }])
  assert.equal(r.explain!.columns.at(-1), { oid: '1.3.6.1.4.1.41112.1.6.1.9.0', name: 'UBNT-UniFi-MIB::notServed.0', how: 'get', rows: 0, asked: 1 })
  assert.is(r.clients.total, 18)
})

real.run()
