/**
 * spool_samples against a real influxd that is stopped and started again: the collector
 * polls the simulated small city (real SNMP on loopback) on a clock the test moves one round
 * at a time. While influxd is down, each round's spool_samples sample holds exactly the
 * samples then waiting in the spool (counted by this test from the spool's files), and is
 * itself spooled; once influxd is back the replay lands all of them, at their rounds' times,
 * and the next one says 0. The collector's scrape says the same, with the store down and up.
 */
import { readdirSync, readFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { renderExposition } from '../../core/prometheus.ts'
import { createCollector, type Collector } from '../../collector/index.ts'
import type { PollRecord } from '../../collector/scheduler.ts'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { openInfluxStore } from '../../store/influx/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { startInfluxd, type Influxd } from '../support/influxd.ts'
import { parsePrometheusText, sampleValue } from '../support/prom-text.ts'
import { silentLog, smallCity } from '../simulators/fixture.ts'

const START = Date.parse('2026-11-20T18:00:00Z')
const MIN = 60_000
const POLLED = 7
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Ctx {
  influxd: Influxd
  clock: ManualClock
  city: SimulatedCity
  store: MetricStore
  collector: Collector
  records: PollRecord[]
  spoolDir: string
}

const test = suite<Ctx>('collector self-metrics: spool_samples while the store is down', {} as Ctx)

test.before(async (ctx) => {
  ctx.influxd = await startInfluxd()
  ctx.clock = manualClock(START)
  ctx.city = createSimulatedCity(smallCity(), { seed: 11, clock: ctx.clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await ctx.city.start()
  ctx.store = await openInfluxStore({ url: ctx.influxd.url, database: 'civicnet', writer: { maxRetries: 0, retryBaseMs: 50, retryMaxMs: 100, timeoutMs: 2_000, flushIntervalMs: 10 } })
  await ctx.store.init()
  ctx.spoolDir = mkdtempSync(join(tmpdir(), 'civicnet-selfm-spool-'))
  ctx.records = []
  ctx.collector = createCollector(
    // retryMs: the first replay comes 15 s after the outage began, after every round below even
    // on a loaded machine (the three rounds take about 1 s on a quiet one)
    { poller: { intervalMs: MIN, timeoutMs: 2_000, retries: 0, tick: 'clock' }, writer: { spoolDir: ctx.spoolDir, maxDelayMs: 20, retryMs: 15_000 }, traps: false, unifi: false },
    { inventory: ctx.city.inventoryWithEndpoints(), store: ctx.store, clock: ctx.clock, log: silentLog, onPoll: (r) => ctx.records.push(r) },
  )
  await ctx.collector.start()
})

test.after(async (ctx) => {
  await ctx.collector?.stop()
  await ctx.city?.stop()
  await ctx.store?.close()
  await ctx.influxd?.stop()
  rmSync(ctx.spoolDir, { recursive: true, force: true })
})

/** One round: the clock moves a minute, every device is polled, the writer settles. */
async function round(ctx: Ctx) {
  const before = ctx.records.length
  ctx.clock.advance(MIN)
  for (let i = 0; i < 400 && ctx.records.length < before + POLLED; i++) await sleep(25)
  assert.is(ctx.records.length, before + POLLED)
  // the drain of the round's samples ends with a spool_samples sample; the second flush
  // writes (or spools) that one, which reports nothing after it
  await ctx.collector.writer.flush()
  await ctx.collector.writer.flush()
}

/** Sample lines waiting in the spool's segment files, read from disk: the test's own count. */
function spooledLines(dir: string): number {
  let n = 0
  for (const f of readdirSync(dir).filter((x) => /^seg-\d+\.jsonl$/.test(x))) {
    const acked = (() => {
      try {
        return Number(readFileSync(join(dir, f.replace('.jsonl', '.acked')), 'utf8'))
      } catch {
        return 0
      }
    })()
    n += readFileSync(join(dir, f), 'utf8').split('\n').slice(acked).filter((l) => l !== '' && !l.startsWith('{"k":"s"')).length
  }
  return n
}

const scrape = (ctx: Ctx) => parsePrometheusText(renderExposition(ctx.collector.metrics()))

async function stored(url: string): Promise<[number, number, string | null, string | null, string][]> {
  const q = `SELECT "value", "neighborhood", "instance", "device" FROM "spool_samples"`
  const res = await fetch(`${url}/query?db=civicnet&epoch=ms&q=${encodeURIComponent(q)}`)
  const body = (await res.json()) as { results: { series?: { columns: string[]; values: unknown[][] }[] }[] }
  return (body.results[0]?.series ?? []).flatMap((s) => s.values.map((v) => {
    const col = (n: string) => v[s.columns.indexOf(n)] as never
    return [(col('time') as number - START) / MIN, col('value'), col('neighborhood'), col('instance'), col('device')] as [number, number, string | null, string | null, string]
  }))
}

test('spool_samples rises with the samples waiting while influxd is down, lands on replay, then reads 0', async (ctx) => {
  const w = ctx.collector.writer
  await round(ctx) // minute 1: the store takes everything
  assert.is(spooledLines(ctx.spoolDir), 0)

  await ctx.influxd.halt()
  const waiting: number[] = []
  for (let r = 2; r <= 4; r++) {
    await round(ctx)
    const lines = spooledLines(ctx.spoolDir)
    // the writer's own tally is what is on disk
    assert.is(w.stats().spool.samples, lines, `round ${r}`)
    // the round's last spool_samples sample was taken before it was itself spooled: one fewer
    waiting.push(lines - 1)
  }
  assert.is(w.stats().retriedBatches, 0, 'no replay came between the rounds (the values below would be overwritten)')
  assert.ok(waiting[0]! > 0 && waiting[0]! < waiting[1]! && waiting[1]! < waiting[2]!, `rising: ${waiting}`)

  let m = scrape(ctx)
  assert.is(sampleValue(m, 'civicnet_collector_spool_samples'), waiting[2]! + 1)
  assert.is(sampleValue(m, 'civicnet_collector_store_up'), 0)
  assert.ok(sampleValue(m, 'civicnet_collector_writer_batches_total', { result: 'unreachable' }) >= 1)
  assert.is(sampleValue(m, 'civicnet_collector_writer_samples_total', { result: 'spooled' }), w.stats().spooledSamples)

  await ctx.influxd.restart()
  await round(ctx) // minute 5: spooled behind the rest, then the replay
  for (let i = 0; i < 600 && (w.stats().storeDown || w.stats().spool.segments > 0); i++) await sleep(50)
  assert.equal([w.stats().storeDown, w.stats().spool.samples], [false, 0])
  await w.flush() // the replay's own spool_samples sample: 0

  const rows = await stored(ctx.influxd.url)
  console.log(`  spool_samples by minute: ${rows.map(([min, v]) => `${min}: ${v}`).join(', ')} (replayed ${w.stats().replayedSamples} samples)`)
  assert.equal(rows, [
    [1, 0, null, null, 'collector-1-of-1'],
    [2, waiting[0]!, null, null, 'collector-1-of-1'],
    [3, waiting[1]!, null, null, 'collector-1-of-1'],
    [4, waiting[2]!, null, null, 'collector-1-of-1'],
    [5, 0, null, null, 'collector-1-of-1'],
  ])
  m = scrape(ctx)
  assert.is(sampleValue(m, 'civicnet_collector_spool_samples'), 0)
  assert.is(sampleValue(m, 'civicnet_collector_store_up'), 1)
  assert.ok(sampleValue(m, 'civicnet_collector_writer_retries_total') >= 1)
  assert.is(sampleValue(m, 'civicnet_collector_writer_samples_total', { result: 'replayed' }), w.stats().replayedSamples)
  assert.is(w.stats().replayedSamples, w.stats().spooledSamples)
})

test.run()
