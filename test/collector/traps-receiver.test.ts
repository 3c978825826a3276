import { test } from 'uvu'
import * as assert from 'uvu/assert'
import pino from 'pino'
import { fastClock } from '../../core/clock.ts'
import type { Device, Inventory } from '../../core/inventory.ts'
import type { DeviceEvent } from '../../core/metrics.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { snmp, type Varbind } from '../../collector/net-snmp.ts'
import { createTrapReceiver } from '../../collector/traps.ts'
import { freeUdpPort } from '../support/ports.ts'

const log = pino({ level: process.env.LOG_LEVEL ?? 'silent' })
const dev = (id: string, host: string, extra: Partial<Device> = {}): Device => ({
  id, name: id, kind: 'switch', site: 'site-1', mgmt: { host, port: 161 }, credential: 'public', ...extra,
})
const inventory: Inventory = {
  city: { name: 'Test', timezone: 'UTC' },
  neighborhoods: [],
  sites: [{ id: 'site-1', kind: 'pole', lon: -72.68, lat: 41.76, neighborhood: 'downtown' }],
  devices: [
    dev('sw-7', '127.0.0.7'),
    dev('wlc-1', '127.0.0.8', { kind: 'controller' }),
    dev('ap-9', '127.0.0.8', { kind: 'ap', controller: 'wlc-1', controllerApName: 'AP-NE-9' }),
  ],
  links: [],
}

/** Sends one notification from a given loopback source address, over real UDP. */
function send(from: string, port: number, version: 'v1' | 'v2c', typeOrOid: number | string, varbinds: Varbind[]): Promise<void> {
  const session = snmp.createSession('127.0.0.1', 'public', { trapPort: port, version: version === 'v1' ? snmp.Version1 : snmp.Version2c, sourceAddress: from })
  return new Promise((resolve, reject) => {
    session.trap(typeOrOid, varbinds, version === 'v1' ? { agentAddr: from } : {}, (err) => {
      session.close()
      if (err) reject(err)
      else resolve()
    })
  })
}

test('linkDown, linkUp, coldStart and bsnAPDisassociated traps become events in the store, attributed by source address', async () => {
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const port = await freeUdpPort()
  const clock = fastClock(Date.UTC(2026, 5, 1, 12), 1)
  const got: DeviceEvent[] = []
  const rx = createTrapReceiver({ port, address: '127.0.0.1' }, { inventory, store, clock, log, onEvent: (e) => got.push(e) })
  await rx.start()
  try {
    const S = snmp.ObjectType
    await send('127.0.0.7', port, 'v2c', '1.3.6.1.6.3.1.1.5.3', [ // IF-MIB linkDown
      { oid: '1.3.6.1.2.1.2.2.1.1.3', type: S.Integer, value: 3 }, // ifIndex.3
      { oid: '1.3.6.1.2.1.31.1.1.1.1.3', type: S.OctetString, value: 'Gi1/0/3' }, // ifName.3
    ])
    await send('127.0.0.7', port, 'v1', snmp.TrapType.LinkUp, [{ oid: '1.3.6.1.2.1.2.2.1.1.3', type: S.Integer, value: 3 }])
    await send('127.0.0.7', port, 'v2c', '1.3.6.1.6.3.1.1.5.1', []) // SNMPv2-MIB coldStart
    await send('127.0.0.8', port, 'v2c', '1.3.6.1.4.1.14179.2.6.3.8', [ // AIRESPACE bsnAPDisassociated
      { oid: '1.3.6.1.4.1.14179.2.6.2.20.0', type: S.OctetString, value: Buffer.from([0, 1, 2, 3, 4, 5]) }, // bsnAPMacAddrTrapVariable
      { oid: '1.3.6.1.4.1.14179.2.2.1.1.3.0.1.2.3.4.5', type: S.OctetString, value: 'AP-NE-9' }, // bsnAPName
    ])
    await send('127.0.0.99', port, 'v2c', '1.3.6.1.6.3.1.1.5.3', []) // nobody's address
    await send('127.0.0.7', port, 'v2c', '1.3.6.1.4.1.9.9.41.2.0.1', []) // a syslog trap: not ours
    const deadline = Date.now() + 3000
    while (got.length < 4 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    const stored = await store.events({ fromMs: 0, toMs: Date.UTC(2100, 0, 1) })
    const pick = (e: DeviceEvent) => [e.device, e.neighborhood, e.type, e.severity, e.detail]
    assert.equal(stored.map(pick).sort(), [
      ['ap-9', 'downtown', 'apDisassociated', 'critical', 'AP-NE-9'],
      ['sw-7', 'downtown', 'coldStart', 'warning', ''],
      ['sw-7', 'downtown', 'linkDown', 'critical', 'Gi1/0/3'],
      ['sw-7', 'downtown', 'linkUp', 'info', 'ifIndex 3'],
    ])
    const st = rx.stats()
    assert.is(st.received, 6)
    assert.is(st.events, 4)
    assert.is(st.unattributed, 1)
    assert.is(st.ignored, 1)
  } finally {
    await rx.stop()
    await store.close()
  }
})

test('port 0 binds a free port that address() reports, and a second start() is a no-op', async () => {
  const got: DeviceEvent[] = []
  const rx = createTrapReceiver({ port: 0, host: '127.0.0.1' }, { inventory, store: { writeEvents: async () => {} }, clock: fastClock(0, 1), log, onEvent: (e) => got.push(e) })
  await rx.start()
  try {
    await rx.start()
    const a = rx.address()!
    assert.is(a.address, '127.0.0.1')
    assert.ok(a.port > 0)
    await send('127.0.0.7', a.port, 'v2c', '1.3.6.1.6.3.1.1.5.1', []) // SNMPv2-MIB coldStart
    const deadline = Date.now() + 2000
    while (got.length < 1 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20))
    assert.equal(got.map((e) => `${e.type} ${e.device}`), ['coldStart sw-7'])
  } finally {
    await rx.stop()
  }
  assert.is(rx.address(), undefined)
})

test('a receiver that cannot bind its port says which port', async () => {
  const port = await freeUdpPort()
  const store = { writeEvents: async () => {} }
  const clock = fastClock(0, 1)
  const a = createTrapReceiver({ port }, { inventory, store, clock, log })
  await a.start()
  const b = createTrapReceiver({ port }, { inventory, store, clock, log })
  try {
    await b.start()
    assert.unreachable()
  } catch (err) {
    assert.match((err as Error).message, `trap receiver cannot listen on udp 127.0.0.1:${port}`)
  } finally {
    await a.stop()
  }
})

test.run()
