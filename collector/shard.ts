/**
 * Stable hashing of device ids: which shard polls a device (`--shard i/n`, as
 * Prometheus's hashmod does) and at which offset within the interval it is polled. FNV-1a
 * 32-bit over the id's UTF-8 bytes: the same on every machine and every run, with no
 * coordinator, and adding a device moves no other device.
 */

export function fnv1a32(text: string): number {
  let h = 0x811c9dc5
  for (const byte of Buffer.from(text, 'utf8')) {
    h ^= byte
    h = Math.imul(h, 0x01000193) >>> 0
  }
  return h >>> 0
}

export interface Shard {
  /** 0-based index of this collector: it polls the devices whose hash mod count is index */
  index: number
  /** number of collectors */
  count: number
}

/** Parses "i/n": shard i of n, 0-based as hashmod counts (0/3, 1/3, 2/3 cover a city). */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim())
  if (!m) throw new RangeError(`--shard must look like i/n (e.g. 1/4), got '${text}'`)
  const i = Number(m[1])
  const n = Number(m[2])
  if (n < 1 || i >= n) throw new RangeError(`--shard i/n needs 0 <= i < n, got '${text}'`)
  return { index: i, count: n }
}

export function inShard(deviceId: string, shard: Shard | undefined): boolean {
  if (!shard || shard.count <= 1) return true
  return fnv1a32(deviceId) % shard.count === shard.index
}

/** The device's stable poll offset within the interval, ms. Seeded apart from the shard hash. */
export function pollOffsetMs(deviceId: string, intervalMs: number): number {
  return fnv1a32('offset:' + deviceId) % intervalMs
}
