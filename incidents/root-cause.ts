/**
 * Root causes: which failed element explains which down devices. On the network tree
 * (core/topology.ts), every down device is climbed to the highest down device above it
 * with nothing healthy in between; that device and everything down below it through down
 * devices is one group, explained by the highest failed element:
 *
 * - the fiber link above it, when the parent (answering) reports its port on that link down
 *   (loss of light): root cause the link, seen;
 * - the device itself, when the parent reports that port up (the link carries light: the
 *   device does not answer), or when it is a root of the tree: seen;
 * - the device, probable, when the element above cannot be judged: the parent answers but
 *   its port on the link is not read, the parent has no current status, or the device hangs
 *   from a bare uplink (a port down there is a cable or the device: one cannot tell).
 *
 * A device whose status is unknown (not polled yet, a stale answer, a lightweight AP whose
 * controller does not answer) is neither down nor healthy: it never opens a group and never
 * joins one, and a group under it is probable; except that a device behind a fiber link its
 * answering far end reports down is cut off, so down, whatever its own polls said so far.
 *
 * Pure domain code: statuses in, groups out; no store, no clock.
 */
import type { Inventory } from '../core/inventory.ts'
import type { NetworkTree, TreeEdge } from '../core/topology.ts'

export type Status = 'up' | 'down' | 'unknown'
/** a port's operational status as its device reports it (IF-MIB ifOperStatus): up, down, or not read */
export type PortStatus = 'up' | 'down' | undefined

export interface RootCause {
  kind: 'device' | 'link'
  /** the device id or the fiber link id */
  id: string
  /** true when the element above could not be judged: the cause is the most likely one, not a seen one */
  probable: boolean
  /** in words, for people: why this element */
  why: string
}

export interface FailureGroup {
  rootCause: RootCause
  /** the highest down device of the group */
  top: string
  /** every down device the root cause explains, top first, in tree order */
  devices: string[]
  /** their APs */
  aps: string[]
  /** their neighborhoods (ids, sorted; devices at no neighborhood's site add none) */
  neighborhoods: string[]
}

export interface Observations {
  status(device: string): Status
  /** the port's status on the device, as last read */
  port(device: string, port: string): PortStatus
}

/** Groups the down devices by root cause, in tree order of their tops. */
export function groupFailures(tree: NetworkTree, inventory: Pick<Inventory, 'devices' | 'sites'>, obs: Observations): FailureGroup[] {
  const kind = new Map(inventory.devices.map((d) => [d.id, d.kind]))
  const siteHood = new Map(inventory.sites.map((s) => [s.id, s.neighborhood]))
  const hood = new Map(inventory.devices.map((d) => [d.id, siteHood.get(d.site) ?? '']))
  const down = (id: string) => obs.status(id) === 'down' || cutOff(tree, id, obs)
  const groups = new Map<string, string[]>()
  for (const id of tree.order) {
    if (!down(id)) continue
    let top = id
    for (let e = tree.parentEdge.get(top); e && down(e.parent); e = tree.parentEdge.get(top)) top = e.parent
    const g = groups.get(top)
    if (g) g.push(id)
    else groups.set(top, [id])
  }
  return [...groups].map(([top, devices]) => ({
    rootCause: causeOf(top, tree.parentEdge.get(top), obs),
    top,
    devices,
    aps: devices.filter((d) => kind.get(d) === 'ap'),
    neighborhoods: [...new Set(devices.map((d) => hood.get(d) ?? '').filter((n) => n !== ''))].sort(),
  }))
}

/**
 * Cut off: the device hangs from a fiber link whose other end (answering) reports its port
 * down. The link carries no light, so nothing behind it can answer, whatever the device's
 * own polls have said so far (a dead device's poll takes its timeouts to fail).
 */
export function cutOff(tree: NetworkTree, id: string, obs: Observations): boolean {
  const e = tree.parentEdge.get(id)
  return e?.link !== undefined && obs.status(e.parent) === 'up' && obs.port(e.parent, e.parentPort) === 'down'
}

function causeOf(top: string, e: TreeEdge | undefined, obs: Observations): RootCause {
  if (!e) return { kind: 'device', id: top, probable: false, why: `${top} does not answer, and nothing is above it in the network` }
  const parent = e.parent
  if (obs.status(parent) === 'unknown') {
    return { kind: 'device', id: top, probable: true, why: `${top} does not answer; ${parent} above it has no current status, so the failure may be higher up` }
  }
  const port = obs.port(parent, e.parentPort)
  if (e.link) {
    if (port === 'down') return { kind: 'link', id: e.link, probable: false, why: `${parent} answers and reports its port ${e.parentPort} on fiber link ${e.link} down` }
    if (port === 'up') return { kind: 'device', id: top, probable: false, why: `${parent} reports its port ${e.parentPort} on fiber link ${e.link} up, and ${top} does not answer` }
    return { kind: 'device', id: top, probable: true, why: `${top} does not answer; the status of ${parent}'s port ${e.parentPort} on fiber link ${e.link} is not read, so the link may be the cause` }
  }
  if (port === 'down') return { kind: 'device', id: top, probable: true, why: `${parent} reports its port ${e.parentPort} toward ${top} down: the device or its cable` }
  if (port === 'up') return { kind: 'device', id: top, probable: false, why: `${parent} reports its port ${e.parentPort} toward ${top} up, and ${top} does not answer` }
  return { kind: 'device', id: top, probable: true, why: `${top} does not answer; the status of ${parent}'s port ${e.parentPort} toward it is not read` }
}
