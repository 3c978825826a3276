/**
 * The monthly operations report as CSV (one row per neighborhood and the total, a header
 * row), as a self-contained HTML page (tables, the recurring problems, the method) and as
 * PDF (Chromium printing that page, as the grant report does).
 */
import { esc } from '../reports/render/charts.ts'
import { csvCell } from '../core/csv.ts'
import type { OperationsReport, OperationsRow } from './index.ts'

export const OPERATIONS_FORMATS = ['json', 'csv', 'html', 'pdf'] as const
export type OperationsFormat = (typeof OPERATIONS_FORMATS)[number]

const COLUMNS: readonly [keyof OperationsRow, string][] = [
  ['id', 'neighborhood_id'],
  ['name', 'neighborhood'],
  ['incidents', 'incidents'],
  ['restored', 'restored'],
  ['medianRestoreMinutes', 'median_restore_minutes'],
  ['p90RestoreMinutes', 'p90_restore_minutes'],
  ['slaMet', 'sla_met'],
  ['slaJudged', 'sla_judged'],
  ['slaPct', 'sla_pct'],
  ['clientHoursLost', 'client_hours_lost'],
  ['clientHoursUnknown', 'client_hours_unknown_incidents'],
  ['residentReports', 'resident_reports'],
  ['residentReportsMatched', 'resident_reports_matched'],
]


export function renderOperationsCsv(r: OperationsReport): string {
  const lines = [['month', ...COLUMNS.map(([, h]) => h)].join(',')]
  for (const row of [...r.neighborhoods, r.total]) lines.push([r.month, ...COLUMNS.map(([k]) => csvCell(row[k]))].join(','))
  return lines.join('\r\n') + '\r\n'
}

const num = (v: number | null, unit = '') => (v === null ? '—' : `${v.toLocaleString('en-US')}${unit}`)

export function renderOperationsHtml(r: OperationsReport): string {
  const title = `${r.city} public Wi-Fi operations, ${r.month}`
  const rows = [...r.neighborhoods, r.total]
    .map((x, i, a) => `<tr${i === a.length - 1 ? ' class="total"' : ''}><th scope="row">${esc(x.name)}</th><td>${x.incidents}</td><td>${num(x.medianRestoreMinutes, ' min')}</td><td>${num(x.p90RestoreMinutes, ' min')}</td><td>${x.slaPct === null ? '—' : `${x.slaPct} % (${x.slaMet} of ${x.slaJudged})`}</td><td>${num(x.clientHoursLost)}${x.clientHoursUnknown ? ` (+${x.clientHoursUnknown} without estimate)` : ''}</td><td>${x.residentReports} (${x.residentReportsMatched} matched)</td></tr>`)
    .join('\n')
  const aps = r.recurring.aps.length
    ? `<table><caption>Access points in two or more incidents</caption><thead><tr><th scope="col">Access point</th><th scope="col">Neighborhood</th><th scope="col">Incidents</th></tr></thead><tbody>${r.recurring.aps.map((a) => `<tr><td>${esc(a.name)} (${esc(a.id)})</td><td>${esc(a.neighborhood)}</td><td>${a.incidents.map((i) => `#${i}`).join(', ')}</td></tr>`).join('')}</tbody></table>`
    : '<p>No access point was in more than one incident.</p>'
  const sites = r.recurring.sites.length
    ? `<table><caption>Sites with recurring problems</caption><thead><tr><th scope="col">Site</th><th scope="col">Neighborhood</th><th scope="col">Access points</th><th scope="col">Incidents</th></tr></thead><tbody>${r.recurring.sites.map((s) => `<tr><td>${esc(s.id)}</td><td>${esc(s.neighborhood)}</td><td>${s.aps.map(esc).join(', ')}</td><td>${s.incidents}</td></tr>`).join('')}</tbody></table>`
    : ''
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1"><title>${esc(title)}</title>
<style>
body { font: 11pt/1.45 Helvetica, Arial, sans-serif; color: #111827; margin: 24px; }
h1 { font-size: 18pt; margin: 0 0 4px; } h2 { font-size: 13pt; margin: 20px 0 6px; }
table { border-collapse: collapse; width: 100%; margin: 6px 0 14px; } caption { text-align: left; font-weight: 600; padding-bottom: 4px; }
th, td { border-bottom: 1px solid #d1d5db; padding: 4px 6px; text-align: left; vertical-align: top; } td { font-variant-numeric: tabular-nums; }
tr.total th, tr.total td { font-weight: 700; border-top: 2px solid #111827; }
.note { color: #4b5563; font-size: 9.5pt; }
</style></head>
<body>
<main>
<h1>${esc(title)}</h1>
<p class="note">${r.complete ? 'The whole month.' : `The month so far: figures as of ${new Date(r.generatedMs).toISOString()}; they will change until it ends.`} Times in ${esc(r.timezone)}.</p>
<h2>Per neighborhood</h2>
<table data-testid="operations-table"><caption>Incidents, time to restore, SLA, client-hours lost and resident reports</caption>
<thead><tr><th scope="col">Neighborhood</th><th scope="col">Incidents</th><th scope="col">Median time to restore</th><th scope="col">90th percentile</th><th scope="col">SLA met</th><th scope="col">Client-hours lost</th><th scope="col">Resident reports</th></tr></thead>
<tbody>
${rows}
</tbody></table>
<h2>Recurring problems</h2>
${aps}
${sites}
<h2>How each figure is counted</h2>
<ul>${r.method.map((m) => `<li>${esc(m)}</li>`).join('')}</ul>
</main>
</body></html>
`
}

export async function renderOperations(r: OperationsReport, format: OperationsFormat): Promise<Buffer> {
  if (format === 'json') return Buffer.from(JSON.stringify(r), 'utf8')
  if (format === 'csv') return Buffer.from(renderOperationsCsv(r), 'utf8')
  const html = renderOperationsHtml(r)
  if (format === 'html') return Buffer.from(html, 'utf8')
  const { printHtmlPdf } = await import('../reports/render/pdf.ts')
  return printHtmlPdf(html, `${r.city} public Wi-Fi operations, ${r.month}`)
}
