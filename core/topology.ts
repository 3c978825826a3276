/**
 * The network as a tree: which device hangs from which, over which fiber link or uplink.
 * Built from the inventory's fiber links (undirected, each end a device and port) and its
 * devices' uplinks (child -> parent device and port) not already carried by a link, walked
 * breadth-first from the roots (routers without an uplink; else every device without one),
 * neighbours in id order, so the same inventory always gives the same tree. A device no root
 * reaches starts a tree of its own.
 *
 * One definition for everything that reasons about "behind": the simulator (what a cut
 * darkens), incidents (the highest failed element is the root cause).
 *
 * Imports only the inventory's types.
 */
import type { Device, Inventory } from './inventory.ts'

export interface TreeEdge {
  /** the fiber link's id, or 'uplink:<child id>' for an uplink no link carries */
  id: string
  parent: string
  child: string
  /** the fiber link when the edge is one */
  link?: string
  /** the parent's port the child hangs from */
  parentPort: string
  /** the child's port toward the parent: a fiber link's end; absent for a bare uplink (the inventory does not name it) */
  childPort?: string
  /** for a fiber link: which end is the parent's */
  parentEnd?: 'a' | 'b'
}

export interface NetworkTree {
  roots: string[]
  /** the edge each non-root device hangs from */
  parentEdge: Map<string, TreeEdge>
  edges: Map<string, TreeEdge>
  /** the edges down from each device, in child id order */
  childEdges: Map<string, TreeEdge[]>
  /** breadth-first from the roots: parents before children */
  order: string[]
}

export function buildNetworkTree(inv: Pick<Inventory, 'devices' | 'links'>): NetworkTree {
  const devices = new Map<string, Device>(inv.devices.map((d) => [d.id, d]))
  for (const d of inv.devices) {
    if (d.uplink && !devices.has(d.uplink.device)) throw new Error(`device '${d.id}': uplink device '${d.uplink.device}' is not in the inventory`)
  }
  type Adj = { peer: string; edgeId: string; link?: string; myPort: string; peerPort?: string; end?: 'a' | 'b' }
  const adj = new Map<string, Adj[]>(inv.devices.map((d) => [d.id, []]))
  const linked = new Set<string>()
  for (const l of inv.links) {
    if (!devices.has(l.a.device) || !devices.has(l.b.device)) throw new Error(`fiber link '${l.id}': end device not in the inventory`)
    adj.get(l.a.device)!.push({ peer: l.b.device, edgeId: l.id, link: l.id, myPort: l.a.port, peerPort: l.b.port, end: 'a' })
    adj.get(l.b.device)!.push({ peer: l.a.device, edgeId: l.id, link: l.id, myPort: l.b.port, peerPort: l.a.port, end: 'b' })
    linked.add(`${l.a.device}|${l.b.device}`)
    linked.add(`${l.b.device}|${l.a.device}`)
  }
  for (const d of inv.devices) {
    if (!d.uplink || linked.has(`${d.id}|${d.uplink.device}`)) continue
    const edgeId = `uplink:${d.id}`
    adj.get(d.uplink.device)!.push({ peer: d.id, edgeId, myPort: d.uplink.port })
    // the child's side: its port is not in the inventory
    adj.get(d.id)!.push({ peer: d.uplink.device, edgeId, myPort: '', peerPort: d.uplink.port })
  }
  let roots = inv.devices.filter((d) => d.kind === 'router' && !d.uplink).map((d) => d.id)
  if (roots.length === 0) roots = inv.devices.filter((d) => !d.uplink).map((d) => d.id)
  roots = roots.sort()
  const parentEdge = new Map<string, TreeEdge>()
  const edges = new Map<string, TreeEdge>()
  const childEdges = new Map<string, TreeEdge[]>(inv.devices.map((d) => [d.id, []]))
  const order: string[] = []
  const seen = new Set<string>()
  const walk = (start: string) => {
    const queue = [start]
    seen.add(start)
    while (queue.length) {
      const id = queue.shift()!
      order.push(id)
      for (const a of adj.get(id)!.sort((x, y) => x.peer.localeCompare(y.peer))) {
        if (seen.has(a.peer)) continue
        seen.add(a.peer)
        const e: TreeEdge = {
          id: a.edgeId, parent: id, child: a.peer, parentPort: a.myPort,
          ...(a.link ? { link: a.link, parentEnd: a.end! } : {}),
          ...(a.peerPort !== undefined && a.link ? { childPort: a.peerPort } : {}),
        }
        parentEdge.set(a.peer, e)
        edges.set(e.id, e)
        childEdges.get(id)!.push(e)
        queue.push(a.peer)
      }
    }
  }
  for (const r of roots) if (!seen.has(r)) walk(r)
  for (const d of [...devices.keys()].sort()) if (!seen.has(d)) walk(d)
  return { roots, parentEdge, edges, childEdges, order }
}

/** The devices at and below one device, in tree order. */
export function subtree(tree: NetworkTree, id: string): string[] {
  const out: string[] = []
  const stack = [id]
  while (stack.length) {
    const d = stack.pop()!
    out.push(d)
    const kids = tree.childEdges.get(d) ?? []
    for (let i = kids.length - 1; i >= 0; i--) stack.push(kids[i]!.child)
  }
  return out
}
