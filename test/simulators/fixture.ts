/**
 * A small hand-built city for the simulator tests: a core router, a wireless controller
 * with 3 lightweight APs behind switch sw-north, and 3 standalone UniFi APs behind
 * switch sw-south; both switches hang from the core on fiber links with optics.
 */
import pino from 'pino'
import type { Device, Inventory } from '../../core/inventory.ts'

const square = (x: number, y: number) => ({
  type: 'Polygon' as const,
  coordinates: [[[x, y], [x + 0.01, y], [x + 0.01, y + 0.01], [x, y + 0.01], [x, y]] as [number, number][]],
})
const census = { population: 1000, households: 400, householdsWithoutBroadband: 80, pctWithoutBroadband: 20, povertyRatePct: 25 }

export function smallCity(): Inventory {
  const dev = (d: Omit<Device, 'mgmt' | 'credential'>, port: number): Device => ({ ...d, mgmt: { host: '127.0.0.1', port }, credential: 'sim-v2c' })
  return {
    city: { name: 'Testville', timezone: 'America/New_York' },
    neighborhoods: [
      { id: 'north', name: 'North', served: true, census, geometry: square(-72.7, 41.77) },
      { id: 'south', name: 'South', served: true, census, geometry: square(-72.7, 41.75) },
    ],
    sites: [
      { id: 'hub', kind: 'hub', lon: -72.695, lat: 41.765, neighborhood: '' },
      { id: 'n-cab', kind: 'cabinet', lon: -72.695, lat: 41.775, neighborhood: 'north' },
      { id: 's-cab', kind: 'cabinet', lon: -72.695, lat: 41.755, neighborhood: 'south' },
      ...[1, 2, 3].map((i) => ({ id: `n-pole-${i}`, kind: 'pole' as const, lon: -72.699 + i * 0.002, lat: 41.776, neighborhood: 'north' })),
      ...[1, 2, 3].map((i) => ({ id: `s-pole-${i}`, kind: 'pole' as const, lon: -72.699 + i * 0.002, lat: 41.756, neighborhood: 'south' })),
    ],
    devices: [
      dev({ id: 'core-1', name: 'CORE-1', kind: 'router', site: 'hub' }, 1),
      dev({ id: 'wlc-1', name: 'WLC-1', kind: 'controller', site: 'hub', uplink: { device: 'core-1', port: 'Gi0/0/2' } }, 2),
      dev({ id: 'sw-north', name: 'SW-NORTH', kind: 'switch', site: 'n-cab', uplink: { device: 'core-1', port: 'Te0/0/1' } }, 3),
      dev({ id: 'sw-south', name: 'SW-SOUTH', kind: 'switch', site: 's-cab', uplink: { device: 'core-1', port: 'Te0/0/2' } }, 4),
      ...[1, 2, 3].map((i) =>
        dev({ id: `ap-n${i}`, name: `AP-N${i}`, kind: 'ap', site: `n-pole-${i}`, uplink: { device: 'sw-north', port: `Gi1/0/${i}` }, controller: 'wlc-1', controllerApName: `AP-NORTH-${i}` }, 10 + i),
      ),
      ...[1, 2, 3].map((i) => dev({ id: `ap-s${i}`, name: `AP-S${i}`, kind: 'ap', site: `s-pole-${i}`, uplink: { device: 'sw-south', port: `Gi1/0/${i}` }, model: 'UAP-AC-M' }, 20 + i)),
    ],
    links: [
      { id: 'fl-north', a: { device: 'sw-north', port: 'Te1/1/1' }, b: { device: 'core-1', port: 'Te0/0/1' }, route: { type: 'LineString', coordinates: [[-72.695, 41.775], [-72.695, 41.765]] }, lengthM: 1100 },
      { id: 'fl-south', a: { device: 'sw-south', port: 'Te1/1/1' }, b: { device: 'core-1', port: 'Te0/0/2' }, route: { type: 'LineString', coordinates: [[-72.695, 41.755], [-72.695, 41.765]] }, lengthM: 1300 },
    ],
  }
}

export const silentLog = pino({ level: 'silent' })
