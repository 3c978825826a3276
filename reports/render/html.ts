/**
 * The Report as one printable HTML document: summary table, charts (inline SVG), access
 * points, methodology, nulls and their reasons, and a data dictionary. No script and no
 * external resource, so it shows under the app's CSP and prints the same in Chromium's
 * print-to-PDF (render/pdf.ts), US Letter. Deterministic: the same Report gives the same
 * bytes. Every figure cell carries data-field and data-value (the Report's raw value), so
 * tests compare the printed numbers with the Report's.
 */
import { ReportRow as ReportRowSchema } from '../schema.ts'
import type { Report, ReportRow } from '../schema.ts'
import { CSV_COLUMNS } from './csv.ts'
import { esc, legend, lines, percentBars, stackedBars } from './charts.ts'

const nf = (digits: number) => new Intl.NumberFormat('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
const int = nf(0)
const one = nf(1)
const two = nf(2)
const three = nf(3)

/** How each figure prints; null prints as an em dash. Tests use these to find the numbers in the PDF's text. */
export const FIELD_FORMAT: Record<string, (v: number | boolean) => string> = {
  aps: (v) => int.format(v as number),
  uniqueClientsDailyAvg: (v) => one.format(v as number),
  deviceDays: (v) => int.format(v as number),
  uniqueClientsPeriod: (v) => int.format(v as number),
  randomizedShare: (v) => `${one.format((v as number) * 100)} %`,
  uniqueClientsMissBound: (v) => `${one.format((v as number) * 100)} %`,
  bytes: (v) => two.format((v as number) / 1e9),
  gbPerDeviceDay: (v) => three.format(v as number),
  peakConcurrentClients: (v) => int.format(v as number),
  availabilityPct: (v) => three.format(v as number),
  availabilityTargetMet: (v) => (v ? 'met' : 'not met'),
  outageMinutes: (v) => one.format(v as number),
  outages: (v) => int.format(v as number),
  meanTimeToRestoreMinutes: (v) => one.format(v as number),
  observedPct: (v) => two.format(v as number),
  population: (v) => int.format(v as number),
  households: (v) => int.format(v as number),
  householdsWithoutBroadband: (v) => int.format(v as number),
}
export const NULL_TEXT = '—'

export function formatField(field: string, v: number | boolean | null): string {
  if (v === null) return NULL_TEXT
  const f = FIELD_FORMAT[field]
  return f ? f(v) : String(v)
}

/** The summary tables (use, then availability) and their columns, in order: each fits a Letter page's width. */
export const SUMMARY_TABLES: readonly { id: string; title: string; columns: readonly { field: keyof ReportRow; head: string }[] }[] = [
  {
    id: 'use',
    title: 'Use',
    columns: [
      { field: 'aps', head: 'APs' },
      { field: 'uniqueClientsDailyAvg', head: 'Unique clients / day' },
      { field: 'deviceDays', head: 'Device-days' },
      { field: 'uniqueClientsMissBound', head: 'May miss up to' },
      { field: 'uniqueClientsPeriod', head: 'Unique clients (period)' },
      { field: 'bytes', head: 'Data used (GB)' },
      { field: 'gbPerDeviceDay', head: 'GB / device-day' },
      { field: 'peakConcurrentClients', head: 'Peak concurrent' },
      { field: 'householdsWithoutBroadband', head: 'Households w/o broadband' },
    ],
  },
  {
    id: 'availability',
    title: 'Availability',
    columns: [
      { field: 'availabilityPct', head: 'Availability %' },
      { field: 'availabilityTargetMet', head: 'Target' },
      { field: 'outageMinutes', head: 'Outage AP-minutes' },
      { field: 'outages', head: 'Outages' },
      { field: 'meanTimeToRestoreMinutes', head: 'Mean time to restore (min)' },
      { field: 'observedPct', head: 'Observed %' },
    ],
  },
]
/** Every summary column, in the order printed. */
export const SUMMARY_COLUMNS = SUMMARY_TABLES.flatMap((t) => t.columns)

const cell = (field: string, v: number | boolean | null) =>
  `<td class="n${v === null ? ' null' : ''}" data-field="${field}" data-value="${v === null ? '' : String(v)}">${esc(formatField(field, v))}</td>`

function summaryTable(report: Report, t: (typeof SUMMARY_TABLES)[number]): string {
  const head = `<tr><th scope="col">Neighborhood</th>${t.columns.map((c) => `<th scope="col" class="n">${esc(c.head)}</th>`).join('')}</tr>`
  const body = [...report.neighborhoods, report.total].map((r) => {
    const cls = r.id === 'total' ? ' class="total"' : ''
    return `<tr data-testid="report-row" data-table="${t.id}" data-id="${esc(r.id)}"${cls}><th scope="row">${esc(r.name)}</th>${t.columns.map((c) => cell(c.field, r[c.field] as number | boolean | null)).join('')}</tr>`
  }).join('')
  return `<h3>${esc(t.title)}</h3><table class="grid" data-testid="report-table-${t.id}"><thead>${head}</thead><tbody>${body}</tbody></table>`
}

function shortDate(d: string): string {
  return `${+d.slice(5, 7)}/${+d.slice(8, 10)}`
}

function charts(report: Report): string {
  const ids = report.neighborhoods.map((n) => n.id)
  const names = report.neighborhoods.map((n) => n.name)
  const days = report.daily.map((d) => shortDate(d.date))
  const gb = stackedBars(
    'Data used per day (GB), by neighborhood',
    'GB',
    days,
    ids.map((id, k) => ({ name: names[k]!, values: report.daily.map((d) => (d.bytes[id] === null || d.bytes[id] === undefined ? null : d.bytes[id]! / 1e9)) })),
    'chart-bytes',
  )
  const avail = percentBars(
    'Availability by neighborhood against the target',
    [...report.neighborhoods, report.total].map((r) => ({ name: r.name, value: r.availabilityPct })),
    report.method.availabilityTarget.pct,
    'chart-availability',
  )
  const hod = report.hourOfDay.averageConcurrentClients
  const hours = Array.from({ length: 24 }, (_, h) => String(h))
  const conc = lines(
    'Average concurrent clients by hour of day (local time)',
    'clients',
    hours,
    [...ids.map((id, k) => ({ name: names[k]!, values: hod[id] ?? [] })), { name: 'Total', values: hod.total ?? [] }],
    'chart-hour-of-day',
    { dashedLast: true },
  )
  return `<section class="charts"><h2>Charts</h2>
<figure><figcaption>Data used per day (GB), by neighborhood</figcaption>${gb}${legend(names)}</figure>
<figure><figcaption>Availability against the target (${esc(String(report.method.availabilityTarget.pct))} %)</figcaption>${avail}</figure>
<figure><figcaption>Average concurrent clients by hour of day (${esc(report.period.timeZone)})</figcaption>${conc}${legend([...names, 'Total'], { dashedLast: true })}</figure>
</section>`
}

function dailyTable(report: Report): string {
  const ids = report.neighborhoods.map((n) => n.id)
  const head = `<tr><th scope="col">Day</th>${report.neighborhoods.map((n) => `<th scope="col" class="n">${esc(n.name)} GB</th>`).join('')}<th scope="col" class="n">Total GB</th><th scope="col" class="n">Unique clients (total)</th></tr>`
  const body = report.daily.map((d) => `<tr data-testid="daily-row" data-date="${d.date}"><th scope="row">${d.date}</th>${ids.map((id) => cell('bytes', d.bytes[id] ?? null)).join('')}${cell('bytes', d.bytes.total ?? null)}${cell('deviceDays', d.uniqueClients.total ?? null)}</tr>`).join('')
  return `<table class="grid small" data-testid="daily-table"><thead>${head}</thead><tbody>${body}</tbody></table>`
}

function apTable(report: Report): string {
  const head = '<tr><th scope="col">AP</th><th scope="col">Name</th><th scope="col">Neighborhood</th><th scope="col" class="n">Data used (GB)</th><th scope="col" class="n">Availability %</th><th scope="col" class="n">Outage min</th><th scope="col" class="n">Outages</th><th scope="col" class="n">MTTR min</th></tr>'
  const body = report.accessPoints.map((a) => `<tr data-testid="ap-row" data-id="${esc(a.id)}"><td>${esc(a.id)}</td><td>${esc(a.name)}</td><td>${esc(a.neighborhood)}</td>${cell('bytes', a.bytes)}${cell('availabilityPct', a.availabilityPct)}${cell('outageMinutes', a.outageMinutes)}${cell('outages', a.outages)}${cell('meanTimeToRestoreMinutes', a.meanTimeToRestoreMinutes)}</tr>`).join('')
  return `<table class="grid small" data-testid="ap-table"><thead>${head}</thead><tbody>${body}</tbody></table>`
}

function methodology(report: Report): string {
  const m = report.method
  const item = (k: string, v: string) => `<dt>${esc(k)}</dt><dd>${esc(v)}</dd>`
  const pending = (v: number | string | null, key: string) => (v === null ? `not given yet (${m.reasons[key] ?? 'pending'})` : String(v))
  return `<section class="method" data-testid="methodology"><h2>Methodology</h2><dl>
${item('Period', m.periodRule)}
${item('Neighborhoods', m.neighborhoodsAsked === 'all' ? 'every served neighborhood' : m.neighborhoodsAsked.join(', '))}
${item('Unique clients', m.uniqueClients)}
${item('Unique clients: source', m.uniqueClientsSource)}
${item('Unique clients: miss bound', pending(m.missBound, 'method.missBound'))}
${item('Unique clients: calibration', pending(m.calibration, 'method.calibration'))}
${item('Randomized MAC share', m.randomizedShare === null ? `not known (${m.reasons['method.randomizedShare'] ?? ''})` : `${one.format(m.randomizedShare * 100)} % of device-days`)}
${item('Data used', m.bytes)}
${item('Peak concurrent clients', m.peakConcurrentClients)}
${item('Availability', m.availability)}
${item('Availability target', `${m.availabilityTarget.pct} % (${m.availabilityTarget.basis}); over this period that allows ${one.format(m.availabilityTarget.allowedOutageMinutes)} minutes of outage per AP`)}
${item('Polling', `live every ${m.pollIntervalMs / 1000} s${m.historyStepMs ? `; filled history every ${m.historyStepMs / 60_000} min` : ''}; instants of ${m.instantMs / 1000} s`)}
${item('Events', `${m.events.deviceDown} deviceDown, ${m.events.deviceUp} deviceUp`)}
${item('Data starts', m.dataStartsAt ?? 'before the period (polls of these APs go back further)')}
${item('Store questions', String(m.reads))}
</dl>${m.notes.length ? `<h3>Notes</h3><ul>${m.notes.map((n) => `<li>${esc(n)}</li>`).join('')}</ul>` : ''}</section>`
}

function reasonsList(report: Report): string {
  const entries = Object.entries(report.method.reasons)
  if (entries.length === 0) return ''
  return `<section class="reasons" data-testid="reasons"><h2>Figures not given, and why</h2><ul>${entries.map(([k, v]) => `<li><code>${esc(k)}</code>: ${esc(v)}</li>`).join('')}</ul></section>`
}

/** The data dictionary: every row field with its CSV column and meaning (from the schema). */
export function dataDictionary(): { field: string; csv: string | null; meaning: string }[] {
  const props = (ReportRowSchema as unknown as { properties: Record<string, { description?: string; anyOf?: { description?: string }[] }> }).properties
  const csvOf = new Map(CSV_COLUMNS.map((c) => [c.name.replace(/_([a-z])/g, (_m, ch: string) => ch.toUpperCase()), c.name]))
  csvOf.set('id', 'neighborhood_id')
  csvOf.set('name', 'neighborhood_name')
  return Object.entries(props).map(([field, s]) => ({
    field,
    csv: csvOf.get(field) ?? null,
    meaning: s.description ?? s.anyOf?.find((x) => x.description)?.description ?? '',
  }))
}

function dictionary(): string {
  const rows = dataDictionary().map((d) => `<tr><td><code>${esc(d.field)}</code></td><td><code>${esc(d.csv ?? '—')}</code></td><td>${esc(d.meaning)}</td></tr>`).join('')
  return `<section class="dictionary" data-testid="data-dictionary"><h2>Data dictionary</h2><table class="grid small"><thead><tr><th scope="col">Field</th><th scope="col">CSV column</th><th scope="col">Meaning</th></tr></thead><tbody>${rows}</tbody></table>
<p>Null figures print as ${NULL_TEXT} and are empty cells in the CSV; the reason for each is listed above. Full definitions: docs/REPORTS.md.</p></section>`
}

const CSS = `
@page { size: Letter; margin: 0.6in 0.6in 0.7in 0.6in; }
* { box-sizing: border-box; }
body { font-family: Helvetica, Arial, sans-serif; color: #111827; font-size: 10.5pt; line-height: 1.35; margin: 0; }
main { max-width: 7.3in; margin: 0 auto; }
h1 { font-size: 18pt; margin: 0 0 4pt; }
h2 { font-size: 13pt; margin: 18pt 0 6pt; border-bottom: 1px solid #d1d5db; padding-bottom: 2pt; }
h3 { font-size: 11pt; margin: 10pt 0 4pt; }
.meta { color: #374151; margin: 0 0 8pt; }
.open { background: #fef3c7; border: 1px solid #d97706; padding: 6pt 8pt; margin: 8pt 0; }
table.grid { border-collapse: collapse; width: 100%; font-size: 8.5pt; }
table.grid th, table.grid td { border-bottom: 1px solid #e5e7eb; padding: 3pt 4pt; text-align: left; vertical-align: top; }
table.grid thead th { background: #f3f4f6; }
table.grid .n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
table.grid thead th.n { white-space: normal; }
table.grid { table-layout: auto; }
table.grid tr.total th, table.grid tr.total td { font-weight: bold; border-top: 2px solid #111827; }
table.small { font-size: 7.5pt; }
td.null { color: #6b7280; }
figure { margin: 8pt 0 14pt; break-inside: avoid; }
figcaption { font-weight: bold; margin-bottom: 4pt; }
ul.legend { list-style: none; padding: 0; margin: 4pt 0 0; display: flex; flex-wrap: wrap; gap: 4pt 14pt; font-size: 8.5pt; }
.swatch { display: inline-block; width: 10pt; height: 10pt; margin-right: 4pt; vertical-align: -1pt; }
.swatch.dashed { height: 3pt; vertical-align: 2pt; }
dl { display: grid; grid-template-columns: 1.7in 1fr; gap: 3pt 10pt; margin: 0; }
dt { font-weight: bold; }
dd { margin: 0; }
code { font-size: 8.5pt; }
.pagebreak { break-before: page; }
`

/** A self-contained HTML document of the report. */
export function renderHtml(report: Report): string {
  const open = report.period.open
    ? `<p class="open" data-testid="open-period">This period is still open: the figures run to ${esc(report.generatedAt)} and will change as data arrives.</p>`
    : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${esc(report.title)}</title>
<style>${CSS}</style>
</head>
<body>
<main data-testid="report" data-data-version="${esc(report.dataVersion)}">
<h1>${esc(report.title)}</h1>
<p class="meta">${esc(report.city)} · ${esc(report.period.label)} (${report.period.days} days, ${esc(report.period.timeZone)}) · figures as of ${esc(report.generatedAt)} · data version <code>${esc(report.dataVersion)}</code></p>
${open}
<section data-testid="report-table"><h2>Summary</h2>${SUMMARY_TABLES.map((t) => summaryTable(report, t)).join('\n')}</section>
${charts(report)}
<section class="pagebreak"><h2>Day by day</h2>${dailyTable(report)}</section>
<section><h2>Access points</h2>${apTable(report)}</section>
<div class="pagebreak"></div>
${methodology(report)}
${reasonsList(report)}
${dictionary()}
</main>
</body>
</html>
`
}
