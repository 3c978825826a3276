/**
 * The collector against a real Debian snmpd on loopback, v2c and SNMPv3 authPriv (SHA/AES):
 * what probeDevice reads equals what net-snmp's own snmpwalk reads for the same OIDs.
 * Counters of busy interfaces move between two walks, so each of our values must lie between
 * an snmpwalk before and one after; counters that did not move must be equal.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { PollTimeoutError, SnmpAuthError, SnmpProtocolError } from '../../collector/errors.ts'
import { probeDevice } from '../../collector/probe.ts'
import type { DeviceReading } from '../../collector/reading.ts'
import type { AuthProtocol, PrivProtocol, SnmpCredential } from '../../collector/snmp/session.ts'
import { runCli } from '../support/cli.ts'
import { startSnmpd, type RunningSnmpd } from '../support/snmpd.ts'

const run = promisify(execFile)
const V3 = { user: 'civic-ro', authKey: 'auth-pass-4729', privKey: 'priv-pass-8315' }
/** more users: snmpd's protocol names, and net-snmp's (npm) names for the same */
const MORE_V3: Array<{ snmpd: [string, string]; ours: [AuthProtocol, PrivProtocol] }> = [
  { snmpd: ['SHA-224', 'AES'], ours: ['sha224', 'aes'] },
  { snmpd: ['SHA-256', 'AES-256'], ours: ['sha256', 'aes256b'] },
  { snmpd: ['SHA-512', 'AES'], ours: ['sha512', 'aes'] },
  { snmpd: ['MD5', 'AES'], ours: ['md5', 'aes'] },
]

/** snmpwalk -On -Oe output -> oid => raw value text */
async function snmpwalk(agent: RunningSnmpd, version: 'v2c' | 'v3', oid: string): Promise<Map<string, string>> {
  const auth = version === 'v2c' ? ['-v2c', '-c', agent.community] : ['-v3', '-l', 'authPriv', '-u', V3.user, '-a', 'SHA', '-A', V3.authKey, '-x', 'AES', '-X', V3.privKey]
  const { stdout } = await run('snmpwalk', [...auth, '-On', '-Oe', `127.0.0.1:${agent.port}`, oid], { env: { ...process.env, MIBS: '' } })
  const out = new Map<string, string>()
  for (const line of stdout.split('\n')) {
    const m = /^\.?([\d.]+) = [\w-]+: (.*)$/.exec(line)
    if (!m) continue
    let v = m[2]!
    if (v.startsWith('"') && v.endsWith('"')) v = v.slice(1, -1)
    const ticks = /^\((\d+)\)/.exec(v)
    if (ticks) v = ticks[1]!
    out.set(m[1]!, v.replace(/^\./, ''))
  }
  return out
}

const COLUMNS = {
  ifName: '1.3.6.1.2.1.31.1.1.1.1',
  ifOperStatus: '1.3.6.1.2.1.2.2.1.8',
  ifHCInOctets: '1.3.6.1.2.1.31.1.1.1.6',
  ifHCOutOctets: '1.3.6.1.2.1.31.1.1.1.10',
}
const OPER = ['', 'up', 'down', 'testing', 'unknown', 'dormant', 'notPresent', 'lowerLayerDown']

async function compareWithSnmpwalk(agent: RunningSnmpd, version: 'v2c' | 'v3', credential: SnmpCredential) {
  const before = { in: await snmpwalk(agent, version, COLUMNS.ifHCInOctets), out: await snmpwalk(agent, version, COLUMNS.ifHCOutOctets) }
  const reading: DeviceReading = await probeDevice({ host: '127.0.0.1', port: agent.port, credential, timeoutMs: 2000, retries: 1 })
  const after = { in: await snmpwalk(agent, version, COLUMNS.ifHCInOctets), out: await snmpwalk(agent, version, COLUMNS.ifHCOutOctets) }
  const names = await snmpwalk(agent, version, COLUMNS.ifName)
  const status = await snmpwalk(agent, version, COLUMNS.ifOperStatus)
  const system = await snmpwalk(agent, version, '1.3.6.1.2.1.1')

  assert.is(reading.profile, 'generic')
  assert.is(reading.sysDescr, system.get('1.3.6.1.2.1.1.1.0'))
  assert.is(reading.sysObjectID, system.get('1.3.6.1.2.1.1.2.0'))
  assert.is(reading.sysName, 'civicnet-snmpd')
  assert.is(reading.sysName, system.get('1.3.6.1.2.1.1.5.0'))
  assert.ok(reading.sysUpTimeTicks! <= Number(system.get('1.3.6.1.2.1.1.3.0')), 'sysUpTime read before the walk is not later than it')

  assert.equal(reading.interfaces.map((i) => i.ifIndex), [...names.keys()].map((o) => Number(o.split('.').pop())))
  let exact = 0
  for (const i of reading.interfaces) {
    const idx = `.${i.ifIndex}`
    assert.is(i.name, names.get(COLUMNS.ifName + idx))
    assert.is(i.operStatus, OPER[Number(status.get(COLUMNS.ifOperStatus + idx))])
    assert.is(i.counter32, false)
    for (const [dir, col] of [['in', COLUMNS.ifHCInOctets], ['out', COLUMNS.ifHCOutOctets]] as const) {
      const ours = dir === 'in' ? i.inOctets! : i.outOctets!
      const lo = BigInt(before[dir].get(col + idx)!)
      const hi = BigInt(after[dir].get(col + idx)!)
      assert.ok(lo <= ours && ours <= hi, `${i.name} ${dir}: ${ours} not within snmpwalk's ${lo}..${hi}`)
      if (lo === hi) {
        assert.is(ours, lo)
        exact++
      }
    }
  }
  assert.ok(exact > 0, 'at least one counter was quiet and compared exactly')
}

const agentSuite = suite<{ agent: RunningSnmpd | null }>('collector against Debian snmpd', { agent: null })

agentSuite.before(async (ctx) => {
  ctx.agent = await startSnmpd({
    v3User: V3,
    moreV3Users: [
      ...MORE_V3.map((u, i) => ({ user: `user-${i}`, authKey: V3.authKey, privKey: V3.privKey, authProtocol: u.snmpd[0], privProtocol: u.snmpd[1] })),
      { user: 'des-user', authKey: V3.authKey, privKey: V3.privKey, authProtocol: 'SHA', privProtocol: 'DES' },
    ],
  })
})
agentSuite.after(async (ctx) => {
  await ctx.agent?.stop()
})

agentSuite('v2c: system values and IF-MIB counters equal what snmpwalk reads', async ({ agent }) => {
  await compareWithSnmpwalk(agent!, 'v2c', { version: 'v2c', community: agent!.community })
})

agentSuite('SNMPv3 authPriv SHA/AES: the same values as snmpwalk -v3', async ({ agent }) => {
  await compareWithSnmpwalk(agent!, 'v3', { version: 'v3', v3: { user: V3.user, authProtocol: 'sha', authKey: V3.authKey, privProtocol: 'aes', privKey: V3.privKey } })
})

agentSuite('HOST-RESOURCES-MIB gives CPU load and memory use in percent', async ({ agent }) => {
  const r = await probeDevice({ host: '127.0.0.1', port: agent!.port, credential: { version: 'v2c', community: agent!.community } })
  assert.ok(r.system, 'system values present')
  assert.ok(r.system!.cpuLoadPct! >= 0 && r.system!.cpuLoadPct! <= 100)
  assert.ok(r.system!.memUsedPct! > 0 && r.system!.memUsedPct! <= 100)
})

agentSuite('SNMPv3 with the other auth and privacy protocols: SHA-224/256/512 and MD5, AES-128 and AES-256', async ({ agent }) => {
  for (const [i, u] of MORE_V3.entries()) {
    const r = await probeDevice({
      host: '127.0.0.1',
      port: agent!.port,
      timeoutMs: 1000,
      retries: 0,
      credential: { version: 'v3', v3: { user: `user-${i}`, authProtocol: u.ours[0], authKey: V3.authKey, privProtocol: u.ours[1], privKey: V3.privKey } },
    })
    assert.is(r.sysName, 'civicnet-snmpd', `${u.snmpd.join('/')}`)
  }
})

agentSuite('SNMPv3 DES, which this Node build cannot run, fails with a clear SnmpProtocolError', async ({ agent }) => {
  try {
    await probeDevice({ host: '127.0.0.1', port: agent!.port, timeoutMs: 500, retries: 0, credential: { version: 'v3', v3: { user: 'des-user', authKey: V3.authKey, privProtocol: 'des', privKey: V3.privKey } } })
    assert.unreachable('poll should fail')
  } catch (err) {
    assert.instance(err, SnmpProtocolError)
    assert.match((err as Error).message, /legacy provider; DES needs it\): use AES/)
  }
})

agentSuite('a wrong SNMPv3 auth key fails with SnmpAuthError, not a timeout', async ({ agent }) => {
  const started = Date.now()
  try {
    await probeDevice({ host: '127.0.0.1', port: agent!.port, timeoutMs: 1000, retries: 0, credential: { version: 'v3', v3: { user: V3.user, authKey: 'not-the-key-1', privKey: V3.privKey } } })
    assert.unreachable('poll should fail')
  } catch (err) {
    assert.instance(err, SnmpAuthError)
    assert.is((err as SnmpAuthError).retriable, false)
    assert.match((err as Error).message, /wrong auth key/)
    assert.ok(Date.now() - started < 1000, 'answered by a report, before the timeout')
  }
})

agentSuite('a wrong community fails with PollTimeoutError (agents drop such requests)', async ({ agent }) => {
  try {
    await probeDevice({ host: '127.0.0.1', port: agent!.port, timeoutMs: 200, retries: 0, credential: { version: 'v2c', community: 'not-the-community' } })
    assert.unreachable('poll should fail')
  } catch (err) {
    assert.instance(err, PollTimeoutError)
    assert.is((err as PollTimeoutError).retriable, true)
  }
})

agentSuite('civicnet poll over SNMPv3 exits 0 and prints the interfaces as JSON', async ({ agent }) => {
  const r = await runCli(['poll', `127.0.0.1:${agent!.port}`, '--v3', '--user', V3.user, '--auth-protocol', 'sha', '--auth-key', V3.authKey, '--priv-protocol', 'aes', '--priv-key', V3.privKey, '--json'])
  assert.is(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.is(out.sysName, 'civicnet-snmpd')
  assert.is(out.interfaces[0].name, 'lo')
  assert.match(out.interfaces[0].inOctets, /^\d+$/)
})

agentSuite('civicnet poll with a credential reference reads the secret from the environment', async ({ agent }) => {
  const r = await runCli(['poll', `127.0.0.1:${agent!.port}`, '--credential', 'bench-ro', '--json'], { env: { CIVICNET_SNMP_BENCH_RO_COMMUNITY: agent!.community } })
  assert.is(r.code, 0, r.stderr)
  assert.is(JSON.parse(r.stdout).sysName, 'civicnet-snmpd')
})

agentSuite('civicnet poll with a wrong auth key exits 1 with one clear line', async ({ agent }) => {
  const r = await runCli(['poll', `127.0.0.1:${agent!.port}`, '--v3', '--user', V3.user, '--auth-key', 'not-the-key-1', '--priv-key', V3.privKey, '--timeout-ms', '1000', '--retries', '0'])
  assert.is(r.code, 1)
  assert.is(r.stdout, '')
  assert.is(r.stderr.trim().split('\n').length, 1)
  assert.match(r.stderr, /^civicnet poll: SNMP authentication failed at 127\.0\.0\.1:\d+: Wrong Digest/)
  assert.not.match(r.stderr, /not-the-key-1/)
})

agentSuite('civicnet poll with a wrong community exits 1 saying nothing answered', async ({ agent }) => {
  const r = await runCli(['poll', `127.0.0.1:${agent!.port}`, '--community', 'not-the-community', '--timeout-ms', '300', '--retries', '0'])
  assert.is(r.code, 1)
  assert.is(r.stderr.trim(), `civicnet poll: no answer from 127.0.0.1:${agent!.port} within 300 ms on 1 try (device down, wrong port, or wrong community/credentials)`)
})

agentSuite('civicnet poll without a credential exits 2 with the usage', async ({ agent }) => {
  const r = await runCli(['poll', `127.0.0.1:${agent!.port}`])
  assert.is(r.code, 2)
  assert.match(r.stderr, /give --community, --v3 --user \.\.\., or --credential REF/)
})

agentSuite.run()
