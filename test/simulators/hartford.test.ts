import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { manualClock } from '../../core/clock.ts'
import { silentLog } from './fixture.ts'
import { snmp, timedRawGet } from './helpers.ts'

const START = Date.parse('2026-11-20T21:00:00Z')
const inventory = hartfordInventory(1)

const hartford = suite<{ city: SimulatedCity }>('the Hartford inventory as a simulated city')
hartford.before(async (ctx) => {
  ctx.city = createSimulatedCity(inventory, { seed: 1, clock: manualClock(START), bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await ctx.city.start()
})
hartford.after(async ({ city }) => {
  await city.stop()
})

hartford('every device but the lightweight APs has an agent, and every agent answers', async ({ city }) => {
  const lightweight = inventory.devices.filter((d) => d.kind === 'ap' && d.controller).length
  // the UniFi Network controller answers HTTPS, not SNMP (test/simulators/unifi-controller.test.ts)
  const apiOnly = inventory.devices.filter((d) => d.api).length
  assert.is(apiOnly, 1)
  assert.is(city.endpoints().length, inventory.devices.length - lightweight - apiOnly)
  assert.equal(city.controllers().map((c) => c.device), ['unifi-1'])
  const silent: string[] = []
  for (const e of city.endpoints()) if ((await timedRawGet(city, e.device, 2000)) === null) silent.push(e.device)
  assert.equal(silent, [])
})

hartford('the controller lists every lightweight AP by its controller name, and its clients are truth\'s', async ({ city }) => {
  const wlc = inventory.devices.find((d) => d.kind === 'controller')!
  const names = await snmp('snmpbulkwalk', city, wlc.id, ['-Cr50', '1.3.6.1.4.1.14179.2.2.1.1.3']) // bsnAPName
  const expected = inventory.devices.filter((d) => d.controller === wlc.id).map((d) => d.controllerApName ?? d.name)
  assert.equal(names.map(([, v]) => v.replace(/"/g, '')).sort(), expected.sort())
  const stations = await snmp('snmpbulkwalk', city, wlc.id, ['-Cr50', '1.3.6.1.4.1.14179.2.1.4.1.7']) // bsnMobileStationSsid
  assert.is(stations.length, city.truth.clientsAt(wlc.id, START))
  assert.ok(stations.length > 100, `${stations.length} clients at 16:00`)
})

hartford.run()
