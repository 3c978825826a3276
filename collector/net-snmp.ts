/**
 * The few net-snmp entry points the runtime uses (traps, the benchmark's sessions), typed
 * here because the package ships no types. Loaded through createRequire so this file does
 * not depend on an ambient `declare module` elsewhere.
 */
import { createRequire } from 'node:module'

export interface Varbind {
  oid: string
  type: number
  value: unknown
}
export interface Notification {
  pdu: { type: number; varbinds: Varbind[]; enterprise?: string; agentAddr?: string; generic?: number; specific?: number; community?: string }
  rinfo: { address: string; port: number; family: string; size: number }
}
export interface Receiver {
  close(cb?: () => void): void
}
export interface Session {
  trap(typeOrOid: number | string, varbinds: Varbind[], agentAddrOrOptions: unknown, cb: (err: Error | null) => void): void
  get(oids: string[], cb: (err: Error | null, varbinds?: Varbind[]) => void): void
  getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: (err: Error | null, varbinds?: (Varbind | Varbind[])[]) => void): void
  subtree(oid: string, maxRepetitions: number, feed: (varbinds: Varbind[]) => boolean | void, done: (err?: Error) => void): void
  /** the session's UDP socket (net-snmp internals; bench/probe.ts counts the datagrams it sends) */
  dgram?: { send: (...args: unknown[]) => void }
  close(): void
  on(ev: string, fn: (...a: unknown[]) => void): void
}
export interface NetSnmp {
  createReceiver(options: Record<string, unknown>, cb: (err: Error | null, n: Notification | null) => void): Receiver
  createSession(target: string, community: string, options: Record<string, unknown>): Session
  Version1: number
  Version2c: number
  TrapType: { ColdStart: number; WarmStart: number; LinkDown: number; LinkUp: number; EnterpriseSpecific: number }
  ObjectType: Record<string, number>
  PduType: Record<string, number>
  isVarbindError(vb: Varbind): boolean
}

export const snmp = createRequire(import.meta.url)('net-snmp') as NetSnmp
