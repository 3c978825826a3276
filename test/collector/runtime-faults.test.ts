/**
 * The whole collector (scheduler, real probe, samples, writer, DuckDB store) against the
 * simulated city on a fast clock (speed 30: a 60 s interval passes in 2 s): a dead AP and a
 * slow agent fail their own polls, and every other device keeps its schedule and timings.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fastClock } from '../../core/clock.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { createCollector } from '../../collector/index.ts'
import type { PollRecord } from '../../collector/scheduler.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const START = Date.parse('2026-11-20T21:00:00Z')

test('a dead AP and a slow agent fail only their own polls; the other devices are polled on time at normal speed', async () => {
  const clock = fastClock(START, 30) // a 60 s interval passes in 2 s
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-faults-'))
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const records: PollRecord[] = []
  const c = createCollector(
    { poller: { intervalMs: 60_000, timeoutMs: 1000, retries: 0 }, writer: { spoolDir: dir, maxDelayMs: 10 }, traps: false },
    { inventory: city.inventoryWithEndpoints(), store, clock, log: silentLog, onPoll: (r) => records.push(r) },
  )
  try {
    city.faults.inject({ type: 'device-down', target: 'ap-s2' })
    city.faults.inject({ type: 'slow', target: 'ap-s1', delayMs: 5_000 })
    await c.start()
    await new Promise((r) => setTimeout(r, 8_600)) // a little over four intervals
    await c.stop()

    const by = (id: string) => records.filter((r) => r.device === id)
    for (const id of ['ap-s1', 'ap-s2']) {
      assert.ok(by(id).length >= 3, `${id} polled ${by(id).length} times`)
      for (const p of by(id)) assert.ok(p.durationMs >= 990, `${id} failed after ${p.durationMs} ms`)
      assert.equal([...new Set(by(id).map((r) => r.outcome))], ['timeout'], `${id} outcomes`)
    }
    const healthy = ['ap-s3', 'core-1', 'sw-north', 'sw-south', 'wlc-1']
    for (const id of healthy) {
      const polls = by(id)
      assert.ok(polls.length >= 4, `${id} polled ${polls.length} times`)
      assert.equal([...new Set(polls.map((r) => r.outcome))], ['ok'], `${id} outcomes`)
      // The first poll of a device is cold (profile match, JIT); no warm one ever waits as
      // long as the 1000 ms each faulty poll costs, and most are far below it (the margin
      // is for a loaded 2-core machine: the controller's poll is a dozen table walks).
      const warm = polls.slice(1).map((p) => p.durationMs).sort((a, b) => a - b)
      const median = warm[Math.floor(warm.length / 2)]!
      assert.ok(warm.at(-1)! < 1000 && median < 500, `${id} polls took ${warm.map((d) => d.toFixed(0)).join(', ')} ms`)
      for (let i = 1; i < polls.length; i++) {
        const gap = polls[i]!.timeMs - polls[i - 1]!.timeMs
        assert.ok(Math.abs(gap - 60_000) < 9_000, `${id} polls ${gap} ms apart (simulated)`)
      }
    }
    // Stored like any metric: device_up 0 for the failed ones, the poll self-metrics for all.
    const up = await store.latest({ metric: 'device_up' })
    const upOf = (id: string) => up.find((v) => v.device === id)?.value
    assert.is(upOf('ap-s2'), 0)
    assert.is(upOf('ap-s1'), 0)
    assert.is(upOf('ap-s3'), 1)
    // Lightweight APs come from the controller's AP table, never polled themselves.
    assert.is(upOf('ap-n1'), 1)
    assert.is(by('ap-n1').length, 0)
    const timeouts = await store.aggregate({ metric: 'poll_timeouts', groupBy: 'device', fromMs: START, toMs: clock.now() + 1, stepMs: 3_600_000, fn: 'sum' })
    const sumOf = (id: string) => timeouts.filter((p) => p.group === id).reduce((a, p) => a + p.value, 0)
    assert.is(sumOf('ap-s2'), by('ap-s2').length)
    assert.is(sumOf('ap-s3'), 0)
  } finally {
    await c.stop()
    await store.close()
    await city.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
