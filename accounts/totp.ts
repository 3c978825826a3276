/**
 * The second factor: TOTP (RFC 6238: SHA-1, 30 s steps, 6 digits) over HOTP (RFC 4226),
 * base32 secrets (RFC 4648), the otpauth:// URI authenticator apps read from a QR code (an
 * SVG drawn by the `qrcode` package), and one-time recovery codes.
 *
 * A code is accepted in the current step or one step either side (clock drift), and only
 * in a step later than the last one accepted for that user, so a code seen over a shoulder
 * or replayed from a log cannot be used again (the store keeps that step: store.ts).
 *
 * Recovery codes are 16 base32 characters (80 random bits) shown once in groups of four;
 * only their SHA-256 is stored. 80 bits is beyond any offline search, so a slow hash would
 * add nothing but cost.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from 'node:crypto'
import QRCode from 'qrcode'

const BASE32 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ234567'

/** RFC 4648 base32 without padding (authenticator apps expect none in otpauth URIs). */
export function base32Encode(bytes: Uint8Array): string {
  let out = ''
  let bits = 0
  let value = 0
  for (const byte of bytes) {
    value = ((value << 8) | byte) & 0xffff
    bits += 8
    while (bits >= 5) {
      out += BASE32[(value >>> (bits - 5)) & 31]
      bits -= 5
    }
  }
  if (bits > 0) out += BASE32[(value << (5 - bits)) & 31]
  return out
}

/** RFC 4648 base32; accepts lower case, spaces and padding, as people copy secrets. */
export function base32Decode(text: string): Buffer {
  const clean = text.replace(/[\s=]/g, '').toUpperCase()
  const out: number[] = []
  let bits = 0
  let value = 0
  for (const ch of clean) {
    const v = BASE32.indexOf(ch)
    if (v < 0) throw new RangeError(`base32 text holds '${ch}', which is not in the RFC 4648 alphabet (A-Z, 2-7)`)
    value = ((value << 5) | v) & 0xffff
    bits += 5
    if (bits >= 8) {
      out.push((value >>> (bits - 8)) & 0xff)
      bits -= 8
    }
  }
  return Buffer.from(out)
}

/** The parameters every CivicNet secret uses; `digits` may be 8 for the RFC's own vectors. */
export interface TotpParams {
  stepSec: number
  digits: number
}

export const TOTP: Readonly<TotpParams> = Object.freeze({ stepSec: 30, digits: 6 })

/** RFC 4226 HOTP with HMAC-SHA-1 and dynamic truncation. */
export function hotp(secret: Uint8Array, counter: number, digits = TOTP.digits): string {
  if (!Number.isSafeInteger(counter) || counter < 0) throw new RangeError(`HOTP counter must be a non-negative integer (got ${counter})`)
  const msg = Buffer.alloc(8)
  msg.writeBigUInt64BE(BigInt(counter))
  const mac = createHmac('sha1', secret).update(msg).digest()
  const offset = mac[mac.length - 1]! & 0x0f
  const binary = mac.readUInt32BE(offset) & 0x7fffffff
  return String(binary % 10 ** digits).padStart(digits, '0')
}

/** The TOTP step (RFC 6238's T) that holds `timeMs`, from T0 = 0. */
export function totpStep(timeMs: number, stepSec = TOTP.stepSec): number {
  return Math.floor(timeMs / 1000 / stepSec)
}

/** The TOTP code at `timeMs`. */
export function totp(secret: Uint8Array, timeMs: number, params: TotpParams = TOTP): string {
  return hotp(secret, totpStep(timeMs, params.stepSec), params.digits)
}

/** A fresh 160-bit secret (RFC 4226's recommended length), base32. */
export function generateTotpSecret(): string {
  return base32Encode(randomBytes(20))
}

/**
 * The enrolment URI (Key Uri Format, as Google Authenticator and its successors read it):
 * `otpauth://totp/Issuer:account?secret=..&issuer=..&algorithm=SHA1&digits=6&period=30`.
 */
export function otpauthUri(o: { issuer: string; account: string; secret: string }): string {
  const label = `${encodeURIComponent(o.issuer)}:${encodeURIComponent(o.account)}`
  const query = new URLSearchParams({ secret: o.secret, issuer: o.issuer, algorithm: 'SHA1', digits: String(TOTP.digits), period: String(TOTP.stepSec) })
  return `otpauth://totp/${label}?${query.toString().replace(/\+/g, '%20')}`
}

/** The QR code of an otpauth URI as an SVG document (error correction M, 4-module quiet zone). */
export function qrSvg(uri: string): Promise<string> {
  return QRCode.toString(uri, { type: 'svg', errorCorrectionLevel: 'M', margin: 4 })
}

export type TotpCheck = { ok: true; step: number } | { ok: false; reason: 'malformed' | 'wrong' | 'replayed' }

/**
 * Checks a 6-digit code against the steps around `nowMs` (±`window`), refusing any step at
 * or before `lastStep` (the last accepted for the user, or null). On success the caller
 * stores the returned step as the new `lastStep`, atomically (store.ts `acceptMfaStep`).
 */
export function checkTotp(secret: Uint8Array, code: string, nowMs: number, lastStep: number | null, window = 1): TotpCheck {
  if (!/^\d{6}$/.test(code)) return { ok: false, reason: 'malformed' }
  const now = totpStep(nowMs)
  let matched: number | null = null
  // Every candidate is computed and compared, so the time taken says nothing about which matched.
  for (let step = now - window; step <= now + window; step++) {
    if (timingSafeEqual(Buffer.from(hotp(secret, step)), Buffer.from(code)) && matched === null) matched = step
  }
  if (matched === null) return { ok: false, reason: 'wrong' }
  if (lastStep !== null && matched <= lastStep) return { ok: false, reason: 'replayed' }
  return { ok: true, step: matched }
}

/** How many recovery codes an enrolment issues. */
export const RECOVERY_CODE_COUNT = 10

/** Ten fresh recovery codes, `abcd-efgh-ijkl-mnop` (16 base32 characters, 80 bits each). */
export function generateRecoveryCodes(count = RECOVERY_CODE_COUNT): string[] {
  return Array.from({ length: count }, () => base32Encode(randomBytes(10)).toLowerCase().match(/.{4}/g)!.join('-'))
}

/** True when `text` looks like a recovery code (so a sign-in form can take either kind). */
export function isRecoveryCodeShape(text: string): boolean {
  return /^[a-z2-7]{4}(-?[a-z2-7]{4}){3}$/i.test(text.trim())
}

/** What is stored for a recovery code: SHA-256 of its 16 characters, lower case, without dashes. */
export function hashRecoveryCode(code: string): string {
  return createHash('sha256').update(code.trim().toLowerCase().replace(/-/g, ''), 'utf8').digest('hex')
}
