/**
 * A small BER codec for SNMPv1/v2c messages: what a responder needs to read a request and
 * write a response or an SNMPv2-Trap. Written here (not net-snmp's Agent) so that GETBULK
 * is answered as RFC 3416 says and real agents do: non-repeaters, then max-repetitions
 * rows of ALL repeating varbinds (net-snmp's Agent stops at max-repetitions in total).
 */

export const Tag = {
  Integer: 0x02,
  OctetString: 0x04,
  Null: 0x05,
  OID: 0x06,
  Sequence: 0x30,
  IpAddress: 0x40,
  Counter32: 0x41,
  Gauge32: 0x42,
  TimeTicks: 0x43,
  Opaque: 0x44,
  Counter64: 0x46,
  NoSuchObject: 0x80,
  NoSuchInstance: 0x81,
  EndOfMibView: 0x82,
} as const

export const Pdu = {
  Get: 0xa0,
  GetNext: 0xa1,
  Response: 0xa2,
  Set: 0xa3,
  GetBulk: 0xa5,
  Inform: 0xa6,
  TrapV2: 0xa7,
} as const

export const ErrorStatus = { noError: 0, tooBig: 1, noSuchName: 2, genErr: 5, notWritable: 17 } as const

/** A value as it goes on the wire. */
export type Value =
  | { type: typeof Tag.Integer; value: number }
  | { type: typeof Tag.OctetString; value: Buffer | string }
  | { type: typeof Tag.OID; value: string }
  | { type: typeof Tag.IpAddress; value: string }
  | { type: typeof Tag.Counter32 | typeof Tag.Gauge32 | typeof Tag.TimeTicks; value: number }
  | { type: typeof Tag.Counter64; value: bigint }
  | { type: typeof Tag.Null | typeof Tag.NoSuchObject | typeof Tag.NoSuchInstance | typeof Tag.EndOfMibView }

export interface VarBind {
  oid: string
  value: Value
}

export interface Request {
  version: number
  community: string
  pduType: number
  requestId: number
  /** error-status, or non-repeaters for GETBULK */
  field2: number
  /** error-index, or max-repetitions for GETBULK */
  field3: number
  oids: string[]
}

// ---------------------------------------------------------------- encoding

function encLength(n: number): Buffer {
  if (n < 0x80) return Buffer.from([n])
  const bytes: number[] = []
  while (n > 0) {
    bytes.unshift(n & 0xff)
    n = Math.floor(n / 256)
  }
  return Buffer.from([0x80 | bytes.length, ...bytes])
}

export function tlv(tag: number, body: Buffer): Buffer {
  return Buffer.concat([Buffer.from([tag]), encLength(body.length), body])
}

function encSigned(n: number): Buffer {
  // two's complement, minimal length, 32-bit range
  let v = BigInt(Math.trunc(n))
  const out: number[] = []
  for (;;) {
    const byte = Number(v & 0xffn)
    out.unshift(byte)
    v >>= 8n
    if ((v === 0n && (byte & 0x80) === 0) || (v === -1n && (byte & 0x80) !== 0)) break
  }
  return Buffer.from(out)
}

function encUnsigned(v: bigint): Buffer {
  const out: number[] = []
  do {
    out.unshift(Number(v & 0xffn))
    v >>= 8n
  } while (v > 0n)
  if (out[0]! & 0x80) out.unshift(0)
  return Buffer.from(out)
}

export function encOid(oid: string): Buffer {
  const parts = oid.split('.').filter((p) => p !== '').map(Number)
  if (parts.length < 2) throw new Error(`OID '${oid}' needs at least two arcs`)
  const out: number[] = []
  const arcs = [parts[0]! * 40 + parts[1]!, ...parts.slice(2)]
  for (const arc of arcs) {
    const bytes = [arc & 0x7f]
    let a = Math.floor(arc / 128)
    while (a > 0) {
      bytes.unshift((a & 0x7f) | 0x80)
      a = Math.floor(a / 128)
    }
    out.push(...bytes)
  }
  return Buffer.from(out)
}

export function encValue(v: Value): Buffer {
  switch (v.type) {
    case Tag.Integer:
      return tlv(v.type, encSigned(v.value))
    case Tag.OctetString:
      return tlv(v.type, typeof v.value === 'string' ? Buffer.from(v.value, 'utf8') : v.value)
    case Tag.OID:
      return tlv(v.type, encOid(v.value))
    case Tag.IpAddress:
      return tlv(v.type, Buffer.from(v.value.split('.').map(Number)))
    case Tag.Counter32:
    case Tag.Gauge32:
    case Tag.TimeTicks:
      return tlv(v.type, encUnsigned(BigInt(Math.trunc(v.value) >>> 0)))
    case Tag.Counter64:
      return tlv(v.type, encUnsigned(BigInt.asUintN(64, v.value)))
    default:
      return tlv(v.type, Buffer.alloc(0))
  }
}

export function encVarBind(vb: VarBind): Buffer {
  return tlv(Tag.Sequence, Buffer.concat([tlv(Tag.OID, encOid(vb.oid)), encValue(vb.value)]))
}

/** A whole message: version, community, PDU with the given varbinds (already encoded). */
export function encMessage(version: number, community: string, pduType: number, requestId: number, f2: number, f3: number, varbinds: Buffer[]): Buffer {
  const pdu = tlv(
    pduType,
    Buffer.concat([tlv(Tag.Integer, encSigned(requestId)), tlv(Tag.Integer, encSigned(f2)), tlv(Tag.Integer, encSigned(f3)), tlv(Tag.Sequence, Buffer.concat(varbinds))]),
  )
  return tlv(Tag.Sequence, Buffer.concat([tlv(Tag.Integer, encSigned(version)), tlv(Tag.OctetString, Buffer.from(community, 'utf8')), pdu]))
}

// ---------------------------------------------------------------- decoding

class Reader {
  constructor(
    private buf: Buffer,
    public pos = 0,
    private end = buf.length,
  ) {}
  done(): boolean {
    return this.pos >= this.end
  }
  header(): { tag: number; len: number; start: number } {
    if (this.pos + 2 > this.end) throw new Error('truncated BER header')
    const tag = this.buf[this.pos++]!
    let len = this.buf[this.pos++]!
    if (len & 0x80) {
      const n = len & 0x7f
      if (n === 0 || n > 4) throw new Error('unsupported BER length')
      len = 0
      for (let i = 0; i < n; i++) len = len * 256 + this.buf[this.pos++]!
    }
    if (this.pos + len > this.end) throw new Error('BER length past end of message')
    return { tag, len, start: this.pos }
  }
  sub(len: number): Reader {
    const r = new Reader(this.buf, this.pos, this.pos + len)
    this.pos += len
    return r
  }
  integer(): number {
    const h = this.header()
    if (h.tag !== Tag.Integer) throw new Error(`expected INTEGER, got tag 0x${h.tag.toString(16)}`)
    let v = 0n
    for (let i = 0; i < h.len; i++) v = (v << 8n) | BigInt(this.buf[this.pos + i]!)
    if (h.len > 0 && this.buf[this.pos]! & 0x80) v -= 1n << BigInt(8 * h.len)
    this.pos += h.len
    return Number(v)
  }
  octets(): Buffer {
    const h = this.header()
    if (h.tag !== Tag.OctetString) throw new Error('expected OCTET STRING')
    const b = this.buf.subarray(this.pos, this.pos + h.len)
    this.pos += h.len
    return b
  }
  oid(): string {
    const h = this.header()
    if (h.tag !== Tag.OID) throw new Error('expected OBJECT IDENTIFIER')
    const arcs: number[] = []
    let v = 0
    for (let i = 0; i < h.len; i++) {
      const b = this.buf[this.pos + i]!
      v = v * 128 + (b & 0x7f)
      if (!(b & 0x80)) {
        if (arcs.length === 0) {
          const first = v < 80 ? Math.floor(v / 40) : 2
          arcs.push(first, v - first * 40)
        } else arcs.push(v)
        v = 0
      }
    }
    this.pos += h.len
    return arcs.join('.')
  }
  skip(): void {
    const h = this.header()
    this.pos += h.len
  }
}

/** Reads a request message. Throws on anything that is not a well-formed v1/v2c request. */
export function decodeRequest(buf: Buffer): Request {
  const r = new Reader(buf)
  const msg = r.header()
  if (msg.tag !== Tag.Sequence) throw new Error('message is not a SEQUENCE')
  const m = r.sub(msg.len)
  const version = m.integer()
  const community = m.octets().toString('utf8')
  const pdu = m.header()
  const p = m.sub(pdu.len)
  const requestId = p.integer()
  const field2 = p.integer()
  const field3 = p.integer()
  const vbl = p.header()
  if (vbl.tag !== Tag.Sequence) throw new Error('varbind list is not a SEQUENCE')
  const list = p.sub(vbl.len)
  const oids: string[] = []
  while (!list.done()) {
    const vb = list.header()
    const v = list.sub(vb.len)
    oids.push(v.oid())
    v.skip()
  }
  return { version, community, pduType: pdu.tag, requestId, field2, field3, oids }
}

// ---------------------------------------------------------------- OID order

/** OID as arcs, for lexicographic comparison. */
export function oidArcs(oid: string): number[] {
  return oid.split('.').filter((p) => p !== '').map(Number)
}

export function compareArcs(a: readonly number[], b: readonly number[]): number {
  const n = Math.min(a.length, b.length)
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!
    if (d !== 0) return d
  }
  return a.length - b.length
}
