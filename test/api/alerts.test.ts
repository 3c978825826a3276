/** GET /api/alerts over the real app: its parameters at and past their bounds. */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { bearer, harness, type Harness } from './support.ts'

const test = suite<{ h: Harness }>('alerts API', {} as { h: Harness })
test.before(async (ctx) => {
  ctx.h = await harness()
})
test.after(async (ctx) => ctx.h.close())

test('limit 1..500 and state firing|resolved; anything else a 400 naming the parameter', async ({ h }) => {
  const get = (q: string) => h.app.inject({ method: 'GET', url: `/api/alerts${q}`, headers: bearer(h.tokens.engineer) })
  for (const q of ['', '?limit=1', '?limit=500', '?state=firing', '?state=resolved&limit=3']) {
    const r = await get(q)
    assert.is(r.statusCode, 200, q)
    assert.equal(r.json(), { conditions: [], deliveries: [] })
  }
  for (const [q, field] of [['?limit=0', 'limit'], ['?limit=501', 'limit'], ['?limit=1e2', 'limit'], ['?limit=abc', 'limit'], ['?state=open', 'state'], ['?channel=x', 'channel']] as const) {
    const r = await get(q)
    assert.equal([r.statusCode, r.json().code], [400, 'CN_ERR_VALIDATION'], q)
    assert.match(r.json().message, field, q)
  }
})

test.run()
