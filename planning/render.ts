/**
 * The plan as CSV (RFC 4180, a header row; one row per neighborhood, then its tracts, with
 * `level` and `parent` saying which) and as GeoJSON (RFC 7946: a FeatureCollection of the
 * neighborhoods, lon/lat, each row's figures as properties, the reasons joined by '; ').
 */
import type { Inventory } from '../core/inventory.ts'
import { csvCell } from '../reports/render/csv.ts'
import type { Plan, PlanRow } from './index.ts'

export const PLAN_FORMATS = ['json', 'csv', 'geojson'] as const
export type PlanFormat = (typeof PLAN_FORMATS)[number]

type Cell = string | number | boolean | null
/** the CSV's columns (and the GeoJSON's properties): name, value */
export const PLAN_COLUMNS: readonly [string, (r: PlanRow) => Cell][] = [
  ['rank', (r) => r.rank],
  ['id', (r) => r.id],
  ['name', (r) => r.name],
  ['served', (r) => r.served],
  ['score', (r) => r.score],
  ['factor_need', (r) => r.factors.need],
  ['factor_gap', (r) => r.factors.gap],
  ['factor_use', (r) => r.factors.use],
  ['factor_cost', (r) => r.factors.cost],
  ['population', (r) => r.figures.population],
  ['households', (r) => r.figures.households],
  ['households_without_broadband', (r) => r.figures.householdsWithoutBroadband],
  ['pct_households_without_broadband', (r) => r.figures.pctWithoutBroadband],
  ['poverty_rate_pct', (r) => r.figures.povertyRatePct],
  ['pct_below_200pct_poverty', (r) => r.figures.pctBelow200PovertyPct],
  ['area_km2', (r) => r.figures.areaKm2],
  ['density_per_km2', (r) => r.figures.densityPerKm2],
  ['aps', (r) => r.figures.aps],
  ['covered_area_share', (r) => r.figures.coveredAreaShare],
  ['covered_population_share', (r) => r.figures.coveredPopulationShare],
  ['peak_clients_per_ap', (r) => r.figures.peakClientsPerAp],
  ['saturation_share', (r) => r.figures.saturationShare],
  ['aps_needed', (r) => r.apsNeeded],
  ['fiber_km', (r) => r.fiberKm],
  ['fiber_basis', (r) => r.fiberBasis],
  ['cost_estimate_usd', (r) => r.costEstimate],
  ['reasons', (r) => r.reasons.join('; ')],
]

export function renderPlanCsv(p: Plan): string {
  const lines = [['level', 'parent', ...PLAN_COLUMNS.map(([n]) => n)].join(',')]
  for (const r of p.ranking) {
    lines.push(['neighborhood', '', ...PLAN_COLUMNS.map(([, v]) => csvCell(v(r)))].join(','))
    for (const t of r.tracts ?? []) lines.push(['tract', csvCell(r.id), ...PLAN_COLUMNS.map(([, v]) => csvCell(v(t)))].join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}

export function renderPlanGeoJson(p: Plan, inv: Inventory): string {
  const geometry = new Map(inv.neighborhoods.map((n) => [n.id, n.geometry]))
  return JSON.stringify({
    type: 'FeatureCollection',
    features: p.ranking.map((r) => ({
      type: 'Feature',
      id: r.id,
      geometry: geometry.get(r.id) ?? null,
      properties: Object.fromEntries(PLAN_COLUMNS.map(([n, v]) => [n, v(r)])),
    })),
  })
}

export function renderPlan(p: Plan, format: PlanFormat, inv: Inventory): string {
  if (format === 'csv') return renderPlanCsv(p)
  if (format === 'geojson') return renderPlanGeoJson(p, inv)
  return JSON.stringify(p)
}
