import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCounterTracker } from '../../collector/counters.ts'

const key = { device: 'ap-1', instance: 'eth0', counter: 'ifHCInOctets' }
const at = (value: bigint, ticks: number, extra: object = {}) => ({ value, kind: 'counter64' as const, sysUpTimeTicks: ticks, timeMs: ticks * 10, ...extra })

test('the first reading of a counter gives no delta and later readings give the bytes between them', () => {
  const t = createCounterTracker()
  assert.is(t.delta(key, at(1_000n, 100)), undefined)
  assert.is(t.delta(key, at(61_000n, 6_100)), 60_000)
  assert.is(t.delta(key, at(61_000n, 12_100)), 0)
  assert.equal(t.stats(), { first: 1, reset: 0, backwards: 0, absurd: 0, mayHaveWrapped: 0 })
})

test('a Counter64 above 2^53 keeps byte-exact deltas because it is held as a BigInt', () => {
  const t = createCounterTracker()
  const big = (1n << 60n) + 7n
  t.delta(key, at(big, 100))
  assert.is(t.delta(key, at(big + 123_456_789n, 6_100)), 123_456_789)
})

test('a Counter32 that wraps once gives the bytes across the wrap', () => {
  const t = createCounterTracker()
  const k = { ...key, counter: 'ifInOctets' }
  t.delta(k, { value: 4_294_967_000n, kind: 'counter32', sysUpTimeTicks: 100, timeMs: 0 })
  assert.is(t.delta(k, { value: 704n, kind: 'counter32', sysUpTimeTicks: 6_100, timeMs: 60_000 }), 1_000)
})

test('a reboot (sysUpTime went back) gives no delta for that interval, then deltas resume from the new baseline', () => {
  const t = createCounterTracker()
  t.delta(key, at(5_000_000n, 360_000))
  assert.is(t.delta(key, at(2_000n, 3_000)), undefined)
  assert.is(t.delta(key, at(9_000n, 9_000)), 7_000)
  assert.is(t.stats().reset, 1)
})

test('a Counter32 reset without a visible reboot is dropped as absurd when the wrap delta exceeds the interface speed', () => {
  const t = createCounterTracker()
  const k = { ...key, counter: 'ifInOctets' }
  // 10 Mbit/s for 60 s is at most 75 MB; a "wrap" from 3e9 to 10 would be ~1.29 GB.
  t.delta(k, { value: 3_000_000_000n, kind: 'counter32', sysUpTimeTicks: 100, timeMs: 0, speedBitsPerSec: 10e6 })
  assert.is(t.delta(k, { value: 10n, kind: 'counter32', sysUpTimeTicks: 6_100, timeMs: 60_000, speedBitsPerSec: 10e6 }), undefined)
  assert.is(t.stats().absurd, 1)
})

test('a Counter64 that goes back without a reboot gives no delta, never a negative one', () => {
  const t = createCounterTracker()
  t.delta(key, at(10_000n, 100))
  assert.is(t.delta(key, at(9_000n, 6_100)), undefined)
  assert.is(t.stats().backwards, 1)
})

test('a rate above the sane maximum is dropped when the interface speed is unknown', () => {
  const t = createCounterTracker({ maxBitsPerSec: 1e9 })
  t.delta(key, at(0n, 100))
  // 1 Gbit/s for 60 s is 7.5 GB; 8 GB is absurd.
  assert.is(t.delta(key, at(8_000_000_000n, 6_100)), undefined)
  assert.is(t.delta(key, at(8_000_000_000n + 7_000_000_000n, 12_100)), 7_000_000_000)
})

test('counters are kept apart per device, instance and counter name, and a device can be forgotten', () => {
  const t = createCounterTracker()
  t.delta(key, at(100n, 100))
  t.delta({ ...key, instance: 'eth1' }, at(200n, 100))
  t.delta({ ...key, device: 'ap-2' }, at(300n, 100))
  assert.is(t.size, 3)
  assert.is(t.delta({ ...key, instance: 'eth1' }, at(250n, 200)), 50)
  t.forgetDevice('ap-1')
  assert.is(t.size, 1)
  assert.is(t.delta(key, at(500n, 300)), undefined)
})

test.run()
