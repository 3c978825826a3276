/**
 * Coverage: which part of an area lies within an access point's service radius, computed
 * with Turf (@turf/turf: circle, union, intersect, area), not by hand.
 *
 * Method (also stated in the plan):
 * - each AP is a disc of its service radius around its site, a 64-sided polygon (its area
 *   is 0.16 % under the true circle's);
 * - the discs are united once (overlaps counted once), and the union cut by each area: the
 *   covered part; area share = covered area / area, both on the sphere (turf.area);
 * - population share: with census tracts, each tract's people are taken as spread evenly
 *   over it, so a tract contributes population x (its covered area / its area); without
 *   tracts, the area share.
 */
import { area as turfArea, circle, featureCollection, intersect, union, bbox as turfBbox } from '@turf/turf'
import type { Feature, MultiPolygon, Polygon } from 'geojson'
import type { AreaGeometry, Position } from '../core/inventory.ts'

const DISC_STEPS = 64

export interface ApPoint {
  id: string
  position: Position
  radiusM: number
}

type Area = Feature<Polygon | MultiPolygon>
const feature = (g: AreaGeometry): Area => ({ type: 'Feature', properties: {}, geometry: g as Polygon | MultiPolygon })

/** The AP's disc: a 64-sided polygon of its radius around it. */
export const disc = (ap: ApPoint): Feature<Polygon> => circle(ap.position as [number, number], ap.radiusM / 1000, { units: 'kilometers', steps: DISC_STEPS })

const boxesMeet = (a: number[], b: number[]) => a[0]! <= b[2]! && b[0]! <= a[2]! && a[1]! <= b[3]! && b[1]! <= a[3]!

export interface Reach {
  /** the discs' union in disjoint pieces (cut by tiles), each with its box */
  parts: { polygon: Feature<Polygon>; box: number[] }[]
}

/** the side of the tiles the union is made in, degrees of latitude (about 1.1 km) */
const TILE_DEG = 0.01

/**
 * The discs united once (for many areas), tile by tile: the discs touching a tile are united
 * and cut by it, so the pieces are disjoint, each union stays small (a city of 10,000 APs is
 * thousands of small unions, not one that outgrows memory), and an area's coverage is its
 * cut with the pieces near it.
 */
export function discsOf(aps: readonly ApPoint[]): Reach {
  const tiles = new Map<string, Feature<Polygon>[]>()
  // one tiling for all (tiles of about the same width in metres at the APs' mean latitude)
  const meanLat = aps.reduce((s, a) => s + a.position[1], 0) / Math.max(1, aps.length)
  const lonDeg = TILE_DEG / Math.cos((meanLat * Math.PI) / 180)
  for (const ap of aps) {
    const d = disc(ap)
    const [w, so, e, n] = turfBbox(d)
    for (let i = Math.floor(w! / lonDeg); i <= Math.floor(e! / lonDeg); i++) {
      for (let j = Math.floor(so! / TILE_DEG); j <= Math.floor(n! / TILE_DEG); j++) {
        const k = `${i},${j}`
        const list = tiles.get(k)
        if (list) list.push(d)
        else tiles.set(k, [d])
      }
    }
  }
  const parts: Reach['parts'] = []
  for (const [k, discs] of tiles) {
    const [i, j] = k.split(',').map(Number) as [number, number]
    const tile: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates: [[[i * lonDeg, j * TILE_DEG], [(i + 1) * lonDeg, j * TILE_DEG], [(i + 1) * lonDeg, (j + 1) * TILE_DEG], [i * lonDeg, (j + 1) * TILE_DEG], [i * lonDeg, j * TILE_DEG]]] } }
    const u = discs.length === 1 ? discs[0]! : union(featureCollection(discs))
    const piece = u ? intersect(featureCollection([tile, u as Area])) : null
    if (!piece) continue
    const polys = piece.geometry.type === 'Polygon' ? [piece.geometry.coordinates] : (piece.geometry as MultiPolygon).coordinates
    for (const coordinates of polys) {
      const polygon: Feature<Polygon> = { type: 'Feature', properties: {}, geometry: { type: 'Polygon', coordinates } }
      parts.push({ polygon, box: turfBbox(polygon) })
    }
  }
  return { parts }
}

/** The part of the area within reach of the discs (null: none). */
export function coveredPart(areaGeometry: AreaGeometry, d: Reach): Area | null {
  const a = feature(areaGeometry)
  const box = turfBbox(a)
  const near = d.parts.filter((p) => boxesMeet(p.box, box))
  if (near.length === 0) return null
  const reach: Area = near.length === 1 ? near[0]!.polygon : { type: 'Feature', properties: {}, geometry: { type: 'MultiPolygon', coordinates: near.map((p) => p.polygon.geometry.coordinates) } }
  return intersect(featureCollection([a, reach])) as Area | null
}

const areaM2 = (g: AreaGeometry | Area): number => turfArea('type' in g && g.type === 'Feature' ? g : feature(g as AreaGeometry))

export interface Coverage {
  areaM2: number
  coveredM2: number
  /** coveredM2 / areaM2, 0..1 */
  areaShare: number
}

export function coverage(areaGeometry: AreaGeometry, d: Reach): Coverage & { part: Area | null } {
  const total = areaM2(areaGeometry)
  const part = coveredPart(areaGeometry, d)
  const covered = part ? turfArea(part) : 0
  return { areaM2: total, coveredM2: covered, areaShare: total > 0 ? Math.min(1, covered / total) : 0, part }
}
