import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHmac } from 'node:crypto'
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { createMacHasher, PeriodClosedError } from '../../collector/privacy.ts'

const HOUR = 3_600_000
const NY = 'America/New_York'
// 2026-11-24 10:00 in New York (EST, UTC-5)
const t0 = Date.UTC(2026, 10, 24, 15, 0, 0)

test('the same MAC in any notation gives the same digest within a local day, and the digest is HMAC-SHA256 of the normalized MAC under the day key', () => {
  const h = createMacHasher({ timezone: NY, keyFor: (scope) => Buffer.alloc(32, scope === 'day' ? 7 : 9) })
  const a = h.hash('AA:BB:CC:00:11:22', t0)
  const b = h.hash('aabb.cc00.1122', t0 + 3 * HOUR)
  assert.is(a.digest, b.digest)
  assert.is(a.digest, createHmac('sha256', Buffer.alloc(32, 7)).update('aabbcc001122').digest('hex'))
  assert.is(a.periodDigest, createHmac('sha256', Buffer.alloc(32, 9)).update('aabbcc001122').digest('hex'))
  assert.is(a.day, '2026-11-24')
  assert.is(a.periodStartMs, Date.UTC(2026, 10, 24, 5)) // local midnight, EST
  assert.is(a.periodScope, 'quarter')
  assert.is(a.period, '2026Q4')
  assert.not.match(a.digest, /aabbcc/)
})

test('the day key follows the city\'s local midnight, not UTC\'s', () => {
  const h = createMacHasher({ timezone: NY })
  // 23:30 and 00:30 UTC are 18:30 and 19:30 the same New York day: one digest
  const evening = h.hash('00:11:22:33:44:55', Date.UTC(2026, 10, 24, 23, 30))
  const later = h.hash('00:11:22:33:44:55', Date.UTC(2026, 10, 25, 0, 30))
  assert.is(evening.digest, later.digest)
  assert.is(later.day, '2026-11-24')
  // 04:59 UTC is 23:59 in New York; 05:00 UTC is the next local day: another key
  const before = h.hash('00:11:22:33:44:55', Date.UTC(2026, 10, 25, 4, 59))
  const after = h.hash('00:11:22:33:44:55', Date.UTC(2026, 10, 25, 5, 0))
  assert.is(before.digest, evening.digest)
  assert.is.not(after.digest, before.digest)
  assert.is(after.day, '2026-11-25')
  // the quarter key is the same on both days
  assert.is(after.periodDigest, before.periodDigest)
})

test('a local day of 25 hours (DST ends) is one key from local midnight to local midnight', () => {
  const h = createMacHasher({ timezone: NY })
  const start = Date.UTC(2026, 10, 1, 4) // 2026-11-01 00:00 EDT
  const a = h.hash('00:11:22:33:44:55', start)
  const b = h.hash('00:11:22:33:44:55', start + 25 * HOUR - 1)
  const c = h.hash('00:11:22:33:44:55', start + 25 * HOUR)
  assert.is(a.digest, b.digest)
  assert.is(c.day, '2026-11-02')
  assert.is.not(c.digest, a.digest)
})

test('a month period key when configured; it differs from the day key', () => {
  const h = createMacHasher({ timezone: NY, uniquePeriod: 'month' })
  const a = h.hash('00:11:22:33:44:55', t0)
  const b = h.hash('00:11:22:33:44:55', Date.UTC(2026, 10, 30, 12))
  const c = h.hash('00:11:22:33:44:55', Date.UTC(2026, 11, 1, 12))
  assert.is(a.period, '2026-11')
  assert.is(a.periodDigest, b.periodDigest)
  assert.is.not(a.digest, b.digest)
  assert.is(c.period, '2026-12')
  assert.is.not(c.periodDigest, a.periodDigest)
  assert.is.not(a.periodDigest, a.digest)
  assert.throws(() => createMacHasher({ uniquePeriod: 'year' as never }), /month' or 'quarter/)
})

test('a closed period\'s key is zeroed and never made again: a reading that late is refused', () => {
  const keys: Buffer[] = []
  const h = createMacHasher({ timezone: NY, graceMs: 120_000, keyFor: () => { const k = Buffer.alloc(32, 5); keys.push(k); return k } })
  const endOfDay = Date.UTC(2026, 10, 25, 5) // 2026-11-25 00:00 in New York
  const late = h.hash('00:11:22:33:44:55', endOfDay - 1000)
  const ids = h.keyIds(endOfDay - 1000)
  assert.equal(h.openPeriods(), ['day 2026-11-24', 'quarter 2026Q4'])
  h.hash('00:11:22:33:44:55', endOfDay + 1000) // the next day's key
  h.close(endOfDay + 60_000)
  // within the grace a poll that began before midnight still gets its day's key
  assert.is(h.hash('00:11:22:33:44:55', endOfDay - 500).digest, late.digest)
  assert.is(h.keyIds(endOfDay - 500).dayKeyId, ids.dayKeyId)
  h.close(endOfDay + 120_001)
  assert.equal(h.openPeriods(), ['day 2026-11-25', 'quarter 2026Q4'])
  assert.ok(keys[0]!.equals(Buffer.alloc(32, 0)), 'the closed day key is zeroed')
  assert.not.ok(keys[1]!.equals(Buffer.alloc(32, 0)), 'the quarter key is still open')
  assert.throws(() => h.hash('00:11:22:33:44:55', endOfDay - 500), (e: Error) => e instanceof PeriodClosedError && !/00:11|001122/.test(e.message))
  assert.throws(() => h.keyIds(endOfDay - 3 * HOUR), (e: Error) => e instanceof PeriodClosedError)
})

test('key ids are random, stable within a period and new with a new key', () => {
  const h = createMacHasher({ timezone: NY })
  const a = h.keyIds(t0)
  assert.equal(h.keyIds(t0 + HOUR), a)
  const b = h.keyIds(t0 + 24 * HOUR)
  assert.is.not(b.dayKeyId, a.dayKeyId)
  assert.is(b.periodKeyId, a.periodKeyId)
  assert.is.not(createMacHasher({ timezone: NY }).keyIds(t0).dayKeyId, a.dayKeyId)
  assert.ok(Number.isInteger(a.dayKeyId) && a.dayKeyId >= 0 && a.dayKeyId < 2 ** 32)
})

test('two hashers (two collector runs) never share a key', () => {
  assert.is.not(createMacHasher().hash('00:11:22:33:44:55', t0).digest, createMacHasher().hash('00:11:22:33:44:55', t0).digest)
})

test('a locally administered (randomized) MAC is flagged', () => {
  const h = createMacHasher()
  assert.is(h.hash('da:a1:19:00:00:01', t0).randomized, true)
  assert.is(h.hash('00:a1:19:00:00:01', t0).randomized, false)
})

test('something that is not a MAC is refused without echoing it', () => {
  const h = createMacHasher()
  try {
    h.hash('hello-world-secret', t0)
    assert.unreachable()
  } catch (err) {
    assert.is((err as Error).message, 'not a MAC address (5 hex digits, expected 12)')
  }
})

test('with a key dir, a restart within the day reads stations under the same keys and ids; files are owner-only; a closed period is shredded, on disk too', () => {
  const dir = join(mkdtempSync(join(tmpdir(), 'civicnet-keys-')), 'keys')
  try {
    const first = createMacHasher({ timezone: NY, keyDir: dir })
    const a = first.hash('AA:BB:CC:00:11:22', t0)
    const ids = first.keyIds(t0)
    assert.equal(readdirSync(dir).sort(), ['day-2026-11-24.key', 'quarter-2026Q4.key'])
    assert.is(statSync(dir).mode & 0o777, 0o700)
    for (const f of readdirSync(dir)) assert.is(statSync(join(dir, f)).mode & 0o777, 0o600, f)
    assert.not.match(readFileSync(join(dir, 'day-2026-11-24.key')).toString('hex'), /aabbcc001122/)
    // the collector restarts two hours later: a new hasher on the same dir
    const second = createMacHasher({ timezone: NY, keyDir: dir })
    const b = second.hash('aa-bb-cc-00-11-22', t0 + 2 * HOUR)
    assert.equal([b.digest, b.periodDigest], [a.digest, a.periodDigest], 'the same digests: the client is counted once over the restart')
    assert.equal(second.keyIds(t0 + 2 * HOUR), ids, 'the same key ids: the unique counts see no key change')
    // without the dir, a restart starts new keys
    assert.is.not(createMacHasher({ timezone: NY }).hash('aa:bb:cc:00:11:22', t0).digest, createMacHasher({ timezone: NY }).hash('aa:bb:cc:00:11:22', t0).digest)
    // the next day: the day key is destroyed in memory and on disk; the quarter's stays
    const nextDay = t0 + 24 * HOUR
    second.hash('aa:bb:cc:00:11:22', nextDay)
    second.close(nextDay)
    assert.equal(readdirSync(dir).sort(), ['day-2026-11-25.key', 'quarter-2026Q4.key'])
    assert.throws(() => second.hash('aa:bb:cc:00:11:22', t0), (e: unknown) => e instanceof PeriodClosedError)
    // a key file a stopped collector left for a day that has closed since: shredded at the next close
    writeFileSync(join(dir, 'day-2026-11-20.key'), Buffer.alloc(36, 1), { mode: 0o600 })
    const third = createMacHasher({ timezone: NY, keyDir: dir })
    third.close(nextDay)
    assert.equal(readdirSync(dir).sort(), ['day-2026-11-25.key', 'quarter-2026Q4.key'])
    assert.throws(() => third.hash('aa:bb:cc:00:11:22', Date.UTC(2026, 10, 20, 15)), (e: unknown) => e instanceof PeriodClosedError, 'its period is closed: never a key again')
    assert.is(third.hash('aa:bb:cc:00:11:22', nextDay).periodDigest, a.periodDigest, 'the quarter key held over both restarts')
  } finally {
    rmSync(join(dir, '..'), { recursive: true, force: true })
  }
})

test.run()
