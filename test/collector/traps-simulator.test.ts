/**
 * Traps end to end: the simulated city sends real SNMPv2c traps over UDP when faults
 * happen; the collector's receiver turns them into events in the store at once, each on
 * the device that sent it (found by source address and port among the inventory's hosts).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fastClock } from '../../core/clock.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { startCollector, type Collector } from '../../collector/index.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { freeUdpPort } from '../support/ports.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const START = Date.parse('2026-11-20T21:00:00Z')

test('a fiber cut and a reboot in the simulated city arrive as linkDown, apDisassociated and coldStart events in the store', async () => {
  const trapPort = await freeUdpPort()
  const clock = fastClock(START, 60)
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true, trapTarget: { host: '127.0.0.1', port: trapPort } }, silentLog)
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-traps-'))
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  let c: Collector | undefined
  try {
    await city.start()
    // Polls are not the point here: a long interval keeps them out of the way.
    c = await startCollector(
      { poller: { intervalMs: 3_600_000 }, writer: { spoolDir: dir }, traps: { port: trapPort, address: '127.0.0.1' } },
      { inventory: city.inventoryWithEndpoints(), store, clock, log: silentLog },
    )
    const t0 = clock.now()
    city.faults.inject({ type: 'link-cut', target: 'fl-north' })
    city.faults.inject({ type: 'reboot', target: 'sw-south' })
    const deadline = Date.now() + 5_000
    let events = await store.events({ fromMs: t0 - 60_000, toMs: clock.now() + 60_000 })
    while (Date.now() < deadline && !(events.some((e) => e.type === 'coldStart') && events.some((e) => e.type === 'linkDown') && events.some((e) => e.type === 'apDisassociated'))) {
      await new Promise((r) => setTimeout(r, 100))
      events = await store.events({ fromMs: t0 - 60_000, toMs: clock.now() + 60_000 })
    }
    const got = events.map((e) => `${e.type} ${e.device} ${e.detail}`).sort()
    assert.ok(got.includes('coldStart sw-south '), got.join('; '))
    const linkDowns = events.filter((e) => e.type === 'linkDown')
    assert.ok(linkDowns.length >= 1, got.join('; '))
    for (const e of linkDowns) assert.ok(['core-1', 'sw-north'].includes(e.device), `linkDown on ${e.device}`)
    // The controller reports its APs behind the cut: each event lands on the AP itself.
    const gone = events.filter((e) => e.type === 'apDisassociated').map((e) => e.device).sort()
    assert.equal(gone, ['ap-n1', 'ap-n2', 'ap-n3'])
    assert.is(c.traps!.stats().unattributed, 0)
    assert.is(c.traps!.stats().events, events.length)
    for (const e of events) assert.ok(e.timeMs >= t0 && e.timeMs <= clock.now(), 'stamped on arrival, simulated time')
  } finally {
    await c?.stop()
    await store.close()
    await city.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
