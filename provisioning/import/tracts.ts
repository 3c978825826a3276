/**
 * Census tracts for planning, from a GeoJSON FeatureCollection of tract polygons carrying
 * the ACS 5-year figures under the column names of the Census Bureau's tables as Hartford's
 * file has them (provisioning/city/data/hartford_tracts_2020_acs2023.geojson):
 * geoid_2020, tract_name, neighborhood (the neighborhood's name or id), population,
 * households, hh_without_broadband_est, pct_hh_without_broadband, poverty_rate_pct,
 * poverty_universe, below_200pct_poverty. `CIVICNET_TRACTS_FILE` names such a file for a
 * city (cli/ reads it). Every error names the file, the feature and the field.
 */
import type { AreaGeometry, Tract } from '../../core/inventory.ts'
import { slugify } from './build.ts'

export function tractsFromGeoJson(text: string, neighborhoods: readonly { id: string; name: string }[], file: string): Tract[] {
  let geo: { type?: string; features?: { properties?: Record<string, unknown>; geometry?: { type?: string } }[] }
  try {
    geo = JSON.parse(text)
  } catch (err) {
    throw new Error(`${file}: not JSON (${(err as Error).message})`)
  }
  if (geo.type !== 'FeatureCollection' || !Array.isArray(geo.features)) throw new Error(`${file}: must be a GeoJSON FeatureCollection`)
  const byKey = new Map<string, string>()
  for (const n of neighborhoods) {
    byKey.set(n.id, n.id)
    byKey.set(slugify(n.name), n.id)
  }
  return geo.features.map((f, i) => {
    const p = f.properties ?? {}
    const where = `${file}: features[${i}]`
    const num = (k: string, required = false): number | null => {
      const v = p[k]
      if (v === null || v === undefined || v === '') {
        if (required) throw new Error(`${where}.properties.${k} is required`)
        return null
      }
      const n = Number(v)
      if (!Number.isFinite(n) || n < 0) throw new Error(`${where}.properties.${k} must be a number of 0 or more, got ${JSON.stringify(v).slice(0, 30)}`)
      return n
    }
    if (f.geometry?.type !== 'Polygon' && f.geometry?.type !== 'MultiPolygon') throw new Error(`${where}.geometry must be a Polygon or MultiPolygon`)
    const hoodName = String(p.neighborhood ?? '')
    const neighborhood = byKey.get(hoodName) ?? byKey.get(slugify(hoodName))
    if (!neighborhood) throw new Error(`${where}.properties.neighborhood '${hoodName.slice(0, 40)}' is no neighborhood of the inventory`)
    const universe = num('poverty_universe')
    const below200 = num('below_200pct_poverty')
    return {
      id: String(p.geoid_2020 ?? p.geoid ?? `tract-${i}`),
      name: `Tract ${String(p.tract_name ?? i)}`,
      neighborhood,
      population: num('population', true)!,
      households: num('households', true)!,
      householdsWithoutBroadband: num('hh_without_broadband_est') ?? 0,
      pctWithoutBroadband: num('pct_hh_without_broadband'),
      povertyRatePct: num('poverty_rate_pct'),
      pctBelow200PovertyPct: universe && below200 !== null ? Math.round((1000 * below200) / universe) / 10 : null,
      geometry: f.geometry as AreaGeometry,
    }
  })
}
