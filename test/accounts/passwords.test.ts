/**
 * accounts/passwords.ts: the stored form, verification, re-hash, the policy and the
 * common-password list. Prints the cost of one hash at the default parameters (one run of
 * each, so the figure is indicative; the doc comment in passwords.ts has the measurements).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createHash, scryptSync } from 'node:crypto'
import { readFileSync } from 'node:fs'
import {
  checkPasswordPolicy, commonPasswords, decodeHash, DEFAULT_SCRYPT, hashPassword, needsRehash, PasswordPolicyError, verifyPassword,
} from '../../accounts/passwords.ts'

const FAST = { logN: 10, r: 8, p: 1 }

const hashing = suite('hashPassword and verifyPassword')

hashing('the default cost is N=2^16, r=8, p=1, and one hash at it is timed', async () => {
  assert.equal({ ...DEFAULT_SCRYPT }, { logN: 16, r: 8, p: 1 })
  const t0 = performance.now()
  const encoded = await hashPassword('correct horse battery staple')
  const ms = performance.now() - t0
  console.log(`  scrypt N=2^16 r=8 p=1 (64 MiB): one hash ${ms.toFixed(0)} ms on this machine now`)
  assert.match(encoded, /^\$scrypt\$ln=16,r=8,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$/)
  assert.ok(await verifyPassword('correct horse battery staple', encoded))
})

hashing('the stored hash is scrypt of the NFKC password under the stored salt (checked with scryptSync)', async () => {
  const encoded = await hashPassword('ﬁre truck ladder 12', FAST, true) // U+FB01 LATIN SMALL LIGATURE FI
  const { salt, key, params } = decodeHash(encoded)
  assert.equal(params, FAST)
  assert.equal(key, scryptSync('fire truck ladder 12', salt, 32, { N: 1024, r: 8, p: 1 }))
  assert.ok(await verifyPassword('fire truck ladder 12', encoded), 'the decomposed spelling verifies')
})

hashing('two hashes of one password differ (fresh salt) and both verify', async () => {
  const a = await hashPassword('a long enough password', FAST, true)
  const b = await hashPassword('a long enough password', FAST, true)
  assert.is.not(a, b)
  assert.ok(await verifyPassword('a long enough password', a))
  assert.ok(await verifyPassword('a long enough password', b))
})

hashing('a wrong password, a changed hash byte and a cut hash do not verify', async () => {
  const encoded = await hashPassword('a long enough password', FAST, true)
  assert.not.ok(await verifyPassword('a long enough passworD', encoded))
  // The first character of the hash part: all six of its bits are the key's (the last one's are not).
  const i = encoded.lastIndexOf('$') + 1
  const changed = encoded.slice(0, i) + (encoded[i] === 'A' ? 'g' : 'A') + encoded.slice(i + 1)
  assert.not.ok(await verifyPassword('a long enough password', changed))
  await assert.throws(() => decodeHash(encoded.slice(0, 20)), /stored password hash is malformed/)
})

hashing('refuses a cost under the 2^15 floor unless for tests', async () => {
  try {
    await hashPassword('a long enough password', FAST)
    assert.unreachable('should refuse')
  } catch (err) {
    assert.match((err as Error).message, /scrypt logN must be an integer from 15 to 22 \(got 10\)/)
  }
})

hashing('needsRehash is true only below the wanted cost', async () => {
  const cheap = await hashPassword('a long enough password', FAST, true)
  assert.ok(needsRehash(cheap))
  assert.not.ok(needsRehash(cheap, FAST))
  assert.ok(needsRehash('$scrypt$ln=16,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA$AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA', { logN: 17, r: 8, p: 1 }))
})

hashing.run()

const policy = suite('checkPasswordPolicy')

function problem(password: string, names: { username?: string; email?: string } = {}): { problem: string; message: string } | null {
  try {
    checkPasswordPolicy(password, names)
    return null
  } catch (err) {
    assert.instance(err, PasswordPolicyError)
    return { problem: (err as PasswordPolicyError).problem, message: (err as Error).message }
  }
}

policy('12 characters pass, 11 do not; the message counts them and does not echo them', () => {
  assert.is(problem('river-stone9'), null)
  assert.equal(problem('river-ston9'), { problem: 'too-short', message: 'password must be at least 12 characters (it has 11)' })
})

policy('length is counted in characters, not bytes or UTF-16 units', () => {
  assert.is(problem('😀'.repeat(12)), null)
  assert.equal(problem('😀'.repeat(11))?.problem, 'too-short')
})

policy('256 characters pass, 257 do not', () => {
  assert.is(problem('x1'.repeat(128)), null)
  assert.equal(problem('x1'.repeat(128) + 'y'), { problem: 'too-long', message: 'password must be at most 256 characters (it has 257)' })
})

policy('a password on the common list is refused without case', () => {
  for (const pw of ['qwertyqwerty', 'QwertyQwerty', '1qaz2wsx3edc', 'leavemealone']) {
    assert.equal(problem(pw), { problem: 'common', message: 'password is one of the 10,000 most common passwords: choose another' })
  }
})

policy('the username or e-mail address as password is refused', () => {
  assert.equal(problem('Maria.Gonzalez', { username: 'maria.gonzalez' }), { problem: 'same-as-username', message: "password must not be the account's username" })
  assert.equal(problem('mgonzalez@hartford.gov', { username: 'mg', email: 'MGonzalez@hartford.gov' }), { problem: 'same-as-username', message: "password must not be the account's e-mail address" })
})

policy.run()

const list = suite('the common-password list (accounts/data)')

list('holds the 10,000 lines of SecLists 10-million-password-list-top-10000.txt, unchanged', () => {
  const text = readFileSync(new URL('../../accounts/data/common-passwords.txt', import.meta.url), 'utf8')
  assert.is(text.length, 76508)
  assert.is(createHash('sha256').update(text).digest('hex'), '0279e0e7d854dc40460db18a7cf2e09fb661837dc0ae7d3b8dc6e783ba5d84b4')
  const lines = text.split('\n')
  assert.is(lines.pop(), '', 'ends with a newline')
  assert.is(lines.length, 10000)
  assert.is(lines[0], '123456')
  assert.is(lines[9999], 'brady')
})

list('the set folds case, so it has fewer entries than lines', () => {
  const set = commonPasswords()
  assert.ok(set.has('password') && set.has('trustno1'))
  assert.ok(set.size < 10000 && set.size > 9800, `size ${set.size}`)
})

list.run()
