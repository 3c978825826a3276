/**
 * A dataset as a file: CSV (RFC 4180, a header row, ISO dates and times, empty for null),
 * GeoJSON (RFC 7946, lon/lat, the row as properties; spatial datasets only) or Parquet
 * (written by DuckDB from the CSV with each column's type), and its schema beside it (the
 * fields with type, unit, definition and source, the suppression rule for public files).
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { csvCell } from '../core/csv.ts'
import { SMALL_COUNT_RULE, type ExportTable, type FieldType } from './datasets.ts'

export const EXPORT_FORMATS = ['csv', 'geojson', 'parquet'] as const
export type ExportFormat = (typeof EXPORT_FORMATS)[number]

export function renderCsv(t: ExportTable): string {
  const names = t.dataset.fields.map((f) => f.name)
  const lines = [names.join(','), ...t.rows.map((r) => names.map((n) => csvCell(r[n] ?? null)).join(','))]
  return `${lines.join('\r\n')}\r\n`
}

export function renderGeoJson(t: ExportTable): string {
  if (!t.dataset.spatial) throw new Error(`${t.dataset.name} has no geometry: export it as csv or parquet`)
  return JSON.stringify({ type: 'FeatureCollection', features: t.rows.map((r, i) => ({ type: 'Feature', geometry: t.geometry[i] ?? null, properties: r })) })
}

const DUCK: Record<FieldType, string> = { string: 'VARCHAR', integer: 'BIGINT', number: 'DOUBLE', boolean: 'BOOLEAN', date: 'DATE', timestamp: 'TIMESTAMP' }

/** Parquet bytes, written by DuckDB (COPY ... (FORMAT parquet)) from the CSV with each column's type. */
export async function renderParquet(t: ExportTable): Promise<Buffer> {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-export-'))
  try {
    const csv = join(dir, 'in.csv')
    const out = join(dir, 'out.parquet')
    writeFileSync(csv, renderCsv(t))
    const cols = t.dataset.fields.map((f) => `'${f.name}': '${DUCK[f.type]}'`).join(', ')
    const db = await DuckDBInstance.create(':memory:')
    const con = await db.connect()
    try {
      // timestamps are written as UTC ISO strings: read them as such
      await con.run("SET TimeZone = 'UTC'")
      await con.run(`COPY (SELECT * FROM read_csv('${csv.replace(/'/g, "''")}', header = true, columns = {${cols}}, timestampformat = '%Y-%m-%dT%H:%M:%S.%gZ')) TO '${out.replace(/'/g, "''")}' (FORMAT parquet)`)
    } finally {
      con.closeSync()
      db.closeSync()
    }
    return readFileSync(out)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/** The machine-readable schema that goes beside each file. */
export function schemaOf(t: ExportTable, format: ExportFormat): string {
  return JSON.stringify({
    dataset: t.dataset.name,
    title: t.dataset.title,
    audience: t.dataset.audience,
    format,
    rows: t.rows.length,
    suppression: t.dataset.audience === 'public' ? SMALL_COUNT_RULE : 'staff file: nothing suppressed',
    fields: t.dataset.fields,
  }, null, 2)
}

export async function renderExport(t: ExportTable, format: ExportFormat): Promise<Buffer> {
  if (format === 'csv') return Buffer.from(renderCsv(t), 'utf8')
  if (format === 'geojson') return Buffer.from(renderGeoJson(t), 'utf8')
  return renderParquet(t)
}
