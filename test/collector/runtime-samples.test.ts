import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createCounterTracker } from '../../collector/counters.ts'
import { createMacHasher } from '../../collector/privacy.ts'
import { failedPollSamples, pollSelfSamples, readingToSamples, type ReadingInput } from '../../collector/samples.ts'

const T = Date.UTC(2026, 10, 24, 15)
const base: ReadingInput = { clients: { total: 0, breakdown: [] }, optics: [], interfaces: [], sysUpTimeTicks: 1000 }
const ctx = () => ({ device: 'wlc-1', neighborhood: 'downtown', timeMs: T, counters: createCounterTracker(), macHasher: createMacHasher() })
const pick = (samples: { metric: string; device: string; instance: string; value: number }[]) => samples.map((s) => `${s.metric} ${s.device} ${s.instance} ${s.value}`)

test('clients, SSIDs, radios, optics and oper status become samples with the poll time and the device neighborhood', () => {
  const r = readingToSamples({
    ...base,
    clients: { total: 12, breakdown: [{ kind: 'ssid', name: 'CityFreeWiFi', value: 10 }, { kind: 'ssid', name: 'CityStaff', value: 2 }, { kind: 'radio', name: '5GHz', value: 9 }, { kind: 'ap', name: 'AP-1', value: 12 }] },
    optics: [{ port: 'Te1/1/1', rxDbm: -7.25, txDbm: null }],
    interfaces: [{ ifIndex: 1, name: 'Gi0/1', operStatus: 'lowerLayerDown', inOctets: null, outOctets: null }],
  }, ctx())
  assert.equal(pick(r.samples), [
    'device_up wlc-1  1', 'wifi_clients wlc-1  12', 'wifi_clients_ssid wlc-1 CityFreeWiFi 10', 'wifi_clients_ssid wlc-1 CityStaff 2',
    'wifi_clients_radio wlc-1 5GHz 9', 'if_oper_status wlc-1 Gi0/1 7', 'optics_rx_dbm wlc-1 Te1/1/1 -7.25',
  ])
  for (const s of r.samples) {
    assert.is(s.timeMs, T)
    assert.is(s.neighborhood, 'downtown')
  }
})

test('a controller\'s AP table is attributed to the inventory\'s lightweight APs; an AP missing from the table is down', () => {
  const aps = new Map([
    ['AP-NORTH-1', { device: 'ap-n1', neighborhood: 'north' }],
    ['AP-NORTH-2', { device: 'ap-n2', neighborhood: 'north' }],
    ['AP-NORTH-3', { device: 'ap-n3', neighborhood: 'north' }],
  ])
  const r = readingToSamples({
    ...base,
    aps: [{ name: 'AP-NORTH-1', up: true, clients: 4 }, { name: 'AP-NORTH-2', up: false, clients: null }, { name: 'AP-UNKNOWN', up: true, clients: 3 }],
  }, { ...ctx(), aps })
  // the controller's own client counts stand for all its APs' neighborhoods: stored with none
  const own = r.samples.filter((x) => x.device === 'wlc-1')
  assert.equal(own.map((x) => `${x.metric} ${x.neighborhood}`), ['device_up downtown', 'wifi_clients '])
  assert.equal(pick(r.samples).filter((x) => !x.includes('wlc-1')), [
    'device_up ap-n1  1', 'wifi_clients ap-n1  4', 'device_up ap-n2  0', 'device_up ap-n3  0',
  ])
  assert.is(r.samples.find((s) => s.device === 'ap-n1')!.neighborhood, 'north')
})

test('a standalone AP\'s wifi_bytes is the sum of its radios\' deltas, only once every radio has one', () => {
  const c = ctx()
  const reading = (k: bigint, ticks: number): ReadingInput => ({
    ...base,
    sysUpTimeTicks: ticks,
    interfaces: [
      { ifIndex: 2, name: 'eth0', operStatus: 'up', inOctets: 1000n * k, outOctets: 100n * k },
      { ifIndex: 3, name: 'wifi0', operStatus: 'up', inOctets: 40n * k, outOctets: 400n * k },
      { ifIndex: 4, name: 'wifi1', operStatus: 'up', inOctets: 60n * k, outOctets: 600n * k },
    ],
  })
  const first = readingToSamples(reading(1n, 100), { ...c, device: 'ap-s1' })
  assert.is(first.samples.filter((s) => s.metric === 'wifi_bytes').length, 0)
  const second = readingToSamples(reading(3n, 6100), { ...c, device: 'ap-s1', timeMs: T + 60_000 })
  assert.equal(second.samples.filter((s) => s.metric === 'wifi_bytes').map((s) => s.value), [2 * 1100])
  assert.equal(second.samples.filter((s) => s.instance === 'eth0' && s.metric.startsWith('if_') && s.metric.endsWith('bytes')).map((s) => s.value), [2000, 200])
})

test('a failed poll gives device_up 0, and every poll its three self-metrics', () => {
  assert.equal(pick(failedPollSamples('sw-1', 'south', T)), ['device_up sw-1  0'])
  assert.equal(pick(pollSelfSamples('sw-1', 'south', T, 1234.5678, 'timeout')), ['poll_duration_ms sw-1  1234.568', 'poll_timeouts sw-1  1', 'poll_errors sw-1  0'])
})

test.run()
