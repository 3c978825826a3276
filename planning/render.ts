/**
 * The plan as CSV (RFC 4180, a header row; one row per neighborhood, then its tracts, with
 * `level` and `parent` saying which) and as GeoJSON (RFC 7946: a FeatureCollection of the
 * neighborhoods, lon/lat, each row's figures as properties, the reasons joined by '; '),
 * as a self-contained HTML page for a council (the ranked table with its reasons, the
 * inputs, the method) and as PDF (Chromium printing that page, as the grant report does).
 */
import type { Inventory } from '../core/inventory.ts'
import { esc } from '../reports/render/charts.ts'
import { csvCell } from '../core/csv.ts'
import type { Plan, PlanRow } from './index.ts'

export const PLAN_FORMATS = ['json', 'csv', 'geojson', 'html', 'pdf'] as const
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

const money = (x: number) => `$${Math.round(x).toLocaleString('en-US')}`
const pct = (x: number | null) => (x === null ? '—' : `${Math.round(x * 1000) / 10} %`)

export function renderPlanHtml(p: Plan): string {
  const title = `${p.city}: where to expand the free Wi-Fi next`
  const rows = p.ranking
    .map((r) => `<tr><td>${r.rank}</td><th scope="row">${esc(r.name)}${r.served ? ' <span class="note">(served)</span>' : ''}</th><td>${r.score.toFixed(3)}</td><td>${esc(r.reasons.join('; '))}</td><td>${pct(r.figures.coveredPopulationShare)}</td><td>${r.apsNeeded}</td><td>${r.fiberKm}</td><td>${money(r.costEstimate)}</td></tr>`)
    .join('\n')
  const w = p.weights
  const c = p.config
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>
body { font: 10.5pt/1.45 Helvetica, Arial, sans-serif; color: #111827; margin: 24px; }
h1 { font-size: 17pt; margin: 0 0 4px; } h2 { font-size: 12.5pt; margin: 18px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; } caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
th, td { border-bottom: 1px solid #d1d5db; padding: 4px 6px; text-align: left; vertical-align: top; } td { font-variant-numeric: tabular-nums; }
.note { color: #4b5563; font-size: 9pt; }
</style></head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="note">Weights: need ${w.need}, gap ${w.gap}, use ${w.use}, cost ${w.cost}. AP radius ${c.radiusM} m; ${money(c.apCostUsd)} per AP; ${money(c.fiberCostPerKmUsd)} per km of fiber; saturation above ${c.saturationClients} clients per AP-hour. Made ${new Date(p.generatedMs).toISOString()}.</p>
<h2>The ranking</h2>
<table data-testid="plan-table"><caption>Neighborhoods by score, with why</caption>
<thead><tr><th scope="col">Rank</th><th scope="col">Neighborhood</th><th scope="col">Score</th><th scope="col">Why</th><th scope="col">Residents reached now</th><th scope="col">APs needed</th><th scope="col">Fiber km</th><th scope="col">Cost estimate</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<p><strong>To reach every neighborhood not served yet: ${money(p.costTotal)}</strong>${p.cityEstimate ? ` (${esc(p.cityEstimate.label)}: ${money(p.cityEstimate.usd)})` : ''}.</p>
<h2>How it is counted</h2>
<ul>${p.method.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>
</main>
</body></html>
`
}

export async function renderPlan(p: Plan, format: PlanFormat, inv: Inventory): Promise<string | Buffer> {
  if (format === 'csv') return renderPlanCsv(p)
  if (format === 'geojson') return renderPlanGeoJson(p, inv)
  if (format === 'html') return renderPlanHtml(p)
  if (format === 'pdf') {
    const { printHtmlPdf } = await import('../reports/render/pdf.ts')
    return printHtmlPdf(renderPlanHtml(p), `${p.city}: planning`)
  }
  return JSON.stringify(p)
}
