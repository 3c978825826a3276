/**
 * Inventory export in the same formats the importer reads (docs/INVENTORY.md), so export
 * then import gives the same inventory back.
 */
import type { Device, Inventory, Site } from '../../core/inventory.ts'
import { API_FIELDS } from './build.ts'
import { toRoute, toWkt } from './wkt.ts'

type Props = Record<string, string | number | boolean | null>

function neighborhoodProps(n: Inventory['neighborhoods'][number]): Props {
  return {
    id: n.id,
    name: n.name,
    served: n.served,
    population: n.census.population,
    households: n.census.households,
    hh_without_broadband_est: n.census.householdsWithoutBroadband,
    pct_hh_without_broadband: n.census.pctWithoutBroadband,
    poverty_rate_pct: n.census.povertyRatePct,
  }
}

function deviceProps(d: Device): Props {
  const p: Props = { id: d.id, name: d.name, kind: d.kind, site: d.site, host: d.mgmt.host, port: d.mgmt.port, credential: d.credential }
  if (d.uplink) Object.assign(p, { uplink_device: d.uplink.device, uplink_port: d.uplink.port })
  if (d.controller) p.controller = d.controller
  if (d.controllerApName) p.controller_ap_name = d.controllerApName
  if (d.model) p.model = d.model
  if (d.profile) p.profile = d.profile
  if (d.managedBy) p.managed_by = d.managedBy
  if (d.api) {
    Object.assign(p, { api_kind: d.api.kind, api_base_url: d.api.baseUrl, api_site: d.api.site, api_auth: d.api.auth, api_credential: d.api.credential })
    if (d.api.fingerprint256) p.api_fingerprint256 = d.api.fingerprint256
    if (d.api.caFile) p.api_ca_file = d.api.caFile
  }
  return p
}

/** One FeatureCollection: polygons, site points, device points (at their site), link lines. */
export function inventoryToGeoJson(inv: Inventory): object {
  const siteById = new Map(inv.sites.map((s) => [s.id, s]))
  const features: object[] = [
    ...inv.neighborhoods.map((n) => ({ type: 'Feature', properties: neighborhoodProps(n), geometry: n.geometry })),
    ...inv.sites.map((s) => ({
      type: 'Feature',
      properties: { id: s.id, kind: s.kind, neighborhood: s.neighborhood },
      geometry: { type: 'Point', coordinates: [s.lon, s.lat] },
    })),
    ...inv.devices.map((d) => {
      const s = siteById.get(d.site) as Site
      return { type: 'Feature', properties: deviceProps(d), geometry: { type: 'Point', coordinates: [s.lon, s.lat] } }
    }),
    ...inv.links.map((l) => ({
      type: 'Feature',
      properties: { id: l.id, a_device: l.a.device, a_port: l.a.port, b_device: l.b.device, b_port: l.b.port, length_m: l.lengthM },
      geometry: l.route,
    })),
  ]
  return { type: 'FeatureCollection', city: inv.city, features }
}

/** RFC 4180 quoting: only where a field needs it. */
function cell(v: unknown): string {
  if (v === undefined || v === null) return ''
  const s = String(v)
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
function csv(columns: string[], rows: Record<string, unknown>[]): string {
  return [columns.join(','), ...rows.map((r) => columns.map((c) => cell(r[c])).join(','))].join('\n') + '\n'
}

export const CSV_COLUMNS = {
  neighborhoods: ['id', 'name', 'served', 'population', 'households', 'hh_without_broadband_est', 'pct_hh_without_broadband', 'poverty_rate_pct', 'geometry'],
  sites: ['id', 'kind', 'lon', 'lat', 'neighborhood'],
  devices: ['id', 'name', 'kind', 'site', 'lon', 'lat', 'host', 'port', 'credential', 'uplink_device', 'uplink_port', 'controller', 'controller_ap_name', 'model', 'profile', 'managed_by', ...API_FIELDS],
  links: ['id', 'a_device', 'a_port', 'b_device', 'b_port', 'route', 'length_m'],
}

/** The four spreadsheets, by file name. */
export function inventoryToCsv(inv: Inventory): Record<'neighborhoods.csv' | 'sites.csv' | 'devices.csv' | 'links.csv', string> {
  const siteById = new Map(inv.sites.map((s) => [s.id, s]))
  return {
    'neighborhoods.csv': csv(
      CSV_COLUMNS.neighborhoods,
      inv.neighborhoods.map((n) => ({ ...neighborhoodProps(n), geometry: toWkt(n.geometry) })),
    ),
    'sites.csv': csv(CSV_COLUMNS.sites, inv.sites),
    'devices.csv': csv(
      CSV_COLUMNS.devices,
      inv.devices.map((d) => ({ ...deviceProps(d), lon: siteById.get(d.site)?.lon, lat: siteById.get(d.site)?.lat })),
    ),
    'links.csv': csv(
      CSV_COLUMNS.links,
      inv.links.map((l) => ({ id: l.id, a_device: l.a.device, a_port: l.a.port, b_device: l.b.device, b_port: l.b.port, route: toRoute(l.route.coordinates), length_m: l.lengthM })),
    ),
  }
}
