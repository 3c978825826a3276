// The slice of net-snmp's API that collector/snmp uses. net-snmp ships no type declarations;
// these follow its README (npm net-snmp 3.x).
declare module 'net-snmp' {
  export interface Varbind {
    oid: string
    type: number
    value: unknown
  }
  export type ResponseCallback<T> = (error: Error | null, result: T) => void
  export interface Session {
    get(oids: string[], cb: ResponseCallback<Varbind[]>): void
    getNext(oids: string[], cb: ResponseCallback<Varbind[]>): void
    getBulk(oids: string[], nonRepeaters: number, maxRepetitions: number, cb: ResponseCallback<Array<Varbind | Varbind[]>>): void
    close(): void
    on(event: string, listener: (...args: unknown[]) => void): this
  }
  export interface SessionOptions {
    port?: number
    retries?: number
    timeout?: number
    transport?: 'udp4' | 'udp6'
    version?: number
    backwardsGetNexts?: boolean
    reportOidMismatchErrors?: boolean
    idBitsSize?: 16 | 32
    /** replaces node:dgram (net-snmp calls dgramModule.createSocket(transport)) */
    dgramModule?: { createSocket(type: 'udp4' | 'udp6'): import('node:dgram').Socket }
  }
  export interface V3User {
    name: string
    level: number
    authProtocol?: number
    authKey?: string
    privProtocol?: number
    privKey?: string
  }
  export function createSession(target: string, community: string, options?: SessionOptions): Session
  export function createV3Session(target: string, user: V3User, options?: SessionOptions): Session
  export function isVarbindError(vb: Varbind): boolean
  export const Version1: number
  export const Version2c: number
  export const Version3: number
  export const ObjectType: Record<string, number>
  export const SecurityLevel: { noAuthNoPriv: number; authNoPriv: number; authPriv: number }
  export const AuthProtocols: { none: number; md5: number; sha: number; sha224: number; sha256: number; sha384: number; sha512: number }
  export const PrivProtocols: { none: number; des: number; aes: number; aes256b: number; aes256r: number }
  const snmp: {
    createSession: typeof createSession
    createV3Session: typeof createV3Session
    isVarbindError: typeof isVarbindError
    Version1: number
    Version2c: number
    Version3: number
    ObjectType: Record<string, number>
    SecurityLevel: typeof SecurityLevel
    AuthProtocols: typeof AuthProtocols
    PrivProtocols: typeof PrivProtocols
  }
  export default snmp
}
