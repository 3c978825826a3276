/**
 * The incident engine: every `evaluateMs` it reads each device's newest poll (device_up),
 * each port's newest ifOperStatus and the linkDown/linkUp traps since from the metric store, counts the consecutive failed
 * polls of each device (a poll is counted once, by its time), groups the devices that
 * missed `consecutiveMisses` polls in a row (default 2) by root cause (root-cause.ts), and
 * reconciles the stored incidents with the groups (store.ts).
 *
 * A device already in an open incident counts as down from its first failed poll (after a
 * restart, too: the incident is in the database, the miss counts are not), so an incident
 * never closes and reopens because the engine restarted. A device with no poll yet, or
 * whose newest poll is older than `staleMs`, is unknown: neither down nor up.
 */
import type { Inventory } from '../core/inventory.ts'
import { buildNetworkTree, type NetworkTree } from '../core/topology.ts'
import type { MetricStore } from '../store/types.ts'
import { clientHoursLost } from './client-hours.ts'
import { cutOff, groupFailures, type PortStatus, type Status } from './root-cause.ts'
import type { IncidentChange, IncidentStore } from './store.ts'

export interface IncidentEngineConfig {
  /** failed polls in a row before a device counts as down (default 2) */
  consecutiveMisses?: number
  /** how often the store is read, ms (default 10 000) */
  evaluateMs?: number
  /** a newest poll older than this makes the device unknown, ms (3 poll intervals, say) */
  staleMs: number
  /** how often an open incident's client-hours lost is computed again, ms (default 60 000; at its close always) */
  clientHoursEveryMs?: number
  /**
   * how long a new failure waits before it opens an incident, ms (default 0): polls are
   * spread over the interval, so the devices behind a failed switch can miss their polls
   * before it misses its own; one poll interval plus a timed-out poll lets the switch's
   * own poll say whether it is the root cause, so a fiber cut opens one incident, not one
   * per AP. The incident's open time is still the first failed poll.
   */
  settleMs?: number
}

export interface IncidentEngineDeps {
  store: Pick<MetricStore, 'latest' | 'aggregate' | 'events'>
  incidents: IncidentStore
  inventory: () => Inventory
  clock: { now(): number }
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void }
}

export interface IncidentEngine {
  /** one evaluation now; resolves with what changed */
  evaluate(): Promise<IncidentChange[]>
  start(): void
  stop(): Promise<void>
}

interface DeviceState {
  lastPollMs: number
  misses: number
  /** time of the first failed poll of the current run of misses */
  downSinceMs: number | null
  /** time of the first good poll after a failure */
  upSinceMs: number | null
  /** time of the poll that made the misses reach consecutiveMisses */
  confirmedMs: number | null
}

export function createIncidentEngine(config: IncidentEngineConfig, deps: IncidentEngineDeps): IncidentEngine {
  const need = config.consecutiveMisses ?? 2
  if (!Number.isInteger(need) || need < 1) throw new RangeError(`consecutiveMisses must be an integer >= 1, got ${need}`)
  const every = config.evaluateMs ?? 10_000
  const states = new Map<string, DeviceState>()
  let tree: { inv: Inventory; tree: NetworkTree } | undefined
  let timer: NodeJS.Timeout | undefined
  let running: Promise<unknown> = Promise.resolve()

  async function evaluate(): Promise<IncidentChange[]> {
    const inv = deps.inventory()
    if (tree?.inv !== inv) tree = { inv, tree: buildNetworkTree(inv) }
    const now = deps.clock.now()
    // only what can still count: an older newest poll makes a device unknown anyway (and a
    // store of years must not be read whole every few seconds)
    const sinceMs = now - config.staleMs
    const [ups, ports, traps] = await Promise.all([
      deps.store.latest({ metric: 'device_up', sinceMs }),
      deps.store.latest({ metric: 'if_oper_status', sinceMs }),
      // linkDown / linkUp traps name the port (ifName) in their detail: newer than the port's
      // last poll, a trap says its state first
      deps.store.events({ fromMs: sinceMs, toMs: now + 1, type: ['linkDown', 'linkUp'], limit: 1000 }),
    ])
    for (const v of ups) {
      const s = states.get(v.device) ?? { lastPollMs: -Infinity, misses: 0, downSinceMs: null, upSinceMs: null, confirmedMs: null }
      if (v.timeMs > s.lastPollMs) {
        if (v.value === 0) {
          if (s.misses === 0) s.downSinceMs = v.timeMs
          s.misses++
          if (s.misses === need) s.confirmedMs = v.timeMs
          s.upSinceMs = null
        } else {
          if (s.misses > 0 || s.upSinceMs === null) s.upSinceMs = v.timeMs
          s.misses = 0
          s.downSinceMs = null
          s.confirmedMs = null
        }
        s.lastPollMs = v.timeMs
      }
      states.set(v.device, s)
    }
    const inOpen = new Set(deps.incidents.list({ state: 'open' }).flatMap((i) => i.down))
    const portOf = new Map(ports.map((p) => [`${p.device}\u0000${p.instance}`, { up: p.value === 1, timeMs: p.timeMs }]))
    for (const e of traps) {
      // newest first: the first trap of a port is its newest
      const k = `${e.device}\u0000${e.detail}`
      const polled = portOf.get(k)
      if (e.timeMs > (polled?.timeMs ?? -Infinity)) portOf.set(k, { up: e.type === 'linkUp', timeMs: e.timeMs })
    }
    const fresh = (s: DeviceState | undefined): s is DeviceState => s !== undefined && now - s.lastPollMs <= config.staleMs
    /** missed a poll but not yet `need` in a row: undecided */
    const suspect = (d: string) => {
      const s = states.get(d)
      return fresh(s) && s.misses > 0 && s.misses < need && !inOpen.has(d)
    }
    const status = (d: string): Status => {
      const s = states.get(d)
      // a device of an open incident stays down until a fresh good poll says otherwise
      if (inOpen.has(d)) return fresh(s) && s.misses === 0 ? 'up' : 'down'
      if (!fresh(s)) return 'unknown'
      if (s.misses === 0) return 'up'
      if (s.misses < need) return 'unknown'
      // polls are spread over the interval, so the devices behind a failed switch can miss
      // their polls before it misses its own: while anything above is undecided, wait for it
      // (one whose fiber uplink is reported dark is decided: it is cut off)
      for (let e = tree!.tree.parentEdge.get(d); e; e = tree!.tree.parentEdge.get(e.parent)) if (suspect(e.parent) && !cutOff(tree!.tree, e.parent, { status, port })) return 'unknown'
      return 'down'
    }
    function port(d: string, p: string): PortStatus {
      const v = portOf.get(`${d}\u0000${p}`)
      return v === undefined ? undefined : v.up ? 'up' : 'down'
    }
    // a failure new to every open incident waits settleMs from its first confirmed device
    const settle = config.settleMs ?? 0
    // (a fiber link seen dark needs no waiting: its far end says so itself)
    const groups = groupFailures(tree.tree, inv, { status, port }).filter((g) => {
      if (settle === 0 || g.devices.some((d) => inOpen.has(d)) || (g.rootCause.kind === 'link' && !g.rootCause.probable)) return true
      const first = Math.min(...g.devices.map((d) => states.get(d)?.confirmedMs ?? now))
      return now - first >= settle
    })
    // when a device's failure began: its first failed poll, or for one cut off before any
    // of its polls failed, when its fiber link was seen dark (the trap, or the far end's poll)
    const darkSince = (d: string) => {
      const e = tree!.tree.parentEdge.get(d)
      return e && cutOff(tree!.tree, d, { status, port }) ? portOf.get(`${e.parent}\u0000${e.parentPort}`)?.timeMs : undefined
    }
    const changes = deps.incidents.update(groups, now, {
      sinceMs: (d) => states.get(d)?.downSinceMs ?? darkSince(d),
      recoveredMs: (d) => (status(d) === 'up' ? states.get(d)!.upSinceMs ?? states.get(d)!.lastPollMs : undefined),
    })
    // client-hours lost: for each open incident now and then, and once more at its close
    const closedNow = new Set(changes.filter((c) => c.change === 'closed').map((c) => c.id))
    for (const i of [...deps.incidents.list({ state: 'open' }), ...[...closedNow].map((id) => deps.incidents.get(id)!)]) {
      if (!closedNow.has(i.id) && i.clientHoursLost && now - i.clientHoursLost.atMs < (config.clientHoursEveryMs ?? 60_000)) continue
      // one opened by hand with no AP named takes out no AP we know of: not estimated (null)
      if (i.rootCause.kind === 'reported' && i.affected.aps.length === 0) continue
      const end = i.closedMs ?? now
      const lost = await clientHoursLost({ aps: i.affected.aps, fromMs: i.openedMs, toMs: end }, { store: deps.store })
      deps.incidents.setClientHours(i.id, lost.clientHours, lost.unknownApHours, end)
    }
    for (const c of changes) {
      const i = deps.incidents.get(c.id)!
      deps.log.info({ incident: c.id, change: c.change, rootCause: `${i.rootCause.kind} ${i.rootCause.id}`, probable: i.rootCause.probable, down: i.down.length, neighborhoods: i.affected.neighborhoods }, `incident ${c.change}`)
    }
    return changes
  }

  let busy = false
  const tick = () => {
    if (busy) return // a slow round (a loaded store) is not overtaken by the next
    busy = true
    running = evaluate()
      .catch((err: unknown) => deps.log.warn({ err: (err as Error).message }, 'incident evaluation failed; trying again next round'))
      .finally(() => (busy = false))
  }

  return {
    evaluate,
    start() {
      if (timer) return
      timer = setInterval(tick, every)
      timer.unref()
    },
    async stop() {
      if (timer) clearInterval(timer)
      timer = undefined
      await running
    },
  }
}
