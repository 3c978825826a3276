/**
 * status/: the public status from real stores.
 * - On the report fixture (DuckDB with known polls: ap-n2 down 90 min, ap-e1 unpolled 3 h):
 *   uptime per neighborhood over 30 and 90 days equals the polls' truth, with the day data
 *   starts; small counts are "fewer than 10".
 * - On Hartford (the real inventory and its network tree) with incidents made by the real
 *   root-cause grouping: a cut fiber link puts its neighborhood in outage with the APs
 *   behind it counted; an AP alone is a partial outage; resolved incidents of the last 90
 *   days with their time to restore, merged ones left out; and no device name, device id,
 *   link id, site id or address anywhere in the JSON, the page, the feed or a badge.
 * - The language: ?lang=, then Accept-Language with q-values, then English.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import type { Inventory } from '../../core/inventory.ts'
import { buildNetworkTree, subtree } from '../../core/topology.ts'
import { groupFailures, type PortStatus, type Status } from '../../incidents/root-cause.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createStatusService, publicCount } from '../../status/index.ts'
import { chooseLang } from '../../status/i18n.ts'
import { renderAtom, renderBadge, renderStatusHtml } from '../../status/render.ts'
import { openAppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { DATA_FROM_MS, DATA_TO_MS, openFixture } from '../reports/fixture.ts'

const MIN = 60_000
const DAY = 24 * 60 * MIN

test('uptime over 30 and 90 days from the polls, with the day data starts; small counts hidden', async () => {
  const f = await openFixture()
  try {
    const service = createStatusService({ store: f.store, incidents: openIncidentStore(f.appState.db), inventory: () => f.appState.inventory() })
    const s = await service.status(DATA_TO_MS)
    // every AP polled every 10 min from DATA_FROM to DATA_TO; ap-n2 down 90 min; ap-e1's
    // 3 unpolled hours are unknown, not down
    const known = (DATA_TO_MS - DATA_FROM_MS) / MIN
    const north = Math.round(((100 * (2 * known - 90)) / (2 * known)) * 1000) / 1000
    const hour = Math.floor(DATA_FROM_MS / 3_600_000) * 3_600_000
    assert.equal(s.neighborhoods.map((n) => [n.id, n.state, n.aps, n.apsOut, n.uptime30d, n.uptime90d]), [
      ['north', 'working', { value: null, fewerThan10: true }, { value: 0, fewerThan10: false }, { pct: north, dataFromMs: hour }, { pct: north, dataFromMs: hour }],
      ['east', 'working', { value: null, fewerThan10: true }, { value: 0, fewerThan10: false }, { pct: 100, dataFromMs: hour }, { pct: 100, dataFromMs: hour }],
    ])
    assert.equal([s.open, s.resolved], [[], []])
  } finally {
    await f.close()
  }
})

test('publicCount: 0 and 10 or more as they are, 1 to 9 hidden', () => {
  assert.equal([0, 1, 9, 10, 24].map(publicCount), [
    { value: 0, fewerThan10: false },
    { value: null, fewerThan10: true },
    { value: null, fewerThan10: true },
    { value: 10, fewerThan10: false },
    { value: 24, fewerThan10: false },
  ])
})

test('Hartford: a cut link is an outage of the APs behind it; an AP alone a partial outage; resolved ones with their time to restore; nothing that names a device', async () => {
  const inv: Inventory = hartfordInventory(1)
  const tree = buildNetworkTree(inv)
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-status-'))
  const state = openAppState(join(dir, 'state.sqlite'))
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  try {
    const incidents = openIncidentStore(state.db)
    const T = Date.parse('2026-12-01T15:00:00Z')
    const group = (down: string[], ports: Record<string, PortStatus>) => groupFailures(tree, inv, { status: (d): Status => (down.includes(d) ? 'down' : 'up'), port: (d, p) => ports[`${d} ${p}`] })
    const hood = new Map(inv.sites.map((x) => [x.id, x.neighborhood]))
    const nbOf = (id: string) => hood.get(inv.devices.find((d) => d.id === id)!.site)!
    const isAp = (id: string) => inv.devices.find((d) => d.id === id)!.kind === 'ap'
    // resolved 100 days ago (out of the window), and resolved 2 days ago after 125 min
    const apNe = inv.devices.filter((d) => d.kind === 'ap' && nbOf(d.id) === 'northeast').map((d) => d.id).sort()
    incidents.update(group([apNe[0]!], { [`${inv.devices.find((d) => d.id === apNe[0])!.uplink!.device} ${inv.devices.find((d) => d.id === apNe[0])!.uplink!.port}`]: 'up' }), T - 100 * DAY)
    incidents.update([], T - 100 * DAY + 30 * MIN, { recoveredMs: () => T - 100 * DAY + 30 * MIN })
    incidents.update(group([apNe[1]!], {}), T - 2 * DAY)
    incidents.update([], T - 2 * DAY + 125 * MIN, { recoveredMs: () => T - 2 * DAY + 125 * MIN })
    // the cut: everything behind fiber-sw-blue-hills-1 is down, the core sees its port dark
    const link = inv.links.find((l) => l.id === 'fiber-sw-blue-hills-1')!
    const edge = tree.edges.get(link.id)!
    const behind = subtree(tree, edge.child)
    const cut = group(behind, { [`${edge.parent} ${edge.parentPort}`]: 'down' })
    assert.equal(cut.map((g) => g.rootCause.id), [link.id])
    incidents.update(cut, T - 40 * MIN, { sinceMs: () => T - 40 * MIN })
    const cutId = incidents.list({ state: 'open' })[0]!.id
    incidents.setExpectedRestore(cutId, 'engineer', T + 2 * 3_600_000, T - 10 * MIN)
    // an AP down alone in Downtown, open
    const apDt = inv.devices.filter((d) => d.kind === 'ap' && nbOf(d.id) === 'downtown').map((d) => d.id).sort()[0]!
    const dtGroups = group([...behind, apDt], { [`${edge.parent} ${edge.parentPort}`]: 'down' })
    incidents.update(dtGroups, T - 5 * MIN, { sinceMs: (d) => (d === apDt ? T - 5 * MIN : T - 40 * MIN) })

    const service = createStatusService({ store, incidents, inventory: () => inv })
    const s = await service.status(T)
    const apsIn = (nb: string) => inv.devices.filter((d) => d.kind === 'ap' && nbOf(d.id) === nb).length
    const bhOut = behind.filter(isAp).length
    const bhTotal = apsIn('blue-hills')
    const byId = new Map(s.neighborhoods.map((n) => [n.id, n]))
    assert.equal([byId.get('blue-hills')!.state, byId.get('blue-hills')!.apsOut, byId.get('blue-hills')!.aps], [2 * bhOut >= bhTotal ? 'outage' : 'partial', publicCount(bhOut), publicCount(bhTotal)])
    assert.ok(bhOut >= 10, `${bhOut} APs behind the link`)
    assert.equal([byId.get('downtown')!.state, byId.get('downtown')!.apsOut], ['partial', { value: null, fewerThan10: true }])
    assert.equal(s.neighborhoods.filter((n) => n.state === 'working').map((n) => n.id).sort(), ['asylum-hill', 'clay-arsenal', 'frog-hollow', 'northeast'])
    assert.equal(s.open.map((i) => [i.cause, i.neighborhoods.map((n) => n.id), i.startedMs, i.expectedRestoreMs, i.apsOut, i.apsTotal]), [
      ['access-point', ['downtown'], T - 5 * MIN, null, publicCount(1), publicCount(apsIn('downtown'))],
      ['fiber', ['blue-hills'], T - 40 * MIN, T + 2 * 3_600_000, publicCount(bhOut), publicCount(bhTotal)],
    ])
    assert.equal(s.resolved.map((i) => [i.cause, i.neighborhoods.map((n) => n.id), i.restoreMinutes, i.endedMs]), [['access-point', ['northeast'], 125, T - 2 * DAY + 125 * MIN]])

    // nothing that names a device, a link, a site or an address, in any form residents get
    const texts = [JSON.stringify(s), renderStatusHtml(s, 'en', { page: '/status', feed: '/status/feed.atom', badge: (id) => `/status/badge/${id}.svg` }), renderStatusHtml(s, 'es', { page: '/status', feed: '/status/feed.atom', badge: (id) => `/status/badge/${id}.svg` }), renderAtom(s, 'en', 'https://wifi.example.gov', '/status'), ...s.neighborhoods.map((n) => renderBadge(n, 'es'))]
    const secrets = [...inv.devices.flatMap((d) => [d.id, d.name, d.mgmt.host === '127.0.0.1' ? '' : d.mgmt.host]), ...inv.links.map((l) => l.id), ...inv.sites.map((x) => x.id)].filter((x) => x.length >= 4)
    const leaks = secrets.filter((x) => texts.some((t) => t.includes(x)))
    assert.equal(leaks, [])
    const html = texts[1]!
    assert.match(html, /<h3 id="inc-\d+">Blue Hills: A fiber line is damaged<\/h3>/)
    assert.match(html, new RegExp(`${bhOut} of ${bhTotal} access points out`))
    assert.match(html, /fewer than 10 of \d+ access points out/)
    assert.match(texts[2]!, /Una línea de fibra está dañada/)
    assert.match(texts[2]!, /<html lang="es">/)
  } finally {
    await store.close()
    state.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('names from the inventory are escaped in the page, the feed and the badge', async () => {
  const f = await openFixture()
  try {
    const inv = f.appState.inventory()
    const odd: Inventory = { ...inv, neighborhoods: inv.neighborhoods.map((n) => (n.id === 'north' ? { ...n, name: 'North <script>alert(1)</script> & "Co"' } : n)) }
    const s = await createStatusService({ store: f.store, incidents: openIncidentStore(f.appState.db), inventory: () => odd }).status(DATA_TO_MS)
    for (const t of [renderStatusHtml(s, 'en', { page: '/status', feed: '/f', badge: (id) => `/b/${id}` }), renderAtom(s, 'en', 'http://x', '/status'), renderBadge(s.neighborhoods[0]!, 'en')]) {
      assert.not.match(t, /<script>/)
    }
    assert.match(renderBadge(s.neighborhoods[0]!, 'en'), /North &lt;script&gt;alert\(1\)&lt;\/script&gt; &amp; &quot;Co&quot; Wi-Fi/)
  } finally {
    await f.close()
  }
})

test('the language: ?lang= first, then Accept-Language by q, then English', () => {
  assert.is(chooseLang('es', 'en'), 'es')
  assert.is(chooseLang('en', 'es'), 'en')
  assert.is(chooseLang(undefined, 'es-MX,es;q=0.9,en;q=0.8'), 'es')
  assert.is(chooseLang(undefined, 'en-US,en;q=0.9,es;q=0.8'), 'en')
  assert.is(chooseLang(undefined, 'fr-FR,es;q=0.5,en;q=0.4'), 'es')
  assert.is(chooseLang(undefined, 'es;q=0,en;q=0.1'), 'en')
  assert.is(chooseLang(undefined, 'fr, de'), 'en')
  assert.is(chooseLang(undefined, undefined), 'en')
  assert.is(chooseLang('xx', 'es'), 'es')
})

test.run()
