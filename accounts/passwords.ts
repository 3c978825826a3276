/**
 * Staff passwords: scrypt from node:crypto, stored as a PHC-style string that carries its
 * own parameters and salt (`$scrypt$ln=16,r=8,p=1$<salt>$<hash>`, unpadded base64), so the
 * cost can be raised later and old hashes still verify (`needsRehash` says when to re-hash
 * at the next sign-in). Verification compares in constant time.
 *
 * Cost, measured on this project's 2-core machine with a test suite running beside it
 * (test/accounts/passwords.test.ts prints it on each run): N=2^15 155-270 ms, N=2^16
 * 240-360 ms, N=2^17 515-715 ms per hash. The default is N=2^16 (64 MiB), r=8, p=1: twice
 * the 2^15 floor, a quarter second a sign-in, and at most 4 at once on libuv's pool (256 MiB).
 *
 * The policy (`checkPasswordPolicy`): 12 to 256 characters (Unicode code points after NFKC,
 * the form that is hashed), not one of the 10,000 most common passwords
 * (accounts/data/common-passwords.txt, compared without case), not the username or e-mail.
 * Its messages say what is wrong and never repeat the password.
 */
import { randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { readFileSync } from 'node:fs'

/** scrypt's cost parameters; `logN` is log2 of N. */
export interface ScryptParams {
  logN: number
  r: number
  p: number
}

/** The cost new hashes get (see the measurements above). */
export const DEFAULT_SCRYPT: Readonly<ScryptParams> = Object.freeze({ logN: 16, r: 8, p: 1 })

/** Fewer than this is refused when hashing: the brief's floor (32 MiB at r=8). */
const MIN_LOG_N = 15
/** Tests may go as low as this to stay fast; never a deployment's setting. */
const TEST_MIN_LOG_N = 10
const SALT_BYTES = 16
const KEY_BYTES = 32

export const PASSWORD_MIN_LENGTH = 12
export const PASSWORD_MAX_LENGTH = 256

function scrypt(password: string, salt: Buffer, keyLen: number, options: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => scryptCb(password, salt, keyLen, options, (err, key) => (err ? reject(err) : resolve(key))))
}

/** scrypt needs 128·N·r bytes; maxmem is twice that so Node's own bookkeeping fits. */
function options({ logN, r, p }: ScryptParams): ScryptOptions {
  const N = 2 ** logN
  return { N, r, p, maxmem: 2 * 128 * N * r }
}

/** The form that is measured and hashed: NFKC, so the same password typed on two keyboards is one. */
function normalize(password: string): string {
  return password.normalize('NFKC')
}

function checkParams(params: ScryptParams, allowTestCost: boolean): void {
  const floor = allowTestCost ? TEST_MIN_LOG_N : MIN_LOG_N
  if (!Number.isInteger(params.logN) || params.logN < floor || params.logN > 22) throw new RangeError(`scrypt logN must be an integer from ${floor} to 22 (got ${params.logN})`)
  if (!Number.isInteger(params.r) || params.r < 8 || params.r > 32) throw new RangeError(`scrypt r must be an integer from 8 to 32 (got ${params.r})`)
  if (!Number.isInteger(params.p) || params.p < 1 || params.p > 16) throw new RangeError(`scrypt p must be an integer from 1 to 16 (got ${params.p})`)
}

/**
 * Hashes a password with a fresh 16-byte salt. `allowTestCost` admits logN below 15, for
 * tests only. The caller checks the policy first (`checkPasswordPolicy`).
 */
export async function hashPassword(password: string, params: ScryptParams = DEFAULT_SCRYPT, allowTestCost = false): Promise<string> {
  checkParams(params, allowTestCost)
  const salt = randomBytes(SALT_BYTES)
  const key = await scrypt(normalize(password), salt, KEY_BYTES, options(params))
  return encodeHash(params, salt, key)
}

function encodeHash(params: ScryptParams, salt: Buffer, key: Buffer): string {
  const b64 = (b: Buffer) => b.toString('base64').replace(/=+$/, '')
  return `$scrypt$ln=${params.logN},r=${params.r},p=${params.p}$${b64(salt)}$${b64(key)}`
}

/**
 * A well-formed hash at `params` that no password matches (random bytes where the key goes):
 * for an account that signs in only through the identity provider.
 */
export function unusablePasswordHash(params: ScryptParams = DEFAULT_SCRYPT): string {
  return encodeHash(params, randomBytes(SALT_BYTES), randomBytes(KEY_BYTES))
}

interface Decoded {
  params: ScryptParams
  salt: Buffer
  key: Buffer
}

const ENCODED = /^\$scrypt\$ln=(\d{1,2}),r=(\d{1,2}),p=(\d{1,2})\$([A-Za-z0-9+/]{16,88})\$([A-Za-z0-9+/]{16,88})$/

/** Reads a stored hash; throws when it is not one this module wrote (a corrupted row). */
export function decodeHash(encoded: string): Decoded {
  const m = ENCODED.exec(encoded)
  if (!m) throw new Error('stored password hash is malformed (expected $scrypt$ln=..,r=..,p=..$salt$hash)')
  const params = { logN: Number(m[1]), r: Number(m[2]), p: Number(m[3]) }
  checkParams(params, true)
  return { params, salt: Buffer.from(m[4]!, 'base64'), key: Buffer.from(m[5]!, 'base64') }
}

/** True when `password` is the one `encoded` was made from; compares in constant time. */
export async function verifyPassword(password: string, encoded: string): Promise<boolean> {
  const { params, salt, key } = decodeHash(encoded)
  const candidate = await scrypt(normalize(password), salt, key.length, options(params))
  return timingSafeEqual(candidate, key)
}

/** True when a stored hash is cheaper than `params`: hash the password again after a good sign-in. */
export function needsRehash(encoded: string, params: ScryptParams = DEFAULT_SCRYPT): boolean {
  const have = decodeHash(encoded).params
  return have.logN < params.logN || have.r < params.r || have.p < params.p
}

/** Why a password was refused; each message names the rule, never the password. */
export type PasswordProblem = 'too-short' | 'too-long' | 'common' | 'same-as-username' | 'same-as-current'

export class PasswordPolicyError extends Error {
  constructor(readonly problem: PasswordProblem, message: string) {
    super(message)
    this.name = 'PasswordPolicyError'
  }
}

let common: Set<string> | undefined

/** The common-password list, read once from accounts/data (never from the network). */
export function commonPasswords(): ReadonlySet<string> {
  common ??= new Set(
    readFileSync(new URL('./data/common-passwords.txt', import.meta.url), 'utf8')
      .split('\n')
      .filter((line) => line.length > 0)
      .map((line) => normalize(line).toLowerCase()),
  )
  return common
}

/**
 * Throws a PasswordPolicyError when `password` breaks the policy; `names` are the account's
 * username and e-mail (either may be absent).
 */
export function checkPasswordPolicy(password: string, names: { username?: string; email?: string }): void {
  const form = normalize(password)
  const length = [...form].length
  if (length < PASSWORD_MIN_LENGTH) throw new PasswordPolicyError('too-short', `password must be at least ${PASSWORD_MIN_LENGTH} characters (it has ${length})`)
  if (length > PASSWORD_MAX_LENGTH) throw new PasswordPolicyError('too-long', `password must be at most ${PASSWORD_MAX_LENGTH} characters (it has ${length})`)
  const folded = form.toLowerCase()
  if (commonPasswords().has(folded)) throw new PasswordPolicyError('common', 'password is one of the 10,000 most common passwords: choose another')
  for (const [what, name] of [['username', names.username], ['e-mail address', names.email]] as const) {
    if (name && normalize(name).toLowerCase() === folded) throw new PasswordPolicyError('same-as-username', `password must not be the account's ${what}`)
  }
}
