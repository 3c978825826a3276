import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { fastClock } from '../../core/clock.ts'

test('a fast clock runs speed times faster than real time', async () => {
  const clock = fastClock(0, 1000)
  await new Promise((r) => setTimeout(r, 50))
  const t = clock.now()
  assert.ok(t >= 50_000 && t < 200_000, `simulated ${t} ms after 50 real ms at 1000x`)
})

test('a fast clock refuses a speed that is not positive', () => {
  assert.throws(() => fastClock(0, 0), /clock speed must be > 0, got 0/)
})

test.run()
