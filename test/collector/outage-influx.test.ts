/**
 * Store outage, end to end with real peers: the collector polls the simulated city (fast
 * clock) into a real influxd; influxd is stopped mid-run and started again on the same data
 * dir. Every sample the collector polled must be in InfluxDB exactly once, with its value:
 * the collector's own poll log against what InfluxDB holds, series by series, timestamp by
 * timestamp; and the store acknowledged each sample exactly once (none replayed twice).
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fastClock } from '../../core/clock.ts'
import type { Sample } from '../../core/metrics.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { createCollector } from '../../collector/index.ts'
import { openInfluxStore } from '../../store/influx/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { startInfluxd } from '../support/influxd.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const START = Date.parse('2026-11-20T21:00:00Z')
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))
const key = (s: { metric: string; device: string; instance: string; timeMs: number }) => `${s.metric}|${s.device}|${s.instance}|${s.timeMs}`

async function influxRows(url: string, metric: string): Promise<{ device: string; instance: string; timeMs: number; value: number }[]> {
  const q = `SELECT "value", "device", "instance" FROM "${metric}"`
  const res = await fetch(`${url}/query?db=civicnet&epoch=ms&q=${encodeURIComponent(q)}`)
  const body = (await res.json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] }
  const series = body.results[0]?.series ?? []
  return series.flatMap((s) => s.values.map((v) => {
    const col = (name: string) => v[s.columns.indexOf(name)]
    return { timeMs: col('time') as number, value: col('value') as number, device: col('device') as string, instance: (col('instance') as string | null) ?? '' }
  }))
}

test('samples polled while influxd was down are in the store exactly once after it returns', async () => {
  const influxd = await startInfluxd()
  const clock = fastClock(START, 60)
  const city = createSimulatedCity(smallCity(), { seed: 7, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  const spoolDir = mkdtempSync(join(tmpdir(), 'civicnet-outage-'))
  let store: MetricStore | undefined
  let collector: ReturnType<typeof createCollector> | undefined
  try {
    await city.start()
    store = await openInfluxStore({ url: influxd.url, database: 'civicnet', writer: { maxRetries: 1, retryBaseMs: 50, retryMaxMs: 200, timeoutMs: 2_000, flushIntervalMs: 20 } })
    await store.init()
    // Counts what the store acknowledged: a sample acknowledged twice was written twice.
    const real = store
    let acknowledged = 0
    let ownAcknowledged = 0
    const counting: MetricStore = Object.assign(Object.create(real) as MetricStore, {
      write: async (samples: readonly Sample[]) => {
        await real.write(samples)
        // the collector's own spool_samples (and any polls_skipped) are not polls: apart
        const own = samples.filter((s) => s.metric === 'spool_samples' || s.metric === 'polls_skipped').length
        acknowledged += samples.length - own
        ownAcknowledged += own
      },
    })
    const polled: Sample[] = []
    collector = createCollector(
      { poller: { intervalMs: 60_000, timeoutMs: 1_000, retries: 0 }, writer: { spoolDir, batchSize: 200, maxDelayMs: 50, retryMs: 300, spoolSegmentBytes: 16 * 1024 }, traps: false },
      { inventory: city.inventoryWithEndpoints(), store: counting, clock, log: silentLog, onPoll: (r) => polled.push(...r.samples) },
    )
    await collector.start()
    await sleep(2_500)
    const before = polled.length
    await influxd.halt()
    await sleep(3_500)
    const during = collector.writer.stats()
    assert.ok(during.storeDown, 'the writer noticed the outage')
    assert.ok(during.spooledSamples > 0, 'samples went to the spool')
    assert.ok(readdirSync(spoolDir).some((f) => f.endsWith('.jsonl')), 'segment files on disk')
    await influxd.restart()
    // The writer's retry backoff (300 ms doubling) decides when it tries again; what the
    // test needs is that it did: wait (bounded) until it has replayed the spool, polling on.
    const deadline = Date.now() + 60_000
    while (Date.now() < deadline) {
      const s = collector.writer.stats()
      if (!s.storeDown && s.spool.segments === 0 && s.replayedSamples > 0) break
      await sleep(100)
    }
    await sleep(1_000) // more polls after the store is back, written straight through
    await collector.stop()
    collector = undefined

    assert.ok(polled.length > before, 'polls went on through the outage')
    assert.is(acknowledged, polled.length, 'the store acknowledged every polled sample exactly once')
    assert.ok(ownAcknowledged > 0, "the collector's spool_samples reached the store")
    assert.equal(readdirSync(spoolDir).filter((f) => f.endsWith('.jsonl')), [], 'the spool is empty')

    // InfluxDB holds every polled sample once, with its value, and nothing else.
    const expected = new Map(polled.map((s) => [key(s), s.value]))
    assert.is(expected.size, polled.length, 'one sample per series per timestamp')
    const metrics = [...new Set(polled.map((s) => s.metric))].sort()
    let stored = 0
    const storedValues = new Map<string, number>()
    for (const m of metrics) {
      const rows = await influxRows(influxd.url, m)
      const seen = new Set<string>()
      for (const r of rows) {
        const k = key({ metric: m, ...r })
        assert.not.ok(seen.has(k), `${k} stored twice`)
        seen.add(k)
        assert.is(r.value, expected.get(k), `${k} stored with the polled value`)
        storedValues.set(k, r.value)
      }
      stored += rows.length
    }
    assert.is(stored, polled.length)
    // Totals in one order (float sums depend on it).
    const keys = [...expected.keys()].sort()
    assert.is(keys.reduce((a, k) => a + (storedValues.get(k) ?? NaN), 0), keys.reduce((a, k) => a + expected.get(k)!, 0))
  } finally {
    await collector?.stop()
    await store?.close()
    await city.stop()
    await influxd.stop()
    rmSync(spoolDir, { recursive: true, force: true })
  }
})

test.run()
