/**
 * The snmpsimd support runner serves recordings that sit in a directory only their owner
 * can read (a clone under /root, or any mode-700 parent): run as root, snmpsimd drops to
 * nobody/nogroup, which could not read them there. A real SNMP GET must still answer the
 * recorded sysDescr byte for byte.
 */
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { openSession } from '../../collector/snmp/session.ts'
import { startSnmpsimd, type RunningSnmpsimd } from '../support/snmpsimd.ts'

const RECORDING = 'ewc'
const SYS_DESCR = '1.3.6.1.2.1.1.1.0'
const source = fileURLToPath(new URL(`../fixtures/snmprec/recordings/${RECORDING}.snmprec`, import.meta.url))

/** The value a .snmprec line records for oid, as bytes (type 4: text, 4x: hex). */
function recordedOctets(file: string, oid: string): Buffer {
  for (const line of readFileSync(file, 'utf8').split('\n')) {
    const [o, type, ...rest] = line.replace(/\r$/, '').split('|')
    if (o !== oid) continue
    const value = rest.join('|')
    if (type === '4') return Buffer.from(value, 'utf8')
    if (type === '4x') return Buffer.from(value, 'hex')
    throw new Error(`${oid} in ${file} has type ${type}, not an octet string`)
  }
  throw new Error(`${oid} is not in ${file}`)
}

// uvu swallows an error thrown in before(): keep it for the test to report
const test = suite<{ parent: string; agent: RunningSnmpsimd | null; startError: unknown }>('snmpsimd serves recordings from a private directory', {
  parent: '',
  agent: null,
  startError: null,
})

test.before(async (ctx) => {
  // parent and recordings dir both 0700: nobody can neither list nor traverse them
  ctx.parent = mkdtempSync(join(tmpdir(), 'civicnet-private-'))
  chmodSync(ctx.parent, 0o700)
  const recordings = join(ctx.parent, 'recordings')
  mkdirSync(recordings, { mode: 0o700 })
  chmodSync(recordings, 0o700)
  copyFileSync(source, join(recordings, `${RECORDING}.snmprec`))
  chmodSync(join(recordings, `${RECORDING}.snmprec`), 0o600)
  try {
    ctx.agent = await startSnmpsimd(recordings, { startTimeoutMs: 20_000 })
  } catch (err) {
    ctx.startError = err
  }
})

test.after(async (ctx) => {
  await ctx.agent?.stop()
  if (ctx.parent) rmSync(ctx.parent, { recursive: true, force: true })
})

test('a GET of sysDescr answers the recorded value exactly', async (ctx) => {
  if (ctx.startError) throw ctx.startError
  const expected = recordedOctets(source, SYS_DESCR)
  const s = openSession({ host: '127.0.0.1', port: ctx.agent!.port, credential: { version: 'v2c', community: RECORDING }, timeoutMs: 3000, retries: 1 })
  try {
    const [vb] = await s.get([SYS_DESCR])
    assert.is(vb?.type, 'octets', `type of ${SYS_DESCR}`)
    assert.ok(Buffer.isBuffer(vb?.value), 'an octet string arrives as a Buffer')
    assert.is((vb!.value as Buffer).toString('hex'), expected.toString('hex'), `sysDescr: got '${String(vb!.value)}', recorded '${expected.toString()}'`)
  } finally {
    s.close()
  }
})

test('stop() removes the copy it served and leaves the recordings it was given', async (ctx) => {
  if (ctx.startError) throw ctx.startError
  const served = ctx.agent!.servedDir
  assert.ok(existsSync(join(served, `${RECORDING}.snmprec`)), 'the copy exists while it runs')
  await ctx.agent!.stop()
  ctx.agent = null
  assert.not.ok(existsSync(served), `${served} removed`)
  assert.equal(readFileSync(join(ctx.parent, 'recordings', `${RECORDING}.snmprec`)), readFileSync(source))
})

test.run()
