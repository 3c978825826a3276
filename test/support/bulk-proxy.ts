/**
 * A UDP proxy on 127.0.0.1 in front of a real agent that mishandles GETBULK the ways real
 * agents do, so the collector's GETNEXT fallback meets them over the wire:
 *   'genErr'      answers every GetBulkRequest itself with error-status genErr(5)
 *   'echo'        answers every GetBulkRequest with the asked OID (non-increasing) and no error
 *   'oneVarbind'  forwards GetBulkRequest as a GetNextRequest: one varbind per answer
 *   'silent'      drops GetBulkRequest (GET and GETNEXT still pass)
 *   'tooBig'      answers tooBig(1) to any GetBulkRequest with max-repetitions above 2, forwards the rest
 *   'garbage'     answers everything with bytes that are not BER
 * Everything else is forwarded unchanged. SNMPv1/v2c only (the PDU is not encrypted).
 */
import { createSocket, type RemoteInfo } from 'node:dgram'

export type ProxyMode = 'genErr' | 'echo' | 'oneVarbind' | 'silent' | 'garbage' | 'tooBig'

export interface RunningProxy {
  port: number
  /** GetBulkRequests seen */
  bulkRequests: number
  stop(): Promise<void>
}

/** BER length at `off`: returns the length and the offset of the content. */
function berLength(buf: Buffer, off: number): { len: number; at: number } {
  const first = buf[off]!
  if (first < 0x80) return { len: first, at: off + 1 }
  const n = first & 0x7f
  let len = 0
  for (let i = 0; i < n; i++) len = len * 256 + buf[off + 1 + i]!
  return { len, at: off + 1 + n }
}

/** Offset of the PDU tag and of the PDU's first three INTEGERs (request id, and the two after it). */
function pduLayout(buf: Buffer) {
  let { at } = berLength(buf, 1) // inside the message SEQUENCE
  for (let i = 0; i < 2; i++) {
    // version INTEGER, community OCTET STRING
    const l = berLength(buf, at + 1)
    at = l.at + l.len
  }
  const pduAt = at
  let p = berLength(buf, pduAt + 1).at
  const ints: Array<{ at: number; len: number }> = []
  for (let i = 0; i < 3; i++) {
    const l = berLength(buf, p + 1)
    ints.push({ at: l.at, len: l.len })
    p = l.at + l.len
  }
  return { pduAt, ints, varbindsAt: p }
}

function setInt(buf: Buffer, f: { at: number; len: number }, value: number) {
  buf.fill(0, f.at, f.at + f.len)
  buf[f.at + f.len - 1] = value
}

export async function startBulkProxy(backendPort: number, mode: ProxyMode): Promise<RunningProxy> {
  const front = createSocket('udp4')
  const back = createSocket('udp4')
  let client: RemoteInfo | null = null
  const state = { bulkRequests: 0 }

  front.on('message', (msg, rinfo) => {
    client = rinfo
    if (mode === 'garbage') {
      front.send(Buffer.from([0x30, 0x05, 0xff, 0xff, 0xff, 0xff, 0xff]), rinfo.port, rinfo.address)
      return
    }
    let layout
    try {
      layout = pduLayout(msg)
    } catch {
      return
    }
    if (msg[layout.pduAt] === 0xa5) {
      state.bulkRequests++
      const out = Buffer.from(msg)
      if (mode === 'silent') return
      if (mode === 'tooBig') {
        const f = layout.ints[2]!
        let maxRep = 0
        for (let i = 0; i < f.len; i++) maxRep = maxRep * 256 + msg[f.at + i]!
        if (maxRep <= 2) {
          back.send(msg, backendPort, '127.0.0.1')
          return
        }
      }
      if (mode === 'oneVarbind') {
        out[layout.pduAt] = 0xa1 // GetNextRequest
        setInt(out, layout.ints[1]!, 0)
        setInt(out, layout.ints[2]!, 0)
        back.send(out, backendPort, '127.0.0.1')
        return
      }
      out[layout.pduAt] = 0xa2 // GetResponse, same request id and varbinds (OID of the request, NULL value)
      const status = mode === 'genErr' ? 5 : mode === 'tooBig' ? 1 : 0 // genErr(5), tooBig(1)
      setInt(out, layout.ints[1]!, status) // error-status
      setInt(out, layout.ints[2]!, 0) // error-index
      front.send(out, rinfo.port, rinfo.address)
      return
    }
    back.send(msg, backendPort, '127.0.0.1')
  })
  back.on('message', (msg) => {
    if (client) front.send(msg, client.port, client.address)
  })
  await new Promise<void>((r) => back.bind(0, '127.0.0.1', () => r()))
  await new Promise<void>((r) => front.bind(0, '127.0.0.1', () => r()))
  return {
    port: front.address().port,
    get bulkRequests() {
      return state.bulkRequests
    },
    async stop() {
      await Promise.all([new Promise<void>((r) => front.close(() => r())), new Promise<void>((r) => back.close(() => r()))])
    },
  }
}
