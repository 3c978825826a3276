/**
 * Per-AP bytes of lightweight APs against the simulated city over real UDP: the whole
 * collector polls the controller (profile cisco-airespace-wlc) and turns each AP's own
 * CISCO-LWAPP-AP-MIB cLApEthernetIfTable counters into wifi_bytes on the AP's series. They
 * equal the simulator's truth for every interval, including intervals in which clients
 * roamed or left (which station counters lose), and an AP reboot gives no delta for its
 * interval, never a negative or absurd one.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createSimulatedCity } from '../../simulators/city.ts'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { createCollector } from '../../collector/index.ts'
import type { Poller, PollRecord } from '../../collector/scheduler.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const START = Date.parse('2026-11-20T21:00:00Z') // 16:00 in Hartford: busy APs, clients roaming
const MIN = 60_000
// inside the 343 s the collector assumes a Counter32 of cLApEthernetIfTable stays exact for
// (100 Mbit/s, collector/profiles/vendors/cisco.ts); hourly polls: counter32-wraps.test.ts
const INTERVAL = 5 * MIN

async function run(clock: ManualClock, poller: Poller, ms: number, stepMs: number) {
  for (let t = 0; t < ms; t += stepMs) {
    clock.advance(stepMs)
    await new Promise((r) => setImmediate(r))
    while (poller.stats().inFlight > 0 || poller.stats().waiting > 0) await new Promise((r) => setTimeout(r, 2))
  }
}

test('wifi_bytes of each lightweight AP equals truth.bytes of every poll interval, across roaming clients, an AP reboot and a controller reboot', async () => {
  const clock = manualClock(START)
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - 6 * 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-apbytes-'))
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const records: PollRecord[] = []
  const c = createCollector(
    { poller: { intervalMs: INTERVAL, tick: 'clock', tickMs: MIN, timeoutMs: 2000, retries: 0 }, writer: { spoolDir: dir, maxDelayMs: 5 }, traps: false },
    { inventory: city.inventoryWithEndpoints(), store, clock, log: silentLog, onPoll: (r) => records.push(r) },
  )
  try {
    await c.start()
    await run(clock, c.poller, 90 * MIN, MIN)
    const rebootAt = clock.now() + 7 * MIN
    city.faults.inject({ type: 'reboot', target: 'ap-n2', startMs: rebootAt })
    await run(clock, c.poller, 60 * MIN, MIN)
    const wlcRebootAt = clock.now() + 4 * MIN
    city.faults.inject({ type: 'reboot', target: 'wlc-1', startMs: wlcRebootAt })
    await run(clock, c.poller, 60 * MIN, MIN)
    await c.stop()

    const polls = records.filter((r) => r.device === 'wlc-1' && r.outcome === 'ok').map((r) => r.timeMs)
    assert.ok(polls.length >= 11, `controller polled ${polls.length} times`)
    const wifi = (ap: string, t: number) => records.find((r) => r.device === 'wlc-1' && r.timeMs === t)!.samples.filter((x) => x.metric === 'wifi_bytes' && x.device === ap)
    let exact = 0
    let roamed = 0
    let lostByStations = 0
    let skipped = 0
    for (const ap of ['ap-n1', 'ap-n2', 'ap-n3']) {
      for (let i = 1; i < polls.length; i++) {
        const [a, b] = [polls[i - 1]!, polls[i]!]
        const got = wifi(ap, b)
        if ((ap === 'ap-n2' && a < rebootAt && rebootAt <= b) || (a < wlcRebootAt && wlcRebootAt <= b)) {
          assert.equal(got, [], `${ap}: no delta across a reboot`)
          skipped++
          continue
        }
        const truth = city.truth.bytes(ap, a, b).total
        assert.is(got.length, 1, `${ap} one sample at poll ${i}`)
        assert.is(got[0]!.value, truth, `${ap} interval ${i}`)
        assert.ok(got[0]!.value > 0 && got[0]!.value < 1e11, `${ap} sane value ${got[0]!.value}`)
        exact++
        // clients of this AP at the interval's start that were elsewhere (or gone) at its end
        const before = city.truth.clientListAt(ap, a).map((x) => x.mac)
        const after = new Set(city.truth.clientListAt(ap, b).map((x) => x.mac))
        const left = before.filter((m) => !after.has(m)).length
        if (left > 0) roamed++
        lostByStations += left
      }
    }
    assert.is(skipped, 1 + 3) // the AP's reboot, then the controller's for each of its APs
    assert.ok(exact >= 33, `${exact} exact intervals`)
    assert.ok(roamed >= 10 && lostByStations >= 20, `${roamed} intervals with ${lostByStations} clients leaving their AP`)
    // the AP's counters restarted: intervals after the reboot are exact again
    assert.ok(polls.some((t) => t > rebootAt + INTERVAL && t < wlcRebootAt && wifi('ap-n2', t).length === 1))
    assert.ok(polls.some((t) => t > wlcRebootAt + INTERVAL && wifi('ap-n1', t).length === 1))
    // what the store holds for the lightweight APs is what the poller computed
    const stored = await store.aggregate({ metric: 'wifi_bytes', groupBy: 'device', fromMs: START, toMs: clock.now() + 1, stepMs: 24 * 3_600_000, fn: 'sum', where: { device: ['ap-n1', 'ap-n2', 'ap-n3'] } })
    const computed = records.flatMap((r) => r.samples).filter((x) => x.metric === 'wifi_bytes' && x.device.startsWith('ap-n')).reduce((s, x) => s + x.value, 0)
    assert.is(stored.reduce((s, p) => s + p.value, 0), computed)
  } finally {
    await c.stop()
    await store.close()
    await city.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
