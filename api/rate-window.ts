/**
 * A per-address limit for what the public may send (resident reports): at most `max` in any
 * `windowMs`, kept in memory under an HMAC of the address with a key made at start, so no
 * address is ever stored or logged as it is. Bounded: at most `maxKeys` addresses tracked,
 * the oldest forgotten first.
 */
import { createHmac, randomBytes } from 'node:crypto'

export interface RateWindow {
  /** counts one for the address; ok false (with the seconds to wait) when it is over */
  take(address: string, nowMs: number): { ok: true } | { ok: false; retryAfterS: number }
  readonly max: number
  readonly windowMs: number
}

export function createRateWindow(opts: { max: number; windowMs: number; maxKeys?: number }): RateWindow {
  const key = randomBytes(32)
  const seen = new Map<string, number[]>()
  const maxKeys = opts.maxKeys ?? 50_000
  return {
    max: opts.max,
    windowMs: opts.windowMs,
    take(address, nowMs) {
      const k = createHmac('sha256', key).update(address).digest('base64url')
      const times = (seen.get(k) ?? []).filter((t) => t > nowMs - opts.windowMs)
      if (times.length >= opts.max) {
        seen.set(k, times)
        return { ok: false, retryAfterS: Math.max(1, Math.ceil((times[0]! + opts.windowMs - nowMs) / 1000)) }
      }
      times.push(nowMs)
      seen.delete(k)
      seen.set(k, times)
      while (seen.size > maxKeys) seen.delete(seen.keys().next().value!)
      return { ok: true }
    },
  }
}
