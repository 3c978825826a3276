/**
 * One simulated SNMP agent: a UDP socket that answers GET, GETNEXT and GETBULK from a MIB
 * view built on demand. GETBULK follows RFC 3416 4.2.3 as snmpd does: the non-repeaters
 * first, then up to max-repetitions rows of ALL repeating varbinds, endOfMibView for a
 * column past the end, stopping once a whole row is endOfMibView or the response would
 * pass maxResponseBytes. Faults decide per request: stay silent, answer late, or answer
 * with the wrong type or with garbage.
 */
import dgram from 'node:dgram'
import { ErrorStatus, Pdu, Tag, compareArcs, decodeRequest, encMessage, encVarBind, oidArcs, type Request, type Value, type VarBind } from './ber.ts'

export type EntryValue = Value | (() => Value)

/**
 * A sorted, immutable set of OID -> value, built for one moment (one sim minute). Each
 * varbind is BER-encoded once, on first use, so a GETBULK answer is mostly a copy.
 */
export class MibView {
  readonly arcs: number[][] = []
  readonly oids: string[] = []
  readonly values: EntryValue[] = []
  private index = new Map<string, number>()
  private encoded: (Buffer | undefined)[] = []

  constructor(entries: [string, EntryValue][]) {
    const sorted = entries.map(([oid, v]) => ({ oid, arcs: oidArcs(oid), v })).sort((a, b) => compareArcs(a.arcs, b.arcs))
    for (const e of sorted) {
      if (this.index.has(e.oid)) throw new Error(`MIB view has OID ${e.oid} twice`)
      this.index.set(e.oid, this.oids.length)
      this.arcs.push(e.arcs)
      this.oids.push(e.oid)
      this.values.push(e.v)
    }
  }
  get size(): number {
    return this.oids.length
  }
  valueAt(i: number): Value {
    const v = this.values[i]!
    return typeof v === 'function' ? v() : v
  }
  /** the encoded varbind at position i (cached unless its value moves, like sysUpTime) */
  encodedAt(i: number): Buffer {
    const hit = this.encoded[i]
    if (hit) return hit
    const v = this.values[i]!
    const b = encVarBind({ oid: this.oids[i]!, value: typeof v === 'function' ? v() : v })
    if (typeof v !== 'function') this.encoded[i] = b
    return b
  }
  /** position of an exact OID, or -1 */
  indexOf(oid: string): number {
    return this.index.get(oid) ?? -1
  }
  /** position of the lexicographic successor of oid (size when there is none) */
  indexAfter(oid: string): number {
    const arcs = oidArcs(oid)
    let i = this.lowerBound(arcs)
    if (i < this.arcs.length && compareArcs(this.arcs[i]!, arcs) === 0) i++
    return i
  }
  get(oid: string): VarBind {
    const i = this.index.get(oid)
    if (i !== undefined) return { oid, value: this.valueAt(i) }
    // noSuchObject when no object type lives under the requested prefix, noSuchInstance
    // when the object exists but not this instance: approximated by "some OID shares all
    // arcs but the last".
    const arcs = oidArcs(oid)
    const j = this.lowerBound(arcs.slice(0, -1))
    const sharesParent = j < this.arcs.length && startsWith(this.arcs[j]!, arcs.slice(0, -1))
    return { oid, value: { type: sharesParent ? Tag.NoSuchInstance : Tag.NoSuchObject } }
  }
  /** first index whose OID is >= arcs */
  private lowerBound(arcs: number[]): number {
    let lo = 0
    let hi = this.arcs.length
    while (lo < hi) {
      const mid = (lo + hi) >> 1
      if (compareArcs(this.arcs[mid]!, arcs) < 0) lo = mid + 1
      else hi = mid
    }
    return lo
  }
  /** the lexicographic successor of oid, or null at the end of the MIB view */
  next(oid: string): VarBind | null {
    const i = this.indexAfter(oid)
    return i < this.size ? { oid: this.oids[i]!, value: this.valueAt(i) } : null
  }
  /** the same view with every value passed through fn (for malformed-answer faults) */
  map(fn: (v: Value) => Value): MibView {
    return new MibView(this.oids.map((oid, i) => {
      const v = this.values[i]!
      return [oid, typeof v === 'function' ? () => fn(v()) : fn(v)]
    }))
  }
}

function startsWith(a: number[], prefix: number[]): boolean {
  if (a.length < prefix.length) return false
  for (let i = 0; i < prefix.length; i++) if (a[i] !== prefix[i]) return false
  return true
}

/** What a fault asks of one request. */
export interface AgentBehaviour {
  /** true: drop the request (agent down or unreachable) */
  silent: boolean
  /** answer after this many real milliseconds */
  delayMs: number
  /** 'wrong-type': Counter64 values go out as OctetString; 'garbage': the datagram is random bytes */
  malformed: 'wrong-type' | 'garbage' | null
}

export interface ResponderConfig {
  host: string
  /** 0 picks a free port */
  port: number
  community: string
  /** largest response datagram in bytes; GETBULK is truncated to fit, GET/GETNEXT answer tooBig */
  maxResponseBytes: number
  /** cap on GETBULK max-repetitions, as agents have */
  maxRepetitionsCap: number
  view(): MibView
  behaviour(): AgentBehaviour
  /** a request arrived and was answered (for counters) */
  onAnswered?(): void
}

export interface Responder {
  start(): Promise<{ host: string; port: number }>
  stop(): Promise<void>
  /** sends from this agent's own socket, so the receiver sees the agent's address */
  send(buf: Buffer, host: string, port: number): void
  readonly address: { host: string; port: number } | null
}

const MSG_OVERHEAD = 64

export function answer(req: Request, view: MibView, maxResponseBytes: number, maxRepetitionsCap: number): Buffer | null {
  const v1 = req.version === 0
  const encoded: Buffer[] = []
  let size = MSG_OVERHEAD + req.community.length
  const tooBig = () => encMessage(req.version, req.community, Pdu.Response, req.requestId, ErrorStatus.tooBig, 0, [])
  const endOf = (oid: string) => encVarBind({ oid, value: { type: Tag.EndOfMibView } })
  /** successor position; SNMPv1 cannot carry Counter64, so v1 walks step over them (RFC 2576) */
  const after = (i: number) => {
    if (v1) while (i < view.size && view.valueAt(i).type === Tag.Counter64) i++
    return i
  }

  if (req.pduType === Pdu.Get || req.pduType === Pdu.GetNext) {
    for (let k = 0; k < req.oids.length; k++) {
      const oid = req.oids[k]!
      let b: Buffer
      let exception = false
      if (req.pduType === Pdu.Get) {
        const i = view.indexOf(oid)
        if (i >= 0) {
          exception = v1 && view.valueAt(i).type === Tag.Counter64
          b = view.encodedAt(i)
        } else {
          exception = true
          b = encVarBind(view.get(oid))
        }
      } else {
        const i = after(view.indexAfter(oid))
        exception = i >= view.size
        b = exception ? endOf(oid) : view.encodedAt(i)
      }
      if (v1 && exception) {
        // SNMPv1 has no exception values: the whole request fails with noSuchName (RFC 2576 4.1.2.3)
        return encMessage(req.version, req.community, Pdu.Response, req.requestId, ErrorStatus.noSuchName, k + 1, req.oids.map((o) => encVarBind({ oid: o, value: { type: Tag.Null } })))
      }
      size += b.length
      if (size > maxResponseBytes) return tooBig()
      encoded.push(b)
    }
    return encMessage(req.version, req.community, Pdu.Response, req.requestId, 0, 0, encoded)
  }

  if (req.pduType === Pdu.GetBulk && !v1) {
    const n = Math.min(Math.max(req.field2, 0), req.oids.length)
    const m = Math.min(Math.max(req.field3, 0), maxRepetitionsCap)
    const r = req.oids.length - n
    for (let k = 0; k < n; k++) {
      const i = view.indexAfter(req.oids[k]!)
      const b = i < view.size ? view.encodedAt(i) : endOf(req.oids[k]!)
      size += b.length
      if (size > maxResponseBytes) return tooBig()
      encoded.push(b)
    }
    // per repeating column: the position of the last varbind returned, and its OID
    const pos = req.oids.slice(n).map((oid) => view.indexAfter(oid) - 1)
    const lastOid = req.oids.slice(n)
    const ended = new Array<boolean>(r).fill(false)
    outer: for (let rep = 0; rep < m && r > 0; rep++) {
      let allEnded = true
      for (let j = 0; j < r; j++) {
        let b: Buffer
        const q = pos[j]! + 1
        if (ended[j] || q >= view.size) {
          // RFC 3416 4.2.3: past the end, this column's varbind is endOfMibView from now on
          ended[j] = true
          b = endOf(lastOid[j]!)
        } else {
          pos[j] = q
          lastOid[j] = view.oids[q]!
          allEnded = false
          b = view.encodedAt(q)
        }
        if (size + b.length > maxResponseBytes) break outer
        size += b.length
        encoded.push(b)
      }
      if (allEnded) break
    }
    return encMessage(req.version, req.community, Pdu.Response, req.requestId, 0, 0, encoded)
  }

  if (req.pduType === Pdu.Set) {
    return encMessage(req.version, req.community, Pdu.Response, req.requestId, v1 ? ErrorStatus.noSuchName : ErrorStatus.notWritable, 1, req.oids.map((o) => encVarBind({ oid: o, value: { type: Tag.Null } })))
  }
  return null
}

/** Every Counter64 as an OctetString of its decimal digits: a wrong-typed answer. */
function wrongType(v: Value): Value {
  return v.type === Tag.Counter64 ? { type: Tag.OctetString, value: v.value.toString() } : v
}
const wrongTypeViews = new WeakMap<MibView, MibView>()

export function createResponder(config: ResponderConfig): Responder {
  let socket: dgram.Socket | null = null
  let address: { host: string; port: number } | null = null
  let garbageSeq = 0
  const timers = new Set<NodeJS.Timeout>()

  function onMessage(msg: Buffer, rinfo: dgram.RemoteInfo): void {
    const how = config.behaviour()
    if (how.silent) return
    let req: Request
    try {
      req = decodeRequest(msg)
    } catch {
      return // snmpd drops what it cannot parse (and counts snmpInASNParseErrs)
    }
    if (req.version !== 0 && req.version !== 1) return
    if (req.community !== config.community) return
    let out: Buffer | null
    if (how.malformed === 'garbage') {
      // deterministic garbage: a BER-looking header with a length that lies
      out = Buffer.alloc(48)
      for (let i = 0; i < out.length; i++) out[i] = (i * 131 + garbageSeq * 17 + 7) & 0xff
      out[0] = 0x30
      out[1] = 0x82
      garbageSeq++
    } else {
      let view = config.view()
      if (how.malformed === 'wrong-type') {
        let wrong = wrongTypeViews.get(view)
        if (!wrong) wrongTypeViews.set(view, (wrong = view.map(wrongType)))
        view = wrong
      }
      out = answer(req, view, config.maxResponseBytes, config.maxRepetitionsCap)
    }
    if (!out) return
    const buf = out
    const send = () => {
      socket?.send(buf, rinfo.port, rinfo.address)
      config.onAnswered?.()
    }
    if (how.delayMs > 0) {
      const t = setTimeout(() => {
        timers.delete(t)
        send()
      }, how.delayMs)
      timers.add(t)
    } else send()
  }

  return {
    get address() {
      return address
    },
    start() {
      return new Promise((resolve, reject) => {
        const s = dgram.createSocket({ type: 'udp4', reuseAddr: false })
        s.once('error', (err) => reject(new Error(`simulated agent cannot bind ${config.host}:${config.port}: ${err.message}`, { cause: err })))
        s.on('message', onMessage)
        s.bind(config.port, config.host, () => {
          s.removeAllListeners('error')
          s.on('error', () => {
            /* a send to a closed trap port: nothing to do */
          })
          socket = s
          const a = s.address()
          address = { host: a.address, port: a.port }
          resolve(address)
        })
      })
    },
    stop() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      const s = socket
      socket = null
      if (!s) return Promise.resolve()
      return new Promise((resolve) => s.close(() => resolve()))
    },
    send(buf, host, port) {
      socket?.send(buf, port, host)
    },
  }
}
