/**
 * `--shard i/n`: n collectors split the inventory by a stable hash with no coordinator.
 * Over the generated Hartford inventory the shares are disjoint, cover every polled device,
 * are balanced, and do not move when other devices are added; two shard collectors
 * polling the simulated city together poll every agent exactly once per interval.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import pino from 'pino'
import { createSimulatedCity } from '../../simulators/city.ts'
import { manualClock } from '../../core/clock.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createPoller, type PollRecord } from '../../collector/scheduler.ts'
import { pollWithProbe } from '../../collector/index.ts'
import { probeDevice } from '../../collector/probe.ts'
import { parseShard } from '../../collector/shard.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const log = pino({ level: 'silent' })
const noPoll = async () => ({ clients: { total: 0, breakdown: [] }, optics: [], interfaces: [], sysUpTimeTicks: 0 })

test('three shards of Hartford are disjoint, cover every polled device, and stay put when devices are added', () => {
  const inv = hartfordInventory()
  const clock = manualClock(0)
  const share = (i: number, n: number, inventory = inv) =>
    createPoller({ shard: parseShard(`${i}/${n}`) }, { inventory, clock, log, sink: { write: () => {} }, poll: noPoll }).schedule().map((x) => x.device)
  const all = createPoller({}, { inventory: inv, clock, log, sink: { write: () => {} }, poll: noPoll }).schedule().map((x) => x.device).sort()
  const shares = [0, 1, 2].map((i) => share(i, 3))
  assert.equal(shares.flat().sort(), all)
  assert.is(new Set(shares.flat()).size, all.length)
  for (const s of shares) assert.ok(Math.abs(s.length - all.length / 3) < all.length * 0.15, `share of ${s.length} of ${all.length}`)
  const grown = { ...inv, devices: [...inv.devices, ...Array.from({ length: 50 }, (_, k) => ({ ...inv.devices[0]!, id: `extra-${k}`, controller: undefined }))] }
  for (let i = 0; i < 3; i++) {
    const before = new Set(shares[i])
    assert.equal(share(i, 3, grown).filter((d) => !d.startsWith('extra-')).sort(), [...before].sort())
  }
})

test('two shard collectors together poll every agent of the simulated city exactly once per interval', async () => {
  const clock = manualClock(Date.parse('2026-11-20T21:00:00Z'))
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  try {
    const inventory = city.inventoryWithEndpoints()
    const records: PollRecord[][] = [[], []]
    const poll = pollWithProbe(probeDevice, () => ({ version: 'v2c', community: 'public' }))
    const pollers = [0, 1].map((i) => createPoller({ intervalMs: 60_000, tick: 'clock', tickMs: 1000, timeoutMs: 1000, retries: 0, shard: parseShard(`${i}/2`) }, {
      inventory, clock, log, sink: { write: () => {} }, poll, onPoll: (r) => records[i]!.push(r),
    }))
    for (const p of pollers) p.start()
    for (let t = 0; t < 120; t++) {
      clock.advance(1000)
      await new Promise((r) => setImmediate(r))
      while (pollers.some((p) => p.stats().inFlight > 0)) await new Promise((r) => setTimeout(r, 2))
    }
    for (const p of pollers) await p.stop()
    const polled = (i: number) => new Set(records[i]!.map((r) => r.device))
    assert.is([...polled(0)].filter((d) => polled(1).has(d)).length, 0, 'no device in both shards')
    assert.equal([...polled(0), ...polled(1)].sort(), city.endpoints().map((e) => e.device).sort())
    const all = [...records[0]!, ...records[1]!]
    assert.ok(all.every((r) => r.outcome === 'ok'))
    for (const e of city.endpoints()) assert.is(all.filter((r) => r.device === e.device).length, 2, `${e.device} polled once per interval`)
  } finally {
    await city.stop()
  }
})

test.run()
