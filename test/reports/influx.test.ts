/**
 * The same report on InfluxDB (Debian's influxd 1.6.7) as on DuckDB: the fixture written to
 * both, buildReport over each gives byte-identical JSON (so the same dataVersion: the store
 * answers digest the same), before and after the rollups, and the open-period cut at "now".
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildReport } from '../../reports/index.ts'
import { renderJson } from '../../reports/render/json.ts'
import { openInfluxStore } from '../../store/influx/index.ts'
import { startInfluxd, type Influxd } from '../support/influxd.ts'
import { DATA_FROM_MS, DATA_TO_MS, FROM, NOW_MS, openFixture, TO, type Fixture } from './fixture.ts'

interface Ctx {
  influxd: Influxd
  duck: Fixture
  influx: Fixture
}
const test = suite<Ctx>('reports: the same report on InfluxDB as on DuckDB', {} as Ctx)
test.before(async (ctx) => {
  ctx.influxd = await startInfluxd()
  ctx.duck = await openFixture()
  ctx.influx = await openFixture({ store: await openInfluxStore({ url: ctx.influxd.url, database: 'report_test' }) })
})
test.after(async (ctx) => {
  await ctx.duck?.close()
  await ctx.influx?.close()
  await ctx.influxd?.stop()
})

test('byte-identical JSON from raw samples, for all neighborhoods and for one', async ({ duck, influx }) => {
  for (const neighborhoods of ['all', 'east'] as const) {
    const a = renderJson(await buildReport({ from: FROM, to: TO, neighborhoods }, duck.deps))
    const b = renderJson(await buildReport({ from: FROM, to: TO, neighborhoods }, influx.deps))
    assert.is(b, a, neighborhoods)
  }
})

test('byte-identical after the rollups (the report reads the 1h tier where it is complete)', async ({ duck, influx }) => {
  const before = renderJson(await buildReport({ from: FROM, to: TO }, duck.deps))
  for (const f of [duck, influx]) {
    await f.store.rollup('5m', DATA_FROM_MS, DATA_TO_MS)
    await f.store.rollup('1h', DATA_FROM_MS, DATA_TO_MS)
    await f.store.rollup('1d', Math.floor(DATA_FROM_MS / 86_400_000) * 86_400_000, DATA_TO_MS)
  }
  const a = renderJson(await buildReport({ from: FROM, to: TO }, duck.deps))
  const b = renderJson(await buildReport({ from: FROM, to: TO }, influx.deps))
  assert.is(b, a)
  assert.is(a, before, 'the same figures and data version from rollups as from raw samples')
})

test('an open period is cut at now on both', async ({ duck, influx }) => {
  const now = Date.parse('2026-03-09T17:30:45.500Z')
  duck.clock.set(now)
  influx.clock.set(now)
  try {
    const a = await buildReport({ from: FROM, to: TO }, duck.deps)
    const b = await buildReport({ from: FROM, to: TO }, influx.deps)
    assert.is(renderJson(b), renderJson(a))
    assert.is(a.period.open, true)
  } finally {
    duck.clock.set(NOW_MS)
    influx.clock.set(NOW_MS)
  }
})

test.run()
