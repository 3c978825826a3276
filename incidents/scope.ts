/**
 * What an incident takes out, by the topology: every AP behind its root cause when that cause
 * was seen (a cut fiber link cuts off all of them at once, before each has missed its polls),
 * only the APs seen down when the cause is probable, the APs an engineer named for one
 * opened by hand, and for a closed incident the APs it covered. The alerts' titles, the public status page and the resident reports all count it
 * this one way.
 */
import type { Inventory } from '../core/inventory.ts'
import { buildNetworkTree, subtree, type NetworkTree } from '../core/topology.ts'
import type { Incident } from './store.ts'

const trees = new WeakMap<Inventory, NetworkTree>()
/** the inventory's network tree, built once per inventory object */
export const treeOf = (inv: Inventory): NetworkTree => trees.get(inv) ?? trees.set(inv, buildNetworkTree(inv)).get(inv)!

export function apsTakenOut(i: Pick<Incident, 'state' | 'rootCause' | 'down' | 'affected'>, inv: Inventory): string[] {
  const apIds = new Set(inv.devices.filter((d) => d.kind === 'ap').map((d) => d.id))
  if (i.state === 'closed') return i.affected.aps
  // opened by hand: the APs the engineer named (they may answer polls: a portal fault)
  if (i.rootCause.kind === 'reported') return i.affected.aps
  const down = i.down.filter((d) => apIds.has(d))
  if (i.rootCause.probable) return down
  const tree = treeOf(inv)
  const top = i.rootCause.kind === 'link' ? tree.edges.get(i.rootCause.id)?.child : i.rootCause.id
  return [...new Set([...(top === undefined ? [] : subtree(tree, top).filter((d) => apIds.has(d))), ...down])]
}
