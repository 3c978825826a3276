/**
 * Planning: the time to assess (coverage geometry, need, cost) and to rank, for Hartford
 * (17 neighborhoods, 41 tracts, 224 APs) and for a synthetic city of 10,000 APs (100
 * neighborhoods of 1 km² on a 10 x 10 grid, two in three served, 100 APs each at seeded
 * random places: 3 times Hartford's served density of discs), and the
 * time a weight move takes to come back re-ranked through the API (its assessment cached).
 * Baseline in the same run: coverage the first way it was written, the discs near each area
 * united for that area alone (no union shared between areas). Both give the same shares
 * (the largest difference is printed). The synthetic city runs without the baseline: one
 * union of 10,000 discs, as the second way made it, ran out of a 4 GB heap.
 * Medians of 3 (Hartford); one run for the synthetic city.
 *
 *   node --import tsx bench/planning.ts      BENCH_SCALE=0.25 -> 2,500 synthetic APs
 */
import { featureCollection, intersect, union, area as turfArea, bbox as turfBbox } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import pino from 'pino'
import { buildApp } from '../api/app.ts'
import { createToken } from '../api/auth/tokens.ts'
import { manualClock } from '../core/clock.ts'
import { offsetM } from '../core/geo.ts'
import type { AreaGeometry, Inventory, Position } from '../core/inventory.ts'
import { disc, discsOf, coverage } from '../planning/coverage.ts'
import { assessPlan, DEFAULT_PLAN_CONFIG, rankPlan } from '../planning/index.ts'
import { HARTFORD_CITY_ESTIMATE, hartfordInventory, hartfordTracts } from '../provisioning/city/hartford.ts'
import { openAppState } from '../store/app-state.ts'
import { openDuckDbStore } from '../store/duckdb/index.ts'

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!
const ms = async (f: () => unknown) => {
  const t = performance.now()
  await f()
  return performance.now() - t
}
const s = (x: number) => `${(x / 1000).toFixed(2)} s`

function apPoints(inv: Inventory) {
  const site = new Map(inv.sites.map((x) => [x.id, x]))
  return inv.devices.filter((d) => d.kind === 'ap').map((d) => ({ id: d.id, position: [site.get(d.site)!.lon, site.get(d.site)!.lat] as Position, radiusM: DEFAULT_PLAN_CONFIG.radiusM }))
}

/** the baseline: for each area, the discs near it united for it alone, then cut by it */
function perAreaShares(areas: AreaGeometry[], aps: ReturnType<typeof apPoints>): number[] {
  const discs = aps.map(disc)
  const boxes = discs.map((d) => turfBbox(d))
  return areas.map((g) => {
    const a: Feature<Polygon | MultiPolygon> = { type: 'Feature', properties: {}, geometry: g as Polygon | MultiPolygon }
    const b = turfBbox(a)
    const near = discs.filter((_, i) => boxes[i]![0]! <= b[2]! && b[0]! <= boxes[i]![2]! && boxes[i]![1]! <= b[3]! && b[1]! <= boxes[i]![3]!)
    if (near.length === 0) return 0
    const u = near.length === 1 ? near[0]! : union(featureCollection(near))
    const cut = u ? intersect(featureCollection([a, u as Feature<Polygon | MultiPolygon>])) : null
    return cut ? turfArea(cut) / turfArea(a) : 0
  })
}

function synthetic(n: number): Inventory {
  let seed = 20261201
  const rnd = () => (seed = (seed * 1103515245 + 12345) % 2147483648) / 2147483648
  const origin: Position = [-72.9, 41.6]
  const neighborhoods: Inventory['neighborhoods'] = []
  const sites: Inventory['sites'] = []
  const devices: Inventory['devices'] = []
  const per = Math.ceil(n / 100)
  for (let i = 0; i < 10; i++) {
    for (let j = 0; j < 10; j++) {
      const sw = offsetM(origin, 1000 * i, 1000 * j)
      const ne = offsetM(sw, 1000, 1000)
      const id = `n-${i}-${j}`
      const served = (i + j) % 3 !== 0
      const pop = 2000 + Math.floor(rnd() * 8000)
      neighborhoods.push({ id, name: `N ${i} ${j}`, served, census: { population: pop, households: Math.floor(pop / 2.5), householdsWithoutBroadband: Math.floor((pop / 2.5) * rnd() * 0.3), pctWithoutBroadband: Math.round(rnd() * 300) / 10, povertyRatePct: Math.round(rnd() * 400) / 10 }, geometry: { type: 'Polygon', coordinates: [[sw, [ne[0], sw[1]], ne, [sw[0], ne[1]], sw]] } })
      for (let k = 0; k < per && devices.length < n; k++) {
        const [lon, lat] = offsetM(sw, rnd() * 1000, rnd() * 1000)
        sites.push({ id: `s-${devices.length}`, kind: 'pole', lon, lat, neighborhood: id })
        devices.push({ id: `ap-${devices.length}`, name: `AP ${devices.length}`, kind: 'ap', site: `s-${devices.length}`, mgmt: { host: '127.0.0.1', port: 161 }, credential: 'c' })
      }
    }
  }
  return { city: { name: 'Synthetic', timezone: 'UTC' }, neighborhoods, sites, devices, links: [] }
}

// --- Hartford
const inv = hartfordInventory(1)
const tracts = hartfordTracts()
const aps = apPoints(inv)
const areas = [...inv.neighborhoods.map((n) => n.geometry), ...tracts.map((t) => t.geometry)]
const base: number[] = []
const ours: number[] = []
const assessTimes: number[] = []
let baseShares: number[] = []
let ourShares: number[] = []
for (let k = 0; k < 3; k++) {
  base.push(await ms(() => (baseShares = perAreaShares(areas, aps))))
  ours.push(await ms(() => {
    const r = discsOf(aps)
    ourShares = areas.map((g) => coverage(g, r).areaShare)
  }))
  assessTimes.push(await ms(() => assessPlan({ inventory: inv, tracts, use: new Map(), config: DEFAULT_PLAN_CONFIG })))
}
const maxDiff = Math.max(...baseShares.map((b, i) => Math.abs(b - ourShares[i]!)))
const assessed = assessPlan({ inventory: inv, tracts, use: new Map(), config: DEFAULT_PLAN_CONFIG })
const rankTimes: number[] = []
for (let k = 0; k < 200; k++) rankTimes.push(await ms(() => rankPlan(assessed, { need: (k % 10) / 10, gap: 0.3, use: 0.1, cost: 0.2 }, 0)))
console.log(`Hartford, ${aps.length} APs, ${inv.neighborhoods.length} neighborhoods + ${tracts.length} tracts (medians of 3):`)
console.log(`  coverage of the ${areas.length} areas: union once ${s(median(ours))}   baseline (a union per area) ${s(median(base))}   largest difference in a share ${maxDiff.toExponential(2)}`)
console.log(`  assessPlan (coverage, need, cost, tracts): ${s(median(assessTimes))}   rankPlan for new weights: ${median(rankTimes).toFixed(2)} ms (median of 200)`)

// --- a weight move through the API, its assessment cached
const state = openAppState(':memory:')
state.replaceInventory(inv, 'bench')
const store = await openDuckDbStore({ path: ':memory:' })
await store.init()
const app = await buildApp({ summaryCacheMs: 0, webDir: null }, { store, appState: state, clock: manualClock(Date.parse('2026-12-01T12:00:00Z')), log: pino({ level: 'silent' }), planning: { tracts: () => tracts, cityEstimate: HARTFORD_CITY_ESTIMATE } })
const token = createToken(state.db, 'planner', 'bench')
const ask = (w: string) => app.inject({ method: 'GET', url: `/api/planning?weights=${w}`, headers: { authorization: `Bearer ${token}` } })
const first = await ms(() => ask('need:0.4,gap:0.3,use:0.1,cost:0.2'))
const moves: number[] = []
for (let k = 0; k < 50; k++) moves.push(await ms(() => ask(`need:${k % 10},gap:3,use:1,cost:2`)))
console.log(`  GET /api/planning: first ask ${s(first)} (assessment), a weight move after it ${median(moves).toFixed(1)} ms (median of 50, in-process inject)`)
await app.close()
await store.close()
state.close()

// --- the synthetic city
const n = Math.round(10_000 * Number(process.env.BENCH_SCALE ?? 1))
const syn = synthetic(n)
const synAps = syn.devices.length
let synAssessed: ReturnType<typeof assessPlan> | undefined
const synMs = await ms(() => (synAssessed = assessPlan({ inventory: syn, tracts: [], use: new Map(), config: DEFAULT_PLAN_CONFIG })))
const synRank = median(Array.from({ length: 20 }, () => 0).map(() => {
  const t = performance.now()
  rankPlan(synAssessed!, DEFAULT_PLAN_CONFIG.weights, 0)
  return performance.now() - t
}))
console.log(`synthetic city, ${synAps} APs, ${syn.neighborhoods.length} neighborhoods (one run): assessPlan ${s(synMs)}   rankPlan ${synRank.toFixed(2)} ms`)
