/**
 * incidents/store.ts's reconciling rules that the engine tests do not reach directly, on the
 * small test city's tree (core-1 -> fl-north -> sw-north -> 3 APs), groups from the real
 * groupFailures and an app-state database on disk.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildNetworkTree } from '../../core/topology.ts'
import { groupFailures, type PortStatus, type Status } from '../../incidents/root-cause.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { openAppState } from '../../store/app-state.ts'
import { smallCity } from '../simulators/fixture.ts'

const inv = smallCity()
const tree = buildNetworkTree(inv)
const groups = (down: string[], ports: Record<string, PortStatus> = {}) =>
  groupFailures(tree, inv, { status: (d: string): Status => (down.includes(d) ? 'down' : 'up'), port: (d: string, p: string): PortStatus => ports[`${d} ${p}`] })

test('a root cause moves up, and from probable to seen, but never down to a device it covers', () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-incident-store-'))
  const state = openAppState(join(dir, 'state.sqlite'))
  try {
    const store = openIncidentStore(state.db)
    const T = Date.parse('2026-11-24T17:00:00Z')
    // an AP alone first, its switch port not read: probable
    store.update(groups(['ap-n1']), T)
    assert.equal(store.list({ state: 'open' }).map((i) => [i.rootCause.kind, i.rootCause.id, i.rootCause.probable]), [['device', 'ap-n1', true]])
    // then the link is seen dark with everything behind it: the same incident, root cause up
    const cut = { 'core-1 Te0/0/1': 'down' as const }
    store.update(groups(['sw-north', 'ap-n1', 'ap-n2', 'ap-n3'], cut), T + 60_000)
    const [i] = store.list({ state: 'open' })
    assert.equal([i!.id, i!.rootCause.kind, i!.rootCause.id, i!.rootCause.probable], [1, 'link', 'fl-north', false])
    // the link is back, one AP still times out: the link is still why
    store.update(groups(['ap-n2'], { 'sw-north Gi1/0/2': 'up' }), T + 120_000, { recoveredMs: (d) => (d === 'ap-n2' ? undefined : T + 120_000) })
    const [still] = store.list({ state: 'open' })
    assert.equal([still!.id, still!.rootCause.kind, still!.rootCause.id, still!.down], [1, 'link', 'fl-north', ['ap-n2']])
    assert.equal(still!.history.filter((h) => h.kind === 'root-cause').length, 1, 'one move: ap-n1 (probable) to the link')
  } finally {
    state.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('after a cut link is back, the APs behind it still timing out stay in its incident, each seen alone under the healthy switch: no new incident, and it closes when they answer', () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-incident-store-'))
  const state = openAppState(join(dir, 'state.sqlite'))
  try {
    const store = openIncidentStore(state.db)
    const T = Date.parse('2026-11-24T17:00:00Z')
    const cut = { 'core-1 Te0/0/1': 'down' as const }
    store.update(groups(['sw-north', 'ap-n1', 'ap-n2', 'ap-n3'], cut), T, { sinceMs: () => T })
    // the link and the switch are back, ap-n3 answers; ap-n1 and ap-n2 still time out, each its
    // own group under a switch that reports their ports up
    const up = { 'sw-north Gi1/0/1': 'up' as const, 'sw-north Gi1/0/2': 'up' as const }
    const back = (d: string) => (d === 'ap-n1' || d === 'ap-n2' ? undefined : T + 60_000)
    const changes = store.update(groups(['ap-n1', 'ap-n2'], up), T + 62_000, { sinceMs: () => T, recoveredMs: back })
    assert.equal(store.list({ state: 'open' }).map((i) => [i.id, i.rootCause.id, [...i.down].sort()]), [[1, 'fl-north', ['ap-n1', 'ap-n2']]])
    assert.equal(changes, [{ id: 1, change: 'changed' }])
    // they answer: the one incident closes at the last one's first good poll
    store.update([], T + 64_000, { recoveredMs: (d) => (d === 'ap-n2' ? T + 63_500 : T + 62_500) })
    assert.equal(store.list().map((i) => [i.id, i.state, i.closedMs]), [[1, 'closed', T + 63_500]])
  } finally {
    state.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
