/**
 * Small plane-and-sphere geometry on WGS84 lon/lat, enough for a city: which neighborhood
 * holds a point, how long a fiber route is, what box a city fills. Imports nothing of ours
 * but the inventory types, so web code can bundle it too.
 */
import type { AreaGeometry, Position } from './inventory.ts'

/** Mean Earth radius in metres (IUGG), the usual choice for haversine distances. */
export const EARTH_RADIUS_M = 6_371_008.8

/** [minLon, minLat, maxLon, maxLat] */
export type BBox = [number, number, number, number]

const rad = (deg: number): number => (deg * Math.PI) / 180

/** Great-circle distance in metres between two [lon, lat] positions. */
export function haversineM(a: Position, b: Position): number {
  const dLat = rad(b[1] - a[1])
  const dLon = rad(b[0] - a[0])
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a[1])) * Math.cos(rad(b[1])) * Math.sin(dLon / 2) ** 2
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)))
}

/** Length in metres of a LineString: the sum of the haversine lengths of its segments. */
export function lineLengthM(coordinates: readonly Position[]): number {
  let total = 0
  for (let i = 1; i < coordinates.length; i++) total += haversineM(coordinates[i - 1]!, coordinates[i]!)
  return total
}

/**
 * Ray casting on one ring. A point exactly on an edge may land on either side; neighborhood
 * polygons only touch each other, so a point on a shared border belongs to one of the two.
 */
function inRing(p: Position, ring: readonly Position[]): boolean {
  let inside = false
  const [x, y] = p
  for (let i = 0, j = ring.length - 1; i < ring.length; j = i++) {
    const [xi, yi] = ring[i]!
    const [xj, yj] = ring[j]!
    if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside
  }
  return inside
}

/** True when the point is inside a Polygon/MultiPolygon (inside an outer ring and outside its holes). */
export function pointInArea(p: Position, area: AreaGeometry): boolean {
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates
  for (const rings of polygons) {
    if (rings.length === 0 || !inRing(p, rings[0]!)) continue
    let inHole = false
    for (let h = 1; h < rings.length; h++) if (inRing(p, rings[h]!)) inHole = true
    if (!inHole) return true
  }
  return false
}

/** Bounding box of any nesting of positions (a ring, a polygon, a multipolygon, a list of points). */
export function bbox(geometry: AreaGeometry | { coordinates: readonly Position[] } | readonly Position[]): BBox {
  const box: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  const walk = (c: unknown): void => {
    if (Array.isArray(c) && typeof c[0] === 'number') {
      const [lon, lat] = c as Position
      if (lon < box[0]) box[0] = lon
      if (lat < box[1]) box[1] = lat
      if (lon > box[2]) box[2] = lon
      if (lat > box[3]) box[3] = lat
    } else if (Array.isArray(c)) for (const x of c) walk(x)
  }
  walk(Array.isArray(geometry) ? geometry : (geometry as { coordinates: unknown }).coordinates)
  return box
}

/** The box holding every given box. */
export function unionBBox(boxes: readonly BBox[]): BBox {
  const out: BBox = [Infinity, Infinity, -Infinity, -Infinity]
  for (const b of boxes) {
    out[0] = Math.min(out[0], b[0])
    out[1] = Math.min(out[1], b[1])
    out[2] = Math.max(out[2], b[2])
    out[3] = Math.max(out[3], b[3])
  }
  return out
}

export function inBBox(p: Position, box: BBox): boolean {
  return p[0] >= box[0] && p[0] <= box[2] && p[1] >= box[1] && p[1] <= box[3]
}

/**
 * Area in square metres of a Polygon/MultiPolygon (holes subtracted), on a local
 * equirectangular projection: exact enough (<0.1%) at the size of a city.
 */
export function areaM2(area: AreaGeometry): number {
  const polygons = area.type === 'Polygon' ? [area.coordinates] : area.coordinates
  let total = 0
  for (const rings of polygons) {
    rings.forEach((ring, i) => {
      const lat0 = rad(ring.reduce((s, p) => s + p[1], 0) / ring.length)
      const kx = EARTH_RADIUS_M * Math.cos(lat0) * (Math.PI / 180)
      const ky = EARTH_RADIUS_M * (Math.PI / 180)
      let twice = 0
      for (let k = 0, j = ring.length - 1; k < ring.length; j = k++) {
        twice += ring[j]![0] * kx * (ring[k]![1] * ky) - ring[k]![0] * kx * (ring[j]![1] * ky)
      }
      total += (i === 0 ? 1 : -1) * Math.abs(twice / 2)
    })
  }
  return total
}

/** Mean of a ring's vertices (closing vertex excluded): a cheap "middle" for labels and seeds. */
export function ringCentroid(ring: readonly Position[]): Position {
  const n = ring.length > 1 && ring[0]![0] === ring[ring.length - 1]![0] && ring[0]![1] === ring[ring.length - 1]![1] ? ring.length - 1 : ring.length
  let lon = 0
  let lat = 0
  for (let i = 0; i < n; i++) {
    lon += ring[i]![0]
    lat += ring[i]![1]
  }
  return [lon / n, lat / n]
}

/** Moves a position by east/north metres (local flat approximation, fine over a few km). */
export function offsetM(p: Position, eastM: number, northM: number): Position {
  const dLat = northM / EARTH_RADIUS_M / (Math.PI / 180)
  const dLon = eastM / (EARTH_RADIUS_M * Math.cos(rad(p[1]))) / (Math.PI / 180)
  return [p[0] + dLon, p[1] + dLat]
}

/** Id of the first area holding the point, '' when none does (how a site gets its neighborhood). */
export function neighborhoodAt(p: Position, areas: readonly { id: string; geometry: AreaGeometry }[]): string {
  for (const a of areas) if (pointInArea(p, a.geometry)) return a.id
  return ''
}

/** Fiber route length as the inventory stores it: haversine metres rounded to 0.1 m. */
export function routeLengthM(coordinates: readonly Position[]): number {
  return Math.round(lineLengthM(coordinates) * 10) / 10
}
