/**
 * How the collector trusts a controller's certificate. Verification is never turned off:
 *   - a pinned SHA-256 fingerprint (inventory `api.fingerprint256`): the certificate must be
 *     exactly that one, checked on the TLS handshake before a byte of the request (and so
 *     before the API key or the password) is sent. This is how a controller's factory
 *     self-signed certificate is trusted; the chain and host name are then not consulted,
 *     as with any certificate pin (unpoller's `ssl_cert` pins the same way).
 *   - else a CA file (inventory `api.caFile`, or CIVICNET_UNIFI_CA_FILE for every controller
 *     without one), else the system CAs: the chain and the host name are verified as any
 *     HTTPS client does.
 * A pin and a CA file together must both hold.
 */
import { readFileSync } from 'node:fs'
import { Agent, type AgentOptions, type RequestOptions } from 'node:https'
import type { Duplex } from 'node:stream'
import type { Socket } from 'node:net'
import { connect, type ConnectionOptions, type TLSSocket } from 'node:tls'
import type { Device } from '../../core/inventory.ts'
import { UnifiConfigError, UnifiTlsError } from './errors.ts'

export interface UnifiTrust {
  /** PEM CA certificate(s) */
  ca?: string | Buffer
  /** where `ca` came from, for messages */
  caSource?: string
  /** SHA-256 of the certificate, hex with or without colons */
  fingerprint256?: string
}

/** the trust for one controller device (throws UnifiConfigError when its CA file cannot be read) */
export type UnifiTrustResolver = (device: Device) => UnifiTrust

export function normalizeFingerprint(fp: string): string {
  return fp.replace(/[^0-9a-fA-F]/g, '').toUpperCase()
}
const colons = (hex: string) => hex.match(/../g)?.join(':') ?? hex

/** Trust from the inventory's api block, then CIVICNET_UNIFI_CA_FILE, then the system CAs. */
export function createUnifiTrustResolver(env: NodeJS.ProcessEnv = process.env): UnifiTrustResolver {
  const cache = new Map<string, Buffer>()
  const read = (file: string, what: string) => {
    const hit = cache.get(file)
    if (hit) return hit
    try {
      const b = readFileSync(file)
      cache.set(file, b)
      return b
    } catch (err) {
      throw new UnifiConfigError(undefined, `${what}=${file}: cannot read the CA file (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`)
    }
  }
  return (device) => {
    const api = device.api
    const out: UnifiTrust = {}
    if (api?.fingerprint256) out.fingerprint256 = api.fingerprint256
    if (api?.caFile) {
      out.ca = read(api.caFile, `inventory device '${device.id}' api.caFile`)
      out.caSource = api.caFile
    } else if (env.CIVICNET_UNIFI_CA_FILE) {
      out.ca = read(env.CIVICNET_UNIFI_CA_FILE, 'CIVICNET_UNIFI_CA_FILE')
      out.caSource = env.CIVICNET_UNIFI_CA_FILE
    }
    return out
  }
}

/** Why the handshake failed, in words that say what to fix (OpenSSL's codes kept in brackets). */
export function describeTlsFailure(err: NodeJS.ErrnoException, trust: UnifiTrust): string {
  const code = err.code ?? ''
  const against = trust.caSource ? `the CA file ${trust.caSource}` : 'the system CAs'
  if (code === 'ERR_TLS_CERT_ALTNAME_INVALID') return `the certificate is not for this host (${err.message.replace(/^Hostname\/IP does not match certificate's altnames: /, '')}) [${code}]`
  if (['DEPTH_ZERO_SELF_SIGNED_CERT', 'SELF_SIGNED_CERT_IN_CHAIN'].includes(code)) {
    return `the certificate is self-signed and not trusted by ${against}: pin it (inventory api.fingerprint256) or give its CA (api.caFile or CIVICNET_UNIFI_CA_FILE) [${code}]`
  }
  if (['UNABLE_TO_VERIFY_LEAF_SIGNATURE', 'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'UNABLE_TO_GET_ISSUER_CERT', 'CERT_SIGNATURE_FAILURE'].includes(code)) {
    return `the certificate is not signed by ${against} [${code}]`
  }
  if (code === 'CERT_HAS_EXPIRED' || code === 'CERT_NOT_YET_VALID') return `the certificate is outside its validity period [${code}]`
  return `TLS handshake failed: ${err.message}${code ? ` [${code}]` : ''}`
}

export function isTlsFailure(err: NodeJS.ErrnoException): boolean {
  const code = err.code ?? ''
  return /CERT|SELF_SIGNED|ISSUER|LEAF|ALTNAME/.test(code) || code.startsWith('ERR_TLS') || code.startsWith('ERR_SSL')
}

/**
 * A keep-alive HTTPS agent for one controller that enforces its trust. With a pin, the
 * socket is handed to the request only after the peer certificate's SHA-256 matched; a
 * mismatch ends the connection with a UnifiTlsError naming both fingerprints.
 */
export function createTrustingAgent(target: { host: string; port: number }, trust: UnifiTrust, options: AgentOptions = {}): Agent {
  const base: AgentOptions = { keepAlive: true, maxSockets: 2, maxCachedSessions: 0, ...options, ...(trust.ca ? { ca: trust.ca } : {}) }
  if (!trust.fingerprint256) return new Agent({ ...base, rejectUnauthorized: true })
  const pinned = normalizeFingerprint(trust.fingerprint256)
  if (pinned.length !== 64) throw new UnifiConfigError(target, `api.fingerprint256 must be 32 hex bytes (SHA-256), got ${pinned.length / 2}`)

  // http.Agent calls createConnection(options, oncreate) and, when it returns nothing,
  // waits for oncreate: the socket reaches the request only once the pin has been checked.
  class PinningAgent extends Agent {
    override createConnection(opts: RequestOptions, callback?: (err: Error | null, stream: Duplex) => void): Duplex | null | undefined {
      const oncreate = callback as (err: Error | null, socket?: Socket) => void
      // The pin replaces the chain check (a self-signed certificate is its own authority);
      // with a CA file too, the chain must verify as well.
      const socket: TLSSocket = connect({ ...(opts as ConnectionOptions), rejectUnauthorized: false })
      let done = false
      const finish = (err: Error | null) => {
        if (done) return
        done = true
        if (err) {
          socket.destroy()
          oncreate(err)
        } else oncreate(null, socket)
      }
      socket.once('secureConnect', () => {
        const cert = socket.getPeerCertificate()
        const got = normalizeFingerprint(cert?.fingerprint256 ?? '')
        if (got !== pinned) {
          return finish(new UnifiTlsError(target, `the certificate is not the pinned one: it has SHA-256 ${got ? colons(got) : '(none)'}, the inventory pins ${colons(pinned)} (api.fingerprint256)`))
        }
        if (trust.ca && !socket.authorized) {
          return finish(new UnifiTlsError(target, describeTlsFailure(Object.assign(new Error(String(socket.authorizationError)), { code: String(socket.authorizationError) }), trust)))
        }
        finish(null)
      })
      socket.once('error', (err) => finish(err))
      return undefined
    }
  }
  return new PinningAgent({ ...base, rejectUnauthorized: false })
}
