/**
 * Station MACs are personal data: the collector turns each one at once into HMAC-SHA256
 * digests keyed by secrets that live only in memory, one per counting period:
 *
 * - the day key: one per local day of the city (core/calendar.ts, the inventory's time
 *   zone; America/New_York for Hartford), so within a local day one client is one digest on
 *   every AP and in every neighborhood, and daily unique counts merge exactly;
 * - the period key: one per local month or quarter (`uniquePeriod`, default quarter), a
 *   second digest of the same station used only for period-unique counts.
 *
 * A key is 32 random bytes, made when its period is first seen and zeroed and dropped when
 * the period closes (its end plus `graceMs`, so a poll that started just before midnight
 * still gets its day's key); a closed period's key is never made again: a late reading of it
 * is refused, not given a second key. Across periods digests cannot be linked, and once a
 * key is gone nobody, not even us, can reverse or re-link them. Each key carries a random
 * 32-bit id, unrelated to the key, that the collector stores with every station read
 * (metric station_key) so unique counts can see a key change within a period (a restart,
 * or two collectors) instead of counting a client twice.
 *
 * With `keyDir` a key is also kept on disk while its period is open (a file only the
 * collector's user can read, in a directory only it can enter), so a collector restarted
 * within a period reads stations under the same key and id: the day's (and the quarter's)
 * unique counts go on instead of ending at the restart. When the period closes the file is
 * overwritten with zeros and removed, as the memory is; a key file left by a collector that
 * was down when its period closed is removed the same way at the next close(). Without
 * `keyDir`, keys are in memory only and a restart starts new ones.
 *
 * The raw MAC is never kept, logged, spooled or stored: only the digests leave here, and an
 * input that is not a MAC is refused without being echoed.
 */
import { createHmac, randomBytes } from 'node:crypto'
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeSync } from 'node:fs'
import { join } from 'node:path'
import { isLocalDate, localDate, nextDate, periodOf, quarterDates, startOfLocalDate, type LocalDate } from '../core/calendar.ts'

/** The longer counting period: period-unique counts are kept for it alone. */
export type UniquePeriod = 'month' | 'quarter'
export type KeyScope = 'day' | UniquePeriod

export interface MacHasherConfig {
  /** IANA time zone of the city whose local days are counted (inventory.city.timezone; default 'UTC') */
  timezone?: string
  /** the period-unique key's period (default 'quarter') */
  uniquePeriod?: UniquePeriod
  /** how long after its period ends a key still serves late readings of it, ms (default 120 000) */
  graceMs?: number
  /** for tests only: a fixed key source; production keys are 32 random bytes per period */
  keyFor?: (scope: KeyScope, period: string) => Buffer
  /** where open periods' keys are kept across restarts (mode 0700, files 0600); default: memory only */
  keyDir?: string
}

const KEY_FILE = /^(day|month|quarter)-(\d{4}-\d{2}-\d{2}|\d{4}-\d{2}|\d{4}Q[1-4])\.key$/
/** a key file: 4 bytes of id, then the key */
const keyFileName = (scope: KeyScope, period: string) => `${scope}-${period}.key`

/** Overwrites a key file with zeros, flushes, removes it. */
function shred(path: string) {
  try {
    const size = statSync(path).size
    const fd = openSync(path, 'r+')
    try {
      writeSync(fd, Buffer.alloc(size), 0, size, 0)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
    }
  } catch {
    // gone already, or unreadable: removing it is what matters
  }
  rmSync(path, { force: true })
}

export interface MacDigest {
  /** hex HMAC-SHA256 of the normalized MAC under the local day's key */
  digest: string
  /** the local day (YYYY-MM-DD) */
  day: LocalDate
  /** start of the local day, epoch ms */
  periodStartMs: number
  /** hex HMAC-SHA256 under the month's or quarter's key: for period-unique counts only */
  periodDigest: string
  periodScope: UniquePeriod
  /** '2026-12' or '2026Q4' */
  period: string
  /** locally administered (randomized) MAC: counted apart by the reports */
  randomized: boolean
}

export interface KeyIds {
  day: LocalDate
  /** id of the day key (random, unrelated to the key) */
  dayKeyId: number
  periodScope: UniquePeriod
  period: string
  periodKeyId: number
}

/** Thrown when a reading belongs to a period whose key is already destroyed. */
export class PeriodClosedError extends Error {
  constructor(what: string) {
    super(`the digest key of ${what} is destroyed: a reading this late is not counted`)
    this.name = 'PeriodClosedError'
  }
}

export interface MacHasher {
  readonly timezone: string
  readonly uniquePeriod: UniquePeriod
  /** digests one MAC seen at timeMs; throws on something that is not a MAC (without echoing it) or PeriodClosedError */
  hash(mac: string, timeMs: number): MacDigest
  /** the ids of the keys that serve timeMs (making them if needed); PeriodClosedError when closed */
  keyIds(timeMs: number): KeyIds
  /** start of the local day timeMs falls in, epoch ms */
  periodStart(timeMs: number): number
  /** zeroes and drops every key whose period ended before nowMs - graceMs */
  close(nowMs: number): void
  /** the periods whose keys are held, e.g. ['day 2026-12-01', 'quarter 2026Q4'] (for the sightings de-duplication and tests) */
  openPeriods(): string[]
}

interface Key {
  period: string
  startMs: number
  endMs: number
  key: Buffer
  id: number
}

export function createMacHasher(config: MacHasherConfig = {}): MacHasher {
  const tz = config.timezone || 'UTC'
  // fails here, once, on a time zone Intl does not know
  localDate(0, tz)
  const uniquePeriod: UniquePeriod = config.uniquePeriod ?? 'quarter'
  if (uniquePeriod !== 'month' && uniquePeriod !== 'quarter') throw new RangeError(`uniquePeriod must be 'month' or 'quarter', got '${String(uniquePeriod)}'`)
  const graceMs = config.graceMs ?? 120_000
  if (!(graceMs >= 0)) throw new RangeError(`graceMs must be >= 0, got ${graceMs}`)
  const keyFor = config.keyFor ?? (() => randomBytes(32))

  const keyDir = config.keyDir
  if (keyDir) {
    mkdirSync(keyDir, { recursive: true, mode: 0o700 })
    chmodSync(keyDir, 0o700)
  }

  /** The key of a period from keyDir, or a new one (written there first, atomically, 0600). */
  function keyOf(scope: KeyScope, period: string): { key: Buffer; id: number } {
    if (!keyDir) return { key: keyFor(scope, period), id: randomBytes(4).readUInt32BE(0) }
    const path = join(keyDir, keyFileName(scope, period))
    try {
      const raw = readFileSync(path)
      if (raw.length >= 4 + 16) return { id: raw.readUInt32BE(0), key: Buffer.from(raw.subarray(4)) }
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw new Error(`cannot read the digest key file ${path}: ${(err as Error).message}`)
    }
    const made = { key: keyFor(scope, period), id: randomBytes(4).readUInt32BE(0) }
    const buf = Buffer.alloc(4 + made.key.length)
    buf.writeUInt32BE(made.id, 0)
    made.key.copy(buf, 4)
    const tmp = `${path}.${process.pid}.tmp`
    const fd = openSync(tmp, 'w', 0o600)
    try {
      writeSync(fd, buf)
      fsyncSync(fd)
    } finally {
      closeSync(fd)
      buf.fill(0)
    }
    renameSync(tmp, path)
    return made
  }

  const held: Record<KeyScope, Key[]> = { day: [], month: [], quarter: [] }
  /** per scope: every period ending at or before this has had its key destroyed */
  const closedUntil: Record<KeyScope, number> = { day: -Infinity, month: -Infinity, quarter: -Infinity }

  function bounds(scope: KeyScope, date: LocalDate): { period: string; startMs: number; endMs: number } {
    const period = periodOf(scope, date)
    let from: LocalDate
    let to: LocalDate
    if (scope === 'day') {
      from = date
      to = nextDate(date)
    } else if (scope === 'month') {
      from = `${period}-01`
      const y = +period.slice(0, 4)
      const m = +period.slice(5, 7)
      to = m === 12 ? `${y + 1}-01-01` : `${y}-${String(m + 1).padStart(2, '0')}-01`
    } else {
      ;({ from, to } = quarterDates(period)!)
    }
    if (!isLocalDate(from) || !isLocalDate(to)) throw new RangeError(`no period of ${scope} for ${date}`)
    return { period, startMs: startOfLocalDate(from, tz), endMs: startOfLocalDate(to, tz) }
  }

  function keyAt(scope: KeyScope, t: number): Key {
    for (const k of held[scope]) if (k.startMs <= t && t < k.endMs) return k
    const b = bounds(scope, localDate(t, tz))
    if (b.endMs <= closedUntil[scope]) throw new PeriodClosedError(`${scope} ${b.period}`)
    const k: Key = { ...b, ...keyOf(scope, b.period) }
    if (k.key.length < 16) throw new RangeError('a digest key must be at least 16 bytes')
    held[scope].push(k)
    return k
  }

  function destroy(scope: KeyScope, keep: (k: Key) => boolean) {
    const still: Key[] = []
    for (const k of held[scope]) {
      if (keep(k)) still.push(k)
      else {
        k.key.fill(0)
        closedUntil[scope] = Math.max(closedUntil[scope], k.endMs)
        if (keyDir) shred(join(keyDir, keyFileName(scope, k.period)))
      }
    }
    held[scope] = still
  }

  /** Key files of periods closed while no collector held them (it was down at the close). */
  function shredClosedFiles(nowMs: number) {
    if (!keyDir) return
    let names: string[]
    try {
      names = readdirSync(keyDir)
    } catch {
      return
    }
    for (const name of names) {
      const m = KEY_FILE.exec(name)
      if (!m) continue
      const scope = m[1] as KeyScope
      const date = scope === 'day' ? m[2]! : scope === 'month' ? `${m[2]}-01` : quarterDates(m[2]!)?.from
      if (!date || !isLocalDate(date)) continue
      const b = bounds(scope, date)
      if (b.endMs + graceMs <= nowMs && !held[scope].some((k) => k.period === b.period)) {
        shred(join(keyDir, name))
        closedUntil[scope] = Math.max(closedUntil[scope], b.endMs)
      }
    }
  }

  const digestOf = (k: Key, norm: string) => createHmac('sha256', k.key).update(norm).digest('hex')

  return {
    timezone: tz,
    uniquePeriod,
    hash(mac, timeMs) {
      const norm = normalizeMac(mac)
      const day = keyAt('day', timeMs)
      const long = keyAt(uniquePeriod, timeMs)
      // The locally administered bit is bit 1 of the first octet.
      const randomized = (parseInt(norm.slice(0, 2), 16) & 0x02) !== 0
      return {
        digest: digestOf(day, norm),
        day: day.period,
        periodStartMs: day.startMs,
        periodDigest: digestOf(long, norm),
        periodScope: uniquePeriod,
        period: long.period,
        randomized,
      }
    },
    keyIds(timeMs) {
      const day = keyAt('day', timeMs)
      const long = keyAt(uniquePeriod, timeMs)
      return { day: day.period, dayKeyId: day.id, periodScope: uniquePeriod, period: long.period, periodKeyId: long.id }
    },
    periodStart: (timeMs) => {
      for (const k of held.day) if (k.startMs <= timeMs && timeMs < k.endMs) return k.startMs
      return startOfLocalDate(localDate(timeMs, tz), tz)
    },
    close(nowMs) {
      for (const scope of ['day', 'month', 'quarter'] as const) destroy(scope, (k) => k.endMs + graceMs > nowMs)
      shredClosedFiles(nowMs)
    },
    openPeriods: () => (['day', 'month', 'quarter'] as const).flatMap((s) => held[s].map((k) => `${s} ${k.period}`)),
  }
}

/** 'AA:BB:CC:DD:EE:FF', 'aabb.ccdd.eeff', 'aa-bb-..' -> 'aabbccddeeff'. */
function normalizeMac(mac: string): string {
  const hex = mac.toLowerCase().replace(/[^0-9a-f]/g, '')
  // Never put the input into the message: it may be a MAC in an odd format.
  if (hex.length !== 12) throw new TypeError(`not a MAC address (${hex.length} hex digits, expected 12)`)
  return hex
}
