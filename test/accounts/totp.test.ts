/**
 * accounts/totp.ts against the RFCs' own vectors (RFC 4226 appendix D, RFC 6238 appendix B
 * for SHA-1, RFC 4648 section 10), the ±1 step window and replay refusal, recovery codes,
 * and the enrolment QR code decoded back to its URI by jsQR from the SVG itself (rasterised
 * here from its path) and from qrcode's PNG of the same URI.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import jsQRModule from 'jsqr'
import { PNG } from 'pngjs'
import QRCode from 'qrcode'
import {
  base32Decode, base32Encode, checkTotp, generateRecoveryCodes, generateTotpSecret, hashRecoveryCode, hotp, isRecoveryCodeShape, otpauthUri, qrSvg, totp, totpStep,
} from '../../accounts/totp.ts'

// jsqr is CommonJS whose declarations say `export default`: under NodeNext the default import is module.exports.
const jsQR = jsQRModule.default
const RFC_SECRET = Buffer.from('12345678901234567890', 'ascii')

const rfc = suite('HOTP and TOTP: the RFC vectors')

rfc('RFC 4226 appendix D: counters 0 to 9', () => {
  const expected = ['755224', '287082', '359152', '969429', '338314', '254676', '287922', '162583', '399871', '520489']
  assert.equal(expected.map((_, i) => hotp(RFC_SECRET, i)), expected)
})

rfc('RFC 6238 appendix B, SHA-1, 8 digits', () => {
  const vectors: [number, string][] = [
    [59, '94287082'], [1111111109, '07081804'], [1111111111, '14050471'], [1234567890, '89005924'], [2000000000, '69279037'], [20000000000, '65353130'],
  ]
  for (const [t, code] of vectors) assert.is(totp(RFC_SECRET, t * 1000, { stepSec: 30, digits: 8 }), code, `T=${t}`)
})

rfc('RFC 6238 steps: T=59 is step 1, T=1111111109 is step 0x23523EC', () => {
  assert.is(totpStep(59_000), 1)
  assert.is(totpStep(1111111109_000), 0x23523ec)
})

rfc('six digits are the last six of the RFC codes (same truncation)', () => {
  assert.is(totp(RFC_SECRET, 59_000), '287082')
  assert.is(totp(RFC_SECRET, 1111111109_000), '081804')
})

rfc('a negative or fractional counter is refused', () => {
  assert.throws(() => hotp(RFC_SECRET, -1), /non-negative integer/)
  assert.throws(() => hotp(RFC_SECRET, 1.5), /non-negative integer/)
})

rfc.run()

const b32 = suite('base32 (RFC 4648 section 10)')

b32('encodes the RFC vectors (padding dropped)', () => {
  const vectors: [string, string][] = [['', ''], ['f', 'MY'], ['fo', 'MZXQ'], ['foo', 'MZXW6'], ['foob', 'MZXW6YQ'], ['fooba', 'MZXW6YTB'], ['foobar', 'MZXW6YTBOI']]
  for (const [plain, enc] of vectors) {
    assert.is(base32Encode(Buffer.from(plain)), enc)
    assert.is(base32Decode(enc).toString(), plain)
  }
})

b32('decodes lower case, spaces and padding as people copy them', () => {
  assert.is(base32Decode('mzxw 6ytb oi======').toString(), 'foobar')
})

b32('refuses a character outside the alphabet, naming it', () => {
  assert.throws(() => base32Decode('MZX1'), /'1', which is not in the RFC 4648 alphabet/)
})

b32('a generated secret is 32 characters: 160 bits', () => {
  const s = generateTotpSecret()
  assert.match(s, /^[A-Z2-7]{32}$/)
  assert.is(base32Decode(s).length, 20)
})

b32.run()

const check = suite('checkTotp: window and replay')
const secret = base32Decode('GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ') // RFC_SECRET in base32
const now = 1_700_000_015_000 // inside step 56666667
const step = totpStep(now)

check('the secret above is the RFC secret', () => {
  assert.equal(secret, RFC_SECRET)
  assert.is(step, 56666667)
})

check('accepts the current step and one either side, returning the step', () => {
  for (const d of [-1, 0, 1]) assert.equal(checkTotp(secret, hotp(secret, step + d), now, null), { ok: true, step: step + d })
})

check('refuses two steps away as wrong', () => {
  assert.equal(checkTotp(secret, hotp(secret, step - 2), now, null), { ok: false, reason: 'wrong' })
  assert.equal(checkTotp(secret, hotp(secret, step + 2), now, null), { ok: false, reason: 'wrong' })
})

check('refuses a step at or before the last accepted one as replayed', () => {
  assert.equal(checkTotp(secret, hotp(secret, step), now, step), { ok: false, reason: 'replayed' })
  assert.equal(checkTotp(secret, hotp(secret, step - 1), now, step), { ok: false, reason: 'replayed' })
  assert.equal(checkTotp(secret, hotp(secret, step + 1), now, step), { ok: true, step: step + 1 })
})

check('refuses anything but six digits as malformed', () => {
  for (const code of ['', '12345', '1234567', '12345a', ' 123456']) assert.equal(checkTotp(secret, code, now, null), { ok: false, reason: 'malformed' })
})

check.run()

const recovery = suite('recovery codes')

recovery('ten distinct codes of four groups of four base32 characters', () => {
  const codes = generateRecoveryCodes()
  assert.is(codes.length, 10)
  assert.is(new Set(codes).size, 10)
  for (const c of codes) {
    assert.match(c, /^[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}-[a-z2-7]{4}$/)
    assert.ok(isRecoveryCodeShape(c))
  }
})

recovery('the stored hash ignores case, dashes and surrounding space', () => {
  assert.is(hashRecoveryCode('abcd-efgh-ijkl-mnop'), hashRecoveryCode(' ABCDEFGHIJKLMNOP '))
  assert.is(hashRecoveryCode('abcd-efgh-ijkl-mnop'), 'f39dac6cbaba535e2c207cd0cd8f154974223c848f727f98b3564cea569b41cf') // sha256sum of 'abcdefghijklmnop'
  assert.not.ok(isRecoveryCodeShape('123456'))
})

recovery.run()

const uri = suite('enrolment URI and QR code')
const URI = otpauthUri({ issuer: 'CivicNet', account: 'ana.lopez', secret: 'GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ' })

uri('the otpauth URI carries issuer, account, secret and the parameters', () => {
  assert.is(URI, 'otpauth://totp/CivicNet:ana.lopez?secret=GEZDGNBVGY3TQOJQGEZDGNBVGY3TQOJQ&issuer=CivicNet&algorithm=SHA1&digits=6&period=30')
  assert.is(otpauthUri({ issuer: 'City of Hartford', account: 'a b', secret: 'AA' }), 'otpauth://totp/City%20of%20Hartford:a%20b?secret=AA&issuer=City%20of%20Hartford&algorithm=SHA1&digits=6&period=30')
})

/** Draws qrcode's SVG (one stroked path of `M x y`, `m dx dy`, `h n` moves) as RGBA pixels. */
function rasterise(svg: string, scale = 4): { data: Uint8ClampedArray; width: number; height: number } {
  const size = Number(/viewBox="0 0 (\d+) \1"/.exec(svg)![1])
  const d = /<path stroke="#000000" d="([^"]+)"/.exec(svg)![1]!
  const width = size * scale
  const data = new Uint8ClampedArray(width * width * 4).fill(255)
  let x = 0
  let y = 0
  for (const [, cmd, a, b] of d.matchAll(/([MmHh])(-?[\d.]+)(?:\s(-?[\d.]+))?/g)) {
    if (cmd === 'M') {
      x = Number(a)
      y = Number(b)
    } else if (cmd === 'm') {
      x += Number(a)
      y += Number(b)
    } else {
      const row = Math.floor(y)
      for (let col = x; col < x + Number(a); col++) {
        for (let py = row * scale; py < (row + 1) * scale; py++) {
          for (let px = col * scale; px < (col + 1) * scale; px++) data.fill(0, (py * width + px) * 4, (py * width + px) * 4 + 3)
        }
      }
      x += Number(a)
    }
  }
  return { data, width, height: width }
}

uri('the SVG is one well-formed svg element that jsQR decodes back to the URI', async () => {
  const svg = await qrSvg(URI)
  assert.match(svg, /^<svg xmlns="http:\/\/www\.w3\.org\/2000\/svg" viewBox="0 0 (\d+) \1" shape-rendering="crispEdges">.*<\/svg>\n?$/s)
  const img = rasterise(svg)
  const decoded = jsQR(img.data, img.width, img.height)
  assert.ok(decoded, 'jsQR found a QR code in the SVG')
  assert.is(decoded!.data, URI)
})

uri('qrcode\'s PNG of the same URI decodes to it too (pngjs + jsQR)', async () => {
  const png = PNG.sync.read(await QRCode.toBuffer(URI, { type: 'png', errorCorrectionLevel: 'M', margin: 4, scale: 4 }))
  assert.is(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data, URI)
})

uri.run()
