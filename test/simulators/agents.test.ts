import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { fastClock } from '../../core/clock.ts'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { MINUTE_MS } from '../../simulators/model.ts'
import { smallCity, silentLog } from './fixture.ts'
import { hexToMac, snmp, unquote, walk } from './helpers.ts'

// 16:00 in Hartford (EST): the afternoon peak, so the APs have clients
const START = Date.parse('2026-11-20T21:00:00Z')

const agents = suite<{ city: SimulatedCity; clock: ManualClock }>('simulated agents over real UDP')
agents.before(async (ctx) => {
  ctx.clock = manualClock(START)
  ctx.city = createSimulatedCity(smallCity(), { seed: 7, clock: ctx.clock, originMs: START, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await ctx.city.start()
})
agents.after(async ({ city }) => {
  await city.stop()
})

agents('every device but the lightweight APs gets its own agent', ({ city }) => {
  assert.equal(city.endpoints().map((e) => e.device).sort(), ['ap-s1', 'ap-s2', 'ap-s3', 'core-1', 'sw-north', 'sw-south', 'wlc-1'])
})

agents('inventoryWithEndpoints gives the collector the addresses the agents really listen on', ({ city }) => {
  const inv = city.inventoryWithEndpoints()
  const wlc = inv.devices.find((d) => d.id === 'wlc-1')!
  assert.equal(wlc.mgmt, { host: '127.0.0.1', port: city.endpoints().find((e) => e.device === 'wlc-1')!.port })
  assert.equal(inv.devices.find((d) => d.id === 'ap-n1')!.mgmt, { host: '127.0.0.1', port: 11 }, 'lightweight APs keep theirs')
})

agents('sysObjectIDs are the vendors\' own: Cisco WLC, UniFi, Catalyst, ASR', async ({ city }) => {
  const oid = async (d: string) => (await snmp('snmpget', city, d, ['1.3.6.1.2.1.1.2.0']))[0]![1]
  assert.is(await oid('wlc-1'), '.1.3.6.1.4.1.9.1.1279')
  assert.is(await oid('ap-s1'), '.1.3.6.1.4.1.41112.1.6')
  assert.is(await oid('sw-north'), '.1.3.6.1.4.1.9.1.1208')
  assert.is(await oid('core-1'), '.1.3.6.1.4.1.9.1.2101')
})

agents('a UniFi AP\'s unifiVapTable has, per VAP, exactly the clients truth puts on it this minute', async ({ city, clock }) => {
  const vap = await walk(city, 'ap-s1', '1.3.6.1.4.1.41112.1.6.1.2.1')
  const truth = city.truth.clientListAt('ap-s1', clock.now())
  assert.ok(truth.length > 0, 'the afternoon has clients')
  let sum = 0
  for (let i = 1; i <= 4; i++) {
    const n = Number(vap.get(`1.3.6.1.4.1.41112.1.6.1.2.1.8.${i}`)) // unifiVapNumStations
    const ssid = unquote(vap.get(`1.3.6.1.4.1.41112.1.6.1.2.1.6.${i}`)!) // unifiVapEssId
    const radio = unquote(vap.get(`1.3.6.1.4.1.41112.1.6.1.2.1.9.${i}`)!) // unifiVapRadio
    const expected = truth.filter((c) => c.ssid === ssid && (c.radio === 1 ? 'na' : 'ng') === radio).length
    assert.is(n, expected, `VAP ${i} (${radio} ${ssid})`)
    assert.is(unquote(vap.get(`1.3.6.1.4.1.41112.1.6.1.2.1.7.${i}`)!), `ath${i - 1}`) // unifiVapName
    sum += n
  }
  assert.is(sum, city.truth.clientsAt('ap-s1', clock.now()))
})

agents('the controller\'s bsnMobileStationTable lists exactly truth\'s clients, with AP MAC and SSID', async ({ city, clock }) => {
  const macs = await snmp('snmpwalk', city, 'wlc-1', ['-Ox', '1.3.6.1.4.1.14179.2.1.4.1.1']) // bsnMobileStationMacAddress
  const apMacs = new Map(await snmp('snmpwalk', city, 'wlc-1', ['-Ox', '1.3.6.1.4.1.14179.2.1.4.1.4'])) // bsnMobileStationAPMacAddr
  const ssids = new Map(await snmp('snmpwalk', city, 'wlc-1', ['1.3.6.1.4.1.14179.2.1.4.1.7'])) // bsnMobileStationSsid
  const served = macs.map(([oid, v]) => {
    const idx = oid.slice('1.3.6.1.4.1.14179.2.1.4.1.1.'.length)
    const mac = idx.split('.').map((b) => Number(b).toString(16).padStart(2, '0')).join(':')
    assert.is(hexToMac(v), mac, 'the index is the MAC')
    return `${mac} ${hexToMac(apMacs.get(`1.3.6.1.4.1.14179.2.1.4.1.4.${idx}`)!)} ${unquote(ssids.get(`1.3.6.1.4.1.14179.2.1.4.1.7.${idx}`)!)}`
  })
  const truth = city.truth.clientListAt('wlc-1', clock.now())
  assert.ok(truth.length > 0)
  const expected = truth.map((c) => `${c.mac} ${[...city.model.apMac(c.ap)].map((b) => b.toString(16).padStart(2, '0')).join(':')} ${c.ssid}`)
  assert.equal(served.sort(), expected.sort())
})

agents('bsnDot11EssNumberOfMobileStations counts per SSID and bsnApIfNoOfUsers per radio match truth', async ({ city, clock }) => {
  const ess = await walk(city, 'wlc-1', '1.3.6.1.4.1.14179.2.1.1.1')
  const truth = city.truth.clientListAt('wlc-1', clock.now())
  for (const [i, ssid] of ['CityFreeWiFi', 'CityStaff'].entries()) {
    assert.is(unquote(ess.get(`1.3.6.1.4.1.14179.2.1.1.1.2.${i + 1}`)!), ssid) // bsnDot11EssSsid
    assert.is(Number(ess.get(`1.3.6.1.4.1.14179.2.1.1.1.38.${i + 1}`)), truth.filter((c) => c.ssid === ssid).length) // bsnDot11EssNumberOfMobileStations
  }
  const apIf = await walk(city, 'wlc-1', '1.3.6.1.4.1.14179.2.2.2.1.15') // bsnApIfNoOfUsers
  const ap = 'ap-n2'
  const idx = [...city.model.apMac(ap)].join('.')
  for (const slot of [0, 1]) {
    assert.is(Number(apIf.get(`1.3.6.1.4.1.14179.2.2.2.1.15.${idx}.${slot}`)), truth.filter((c) => c.ap === ap && c.radio === slot).length, `slot ${slot}`)
  }
})

agents('bsnAPTable lists the three lightweight APs by name as associated', async ({ city }) => {
  const names = await snmp('snmpwalk', city, 'wlc-1', ['1.3.6.1.4.1.14179.2.2.1.1.3']) // bsnAPName
  assert.equal(names.map(([, v]) => unquote(v)).sort(), ['AP-NORTH-1', 'AP-NORTH-2', 'AP-NORTH-3'])
  const status = await snmp('snmpwalk', city, 'wlc-1', ['1.3.6.1.4.1.14179.2.2.1.1.6']) // bsnAPOperationStatus
  assert.equal(status.map(([, v]) => v), ['1', '1', '1'])
})

agents('sysUpTime advances with the simulated clock', async ({ city, clock }) => {
  const up = async () => Number((await snmp('snmpget', city, 'ap-s2', ['1.3.6.1.2.1.1.3.0']))[0]![1])
  const before = await up()
  clock.advance(90_000)
  assert.is((await up()) - before, 9000)
})

agents('64-bit counters grow by exactly the bytes truth records between two minutes', async ({ city, clock }) => {
  const read = async () => ({
    ap: new Map(await snmp('snmpget', city, 'ap-s1', ['1.3.6.1.2.1.31.1.1.1.6.2', '1.3.6.1.2.1.31.1.1.1.10.2'])), // ifHCInOctets/ifHCOutOctets eth0
    vapTx: await snmp('snmpwalk', city, 'ap-s1', ['1.3.6.1.4.1.41112.1.6.1.2.1.16']), // unifiVapTxBytes
    sw: new Map(await snmp('snmpget', city, 'sw-south', ['1.3.6.1.2.1.31.1.1.1.10.1'])), // ifHCOutOctets Gi1/0/1 (to ap-s1)
  })
  const t1 = clock.now()
  const a = await read()
  clock.advance(7 * MINUTE_MS)
  const t2 = clock.now()
  const b = await read()
  const truth = city.truth.bytes('ap-s1', Math.floor(t1 / MINUTE_MS) * MINUTE_MS, Math.floor(t2 / MINUTE_MS) * MINUTE_MS)
  assert.ok(truth.down > 0)
  const d = (m1: Map<string, string>, m2: Map<string, string>, oid: string) => BigInt(m2.get(oid)!) - BigInt(m1.get(oid)!)
  assert.is(d(a.ap, b.ap, '1.3.6.1.2.1.31.1.1.1.6.2'), BigInt(truth.down))
  assert.is(d(a.ap, b.ap, '1.3.6.1.2.1.31.1.1.1.10.2'), BigInt(truth.up))
  assert.is(d(a.sw, b.sw, '1.3.6.1.2.1.31.1.1.1.10.1'), BigInt(truth.down))
  // the VAPs' 32-bit Tx counters move by the same bytes, modulo 2^32
  const vapDelta = a.vapTx.reduce((s, [, v], i) => s + ((BigInt(b.vapTx[i]![1]) - BigInt(v) + 2n ** 32n) % 2n ** 32n), 0n)
  assert.is(vapDelta % 2n ** 32n, BigInt(truth.down) % 2n ** 32n)
})

agents('32-bit ifInOctets is ifHCInOctets modulo 2^32 and wraps within a day', async ({ city, clock }) => {
  const lows: bigint[] = []
  const highs: bigint[] = []
  for (let h = 0; h < 24; h++) {
    const r = new Map(await snmp('snmpget', city, 'ap-s3', ['1.3.6.1.2.1.2.2.1.10.2', '1.3.6.1.2.1.31.1.1.1.6.2'])) // ifInOctets, ifHCInOctets eth0
    const lo = BigInt(r.get('1.3.6.1.2.1.2.2.1.10.2')!)
    const hi = BigInt(r.get('1.3.6.1.2.1.31.1.1.1.6.2')!)
    assert.is(lo, hi % 2n ** 32n)
    lows.push(lo)
    highs.push(hi)
    clock.advance(60 * MINUTE_MS)
  }
  assert.ok(highs.every((v, i) => i === 0 || v >= highs[i - 1]!), 'the 64-bit counter never goes back')
  assert.ok(lows.some((v, i) => i > 0 && v < lows[i - 1]!), 'the 32-bit counter wrapped')
})

agents('optics: each fiber port has Rx/Tx power in CISCO-ENTITY-SENSOR-MIB and ENTITY-SENSOR-MIB, named after the port', async ({ city, clock }) => {
  const names = await walk(city, 'sw-south', '1.3.6.1.2.1.47.1.1.1.1.7') // entPhysicalName
  const rx = [...names].find(([, v]) => unquote(v) === 'Te1/1/1 Receive Power Sensor')
  assert.ok(rx, 'a sensor is named after the port')
  const idx = rx![0].split('.').pop()!
  const cisco = await walk(city, 'sw-south', '1.3.6.1.4.1.9.9.91.1.1.1.1')
  const std = await walk(city, 'sw-south', '1.3.6.1.2.1.99.1.1.1')
  assert.is(cisco.get(`1.3.6.1.4.1.9.9.91.1.1.1.1.1.${idx}`), '14') // entSensorType dBm
  assert.is(cisco.get(`1.3.6.1.4.1.9.9.91.1.1.1.1.2.${idx}`), '9') // entSensorScale units
  assert.is(cisco.get(`1.3.6.1.4.1.9.9.91.1.1.1.1.3.${idx}`), '1') // entSensorPrecision
  const port = city.model.topo.ports.get('sw-south')!.find((p) => p.name === 'Te1/1/1')!
  const expected = String(Math.round(city.model.optics('sw-south', port, clock.now())!.rxDbm * 10))
  assert.is(cisco.get(`1.3.6.1.4.1.9.9.91.1.1.1.1.4.${idx}`), expected) // entSensorValue
  assert.is(std.get(`1.3.6.1.2.1.99.1.1.1.4.${idx}`), expected) // entPhySensorValue
  assert.ok(Number(expected) < -30 && Number(expected) > -90, `a healthy 1.3 km link, got ${expected}`)
  // the transceiver (the sensor's container) maps to the port's ifIndex
  const parent = (await walk(city, 'sw-south', `1.3.6.1.2.1.47.1.1.1.1.4.${idx}`)).get(`1.3.6.1.2.1.47.1.1.1.1.4.${idx}`)
  const alias = await walk(city, 'sw-south', `1.3.6.1.2.1.47.1.3.2.1.2.${parent}`)
  assert.is(alias.get(`1.3.6.1.2.1.47.1.3.2.1.2.${parent}.0`), `.1.3.6.1.2.1.2.2.1.1.${port.ifIndex}`)
  const ifName = await walk(city, 'sw-south', `1.3.6.1.2.1.31.1.1.1.1.${port.ifIndex}`)
  assert.is(unquote(ifName.get(`1.3.6.1.2.1.31.1.1.1.1.${port.ifIndex}`)!), 'Te1/1/1')
})

agents('with the shared fast clock, sysUpTime runs at the clock\'s speed', async () => {
  const clock = fastClock(START, 600)
  const fast = createSimulatedCity(smallCity(), { seed: 7, clock, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await fast.start()
  try {
    const up = async () => Number((await snmp('snmpget', fast, 'ap-s1', ['1.3.6.1.2.1.1.3.0']))[0]![1])
    const t0 = performance.now()
    const a = await up()
    const t1 = performance.now()
    await new Promise((r) => setTimeout(r, 300))
    const t2 = performance.now()
    const b = await up()
    const t3 = performance.now()
    // ticks are 1/100 s of simulated time: 600 simulated ms per real ms = 60 ticks per real ms
    assert.ok(b - a >= Math.floor((t2 - t1) * 60) - 1 && b - a <= Math.ceil((t3 - t0) * 60) + 1, `moved ${b - a} ticks in ${(t2 - t1).toFixed(0)}-${(t3 - t0).toFixed(0)} real ms`)
  } finally {
    await fast.stop()
  }
})

agents.run()
