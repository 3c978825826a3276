/**
 * The trap receiver: SNMP notifications (v1 traps, v2c traps and informs) on one UDP port,
 * turned at once into core/metrics DeviceEvents and written to the store. The device is
 * found from the packet's source address among the inventory's management hosts,
 * whatever the source port (agents send traps from an ephemeral port); when several
 * devices share a host, the one whose management port matches the source port wins, else
 * the v1 agent-addr field decides, else the trap is counted as unattributed.
 */
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import type { DeviceEvent } from '../core/metrics.ts'
import type { MetricStore } from '../store/types.ts'
import { createEventWriter } from './events.ts'
import { snmp, type Notification, type Varbind } from './net-snmp.ts'
import { neighborhoodOf } from './samples.ts'
import { createSocket } from 'node:dgram'

/** A UDP port free on `address` at this moment (bind 0, read, release). */
function freeUdpPort(address: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createSocket('udp4')
    s.once('error', reject)
    s.bind(0, address, () => {
      const { port } = s.address()
      s.close(() => resolve(port))
    })
  })
}

export interface TrapReceiverConfig {
  /** UDP port to listen on (default 1162 for the demo; 162 in production needs privileges; 0: a free one, see address()) */
  port?: number
  /** address to bind (default 127.0.0.1; '0.0.0.0' to hear the network) */
  address?: string
  /** the same as address (accepted for callers that say host) */
  host?: string
  /** how long undelivered events wait before another store write is tried, real ms (default 2000) */
  retryMs?: number
  /** events held in memory while the store is down (default 10 000; oldest dropped, counted) */
  maxPendingEvents?: number
}

export interface TrapReceiverDeps {
  inventory: Inventory | (() => Inventory)
  store: Pick<MetricStore, 'writeEvents'>
  clock: Clock
  log: Logger
  /** called with each event after it was handed to the store (tests, live views) */
  onEvent?: (event: DeviceEvent) => void
}

export interface TrapStats {
  received: number
  events: number
  /** traps whose source matched no inventory device */
  unattributed: number
  /** notifications of a type we do not turn into events */
  ignored: number
  /** events lost because the store stayed down past maxPendingEvents */
  dropped: number
  pending: number
}

export interface TrapReceiver {
  /** binds the port; a second call while listening does nothing */
  start(): Promise<void>
  /** where the receiver listens once started (the real port when configured with 0) */
  address(): { address: string; port: number } | undefined
  stop(): Promise<void>
  stats(): TrapStats
  /** turns one notification into an event (exported for the receiver's tests) */
  toEvent(n: Notification): DeviceEvent | undefined
}

const snmpTrapOID = '1.3.6.1.6.3.1.1.4.1.0' // SNMPv2-MIB snmpTrapOID.0
const TRAPS: Record<string, { type: string; severity: DeviceEvent['severity'] }> = {
  '1.3.6.1.6.3.1.1.5.1': { type: 'coldStart', severity: 'warning' }, // SNMPv2-MIB coldStart
  '1.3.6.1.6.3.1.1.5.3': { type: 'linkDown', severity: 'critical' }, // IF-MIB linkDown
  '1.3.6.1.6.3.1.1.5.4': { type: 'linkUp', severity: 'info' }, // IF-MIB linkUp
  '1.3.6.1.4.1.14179.2.6.3.8': { type: 'apDisassociated', severity: 'critical' }, // AIRESPACE-WIRELESS-MIB bsnAPDisassociated
}
// SNMPv1 generic-trap numbers (RFC 1157) to their v2 OIDs (RFC 3584 section 3.1).
const V1_GENERIC: Record<number, string> = { 0: '1.3.6.1.6.3.1.1.5.1', 2: '1.3.6.1.6.3.1.1.5.3', 3: '1.3.6.1.6.3.1.1.5.4' }

const ifIndexOid = '1.3.6.1.2.1.2.2.1.1.' // IF-MIB ifIndex.<n>
const ifDescrOid = '1.3.6.1.2.1.2.2.1.2.' // IF-MIB ifDescr.<n>
const ifNameOid = '1.3.6.1.2.1.31.1.1.1.1.' // IF-MIB ifName.<n>
const bsnAPNameOid = '1.3.6.1.4.1.14179.2.2.1.1.3' // AIRESPACE-WIRELESS-MIB bsnAPName (column, indexed by AP MAC)

function text(v: unknown): string {
  return Buffer.isBuffer(v) ? v.toString('utf8') : String(v)
}

export function createTrapReceiver(config: TrapReceiverConfig, deps: TrapReceiverDeps): TrapReceiver {
  const port = config.port ?? 1162
  const address = config.address ?? config.host ?? '127.0.0.1'
  const { log, clock } = deps
  const st = { received: 0, unattributed: 0, ignored: 0 }
  const events = createEventWriter(
    { ...(config.retryMs !== undefined ? { retryMs: config.retryMs } : {}), ...(config.maxPendingEvents !== undefined ? { maxPendingEvents: config.maxPendingEvents } : {}) },
    { store: deps.store, log, ...(deps.onEvent ? { onEvent: deps.onEvent } : {}) },
  )
  let receiver: ReturnType<typeof snmp.createReceiver> | undefined
  let bound: { address: string; port: number } | undefined
  let lastWarnMs = 0

  let invRef: Inventory | undefined
  let byHost = new Map<string, Device[]>()
  let nbh: (d: Device) => string = () => ''
  let apByController = new Map<string, Map<string, Device>>()
  function index(): void {
    const inv = typeof deps.inventory === 'function' ? deps.inventory() : deps.inventory
    if (inv === invRef) return
    invRef = inv
    byHost = new Map()
    apByController = new Map()
    for (const d of inv.devices) {
      if (d.controller) {
        let m = apByController.get(d.controller)
        if (!m) apByController.set(d.controller, (m = new Map()))
        m.set(d.controllerApName ?? d.name, d)
        continue // a lightweight AP sends nothing itself
      }
      const list = byHost.get(d.mgmt.host) ?? []
      list.push(d)
      byHost.set(d.mgmt.host, list)
    }
    nbh = neighborhoodOf(inv)
  }

  function source(n: Notification): Device | undefined {
    index()
    const pick = (host: string) => {
      const list = byHost.get(host)
      if (!list) return undefined
      if (list.length === 1) return list[0]
      return list.find((d) => d.mgmt.port === n.rinfo.port)
    }
    return pick(n.rinfo.address) ?? (n.pdu.agentAddr && n.pdu.agentAddr !== '0.0.0.0' ? pick(n.pdu.agentAddr) : undefined)
  }

  function toEvent(n: Notification): DeviceEvent | undefined {
    const vbs: Varbind[] = n.pdu.varbinds ?? []
    let trapOid: string | undefined
    if (n.pdu.generic !== undefined && n.pdu.generic !== null && n.pdu.enterprise !== undefined) {
      trapOid = n.pdu.generic === 6 ? `${n.pdu.enterprise}.${n.pdu.specific}` : V1_GENERIC[n.pdu.generic]
    } else {
      trapOid = text(vbs.find((v) => v.oid === snmpTrapOID)?.value ?? '')
    }
    const kind = trapOid ? TRAPS[trapOid] : undefined
    if (!kind) {
      st.ignored++
      return undefined
    }
    const dev = source(n)
    if (!dev) {
      st.unattributed++
      if (Date.now() - lastWarnMs > 10_000) {
        lastWarnMs = Date.now()
        log.warn({ source: n.rinfo.address, trap: kind.type, unattributed: st.unattributed }, 'trap from an address no inventory device has')
      }
      return undefined
    }
    let device = dev
    let detail = ''
    if (kind.type === 'linkDown' || kind.type === 'linkUp') {
      const name = vbs.find((v) => v.oid.startsWith(ifNameOid)) ?? vbs.find((v) => v.oid.startsWith(ifDescrOid))
      const idx = vbs.find((v) => v.oid.startsWith(ifIndexOid))
      detail = name ? text(name.value) : idx ? `ifIndex ${text(idx.value)}` : ''
    } else if (kind.type === 'apDisassociated') {
      const apName = vbs.find((v) => v.oid === bsnAPNameOid || v.oid.startsWith(bsnAPNameOid + '.'))
      detail = apName ? text(apName.value) : ''
      // Attribute the event to the lightweight AP itself when the inventory knows it.
      const ap = apName ? apByController.get(dev.id)?.get(detail) : undefined
      if (ap) device = ap
    }
    return { timeMs: Math.round(clock.now()), device: device.id, neighborhood: nbh(device), type: kind.type, severity: kind.severity, detail }
  }

  /** Binds the receiver (net-snmp reads port 0 as 162, so a free port is chosen first). */
  function listen(listenPort: number): Promise<void> {
    return new Promise((resolve, reject) => {
      let settled = false
      receiver = snmp.createReceiver({ port: listenPort, address, disableAuthorization: true, transport: 'udp4' }, (err, n) => {
        if (err) {
          // A bind failure reaches only this callback (net-snmp does not throw).
          const e = err as Error & { code?: string }
          if (!settled && (e.code === 'EADDRINUSE' || e.code === 'EACCES' || /bind|listen/i.test(e.message))) {
            settled = true
            reject(new Error(`trap receiver cannot listen on udp ${address}:${listenPort}: ${e.message}`, { cause: err }))
            return
          }
          log.debug({ err: e.message }, 'unreadable notification')
          return
        }
        if (!n) return
        st.received++
        const ev = toEvent(n)
        if (!ev) return
        events.write([ev])
      })
      // The socket binds asynchronously; a failure would have arrived by the next tick or two.
      setTimeout(() => {
        if (!settled) {
          settled = true
          try {
            const sockets = (receiver as unknown as { listener: { sockets: Record<string, { address(): { address: string; port: number } }> } }).listener.sockets
            const a = Object.values(sockets)[0]!.address()
            bound = { address: a.address, port: a.port }
          } catch {
            bound = { address, port: listenPort }
          }
          log.info(bound, 'trap receiver listening')
          resolve()
        }
      }, 50)
    })
  }

  return {
    toEvent,
    address: () => bound,
    start() {
      // The inventory is read when the first trap arrives, not here: a caller may hand in a
      // function whose source (the simulated city) exists only after the port is known.
      if (receiver) return Promise.resolve()
      return (port === 0 ? freeUdpPort(address) : Promise.resolve(port)).then((listenPort) => listen(listenPort))
    },
    async stop() {
      const r = receiver
      receiver = undefined
      bound = undefined
      if (r) await new Promise<void>((res) => r.close(() => res()))
      await events.stop()
    },
    stats: () => {
      const e = events.stats()
      return { ...st, events: e.written, dropped: e.dropped, pending: e.pending }
    },
  }
}
