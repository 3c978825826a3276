/**
 * The simulated city: every device of an inventory with an SNMP agent (all but the
 * lightweight APs, which their controller reports) answering on loopback, one process,
 * one UDP socket per agent. State is computed from (seed, simulated time, faults) when a
 * request asks for it; the only timers are the fault transitions that send traps and the
 * optional truth writer.
 */
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import { buildView, portUp, type ViewContext } from './agents/views.ts'
import { FaultBook, LINK_FAULTS, type Fault, type FaultInput } from './faults.ts'
import { DEFAULT_MODEL_OPTIONS, MINUTE_MS, createModel, type Model } from './model.ts'
import { Pdu, Tag, encMessage, encVarBind, type VarBind } from './snmp/ber.ts'
import { createResponder, type AgentBehaviour, type MibView, type Responder } from './snmp/responder.ts'
import { createTruth, type Truth } from './truth.ts'
import { createSimulatedUnifiController, type SimulatedUnifiController, type UnifiControllerOptions } from './unifi/controller.ts'

export interface CityOptions {
  seed: number
  /** shared with the collector in the same process: wallClock, or fastClock(startMs, speed) */
  clock: Clock
  /** where traps go, 'host:port' or an object; absent: no traps */
  trapTarget?: string | { host: string; port: number }
  /** bind every agent to this host instead of the inventory's mgmt host */
  bindHostOverride?: string
  /** bind every agent to a free port (port 0) and report it in endpoints() */
  ephemeralPorts?: boolean
  /** SNMPv2c community every agent accepts (default 'public') */
  community?: string
  /**
   * counters accumulate client bytes from here, on top of a seeded base (default: the start
   * of the clock's current hour, so the first poll computes at most an hour of minutes)
   */
  originMs?: number
  clientsPerAp?: number
  randomizedMacShare?: number
  ssids?: string[]
  /** largest response datagram, bytes (default 65507, the UDP maximum) */
  maxResponseBytes?: number
  /** append one JSON line of truth per simulated minute to this file while running */
  truthFile?: string
  /**
   * the simulated UniFi Network controllers (inventory devices with an `api` block of a
   * unifi kind): flavor and the secrets they accept (default: UniFi OS, random secrets,
   * read back with unifiControllers()[i].credentials())
   */
  unifi?: UnifiControllerOptions
}

export interface Endpoint {
  device: string
  kind: Device['kind']
  host: string
  port: number
}

/** A simulated management controller served over HTTPS (see simulators/unifi/controller.ts). */
export interface ControllerEndpoint {
  device: string
  /** https://host:port where it answers */
  url: string
  /** the PEM certificate it serves, self-signed (a collector's CA file) */
  cert: string
  fingerprint256: string
}

export interface CityFaults {
  inject(input: FaultInput): Fault
  clear(id: string): Fault | null
  list(): Fault[]
}

export interface SimulatedCity {
  start(): Promise<void>
  stop(): Promise<void>
  readonly faults: CityFaults
  readonly truth: Truth
  readonly model: Model
  readonly clock: Clock
  /** where each SNMP agent listens (after start) */
  endpoints(): Endpoint[]
  /** the simulated UniFi Network controllers, which answer HTTPS, not SNMP (after start) */
  controllers(): ControllerEndpoint[]
  /** each simulated controller itself: its credentials, what it lists at a time (tests, the demo) */
  unifiControllers(): SimulatedUnifiController[]
  /** the inventory with mgmt addresses (and controllers' api.baseUrl) rewritten to where they really listen */
  inventoryWithEndpoints(): Inventory
  /** requests answered and traps sent so far */
  stats(): { answered: number; trapsSent: number; agents: number }
}

const SNMP_TRAP_OID = '1.3.6.1.6.3.1.1.4.1.0' // snmpTrapOID.0
const SYS_UPTIME = '1.3.6.1.2.1.1.3.0' // sysUpTime.0
export const TRAP_OID = {
  coldStart: '1.3.6.1.6.3.1.1.5.1',
  linkDown: '1.3.6.1.6.3.1.1.5.3',
  linkUp: '1.3.6.1.6.3.1.1.5.4',
  bsnAPAssociated: '1.3.6.1.4.1.14179.2.6.3.7',
  bsnAPDisassociated: '1.3.6.1.4.1.14179.2.6.3.8',
} as const

function parseTarget(t: CityOptions['trapTarget']): { host: string; port: number } | null {
  if (!t) return null
  if (typeof t !== 'string') return t
  const m = /^(.+):(\d{1,5})$/.exec(t)
  if (!m) throw new Error(`trap target '${t}' is not host:port`)
  return { host: m[1]!, port: Number(m[2]) }
}

interface Snapshot {
  reachable: Set<string>
  serving: Set<string>
  portsUp: Map<string, Map<number, boolean>>
}

export function createSimulatedCity(inventory: Inventory, options: CityOptions, log: Logger): SimulatedCity {
  const clock = options.clock
  const community = options.community ?? 'public'
  const trapTarget = parseTarget(options.trapTarget)
  const originMs = options.originMs ?? Math.floor(clock.now() / 3_600_000) * 3_600_000
  const deviceIds = new Set(inventory.devices.map((d) => d.id))
  const linkIds = new Set(inventory.links.map((l) => l.id))
  const book = new FaultBook((type, target) => (LINK_FAULTS.includes(type) ? linkIds.has(target) : deviceIds.has(target)))
  const model = createModel(
    inventory,
    {
      ...DEFAULT_MODEL_OPTIONS,
      seed: options.seed,
      originMs: Math.floor(originMs / MINUTE_MS) * MINUTE_MS,
      timezone: inventory.city.timezone || 'UTC',
      ...(options.clientsPerAp !== undefined ? { clientsPerAp: options.clientsPerAp } : {}),
      ...(options.randomizedMacShare !== undefined ? { randomizedMacShare: options.randomizedMacShare } : {}),
      ...(options.ssids ? { ssids: options.ssids } : {}),
    },
    book,
  )
  const truth = createTruth(model, book, () => model.lossOfLightTimes())
  const ctx: ViewContext = { model, faults: book, now: () => clock.now() }

  // reachability is needed on every request: cache it until the next fault boundary
  let reach: { version: number; from: number; until: number; reachable: Set<string> } | null = null
  function reachableNow(): Set<string> {
    const t = clock.now()
    if (reach && reach.version === book.version && t >= reach.from && t < reach.until) return reach.reachable
    const bounds = [...book.boundaries(), ...model.lossOfLightTimes()]
    const from = Math.max(-Infinity, ...bounds.filter((b) => b <= t))
    const until = Math.min(Infinity, ...bounds.filter((b) => b > t))
    reach = { version: book.version, from, until, reachable: model.reachability(t).reachable }
    return reach.reachable
  }

  // A device with an `api` block is a controller that answers HTTPS only: no SNMP agent.
  const snmpAgents = model.topo.agents.filter((d) => !d.api)
  const unifi = new Map<string, SimulatedUnifiController>()
  for (const d of model.topo.agents) {
    if (d.api?.kind !== 'unifi-integration' && d.api?.kind !== 'unifi-classic') continue
    unifi.set(d.id, createSimulatedUnifiController(d, { model, faults: book, now: () => clock.now(), reachable: () => reachableNow(), log }, options.unifi))
  }

  const responders = new Map<string, Responder>()
  const viewCache = new Map<string, { key: string; view: MibView }>()
  let answered = 0
  let trapsSent = 0
  let running = false

  function viewOf(device: Device): MibView {
    const t = clock.now()
    const key = `${Math.floor(t / MINUTE_MS)}|${book.version}`
    const hit = viewCache.get(device.id)
    if (hit && hit.key === key) return hit.view
    const view = buildView(ctx, device, t)
    viewCache.set(device.id, { key, view })
    return view
  }

  function behaviourOf(device: Device): AgentBehaviour {
    const t = clock.now()
    if (!reachableNow().has(device.id)) return { silent: true, delayMs: 0, malformed: null }
    const slow = book.active('slow', device.id, t)
    const bad = book.active('malformed', device.id, t)
    return {
      silent: false,
      delayMs: slow.reduce((a, f) => Math.max(a, f.params.delayMs ?? 0), 0),
      malformed: bad.length ? (bad[bad.length - 1]!.params.mode ?? 'wrong-type') : null,
    }
  }

  // ---------------------------------------------------------------- traps

  function sendTrap(deviceId: string, trapOid: string, varbinds: VarBind[]): void {
    if (!trapTarget || !running) return
    const r = responders.get(deviceId)
    const device = model.topo.devices.get(deviceId)
    if (!r || !device) return
    const view = viewOf(device)
    const uptime = view.get(SYS_UPTIME)
    const all: VarBind[] = [uptime, { oid: SNMP_TRAP_OID, value: { type: Tag.OID, value: trapOid } }, ...varbinds]
    const msg = encMessage(1, community, Pdu.TrapV2, (trapsSent + 1) & 0x7fffffff, 0, 0, all.map(encVarBind))
    r.send(msg, trapTarget.host, trapTarget.port)
    trapsSent++
    log.info({ device: deviceId, trap: trapOid }, 'trap sent')
  }

  function snapshot(t: number): Snapshot {
    const { reachable, serving } = model.reachability(t)
    const portsUp = new Map<string, Map<number, boolean>>()
    for (const d of model.topo.agents) {
      const m = new Map<number, boolean>()
      for (const p of model.topo.ports.get(d.id) ?? []) m.set(p.ifIndex, portUp(ctx, p, t))
      portsUp.set(d.id, m)
    }
    return { reachable, serving, portsUp }
  }

  let last: Snapshot | null = null
  let cancelNext: (() => void) | null = null
  /** compares the state now with the last one and sends the traps real devices would */
  function reconcile(): void {
    const t = clock.now()
    const now = snapshot(t)
    const before = last
    last = now
    if (before) {
      for (const d of model.topo.agents) {
        if (!now.reachable.has(d.id)) continue // a dark device cannot tell anyone
        const b = before.portsUp.get(d.id)!
        for (const [ifIndex, up] of now.portsUp.get(d.id)!) {
          if (b.get(ifIndex) === up) continue
          sendTrap(d.id, up ? TRAP_OID.linkUp : TRAP_OID.linkDown, [
            { oid: `1.3.6.1.2.1.2.2.1.1.${ifIndex}`, value: { type: Tag.Integer, value: ifIndex } }, // ifIndex
            { oid: `1.3.6.1.2.1.2.2.1.7.${ifIndex}`, value: { type: Tag.Integer, value: 1 } }, // ifAdminStatus
            { oid: `1.3.6.1.2.1.2.2.1.8.${ifIndex}`, value: { type: Tag.Integer, value: up ? 1 : 2 } }, // ifOperStatus
          ])
        }
        if (d.kind !== 'controller') continue
        for (const ap of model.topo.aps) {
          if (ap.controller !== d.id) continue
          const was = before.serving.has(ap.id)
          const is = now.serving.has(ap.id)
          if (was === is) continue
          const mac = model.apMac(ap.id)
          sendTrap(d.id, is ? TRAP_OID.bsnAPAssociated : TRAP_OID.bsnAPDisassociated, [
            { oid: '1.3.6.1.4.1.14179.2.6.2.20.0', value: { type: Tag.OctetString, value: mac } }, // bsnAPMacAddrTrapVariable
            { oid: '1.3.6.1.4.1.14179.2.2.1.1.3.0', value: { type: Tag.OctetString, value: ap.controllerApName ?? ap.name } }, // bsnAPName
          ])
        }
      }
    }
    scheduleNext(t)
  }

  function scheduleNext(t: number): void {
    cancelNext?.()
    cancelNext = null
    if (!running) return
    const next = Math.min(Infinity, ...[...book.boundaries(), ...model.lossOfLightTimes()].filter((b) => b > t))
    if (Number.isFinite(next)) cancelNext = clock.after(next - t + 1, reconcile)
  }

  // ---------------------------------------------------------------- truth writer

  let cancelTruth: (() => void) | null = null
  let truthMinute = 0
  function writeTruth(): void {
    if (!options.truthFile || !running) return
    const nowMinute = Math.floor(clock.now() / MINUTE_MS)
    if (truthMinute < nowMinute) truth.writeJsonl(options.truthFile, truthMinute * MINUTE_MS, nowMinute * MINUTE_MS)
    truthMinute = nowMinute
    cancelTruth = clock.after((nowMinute + 1) * MINUTE_MS - clock.now() + 1, writeTruth)
  }

  // ---------------------------------------------------------------- faults

  function changed(fromMs: number): void {
    model.invalidateFrom(Math.ceil(fromMs / MINUTE_MS))
    viewCache.clear()
    reach = null
  }

  const faults: CityFaults = {
    inject(input) {
      const f = book.add(input, clock.now())
      changed(f.startMs)
      log.info({ fault: f.id, type: f.type, target: f.target }, 'fault injected')
      if (f.type === 'reboot' && reachableNow().has(f.target) && f.startMs <= clock.now()) sendTrap(f.target, TRAP_OID.coldStart, [])
      reconcile()
      return f
    },
    clear(id) {
      const f = book.clear(id, clock.now())
      if (f) {
        changed(f.endMs ?? clock.now())
        log.info({ fault: f.id, type: f.type, target: f.target }, 'fault cleared')
        reconcile()
      }
      return f
    },
    list: () => book.list(),
  }

  function endpoints(): Endpoint[] {
    return snmpAgents.map((d) => {
      const a = responders.get(d.id)?.address
      return { device: d.id, kind: d.kind, host: a?.host ?? options.bindHostOverride ?? d.mgmt.host, port: a?.port ?? d.mgmt.port }
    })
  }

  return {
    faults,
    truth,
    model,
    clock,
    endpoints,
    controllers() {
      return [...unifi.values()]
        .filter((c) => c.address())
        .map((c) => ({ device: c.device.id, url: c.url(), cert: c.certificate().cert, fingerprint256: c.certificate().fingerprint256 }))
    },
    unifiControllers: () => [...unifi.values()],
    inventoryWithEndpoints() {
      const eps = new Map(endpoints().map((e) => [e.device, e]))
      return {
        ...inventory,
        devices: inventory.devices.map((d) => {
          const e = eps.get(d.id)
          if (e) return { ...d, mgmt: { host: e.host, port: e.port } }
          const a = unifi.get(d.id)?.address()
          if (a && d.api) return { ...d, mgmt: { host: a.host, port: a.port }, api: { ...d.api, baseUrl: unifi.get(d.id)!.url() } }
          return d
        }),
      }
    },
    stats: () => ({ answered, trapsSent, agents: responders.size }),
    async start() {
      if (running) return
      for (const d of snmpAgents) {
        responders.set(
          d.id,
          createResponder({
            host: options.bindHostOverride ?? d.mgmt.host,
            port: options.ephemeralPorts ? 0 : d.mgmt.port,
            community,
            maxResponseBytes: options.maxResponseBytes ?? 65507,
            maxRepetitionsCap: 1000,
            view: () => viewOf(d),
            behaviour: () => behaviourOf(d),
            onAnswered: () => answered++,
          }),
        )
      }
      const results = await Promise.allSettled([...responders.values()].map((r) => r.start()))
      const failed = results.map((r, i) => ({ r, id: snmpAgents[i]!.id })).filter((x) => x.r.status === 'rejected')
      if (failed.length) {
        await Promise.all([...responders.values()].map((r) => r.stop()))
        responders.clear()
        const first = failed[0]!.r as PromiseRejectedResult
        throw new Error(`${failed.length} simulated agents could not bind; first: device '${failed[0]!.id}': ${(first.reason as Error).message}`)
      }
      try {
        for (const c of unifi.values()) {
          const where = new URL(c.device.api!.baseUrl)
          await c.start(options.bindHostOverride ?? where.hostname.replace(/^\[|\]$/g, ''), options.ephemeralPorts ? 0 : Number(where.port || 443))
        }
      } catch (err) {
        await Promise.all([...responders.values()].map((r) => r.stop()))
        responders.clear()
        await Promise.all([...unifi.values()].map((c) => c.stop()))
        throw new Error(`a simulated UniFi controller could not start: ${(err as Error).message}`, { cause: err })
      }
      running = true
      last = snapshot(clock.now())
      scheduleNext(clock.now())
      if (options.truthFile) {
        truthMinute = Math.floor(clock.now() / MINUTE_MS)
        writeTruth()
      }
      log.info({ agents: responders.size, controllers: unifi.size, seed: options.seed }, 'simulated city listening')
    },
    async stop() {
      running = false
      cancelNext?.()
      cancelTruth?.()
      await Promise.all([...responders.values()].map((r) => r.stop()))
      responders.clear()
      await Promise.all([...unifi.values()].map((c) => c.stop()))
    },
  }
}
