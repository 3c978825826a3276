/**
 * planning/use.ts against the report fixture's known polls (test/reports/fixture.ts: each
 * AP's clients follow a formula every 10 minutes; ap-n2 down 90 minutes, ap-e1 unpolled 3
 * hours): each AP's peak hourly mean and its hours above a threshold equal the same counted
 * here from the formula; an hour with no sample is not counted.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { apUse } from '../../planning/use.ts'
import { NOW_MS, clientsAt, openFixture, pollTimes, polled, up } from '../reports/fixture.ts'

test("the peak hourly mean and the saturated hours equal the fixture's formula", async () => {
  const f = await openFixture()
  try {
    const threshold = 8
    const got = await apUse(f.store, { aps: ['ap-n1', 'ap-n2', 'ap-e1'], nowMs: NOW_MS, thresholdClients: threshold })
    for (const ap of ['ap-n1', 'ap-n2', 'ap-e1']) {
      const hours = new Map<number, number[]>()
      for (const t of pollTimes()) {
        if (!polled(ap, t) || !up(ap, t)) continue
        const h = Math.floor(t / 3_600_000) * 3_600_000
        hours.set(h, [...(hours.get(h) ?? []), clientsAt(ap, t)])
      }
      const means = [...hours.values()].map((v) => v.reduce((a, b) => a + b, 0) / v.length)
      const want = { peakClients: Math.max(...means), hours: means.length, saturatedHours: means.filter((m) => m > threshold).length }
      const u = got.get(ap)!
      assert.equal([u.hours, u.saturatedHours], [want.hours, want.saturatedHours], ap)
      assert.ok(Math.abs(u.peakClients - want.peakClients) < 1e-9, `${ap}: ${u.peakClients} vs ${want.peakClients}`)
    }
    // ap-n2 (11 + 0..6) is over 8 every hour it answered; ap-n1 (3 + 0..6) never
    assert.is(got.get('ap-n1')!.saturatedHours, 0)
    assert.is(got.get('ap-n2')!.saturatedHours, got.get('ap-n2')!.hours)
  } finally {
    await f.close()
  }
})

test.run()
