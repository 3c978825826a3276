/**
 * The miss bound the reports print: the rule that picks it for a poll interval, and the
 * table itself, which must be what bench/uniques-miss.ts measures on the simulator as it is
 * now (a change of the simulator's calibration fails this test until the table is
 * re-measured).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { measureMiss } from '../../bench/uniques-miss.ts'
import { MISS_MEASURED, missBound } from '../../uniques/miss-bound.ts'

const MIN = 60_000
const worst = (p: number, level: string) => MISS_MEASURED.rows.find((r) => r.intervalMin === p && r.level === level)!.worstMiss

test('the bound is the worst measured miss of the smallest measured interval at or above the poll interval, rounded up to 0.1 %', () => {
  const up = (x: number) => Math.ceil(x * 1000 - 1e-9) / 1000
  assert.is(missBound(60 * MIN, 'neighborhood'), up(worst(60, 'neighborhood')))
  assert.is(missBound(30 * MIN, 'neighborhood'), up(worst(60, 'neighborhood')))
  assert.is(missBound(10 * MIN, 'ap'), up(worst(10, 'ap')))
  assert.is(missBound(61_000, 'ap'), up(worst(5, 'ap')))
  assert.is(missBound(60_000, 'neighborhood'), up(worst(1, 'neighborhood')))
  assert.is(missBound(5_000, 'neighborhood'), up(worst(1, 'neighborhood')))
  // the city (any de-duplicated set of neighborhoods) takes the worse of the two levels
  assert.is(missBound(60 * MIN, 'city'), up(Math.max(worst(60, 'neighborhood'), worst(60, 'city'))))
  // past the largest measured interval no bound is known
  assert.is(missBound(61 * MIN, 'neighborhood'), null)
  assert.is(missBound(0, 'neighborhood'), null)
  // a coarser poll never misses less
  for (const level of ['ap', 'neighborhood', 'city'] as const) {
    const b = [1, 5, 10, 60].map((p) => missBound(p * MIN, level)!)
    assert.equal([...b].sort((x, y) => x - y), b, level)
  }
})

test('the table is what the measurement gives on the simulator now', () => {
  const { seed, firstDay, days } = MISS_MEASURED
  const r = measureMiss({ seed, firstDay, days })
  assert.equal(r.truthDailyCity, [...MISS_MEASURED.truthDailyCity], 'the simulator\'s true daily uniques changed: re-measure (node --import tsx bench/uniques-miss.ts)')
  assert.equal(r.rows, [...MISS_MEASURED.rows])
})

test.run()
