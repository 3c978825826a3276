import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { HOUR, T, harness, type Harness } from './support.ts'

const test = suite<{ live: Harness; demo: Harness }>('GET /api/meta', {} as { live: Harness; demo: Harness })
test.before(async (ctx) => {
  ctx.live = await harness({ pollIntervalMs: 30_000 })
  ctx.demo = await harness({ history: { fromMs: T - 7 * 24 * HOUR, stepMs: HOUR, liveSinceMs: T - HOUR } })
})
test.after(async (ctx) => {
  await ctx.live.close()
  await ctx.demo.close()
})

test('says the poll interval and store to anyone, and no history where all data is live', async ({ live }) => {
  const res = await live.app.inject({ method: 'GET', url: '/api/meta' })
  assert.is(res.statusCode, 200)
  assert.equal(res.json(), { pollIntervalMs: 30_000, store: 'duckdb', nowMs: T, history: null })
})

test('says where the demo history, polled once an hour, ends and live polling starts', async ({ demo }) => {
  const res = await demo.app.inject({ method: 'GET', url: '/api/meta' })
  assert.equal(res.json().history, { fromMs: T - 7 * 24 * HOUR, stepMs: HOUR, liveSinceMs: T - HOUR })
  assert.is(res.json().pollIntervalMs, 60_000)
})

test.run()
