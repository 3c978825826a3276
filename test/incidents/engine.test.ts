/**
 * Incidents through the real SNMP path, on a stepped clock: the small test city answers SNMP
 * on loopback, the collector's poller reads it every minute into a DuckDB store, and the
 * incident engine reads the store after each round and keeps incidents in an app-state
 * database. Against the simulator's truth:
 * - a fiber cut opens exactly one incident at the first poll that sees it (the core reports
 *   its port on the link down), root cause the link, the devices the truth has out;
 *   restored, it closes, its duration within one poll interval of the truth's outage;
 * - an AP down alone under a healthy switch is its own incident, after two missed polls;
 * - a new engine on the same database (a restart) opens nothing and keeps the open one;
 * - acknowledgements and notes are kept in the history.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { steppedClock } from '../../core/clock.ts'
import { pollWithProbe } from '../../collector/index.ts'
import { probeDevice } from '../../collector/probe.ts'
import { createPoller } from '../../collector/scheduler.ts'
import { createWriter } from '../../collector/writer.ts'
import { createIncidentEngine } from '../../incidents/engine.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { openAppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { smallCity, silentLog } from '../simulators/fixture.ts'

const MIN = 60_000
const START = Date.parse('2026-11-24T17:00:00Z')

/** The small city on loopback at START, a DuckDB store fed by the real poller through the writer, an app-state database. */
async function rig() {
  const inventory = smallCity()
  const clock = steppedClock(START)
  const city = createSimulatedCity(inventory, { seed: 7, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, silentLog)
  await city.start()
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-incidents-'))
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const state = openAppState(join(dir, 'state.sqlite'))
  const writer = createWriter({ spoolDir: join(dir, 'spool'), maxDelayMs: 5 }, { store, log: silentLog })
  const poller = createPoller({ timeoutMs: 1000, retries: 0 }, {
    inventory: () => city.inventoryWithEndpoints(), sink: writer, clock, log: silentLog,
    poll: pollWithProbe(probeDevice, () => ({ version: '2c', community: 'public' })),
  })
  writer.start()
  return {
    inventory, clock, city, store, state, writer, poller,
    async close() {
      await poller.stop()
      await writer.stop()
      await store.close()
      state.close()
      await city.stop()
      rmSync(dir, { recursive: true, force: true })
    },
  }
}

test('a fiber cut is one incident with the link as root cause, opened at the first poll that sees it and closed within a poll of the truth; an AP alone is its own after two missed polls; a restart opens nothing', async () => {
  const r = await rig()
  const { inventory, clock, city, store, state, writer, poller } = r
  const engineOf = () => createIncidentEngine({ staleMs: 3 * MIN }, { store, incidents: openIncidentStore(state.db), inventory: () => inventory, clock, log: silentLog })
  let engine = engineOf()
  const incidents = openIncidentStore(state.db)
  let t = START
  const round = async () => {
    clock.set(t)
    await poller.pollAll({ timeoutMs: 1000, retries: 0 })
    await writer.flush()
    const changes = await engine.evaluate()
    t += MIN
    return changes
  }
  try {
    for (let i = 0; i < 3; i++) assert.equal(await round(), [], 'all up: no incident')

    const cutAt = t - 30_000 // half a poll interval before the next poll
    clock.set(cutAt)
    const cut = city.faults.inject({ type: 'link-cut', target: 'fl-north' })
    // the core reports its port on the link down at once: like a linkDown trap, that is
    // evidence enough, with no second missed poll
    const opened = await round()
    assert.is(opened.length, 1)
    assert.equal(opened[0]!.change, 'opened')
    // the controller's APs behind the cut join the same incident at their second miss
    assert.equal(await round(), [{ id: opened[0]!.id, change: 'changed' }], 'the APs joined the incident, no new one')
    const [inc] = incidents.list({ state: 'open' })
    const out = city.truth.outages().filter((o) => o.endMs === null).map((o) => o.device).sort()
    assert.equal(out, ['ap-n1', 'ap-n2', 'ap-n3', 'sw-north'])
    assert.equal([inc!.rootCause.kind, inc!.rootCause.id, inc!.rootCause.probable], ['link', 'fl-north', false])
    assert.match(inc!.rootCause.why, 'core-1 answers and reports its port Te0/0/1 on fiber link fl-north down')
    assert.equal([...inc!.down].sort(), out)
    assert.equal(inc!.affected.neighborhoods, ['north'])
    assert.is(inc!.openedMs, cutAt + 30_000, 'opened at the first failed poll')

    // an AP alone under the healthy south switch: its own incident, after two missed polls
    clock.set(t - 30_000)
    const lone = city.faults.inject({ type: 'device-down', target: 'ap-s2' })
    assert.equal(await round(), [], 'one missed poll: not yet an incident')
    const second = await round()
    assert.equal(second.map((c) => c.change), ['opened'])
    const open = incidents.list({ state: 'open' })
    assert.equal(open.map((i) => [i.rootCause.kind, i.rootCause.id, i.down]), [['device', 'ap-s2', ['ap-s2']], ['link', 'fl-north', [...inc!.down]]])

    // acknowledged, with a note
    incidents.acknowledge(inc!.id, 'engineer:demo', t)
    incidents.note(inc!.id, 'engineer:demo', 'crew dispatched to the north cabinet', t)

    // a restart: a new engine, same database; the misses are forgotten, the incidents are not
    engine = engineOf()
    assert.equal(await round(), [], 'a restart opens nothing and closes nothing')
    assert.is(incidents.list({ state: 'open' }).length, 2)

    // restored: both close; the cut's duration within one poll interval of the truth's
    const restoredAt = t - 20_000
    clock.set(restoredAt)
    city.faults.clear(cut.id)
    city.faults.clear(lone.id)
    const closed = await round()
    assert.equal(closed.map((c) => c.change).sort(), ['closed', 'closed'])
    const done = incidents.get(inc!.id)!
    const truth = city.truth.outages().find((o) => o.device === 'sw-north')!
    const truthMs = truth.endMs! - truth.startMs
    assert.ok(Math.abs(done.closedMs! - done.openedMs - truthMs) <= MIN, `measured ${(done.closedMs! - done.openedMs) / MIN} min, truth ${truthMs / MIN} min`)
    assert.equal(done.state, 'closed')
    // client-hours lost, computed at the close: no history 1-4 weeks before, so none is made up
    assert.equal(done.clientHoursLost, { value: 0, unknownApHours: 3, atMs: done.closedMs })
    assert.equal(done.down, [])
    assert.equal(done.acknowledged, { by: 'engineer:demo', atMs: restoredAt + 20_000 - MIN })
    assert.equal(done.history.map((h) => h.kind), ['opened', 'joined', 'ack', 'note', 'closed'])
    assert.is(done.history[3]!.text, 'crew dispatched to the north cabinet')
    assert.equal(incidents.list({ state: 'open' }), [])
    assert.is(incidents.list().length, 2, 'nothing else was ever opened')
  } finally {
    await engine.stop()
    await r.close()
  }
})

test('a linkDown trap newer than the last poll opens the link\'s incident at once, before any poll fails; a newer linkUp ends it', async () => {
  const T0 = START
  const r = await rig()
  const { inventory, clock, store, state, writer, poller } = r
  const incidents = openIncidentStore(state.db)
  const engine = createIncidentEngine({ staleMs: 3 * MIN, settleMs: 5 * MIN }, { store, incidents, inventory: () => inventory, clock, log: silentLog })
  try {
    await poller.pollAll({ timeoutMs: 1000, retries: 0 })
    await writer.flush()
    assert.equal(await engine.evaluate(), [])
    // the event the trap receiver stores for the core's IF-MIB linkDown on Te0/0/1 (its detail is the ifName)
    clock.set(T0 + 20_000)
    await store.writeEvents([{ timeMs: T0 + 20_000, device: 'core-1', neighborhood: '', type: 'linkDown', severity: 'critical', detail: 'Te0/0/1' }])
    const opened = await engine.evaluate()
    assert.equal(opened.map((c) => c.change), ['opened'], 'at once: a seen dark link does not wait for settleMs')
    const [inc] = incidents.list({ state: 'open' })
    assert.equal([inc!.rootCause.kind, inc!.rootCause.id, inc!.down], ['link', 'fl-north', ['sw-north']])
    assert.is(inc!.openedMs, T0 + 20_000)
    clock.set(T0 + 40_000)
    await store.writeEvents([{ timeMs: T0 + 40_000, device: 'core-1', neighborhood: '', type: 'linkUp', severity: 'info', detail: 'Te0/0/1' }])
    assert.equal((await engine.evaluate()).map((c) => c.change), ['closed'], 'the link is up again and the switch answered its last poll')
    // no poll ever failed: closed at the round that saw the link up, 20 s after it opened
    assert.equal([incidents.get(inc!.id)!.openedMs, incidents.get(inc!.id)!.closedMs], [T0 + 20_000, T0 + 40_000])
  } finally {
    await engine.stop()
    await r.close()
  }
})

test.run()
