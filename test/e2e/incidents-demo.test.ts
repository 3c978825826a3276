/**
 * Incidents in the running demo (simulated Hartford, cut down to three neighborhoods' APs,
 * the collector polling every 2 s, the API with its incident engine), asked over HTTP as
 * an engineer: a fiber cut injected in the simulator opens exactly one incident (at once,
 * from the core's linkDown trap), root cause the link, listing exactly the devices the
 * simulator's truth has out because of it as their polls fail; when
 * the link is back the incident closes, its duration within one poll interval of the
 * truth's outage (plus, at the end, a poll that was still timing out when the link came back).
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Inventory } from '../../core/inventory.ts'
import { buildNetworkTree, subtree } from '../../core/topology.ts'
import { loadDemoConfig, startDemo, type Demo } from '../../cli/demo.ts'
import { openAppState } from '../../store/app-state.ts'
import { smallHartford } from '../support/small-hartford.ts'

const POLL_MS = 2000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Incident { id: number; state: string; openedMs: number; closedMs: number | null; rootCause: { kind: string; id: string; probable: boolean; why: string }; down: string[]; affected: { devices: string[]; neighborhoods: string[] }; history: { kind: string; text: string }[] }

const test = suite<{ dir: string; demo: Demo; inv: Inventory }>('incidents in the demo', {} as { dir: string; demo: Demo; inv: Inventory })
test.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-incidents-demo-'))
  ctx.inv = smallHartford()
  const state = openAppState(join(ctx.dir, 'state.sqlite'))
  state.replaceInventory(ctx.inv, 'test: a smaller Hartford')
  state.close()
  const config = loadDemoConfig({
    CIVICNET_DATA_DIR: ctx.dir, PORT: '0', CIVICNET_SIM_CONTROL_PORT: '0', CIVICNET_TRAP_PORT: '0', CIVICNET_DEMO_EPHEMERAL_PORTS: '1',
    CIVICNET_DEMO_HISTORY_DAYS: '0', CIVICNET_COLLECT_INTERVAL_MS: String(POLL_MS),
    // a dead switch's poll (several walks timing out) can take longer than the 2 s interval:
    // a new failure waits 20 s for the devices above it before it opens an incident
    CIVICNET_INCIDENT_SETTLE_MS: '20000',
  })
  ctx.demo = await startDemo(config, pino({ level: process.env.CIVICNET_TEST_LOG ?? 'warn' }))
})
test.after(async (ctx) => {
  await ctx.demo?.stop()
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
})

async function incidents(demo: Demo, q = ''): Promise<Incident[]> {
  const res = await fetch(`${demo.baseUrl}/api/incidents${q}`, { headers: { authorization: `Bearer ${demo.token}` } })
  assert.is(res.status, 200)
  return ((await res.json()) as { incidents: Incident[] }).incidents
}
async function until<T>(what: string, f: () => Promise<T | undefined>, ms = 30_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v !== undefined) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(250)
  }
}

test('a fiber cut is one incident, root cause the link, the truth\'s devices; it closes within a poll of the truth', async ({ demo, inv }) => {
  await sleep(3 * POLL_MS)
  assert.equal(await incidents(demo), [], 'all up: no incident')
  const tree = buildNetworkTree(inv)
  const kind = new Map(inv.devices.map((d) => [d.id, d.kind]))
  const apsBehind = (id: string) => subtree(tree, tree.edges.get(id)!.child).filter((d) => kind.get(d) === 'ap').length
  const link = inv.links.filter((l) => tree.edges.has(l.id) && apsBehind(l.id) >= 5).sort((a, b) => apsBehind(a.id) - apsBehind(b.id) || a.id.localeCompare(b.id))[0]!
  const cut = demo.city.faults.inject({ type: 'link-cut', target: link.id })
  const opened = await until('the incident', async () => (await incidents(demo, '?state=open'))[0], 60_000)
  // the core's linkDown trap opens it at once; the devices behind join as their polls fail
  const truthOut = demo.city.truth.outages().filter((o) => o.endMs === null)
  const want = truthOut.map((o) => o.device).sort()
  await until('every device behind the cut in the incident', async () => {
    const open = await incidents(demo, '?state=open')
    return open.length === 1 && JSON.stringify([...open[0]!.down].sort()) === JSON.stringify(want) ? true : undefined
  }, 60_000).catch(() => undefined)
  const [inc, ...more] = await incidents(demo, '?state=open')
  const story = async () => JSON.stringify((await incidents(demo)).map((i) => [i.id, i.state, i.rootCause.id, i.history.map((h) => `${h.kind} ${h.text.slice(0, 100)}`)]))
  assert.equal(more, [], `exactly one incident: ${await story()}`)
  assert.is(inc!.id, opened.id, `the first incident is the one: ${await story()}`)
  assert.equal([inc!.rootCause.kind, inc!.rootCause.id, inc!.rootCause.probable], ['link', link.id, false])
  assert.equal([...inc!.down].sort(), want, 'the devices the truth has out')
  assert.ok(truthOut.every((o) => o.causes.some((c) => c.includes(link.id))))
  assert.equal(inc!.affected.neighborhoods, [...new Set(truthOut.map((o) => o.neighborhood))].sort())

  demo.city.faults.clear(cut.id)
  const closed = await until('the close', async () => (await incidents(demo, '?state=closed')).find((i) => i.id === inc!.id))
  const truth = demo.city.truth.outages().find((o) => o.device === tree.edges.get(link.id)!.child)!
  const measured = closed.closedMs! - closed.openedMs
  const truthMs = truth.endMs! - truth.startMs
  // opened at the first failed poll (up to one interval after the cut), closed at the last
  // device's first good poll (up to one interval after the repair, plus a poll that was
  // still timing out then: the demo's 1.5 s timeout, one retry)
  assert.ok(measured - truthMs >= -POLL_MS && measured - truthMs <= POLL_MS + 3000, `measured ${measured} ms, truth ${truthMs} ms`)
  assert.equal(await incidents(demo, '?state=open'), [])
  console.log(`  ${link.id}: ${inc!.down.length} devices in ${inc!.affected.neighborhoods.join(', ')}; ${measured} ms open, truth ${truthMs} ms`)
})

test.run()
