import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { Value } from '@sinclair/typebox/value'
import { Inventory } from '../../core/inventory.ts'
import { haversineM, neighborhoodAt, pointInArea, routeLengthM } from '../../core/geo.ts'
import { addressPlan, hartfordInventory, portPlan } from '../../provisioning/city/hartford.ts'

const inv = hartfordInventory()
const byId = <T extends { id: string }>(list: T[]) => new Map(list.map((x) => [x.id, x]))
const sites = byId(inv.sites)
const devices = byId(inv.devices)
const hoods = byId(inv.neighborhoods)
const aps = inv.devices.filter((d) => d.kind === 'ap')

test('the generated inventory matches the Inventory schema', () => {
  assert.is(Value.Check(Inventory, inv), true)
})

test('Hartford has 17 neighborhoods, 6 of them served, with the city spellings', () => {
  assert.is(inv.neighborhoods.length, 17)
  assert.equal(
    inv.neighborhoods.filter((n) => n.served).map((n) => n.name).sort(),
    ['Asylum Hill', 'Blue Hills', 'Clay-Arsenal', 'Downtown', 'Frog Hollow', 'Northeast'],
  )
  assert.equal(
    inv.neighborhoods.filter((n) => n.served).map((n) => n.id).sort(),
    ['asylum-hill', 'blue-hills', 'clay-arsenal', 'downtown', 'frog-hollow', 'northeast'],
  )
})

test('census figures equal the ACS CSV values, with null where the CSV is blank', () => {
  assert.equal(hoods.get('blue-hills')!.census, {
    population: 10438,
    households: 3017,
    householdsWithoutBroadband: 490,
    pctWithoutBroadband: 16.2,
    povertyRatePct: 10.3,
  })
  assert.equal(hoods.get('frog-hollow')!.census, {
    population: 8625,
    households: 3539,
    householdsWithoutBroadband: 559,
    pctWithoutBroadband: 15.8,
    povertyRatePct: 29.1,
  })
  assert.equal(hoods.get('north-meadows')!.census, {
    population: 940,
    households: 0,
    householdsWithoutBroadband: 0,
    pctWithoutBroadband: null,
    povertyRatePct: null,
  })
})

test('Bushnell Park (-72.6805, 41.7645) lies in Downtown, and the hub too', () => {
  assert.is(neighborhoodAt([-72.6805, 41.7645], inv.neighborhoods), 'downtown')
  assert.is(sites.get('hub-city-hall')!.neighborhood, 'downtown')
})

test('seed 1 places 224 APs (within 150-300) and the same seed gives a deep-equal inventory', () => {
  assert.is(aps.length, 224)
  assert.equal(hartfordInventory(1), inv)
  assert.equal(hartfordInventory({ seed: 1 }), inv)
})

test('another seed gives another network: seed 2 places 231 APs elsewhere', () => {
  const other = hartfordInventory(2)
  assert.is(other.devices.filter((d) => d.kind === 'ap').length, 231)
  assert.not.equal(other.sites, inv.sites)
  // The real data does not depend on the seed.
  assert.equal(other.neighborhoods, inv.neighborhoods)
})

test('every AP stands on a pole inside its own served neighborhood polygon', () => {
  for (const ap of aps) {
    const site = sites.get(ap.site)!
    assert.is(site.kind, 'pole', ap.id)
    const hood = hoods.get(site.neighborhood)!
    assert.ok(hood, `${ap.id} has a neighborhood`)
    assert.is(hood.served, true, `${ap.id} is in a served neighborhood`)
    assert.is(pointInArea([site.lon, site.lat], hood.geometry), true, `${ap.id} is inside ${hood.name}`)
    assert.ok(ap.id.startsWith(`ap-${hood.id}-`), ap.id)
  }
})

test('no two APs stand closer than 100 m', () => {
  let min = Infinity
  for (let i = 0; i < aps.length; i++) {
    for (let j = i + 1; j < aps.length; j++) {
      const a = sites.get(aps[i]!.site)!
      const b = sites.get(aps[j]!.site)!
      min = Math.min(min, haversineM([a.lon, a.lat], [b.lon, b.lat]))
    }
  }
  assert.ok(min >= 100, `closest pair ${min.toFixed(1)} m`)
})

test('every device site, uplink, controller and link end exists; uplink ports are unique per switch', () => {
  const ports = new Set<string>()
  for (const d of inv.devices) {
    assert.ok(sites.has(d.site), `${d.id} site ${d.site}`)
    if (d.uplink) {
      assert.ok(devices.has(d.uplink.device), `${d.id} uplink ${d.uplink.device}`)
      const key = `${d.uplink.device}/${d.uplink.port}`
      assert.not.ok(ports.has(key), `${key} used twice`)
      ports.add(key)
    }
    if (d.controller) assert.is(devices.get(d.controller)!.kind, 'controller')
  }
  for (const l of inv.links) {
    assert.ok(devices.has(l.a.device), l.id)
    assert.ok(devices.has(l.b.device), l.id)
  }
  assert.is(devices.get('core-1')!.uplink, undefined)
})

test('APs in Downtown, Asylum Hill and Frog Hollow sit behind wlc-1 with controller AP names; the rest are UniFi', () => {
  const behind = aps.filter((d) => d.controller === 'wlc-1')
  assert.is(behind.length, 98)
  for (const d of aps) {
    const hood = sites.get(d.site)!.neighborhood
    if (['downtown', 'asylum-hill', 'frog-hollow'].includes(hood)) {
      assert.is(d.controller, 'wlc-1')
      assert.is(d.controllerApName, d.name)
    } else {
      assert.is(d.controller, undefined)
      assert.is(d.model, 'UAP-AC-M')
    }
  }
  assert.equal(devices.get('ap-frog-hollow-007'), {
    ...devices.get('ap-frog-hollow-007')!,
    name: 'AP-FROG-HOLLOW-07',
    controllerApName: 'AP-FROG-HOLLOW-07',
    uplink: { device: 'sw-frog-hollow-1', port: 'Gi1/0/7' },
  })
})

test('switches sit in cabinets, one per served neighborhood and two in Northeast and Blue Hills, fibered to core-1', () => {
  const switches = inv.devices.filter((d) => d.kind === 'switch').map((d) => d.id)
  assert.equal(switches.sort(), [
    'sw-asylum-hill-1', 'sw-blue-hills-1', 'sw-blue-hills-2', 'sw-clay-arsenal-1',
    'sw-downtown-1', 'sw-frog-hollow-1', 'sw-northeast-1', 'sw-northeast-2',
  ])
  for (const id of switches) {
    assert.is(sites.get(devices.get(id)!.site)!.kind, 'cabinet')
    const link = inv.links.find((l) => l.a.device === id)!
    assert.is(link.b.device, 'core-1')
    assert.is(link.b.port, devices.get(id)!.uplink!.port)
  }
})

test('every fiber route starts at its switch cabinet, ends at the hub, and lengthM is its haversine length', () => {
  assert.is(inv.links.length, 8)
  for (const l of inv.links) {
    const cab = sites.get(devices.get(l.a.device)!.site)!
    assert.equal(l.route.coordinates[0], [cab.lon, cab.lat])
    assert.equal(l.route.coordinates.at(-1), [-72.6729, 41.7637])
    assert.ok(l.route.coordinates.length >= 3, `${l.id} has a street-grid route`)
    assert.is(l.lengthM, routeLengthM(l.route.coordinates))
  }
  assert.is(inv.links.find((l) => l.id === 'fiber-sw-northeast-1')!.lengthM, 4097.6)
})

test('every device has its own loopback address on port 1161, and the address plan can be replaced', () => {
  const hosts = new Set(inv.devices.map((d) => d.mgmt.host))
  assert.is(hosts.size, inv.devices.length)
  assert.equal(devices.get('core-1')!.mgmt, { host: '127.10.0.1', port: 1161 })
  assert.equal(inv.devices[233]!.mgmt, { host: '127.10.0.234', port: 1161 })
  assert.equal(addressPlan()(254, { id: 'x', kind: 'ap' }), { host: '127.10.1.1', port: 1161 })
  assert.ok(inv.devices.every((d) => d.mgmt.port === 1161 && d.credential === 'sim-v2c'))
  const moved = hartfordInventory({ seed: 1, hostPrefix: '127.20', basePort: 20161 })
  assert.equal(moved.devices[3]!.mgmt, { host: '127.20.0.4', port: 20161 })
  const byPort = hartfordInventory({ addressPlan: portPlan({ basePort: 30000 }) })
  assert.equal(byPort.devices[5]!.mgmt, { host: '127.0.0.1', port: 30005 })
  assert.throws(() => addressPlan({ hostPrefix: '10.1' }), /hostPrefix must be two octets of 127.0.0.0\/8 like '127.10', got '10.1'/)
})

test.run()
