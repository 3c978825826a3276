/**
 * readingToSamples on a controller's per-AP counters (CISCO-LWAPP-AP-MIB cLApEthernetIfTable):
 * they replace the station sums when served, a Counter32 wrap is told from a reset by the AP's
 * cLLwappUpTime, and without that uptime a decrease is a reset, never a wrap or a negative delta.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCounterTracker } from '../../collector/counters.ts'
import { createMacHasher } from '../../collector/privacy.ts'
import { readingToSamples, type ReadingInput } from '../../collector/samples.ts'

const T = Date.UTC(2026, 10, 24, 15)
const MIN = 60_000
const aps = new Map([['AP-NORTH-1', { device: 'ap-n1', neighborhood: 'north' }]])
const C32 = 2n ** 32n

function poller() {
  const ctx = { device: 'wlc-1', neighborhood: '', counters: createCounterTracker(), macHasher: createMacHasher(), aps }
  return (i: number, ap: NonNullable<ReadingInput['aps']>[number], stations: ReadingInput['stations'] = []) => {
    const r = readingToSamples({ clients: { total: 0, breakdown: [] }, optics: [], interfaces: [], sysUpTimeTicks: 100_000 + i * 6000, stations, aps: [ap] }, { ...ctx, timeMs: T + i * MIN })
    return r.samples.filter((x) => x.metric === 'wifi_bytes').map((x) => `${x.device} ${x.neighborhood} ${x.value}`)
  }
}
const own = (rx: bigint, tx: bigint, resetUptimeTicks: number | null) => ({ name: 'AP-NORTH-1', up: true, clients: 1, octets: [{ slot: '0', inOctets: rx, outOctets: tx }], counter32: true, resetUptimeTicks })
const sta = (bytes: number) => [{ mac: 'aa:bb:cc:00:00:01', ap: 'AP-NORTH-1', bytes: BigInt(bytes) }]

test('the AP\'s own counters give its wifi_bytes, not the station sums, when the controller serves them', () => {
  const p = poller()
  assert.equal(p(0, own(1000n, 500n, 6000), sta(10)), [])
  assert.equal(p(1, own(4000n, 900n, 12000), sta(20)), ['ap-n1 north 3400'])
})

test('a Counter32 that wraps while cLLwappUpTime moves on is a wrap; cLLwappUpTime going back is a reset (no delta)', () => {
  const p = poller()
  p(0, own(C32 - 100n, 50n, 6000))
  assert.equal(p(1, own(900n, 150n, 12000)), ['ap-n1 north 1100'])
  assert.equal(p(2, own(300n, 20n, 3000)), [], 'the AP re-joined: its counters restarted')
  assert.equal(p(3, own(1300n, 70n, 9000)), ['ap-n1 north 1050'])
})

test('without cLLwappUpTime a decrease is taken as a reset: no delta, never a negative or wrapped one', () => {
  const p = poller()
  p(0, own(50_000n, 5_000n, null))
  assert.equal(p(1, own(60_000n, 6_000n, null)), ['ap-n1 north 11000'])
  assert.equal(p(2, own(700n, 100n, null)), [])
  assert.equal(p(3, own(1700n, 300n, null)), ['ap-n1 north 1200'])
})

test('a controller without per-AP counters keeps the station sums', () => {
  const p = poller()
  const ap = { name: 'AP-NORTH-1', up: true, clients: 1 }
  p(0, ap, sta(100))
  assert.equal(p(1, ap, sta(350)), ['ap-n1 north 250'])
})

test.run()
