import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { Writable } from 'node:stream'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import type { Sample, StationSighting } from '../../core/metrics.ts'
import { createSpool } from '../../collector/spool.ts'
import { createWriter } from '../../collector/writer.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { openInfluxStore } from '../../store/influx/index.ts'
import { StoreWriteError } from '../../store/query.ts'
import type { MetricStore } from '../../store/types.ts'
import { startInfluxd } from '../support/influxd.ts'

const log = pino({ level: 'silent' })
const sample = (i: number): Sample => ({ metric: 'wifi_clients', device: 'ap-1', neighborhood: 'downtown', instance: '', value: i, timeMs: 1_000 * i })

/** A store that can be switched off, recording every sample it acknowledged. */
function flakyStore() {
  const rows: Sample[] = []
  let up = true
  return {
    rows,
    set up(v: boolean) { up = v },
    async write(samples: readonly Sample[]) {
      if (!up) throw new Error('connect ECONNREFUSED 127.0.0.1:8086')
      rows.push(...samples)
    },
    async ping() { return up },
  }
}

const tmp = () => mkdtempSync(join(tmpdir(), 'civicnet-spool-'))

async function waitFor(what: string, cond: () => boolean, timeoutMs = 10_000) {
  const end = Date.now() + timeoutMs
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 10))
  }
}

/** The per-device count and sum of one metric over all time, as the store answers them. */
async function countAndSum(store: MetricStore, metric: string) {
  const q = { metric, groupBy: 'device' as const, fromMs: 0, toMs: 86_400_000, stepMs: 86_400_000 }
  return [await store.aggregate({ ...q, fn: 'count' }), await store.aggregate({ ...q, fn: 'sum' })]
}

test('the spool returns appended samples oldest segment first and forgets a segment once committed', () => {
  const dir = tmp()
  try {
    const spool = createSpool({ dir, segmentBytes: 300 }, { log })
    for (let i = 0; i < 10; i++) spool.append([sample(i)])
    const seen: number[] = []
    for (let seg = spool.oldest(); seg; seg = spool.oldest()) {
      seen.push(...seg.samples.map((x) => x.value))
      spool.commit(seg.seq)
    }
    assert.equal(seen, [0, 1, 2, 3, 4, 5, 6, 7, 8, 9])
    assert.ok(spool.isEmpty())
    assert.equal(readdirSync(dir), [])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a full spool drops its oldest segment and counts the dropped samples', () => {
  const dir = tmp()
  try {
    const spool = createSpool({ dir, segmentBytes: 500, maxBytes: 1000 }, { log })
    for (let i = 0; i < 30; i++) spool.append([sample(i)])
    const st = spool.stats()
    assert.ok(st.bytes <= 1000)
    assert.ok(st.droppedSamples > 0)
    const kept: number[] = []
    for (let seg = spool.oldest(); seg; seg = spool.oldest()) {
      kept.push(...seg.samples.map((x) => x.value))
      spool.commit(seg.seq)
    }
    // The newest samples survive, contiguous, and kept + dropped = appended.
    assert.is(kept.length + st.droppedSamples, 30)
    assert.equal(kept, Array.from({ length: kept.length }, (_, k) => 30 - kept.length + k))
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a spool reopened after a crash resumes after the acknowledged lines and skips a torn last line', () => {
  const dir = tmp()
  try {
    const a = createSpool({ dir }, { log })
    a.append([sample(1), sample(2), sample(3)])
    const seg = a.oldest()!
    a.ack(seg.seq, 2)
    writeFileSync(join(dir, readdirSync(dir).find((f) => f.endsWith('.jsonl'))!), '{"m":"torn', { flag: 'a' })
    const b = createSpool({ dir }, { log })
    const again = b.oldest()!
    assert.equal(again.samples.map((x) => x.value), [3])
    assert.is(b.stats().corruptLines, 1)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test('samples written while the store is down are spooled and replayed in order exactly once when it returns', async () => {
  const dir = tmp()
  const store = flakyStore()
  const w = createWriter({ spoolDir: dir, batchSize: 7, maxDelayMs: 5, retryMs: 20, spoolSegmentBytes: 400 }, { store, log })
  try {
    w.start()
    for (let i = 0; i < 50; i++) w.write([sample(i)])
    await w.flush()
    store.up = false
    for (let i = 50; i < 120; i++) w.write([sample(i)])
    await w.flush()
    assert.ok(w.stats().storeDown)
    assert.is(w.stats().spooledSamples, 70)
    store.up = true
    for (let i = 120; i < 150; i++) w.write([sample(i)])
    await w.flush()
    await new Promise((r) => setTimeout(r, 100))
    await w.flush()
    assert.equal(store.rows.map((x) => x.value), Array.from({ length: 150 }, (_, i) => i))
    assert.is(w.stats().storeDown, false)
    assert.is(w.stats().replayedSamples, 100)
    assert.equal(readdirSync(dir), [])
  } finally {
    await w.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a store that goes away between the samples and the sightings of one batch gets each sample once: only what it did not take is spooled', async () => {
  const dir = tmp()
  const store = flakyStore()
  const sightings: StationSighting[] = []
  let failNextSightings = true
  const mixed = Object.assign(store, {
    async writeSightings(rows: readonly StationSighting[]) {
      // the store dies right after it took the batch's samples
      if (failNextSightings) {
        failNextSightings = false
        store.up = false
      }
      if (!(await store.ping())) throw new Error('connect ECONNREFUSED 127.0.0.1:8086')
      sightings.push(...rows)
    },
  })
  const w = createWriter({ spoolDir: dir, batchSize: 100, maxDelayMs: 5, retryMs: 20 }, { store: mixed, log })
  const sighting = (i: number): StationSighting => ({ scope: 'day', period: '2026-12-01', device: 'ap-1', neighborhood: 'downtown', digest: i.toString(16).padStart(64, '0'), randomized: false })
  try {
    w.start()
    w.write([sample(0), sample(1), sample(2)])
    w.writeSightings([sighting(1), sighting(2)])
    w.write([sample(3)])
    await w.flush()
    assert.equal(store.rows.map((x) => x.value), [0, 1, 2], 'the samples before the sightings went through')
    assert.ok(w.stats().storeDown)
    assert.is(w.stats().spooledSamples, 1, 'the sample after the sightings was spooled, not the three the store took')
    assert.is(w.stats().spooledSightings, 2)
    store.up = true
    await waitFor('the replay', () => !w.stats().storeDown)
    assert.equal(store.rows.map((x) => x.value), [0, 1, 2, 3], 'each sample acknowledged once, in order')
    assert.equal(sightings.map((x) => x.digest), [sighting(1).digest, sighting(2).digest])
    assert.is(w.stats().writtenSamples, 4)
    assert.is(w.stats().replayedSamples, 1)
    assert.is(w.stats().replayedSightings, 2)
  } finally {
    await w.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a store that fails in the middle of a replay gets each sample once when it returns', async () => {
  const dir = tmp()
  const rows: Sample[] = []
  let writes = 0
  let failAt = -1
  const store = {
    async write(samples: readonly Sample[]) {
      writes++
      if (writes === failAt || failAt === 0) throw new Error('socket hang up')
      rows.push(...samples)
    },
    async ping() { return failAt !== 0 && writes !== failAt },
  }
  const w = createWriter({ spoolDir: dir, batchSize: 10, maxDelayMs: 5, retryMs: 20 }, { store, log })
  try {
    w.start()
    failAt = 0
    for (let i = 0; i < 45; i++) w.write([sample(i)])
    await w.flush()
    // Back, but the third write of the replay fails: the first two chunks must not repeat.
    failAt = writes + 3
    await new Promise((r) => setTimeout(r, 200))
    await w.flush()
    assert.equal(rows.map((x) => x.value), Array.from({ length: 45 }, (_, i) => i))
  } finally {
    await w.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('a batch a real DuckDB store refuses while answering pings is spooled and retried with backoff until every sample is stored once', async () => {
  const dir = tmp()
  const real = await openDuckDbStore({ path: ':memory:' })
  await real.init()
  // a full disk, say: DuckDB's ping still answers true while its writes fail
  let refusals = 3
  const attempts: number[] = []
  let acknowledged = 0
  const store = {
    async write(samples: readonly Sample[]) {
      attempts.push(Date.now())
      if (refusals > 0) {
        refusals--
        throw new StoreWriteError('DuckDB write of 10 samples failed: IO Error: No space left on device', true)
      }
      await real.write(samples)
      acknowledged += samples.length
    },
    ping: () => real.ping(),
  }
  const w = createWriter({ spoolDir: dir, batchSize: 10, maxDelayMs: 5, retryMs: 20, retryMaxMs: 1_000 }, { store, log })
  try {
    w.start()
    for (let i = 0; i < 95; i++) w.write([sample(i)])
    await w.flush()
    await waitFor('the spool to drain', () => !w.stats().storeDown && w.stats().spool.segments === 0)
    await w.flush()
    assert.is(acknowledged, 95, 'the store acknowledged each sample once')
    assert.equal(await countAndSum(real, 'wifi_clients'), [
      [{ group: 'ap-1', timeMs: 0, value: 95 }],
      [{ group: 'ap-1', timeMs: 0, value: 4465 }], // 0 + 1 + ... + 94
    ])
    const st = w.stats()
    assert.equal([st.writtenSamples, st.rejectedSamples, st.refusedWrites, st.spool.droppedSamples], [95, 0, 3, 0])
    // backoff: the gaps between the refused attempts grow (20, 40, 80 ms and more)
    const gaps = attempts.slice(1, 4).map((t, k) => t - attempts[k]!)
    assert.ok(gaps[1]! >= 35 && gaps[2]! >= 75, `gaps ${gaps.join(', ')} ms`)
    assert.equal(readdirSync(dir), [])
  } finally {
    await w.stop()
    await real.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('samples a real InfluxDB rejects as malformed (field-type conflict) are set aside in rejected.jsonl and the good ones stored', async () => {
  const dir = tmp()
  const influxd = await startInfluxd()
  let store: MetricStore | undefined
  const lines: { msg: string; reason?: string }[] = []
  const captureLog = pino({ level: 'warn' }, new Writable({
    write(chunk: Buffer, _enc, cb) {
      lines.push(JSON.parse(chunk.toString()) as { msg: string })
      cb()
    },
  }))
  const w = () => writer!
  let writer: ReturnType<typeof createWriter> | undefined
  try {
    store = await openInfluxStore({ url: influxd.url, database: 'civicnet', writer: { retryBaseMs: 10, maxRetries: 1, flushIntervalMs: 5 } })
    await store.init()
    // `value` of conflict_metric is an integer already: our floats conflict with it
    const res = await fetch(`${influxd.url}/write?db=civicnet&precision=ms`, { method: 'POST', body: 'conflict_metric,device=other value=1i 500' })
    assert.is(res.status, 204)
    writer = createWriter({ spoolDir: dir, batchSize: 20, maxDelayMs: 5, retryMs: 20 }, { store, log: captureLog })
    writer.start()
    // 40 samples in two batches of 20; every 7th is the malformed kind
    const all = Array.from({ length: 40 }, (_, i) => ({ ...sample(i), timeMs: 1_000 * (i + 1), metric: i % 7 === 3 ? 'conflict_metric' : 'wifi_clients' }))
    const bad = all.filter((x) => x.metric === 'conflict_metric')
    const good = all.filter((x) => x.metric === 'wifi_clients')
    writer.write(all)
    await writer.flush()
    const st = w().stats()
    assert.equal([st.writtenSamples, st.rejectedSamples, st.refusedWrites, st.spooledSamples, st.storeDown], [good.length, bad.length, 0, 0, false])
    assert.is(st.spool.rejectedSaved, bad.length)
    const rejected = readFileSync(join(dir, 'rejected.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { t: number; m: string; reason: string })
    assert.equal(rejected.map((r) => [r.m, r.t]), bad.map((x) => [x.metric, x.timeMs]))
    for (const r of rejected) assert.match(r.reason, 'partial write: field type conflict')
    assert.equal(await countAndSum(store, 'wifi_clients'), [
      [{ group: 'ap-1', timeMs: 0, value: good.length }],
      [{ group: 'ap-1', timeMs: 0, value: good.reduce((a, x) => a + x.value, 0) }],
    ])
    // only the integer point written beside the adapter is stored under conflict_metric
    assert.equal(await store.latest({ metric: 'conflict_metric' }), [{ device: 'other', neighborhood: '', instance: '', value: 1, timeMs: 500 }])
    // logged once for the kind, not once per sample or per batch
    assert.equal(lines.filter((l) => l.msg.startsWith('store rejected samples')).length, 1)
    assert.equal(readdirSync(dir), ['rejected.jsonl'])
  } finally {
    await writer?.stop()
    await store?.close()
    await influxd.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
