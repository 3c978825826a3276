import { execFile } from 'node:child_process'
import { promisify } from 'node:util'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { MINUTE_MS } from '../../simulators/model.ts'
import type { TruthClient } from '../../simulators/truth.ts'
import { smallCity, silentLog } from './fixture.ts'
import { endpoint, snmp } from './helpers.ts'

const run = promisify(execFile)

// 16:00 in Hartford (EST): the afternoon peak, so the controller's APs have clients
const START = Date.parse('2026-11-20T21:00:00Z')
const STA_MAC = '1.3.6.1.4.1.14179.2.1.4.1.1' // bsnMobileStationMacAddress
const STA_RX = '1.3.6.1.4.1.14179.2.1.6.1.2' // bsnMobileStationBytesReceived
const STA_TX = '1.3.6.1.4.1.14179.2.1.6.1.3' // bsnMobileStationBytesSent

const macOfIndex = (idx: string) =>
  idx
    .split('.')
    .map((b) => Number(b).toString(16).padStart(2, '0'))
    .join(':')

interface StationBytes {
  rx: bigint
  tx: bigint
}

/** bsnMobileStationStatsTable columns 2 and 3 as served now, by station MAC */
async function stationBytes(city: SimulatedCity): Promise<Map<string, StationBytes>> {
  const out = new Map<string, StationBytes>()
  for (const [oid, v] of await snmp('snmpbulkwalk', city, 'wlc-1', ['-Cr50', '1.3.6.1.4.1.14179.2.1.6.1'])) {
    const col = oid.startsWith(`${STA_RX}.`) ? 'rx' : oid.startsWith(`${STA_TX}.`) ? 'tx' : null
    if (!col) throw new Error(`unexpected column ${oid}`)
    const mac = macOfIndex(oid.slice(STA_RX.length + 1))
    const row = out.get(mac) ?? { rx: -1n, tx: -1n }
    row[col] = BigInt(v)
    out.set(mac, row)
  }
  return out
}

/** truth's clients of the controller at minute m, by MAC */
const truthAt = (city: SimulatedCity, m: number) => new Map<string, TruthClient>(city.truth.clientListAt('wlc-1', m * MINUTE_MS).map((c) => [c.mac, c]))

const sb = suite<{ city: SimulatedCity; clock: ManualClock }>('bsnMobileStationStatsTable: per-association station bytes over real UDP')
sb.before(async (ctx) => {
  ctx.clock = manualClock(START)
  ctx.city = createSimulatedCity(smallCity(), { seed: 7, clock: ctx.clock, originMs: START, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await ctx.city.start()
})
sb.after(async ({ city }) => {
  await city.stop()
})

sb('rows of bsnMobileStationStatsTable exist exactly for the stations of bsnMobileStationTable, both columns Counter64', async ({ city }) => {
  const e = endpoint(city, 'wlc-1')
  // without -Oq the tool prints each value's SNMP type
  const { stdout } = await run('snmpwalk', ['-v2c', '-c', 'public', '-On', '-t', '2', '-r', '0', `${e.host}:${e.port}`, '1.3.6.1.4.1.14179.2.1.6.1'], { encoding: 'utf8' })
  const lines = stdout.split('\n').filter((l) => l.startsWith('.'))
  const types = new Set(lines.map((l) => /= (\w+):/.exec(l)?.[1]))
  assert.equal([...types], ['Counter64'])
  const idx = (col: string) => lines.filter((l) => l.startsWith(`.${col}.`)).map((l) => l.slice(col.length + 2, l.indexOf(' ')))
  const stations = (await snmp('snmpbulkwalk', city, 'wlc-1', ['-Cr50', STA_MAC])).map(([oid]) => oid.slice(STA_MAC.length + 1))
  assert.ok(stations.length >= 10, `${stations.length} stations at 16:00`)
  assert.equal(idx(STA_RX), stations, 'bsnMobileStationBytesReceived rows')
  assert.equal(idx(STA_TX), stations, 'bsnMobileStationBytesSent rows')
  assert.is(lines.length, 2 * stations.length, 'no other columns or rows')
})

sb('a station that stays on its AP for a minute grows by exactly its truth bytes of that minute: received = its upload, sent = its download', async ({ city, clock }) => {
  const m = Math.floor(clock.now() / MINUTE_MS)
  const before = await stationBytes(city)
  clock.advance(MINUTE_MS)
  const after = await stationBytes(city)
  const t0 = truthAt(city, m)
  const t1 = truthAt(city, m + 1)
  assert.equal([...after.keys()].sort(), [...t1.keys()].sort(), 'the table is truth\'s clients of the next minute')
  let stayed = 0
  for (const [mac, c1] of t1) {
    const c0 = t0.get(mac)
    const a = after.get(mac)!
    if (c0 && c0.ap === c1.ap) {
      const b = before.get(mac)!
      assert.is(a.rx - b.rx, BigInt(c0.upBytes), `received by ${mac}`)
      assert.is(a.tx - b.tx, BigInt(c0.downBytes), `sent to ${mac}`)
      assert.ok(c0.upBytes > 0 && c0.downBytes > 0)
      stayed++
    } else {
      // it associated to this AP this minute: a WLC starts its counters at zero
      assert.equal(a, { rx: 0n, tx: 0n }, `new association of ${mac}`)
    }
  }
  assert.ok(stayed >= 10, `${stayed} stations stayed`)
})

sb('per AP, the sum of station deltas over a minute nobody roamed in or out of equals truth.bytes of that AP', async ({ city, clock }) => {
  // the first minute after now, in AP order, where an AP's clients are the same set before and
  // after and at least one of them had already counted bytes (so the counters really carry)
  const aps = ['ap-n1', 'ap-n2', 'ap-n3']
  let pick: { m: number; ap: string } | null = null
  const from = Math.floor(clock.now() / MINUTE_MS)
  for (let m = from; m < from + 120 && !pick; m++) {
    for (const ap of aps) {
      const a = city.truth.clientListAt(ap, m * MINUTE_MS).map((c) => c.mac).sort()
      const b = city.truth.clientListAt(ap, (m + 1) * MINUTE_MS).map((c) => c.mac).sort()
      const c = city.truth.clientListAt(ap, (m - 1) * MINUTE_MS).map((x) => x.mac)
      if (a.length >= 3 && a.join() === b.join() && a.some((mac) => c.includes(mac))) {
        pick = { m, ap }
        break
      }
    }
  }
  assert.ok(pick, 'a minute without roaming within two hours')
  const { m, ap } = pick!
  clock.set(m * MINUTE_MS)
  const before = await stationBytes(city)
  clock.advance(MINUTE_MS)
  const after = await stationBytes(city)
  const macs = city.truth.clientListAt(ap, m * MINUTE_MS).map((c) => c.mac)
  let sum = 0n
  let carried = 0
  for (const mac of macs) {
    const b = before.get(mac)!
    const a = after.get(mac)!
    if (b.rx + b.tx > 0n) carried++
    sum += a.rx + a.tx - (b.rx + b.tx)
  }
  const truth = city.truth.bytes(ap, m * MINUTE_MS, (m + 1) * MINUTE_MS)
  assert.ok(truth.total > 0)
  assert.is(sum, BigInt(truth.total), `${ap} at minute ${m - Math.floor(START / MINUTE_MS)} after 16:00, ${macs.length} stations`)
  assert.ok(carried >= 1, 'some stations carried bytes from earlier minutes')
})

sb('a station keeps counting from its association: its value is the sum of its truth bytes since it came to its AP', async ({ city, clock }) => {
  // walk the minutes back from now per station while truth keeps it on the same AP
  const m = Math.floor(clock.now() / MINUTE_MS)
  const now = await stationBytes(city)
  const t = truthAt(city, m)
  let longest = 0
  for (const [mac, c] of t) {
    let up = 0
    let down = 0
    let k = m - 1
    for (; ; k--) {
      const ck = truthAt(city, k).get(mac)
      if (!ck || ck.ap !== c.ap) break
      up += ck.upBytes
      down += ck.downBytes
    }
    longest = Math.max(longest, m - 1 - k)
    assert.equal(now.get(mac), { rx: BigInt(up), tx: BigInt(down) }, `${mac}, ${m - 1 - k} minutes on ${c.ap}`)
  }
  assert.ok(longest >= 5, `longest association ${longest} min`)
})

sb('a station that roams to another AP starts again at zero there, then counts its bytes on the new AP', async ({ city, clock }) => {
  // the first minute after now in which some client of the controller moves between two of its APs
  const from = Math.floor(clock.now() / MINUTE_MS)
  let roam: { m: number; mac: string; ap: string } | null = null
  for (let m = from; m < from + 120 && !roam; m++) {
    const t0 = truthAt(city, m)
    for (const [mac, c1] of truthAt(city, m + 1)) {
      const c0 = t0.get(mac)
      if (c0 && c0.ap !== c1.ap) {
        roam = { m: m + 1, mac, ap: c1.ap }
        break
      }
    }
  }
  assert.ok(roam, 'a roam within two hours')
  const { m, mac, ap } = roam!
  clock.set(m * MINUTE_MS)
  assert.equal((await stationBytes(city)).get(mac), { rx: 0n, tx: 0n }, `${mac} just came to ${ap}`)
  clock.advance(MINUTE_MS)
  const c = truthAt(city, m).get(mac)!
  const c1 = truthAt(city, m + 1).get(mac)
  const expected = c1?.ap === ap ? { rx: BigInt(c.upBytes), tx: BigInt(c.downBytes) } : undefined
  assert.equal((await stationBytes(city)).get(mac), expected, `${mac} a minute later`)
})

sb('a reboot of one lightweight AP zeroes only the stations on that AP', async ({ city, clock }) => {
  clock.advance(MINUTE_MS)
  const m = Math.floor(clock.now() / MINUTE_MS)
  const before = await stationBytes(city)
  city.faults.inject({ type: 'reboot', device: 'ap-n1' })
  const at = await stationBytes(city)
  const t = truthAt(city, m)
  const onIt = [...t.values()].filter((c) => c.ap === 'ap-n1')
  assert.ok(onIt.length >= 3 && onIt.length < t.size, `${onIt.length} of ${t.size} stations on ap-n1`)
  assert.ok(onIt.some((c) => before.get(c.mac)!.rx > 0n), 'some had counted bytes')
  for (const [mac, c] of t) assert.equal(at.get(mac), c.ap === 'ap-n1' ? { rx: 0n, tx: 0n } : before.get(mac), mac)
})

sb('a controller reboot drops every association: counters restart at zero and then count only what came after', async ({ city, clock }) => {
  clock.advance(MINUTE_MS)
  const m = Math.floor(clock.now() / MINUTE_MS)
  const before = await stationBytes(city)
  assert.ok([...before.values()].some((b) => b.rx > 0n), 'bytes before the reboot')
  city.faults.inject({ type: 'reboot', device: 'wlc-1' })
  const at = await stationBytes(city)
  assert.equal([...at.keys()].sort(), [...before.keys()].sort())
  for (const [mac, v] of at) assert.equal(v, { rx: 0n, tx: 0n }, mac)
  clock.advance(MINUTE_MS)
  const after = await stationBytes(city)
  const t0 = truthAt(city, m)
  let stayed = 0
  for (const [mac, c1] of truthAt(city, m + 1)) {
    const c0 = t0.get(mac)
    const expected = c0 && c0.ap === c1.ap ? { rx: BigInt(c0.upBytes), tx: BigInt(c0.downBytes) } : { rx: 0n, tx: 0n }
    if (c0 && c0.ap === c1.ap) stayed++
    assert.equal(after.get(mac), expected, mac)
  }
  assert.ok(stayed >= 10)
})

sb.run()

// The Hartford demo: one controller with 98 lightweight APs and hundreds of stations at 16:00
const hartford = suite<{ city: SimulatedCity; clock: ManualClock; wlc: string }>('bsnMobileStationStatsTable on the Hartford controller')
hartford.before(async (ctx) => {
  const inventory = hartfordInventory(1)
  ctx.wlc = inventory.devices.find((d) => d.kind === 'controller')!.id
  ctx.clock = manualClock(START)
  ctx.city = createSimulatedCity(inventory, { seed: 1, clock: ctx.clock, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await ctx.city.start()
})
hartford.after(async ({ city }) => {
  await city.stop()
})

hartford('for every AP of the controller, a minute\'s station deltas add up to truth.bytes less the bytes of the clients that left it', async ({ city, clock, wlc }) => {
  const read = async () => {
    const out = new Map<string, bigint>()
    for (const [oid, v] of await snmp('snmpbulkwalk', city, wlc, ['-Cr200', '1.3.6.1.4.1.14179.2.1.6.1'])) {
      const mac = macOfIndex(oid.slice(STA_RX.length + 1))
      out.set(mac, (out.get(mac) ?? 0n) + BigInt(v))
    }
    return out
  }
  const m = Math.floor(clock.now() / MINUTE_MS)
  const before = await read()
  clock.advance(MINUTE_MS)
  const after = await read()
  const t0 = city.truth.clientListAt(wlc, m * MINUTE_MS)
  const t1 = new Map(city.truth.clientListAt(wlc, (m + 1) * MINUTE_MS).map((c) => [c.mac, c]))
  assert.is(after.size, t1.size, 'one row per station')
  assert.ok(t1.size > 500, `${t1.size} stations`)
  const aps = [...new Set(t0.map((c) => c.ap))].sort()
  assert.ok(aps.length >= 90, `${aps.length} APs with clients`)
  let left = 0
  for (const ap of aps) {
    let sum = 0n
    let leftBytes = 0
    for (const c of t0.filter((x) => x.ap === ap)) {
      const c1 = t1.get(c.mac)
      if (c1?.ap === ap) sum += after.get(c.mac)! - before.get(c.mac)!
      else {
        leftBytes += c.downBytes + c.upBytes // its last minute there: gone with its association
        left++
      }
    }
    assert.is(sum, BigInt(city.truth.bytes(ap, m * MINUTE_MS, (m + 1) * MINUTE_MS).total - leftBytes), ap)
  }
  assert.ok(left > 0, 'some clients left an AP in that minute')
})

hartford.run()
