import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fastClock, steppedClock } from '../../core/clock.ts'

test('a fast clock runs speed times faster than real time', async () => {
  // measured against the real time that passed (a 50 ms timer can fire a millisecond early
  // by Date.now(), or late on a busy machine), read on both sides of the clock's own reads
  const before = Date.now()
  const clock = fastClock(0, 1000)
  const started = Date.now()
  await new Promise((r) => setTimeout(r, 50))
  const readFrom = Date.now()
  const t = clock.now()
  const readTo = Date.now()
  assert.ok(t >= (readFrom - started) * 1000 && t <= (readTo - before) * 1000, `simulated ${t} ms after ${readFrom - started}..${readTo - before} real ms at 1000x`)
  assert.ok(t >= 40_000, `simulated ${t} ms`)
})

test('a fast clock refuses a speed that is not positive', () => {
  assert.throws(() => fastClock(0, 0), /clock speed must be > 0, got 0/)
})

test('a stepped clock holds the time it is set to, then follows the wall clock once released', () => {
  const clock = steppedClock(1_000)
  assert.is(clock.now(), 1_000)
  clock.set(3_600_000)
  assert.is(clock.now(), 3_600_000)
  assert.ok(clock.held)
  clock.release()
  assert.not.ok(clock.held)
  assert.ok(Math.abs(clock.now() - Date.now()) < 1000)
  assert.throws(() => clock.set(5), /stepped clock was released/)
})

test.run()
