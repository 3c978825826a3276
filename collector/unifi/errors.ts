/**
 * What can go wrong reading a UniFi Network controller, named so the source can decide
 * what to retry and people can read what to fix. Messages name the controller, the URL
 * path, the status and the variable to set; never a secret, a cookie, a response body or a
 * client MAC (scrubMacs() guards the few places a controller's own words are quoted).
 */
import { CollectorError, type ErrorTarget } from '../errors.ts'

abstract class UnifiError extends CollectorError {
  /**
   * true when trying again within the same round may help (a dropped connection, a 5xx, a
   * list that changed while paged); false when only a fix or time will (refused
   * credentials, a certificate mismatch, a rate limit, a configuration error)
   */
  abstract readonly retryNow: boolean
}

/** The controller refused the API key or the login (401/403, or a login answered with an error). */
export class UnifiAuthError extends UnifiError {
  readonly retriable = false
  readonly retryNow = false
  readonly code = 'CN_ERR_UNIFI_AUTH'
  readonly status: number
  constructor(target: ErrorTarget, status: number, detail: string) {
    super(detail, target)
    this.status = status
  }
}

/** The TLS certificate is not the pinned one, or not trusted, or not for this host. */
export class UnifiTlsError extends UnifiError {
  readonly retriable = false
  readonly retryNow = false
  readonly code = 'CN_ERR_UNIFI_TLS'
  constructor(target: ErrorTarget, detail: string, options?: { cause?: unknown }) {
    super(detail, target, options)
  }
}

/** No answer in time (the name matters: the poller's isTimeout() counts it as a timeout). */
export class UnifiTimeoutError extends UnifiError {
  readonly retriable = true
  readonly retryNow = true
  readonly code = 'CN_ERR_UNIFI_TIMEOUT'
  constructor(target: ErrorTarget, detail: string) {
    super(detail, target)
  }
}

/** The connection failed or broke (refused, reset, no route). */
export class UnifiNetworkError extends UnifiError {
  readonly retriable = true
  readonly retryNow = true
  readonly code = 'CN_ERR_UNIFI_NETWORK'
  constructor(target: ErrorTarget, detail: string, options?: { cause?: unknown }) {
    super(detail, target, options)
  }
}

/** An HTTP status the API should not give, or a 429 (then: not now, next round). */
export class UnifiHttpError extends UnifiError {
  readonly retriable: boolean
  readonly retryNow: boolean
  readonly code = 'CN_ERR_UNIFI_HTTP'
  readonly status: number
  constructor(target: ErrorTarget, status: number, detail: string) {
    super(detail, target)
    this.status = status
    this.retriable = status >= 500 || status === 429 || status === 408
    this.retryNow = status >= 500 || status === 408
  }
}

/** The answer is not what the API documents (not JSON, wrong shape, a list that changed while paged). */
export class UnifiProtocolError extends UnifiError {
  readonly retriable = true
  readonly retryNow = true
  readonly code = 'CN_ERR_UNIFI_PROTOCOL'
  constructor(target: ErrorTarget | undefined, detail: string) {
    super(detail, target)
  }
}

/** The inventory or the environment does not say enough to read the controller (no secret, unknown site, an API that takes no login). */
export class UnifiConfigError extends UnifiError {
  readonly retriable = false
  readonly retryNow = false
  readonly code = 'CN_ERR_UNIFI_CONFIG'
  constructor(target: ErrorTarget | undefined, detail: string) {
    super(detail, target)
  }
}

export type AnyUnifiError = UnifiAuthError | UnifiTlsError | UnifiTimeoutError | UnifiNetworkError | UnifiHttpError | UnifiProtocolError | UnifiConfigError

export function isUnifiError(err: unknown): err is AnyUnifiError {
  return err instanceof UnifiError
}

/** MAC-like text (any common notation) replaced, so a controller's own message can be quoted safely. */
export function scrubMacs(text: string): string {
  return text
    .replace(/\b[0-9A-Fa-f]{2}([:-])[0-9A-Fa-f]{2}(?:\1[0-9A-Fa-f]{2}){4}\b/g, '<mac>')
    .replace(/\b[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\.[0-9A-Fa-f]{4}\b/g, '<mac>')
    .replace(/\b[0-9A-Fa-f]{12}\b/g, '<mac>')
}
