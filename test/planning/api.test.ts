/**
 * GET /api/planning over the real app (test inventory, DuckDB with the harness's samples):
 * its JSON is rankPlan(assessPlan(...)) of the same inputs, the CSV and GeoJSON carry the
 * same rows, weights re-rank, every bad parameter is a 400 naming it, and only planners,
 * analysts and admins are let in.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { assessPlan, DEFAULT_PLAN_CONFIG, rankPlan } from '../../planning/index.ts'
import { apUse } from '../../planning/use.ts'
import { parseCsv } from '../../reports/render/csv.ts'
import { T, bearer, harness, inventory } from '../api/support.ts'

test('JSON equals the domain computation; CSV and GeoJSON the same rows; weights re-rank; bad input named; roles', async () => {
  const h = await harness()
  try {
    const get = (q: string, role: 'planner' | 'analyst' | 'admin' | 'engineer' = 'planner') => h.app.inject({ method: 'GET', url: `/api/planning${q}`, headers: bearer(h.tokens[role]) })
    const res = await get('')
    assert.is(res.statusCode, 200, res.body)
    const use = await apUse(h.store, { aps: inventory.devices.filter((d) => d.kind === 'ap').map((d) => d.id), nowMs: T, thresholdClients: 30 })
    const direct = rankPlan(assessPlan({ inventory, tracts: [], use, config: DEFAULT_PLAN_CONFIG }), DEFAULT_PLAN_CONFIG.weights, T, null)
    assert.equal(res.json(), JSON.parse(JSON.stringify(direct)))
    assert.equal(res.json().weights, { need: 0.4, gap: 0.3, use: 0.1, cost: 0.2 })
    assert.equal(res.json().ranking.map((r: { id: string; served: boolean }) => [r.id, r.served]).sort(), [['north', true], ['south', false]])
    // the harness's APs sit in North End: some of it covered; South End's ap-5 covers part of it too
    const north = res.json().ranking.find((r: { id: string }) => r.id === 'north')
    assert.ok(north.figures.coveredAreaShare > 0 && north.figures.coveredAreaShare < 1, `${north.figures.coveredAreaShare}`)
    assert.is(res.json().costTotal, res.json().ranking.find((r: { id: string }) => r.id === 'south').costEstimate)

    // weights: all on gap, then all on need, each ranks by that factor alone
    for (const f of ['gap', 'need'] as const) {
      const w = await get(`?weights=${f}:1,need:${f === 'need' ? 1 : 0},gap:${f === 'gap' ? 1 : 0},use:0,cost:0`)
      const rows = w.json().ranking as { id: string; factors: Record<string, number>; score: number }[]
      assert.equal(rows.map((r) => r.score), rows.map((r) => r.factors[f]), f)
      assert.ok(rows[0]!.factors[f] >= rows[1]!.factors[f], f)
    }

    const csv = await get('?format=csv')
    assert.equal([csv.statusCode, csv.headers['content-type'], csv.headers['content-disposition']], [200, 'text/csv; charset=utf-8; header=present', 'attachment; filename="testville-plan.csv"'])
    const rows = parseCsv(csv.body)
    assert.equal(rows.map((r) => [r.level, r.id, r.rank, r.score, r.cost_estimate_usd]), direct.ranking.map((r) => ['neighborhood', r.id, String(r.rank), String(r.score), String(r.costEstimate)]))
    const geo = await get('?format=geojson')
    assert.equal([geo.statusCode, geo.headers['content-type']], [200, 'application/geo+json; charset=utf-8'])
    const fc = JSON.parse(geo.body)
    assert.is(fc.type, 'FeatureCollection')
    assert.equal(fc.features.map((f: { id: string; properties: { rank: number } }) => [f.id, f.properties.rank]), direct.ranking.map((r) => [r.id, r.rank]))
    for (const f of fc.features) {
      const [lon, lat] = f.geometry.coordinates[0][0]
      assert.ok(lon < -72 && lon > -73 && lat > 41 && lat < 42, 'lon, lat order (RFC 7946)')
    }

    const bad: [string, string, RegExp][] = [
      ['?weights=need:0.4,reach:1', 'CN_ERR_BAD_REQUEST', /weights: unknown factor 'reach' \(one of need, gap, use, cost\)/],
      ['?weights=need:0,gap:0,use:0,cost:0', 'CN_ERR_BAD_REQUEST', /weights: at least one weight must be more than 0/],
      ['?weights=need:abc', 'CN_ERR_BAD_REQUEST', /weights: 'need:abc' must be factor:weight/],
      ['?radiusM=5', 'CN_ERR_VALIDATION', /querystring\.radiusM must be >= 10/],
      ['?radiusM=2001', 'CN_ERR_VALIDATION', /querystring\.radiusM must be <= 2000/],
      ['?apCostUsd=-1', 'CN_ERR_VALIDATION', /querystring\.apCostUsd/],
      ['?saturationClients=0', 'CN_ERR_VALIDATION', /querystring\.saturationClients/],
      ['?format=xlsx', 'CN_ERR_VALIDATION', /querystring\.format must be one of json, csv, geojson, html, pdf/],
      ['?level=tract', 'CN_ERR_VALIDATION', /querystring has unknown field 'level'/],
      ['?radiusByModel=AP-X:5', 'CN_ERR_BAD_REQUEST', /^bad request: radiusByModel: the radius of AP-X must be 10 to 2000 m, got 5$/],
      ['?radiusByModel=AP-X', 'CN_ERR_BAD_REQUEST', /radiusByModel: 'AP-X' must be model:metres, like UAP-AC-M:150/],
    ]
    for (const [q, code, message] of bad) {
      const r = await get(q)
      assert.equal([r.statusCode, r.json().code], [400, code], `${q}: ${r.body}`)
      assert.match(r.json().message, message, q)
    }
    // a radius per AP model: ap-1 (model AP-X) reaches 500 m, the others keep 100 m
    const wide = (await get('?radiusByModel=AP-X:500')).json()
    const wideNorth = wide.ranking.find((r: { id: string }) => r.id === 'north')
    assert.ok(wideNorth.figures.coveredAreaShare > north.figures.coveredAreaShare, `${wideNorth.figures.coveredAreaShare} > ${north.figures.coveredAreaShare}`)
    assert.equal(wide.config.radiusByModel, { 'AP-X': 500 })
    // bounds: accepted at the edges
    assert.is((await get('?radiusM=10')).statusCode, 200)
    assert.is((await get('?radiusM=2000&apCostUsd=0&fiberCostPerKmUsd=0&saturationClients=1')).statusCode, 200)
    assert.is((await get('', 'analyst')).statusCode, 200)
    assert.is((await get('', 'admin')).statusCode, 200)
    assert.is((await get('', 'engineer')).statusCode, 403)
    assert.is((await h.app.inject({ method: 'GET', url: '/api/planning' })).statusCode, 401)
  } finally {
    await h.close()
  }
})

test.run()
