/**
 * Hartford with the APs of three neighborhoods (Northeast, Blue Hills: standalone UniFi;
 * Asylum Hill: behind the controller) and every other device and link kept: a whole
 * network tree, light enough to poll every 2 s in a test.
 */
import type { Inventory } from '../../core/inventory.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'

export const SMALL_HARTFORD_NEIGHBORHOODS = ['northeast', 'blue-hills', 'asylum-hill']

export function smallHartford(): Inventory {
  const inv = hartfordInventory(1)
  const bySite = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
  return { ...inv, devices: inv.devices.filter((d) => d.kind !== 'ap' || SMALL_HARTFORD_NEIGHBORHOODS.includes(bySite.get(d.site)!)) }
}
