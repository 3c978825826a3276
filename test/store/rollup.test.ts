import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Clock } from '../../core/clock.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { createRollupScheduler } from '../../store/rollup.ts'
import type { MetricStore } from '../../store/types.ts'

const M = 60_000
const BASE = Date.UTC(2024, 0, 1)
const quiet = { info: () => {}, warn: () => {}, error: () => {} }

const test = suite<{ store: MetricStore }>('rollup scheduler')
test.before.each(async (ctx) => {
  ctx.store = await openDuckDbStore({ path: ':memory:' })
  await ctx.store.init()
})
test.after.each(async (ctx) => {
  await ctx.store.close()
})

function manualClock(startMs: number): Clock & { set(ms: number): void } {
  let now = startMs
  return { now: () => now, speed: 1, after: () => () => {}, set: (ms) => { now = ms } }
}

test('rolls complete buckets up to each tier and moves the watermarks', async ({ store }) => {
  const clock = manualClock(BASE + 2 * 60 * M + 30_000) // 02:00:30
  await store.write([{ metric: 'c', device: 'a', neighborhood: 'n', instance: '', value: 4, timeMs: BASE + 10 * M }])
  const sched = createRollupScheduler(store, { clock, lateMs: 15 * M, initialLookbackMs: 3 * 60 * M }, quiet)
  const done = await sched.runNow()
  assert.equal(done.map((d) => [d.tier, d.fromMs - BASE, d.toMs - BASE]), [['5m', -60 * M, 120 * M], ['1h', -60 * M, 120 * M], ['1d', -24 * 60 * M, 0]])
  assert.equal(sched.watermarks(), { '5m': BASE + 120 * M, '1h': BASE + 120 * M, '1d': BASE })
  assert.equal((await store.rollupRows('1h', BASE, BASE + 60 * M, { metric: 'c', device: ['a'] })).map((r) => r.sum), [4])
})

test('recomputes the last lateMs so a late sample lands in the rollup', async ({ store }) => {
  const clock = manualClock(BASE + 60 * M)
  const sched = createRollupScheduler(store, { clock, lateMs: 30 * M, initialLookbackMs: 60 * M }, quiet)
  await sched.runNow()
  // a sample for 00:40 arrives at 01:05, within lateMs of the 5m watermark
  await store.write([{ metric: 'c', device: 'a', neighborhood: 'n', instance: '', value: 9, timeMs: BASE + 40 * M }])
  clock.set(BASE + 65 * M)
  const done = await sched.runNow()
  assert.equal(done[0]!.fromMs, BASE + 35 * M)
  assert.equal((await store.rollupRows('5m', BASE, BASE + 60 * M, { metric: 'c', device: ['a'] })).map((r) => [r.timeMs - BASE, r.sum]), [[40 * M, 9]])
})

test('runs on its cron schedule and stops', async ({ store }) => {
  const clock = manualClock(BASE + 60 * M)
  await store.write([{ metric: 'c', device: 'a', neighborhood: 'n', instance: '', value: 1, timeMs: BASE + 5 * M }])
  const sched = createRollupScheduler(store, { clock, lateMs: 0, cron: '* * * * * *', initialLookbackMs: 60 * M }, quiet)
  sched.start()
  const deadline = Date.now() + 3000
  while (!sched.watermarks()['5m'] && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50))
  await sched.stop()
  assert.is(sched.watermarks()['5m'], BASE + 60 * M)
})

test.run()
