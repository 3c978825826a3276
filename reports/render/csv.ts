/**
 * The Report as CSV (RFC 4180: CRLF line ends, fields with a comma, quote or line break
 * quoted): a header row, one row per neighborhood, then the total row (id 'total'). A null
 * figure is an empty cell; why it is null is in the JSON's method.reasons. A text cell that
 * a spreadsheet would take for a formula is prefixed with ' (OWASP's CSV injection advice). Columns are
 * documented in docs/REPORTS.md, "CSV columns"; test/reports/renderers.test.ts checks that
 * page against CSV_COLUMNS.
 */
import { csvCell } from '../../core/csv.ts'
import type { Report, ReportRow } from '../schema.ts'

export interface CsvColumn {
  name: string
  value: (r: ReportRow, report: Report) => string | number | boolean | null
}

export const CSV_COLUMNS: readonly CsvColumn[] = [
  { name: 'period_from', value: (_r, p) => p.period.from },
  { name: 'period_to', value: (_r, p) => p.period.to },
  { name: 'neighborhood_id', value: (r) => r.id },
  { name: 'neighborhood_name', value: (r) => r.name },
  { name: 'aps', value: (r) => r.aps },
  { name: 'unique_clients_daily_avg', value: (r) => r.uniqueClientsDailyAvg },
  { name: 'device_days', value: (r) => r.deviceDays },
  { name: 'unique_clients_period', value: (r) => r.uniqueClientsPeriod },
  { name: 'randomized_share', value: (r) => r.randomizedShare },
  { name: 'unique_clients_miss_bound', value: (r) => r.uniqueClientsMissBound },
  { name: 'bytes', value: (r) => r.bytes },
  { name: 'gb_per_device_day', value: (r) => r.gbPerDeviceDay },
  { name: 'peak_concurrent_clients', value: (r) => r.peakConcurrentClients },
  { name: 'availability_pct', value: (r) => r.availabilityPct },
  { name: 'availability_target_met', value: (r) => r.availabilityTargetMet },
  { name: 'outage_minutes', value: (r) => r.outageMinutes },
  { name: 'outages', value: (r) => r.outages },
  { name: 'mean_time_to_restore_minutes', value: (r) => r.meanTimeToRestoreMinutes },
  { name: 'observed_pct', value: (r) => r.observedPct },
  { name: 'population', value: (r) => r.population },
  { name: 'households', value: (r) => r.households },
  { name: 'households_without_broadband', value: (r) => r.householdsWithoutBroadband },
  { name: 'period_open', value: (_r, p) => p.period.open },
  { name: 'data_version', value: (_r, p) => p.dataVersion },
]


export function renderCsv(report: Report): string {
  const lines = [CSV_COLUMNS.map((c) => c.name).join(',')]
  for (const r of [...report.neighborhoods, report.total]) lines.push(CSV_COLUMNS.map((c) => csvCell(c.value(r, report))).join(','))
  return `${lines.join('\r\n')}\r\n`
}

/** Reads a CSV this module wrote (for tests and re-imports): header names -> cells per row. */
export function parseCsv(text: string): Record<string, string>[] {
  const rows: string[][] = []
  let row: string[] = []
  let f = ''
  let quoted = false
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!
    if (quoted) {
      if (ch === '"' && text[i + 1] === '"') {
        f += '"'
        i++
      } else if (ch === '"') quoted = false
      else f += ch
    } else if (ch === '"') quoted = true
    else if (ch === ',') {
      row.push(f)
      f = ''
    } else if (ch === '\r' && text[i + 1] === '\n') {
      row.push(f)
      rows.push(row)
      row = []
      f = ''
      i++
    } else f += ch
  }
  if (f !== '' || row.length > 0) {
    row.push(f)
    rows.push(row)
  }
  const [head, ...body] = rows
  return body.map((r) => Object.fromEntries(head!.map((h, i) => [h, r[i] ?? ''])))
}
