/**
 * One SNMP session to one agent, over net-snmp: v2c or v3, `get` of scalars and `walk` of
 * subtrees by GETBULK with an automatic GETNEXT fallback for agents that mishandle GETBULK.
 * Values come back normalized (Counter64 -> bigint, Counter32/Gauge32/TimeTicks -> number,
 * OCTET STRING -> Buffer); every failure is one of the named errors in collector/errors.ts.
 */
import { createSocket, type SocketOptions } from 'node:dgram'
import snmp from 'net-snmp'
import type { Session, Varbind } from 'net-snmp'
import { CollectorError, PollTimeoutError, SnmpProtocolError, translateSnmpError } from '../errors.ts'
import { compareOid, inSubtree, normalizeOid } from './oid.ts'

export type AuthProtocol = 'md5' | 'sha' | 'sha224' | 'sha256' | 'sha384' | 'sha512'
export type PrivProtocol = 'des' | 'aes' | 'aes256b' | 'aes256r'
export const AUTH_PROTOCOLS: readonly AuthProtocol[] = ['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']
export const PRIV_PROTOCOLS: readonly PrivProtocol[] = ['des', 'aes', 'aes256b', 'aes256r']

export interface V3Credential {
  user: string
  /** default: authPriv when a privKey is given, authNoPriv when only an authKey is, else noAuthNoPriv */
  level?: 'noAuthNoPriv' | 'authNoPriv' | 'authPriv'
  authProtocol?: AuthProtocol
  authKey?: string
  privProtocol?: PrivProtocol
  privKey?: string
}

export type SnmpCredential = { version: 'v2c'; community: string } | { version: 'v3'; v3: V3Credential }

export interface SnmpTarget {
  host: string
  /** UDP port of the agent; default 161 */
  port?: number
  credential: SnmpCredential
  /** wait per try, ms; default 2000 (net-snmp's own default is 5000) */
  timeoutMs?: number
  /** extra tries after the first; default 1 */
  retries?: number
  /** GETBULK max-repetitions per request; default 20 */
  maxRepetitions?: number
  /** host name resolver (dns.lookup's signature), e.g. a caching one; default: the system's */
  lookup?: SocketOptions['lookup']
}

export const SESSION_DEFAULTS = { port: 161, timeoutMs: 2000, retries: 1, maxRepetitions: 20 } as const

export type SnmpValueType =
  | 'integer'
  | 'octets'
  | 'null'
  | 'oid'
  | 'ip'
  | 'counter32'
  | 'gauge32'
  | 'timeticks'
  | 'opaque'
  | 'counter64'
  | 'boolean'
  | 'bits'
  | 'noSuchObject'
  | 'noSuchInstance'
  | 'endOfMibView'

export interface SnmpVarbind {
  oid: string
  type: SnmpValueType
  /** number (integer, counter32, gauge32, timeticks), bigint (counter64), Buffer (octets, opaque, bits), string (oid, ip), null (exceptions) */
  value: number | bigint | Buffer | string | boolean | null
}

/** Counters of what a session did, for the collector's self-metrics. */
export interface SessionStats {
  requests: number
  /** walks that had to fall back from GETBULK to GETNEXT */
  bulkFallbacks: number
}

export interface WalkOptions {
  maxRepetitions?: number
  /** stop (with an error) past this many varbinds, so a looping agent cannot hold a poll forever; default 200000 */
  maxVarbinds?: number
}

export interface SnmpSession {
  readonly target: Readonly<Required<Omit<SnmpTarget, 'credential' | 'lookup'>>> & { version: 'v2c' | 'v3' }
  readonly stats: SessionStats
  /** GET of up to any number of OIDs (sent in chunks); one varbind per asked OID, in order */
  get(oids: string[]): Promise<SnmpVarbind[]>
  /**
   * GETNEXT of up to any number of OIDs (one request per 32): one varbind per asked OID, in
   * order, each the first instance after it (type 'endOfMibView' past the agent's last)
   */
  getNext(oids: string[]): Promise<SnmpVarbind[]>
  /** every instance below `subtree`, in OID order */
  walk(subtree: string, options?: WalkOptions): Promise<SnmpVarbind[]>
  /** true once this session fell back to GETNEXT: later walks skip GETBULK */
  readonly bulkDisabled: boolean
  close(): void
}

const TYPE_NAMES: Record<number, SnmpValueType> = {
  1: 'boolean',
  2: 'integer',
  3: 'bits',
  4: 'octets',
  5: 'null',
  6: 'oid',
  64: 'ip',
  65: 'counter32',
  66: 'gauge32',
  67: 'timeticks',
  68: 'opaque',
  70: 'counter64',
  128: 'noSuchObject',
  129: 'noSuchInstance',
  130: 'endOfMibView',
}

/** Counter64 arrives as a big-endian Buffer of 1..9 bytes (4 from snmpd when small, 8 from net-snmp's Agent). */
export function counter64ToBigInt(value: unknown): bigint | null {
  if (typeof value === 'bigint') return value >= 0n ? value : null
  if (typeof value === 'number') return Number.isInteger(value) && value >= 0 ? BigInt(value) : null
  if (Buffer.isBuffer(value)) return value.length === 0 ? 0n : BigInt('0x' + value.toString('hex'))
  return null
}

/** net-snmp's varbind -> ours. A value whose JS type does not fit its SNMP type becomes a protocol error. */
export function normalizeVarbind(vb: Varbind): SnmpVarbind {
  const type = TYPE_NAMES[vb.type]
  if (!type) throw new SnmpProtocolError(undefined, `unknown ASN.1 type ${vb.type} at ${vb.oid}`)
  const v = vb.value
  const bad = () => new SnmpProtocolError(undefined, `${type} at ${vb.oid} has an unexpected value (${typeof v})`)
  switch (type) {
    case 'counter64': {
      const n = counter64ToBigInt(v)
      if (n === null) throw bad()
      return { oid: vb.oid, type, value: n }
    }
    case 'integer':
    case 'counter32':
    case 'gauge32':
    case 'timeticks':
      if (typeof v !== 'number' || !Number.isFinite(v)) throw bad()
      return { oid: vb.oid, type, value: v }
    case 'octets':
    case 'opaque':
    case 'bits':
      if (Buffer.isBuffer(v)) return { oid: vb.oid, type, value: v }
      if (typeof v === 'string') return { oid: vb.oid, type, value: Buffer.from(v, 'latin1') }
      throw bad()
    case 'oid':
    case 'ip':
      if (typeof v !== 'string') throw bad()
      return { oid: vb.oid, type, value: v }
    case 'boolean':
      return { oid: vb.oid, type, value: Boolean(v) }
    default:
      return { oid: vb.oid, type, value: null }
  }
}

function isException(t: SnmpValueType): boolean {
  return t === 'noSuchObject' || t === 'noSuchInstance' || t === 'endOfMibView'
}

/** Signals that GETBULK is broken at this agent; caught inside walk() and never escapes. */
class BulkMishandled extends Error {}

/** OIDs per GET (and GETNEXT) request */
export const GET_CHUNK = 32

export function openSession(target: SnmpTarget): SnmpSession {
  const port = target.port ?? SESSION_DEFAULTS.port
  const timeoutMs = target.timeoutMs ?? SESSION_DEFAULTS.timeoutMs
  const retries = target.retries ?? SESSION_DEFAULTS.retries
  const maxRepetitions = target.maxRepetitions ?? SESSION_DEFAULTS.maxRepetitions
  if (!(timeoutMs > 0)) throw new RangeError(`timeoutMs must be > 0, got ${timeoutMs}`)
  if (!(Number.isInteger(retries) && retries >= 0)) throw new RangeError(`retries must be an integer >= 0, got ${retries}`)
  if (!(Number.isInteger(maxRepetitions) && maxRepetitions >= 1)) throw new RangeError(`maxRepetitions must be an integer >= 1, got ${maxRepetitions}`)
  const where = { host: target.host, port }
  const options = {
    port,
    timeout: timeoutMs,
    retries,
    transport: (target.host.includes(':') ? 'udp6' : 'udp4') as 'udp4' | 'udp6',
    // we check OID order ourselves, to fall back to GETNEXT instead of failing
    backwardsGetNexts: true,
    reportOidMismatchErrors: false,
    ...(target.lookup ? { dgramModule: { createSocket: (type: 'udp4' | 'udp6') => createSocket({ type, lookup: target.lookup! }) } } : {}),
  }
  const cred = target.credential
  let raw: Session
  if (cred.version === 'v2c') {
    // net-snmp defaults to SNMPv1, where Counter64 does not exist: always ask for v2c
    raw = snmp.createSession(target.host, cred.community, { ...options, version: snmp.Version2c })
  } else {
    raw = snmp.createV3Session(target.host, v3User(cred.v3), { ...options, version: snmp.Version3 })
  }

  const stats: SessionStats = { requests: 0, bulkFallbacks: 0 }
  const pending = new Set<(err: Error) => void>()
  let closed = false
  let answered = false
  let bulkDisabled = false
  let tooBigRepetitions = Number.POSITIVE_INFINITY

  // A malformed datagram makes net-snmp emit 'error' (and, with no listener, crash the
  // process). It cannot tell which request the datagram answered, so fail them all.
  raw.on('error', (err: unknown) => {
    const e = new SnmpProtocolError(where, `malformed answer: ${(err as Error)?.message ?? String(err)}`, { cause: err })
    for (const reject of [...pending]) reject(e)
  })

  function call<T>(fn: (cb: (error: Error | null, result: T) => void) => void): Promise<T> {
    if (closed) return Promise.reject(new SnmpProtocolError(where, 'session is closed'))
    stats.requests++
    return new Promise<T>((resolve, reject) => {
      let settled = false
      // net-snmp's own timer does not run when the socket itself failed (e.g. bind or lookup
      // errors, which it swallows): this one makes sure no request waits forever
      const guard = setTimeout(() => fail(new PollTimeoutError(where, timeoutMs, retries + 1)), timeoutMs * (retries + 1) + 1000)
      guard.unref()
      const fail = (err: Error) => {
        if (settled) return
        settled = true
        clearTimeout(guard)
        pending.delete(fail)
        reject(translateSnmpError(err, where, timeoutMs, retries + 1))
      }
      pending.add(fail)
      try {
        fn((error, result) => {
          if (error) return fail(error)
          if (settled) return
          settled = true
          clearTimeout(guard)
          pending.delete(fail)
          answered = true
          resolve(result)
        })
      } catch (err) {
        fail(err as Error)
      }
    })
  }

  async function getChunk(chunk: string[], op: 'get' | 'getNext' = 'get'): Promise<SnmpVarbind[]> {
    let vbs: Varbind[]
    try {
      vbs = await call<Varbind[]>((cb) => (op === 'get' ? raw.get(chunk, cb) : raw.getNext(chunk, cb)))
    } catch (err) {
      // an answer too big for the agent's message size: ask for half as many OIDs at a time
      if (err instanceof SnmpProtocolError && /TooBig/i.test(err.message) && chunk.length > 1) {
        const half = Math.ceil(chunk.length / 2)
        return [...(await getChunk(chunk.slice(0, half), op)), ...(await getChunk(chunk.slice(half), op))]
      }
      throw err
    }
    if (!Array.isArray(vbs) || vbs.length !== chunk.length) {
      throw new SnmpProtocolError(where, `asked ${chunk.length} OIDs, got ${Array.isArray(vbs) ? vbs.length : 'no'} varbinds`)
    }
    return vbs.map((vb, j) => {
      try {
        return normalizeVarbind(vb)
      } catch {
        // a value that does not fit its type is skipped, not fatal: the caller sees 'null'
        return { oid: chunk[j]!, type: 'null' as const, value: null }
      }
    })
  }

  async function get(oids: string[], op: 'get' | 'getNext' = 'get'): Promise<SnmpVarbind[]> {
    const asked = oids.map(normalizeOid)
    const out: SnmpVarbind[] = []
    for (let i = 0; i < asked.length; i += GET_CHUNK) out.push(...(await getChunk(asked.slice(i, i + GET_CHUNK), op)))
    return out
  }

  async function walkBulk(subtree: string, out: SnmpVarbind[], startCursor: string, maxRep: number, limit: number): Promise<{ done: true } | { done: false; cursor: string }> {
    let cursor = startCursor
    let rep = maxRep
    let first = true
    for (;;) {
      let rows: Varbind[]
      try {
        const resp = await call<Array<Varbind | Varbind[]>>((cb) => raw.getBulk([cursor], 0, rep, cb))
        const r = Array.isArray(resp) ? resp[0] : undefined
        rows = Array.isArray(r) ? r : []
      } catch (err) {
        if (err instanceof SnmpProtocolError && /TooBig/i.test(err.message) && rep > 1) {
          // the answer did not fit the agent's (or path's) message size: ask for fewer rows,
          // and remember it for this session's later walks
          rep = Math.max(1, Math.floor(rep / 2))
          tooBigRepetitions = Math.min(tooBigRepetitions, rep)
          continue
        }
        // a timeout on a device that has answered before points at GETBULK itself (some agents
        // drop bulk requests or their own oversized answers); anything else is not ours to fix
        if (err instanceof PollTimeoutError && !(answered && first)) throw err
        if (err instanceof CollectorError && !(err instanceof SnmpProtocolError) && !(err instanceof PollTimeoutError)) throw err
        throw Object.assign(new BulkMishandled((err as Error).message), { cursor })
      }
      first = false
      if (rows.length === 0) throw Object.assign(new BulkMishandled('empty GETBULK answer'), { cursor })
      for (const r of rows) {
        let vb: SnmpVarbind
        try {
          vb = normalizeVarbind(r)
        } catch {
          // a malformed value inside the subtree: skip it, keep walking past it
          if (r && typeof r.oid === 'string' && inSubtree(subtree, r.oid) && compareOid(r.oid, cursor) > 0) {
            cursor = r.oid
            continue
          }
          return { done: true }
        }
        if (isException(vb.type)) return { done: true }
        // checked before the subtree test: an agent echoing the asked OID must not end the walk early
        if (compareOid(vb.oid, cursor) <= 0) throw Object.assign(new BulkMishandled(`non-increasing OID ${vb.oid} after ${cursor}`), { cursor })
        if (!inSubtree(subtree, vb.oid)) return { done: true }
        out.push(vb)
        cursor = vb.oid
        if (out.length > limit) throw new SnmpProtocolError(where, `walk of ${subtree} passed ${limit} varbinds; stopped`)
      }
    }
  }

  async function walkNext(subtree: string, out: SnmpVarbind[], startCursor: string, limit: number): Promise<void> {
    let cursor = startCursor
    for (;;) {
      const vbs = await call<Varbind[]>((cb) => raw.getNext([cursor], cb))
      const r = Array.isArray(vbs) ? vbs[0] : undefined
      if (!r) return
      let vb: SnmpVarbind
      try {
        vb = normalizeVarbind(r)
      } catch {
        if (typeof r.oid === 'string' && inSubtree(subtree, r.oid) && compareOid(r.oid, cursor) > 0) {
          cursor = r.oid
          continue
        }
        return
      }
      if (isException(vb.type)) return
      if (compareOid(vb.oid, cursor) <= 0) {
        throw new SnmpProtocolError(where, `agent answered GETNEXT ${cursor} with non-increasing OID ${vb.oid}; walk of ${subtree} stopped`)
      }
      if (!inSubtree(subtree, vb.oid)) return
      out.push(vb)
      cursor = vb.oid
      if (out.length > limit) throw new SnmpProtocolError(where, `walk of ${subtree} passed ${limit} varbinds; stopped`)
    }
  }

  async function walk(subtreeIn: string, opts: WalkOptions = {}): Promise<SnmpVarbind[]> {
    const subtree = normalizeOid(subtreeIn)
    const limit = opts.maxVarbinds ?? 200_000
    const out: SnmpVarbind[] = []
    let cursor = subtree
    if (!bulkDisabled) {
      try {
        const r = await walkBulk(subtree, out, cursor, Math.min(opts.maxRepetitions ?? maxRepetitions, tooBigRepetitions), limit)
        if (r.done) return out
      } catch (err) {
        if (!(err instanceof BulkMishandled)) throw err
        // GETBULK is broken here: remember it for this session and go on from where it broke
        bulkDisabled = true
        stats.bulkFallbacks++
        cursor = (err as BulkMishandled & { cursor: string }).cursor
      }
    }
    await walkNext(subtree, out, cursor, limit)
    return out
  }

  return {
    target: { host: target.host, port, timeoutMs, retries, maxRepetitions, version: cred.version },
    stats,
    get: (oids) => get(oids),
    getNext: (oids) => get(oids, 'getNext'),
    walk,
    get bulkDisabled() {
      return bulkDisabled
    },
    close() {
      if (closed) return
      closed = true
      const e = new SnmpProtocolError(where, 'session closed while a request was in flight')
      for (const reject of [...pending]) reject(e)
      try {
        raw.close()
      } catch {
        // already closed
      }
    },
  }
}

function v3User(c: V3Credential) {
  if (!c.user) throw new RangeError('SNMPv3 credential needs a user name')
  const level = c.level ?? (c.privKey ? 'authPriv' : c.authKey ? 'authNoPriv' : 'noAuthNoPriv')
  const authProtocol = c.authProtocol ?? 'sha'
  const privProtocol = c.privProtocol ?? 'aes'
  if (!AUTH_PROTOCOLS.includes(authProtocol)) throw new RangeError(`unknown SNMPv3 auth protocol '${authProtocol}' (one of ${AUTH_PROTOCOLS.join(', ')})`)
  if (!PRIV_PROTOCOLS.includes(privProtocol)) throw new RangeError(`unknown SNMPv3 privacy protocol '${privProtocol}' (one of ${PRIV_PROTOCOLS.join(', ')})`)
  if (level !== 'noAuthNoPriv' && !c.authKey) throw new RangeError(`SNMPv3 level ${level} needs an auth key`)
  if (level === 'authPriv' && !c.privKey) throw new RangeError('SNMPv3 level authPriv needs a privacy key')
  return {
    name: c.user,
    level: snmp.SecurityLevel[level],
    ...(level !== 'noAuthNoPriv' ? { authProtocol: snmp.AuthProtocols[authProtocol], authKey: c.authKey } : {}),
    ...(level === 'authPriv' ? { privProtocol: snmp.PrivProtocols[privProtocol], privKey: c.privKey } : {}),
  }
}

/** Value helpers for profile evaluation: each returns null for a value that does not fit. */
export function asNumber(vb: SnmpVarbind | undefined): number | null {
  if (!vb) return null
  if (typeof vb.value === 'number') return vb.value
  if (typeof vb.value === 'bigint') return Number(vb.value)
  if (Buffer.isBuffer(vb.value) && vb.type === 'octets') {
    // some agents send numbers as text ("-4.94", "23")
    const m = /^\s*(-?\d+(?:\.\d+)?)/.exec(vb.value.toString('latin1'))
    return m ? Number(m[1]) : null
  }
  return null
}

export function asBigInt(vb: SnmpVarbind | undefined): bigint | null {
  if (!vb) return null
  if (typeof vb.value === 'bigint') return vb.value
  if (typeof vb.value === 'number' && Number.isInteger(vb.value) && vb.value >= 0) return BigInt(vb.value)
  return null
}

/** Text of an octet string (UTF-8 where valid, else Latin-1), trimmed of NULs, CR and LF at the ends. */
export function asText(vb: SnmpVarbind | undefined): string | null {
  if (!vb) return null
  if (typeof vb.value === 'string') return vb.value
  if (typeof vb.value === 'number' || typeof vb.value === 'bigint') return String(vb.value)
  if (Buffer.isBuffer(vb.value)) {
    const utf8 = vb.value.toString('utf8')
    const s = utf8.includes('\uFFFD') ? vb.value.toString('latin1') : utf8
    return s.replace(/^[\s\0]+|[\s\0]+$/g, '')
  }
  return null
}
