import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createHmac } from 'node:crypto'
import { createMacHasher } from '../../collector/privacy.ts'

const DAY = 86_400_000
const t0 = Date.UTC(2026, 10, 24, 10, 0, 0)

test('the same MAC in any notation gives the same digest within a UTC day, and the digest is HMAC-SHA256 of the normalized MAC', () => {
  const key = Buffer.alloc(32, 7)
  const h = createMacHasher({ period: 'day', keyForPeriod: () => key })
  const a = h.hash('AA:BB:CC:00:11:22', t0)
  const b = h.hash('aabb.cc00.1122', t0 + 3_600_000)
  assert.is(a.digest, b.digest)
  assert.is(a.digest, createHmac('sha256', key).update('aabbcc001122').digest('hex'))
  assert.is(a.periodStartMs, Date.UTC(2026, 10, 24))
  assert.not.match(a.digest, /aabbcc/)
})

test('the key rotates at the UTC day boundary so digests of two days cannot be linked', () => {
  const h = createMacHasher()
  const day1 = h.hash('00:11:22:33:44:55', t0)
  const day2 = h.hash('00:11:22:33:44:55', t0 + DAY)
  assert.is.not(day1.digest, day2.digest)
  assert.is(day2.periodStartMs - day1.periodStartMs, DAY)
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

test.run()
