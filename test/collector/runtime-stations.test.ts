/**
 * Station MACs against the simulated controller: the collector counts the stations and
 * keeps only HMAC digests; no client MAC, in any notation, reaches a sample (hence the
 * spool and the store), a poll record, or a log line, even at trace level.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import { createSimulatedCity } from '../../simulators/city.ts'
import { manualClock } from '../../core/clock.ts'
import { createCollector } from '../../collector/index.ts'
import type { PollRecord } from '../../collector/scheduler.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const START = Date.parse('2026-11-20T21:00:00Z')

test('the controller\'s stations are counted and digested, and no client MAC appears in samples, records, spool or logs', async () => {
  const clock = manualClock(START)
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-stations-'))
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  let logText = ''
  const log = pino({ level: 'trace' }, new Writable({ write(chunk, _enc, cb) { logText += chunk; cb() } }))
  const records: PollRecord[] = []
  const c = createCollector(
    { poller: { intervalMs: 60_000, tick: 'clock', tickMs: 1000, timeoutMs: 1000, retries: 0 }, writer: { spoolDir: dir, maxDelayMs: 5 }, traps: false },
    { inventory: city.inventoryWithEndpoints(), store, clock, log, onPoll: (r) => records.push(r) },
  )
  try {
    await c.start()
    for (let t = 0; t < 180; t++) {
      clock.advance(1000)
      await new Promise((r) => setImmediate(r))
      while (c.poller.stats().inFlight > 0) await new Promise((r) => setTimeout(r, 2))
    }
    await c.stop()
    const wlc = records.filter((r) => r.device === 'wlc-1' && r.outcome === 'ok')
    assert.ok(wlc.length >= 2)
    for (const r of wlc) {
      const truth = city.truth.clientListAt('wlc-1', r.timeMs)
      assert.is(r.stations!.count, truth.length, 'one digest per station')
      assert.is(new Set(r.stations!.digests).size, truth.length)
      assert.is(r.stations!.randomized, truth.filter((x) => x.randomized).length)
      for (const d of r.stations!.digests) assert.match(d, /^[0-9a-f]{64}$/)
      // Per-AP clients from the controller's AP table equal the truth.
      for (const ap of ['ap-n1', 'ap-n2', 'ap-n3']) {
        const s = r.samples.find((x) => x.metric === 'wifi_clients' && x.device === ap)
        assert.is(s?.value, city.truth.clientsAt(ap, r.timeMs), `${ap} clients`)
      }
    }
    // The same station keeps its digest within the day.
    const first = new Set(wlc[0]!.stations!.digests)
    const macs0 = new Set(city.truth.clientListAt('wlc-1', wlc[0]!.timeMs).map((x) => x.mac))
    const stayed = city.truth.clientListAt('wlc-1', wlc[1]!.timeMs).filter((x) => macs0.has(x.mac)).length
    assert.is(wlc[1]!.stations!.digests.filter((d) => first.has(d)).length, stayed)
    assert.is(c.poller.uniqueStations().count, new Set(wlc.flatMap((r) => r.stations!.digests)).size)

    const macs = new Set(wlc.flatMap((r) => city.truth.clientListAt('wlc-1', r.timeMs).map((x) => x.mac.toLowerCase())))
    assert.ok(macs.size > 10)
    const spool = readdirSync(dir).map((f) => readFileSync(join(dir, f), 'utf8')).join('\n')
    const haystack = (JSON.stringify(records) + logText + spool).toLowerCase()
    for (const mac of macs) {
      const hex = mac.replace(/[^0-9a-f]/g, '')
      for (const form of [hex, hex.match(/../g)!.join(':'), hex.match(/../g)!.join('-'), hex.match(/..../g)!.join('.')]) {
        assert.not.ok(haystack.includes(form), 'a client MAC leaked')
      }
    }
  } finally {
    await c.stop()
    await store.close()
    await city.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
