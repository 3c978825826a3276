/**
 * The Counter32 rule (collector/counters.ts, docs/COLLECTOR.md "Counters"): a 32-bit
 * counter read over an interval in which, at the highest rate it can plausibly count at, it
 * could have counted 2^32 bytes gives no delta (counted as 'mayHaveWrapped'), never a
 * guessed value; inside that bound a wrap stays exact. First with the tracker and realistic
 * inputs, then through the simulated controller over real SNMP: its CISCO-LWAPP-AP-MIB
 * cLApEthernetIfTable counters (Counter32, 100 Mbit/s assumed, so 343 s at most) polled by
 * the real probe every 5 minutes are exact across wraps, and polled every hour, when a busy
 * AP really counts 2^32 bytes or more, give no sample at all.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { COUNTER32_CEILINGS, counter32MayHaveWrapped, counter32WrapTimeMs, createCounterTracker, type CounterObservation } from '../../collector/counters.ts'
import { pollWithProbe } from '../../collector/index.ts'
import { probeDevice } from '../../collector/probe.ts'
import { PROFILES } from '../../collector/profiles/index.ts'
import { createPoller, type Poller, type PollRecord } from '../../collector/scheduler.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const MIN = 60_000
const C32 = 2n ** 32n
const GB = 1_000_000_000

const unit = suite('the Counter32 rule with realistic inputs')

const apKey = { device: 'ap-downtown-001', instance: 'slot0', counter: 'cLApEthernetIfRxTotalBytes' }
/** a controller AP's counter as samples.ts passes it: cLLwappUpTime as the uptime, no speed */
const apObs = (value: bigint, atMin: number, kind: CounterObservation['kind'] = 'counter32'): CounterObservation => ({ value: value % C32, kind, sysUpTimeTicks: 360_000 + atMin * 6000, timeMs: atMin * MIN })

unit('every profile: only the AIRESPACE controllers\' cLApEthernetIf bytes and IF-MIB\'s fallback octets are 32-bit byte counters, each with its ceiling', () => {
  // IF-MIB reads prefer ifHC* (Counter64) and fall back to ifIn/OutOctets only for rows without them
  assert.equal([...COUNTER32_CEILINGS.keys()].sort(), ['cLApEthernetIfRxTotalBytes', 'cLApEthernetIfTxTotalBytes', 'ifInOctets', 'ifOutOctets'])
  assert.equal(COUNTER32_CEILINGS.get('cLApEthernetIfRxTotalBytes'), { maxBitsPerSec: 100e6, always32: true })
  assert.equal(COUNTER32_CEILINGS.get('ifInOctets'), { maxBitsPerSec: 20e6, always32: false })
  const withAps = PROFILES.filter((p) => p.reads.some((r) => r.type === 'aps' && r.bytes)).map((p) => p.id)
  assert.equal(withAps, ['cisco-airespace-wlc', 'cisco-c9800'])
  // wrap times: 343.6 s at 100 Mbit/s, 1718 s at 20 Mbit/s, 34.4 s for a 1 Gbit/s port
  assert.is(Math.round(counter32WrapTimeMs(100e6) / 100) / 10, 343.6)
  assert.is(Math.round(counter32WrapTimeMs(20e6) / 1000), 1718)
  assert.is(Math.round(counter32WrapTimeMs(1e9) / 100) / 10, 34.4)
  assert.ok(!counter32MayHaveWrapped(343_000, 100e6) && counter32MayHaveWrapped(343_700, 100e6))
})

unit('a busy AP polled every 5 minutes: one wrap inside the bound stays exact', () => {
  const t = createCounterTracker()
  // 2.6 GB in 5 minutes (about 70 Mbit/s, the busiest simulated AP) across a wrap
  const start = C32 - 1_000_000n
  assert.is(t.delta(apKey, apObs(start, 0)), undefined)
  assert.is(t.delta(apKey, apObs(start + 2_600_000_000n, 5)), 2_600_000_000)
  assert.is(t.delta(apKey, apObs(start + 2_600_000_000n + 1_200_000_000n, 10)), 1_200_000_000)
  assert.is(t.stats().mayHaveWrapped, 0)
})

unit('the same AP polled an hour apart: marked missing whatever the values, because 2^32 could have passed', () => {
  const t = createCounterTracker()
  const start = 123_456_789n
  t.delta(apKey, apObs(start, 0))
  // 9 GB in the hour: two wraps; one-wrap arithmetic would say 9e9 - 2 * 2^32 = 410 MB
  assert.is(t.delta(apKey, apObs(start + 9n * BigInt(GB), 60)), undefined)
  // 1 GB in the next hour: no wrap at all, but the interval could have held one or more
  assert.is(t.delta(apKey, apObs(start + 10n * BigInt(GB), 120)), undefined)
  assert.is(t.stats().mayHaveWrapped, 2)
  // back to 5 minutes: exact again at once (the last reading is the baseline)
  assert.is(t.delta(apKey, apObs(start + 10n * BigInt(GB) + 700_000_000n, 125)), 700_000_000)
})

unit('the rule holds for a known Counter32 column even when a reading passes it as counter64 (no cLLwappUpTime)', () => {
  const t = createCounterTracker()
  t.delta(apKey, apObs(5_000n, 0, 'counter64'))
  assert.is(t.delta(apKey, apObs(5_000n + 2n * BigInt(GB), 60, 'counter64')), undefined)
  assert.is(t.stats().mayHaveWrapped, 1)
  assert.is(t.delta(apKey, apObs(5_000n + 2n * BigInt(GB) + 1_000n, 61, 'counter64')), 1_000)
})

unit('the interface speed, when known, is the rate: a 1 Gbit/s Counter32 is exact only within 31 s (+10 % slack)', () => {
  const t = createCounterTracker()
  const k = { device: 'sw-1', instance: 'Gi1/0/1', counter: 'ifInOctets' }
  const at = (value: bigint, ms: number) => ({ value: value % C32, kind: 'counter32' as const, sysUpTimeTicks: 100 + ms / 10, timeMs: ms, speedBitsPerSec: 1e9 })
  t.delta(k, at(1_000n, 0))
  assert.is(t.delta(k, at(1_000n + 3_000_000_000n, 30_000)), 3_000_000_000)
  assert.is(t.delta(k, at(1_000n + 3_100_000_000n, 90_000)), undefined)
  assert.is(t.stats().mayHaveWrapped, 1)
})

unit('IF-MIB ifInOctets with no speed: 20 Mbit/s (RFC 2863), so 25-minute polls count and 30-minute polls do not', () => {
  const t = createCounterTracker()
  const k = { device: 'old-switch', instance: 'Fa0/1', counter: 'ifInOctets' }
  const at = (value: bigint, min: number) => ({ value: value % C32, kind: 'counter32' as const, sysUpTimeTicks: min * 6000, timeMs: min * MIN })
  t.delta(k, at(4_000_000_000n, 1))
  assert.is(t.delta(k, at(4_000_000_000n + 3_000_000_000n, 26)), 3_000_000_000)
  assert.is(t.delta(k, at(4_000_000_000n + 3_100_000_000n, 56)), undefined)
})

unit('a Counter32 no profile bounds, speed unknown: no rate can be assumed, so only a sub-second interval gives a delta', () => {
  const t = createCounterTracker()
  const k = { device: 'x', instance: 'vap0', counter: 'someVendorRxBytes' }
  t.delta(k, { value: 10n, kind: 'counter32', sysUpTimeTicks: 100, timeMs: 0 })
  assert.is(t.delta(k, { value: 20n, kind: 'counter32', sysUpTimeTicks: 6100, timeMs: MIN }), undefined)
  assert.is(t.stats().mayHaveWrapped, 1)
  // a Counter64 is never subject to the rule
  const k64 = { ...k, counter: 'someVendorRxBytes64' }
  t.delta(k64, { value: 10n, kind: 'counter64', sysUpTimeTicks: 100, timeMs: 0 })
  assert.is(t.delta(k64, { value: 10n + 50n * BigInt(GB), kind: 'counter64', sysUpTimeTicks: 360_100, timeMs: 3_600_000 }), 50 * GB)
})

unit.run()

// ---------------------------------------------------------------- through the simulated controller

const START = Date.parse('2026-11-20T19:00:00Z') // 14:00 in Hartford: the afternoon rise
const LIGHTWEIGHT = ['ap-n1', 'ap-n2', 'ap-n3']

async function run(clock: ManualClock, poller: Poller, ms: number, stepMs: number) {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(stepMs)
    await new Promise((r) => setImmediate(r))
    while (poller.stats().inFlight > 0 || poller.stats().waiting > 0) await new Promise((r) => setTimeout(r, 2))
  }
}

/** Polls the controller with the real probe every intervalMs over the afternoon; the AP octets it read, its records and the tracker. */
async function pollController(intervalMs: number, hours: number) {
  const clock = manualClock(START)
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  const inventory = city.inventoryWithEndpoints()
  const counters = createCounterTracker()
  const records: PollRecord[] = []
  const raw: { timeMs: number; rx: Map<string, bigint> }[] = []
  const probe = pollWithProbe(probeDevice, () => ({ version: '2c', community: 'public' }))
  const poller = createPoller(
    { intervalMs, tick: 'clock', tickMs: MIN, timeoutMs: 2000, retries: 0 },
    {
      inventory: { ...inventory, devices: inventory.devices.filter((d) => d.id === 'wlc-1' || d.controller === 'wlc-1') },
      clock,
      log: silentLog,
      sink: { write: () => {} },
      counters,
      poll: async (d, o) => {
        const r = await probe(d, o)
        raw.push({ timeMs: clock.now(), rx: new Map((r.aps ?? []).map((ap) => [ap.name, ap.octets?.[0]?.inOctets ?? -1n])) })
        return r
      },
      onPoll: (r) => records.push(r),
    },
  )
  try {
    poller.start()
    await run(clock, poller, hours * 3_600_000, MIN)
    await poller.stop()
  } finally {
    await city.stop()
  }
  const polls = records.filter((r) => r.device === 'wlc-1' && r.outcome === 'ok')
  const wifi = (ap: string, r: PollRecord) => r.samples.filter((x) => x.metric === 'wifi_bytes' && x.device === ap)
  return { city, counters, polls, raw, wifi }
}

const sim = suite('the Counter32 rule through the simulated controller over real SNMP')

sim('polled every 5 minutes (inside the 343 s bound), every AP interval is exact, across Counter32 wraps', async () => {
  const { city, counters, polls, raw, wifi } = await pollController(5 * MIN, 3)
  assert.ok(polls.length >= 35, `${polls.length} polls`)
  let exact = 0
  let wraps = 0
  for (const ap of LIGHTWEIGHT) {
    const name = `AP-NORTH-${ap.slice(-1)}`
    for (let i = 1; i < polls.length; i++) {
      const truth = city.truth.bytes(ap, polls[i - 1]!.timeMs, polls[i]!.timeMs)
      assert.equal(wifi(ap, polls[i]!).map((x) => x.value), [truth.total], `${ap} interval ${i}`)
      exact++
      if (raw[i]!.rx.get(name)! < raw[i - 1]!.rx.get(name)!) wraps++
    }
  }
  assert.ok(exact >= 105, `${exact} exact intervals`)
  assert.ok(wraps >= 3, `the Rx counters wrapped ${wraps} times`)
  assert.is(counters.stats().mayHaveWrapped, 0)
  assert.equal(polls.flatMap((r) => r.samples).filter((x) => x.metric === 'counter_wrap_gaps'), [], 'no gap marked')
})

sim('polled every hour, a busy AP really counts 2^32 bytes or more: no AP gets a sample, each interval is counted missing, none is a wrong value', async () => {
  const { city, counters, polls, raw, wifi } = await pollController(60 * MIN, 5)
  assert.ok(polls.length >= 4, `${polls.length} polls`)
  let overTwo32 = 0
  let intervals = 0
  for (const ap of LIGHTWEIGHT) {
    const name = `AP-NORTH-${ap.slice(-1)}`
    for (let i = 1; i < polls.length; i++) {
      intervals++
      assert.equal(wifi(ap, polls[i]!), [], `${ap} interval ${i}: no sample`)
      const truth = city.truth.bytes(ap, polls[i - 1]!.timeMs, polls[i]!.timeMs)
      if (truth.down >= 2 ** 32) {
        overTwo32++
        // what one-wrap arithmetic would have stored: short by whole multiples of 2^32
        const a = raw[i - 1]!.rx.get(name)!
        const b = raw[i]!.rx.get(name)!
        const oneWrap = b >= a ? b - a : b + C32 - a
        assert.ok(oneWrap < BigInt(truth.down) && (BigInt(truth.down) - oneWrap) % C32 === 0n, `${ap} interval ${i}: one-wrap ${oneWrap} vs truth ${truth.down}`)
      }
    }
  }
  assert.ok(overTwo32 >= 2, `${overTwo32} AP-hours of 2^32 bytes or more down`)
  // Rx and Tx of each AP in each interval
  assert.is(counters.stats().mayHaveWrapped, 2 * intervals)
  // and the mark is stored with the poll: the AP's counter_wrap_gaps sample says both
  // counters of that interval were left out, so a report can say why it has no bytes
  for (const ap of LIGHTWEIGHT) {
    for (let i = 1; i < polls.length; i++) {
      assert.equal(polls[i]!.samples.filter((x) => x.metric === 'counter_wrap_gaps' && x.device === ap).map((x) => [x.value, x.neighborhood]), [[2, 'north']], `${ap} interval ${i}: marked`)
    }
    assert.equal(polls[0]!.samples.filter((x) => x.metric === 'counter_wrap_gaps'), [], 'the first reading is a baseline, not a gap')
  }
})

sim.run()
