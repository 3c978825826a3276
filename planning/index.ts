/**
 * Where to expand next: per neighborhood (and census tract within it) the coverage of the
 * APs there (coverage.ts), the need from the census figures, the use where served (use.ts),
 * a cost proxy for covering the rest, and a ranking by a weighted score of the four, each
 * row saying in words why it ranks where it does. Pure: inventory, tracts, AP use and the
 * configuration in; the plan out (api/routes/planning and `civicnet plan` call it).
 *
 * The method, stated in every plan (PLAN_METHOD) and in docs/PLANNING.md:
 * - need: five census indicators, each min-max normalised over the areas of the same level
 *   (n(x) = (x - min) / (max - min); 0 when all are equal): households without broadband,
 *   the share of households without broadband, the poverty rate, the share below 200 % of
 *   poverty, population density; need = their mean (an indicator the census leaves out is
 *   left out of the mean);
 * - gap = 1 - the share of residents within an AP's service radius;
 * - use = the share of AP-hours above the saturation threshold (clients per AP) over the
 *   last 28 days, where the area has APs; 0 elsewhere (nothing measured);
 * - cost proxy: APs needed = ceil(uncovered area / (2.598 r^2)) (a hexagonal grid of discs of
 *   radius r); fiber = a feeder from the nearest existing fiber route or served site to the
 *   area's centroid, straight line (the inventory has fiber routes, no street grid; 0 for a
 *   served area), plus 1.612 r of distribution per new AP (the spacing of that grid);
 *   cost = APs x the installed cost per AP + km x the cost per km; the cost factor =
 *   1 - n(cost per resident not yet reached) over the areas with something to build, 0
 *   where there is nothing to build;
 * - score = the weighted sum of the four factors, weights normalised to sum to 1.
 */
import { centroid, nearestPointOnLine, distance as turfDistance, lineString, point } from '@turf/turf'
import { pointInArea } from '../core/geo.ts'
import type { AreaGeometry, Inventory, Position, Tract } from '../core/inventory.ts'
import { coverage, discsOf, type ApPoint, type Reach } from './coverage.ts'
import type { ApUse } from './use.ts'

export const FACTORS = ['need', 'gap', 'use', 'cost'] as const
export type Factor = (typeof FACTORS)[number]
export type Weights = Record<Factor, number>

/** need first: who lacks a connection; the gap and the cost next; use where served */
export const DEFAULT_WEIGHTS: Weights = { need: 0.4, gap: 0.3, use: 0.1, cost: 0.2 }

export interface PlanConfig {
  weights: Weights
  /** an AP's service radius, m (default 100: the Wi-Fi Alliance's "at most the area of a football field" for an unobstructed outdoor signal) */
  radiusM: number
  /** per AP model, m (inventory device model), over radiusM */
  radiusByModel: Record<string, number>
  /** installed cost of one outdoor AP, USD (an assumption: set it to your quotes) */
  apCostUsd: number
  /** fiber construction per km, USD (default: Cartesian's 2023 urban underground median, $23.25/ft) */
  fiberCostPerKmUsd: number
  /** an AP-hour above this many clients is saturated */
  saturationClients: number
}

export const DEFAULT_PLAN_CONFIG: PlanConfig = {
  weights: DEFAULT_WEIGHTS,
  radiusM: 100,
  radiusByModel: {},
  apCostUsd: 5_000,
  fiberCostPerKmUsd: Math.round(23.25 * 3280.84),
  saturationClients: 30,
}

/** Census figures of a tract (ACS 5-year), with its polygon (core/inventory.ts). */
export type PlanTract = Tract

export interface PlanRow {
  id: string
  name: string
  served: boolean
  rank: number
  score: number
  factors: Record<Factor, number>
  /** each factor in words, with its figure (the reasons are two of these) */
  explain: Record<Factor, string>
  reasons: string[]
  figures: {
    population: number
    households: number
    householdsWithoutBroadband: number
    pctWithoutBroadband: number | null
    povertyRatePct: number | null
    pctBelow200PovertyPct: number | null
    areaKm2: number
    densityPerKm2: number
    aps: number
    coveredAreaShare: number
    coveredPopulationShare: number
    peakClientsPerAp: number | null
    saturationShare: number | null
  }
  apsNeeded: number
  fiberKm: number
  /** how the feeder part of fiberKm was measured: a straight line from the nearest fiber route or served site, or none (a served area, or nothing to build) */
  fiberBasis: 'straight-line feeder' | 'no feeder'
  costEstimate: number
  /** for a neighborhood: its tracts, ranked among themselves (tract level) */
  tracts?: PlanRow[]
}

export interface Plan {
  generatedMs: number
  city: string
  weights: Weights
  config: Omit<PlanConfig, 'weights'>
  ranking: PlanRow[]
  /** the cost estimate summed over the neighborhoods not served yet */
  costTotal: number
  /** the city's own figure to compare with, when it has one */
  cityEstimate: { usd: number; label: string } | null
  method: string[]
}

export const PLAN_METHOD = [
  'Need: households without broadband, the share of households without broadband, the poverty rate, the share below 200 % of poverty and population density (ACS 2019-2023), each min-max normalised over the areas of the same level; need is their mean.',
  'Gap: 1 minus the share of residents within an AP\'s service radius (Turf discs of 64 sides, united and cut by the area; tract populations taken as spread evenly over each tract).',
  'Use: the share of AP-hours above the saturation threshold (clients per AP) over the last 28 days, where the area has APs; 0 elsewhere.',
  'Cost: APs needed = ceil(uncovered area / 2.598 r²) (a hexagonal grid); fiber = a straight-line feeder from the nearest fiber route or served site to the centroid (none for a served area; the inventory has no street grid) plus 1.612 r per new AP; cost = APs × cost per AP + km × cost per km. The cost factor is 1 minus the normalised cost per resident not yet reached; 0 where there is nothing to build.',
  'Score: the weighted sum of the four factors, the weights normalised to sum to 1. Reasons name the two largest weighted factors.',
]

export class PlanInputError extends Error {
  constructor(
    message: string,
    readonly field: string,
  ) {
    super(message)
    this.name = 'PlanInputError'
  }
}

/** "need:0.4,gap:0.3,use:0.1,cost:0.2" (or '=' for ':'); factors not named keep their default; normalised to sum 1. */
export function parseWeights(text: string | undefined, field = 'weights'): Weights {
  const w: Weights = { ...DEFAULT_WEIGHTS }
  if (text === undefined || text.trim() === '') return w
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*[:=]\s*([0-9]*\.?[0-9]+)\s*$/.exec(part)
    if (!m) throw new PlanInputError(`'${part.trim().slice(0, 30)}' must be factor:weight, like need:0.4`, field)
    if (!(FACTORS as readonly string[]).includes(m[1]!)) throw new PlanInputError(`unknown factor '${m[1]}' (one of ${FACTORS.join(', ')})`, field)
    const v = Number(m[2])
    if (!Number.isFinite(v) || v > 100) throw new PlanInputError(`the weight of ${m[1]} must be a number from 0 to 100`, field)
    w[m[1] as Factor] = v
  }
  return normaliseWeights(w, field)
}

export function normaliseWeights(w: Weights, field = 'weights'): Weights {
  const sum = FACTORS.reduce((s, f) => s + w[f], 0)
  if (!(sum > 0)) throw new PlanInputError('at least one weight must be more than 0', field)
  return Object.fromEntries(FACTORS.map((f) => [f, Math.round((w[f] / sum) * 1e6) / 1e6])) as Weights
}

const round = (x: number, d: number) => Math.round(x * 10 ** d) / 10 ** d
const normaliser = (xs: readonly (number | null)[]) => {
  const vs = xs.filter((x): x is number => x !== null)
  const min = Math.min(...vs)
  const max = Math.max(...vs)
  return (x: number | null) => (x === null ? null : max > min ? (x - min) / (max - min) : 0)
}
const mean = (xs: readonly (number | null)[]) => {
  const vs = xs.filter((x): x is number => x !== null)
  return vs.length ? vs.reduce((a, b) => a + b, 0) / vs.length : 0
}
const usd = (x: number) => `$${x >= 1e6 ? `${round(x / 1e6, 1)}M` : x >= 1e3 ? `${Math.round(x / 1e3)}k` : Math.round(x)}`

interface AreaIn {
  id: string
  name: string
  served: boolean
  geometry: AreaGeometry
  population: number
  households: number
  householdsWithoutBroadband: number
  pctWithoutBroadband: number | null
  povertyRatePct: number | null
  pctBelow200PovertyPct: number | null
  /** tracts inside, for the population-weighted coverage (none: the area share) */
  tracts: readonly PlanTract[]
  aps: readonly string[]
}

/** Scores and ranks areas of one level (neighborhoods, or the tracts of one neighborhood). */
interface RankContext {
  discs: Reach
  use: Map<string, ApUse>
  config: PlanConfig
  fiber: { lines: Position[][]; sites: Position[] }
  /** each area measured once, however often it is ranked or normalised over */
  measured: Map<AreaIn, Measured>
  /** each polygon's coverage computed once (a tract's counts for its neighborhood and for itself) */
  covered: WeakMap<AreaGeometry, ReturnType<typeof coverage>>
}
const coverageOf = (g: AreaGeometry, ctx: RankContext) => ctx.covered.get(g) ?? ctx.covered.set(g, coverage(g, ctx.discs)).get(g)!
type Measured = ReturnType<typeof measureArea>

function measureArea(a: AreaIn, ctx: RankContext) {
  const r = ctx.config.radiusM
  const cov = coverageOf(a.geometry, ctx)
  let popShare = cov.areaShare
  if (a.tracts.length > 0) {
    const pop = a.tracts.reduce((s, t) => s + t.population, 0)
    if (pop > 0) popShare = a.tracts.reduce((s, t) => s + t.population * coverageOf(t.geometry, ctx).areaShare, 0) / pop
  }
  const uses = a.aps.map((id) => ctx.use.get(id)).filter((u): u is ApUse => u !== undefined && u.hours > 0)
  const hours = uses.reduce((s, u) => s + u.hours, 0)
  const saturationShare = uses.length ? uses.reduce((s, u) => s + u.saturatedHours, 0) / hours : null
  const peakClientsPerAp = uses.length ? mean(uses.map((u) => u.peakClients)) : null
  const areaKm2 = cov.areaM2 / 1e6
  const uncoveredM2 = Math.max(0, cov.areaM2 - cov.coveredM2)
  const apsNeeded = Math.ceil(round(uncoveredM2 / (2.598 * r * r), 6))
  let feederKm = 0
  if (!a.served && apsNeeded > 0) {
    const c = centroid({ type: 'Feature', properties: {}, geometry: a.geometry as GeoJSON.Polygon })
    const ds = [
      ...ctx.fiber.lines.map((l) => turfDistance(c, nearestPointOnLine(lineString(l as [number, number][]), c), { units: 'kilometers' })),
      ...ctx.fiber.sites.map((s) => turfDistance(c, point(s as [number, number]), { units: 'kilometers' })),
    ]
    feederKm = ds.length ? Math.min(...ds) : 0
  }
  const fiberKm = feederKm + (apsNeeded * 1.612 * r) / 1000
  const costEstimate = apsNeeded * ctx.config.apCostUsd + fiberKm * ctx.config.fiberCostPerKmUsd
  const unreached = a.population * (1 - popShare)
  return { cov, popShare, saturationShare, peakClientsPerAp, areaKm2, apsNeeded, feederKm, fiberKm, costEstimate, costPerResident: apsNeeded > 0 && unreached > 0 ? costEstimate / unreached : null, density: areaKm2 > 0 ? a.population / areaKm2 : 0 }
}

/** An area's figures and factors: all of a row but what the weights decide (score, rank, reasons). */
export type AssessedRow = Omit<PlanRow, 'rank' | 'score' | 'reasons' | 'tracts'> & { tracts?: AssessedRow[] }

/** Figures and factors of areas of one level, normalised over `normaliseOver` (default: themselves). */
function assessAreas(areas: readonly AreaIn[], ctx: RankContext, normaliseOver: readonly AreaIn[] = areas): AssessedRow[] {
  const measured = ctx.measured
  for (const a of new Set([...areas, ...normaliseOver])) if (!measured.has(a)) measured.set(a, measureArea(a, ctx))
  const over = normaliseOver.map((a) => ({ a, m: measured.get(a)! }))
  const nHh = normaliser(over.map((x) => x.a.householdsWithoutBroadband))
  const nPct = normaliser(over.map((x) => x.a.pctWithoutBroadband))
  const nPov = normaliser(over.map((x) => x.a.povertyRatePct))
  const n200 = normaliser(over.map((x) => x.a.pctBelow200PovertyPct))
  const nDen = normaliser(over.map((x) => x.m.density))
  const nCost = normaliser(over.map((x) => x.m.costPerResident))
  return areas.map((a): AssessedRow => {
    const m = measured.get(a)!
    const factors: Record<Factor, number> = {
      need: round(mean([nHh(a.householdsWithoutBroadband), nPct(a.pctWithoutBroadband), nPov(a.povertyRatePct), n200(a.pctBelow200PovertyPct), nDen(m.density)]), 4),
      gap: round(1 - m.popShare, 4),
      use: round(m.saturationShare ?? 0, 4),
      cost: m.costPerResident === null ? 0 : round(1 - nCost(m.costPerResident)!, 4),
    }
    const explain: Record<Factor, string> = {
      need: a.households === 0 ? 'need: no households counted here' : `need: ${a.pctWithoutBroadband ?? '?'} % of households without broadband (${a.householdsWithoutBroadband.toLocaleString('en-US')}), poverty ${a.povertyRatePct ?? '?'} %`,
      gap: `gap: ${Math.round(100 * (1 - m.popShare))} % of residents outside Wi-Fi reach`,
      use: m.saturationShare === null ? 'use: no AP measured here' : `use: APs saturated ${round(100 * m.saturationShare, 1)} % of hours (over ${ctx.config.saturationClients} clients per AP)`,
      cost: m.costPerResident === null ? 'cost: nothing to build at this radius' : `cost: about ${usd(m.costPerResident)} per resident reached (${usd(m.costEstimate)} in all)`,
    }
    return {
      id: a.id,
      name: a.name,
      served: a.served,
      factors,
      explain,
      figures: {
        population: a.population,
        households: a.households,
        householdsWithoutBroadband: a.householdsWithoutBroadband,
        pctWithoutBroadband: a.pctWithoutBroadband,
        povertyRatePct: a.povertyRatePct,
        pctBelow200PovertyPct: a.pctBelow200PovertyPct,
        areaKm2: round(m.areaKm2, 3),
        densityPerKm2: Math.round(m.density),
        aps: a.aps.length,
        coveredAreaShare: round(m.cov.areaShare, 4),
        coveredPopulationShare: round(m.popShare, 4),
        peakClientsPerAp: m.peakClientsPerAp === null ? null : round(m.peakClientsPerAp, 1),
        saturationShare: m.saturationShare === null ? null : round(m.saturationShare, 4),
      },
      apsNeeded: m.apsNeeded,
      fiberKm: round(m.fiberKm, 2),
      fiberBasis: m.feederKm > 0 ? 'straight-line feeder' : 'no feeder',
      costEstimate: Math.round(m.costEstimate),
    }
  })
}

/**
 * The weights' part: score = the weighted sum of the factors; highest first, ties by name
 * (so a ranking for fixed weights is stable); the reasons are the words of the two largest
 * weighted factors. Cheap: the page does the same when a slider moves.
 */
export function rankRows(rows: readonly AssessedRow[], weights: Weights): PlanRow[] {
  return rows
    .map((r): PlanRow => {
      const score = round(FACTORS.reduce((s, f) => s + weights[f] * r.factors[f], 0), 4)
      const reasons = [...FACTORS].sort((x, y) => weights[y] * r.factors[y] - weights[x] * r.factors[x] || FACTORS.indexOf(x) - FACTORS.indexOf(y)).slice(0, 2).map((f) => r.explain[f])
      const { tracts, ...rest } = r
      return { ...rest, score, reasons, rank: 0, ...(tracts ? { tracts: rankRows(tracts, weights) } : {}) }
    })
    .sort((x, y) => y.score - x.score || x.name.localeCompare(y.name))
    .map((row, i) => ({ ...row, rank: i + 1 }))
}

export interface PlanInput {
  inventory: Inventory
  tracts: readonly PlanTract[]
  use: Map<string, ApUse>
  config: PlanConfig
  nowMs: number
  cityEstimate?: { usd: number; label: string } | null
}

/** What does not depend on the weights (the costly part: the geometry), for many rankings. */
export interface AssessedPlan {
  city: string
  config: Omit<PlanConfig, 'weights'>
  rows: AssessedRow[]
  /** the map's coverage layer: per neighborhood, the part within reach of an AP (AP discs clipped to it) */
  coverage: { neighborhood: string; geometry: AreaGeometry }[]
}

export function assessPlan(input: Omit<PlanInput, 'nowMs' | 'cityEstimate'>): AssessedPlan {
  const inv = input.inventory
  const cfg = input.config
  for (const [k, v] of [['radiusM', cfg.radiusM], ...Object.entries(cfg.radiusByModel)] as [string, number][]) {
    if (!(v >= 10 && v <= 2000)) throw new PlanInputError(`the radius must be 10 to 2000 m, got ${v}`, k === 'radiusM' ? 'radiusM' : `radiusByModel.${k}`)
  }
  const siteOf = new Map(inv.sites.map((s) => [s.id, s]))
  const aps = inv.devices.filter((d) => d.kind === 'ap' && siteOf.has(d.site))
  const points: ApPoint[] = aps.map((d) => {
    const s = siteOf.get(d.site)!
    return { id: d.id, position: [s.lon, s.lat], radiusM: (d.model && cfg.radiusByModel[d.model]) || cfg.radiusM }
  })
  const discs = discsOf(points)
  const apsOf = (nb: string) => aps.filter((d) => siteOf.get(d.site)!.neighborhood === nb).map((d) => d.id)
  const servedHoods = new Set(inv.neighborhoods.filter((n) => n.served).map((n) => n.id))
  const fiber = {
    lines: inv.links.map((l) => l.route?.coordinates).filter((c): c is Position[] => Array.isArray(c) && c.length >= 2),
    sites: inv.sites.filter((s) => servedHoods.has(s.neighborhood)).map((s): Position => [s.lon, s.lat]),
  }
  const tractsOf = (nb: string) => input.tracts.filter((t) => t.neighborhood === nb)
  const below200 = (ts: readonly PlanTract[]) => {
    const known = ts.filter((t) => t.pctBelow200PovertyPct !== null && t.population > 0)
    const pop = known.reduce((s, t) => s + t.population, 0)
    return pop > 0 ? round(known.reduce((s, t) => s + t.population * t.pctBelow200PovertyPct!, 0) / pop, 1) : null
  }
  const hoods: AreaIn[] = inv.neighborhoods.map((n) => ({
    id: n.id,
    name: n.name,
    served: n.served,
    geometry: n.geometry,
    population: n.census.population,
    households: n.census.households,
    householdsWithoutBroadband: n.census.householdsWithoutBroadband,
    pctWithoutBroadband: n.census.pctWithoutBroadband,
    povertyRatePct: n.census.povertyRatePct,
    pctBelow200PovertyPct: below200(tractsOf(n.id)),
    tracts: tractsOf(n.id),
    aps: apsOf(n.id),
  }))
  const ctx: RankContext = { discs, use: input.use, config: cfg, fiber, measured: new Map(), covered: new WeakMap() }
  const rows = assessAreas(hoods, ctx)
  // tracts: normalised over all the city's tracts, ranked within their neighborhood
  const tractAreas: (AreaIn & { neighborhood: string })[] = input.tracts.map((t) => {
    const inside = points.filter((p) => pointInArea(p.position, t.geometry)).map((p) => p.id)
    return { ...t, served: servedHoods.has(t.neighborhood), tracts: [], aps: inside }
  })
  for (const row of rows) {
    const mine = tractAreas.filter((t) => t.neighborhood === row.id)
    if (mine.length > 0) row.tracts = assessAreas(mine, ctx, tractAreas)
  }
  const r6 = (c: unknown): unknown => (typeof c === 'number' ? Math.round(c * 1e6) / 1e6 : Array.isArray(c) ? c.map(r6) : c)
  const layer = hoods.flatMap((h) => {
    const part = ctx.covered.get(h.geometry)?.part
    return part ? [{ neighborhood: h.id, geometry: { type: part.geometry.type, coordinates: r6(part.geometry.coordinates) } as AreaGeometry }] : []
  })
  return {
    city: inv.city.name,
    config: { radiusM: cfg.radiusM, radiusByModel: cfg.radiusByModel, apCostUsd: cfg.apCostUsd, fiberCostPerKmUsd: cfg.fiberCostPerKmUsd, saturationClients: cfg.saturationClients },
    rows,
    coverage: layer,
  }
}

/** The plan for these weights from an assessed one. */
export function rankPlan(a: AssessedPlan, weights: Weights, nowMs: number, cityEstimate: { usd: number; label: string } | null = null): Plan {
  const w = normaliseWeights(weights)
  const ranking = rankRows(a.rows, w)
  return {
    generatedMs: nowMs,
    city: a.city,
    weights: w,
    config: a.config,
    ranking,
    costTotal: ranking.filter((r) => !r.served).reduce((s, r) => s + r.costEstimate, 0),
    cityEstimate,
    method: PLAN_METHOD,
  }
}

export function buildPlan(input: PlanInput): Plan {
  return rankPlan(assessPlan(input), input.config.weights, input.nowMs, input.cityEstimate ?? null)
}

/** "AP-X:120,UAP-AC-M:150" (model:metres; '=' works too): the service radius per AP model, each 10-2000 m. */
export function parseRadiusByModel(text: string | undefined, field = 'radiusByModel'): Record<string, number> {
  const out: Record<string, number> = {}
  if (text === undefined || text.trim() === '') return out
  for (const part of text.split(',')) {
    const m = /^\s*([A-Za-z0-9._/ -]{1,64}?)\s*[:=]\s*(\d{1,4})\s*$/.exec(part)
    if (!m) throw new PlanInputError(`'${part.trim().slice(0, 40)}' must be model:metres, like UAP-AC-M:150`, field)
    const v = Number(m[2])
    if (v < 10 || v > 2000) throw new PlanInputError(`the radius of ${m[1]} must be 10 to 2000 m, got ${v}`, field)
    out[m[1]!] = v
  }
  return out
}
