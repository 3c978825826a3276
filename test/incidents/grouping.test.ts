/**
 * The root-cause rules of incidents/root-cause.ts on the small test city's tree (core-1 ->
 * fl-north -> sw-north -> 3 APs; core-1 -> fl-south -> sw-south -> 3 APs; core-1 -> wlc-1 on
 * a bare uplink), one case per rule, with statuses given directly.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { buildNetworkTree, subtree } from '../../core/topology.ts'
import { groupFailures, type PortStatus, type Status } from '../../incidents/root-cause.ts'
import { smallCity } from '../simulators/fixture.ts'

const inv = smallCity()
const tree = buildNetworkTree(inv)
const obs = (down: string[], ports: Record<string, PortStatus> = {}, unknown: string[] = []) => ({
  status: (d: string): Status => (down.includes(d) ? 'down' : unknown.includes(d) ? 'unknown' : 'up'),
  port: (d: string, p: string): PortStatus => ports[`${d} ${p}`],
})
const causes = (down: string[], ports?: Record<string, PortStatus>, unknown?: string[]) =>
  groupFailures(tree, inv, obs(down, ports, unknown)).map((g) => [g.rootCause.kind, g.rootCause.id, g.rootCause.probable, g.devices, g.neighborhoods])

test('the tree: fiber links carry the switches, uplinks the rest; subtrees', () => {
  assert.equal(tree.roots, ['core-1'])
  assert.equal(tree.parentEdge.get('sw-north'), { id: 'fl-north', parent: 'core-1', child: 'sw-north', parentPort: 'Te0/0/1', link: 'fl-north', parentEnd: 'b', childPort: 'Te1/1/1' })
  assert.equal(tree.parentEdge.get('ap-n2'), { id: 'uplink:ap-n2', parent: 'sw-north', child: 'ap-n2', parentPort: 'Gi1/0/2' })
  assert.equal(subtree(tree, 'sw-north'), ['sw-north', 'ap-n1', 'ap-n2', 'ap-n3'])
  assert.equal(tree.order[0], 'core-1')
})

test('a cut fiber link seen from the answering side is the root cause of everything behind it', () => {
  assert.equal(causes(['sw-north', 'ap-n1', 'ap-n2', 'ap-n3'], { 'core-1 Te0/0/1': 'down' }), [
    ['link', 'fl-north', false, ['sw-north', 'ap-n1', 'ap-n2', 'ap-n3'], ['north']],
  ])
})

test('the port up at the parent: the device itself; not read: the device, probable', () => {
  assert.equal(causes(['sw-north', 'ap-n1'], { 'core-1 Te0/0/1': 'up' }), [['device', 'sw-north', false, ['sw-north', 'ap-n1'], ['north']]])
  assert.equal(causes(['sw-north']), [['device', 'sw-north', true, ['sw-north'], ['north']]])
})

test('an AP down under a healthy switch is its own group; two failures, two groups, in tree order', () => {
  assert.equal(causes(['ap-s2'], { 'sw-south Gi1/0/2': 'up' }), [['device', 'ap-s2', false, ['ap-s2'], ['south']]])
  assert.equal(causes(['ap-s2'], { 'sw-south Gi1/0/2': 'down' }), [['device', 'ap-s2', true, ['ap-s2'], ['south']]], 'port down on a bare uplink: the device or its cable')
  assert.equal(causes(['ap-s2', 'sw-north', 'ap-n1'], { 'core-1 Te0/0/1': 'down', 'sw-south Gi1/0/2': 'up' }).map((c) => c[1]), ['fl-north', 'ap-s2'])
})

test('the root of the tree down: everything below it through down devices is its group, seen', () => {
  const all = inv.devices.map((d) => d.id)
  const [g] = causes(all)
  assert.equal([g![0], g![1], g![2]], ['device', 'core-1', false])
  assert.equal([...(g![3] as string[])].sort(), [...all].sort())
  assert.equal(g![4], ['north', 'south'])
})

test('a device behind a fiber link its answering far end reports dark is cut off: down, whatever its own polls said so far', () => {
  // sw-north's own failed poll has not come in yet (unknown); core-1 says Te0/0/1 is dark
  assert.equal(causes(['ap-n1', 'ap-n2'], { 'core-1 Te0/0/1': 'down' }, ['sw-north']), [['link', 'fl-north', false, ['sw-north', 'ap-n1', 'ap-n2'], ['north']]])
  assert.equal(causes([], { 'core-1 Te0/0/1': 'down' }, ['sw-north']), [['link', 'fl-north', false, ['sw-north'], ['north']]])
  // a dark port on a bare uplink is no such evidence (the device or its cable)
  assert.equal(causes([], { 'sw-south Gi1/0/2': 'down' }), [])
})

test('an unknown status neither opens nor joins a group; a down device under it is probable', () => {
  // sw-north not read yet: its APs down are each under an unknown parent
  assert.equal(causes(['ap-n1'], {}, ['sw-north']), [['device', 'ap-n1', true, ['ap-n1'], ['north']]])
  // a down switch above an unknown AP and a down AP: the unknown one is not listed
  assert.equal(causes(['sw-north', 'ap-n1'], { 'core-1 Te0/0/1': 'down' }, ['ap-n2']), [['link', 'fl-north', false, ['sw-north', 'ap-n1'], ['north']]])
  assert.equal(causes([], {}, ['sw-north', 'ap-n1']), [])
})

test.run()
