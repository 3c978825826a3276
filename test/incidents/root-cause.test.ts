/**
 * Root causes over the real SNMP path: the simulated Hartford answers SNMP on loopback, the
 * collector's poller reads every device once (device_up from each agent and from the
 * wireless controller's AP table, if_oper_status per port), and incidents/ groups the down
 * devices on the inventory's network tree. Against the simulator's truth (its outages and
 * their causes):
 * - a fiber link cut: one group, root cause the link (seen: the switch above reports its
 *   port down), the devices exactly those the truth has out because of the cut;
 * - an AP down alone under a healthy switch: its own group, root cause the AP (seen: the
 *   switch's port toward it is up... or, on a bare uplink, probable);
 * - both at once: two groups; nothing down: none.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import pino from 'pino'
import { steppedClock } from '../../core/clock.ts'
import type { Sample } from '../../core/metrics.ts'
import { buildNetworkTree, subtree } from '../../core/topology.ts'
import { pollWithProbe } from '../../collector/index.ts'
import { probeDevice } from '../../collector/probe.ts'
import { createPoller } from '../../collector/scheduler.ts'
import { groupFailures, type Observations } from '../../incidents/root-cause.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createSimulatedCity } from '../../simulators/city.ts'

const log = pino({ level: 'silent' })
const START = Date.parse('2026-11-24T17:00:00Z')

/** Statuses as the poll round read them: a device's newest device_up, each port's ifOperStatus. */
function observations(samples: readonly Sample[]): Observations {
  const up = new Map<string, number>()
  const ports = new Map<string, number>()
  for (const s of samples) {
    if (s.metric === 'device_up') up.set(s.device, s.value)
    else if (s.metric === 'if_oper_status') ports.set(`${s.device}\u0000${s.instance}`, s.value)
  }
  return {
    status: (d) => (up.get(d) === 1 ? 'up' : up.get(d) === 0 ? 'down' : 'unknown'),
    port: (d, p) => {
      const v = ports.get(`${d}\u0000${p}`)
      return v === undefined ? undefined : v === 1 ? 'up' : 'down'
    },
  }
}

test('a fiber cut is one group with the link as its root cause and exactly the truth\'s devices; an AP down alone is its own', async () => {
  const inventory = hartfordInventory(1)
  const tree = buildNetworkTree(inventory)
  const clock = steppedClock(START)
  const city = createSimulatedCity(inventory, { seed: 1, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, log)
  await city.start()
  const samples: Sample[] = []
  const poller = createPoller({ timeoutMs: 3000, retries: 1 }, {
    // SNMP agents only: the UniFi controller is read over its API (collector/unifi), not here
    inventory: () => { const inv = city.inventoryWithEndpoints(); return { ...inv, devices: inv.devices.filter((d) => !d.api) } }, sink: { write: (s) => samples.push(...s) }, clock, log,
    poll: pollWithProbe(probeDevice, () => ({ version: '2c', community: 'public' })),
  })
  const round = async (t: number) => {
    clock.set(t)
    samples.length = 0
    await poller.pollAll({ timeoutMs: 3000, retries: 1, maxInFlight: 64 })
    return groupFailures(tree, inventory, observations(samples))
  }
  try {
    assert.equal(await round(START), [], 'nothing down: no group')

    // the fiber link with the most APs behind it that is not the controller's own
    const byAps = (l: { id: string }) => subtree(tree, tree.edges.get(l.id)!.child).filter((d) => inventory.devices.find((x) => x.id === d)!.kind === 'ap').length
    const link = [...inventory.links].filter((l) => tree.edges.has(l.id)).sort((a, b) => byAps(b) - byAps(a) || a.id.localeCompare(b.id))[0]!
    // the cut first, the AP a poll interval later: the truth's outages then tell them apart by start
    const cut = city.faults.inject({ type: 'link-cut', target: link.id })
    const t1 = START + 5 * 60_000
    clock.set(t1)
    const lone = inventory.devices.find((d) => d.kind === 'ap' && !d.controller && !subtree(tree, tree.edges.get(link.id)!.child).includes(d.id))!
    const down = city.faults.inject({ type: 'device-down', target: lone.id })
    const t2 = t1 + 5 * 60_000
    const groups = await round(t2)

    // the truth: devices out at t2, by when (so by which fault) they went out
    const out = city.truth.outages().filter((o) => o.startMs <= t2 && (o.endMs === null || o.endMs > t2))
    const byCut = out.filter((o) => o.startMs < t1).map((o) => o.device).sort()
    const byDown = out.filter((o) => o.startMs >= t1).map((o) => o.device).sort()
    assert.ok(out.filter((o) => o.startMs < t1).every((o) => o.causes.some((c) => c.includes(link.id))), 'the first ones are the cut\'s')
    assert.ok(byCut.length >= 5, `${byCut.length} devices behind ${link.id}`)
    assert.equal(byDown, [lone.id])

    assert.is(groups.length, 2, JSON.stringify(groups.map((g) => g.rootCause)))
    const g = groups.find((x) => x.rootCause.kind === 'link')!
    assert.equal(g.rootCause, { kind: 'link', id: link.id, probable: false, why: g.rootCause.why })
    assert.match(g.rootCause.why, `reports its port ${tree.edges.get(link.id)!.parentPort} on fiber link ${link.id} down`)
    assert.equal([...g.devices].sort(), byCut, 'exactly the devices the truth has out because of the cut')
    assert.is(g.top, tree.edges.get(link.id)!.child)
    const hoods = [...new Set(out.filter((o) => byCut.includes(o.device)).map((o) => o.neighborhood).filter(Boolean))].sort()
    assert.equal(g.neighborhoods, hoods)
    const alone = groups.find((x) => x.top === lone.id)!
    assert.equal([alone.rootCause.kind, alone.rootCause.id, alone.devices], ['device', lone.id, [lone.id]])
    console.log(`  cut ${link.id}: ${g.devices.length} devices (${g.aps.length} APs) in ${g.neighborhoods.join(', ')}; ${lone.id} alone: ${alone.rootCause.probable ? 'probable' : 'seen'} (${alone.rootCause.why})`)

    // restored: no group
    city.faults.clear(cut.id)
    city.faults.clear(down.id)
    assert.equal(await round(t2 + 5 * 60_000), [], 'restored: no group')
  } finally {
    await poller.stop()
    await city.stop()
  }
})

test.run()
