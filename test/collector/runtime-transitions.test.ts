/**
 * deviceDown / deviceUp events from the real collector polling the simulated city under a
 * stepped (manual) clock, stored in a real DuckDB store: one event per change, at the
 * time of the poll that showed it, for a standalone AP and for a controller-managed AP.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { steppedClock } from '../../core/clock.ts'
import type { DeviceEvent } from '../../core/metrics.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { createCollector } from '../../collector/index.ts'
import { createEventWriter } from '../../collector/events.ts'
import { createTransitionTracker } from '../../collector/transitions.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const START = Date.parse('2026-11-20T21:00:00Z')
const MIN = 60_000

test('a standalone AP and a controller-managed AP going down and up give one deviceDown and one deviceUp each, at the polls that showed it', async () => {
  const clock = steppedClock(START)
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-transitions-'))
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const c = createCollector(
    { poller: { intervalMs: MIN, timeoutMs: 400, retries: 0 }, writer: { spoolDir: dir, maxDelayMs: 10 }, traps: false },
    { inventory: city.inventoryWithEndpoints(), store, clock, log: silentLog },
  )
  const stored = () => store.events({ fromMs: START - 3_600_000, toMs: START + 3_600_000, type: ['deviceDown', 'deviceUp'] })
  const round = async (t: number) => {
    clock.set(t)
    await c.poller.pollAll()
    await c.events.flush()
  }
  try {
    c.writer.start()
    // Down from the start: the first observation of a device gives no event, whatever it reads.
    city.faults.inject({ type: 'device-down', target: 'ap-s3', startMs: START - MIN })
    await round(START)
    assert.equal(await stored(), [])

    // Both faults begin between the polls at +1 min and +2 min.
    const down = [
      city.faults.inject({ type: 'device-down', target: 'ap-s2', startMs: START + 90_000 }),
      city.faults.inject({ type: 'device-down', target: 'ap-n1', startMs: START + 90_000 }),
    ]
    await round(START + MIN)
    assert.equal(await stored(), [])
    await round(START + 2 * MIN)
    await round(START + 3 * MIN) // still down: nothing new
    const expectDown: DeviceEvent[] = [
      { timeMs: START + 2 * MIN, device: 'ap-n1', neighborhood: 'north', type: 'deviceDown', severity: 'critical', detail: 'controller no longer lists the AP' },
      { timeMs: START + 2 * MIN, device: 'ap-s2', neighborhood: 'south', type: 'deviceDown', severity: 'critical', detail: 'no answer to SNMP (timeout)' },
    ]
    const byDevice = (a: DeviceEvent, b: DeviceEvent) => b.timeMs - a.timeMs || (a.device < b.device ? -1 : 1)
    assert.equal((await stored()).sort(byDevice), expectDown)

    clock.set(START + 3 * MIN + 30_000)
    for (const f of down) city.faults.clear(f.id)
    await round(START + 4 * MIN)
    await round(START + 5 * MIN)
    assert.equal((await stored()).sort(byDevice), [
      { timeMs: START + 4 * MIN, device: 'ap-n1', neighborhood: 'north', type: 'deviceUp', severity: 'info', detail: 'answering again after 2 min' },
      { timeMs: START + 4 * MIN, device: 'ap-s2', neighborhood: 'south', type: 'deviceUp', severity: 'info', detail: 'answering again after 2 min' },
      ...expectDown,
    ])
    assert.equal(c.stats().events, { written: 4, failedWrites: 0, dropped: 0, pending: 0 })
  } finally {
    await c.writer.stop()
    await store.close()
    await city.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('events wait in memory while the store refuses them, are counted, and never throw into the poll path', async () => {
  let refuse = true
  const got: DeviceEvent[] = []
  const store = {
    async writeEvents(events: readonly DeviceEvent[]) {
      if (refuse) throw new Error('store down')
      got.push(...events)
    },
  }
  // The retry timer is left to wait (a minute): flush() is the retry here, so counts are exact.
  const w = createEventWriter({ retryMs: 60_000 }, { store, log: silentLog })
  const t = createTransitionTracker()
  const up = (v: number, timeMs: number) => [{ metric: 'device_up', device: 'ap-1', neighborhood: 'n', instance: '', value: v, timeMs }]
  assert.equal(t.observe(up(1, 0), () => ({ kind: 'timeout' })), [])
  w.write(t.observe(up(0, MIN), () => ({ kind: 'error', errorClass: 'RequestFailedError' }))) // first attempt, refused
  await w.flush() // second attempt, refused
  assert.equal(w.stats(), { written: 0, failedWrites: 2, dropped: 0, pending: 1 })
  refuse = false
  await w.flush()
  assert.equal(got, [{ timeMs: MIN, device: 'ap-1', neighborhood: 'n', type: 'deviceDown', severity: 'critical', detail: 'SNMP poll failed (RequestFailedError)' }])
  assert.equal(w.stats(), { written: 1, failedWrites: 2, dropped: 0, pending: 0 })
  // back up after 3 min, then a repeat of the same state: one event, then none
  assert.equal(t.observe(up(1, 4 * MIN), () => ({ kind: 'timeout' })).map((e) => [e.type, e.detail]), [['deviceUp', 'answering again after 3 min']])
  assert.equal(t.observe(up(1, 5 * MIN), () => ({ kind: 'timeout' })), [])
  await w.stop()
})

test.run()
