/**
 * planning/: coverage against cases worked out by hand (a square grid of APs over a known
 * square; two overlapping discs; a neighborhood of two tracts whose people are weighted by
 * tract), Hartford's coverage against an independent count in the test (a 25 m grid of
 * points, each inside or outside 100 m of an AP by haversine distance), the cost proxy's
 * arithmetic, the ranking stable for fixed weights, each factor's weight moving the rank
 * the right way, and bad weights named.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { haversineM, offsetM, pointInArea } from '../../core/geo.ts'
import type { AreaGeometry, Inventory, Position } from '../../core/inventory.ts'
import { coverage, discsOf } from '../../planning/coverage.ts'
import { assessPlan, buildPlan, DEFAULT_PLAN_CONFIG, FACTORS, parseWeights, PlanInputError, rankPlan, type Weights } from '../../planning/index.ts'
import { hartfordInventory, hartfordTracts } from '../../provisioning/city/hartford.ts'

const ORIGIN: Position = [-72.7, 41.75]
/** a square of side m metres, its south-west corner at sw */
function square(sw: Position, sideM: number): AreaGeometry {
  const ne = offsetM(sw, sideM, sideM)
  return { type: 'Polygon', coordinates: [[sw, [ne[0], sw[1]], ne, [sw[0], ne[1]], sw]] }
}
/** the area of a regular 64-gon inscribed in a circle of r m: what a Turf disc is */
const gon64 = (r: number) => 32 * r * r * Math.sin((2 * Math.PI) / 64)
const near = (actual: number, expected: number, rel: number, what: string) => assert.ok(Math.abs(actual - expected) <= rel * expected, `${what}: ${actual} vs ${expected} (±${rel * 100} %)`)

test('a 5 x 5 grid of APs, 200 m apart, radius 100 m, over a 1 km square: 25 whole discs, 78.4 % covered', () => {
  const area = square(ORIGIN, 1000)
  const aps = []
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) aps.push({ id: `ap-${i}-${j}`, position: offsetM(ORIGIN, 100 + 200 * i, 100 + 200 * j), radiusM: 100 })
  const c = coverage(area, discsOf(aps))
  near(c.areaM2, 1e6, 0.002, 'the square')
  near(c.coveredM2, 25 * gon64(100), 0.002, 'covered')
  near(c.areaShare, (25 * gon64(100)) / 1e6, 0.003, 'share')
  // half the grid's discs outside the square: a disc cut in half counts half
  const edge = coverage(area, discsOf([{ id: 'edge', position: offsetM(ORIGIN, 0, 500), radiusM: 100 }]))
  near(edge.coveredM2, gon64(100) / 2, 0.003, 'a disc on the edge')
})

test('two discs 100 m apart (radius 100 m) overlap: the lens is counted once', () => {
  const area = square(offsetM(ORIGIN, -1000, -1000), 3000)
  const c = coverage(area, discsOf([{ id: 'a', position: ORIGIN, radiusM: 100 }, { id: 'b', position: offsetM(ORIGIN, 100, 0), radiusM: 100 }]))
  // union = 2 pi r^2 - (2 r^2 acos(d / 2r) - (d / 2) sqrt(4 r^2 - d^2)), with d = r
  const lens = 2 * 100 * 100 * Math.acos(0.5) - 50 * Math.sqrt(4 * 100 * 100 - 100 * 100)
  near(c.coveredM2, 2 * Math.PI * 100 * 100 - lens, 0.004, 'the union')
})

test('population share: a neighborhood of two tracts, its APs over the denser one only', () => {
  const west = square(ORIGIN, 1000)
  const east = square(offsetM(ORIGIN, 1000, 0), 1000)
  const hood: AreaGeometry = { type: 'Polygon', coordinates: [[ORIGIN, offsetM(ORIGIN, 2000, 0), offsetM(ORIGIN, 2000, 1000), offsetM(ORIGIN, 0, 1000), ORIGIN]] }
  const sites = [] as Inventory['sites']
  const devices = [] as Inventory['devices']
  for (let i = 0; i < 5; i++) for (let j = 0; j < 5; j++) {
    const [lon, lat] = offsetM(ORIGIN, 1100 + 200 * i, 100 + 200 * j)
    sites.push({ id: `s-${i}-${j}`, kind: 'pole', lon, lat, neighborhood: 'twin' })
    devices.push({ id: `ap-${i}-${j}`, name: `AP ${i} ${j}`, kind: 'ap', site: `s-${i}-${j}`, mgmt: { host: '127.0.0.1', port: 161 }, credential: 'c' })
  }
  const inv: Inventory = {
    city: { name: 'Twin', timezone: 'UTC' },
    neighborhoods: [
      { id: 'twin', name: 'Twin', served: true, census: { population: 4000, households: 1600, householdsWithoutBroadband: 320, pctWithoutBroadband: 20, povertyRatePct: 25 }, geometry: hood },
      { id: 'other', name: 'Other', served: false, census: { population: 1000, households: 400, householdsWithoutBroadband: 100, pctWithoutBroadband: 25, povertyRatePct: 30 }, geometry: square(offsetM(ORIGIN, 0, 3000), 1000) },
    ],
    sites,
    devices,
    links: [],
  }
  const tract = (id: string, population: number, geometry: AreaGeometry) => ({ id, name: id, neighborhood: 'twin', population, households: population / 2.5, householdsWithoutBroadband: 0, pctWithoutBroadband: null, povertyRatePct: null, pctBelow200PovertyPct: 40, geometry })
  const plan = buildPlan({ inventory: inv, tracts: [tract('w', 1000, west), tract('e', 3000, east)], use: new Map(), config: DEFAULT_PLAN_CONFIG, nowMs: 0 })
  const twin = plan.ranking.find((r) => r.id === 'twin')!
  const eastShare = (25 * gon64(100)) / 1e6
  near(twin.figures.coveredAreaShare, eastShare / 2, 0.004, 'area share: half the neighborhood is the covered tract')
  near(twin.figures.coveredPopulationShare, (3000 * eastShare) / 4000, 0.004, 'population share: the east tract holds 3 of 4 residents')
  assert.equal(Object.fromEntries(twin.tracts!.map((t) => [t.id, t.figures.aps])), { w: 0, e: 25 })
  // the cost proxy's arithmetic for Other (1 km², no AP, not served): APs = ceil(1e6 / (2.598 x 100^2)) = 39;
  // feeder: a straight line from its centroid to the nearest served site; distribution 39 x 161.2 m
  const other = plan.ranking.find((r) => r.id === 'other')!
  assert.is(other.apsNeeded, Math.ceil(other.figures.areaKm2 * 1e6 / (2.598 * 100 * 100)))
  assert.is(other.apsNeeded, 39)
  const centroid = offsetM(ORIGIN, 500, 3500)
  const feederKm = Math.min(...sites.map((s) => haversineM(centroid, [s.lon, s.lat]))) / 1000
  near(other.fiberKm, feederKm + (39 * 1.612 * 100) / 1000, 0.01, 'fiber km')
  assert.is(other.fiberBasis, 'straight-line feeder')
  near(other.costEstimate, 39 * DEFAULT_PLAN_CONFIG.apCostUsd + other.fiberKm * DEFAULT_PLAN_CONFIG.fiberCostPerKmUsd, 0.001, 'cost')
  assert.is(plan.costTotal, other.costEstimate, 'the total is over the unserved neighborhoods')
})

test("Hartford's coverage equals an independent count: a 25 m grid of points, each within 100 m of an AP or not", () => {
  const inv = hartfordInventory(1)
  const tracts = hartfordTracts()
  const assessed = assessPlan({ inventory: inv, tracts, use: new Map(), config: DEFAULT_PLAN_CONFIG })
  const site = new Map(inv.sites.map((s) => [s.id, [s.lon, s.lat] as Position]))
  const aps = inv.devices.filter((d) => d.kind === 'ap').map((d) => site.get(d.site)!)
  // buckets of about 200 m, so each point looks at the APs near it only
  const key = (p: Position) => `${Math.floor(p[0] / 0.0024)},${Math.floor(p[1] / 0.0018)}`
  const buckets = new Map<string, Position[]>()
  for (const p of aps) buckets.set(key(p), [...(buckets.get(key(p)) ?? []), p])
  const reached = (p: Position) => {
    const [bx, by] = key(p).split(',').map(Number) as [number, number]
    for (let dx = -1; dx <= 1; dx++) for (let dy = -1; dy <= 1; dy++) for (const a of buckets.get(`${bx + dx},${by + dy}`) ?? []) if (haversineM(p, a) <= 100) return true
    return false
  }
  let compared = 0
  for (const n of inv.neighborhoods) {
    const row = assessed.rows.find((r) => r.id === n.id)!
    const ring = n.geometry.type === 'Polygon' ? n.geometry.coordinates[0]! : n.geometry.coordinates.flatMap((p) => p[0]!)
    const lons = ring.map((p) => p[0])
    const lats = ring.map((p) => p[1])
    const stepLon = 25 / (111_320 * Math.cos((41.76 * Math.PI) / 180))
    const stepLat = 25 / 110_950
    let inside = 0
    let covered = 0
    for (let lon = Math.min(...lons); lon <= Math.max(...lons); lon += stepLon) {
      for (let lat = Math.min(...lats); lat <= Math.max(...lats); lat += stepLat) {
        if (!pointInArea([lon, lat], n.geometry)) continue
        inside++
        if (reached([lon, lat])) covered++
      }
    }
    const grid = covered / inside
    assert.ok(Math.abs(row.figures.coveredAreaShare - grid) <= 0.01, `${n.name}: Turf ${row.figures.coveredAreaShare}, grid ${grid.toFixed(4)} (${inside} points)`)
    if (n.served) assert.ok(row.figures.coveredAreaShare > 0.05, `${n.name} is served: ${row.figures.coveredAreaShare}`)
    compared++
  }
  assert.is(compared, 17)
  assert.is(assessed.rows.reduce((s, r) => s + (r.tracts?.length ?? 0), 0), 41, 'every tract in its neighborhood')
})

test('the ranking: stable for fixed weights; raising a factor\'s weight never lowers the area strongest in it; bad weights named', () => {
  const inv = hartfordInventory(1)
  const assessed = assessPlan({ inventory: inv, tracts: hartfordTracts(), use: new Map([['ap-downtown-001', { peakClients: 60, hours: 100, saturatedHours: 40 }]]), config: DEFAULT_PLAN_CONFIG })
  const a = rankPlan(assessed, DEFAULT_PLAN_CONFIG.weights, 0)
  const b = rankPlan(assessed, DEFAULT_PLAN_CONFIG.weights, 0)
  assert.equal(a, b)
  assert.equal(a.ranking.map((r) => r.rank), Array.from({ length: 17 }, (_, i) => i + 1))
  for (const f of FACTORS) {
    const strongest = [...a.ranking].sort((x, y) => y.factors[f] - x.factors[f])[0]!
    const heavy = Object.fromEntries(FACTORS.map((g) => [g, g === f ? 0.85 : 0.05])) as Weights
    const moved = rankPlan(assessed, heavy, 0).ranking.find((r) => r.id === strongest.id)!
    assert.ok(moved.rank <= strongest.rank, `${f}: ${strongest.name} from rank ${strongest.rank} to ${moved.rank}`)
    assert.is(moved.reasons[0]!.split(':')[0], f, `${strongest.name}'s first reason is ${f} when ${f} weighs most`)
  }
  // use: the one saturated AP makes Downtown the strongest in use
  assert.is([...a.ranking].sort((x, y) => y.factors.use - x.factors.use)[0]!.id, 'downtown')
  assert.equal(parseWeights('need:2,gap:1,use:0,cost:1'), { need: 0.5, gap: 0.25, use: 0, cost: 0.25 })
  // a factor not named keeps its default, then all are normalised: 1 + 0.3 + 0.1 + 0.2 = 1.6
  assert.equal(parseWeights('need=1'), { need: 0.625, gap: 0.1875, use: 0.0625, cost: 0.125 })
  for (const [text, message] of [
    ['need:0.4,reach:0.1', "unknown factor 'reach' (one of need, gap, use, cost)"],
    ['need:-1', "'need:-1' must be factor:weight, like need:0.4"],
    ['need:0,gap:0,use:0,cost:0', 'at least one weight must be more than 0'],
    ['need', "'need' must be factor:weight, like need:0.4"],
  ]) {
    assert.throws(() => parseWeights(text), (err: Error) => err instanceof PlanInputError && err.message === message, text)
  }
})

test.run()
