/**
 * Client-hours lost (incidents/client-hours.ts) against the simulator's history: the small
 * test city's standalone APs polled over real SNMP every hour for four weeks into DuckDB,
 * then two APs out for 3.5 hours one afternoon. The figure equals the stated method computed
 * from the simulator's truth: for each clock hour of the outage, the median of the AP's clients at
 * that hour's poll 1-4 weeks earlier, times the share of the hour the outage covers.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { steppedClock } from '../../core/clock.ts'
import { pollWithProbe } from '../../collector/index.ts'
import { probeDevice } from '../../collector/probe.ts'
import { createPoller } from '../../collector/scheduler.ts'
import { createWriter } from '../../collector/writer.ts'
import { clientHoursLost } from '../../incidents/client-hours.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const HOUR = 3_600_000
const WEEK = 7 * 24 * HOUR
// the outage: 2026-11-24 13:30 to 17:00 in New York (EST: 18:30Z to 22:00Z)
const OUT_FROM = Date.parse('2026-11-24T18:30:00Z')
const OUT_TO = Date.parse('2026-11-24T22:00:00Z')
const START = OUT_FROM - 4 * WEEK - 2 * HOUR - 30 * 60_000 // an hour mark

test('client-hours lost equal the stated method over the simulator\'s history: the median of the same hour 1-4 weeks earlier, times the share of the hour', async () => {
  const clock = steppedClock(START)
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - HOUR, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-client-hours-'))
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const writer = createWriter({ spoolDir: join(dir, 'spool'), maxDelayMs: 5 }, { store, log: silentLog })
  const standalone = (inv: ReturnType<typeof city.inventoryWithEndpoints>) => ({ ...inv, devices: inv.devices.filter((d) => d.id.startsWith('ap-s') || d.id === 'sw-south' || d.id === 'core-1') })
  const poller = createPoller({ timeoutMs: 1000, retries: 0 }, {
    inventory: () => standalone(city.inventoryWithEndpoints()), sink: writer, clock, log: silentLog,
    poll: pollWithProbe(probeDevice, () => ({ version: '2c', community: 'public' })),
  })
  try {
    writer.start()
    let rounds = 0
    for (let t = START; t <= OUT_TO; t += HOUR) {
      clock.set(t)
      await poller.pollAll({ timeoutMs: 1000, retries: 0 })
      rounds++
    }
    await writer.flush()
    assert.is(rounds, 4 * 7 * 24 + 7)
    assert.is(writer.stats().writtenSamples > 0, true)

    const got = await clientHoursLost({ aps: ['ap-s2', 'ap-s3'], fromMs: OUT_FROM, toMs: OUT_TO }, { store })
    // the method, from the truth: the stored hourly mean of an hour is its one poll, at the hour mark
    const median = (xs: number[]) => {
      const s = [...xs].sort((a, b) => a - b)
      return s.length % 2 ? s[s.length >> 1]! : (s[s.length / 2 - 1]! + s[s.length / 2]!) / 2
    }
    let want = 0
    const rows: string[] = []
    for (const ap of ['ap-s2', 'ap-s3']) {
      for (let h = Math.floor(OUT_FROM / HOUR) * HOUR; h < OUT_TO; h += HOUR) {
        const share = (Math.min(h + HOUR, OUT_TO) - Math.max(h, OUT_FROM)) / HOUR
        const usual = median([1, 2, 3, 4].map((k) => city.truth.clientsAt(ap, h - k * WEEK)))
        want += usual * share
        if (ap === 'ap-s2') rows.push(`${new Date(h).toISOString().slice(11, 16)}Z ${usual} x ${share}`)
      }
    }
    assert.is(got.unknownApHours, 0)
    assert.ok(Math.abs(got.clientHours - want) < 1e-9, `${got.clientHours} against ${want}`)
    assert.ok(want > 10, `${want} client-hours: the afternoon has clients`)
    console.log(`  ${rounds} hourly rounds; ap-s2 ${rows.join(', ')}; lost ${got.clientHours.toFixed(2)} client-hours on 2 APs`)

    // no history before: every AP-hour is unknown, nothing is made up
    const early = await clientHoursLost({ aps: ['ap-s2'], fromMs: START + HOUR, toMs: START + 3 * HOUR }, { store })
    assert.equal(early, { clientHours: 0, unknownApHours: 2 })
  } finally {
    await poller.stop()
    await writer.stop()
    await store.close()
    await city.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
