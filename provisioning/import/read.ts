/**
 * Reads inventory files into raw records: GeoJSON features (polygons = neighborhoods,
 * points = sites or devices by their `kind`, line strings = fiber links) and CSV rows
 * (what a file holds is told by its header). docs/INVENTORY.md defines both formats.
 */
import { readFileSync } from 'node:fs'
import { parse } from 'csv-parse/sync'
import { DEVICE_KINDS, FIELDS, SITE_KINDS, got, type Entity, type RawRecord, type Report } from './build.ts'

export interface ReadResult {
  records: RawRecord[]
  /** a GeoJSON file's `city` member ({ name, timezone }), if any */
  city?: { name: string; timezone: string }
}

/** Reads one file; `name` is how messages call it (the path as the user typed it). */
export function readInventoryFile(path: string, report: Report, name = path): ReadResult {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code
    report.error(name, undefined, code === 'ENOENT' ? 'file not found' : `cannot read: ${(err as Error).message}`)
    return { records: [] }
  }
  return readInventoryText(name, text, report)
}

/** Reads a file's text (from an upload, say); `name` tells the format by its extension. */
export function readInventoryText(name: string, text: string, report: Report): ReadResult {
  if (/\.(geo)?json$/i.test(name)) return readGeoJson(text, name, report)
  if (/\.csv$/i.test(name)) return { records: readCsv(text, name, report) }
  report.error(name, undefined, 'unknown file type: expected .csv, .geojson or .json')
  return { records: [] }
}

/** "Unexpected token } in JSON at position 42" -> line and column of position 42. */
function jsonErrorAt(text: string, err: Error): { line: number; col: number; what: string } {
  const m = /\s*(?:in JSON )?at position (\d+)(?: \(line \d+ column \d+\))?/.exec(err.message)
  const position = m ? Number(m[1]) : text.length
  const before = text.slice(0, position)
  const line = before.split('\n').length
  const col = position - before.lastIndexOf('\n')
  const what = m ? err.message.slice(0, m.index) : err.message
  return { line, col, what }
}

export function readGeoJson(text: string, name: string, report: Report): ReadResult {
  let doc: unknown
  try {
    doc = JSON.parse(text.replace(/^\uFEFF/, ''))
  } catch (err) {
    const { line, col, what } = jsonErrorAt(text, err as Error)
    report.error(`${name}:${line}:${col}`, undefined, `invalid JSON: ${what}`)
    return { records: [] }
  }
  const fc = doc as { type?: unknown; features?: unknown; city?: unknown }
  if (!fc || typeof fc !== 'object' || fc.type !== 'FeatureCollection' || !Array.isArray(fc.features)) {
    report.error(name, undefined, `must be a GeoJSON FeatureCollection with a 'features' array, got type ${got(fc && typeof fc === 'object' ? fc.type : fc)}`)
    return { records: [] }
  }
  const out: ReadResult = { records: [] }
  if (fc.city !== undefined) {
    const c = fc.city as { name?: unknown; timezone?: unknown }
    if (c && typeof c.name === 'string' && typeof c.timezone === 'string') out.city = { name: c.name, timezone: c.timezone }
    else report.error(name, 'city', `must be { "name": text, "timezone": text }, got ${got(fc.city)}`)
  }
  fc.features.forEach((f: unknown, i: number) => {
    const feature = f as { type?: unknown; id?: unknown; properties?: unknown; geometry?: unknown }
    const props = (feature && typeof feature.properties === 'object' && feature.properties) || {}
    const id = (props as Record<string, unknown>).id ?? feature?.id
    const at = `${name}: features[${i}]${typeof id === 'string' || typeof id === 'number' ? ` (id '${id}')` : ''}`
    if (!feature || typeof feature !== 'object' || feature.type !== 'Feature') {
      report.error(at, 'type', `must be 'Feature', got ${got(feature && typeof feature === 'object' ? feature.type : feature)}`)
      return
    }
    const g = feature.geometry as { type?: unknown } | null
    const gtype = g && typeof g === 'object' ? g.type : g
    const fields = props as Record<string, unknown>
    let entity: Entity | undefined
    if (gtype === 'Polygon' || gtype === 'MultiPolygon') entity = 'neighborhood'
    else if (gtype === 'LineString') entity = 'link'
    else if (gtype === 'Point') {
      const kind = fields.kind
      if ((SITE_KINDS as readonly unknown[]).includes(kind)) entity = 'site'
      else if ((DEVICE_KINDS as readonly unknown[]).includes(kind)) entity = 'device'
      else {
        report.error(at, 'kind', `must be one of ${SITE_KINDS.join(', ')} (a site) or ${DEVICE_KINDS.join(', ')} (a device), got ${got(kind)}`)
        return
      }
    } else {
      report.error(at, 'geometry', `must be a Polygon, MultiPolygon, Point or LineString, got ${got(gtype)}`)
      return
    }
    out.records.push({ entity, at, fields, geometry: g })
  })
  return out
}

/** Which entity a CSV holds, told by its columns. */
function entityOfHeader(columns: string[]): Entity | undefined {
  const has = (c: string) => columns.includes(c)
  if (has('a_device') || has('b_device')) return 'link'
  if (has('population') || has('geometry')) return 'neighborhood'
  if (has('host') || has('port') || has('credential')) return 'device'
  if (has('kind') && (has('lon') || has('lat'))) return 'site'
  return undefined
}

export function readCsv(text: string, name: string, report: Report): RawRecord[] {
  let rows: { record: string[]; info: { lines: number } }[]
  try {
    rows = parse(text, { bom: true, info: true, relax_column_count: true, skip_empty_lines: true, trim: false }) as unknown as typeof rows
  } catch (err) {
    const e = err as Error & { lines?: number }
    report.error(`${name}${e.lines ? `:${e.lines}` : ''}`, undefined, `not valid CSV: ${e.message.replace(/^Invalid [^:]*: /, '')}`)
    return []
  }
  if (rows.length === 0) {
    report.error(name, undefined, 'is empty: expected a header line')
    return []
  }
  const header = rows[0]!.record.map((c) => c.trim().toLowerCase())
  const entity = entityOfHeader(header)
  if (!entity) {
    report.error(`${name}:1`, undefined, `cannot tell what this file holds from its header: a neighborhoods file has 'geometry', a links file 'a_device', a devices file 'host', a sites file 'kind' and 'lon' (see docs/INVENTORY.md)`)
    return []
  }
  const known = FIELDS[entity]
  const missing = known.required.filter((c) => !header.includes(c))
  for (const c of missing) report.error(`${name}:1`, undefined, `missing column '${c}' (a ${entity}s file needs ${known.required.join(', ')})`)
  const seen = new Set<string>()
  for (const c of header) {
    if (seen.has(c)) report.error(`${name}:1`, undefined, `column '${c}' appears twice`)
    seen.add(c)
    if (!known.required.includes(c) && !known.optional.includes(c)) report.warn(`${name}:1`, undefined, `column '${c}' is not used`)
  }
  if (missing.length > 0 || seen.size !== header.length) return []
  const out: RawRecord[] = []
  for (const { record, info } of rows.slice(1)) {
    const at = `${name}:${info.lines}`
    if (record.length !== header.length) {
      report.error(at, undefined, `has ${record.length} fields, the header has ${header.length}`)
      continue
    }
    const fields: Record<string, unknown> = {}
    header.forEach((c, i) => (fields[c] = record[i]))
    out.push({ entity, at, fields })
  }
  return out
}
