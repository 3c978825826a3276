/**
 * Station MACs are personal data: the collector turns each one at once into an
 * HMAC-SHA256 digest keyed by a secret that lives only in memory and rotates every
 * counting period (a UTC day by default). Within a period the same client gives the same
 * digest (so unique clients can be counted); across periods digests cannot be linked,
 * and once a period's key is dropped nobody, not even us, can reverse or re-link them.
 * The raw MAC is never kept, logged, spooled or stored: only the digest leaves here.
 */
import { createHmac, randomBytes } from 'node:crypto'

export interface MacHasherConfig {
  /** counting period: 'day' (UTC day) or a length in ms (aligned to the epoch) */
  period?: 'day' | number
  /** for tests only: a fixed key source; production keys are 32 random bytes per period */
  keyForPeriod?: (periodStartMs: number) => Buffer
}

export interface MacDigest {
  /** hex HMAC-SHA256 of the normalized MAC under the period's key */
  digest: string
  /** start of the counting period, epoch ms */
  periodStartMs: number
  /** locally administered (randomized) MAC: counted apart by the reports */
  randomized: boolean
}

export interface MacHasher {
  /** digests one MAC seen at timeMs; throws on something that is not a MAC (without echoing it) */
  hash(mac: string, timeMs: number): MacDigest
  /** the period a time falls in, epoch ms */
  periodStart(timeMs: number): number
}

const DAY_MS = 86_400_000

export function createMacHasher(config: MacHasherConfig = {}): MacHasher {
  const periodMs = config.period === undefined || config.period === 'day' ? DAY_MS : config.period
  if (!(periodMs > 0)) throw new RangeError(`mac hasher period must be > 0 ms, got ${periodMs}`)
  const keyFor = config.keyForPeriod ?? (() => randomBytes(32))
  // Only the current period's key is held; an older period's key is forgotten as soon as a
  // newer period is seen (late readings of an old period get that newer key's digest).
  let current: { start: number; key: Buffer } | undefined

  const periodStart = (t: number) => Math.floor(t / periodMs) * periodMs

  return {
    periodStart,
    hash(mac, timeMs) {
      const norm = normalizeMac(mac)
      const start = periodStart(timeMs)
      if (!current || start > current.start) {
        current?.key.fill(0)
        current = { start, key: keyFor(start) }
      }
      const digest = createHmac('sha256', current.key).update(norm).digest('hex')
      // The locally administered bit is bit 1 of the first octet.
      const randomized = (parseInt(norm.slice(0, 2), 16) & 0x02) !== 0
      return { digest, periodStartMs: current.start, randomized }
    },
  }
}

/** 'AA:BB:CC:DD:EE:FF', 'aabb.ccdd.eeff', 'aa-bb-..' -> 'aabbccddeeff'. */
function normalizeMac(mac: string): string {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '')
  // Never put the input into the message: it may be a MAC in an odd format.
  if (hex.length !== 12) throw new TypeError(`not a MAC address (${hex.length} hex digits, expected 12)`)
  return hex
}
