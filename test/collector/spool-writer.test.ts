import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import type { Sample } from '../../core/metrics.ts'
import { createSpool } from '../../collector/spool.ts'
import { createWriter } from '../../collector/writer.ts'

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

test.run()
