/**
 * Named collector errors. net-snmp's errors (and socket errors) are translated into these
 * at the session boundary, so the poller, the CLI and the self-metrics reason about four
 * kinds of failure, not about library internals. Every one wraps the original as `cause`
 * and says whether trying again later can help (`retriable`).
 */

export interface ErrorTarget {
  host: string
  port: number
}

const where = (t: ErrorTarget) => `${t.host}:${t.port}`

export abstract class CollectorError extends Error {
  /** true when the same request may succeed later (device busy, packet lost, link down) */
  abstract readonly retriable: boolean
  /** short stable code for logs and metrics */
  abstract readonly code: string
  readonly target: ErrorTarget | undefined
  constructor(message: string, target?: ErrorTarget, options?: { cause?: unknown }) {
    super(message, options)
    this.name = new.target.name
    this.target = target
  }
}

/** The agent did not answer within timeoutMs on any of its tries (also: wrong v2c community, which agents drop silently). */
export class PollTimeoutError extends CollectorError {
  readonly retriable = true
  readonly code = 'CN_ERR_POLL_TIMEOUT'
  readonly timeoutMs: number
  readonly tries: number
  constructor(target: ErrorTarget, timeoutMs: number, tries: number, options?: { cause?: unknown }) {
    super(
      `no answer from ${where(target)} within ${timeoutMs} ms on ${tries} ${tries === 1 ? 'try' : 'tries'} (device down, wrong port, or wrong community/credentials)`,
      target,
      options,
    )
    this.timeoutMs = timeoutMs
    this.tries = tries
  }
}

/** SNMPv3 authentication or privacy failed (unknown user, wrong key, unsupported level). */
export class SnmpAuthError extends CollectorError {
  readonly retriable = false
  readonly code = 'CN_ERR_SNMP_AUTH'
  constructor(target: ErrorTarget, detail: string, options?: { cause?: unknown }) {
    super(`SNMP authentication failed at ${where(target)}: ${detail}`, target, options)
  }
}

/** The agent answered, but with an error status or a malformed/inconsistent answer. */
export class SnmpProtocolError extends CollectorError {
  readonly retriable: boolean
  readonly code = 'CN_ERR_SNMP_PROTOCOL'
  constructor(target: ErrorTarget | undefined, detail: string, options?: { cause?: unknown; retriable?: boolean }) {
    super(`SNMP protocol error${target ? ` from ${where(target)}` : ''}: ${detail}`, target, options)
    this.retriable = options?.retriable ?? false
  }
}

/** The request could not be sent: unknown host name, no route, socket closed. */
export class DeviceUnreachableError extends CollectorError {
  readonly retriable = true
  readonly code = 'CN_ERR_DEVICE_UNREACHABLE'
  constructor(target: ErrorTarget, detail: string, options?: { cause?: unknown }) {
    super(`cannot reach ${where(target)}: ${detail}`, target, options)
  }
}

/** A credential reference that resolves to nothing usable. Not an SNMP error: a configuration one. */
export class CredentialError extends Error {
  readonly code = 'CN_ERR_CREDENTIAL'
  constructor(message: string) {
    super(message)
    this.name = 'CredentialError'
  }
}

/**
 * Turns whatever net-snmp or the socket reported into one of the classes above.
 * `timeoutMs` and `tries` are only used to word a timeout.
 */
export function translateSnmpError(err: unknown, target: ErrorTarget, timeoutMs: number, tries: number): CollectorError {
  if (err instanceof CollectorError) return err
  const e = err as { name?: string; message?: string; code?: string | number; status?: number } | undefined
  const name = e?.name ?? ''
  const message = e?.message ?? String(err)
  if (name === 'RequestTimedOutError') return new PollTimeoutError(target, timeoutMs, tries, { cause: err })
  if (name === 'ResponseInvalidError') {
    // net-snmp's ResponseInvalidCode: 4 ECouldNotDecrypt, 5 EAuthFailure (usmStats reports), 14 ENotInTimeWindow
    if (e?.code === 5 || e?.code === 4) return new SnmpAuthError(target, describeUsm(message), { cause: err })
    if (e?.code === 14) return new SnmpProtocolError(target, message, { cause: err, retriable: true })
    return new SnmpProtocolError(target, message, { cause: err })
  }
  if (name === 'RequestFailedError') {
    // status 16 authorizationError: the agent knows the user/community but denies this view
    if (e?.status === 16) return new SnmpAuthError(target, message, { cause: err })
    return new SnmpProtocolError(target, message, { cause: err, retriable: e?.status === 1 || e?.status === 5 || e?.status === 13 })
  }
  if (/digital envelope routines::unsupported/.test(message)) {
    // OpenSSL 3 keeps DES (and MD5 in FIPS mode) in its legacy provider, off in Node by default
    return new SnmpProtocolError(target, `this Node.js build cannot run the SNMPv3 cipher or digest asked for (OpenSSL 3 without its legacy provider; DES needs it): use AES`, { cause: err })
  }
  const code = typeof e?.code === 'string' ? e.code : ''
  if (['ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNREFUSED', 'EADDRNOTAVAIL', 'EINVAL', 'ERR_SOCKET_DGRAM_NOT_RUNNING'].includes(code)) {
    const what = code === 'ENOTFOUND' || code === 'EAI_AGAIN' ? `no such host '${target.host}'` : `${code} ${message}`
    return new DeviceUnreachableError(target, what, { cause: err })
  }
  if (/socket.*closed/i.test(message)) return new DeviceUnreachableError(target, message, { cause: err })
  return new SnmpProtocolError(target, message, { cause: err })
}

/** net-snmp names the usmStats counter in its message ('Wrong digests', 'Unknown user name' ...). */
function describeUsm(message: string): string {
  if (/digest/i.test(message)) return `${message} (wrong auth key or auth protocol)`
  if (/user name/i.test(message)) return `${message} (no such SNMPv3 user on the agent)`
  if (/decrypt/i.test(message)) return `${message} (wrong privacy key or privacy protocol)`
  if (/security level/i.test(message)) return `${message} (agent does not accept this auth/priv level for the user)`
  return message
}
