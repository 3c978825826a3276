import { spawn, type ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { manualClock } from '../../core/clock.ts'
import { smallCity, silentLog } from './fixture.ts'
import { freeUdpPort, snmp } from './helpers.ts'
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'

const run = promisify(execFile)
const START = Date.parse('2026-11-20T21:00:00Z')
// 1 non-repeater (sysUpTime) + 4 repeating columns: ifDescr, ifType, ifInOctets, ifOutOctets
const BULK_ARGS = ['-Cn1', '-Cr15', '1.3.6.1.2.1.1.3', '1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.3', '1.3.6.1.2.1.2.2.1.10', '1.3.6.1.2.1.2.2.1.16']

const bulk = suite<{ city: SimulatedCity; small: SimulatedCity; snmpd: ChildProcess | null; snmpdPort: number; dir: string }>('GETBULK as real agents answer it')
bulk.before(async (ctx) => {
  const clock = manualClock(START)
  ctx.city = createSimulatedCity(smallCity(), { seed: 3, clock, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  ctx.small = createSimulatedCity(smallCity(), { seed: 3, clock, bindHostOverride: '127.0.0.1', ephemeralPorts: true, maxResponseBytes: 600 }, silentLog)
  await ctx.city.start()
  await ctx.small.start()
  // a private Debian snmpd, the reference for how a real agent answers
  ctx.dir = mkdtempSync(join(tmpdir(), 'sim-snmpd-'))
  ctx.snmpdPort = await freeUdpPort()
  const conf = join(ctx.dir, 'snmpd.conf')
  writeFileSync(conf, `agentAddress udp:127.0.0.1:${ctx.snmpdPort}\nrocommunity public 127.0.0.1\n`)
  ctx.snmpd = spawn('snmpd', ['-f', '-Lo', '-C', '-c', conf, '-I', '-smux'], { env: { ...process.env, SNMP_PERSISTENT_DIR: ctx.dir }, stdio: 'ignore' })
  for (let i = 0; i < 50; i++) {
    try {
      await run('snmpget', ['-v2c', '-c', 'public', '-t', '0.2', '-r', '0', `127.0.0.1:${ctx.snmpdPort}`, '1.3.6.1.2.1.1.3.0'])
      break
    } catch {
      await new Promise((r) => setTimeout(r, 100))
    }
  }
})
bulk.after(async (ctx) => {
  await ctx.city.stop()
  await ctx.small.stop()
  const child = ctx.snmpd
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
  }
  rmSync(ctx.dir, { recursive: true, force: true, maxRetries: 3 })
})

const lines = (out: string) => out.split('\n').filter((l) => l.startsWith('.'))

bulk('a 1 + 15x4 GETBULK gets 61 varbinds from Debian snmpd', async ({ snmpdPort }) => {
  const { stdout } = await run('snmpbulkget', ['-v2c', '-c', 'public', '-On', '-Oq', ...BULK_ARGS.slice(0, 2), `127.0.0.1:${snmpdPort}`, ...BULK_ARGS.slice(2)])
  assert.is(lines(stdout).length, 61)
})

bulk('the same GETBULK gets 61 varbinds from a simulated agent, rows of all four columns', async ({ city }) => {
  for (const device of ['ap-s1', 'sw-north', 'wlc-1']) {
    const vbs = await snmp('snmpbulkget', city, device, BULK_ARGS)
    assert.is(vbs.length, 61, device)
    assert.is(vbs[0]![0], '1.3.6.1.2.1.1.3.0')
    // row 1 is the first instance of each column, in order
    assert.equal(
      vbs.slice(1, 5).map(([o]) => o),
      ['1.3.6.1.2.1.2.2.1.2.1', '1.3.6.1.2.1.2.2.1.3.1', '1.3.6.1.2.1.2.2.1.10.1', '1.3.6.1.2.1.2.2.1.16.1'],
    )
  }
  // column j of row k+1 is the successor of column j of row k (the AP has 9 interfaces)
  const ap = await snmp('snmpbulkget', city, 'ap-s1', BULK_ARGS)
  assert.equal(
    ap.slice(5, 9).map(([o]) => o),
    ['1.3.6.1.2.1.2.2.1.2.2', '1.3.6.1.2.1.2.2.1.3.2', '1.3.6.1.2.1.2.2.1.10.2', '1.3.6.1.2.1.2.2.1.16.2'],
  )
})

bulk('a column past the end of the MIB view repeats endOfMibView while the others go on', async ({ city }) => {
  // unifiApSystemVersion.0 is the last OID an AP serves
  const vbs = await snmp('snmpbulkget', city, 'ap-s1', ['-Cn0', '-Cr3', '1.3.6.1.4.1.41112.1.6.3.3.0', '1.3.6.1.2.1.1.1.0'])
  assert.is(vbs.length, 6)
  assert.equal(
    vbs.map(([o]) => o),
    ['1.3.6.1.4.1.41112.1.6.3.6.0', '1.3.6.1.2.1.1.2.0', '1.3.6.1.4.1.41112.1.6.3.6.0', '1.3.6.1.2.1.1.3.0', '1.3.6.1.4.1.41112.1.6.3.6.0', '1.3.6.1.2.1.1.4.0'],
  )
  assert.match(vbs[2]![1], /No more variables/)
})

bulk('a GETBULK stops early once every column is at the end', async ({ city }) => {
  const vbs = await snmp('snmpbulkget', city, 'ap-s1', ['-Cn0', '-Cr10', '1.3.6.1.4.1.41112.1.6.3.3.0'])
  assert.is(vbs.length, 2)
})

bulk('a response never passes the agent\'s maximum size: the GETBULK is cut short', async ({ small }) => {
  const vbs = await snmp('snmpbulkget', small, 'sw-north', BULK_ARGS)
  assert.ok(vbs.length > 5 && vbs.length < 61, `got ${vbs.length}`)
})

bulk('snmpbulkwalk and snmpwalk see the same ifXTable', async ({ city }) => {
  const a = await snmp('snmpbulkwalk', city, 'core-1', ['-Cr25', '1.3.6.1.2.1.31.1.1.1'])
  const b = await snmp('snmpwalk', city, 'core-1', ['1.3.6.1.2.1.31.1.1.1'])
  assert.ok(a.length > 20)
  assert.equal(a, b)
})

bulk.run()
