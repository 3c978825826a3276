/**
 * The bit of WKT (well-known text) that city spreadsheets hold: LINESTRING, POLYGON and
 * MULTIPOLYGON, as QGIS and PostGIS write them. Also the short route form "lon lat;lon lat".
 */
import type { Position } from '../../core/inventory.ts'

type Nested = Position | Nested[]

export type WktGeometry =
  | { type: 'LineString'; coordinates: Position[] }
  | { type: 'Polygon'; coordinates: Position[][] }
  | { type: 'MultiPolygon'; coordinates: Position[][][] }

const DEPTH = { LINESTRING: 1, POLYGON: 2, MULTIPOLYGON: 3 } as const
const TYPE = { LINESTRING: 'LineString', POLYGON: 'Polygon', MULTIPOLYGON: 'MultiPolygon' } as const

/** Parses WKT; throws an Error whose message says what is wrong (it becomes part of a field error). */
export function parseWkt(text: string): WktGeometry {
  const m = /^\s*(LINESTRING|POLYGON|MULTIPOLYGON)\s*(?:Z\s*)?(\(.*\))\s*$/is.exec(text)
  if (!m) throw new Error(`must be WKT LINESTRING, POLYGON or MULTIPOLYGON, got '${text.length > 40 ? text.slice(0, 40) + '...' : text}'`)
  const keyword = m[1]!.toUpperCase() as keyof typeof DEPTH
  const body = m[2]!
  let i = 0
  const parseList = (depth: number): Nested[] => {
    if (body[i] !== '(') throw new Error(`malformed ${keyword}: expected '(' at character ${i + 1}`)
    i++
    const items: Nested[] = []
    for (;;) {
      while (body[i] === ' ') i++
      if (depth > 1) items.push(parseList(depth - 1))
      else {
        const end = body.slice(i).search(/[,)]/)
        if (end < 0) throw new Error(`malformed ${keyword}: missing ')'`)
        const nums = body.slice(i, i + end).trim().split(/\s+/).map(Number)
        if (nums.length < 2 || nums.some((n) => !Number.isFinite(n))) {
          throw new Error(`malformed ${keyword}: '${body.slice(i, i + end).trim()}' is not 'lon lat'`)
        }
        items.push([nums[0]!, nums[1]!])
        i += end
      }
      while (body[i] === ' ') i++
      if (body[i] === ',') {
        i++
        continue
      }
      if (body[i] === ')') {
        i++
        return items
      }
      throw new Error(`malformed ${keyword}: expected ',' or ')' at character ${i + 1}`)
    }
  }
  const coordinates = parseList(DEPTH[keyword])
  if (body.slice(i).trim() !== '') throw new Error(`malformed ${keyword}: text after the closing ')'`)
  return { type: TYPE[keyword], coordinates } as WktGeometry
}

/** "lon lat;lon lat;..." (the short route form) or WKT LINESTRING. */
export function parseRoute(text: string): Position[] {
  if (/^\s*LINESTRING/i.test(text)) {
    const g = parseWkt(text)
    return g.coordinates as Position[]
  }
  return text
    .split(';')
    .filter((s) => s.trim() !== '')
    .map((pair) => {
      const nums = pair.trim().split(/[\s,]+/).map(Number)
      if (nums.length !== 2 || nums.some((n) => !Number.isFinite(n))) {
        throw new Error(`must be 'lon lat;lon lat;...' or WKT LINESTRING, and '${pair.trim()}' is not 'lon lat'`)
      }
      return [nums[0]!, nums[1]!] as Position
    })
}

const pos = (p: Position): string => `${p[0]} ${p[1]}`
const ring = (r: Position[]): string => `(${r.map(pos).join(', ')})`

export function toWkt(g: WktGeometry): string {
  if (g.type === 'LineString') return `LINESTRING ${ring(g.coordinates)}`
  if (g.type === 'Polygon') return `POLYGON (${g.coordinates.map(ring).join(', ')})`
  return `MULTIPOLYGON (${g.coordinates.map((p) => `(${p.map(ring).join(', ')})`).join(', ')})`
}

export function toRoute(coordinates: Position[]): string {
  return coordinates.map(pos).join(';')
}
