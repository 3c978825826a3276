/**
 * CISCO-LWAPP-AP-MIB cLApEthernetIfTable on the simulated controller: per-AP cumulative bytes
 * that do not care which stations came and went, checked against the simulator's truth.
 */
import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { MINUTE_MS } from '../../simulators/model.ts'
import { smallCity, silentLog } from './fixture.ts'
import { endpoint, snmp } from './helpers.ts'

const run = promisify(execFile)
const START = Date.parse('2026-11-20T21:00:00Z') // 16:00 in Hartford: the controller's APs have clients
const ETH = '1.3.6.1.4.1.9.9.513.1.2.2.1' // cLApEthernetIfEntry
const RX = `${ETH}.13` // cLApEthernetIfRxTotalBytes
const TX = `${ETH}.14` // cLApEthernetIfTxTotalBytes
const LWAPP_UP = '1.3.6.1.4.1.9.9.513.1.1.1.1.7' // cLLwappUpTime
const AP_NAME = '1.3.6.1.4.1.9.9.513.1.1.1.1.5' // cLApName
const C32 = 2n ** 32n

const test = suite<{ city: SimulatedCity; clock: ManualClock }>('cLApEthernetIfTable: per-AP byte counters over real UDP')
test.before(async (ctx) => {
  ctx.clock = manualClock(START)
  ctx.city = createSimulatedCity(smallCity(), { seed: 7, clock: ctx.clock, originMs: START, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await ctx.city.start()
})
test.after(async ({ city }) => {
  await city.stop()
})

/** per AP name: [rx, tx] and cLLwappUpTime */
async function read(city: SimulatedCity): Promise<Map<string, { rx: bigint; tx: bigint; joinTicks: number }>> {
  const names = new Map<string, string>()
  for (const [oid, v] of await snmp('snmpbulkwalk', city, 'wlc-1', ['-Cr50', AP_NAME])) names.set(oid.slice(AP_NAME.length + 1), v.replace(/^"|"$/g, ''))
  const up = new Map<string, number>()
  for (const [oid, v] of await snmp('snmpbulkwalk', city, 'wlc-1', ['-Cr50', LWAPP_UP])) up.set(oid.slice(LWAPP_UP.length + 1), Number(v))
  const out = new Map<string, { rx: bigint; tx: bigint; joinTicks: number }>()
  for (const [oid, v] of await snmp('snmpbulkwalk', city, 'wlc-1', ['-Cr50', ETH])) {
    const col = oid.startsWith(`${RX}.`) ? 'rx' : oid.startsWith(`${TX}.`) ? 'tx' : null
    if (!col) continue
    const idx = oid.slice(RX.length + 1)
    assert.ok(idx.endsWith('.0'), `slot 0 in ${oid}`)
    const ap = idx.slice(0, -2)
    const name = names.get(ap)!
    const row = out.get(name) ?? { rx: -1n, tx: -1n, joinTicks: up.get(ap)! }
    row[col] = BigInt(v)
    out.set(name, row)
  }
  return out
}

const delta = (a: bigint, b: bigint) => (b >= a ? b - a : b + C32 - a)
const APS = [1, 2, 3].map((i) => ({ id: `ap-n${i}`, name: `AP-NORTH-${i}` }))

test('both byte columns are Counter32 as CISCO-LWAPP-AP-MIB types them, one row per joined AP', async ({ city }) => {
  const e = endpoint(city, 'wlc-1')
  const { stdout } = await run('snmpwalk', ['-v2c', '-c', 'public', '-On', '-t', '2', '-r', '0', `${e.host}:${e.port}`, RX], { encoding: 'utf8' })
  const lines = stdout.split('\n').filter((l) => l.startsWith('.'))
  assert.is(lines.length, 3)
  assert.ok(lines.every((l) => / = Counter32: \d+$/.test(l)), lines.join('\n'))
  assert.equal([...(await read(city)).keys()].sort(), APS.map((a) => a.name))
})

test('over an hour of roaming clients, read every 5 minutes, each AP\'s Rx grows by exactly its true download and Tx by its true upload', async ({ city, clock }) => {
  // At Hartford's volumes an AP can count 2^32 bytes within the hour, so its Counter32 is read
  // every 5 minutes (inside the wrap time the collector assumes, docs/COLLECTOR.md) and the
  // wrap-aware deltas are summed; a single read an hour apart would lose whole wraps.
  const t0 = clock.now()
  const reads = [await read(city)]
  for (let i = 0; i < 12; i++) {
    clock.advance(5 * MINUTE_MS)
    reads.push(await read(city))
  }
  let wrappedAcross = 0
  for (const ap of APS) {
    const truth = city.truth.bytes(ap.id, t0, clock.now())
    let rx = 0n
    let tx = 0n
    for (let i = 1; i < reads.length; i++) {
      rx += delta(reads[i - 1]!.get(ap.name)!.rx, reads[i]!.get(ap.name)!.rx)
      tx += delta(reads[i - 1]!.get(ap.name)!.tx, reads[i]!.get(ap.name)!.tx)
    }
    assert.ok(truth.total > 0, `${ap.id} carried traffic`)
    assert.is(rx, BigInt(truth.down), `${ap.id} down`)
    assert.is(tx, BigInt(truth.up), `${ap.id} up`)
    assert.is(rx + tx, BigInt(truth.total), `${ap.id} total`)
    assert.ok(reads.at(-1)!.get(ap.name)!.joinTicks > reads[0]!.get(ap.name)!.joinTicks, 'cLLwappUpTime keeps counting')
    // what one read an hour apart would make of it: short by whole wraps when 2^32 passed
    const once = delta(reads[0]!.get(ap.name)!.rx, reads.at(-1)!.get(ap.name)!.rx)
    if (BigInt(truth.down) >= C32) {
      assert.is.not(once, BigInt(truth.down), `${ap.id}: an hourly read loses wraps`)
      wrappedAcross++
    }
  }
  assert.ok(wrappedAcross >= 1, 'at least one AP counted 2^32 bytes or more in the hour')
})

test('an AP reboot restarts that AP\'s counters and its cLLwappUpTime only; the others keep counting', async ({ city, clock }) => {
  const before = await read(city)
  city.faults.inject({ type: 'reboot', device: 'ap-n1' })
  const t0 = clock.now()
  clock.advance(10 * MINUTE_MS)
  const after = await read(city)
  const truth1 = city.truth.bytes('ap-n1', Math.floor(t0 / MINUTE_MS) * MINUTE_MS, clock.now())
  const a1 = after.get('AP-NORTH-1')!
  // counting restarts at the reboot minute, as for the AP's stations and a UniFi AP's own counters
  assert.equal([a1.rx, a1.tx], [BigInt(truth1.down), BigInt(truth1.up)])
  assert.ok(after.get('AP-NORTH-1')!.joinTicks < before.get('AP-NORTH-1')!.joinTicks, 'cLLwappUpTime went back')
  for (const ap of APS.slice(1)) {
    const truth = city.truth.bytes(ap.id, t0, clock.now())
    assert.is(delta(before.get(ap.name)!.rx, after.get(ap.name)!.rx) + delta(before.get(ap.name)!.tx, after.get(ap.name)!.tx), BigInt(truth.total), ap.id)
  }
})

test('a controller reboot restarts every AP\'s counters (they all re-join)', async ({ city, clock }) => {
  city.faults.inject({ type: 'reboot', device: 'wlc-1' })
  const t0 = clock.now()
  clock.advance(5 * MINUTE_MS)
  const after = await read(city)
  for (const ap of APS) {
    const truth = city.truth.bytes(ap.id, Math.floor(t0 / MINUTE_MS) * MINUTE_MS, clock.now())
    const a = after.get(ap.name)!
    assert.equal([a.rx, a.tx], [BigInt(truth.down), BigInt(truth.up)], ap.id)
    assert.ok(a.joinTicks <= 5 * 6000, `${ap.id} re-joined ${a.joinTicks} ticks ago`)
  }
})

test('an AP that is down is absent from the table, as from bsnAPTable', async ({ city, clock }) => {
  city.faults.inject({ type: 'device-down', device: 'ap-n2', durationMs: 5 * MINUTE_MS })
  clock.advance(MINUTE_MS)
  assert.equal([...(await read(city)).keys()].sort(), ['AP-NORTH-1', 'AP-NORTH-3'])
})

test.run()
