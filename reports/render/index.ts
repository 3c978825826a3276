/**
 * Every format of one Report. JSON, CSV and HTML are pure functions of the Report; PDF is
 * Chromium printing the HTML. The doors (CLI, API) pick a format here.
 */
import type { Report } from '../schema.ts'
import { renderCsv } from './csv.ts'
import { renderHtml } from './html.ts'
import { renderJson } from './json.ts'

export const FORMATS = ['json', 'csv', 'html', 'pdf'] as const
export type ReportFormat = (typeof FORMATS)[number]

export const CONTENT_TYPES: Record<ReportFormat, string> = {
  json: 'application/json; charset=utf-8',
  csv: 'text/csv; charset=utf-8; header=present',
  html: 'text/html; charset=utf-8',
  pdf: 'application/pdf',
}

/** A city's name as the start of a file name: 'Hartford, CT' -> 'hartford-ct'. */
export const citySlug = (city: string): string => city.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '') || 'city'

/** 'hartford-wifi-2026Q3' / 'hartford-wifi-2026-11-24_2026-11-30' + extension. */
export function fileName(report: Report, format: ReportFormat): string {
  const city = citySlug(report.city)
  const span = report.period.name || `${report.period.from}_${report.period.to}`
  return `${city}-wifi-${span}.${format}`
}

export async function renderReport(report: Report, format: ReportFormat): Promise<Buffer> {
  if (format === 'json') return Buffer.from(renderJson(report), 'utf8')
  if (format === 'csv') return Buffer.from(renderCsv(report), 'utf8')
  if (format === 'html') return Buffer.from(renderHtml(report), 'utf8')
  const { renderPdf } = await import('./pdf.ts')
  return renderPdf(report)
}

export { renderCsv, renderHtml, renderJson }
