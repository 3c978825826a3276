/**
 * A November 2026 on Hartford, built incident by incident through the real incident store
 * and root-cause grouping, for the operations report's tests (figures worked out by hand in
 * test/operations/operations.test.ts): an October incident, two at one Northeast AP (30 and
 * 60 min), a fiber cut in Blue Hills that an AP incident merges into (300 min), and a
 * Downtown AP still open at the report's time.
 */
import type { Inventory } from '../../core/inventory.ts'
import { subtree } from '../../core/topology.ts'
import { groupFailures, type PortStatus, type Status } from '../../incidents/root-cause.ts'
import { treeOf } from '../../incidents/scope.ts'
import type { IncidentStore } from '../../incidents/store.ts'

export const MIN = 60_000
export const at = (iso: string) => Date.parse(iso)
export const NOW = at('2026-12-01T12:00:00Z')

export function month(inv: Inventory, incidents: IncidentStore) {
  const tree = treeOf(inv)
  const hood = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
  const apsIn = (nb: string) => inv.devices.filter((d) => d.kind === 'ap' && hood.get(d.site) === nb).map((d) => d.id).sort()
  const groups = (down: string[], ports: Record<string, PortStatus> = {}) => groupFailures(tree, inv, { status: (d): Status => (down.includes(d) ? 'down' : 'up'), port: (d, p) => ports[`${d} ${p}`] })
  const alone = (ap: string, from: string, minutes: number | null) => {
    incidents.update(groups([ap]), at(from), { sinceMs: () => at(from) })
    const id = incidents.list({ state: 'open' }).find((i) => i.rootCause.id === ap)!.id
    if (minutes !== null) incidents.update([], at(from) + minutes * MIN, { recoveredMs: () => at(from) + minutes * MIN })
    return id
  }
  const ne = apsIn('northeast')[0]!
  const dt = apsIn('downtown')[0]!
  // October (19:30 EDT on Oct 31): out of the month
  alone(apsIn('frog-hollow')[0]!, '2026-10-31T23:30:00Z', 20)
  const a = alone(ne, '2026-11-03T14:00:00Z', 30)
  incidents.setClientHours(a, 12.5, 0, at('2026-11-03T14:30:00Z'))
  const b = alone(ne, '2026-11-10T14:00:00Z', 60)
  // the cut: the link incident first (from the trap), an AP behind it opens on its own a
  // moment later, then the whole group merges it into the cut
  const link = inv.links.find((l) => l.id === 'fiber-sw-blue-hills-1')!
  const edge = tree.edges.get(link.id)!
  const behind = subtree(tree, edge.child)
  const dark = { [`${edge.parent} ${edge.parentPort}`]: 'down' as const }
  const t0 = at('2026-11-15T14:00:00Z')
  incidents.update(groups([], dark), t0, { sinceMs: () => t0 })
  const c = incidents.list({ state: 'open' })[0]!.id
  const bhAp = behind.find((d) => d.startsWith('ap-'))!
  // (seen alone: its switch still reported its port up)
  incidents.update([...groups([], dark), ...groups([bhAp], { [`${inv.devices.find((d) => d.id === bhAp)!.uplink!.device} ${inv.devices.find((d) => d.id === bhAp)!.uplink!.port}`]: 'up' })], t0 + MIN, { sinceMs: () => t0 })
  const f = incidents.list({ state: 'open' }).find((i) => i.rootCause.id === bhAp)!.id
  incidents.update(groups(behind, dark), t0 + 5 * MIN, { sinceMs: () => t0 })
  incidents.update([], t0 + 300 * MIN, { recoveredMs: () => t0 + 300 * MIN })
  incidents.setClientHours(c, 340.2, 0, t0 + 300 * MIN)
  // still open at the report's time, 13 h in (minor: 24 h): not judged yet
  const d = alone(dt, '2026-11-30T23:00:00Z', null)
  return { a, b, c, d, f, ne, dt, bhAp }
}

