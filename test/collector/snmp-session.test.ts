/**
 * The SNMP session layer over real UDP on loopback: GETNEXT fallback against agents that
 * mishandle GETBULK (a proxy in front of Debian snmpd), timeouts against a silent port,
 * malformed answers, unknown hosts, and value conversion.
 */
import { createSocket, type Socket } from 'node:dgram'
import { lookup as dnsLookup } from 'node:dns'
import { isIP } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { DeviceUnreachableError, PollTimeoutError, SnmpProtocolError } from '../../collector/errors.ts'
import { probeDevice } from '../../collector/probe.ts'
import { counter64ToBigInt, normalizeVarbind, openSession, type SnmpTarget, type SnmpVarbind } from '../../collector/snmp/session.ts'
import { startBulkProxy, type ProxyMode } from '../support/bulk-proxy.ts'
import { startSnmpd, type RunningSnmpd } from '../support/snmpd.ts'

const SYS_OR_TABLE = '1.3.6.1.2.1.1.9' // SNMPv2-MIB::sysORTable: static, ~30 rows on Debian snmpd
const IF_NAME = '1.3.6.1.2.1.31.1.1.1.1' // IF-MIB::ifName

const plain = (vbs: SnmpVarbind[]) => vbs.map((v) => `${v.oid}=${Buffer.isBuffer(v.value) ? v.value.toString('hex') : String(v.value)}`)

const fallback = suite<{ agent: RunningSnmpd | null; direct: string[] }>('GETNEXT fallback for agents that mishandle GETBULK', { agent: null, direct: [] })

fallback.before(async (ctx) => {
  ctx.agent = await startSnmpd()
  const s = openSession({ host: '127.0.0.1', port: ctx.agent.port, credential: { version: 'v2c', community: ctx.agent.community }, maxRepetitions: 5 })
  try {
    ctx.direct = plain([...(await s.walk(SYS_OR_TABLE)), ...(await s.walk(IF_NAME))])
  } finally {
    s.close()
  }
})
fallback.after(async (ctx) => {
  await ctx.agent?.stop()
})

fallback('the direct walk of snmpd has more rows than one GETBULK answer', ({ direct }) => {
  assert.ok(direct.length > 10, `${direct.length} rows`)
})

const cases: Array<[ProxyMode, string, boolean]> = [
  ['genErr', 'an agent that answers GETBULK with genErr is walked completely by GETNEXT', true],
  ['echo', 'an agent that answers GETBULK with the asked OID (non-increasing) is walked completely by GETNEXT', true],
  ['silent', 'an agent that drops GETBULK but answered a GET is walked completely by GETNEXT', true],
  ['oneVarbind', 'an agent that returns one varbind per GETBULK is walked completely without falling back', false],
]
for (const [mode, title, expectFallback] of cases) {
  fallback(title, async ({ agent, direct }) => {
    const proxy = await startBulkProxy(agent!.port, mode)
    const s = openSession({ host: '127.0.0.1', port: proxy.port, credential: { version: 'v2c', community: agent!.community }, maxRepetitions: 5, timeoutMs: 300, retries: 0 })
    try {
      await s.get(['1.3.6.1.2.1.1.5.0']) // sysName: the device is known to answer
      const walked = plain([...(await s.walk(SYS_OR_TABLE)), ...(await s.walk(IF_NAME))])
      assert.equal(walked, direct)
      assert.is(s.bulkDisabled, expectFallback)
      assert.is(s.stats.bulkFallbacks, expectFallback ? 1 : 0)
      // after a fallback the session stops trying GETBULK: the second walk sent none
      assert.is(proxy.bulkRequests, expectFallback ? 1 : walked.length + 2)
    } finally {
      s.close()
      await proxy.stop()
    }
  })
}

fallback('an agent that answers tooBig gets smaller GETBULKs and is walked completely without falling back', async ({ agent, direct }) => {
  const proxy = await startBulkProxy(agent!.port, 'tooBig')
  const s = openSession({ host: '127.0.0.1', port: proxy.port, credential: { version: 'v2c', community: agent!.community }, maxRepetitions: 10, timeoutMs: 300, retries: 0 })
  try {
    const walked = plain([...(await s.walk(SYS_OR_TABLE)), ...(await s.walk(IF_NAME))])
    assert.equal(walked, direct)
    assert.is(s.bulkDisabled, false)
  } finally {
    s.close()
    await proxy.stop()
  }
})

fallback('probeDevice through a genErr agent reads the same interfaces as directly', async ({ agent }) => {
  const proxy = await startBulkProxy(agent!.port, 'genErr')
  try {
    const cred = { version: 'v2c' as const, community: agent!.community }
    const viaProxy = await probeDevice({ host: '127.0.0.1', port: proxy.port, credential: cred })
    const direct = await probeDevice({ host: '127.0.0.1', port: agent!.port, credential: cred })
    assert.is(viaProxy.bulkFallback, true)
    assert.is(direct.bulkFallback, false)
    assert.equal(viaProxy.interfaces.map((i) => [i.ifIndex, i.name, i.operStatus]), direct.interfaces.map((i) => [i.ifIndex, i.name, i.operStatus]))
  } finally {
    await proxy.stop()
  }
})

fallback('an agent that answers with bytes that are not SNMP gives SnmpProtocolError at once, not a crash or a timeout', async ({ agent }) => {
  const proxy = await startBulkProxy(agent!.port, 'garbage')
  const s = openSession({ host: '127.0.0.1', port: proxy.port, credential: { version: 'v2c', community: agent!.community }, timeoutMs: 2000, retries: 0 })
  const started = Date.now()
  try {
    await s.get(['1.3.6.1.2.1.1.5.0'])
    assert.unreachable('get should fail')
  } catch (err) {
    assert.instance(err, SnmpProtocolError)
    assert.match((err as Error).message, /malformed answer/)
    assert.ok(Date.now() - started < 1000)
  } finally {
    s.close()
    await proxy.stop()
  }
})

fallback.run()

// ------------------------------------------------------------------ timeouts
const timeouts = suite<{ silent: Socket | null; port: number }>('timeouts against a silent UDP port', { silent: null, port: 0 })

timeouts.before(async (ctx) => {
  const s = createSocket('udp4')
  s.on('message', () => {}) // listens, never answers
  await new Promise<void>((r) => s.bind(0, '127.0.0.1', () => r()))
  ctx.silent = s
  ctx.port = s.address().port
})
timeouts.after(async (ctx) => {
  await new Promise<void>((r) => ctx.silent!.close(() => r()))
})

for (const [timeoutMs, retries] of [
  [200, 0],
  [150, 2],
] as const) {
  timeouts(`a GET with timeoutMs ${timeoutMs} and ${retries} retries fails with PollTimeoutError after ${timeoutMs * (retries + 1)} ms (+ slack)`, async ({ port }) => {
    const s = openSession({ host: '127.0.0.1', port, credential: { version: 'v2c', community: 'x' }, timeoutMs, retries })
    const started = Date.now()
    try {
      await s.get(['1.3.6.1.2.1.1.5.0'])
      assert.unreachable('get should fail')
    } catch (err) {
      const elapsed = Date.now() - started
      assert.instance(err, PollTimeoutError)
      assert.is((err as PollTimeoutError).retriable, true)
      assert.is((err as PollTimeoutError).tries, retries + 1)
      assert.ok(elapsed >= timeoutMs * (retries + 1) - 20, `failed too early: ${elapsed} ms`)
      assert.ok(elapsed <= timeoutMs * (retries + 1) + 300, `failed too late: ${elapsed} ms`)
    } finally {
      s.close()
    }
  })
}

timeouts('probeDevice of a silent device fails with PollTimeoutError within timeoutMs*(retries+1) + slack', async ({ port }) => {
  const started = Date.now()
  try {
    await probeDevice({ host: '127.0.0.1', port, credential: { version: 'v2c', community: 'x' }, timeoutMs: 250, retries: 1 })
    assert.unreachable('probe should fail')
  } catch (err) {
    assert.instance(err, PollTimeoutError)
    assert.match((err as Error).message, /^no answer from 127\.0\.0\.1:\d+ within 250 ms on 2 tries/)
    assert.ok(Date.now() - started <= 500 + 300)
  }
})

timeouts('a host name that does not resolve gives DeviceUnreachableError naming the host', async () => {
  // a resolver of our own: the test must send nothing off the loopback
  // (dgram also resolves the address it binds to, 0.0.0.0: literals pass through)
  const lookup: NonNullable<SnmpTarget['lookup']> = (hostname, options, cb) => {
    if (isIP(hostname)) return dnsLookup(hostname, options, cb)
    const e = Object.assign(new Error(`getaddrinfo ENOTFOUND ${hostname}`), { code: 'ENOTFOUND' })
    process.nextTick(() => cb(e, '', 4))
  }
  try {
    await probeDevice({ host: 'ap-17.civicnet.invalid', port: 161, credential: { version: 'v2c', community: 'x' }, timeoutMs: 500, retries: 0, lookup })
    assert.unreachable('probe should fail')
  } catch (err) {
    assert.instance(err, DeviceUnreachableError)
    assert.is((err as Error).message, "cannot reach ap-17.civicnet.invalid:161: no such host 'ap-17.civicnet.invalid'")
    assert.is((err as DeviceUnreachableError).retriable, true)
    assert.ok((err as Error).cause, 'wraps the original error')
  }
})

timeouts.run()

// ------------------------------------------------------------------ values
const values = suite('value conversion')

values('Counter64 Buffers of any length become BigInt', () => {
  assert.is(counter64ToBigInt(Buffer.from([])), 0n)
  assert.is(counter64ToBigInt(Buffer.from([0x2a])), 42n)
  assert.is(counter64ToBigInt(Buffer.from('00000001', 'hex')), 1n)
  assert.is(counter64ToBigInt(Buffer.from('00000010766ff8a6', 'hex')), 70706526374n)
  assert.is(counter64ToBigInt(Buffer.from('ffffffffffffffff', 'hex')), 18446744073709551615n)
  assert.is(counter64ToBigInt(Buffer.from('00ffffffffffffffff', 'hex')), 18446744073709551615n)
})

values('Counter32 stays a number and Counter64 a bigint', () => {
  assert.equal(normalizeVarbind({ oid: '1.3.6.1.2.1.2.2.1.10.1', type: 65, value: 4294967295 }), { oid: '1.3.6.1.2.1.2.2.1.10.1', type: 'counter32', value: 4294967295 })
  assert.equal(normalizeVarbind({ oid: '1.3.6.1.2.1.31.1.1.1.6.1', type: 70, value: Buffer.from('0100000000', 'hex') }), { oid: '1.3.6.1.2.1.31.1.1.1.6.1', type: 'counter64', value: 4294967296n })
})

values('a value whose type does not match its SNMP type is a named error, not a crash', () => {
  assert.throws(() => normalizeVarbind({ oid: '1.3.6.1.2.1.31.1.1.1.6.1', type: 70, value: 'lots' }), (e: unknown) => e instanceof SnmpProtocolError && /counter64 at 1\.3\.6\.1\.2\.1\.31\.1\.1\.1\.6\.1/.test((e as Error).message))
  assert.throws(() => normalizeVarbind({ oid: '1.3.6.1.2.1.2.2.1.8.1', type: 2, value: Buffer.from('up') }), (e: unknown) => e instanceof SnmpProtocolError)
  assert.throws(() => normalizeVarbind({ oid: '1.3.6.1.2.1.2.2.1.8.1', type: 99, value: 1 }), (e: unknown) => e instanceof SnmpProtocolError && /unknown ASN\.1 type 99/.test((e as Error).message))
})

values('bad session options are refused with the option named', () => {
  assert.throws(() => openSession({ host: '127.0.0.1', credential: { version: 'v2c', community: 'x' }, timeoutMs: 0 }), /timeoutMs must be > 0/)
  assert.throws(() => openSession({ host: '127.0.0.1', credential: { version: 'v2c', community: 'x' }, retries: -1 }), /retries must be an integer >= 0/)
  assert.throws(() => openSession({ host: '127.0.0.1', credential: { version: 'v3', v3: { user: 'u', privKey: 'p2345678' } } }), /authPriv needs an auth key|needs an auth key/)
})

values.run()
