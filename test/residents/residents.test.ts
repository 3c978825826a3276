/**
 * Residents' reports.
 * - residents/ on Hartford (the real inventory and tree), incidents from the real root-cause
 *   grouping: a pin at an AP a cut link takes out is told the incident and attached to it;
 *   one in a neighborhood with no incident is not; others near in the last hour are
 *   counted; places outside the served area are refused naming what is served; when the
 *   incident closes the attached report is resolved with it and the other stays open;
 *   clusters by place and hour flag the unmatched.
 * - The API and the no-script form over the real app: public answers carry no pin, words or
 *   contact; the honeypot, the per-address limit and the size limits refuse with the
 *   project's errors and store nothing; engineers see contacts, the log never does.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { haversineM, pointInArea, ringCentroid } from '../../core/geo.ts'
import type { Inventory, Position } from '../../core/inventory.ts'
import { groupFailures, type PortStatus, type Status } from '../../incidents/root-cause.ts'
import { treeOf } from '../../incidents/scope.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { clusters, knownAt, submit, sync, ReportPlaceError } from '../../residents/index.ts'
import { openResidentReportStore } from '../../residents/store.ts'
import { openAppState } from '../../store/app-state.ts'
import { subtree } from '../../core/topology.ts'
import { T, harness } from '../api/support.ts'

const MIN = 60_000

test('Hartford: attached to the cut that covers the pin, resolved with it; the rest open and flagged; outside the served area refused', () => {
  const inv: Inventory = hartfordInventory(1)
  const tree = treeOf(inv)
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-residents-'))
  const state = openAppState(join(dir, 'state.sqlite'))
  try {
    const incidents = openIncidentStore(state.db)
    const deps = { reports: openResidentReportStore(state.db), incidents, inventory: () => inv }
    const link = inv.links.find((l) => l.id === 'fiber-sw-blue-hills-1')!
    const edge = tree.edges.get(link.id)!
    const behind = subtree(tree, edge.child)
    const ports: Record<string, PortStatus> = { [`${edge.parent} ${edge.parentPort}`]: 'down' }
    incidents.update(groupFailures(tree, inv, { status: (d): Status => (behind.includes(d) ? 'down' : 'up'), port: (d, p) => ports[`${d} ${p}`] }), T - 30 * MIN, { sinceMs: () => T - 30 * MIN })
    const cut = incidents.list({ state: 'open' })[0]!
    const site = new Map(inv.sites.map((s) => [s.id, [s.lon, s.lat] as Position]))
    const at = (ap: string) => site.get(inv.devices.find((d) => d.id === ap)!.site)!
    const bhAp = behind.find((d) => inv.devices.find((x) => x.id === d)!.kind === 'ap')!
    const neAp = inv.devices.find((d) => d.kind === 'ap' && inv.sites.find((s) => s.id === d.site)!.neighborhood === 'northeast')!.id

    // before sending: known, and no one else yet
    const [lon, lat] = at(bhAp)
    assert.equal(knownAt({ lon, lat }, T, deps), { neighborhood: 'blue-hills', incident: { id: cut.id, sinceMs: T - 30 * MIN }, othersLastHour: 0 })
    const a = submit({ kind: 'no-wifi', lon, lat, near: '  corner of Albany and Homestead  ', contact: 'resident@example.org' }, T, deps)
    assert.equal([a.report.incidentId, a.report.neighborhood, a.report.near, a.report.state], [cut.id, 'blue-hills', 'corner of Albany and Homestead', 'open'])
    assert.match(a.report.tracking, /^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$/)
    // at another AP behind the link, within 250 m of the first, ten minutes later: one other near
    const second = behind.find((d) => d !== bhAp && inv.devices.find((x) => x.id === d)!.kind === 'ap' && haversineM(at(d), at(bhAp)) <= 250)!
    const b = submit({ kind: 'slow', lon: at(second)[0], lat: at(second)[1] }, T + 10 * MIN, deps)
    assert.equal([b.known.othersLastHour, b.report.incidentId], [1, cut.id])
    // Northeast has no incident: not attached
    const [nlon, nlat] = at(neAp)
    const c = submit({ kind: 'cant-connect', lon: nlon, lat: nlat }, T + 12 * MIN, deps)
    assert.equal([c.known.incident, c.report.incidentId, c.known.othersLastHour], [null, null, 0])
    // by neighborhood only: the open incident there
    const d = submit({ kind: 'no-wifi', neighborhood: 'blue-hills', near: 'the library' }, T + 13 * MIN, deps)
    assert.equal([d.report.incidentId, d.report.lon, d.known.othersLastHour], [cut.id, null, 2])

    // outside the served area, each with what is wrong and what is served
    const served = inv.neighborhoods.filter((n) => n.served).map((n) => n.name).join(', ')
    const unserved = inv.neighborhoods.find((n) => !n.served)!
    const inside = ringCentroid(unserved.geometry.type === 'Polygon' ? unserved.geometry.coordinates[0]! : unserved.geometry.coordinates[0]![0]!)
    assert.ok(pointInArea(inside, unserved.geometry), 'a point inside the unserved neighborhood')
    const refused = (place: Parameters<typeof submit>[0]) => {
      try {
        submit(place, T, deps)
      } catch (err) {
        assert.instance(err, ReportPlaceError)
        return [(err as ReportPlaceError).field, (err as Error).message]
      }
      throw new Error('accepted')
    }
    assert.equal(refused({ kind: 'slow', lon: inside[0], lat: inside[1] }), ['lon', `that place is outside the area the free Wi-Fi serves (${unserved.name} has no public Wi-Fi yet); it serves ${served}`])
    assert.equal(refused({ kind: 'slow', lon: 0, lat: 0 }), ['lon', `that place is outside the area the free Wi-Fi serves; it serves ${served}`])
    assert.equal(refused({ kind: 'slow', neighborhood: unserved.id }), ['neighborhood', `${unserved.name} has no public Wi-Fi yet; it serves ${served}`])
    assert.equal(refused({ kind: 'slow', lon: 1 }), ['lat', 'a map pin needs both lon and lat'])
    assert.equal(refused({ kind: 'slow' }), ['neighborhood', `say where: a map pin (lon, lat) or a neighborhood (${served})`])
    assert.is(deps.reports.list({ fromMs: 0, toMs: T + HOUR }).length, 4, 'nothing stored by a refusal')

    // engineers' clusters: the two Blue Hills pins are one place in one hour; Northeast's stands alone, unmatched
    const cl = clusters(deps.reports.list({ fromMs: 0, toMs: T + HOUR }))
    assert.equal(cl.map((x) => [x.neighborhood, x.reports, x.incidents, x.unmatched, x.lon === null]).sort(), [
      ['blue-hills', 1, [cut.id], 0, true],
      ['blue-hills', 2, [cut.id], 0, false],
      ['northeast', 1, [], 1, false],
    ])

    // the link is back: the incident closes, its reports with it; Northeast's stays open
    incidents.update([], T + 40 * MIN, { recoveredMs: () => T + 40 * MIN })
    assert.is(sync(deps), 3)
    const after = new Map(deps.reports.list({ fromMs: 0, toMs: T + HOUR }).map((r) => [r.tracking, r]))
    assert.equal([a, b, d].map((x) => [after.get(x.report.tracking)!.state, after.get(x.report.tracking)!.resolvedMs, after.get(x.report.tracking)!.resolvedBy]), [
      ['resolved', T + 40 * MIN, 'incident'],
      ['resolved', T + 40 * MIN, 'incident'],
      ['resolved', T + 40 * MIN, 'incident'],
    ])
    assert.equal([after.get(c.report.tracking)!.state, after.get(c.report.tracking)!.resolvedMs], ['open', null])
    assert.is(deps.reports.contactOf(a.report.id), 'resident@example.org')
    assert.is(deps.reports.contactOf(c.report.id), null)
  } finally {
    state.close()
    rmSync(dir, { recursive: true, force: true })
  }
})
const HOUR = 60 * MIN

test('the API: public answers with no pin, words or contact; honeypot, limits and sizes refused, nothing stored; engineers see contacts, the log never', async () => {
  const h = await harness()
  try {
    const post = (payload: object) => h.app.inject({ method: 'POST', url: '/api/resident-reports', payload })
    const made = await post({ kind: 'no-wifi', lon: -72.695, lat: 41.805, near: 'by the bus stop', contact: 'call 860-555-0100' })
    assert.is(made.statusCode, 201, made.body)
    const { tracking, statusUrl, known } = made.json()
    assert.equal([statusUrl, known], [`/status/report/${tracking}`, { neighborhood: 'north', incident: null, othersLastHour: 0 }])
    const tracked = await h.app.inject({ method: 'GET', url: `/api/resident-reports/track/${tracking}` })
    assert.equal(tracked.json(), { tracking, kind: 'no-wifi', neighborhood: 'north', createdMs: T, state: 'open', resolvedMs: null, incident: null })
    assert.is((await h.app.inject({ method: 'GET', url: '/api/resident-reports/track/R-0000-0000' })).json().code, 'CN_ERR_REPORT_NOT_FOUND')
    assert.is((await h.app.inject({ method: 'GET', url: '/api/resident-reports/track/R-0000-000I' })).statusCode, 400, 'not a tracking number')

    const refusals: [object, number, string, string][] = [
      [{ kind: 'slow', neighborhood: 'north', website: 'http://cheap.example' }, 400, 'CN_ERR_REPORT_REFUSED', 'the report was not accepted'],
      [{ kind: 'fire', neighborhood: 'north' }, 400, 'CN_ERR_VALIDATION', ''],
      [{ kind: 'slow', neighborhood: 'north', near: 'x'.repeat(121) }, 400, 'CN_ERR_VALIDATION', ''],
      [{ kind: 'slow', neighborhood: 'north', contact: 'a\u0007b' }, 400, 'CN_ERR_VALIDATION', ''],
      [{ kind: 'slow', neighborhood: 'south' }, 400, 'CN_ERR_REPORT_PLACE', "field 'neighborhood': South End has no public Wi-Fi yet; it serves North End"],
      [{ kind: 'slow', lon: -72.695 }, 400, 'CN_ERR_REPORT_PLACE', "field 'lat': a map pin needs both lon and lat"],
    ]
    for (const [payload, status, code, message] of refusals) {
      const r = await post(payload)
      assert.equal([r.statusCode, r.json().code], [status, code], JSON.stringify(payload))
      if (message) assert.is(r.json().message, message)
    }
    // engineers see it with its pin, words and contact; one report stored
    const list = await h.app.inject({ method: 'GET', url: '/api/resident-reports', headers: { authorization: `Bearer ${h.tokens.engineer}` } })
    assert.is(list.statusCode, 200)
    assert.equal(list.json().reports.map((r: { tracking: string; lon: number; near: string; contact: string }) => [r.tracking, r.lon, r.near, r.contact]), [[tracking, -72.695, 'by the bus stop', 'call 860-555-0100']])
    assert.equal(list.json().clusters.map((c: { reports: number; unmatched: number }) => [c.reports, c.unmatched]), [[1, 1]])
    assert.is((await h.app.inject({ method: 'GET', url: '/api/resident-reports' })).statusCode, 401, 'not for the public')

    // 5 per address in 10 minutes (the refusals above counted: the honeypot's did too)
    let n = 0
    for (; n < 10; n++) if ((await post({ kind: 'slow', neighborhood: 'north' })).statusCode !== 201) break
    const over = await post({ kind: 'slow', neighborhood: 'north' })
    assert.equal([over.statusCode, over.json().code, over.json().message], [429, 'CN_ERR_TOO_MANY_REPORTS', 'too many reports from this address (5 in 10 min): try again in 600 s'])
    assert.ok(n >= 1 && n <= 4, `${n} more accepted before the limit`)

    const logged = JSON.stringify(h.logs)
    assert.not.match(logged, /860-555-0100|bus stop|-72\.695/)
    assert.match(logged, new RegExp(`"report":"${tracking}"`))
  } finally {
    await h.close()
  }
})

test('the form needs no script: choose the neighborhood, see what is known, send, get the tracking page; mistakes say what is wrong', async () => {
  const h = await harness({ residentReports: { max: 100, windowMs: 60_000 } })
  try {
    const step1 = await h.app.inject({ method: 'GET', url: '/status/report?neighborhood=north&lang=en' })
    assert.is(step1.statusCode, 200)
    assert.match(step1.body, /No problem is known here yet\./)
    assert.match(step1.body, /<form method="post" action="\/status\/report\?lang=en">/)
    const form = (body: string, lang = 'en') => h.app.inject({ method: 'POST', url: `/status/report?lang=${lang}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, payload: body })
    const sent = await form('neighborhood=north&kind=slow&near=Main+%26+Albany&contact=&website=', 'es')
    assert.is(sent.statusCode, 303)
    const location = String(sent.headers.location)
    const tracking = /\/status\/report\/(R-[0-9A-Z]{4}-[0-9A-Z]{4})\?lang=es&sent=1$/.exec(location)![1]!
    const page = await h.app.inject({ method: 'GET', url: location })
    assert.is(page.statusCode, 200)
    assert.match(page.body, new RegExp(`Su número de seguimiento es ${tracking}\\.`))
    assert.match(page.body, /Estado: abierto/)
    assert.not.match(page.body, /Main &amp; Albany/, 'the words are not shown back on a public page')
    // the same with the honeypot, an unserved place, a bad kind: the form again, with the reason
    const cases: [string, number, RegExp][] = [
      ['neighborhood=north&kind=slow&website=spam', 400, /the report was not accepted/],
      ['neighborhood=south&kind=slow', 400, /South End has no public Wi-Fi yet; it serves North End/],
      ['neighborhood=north&kind=fire', 400, /choose what is wrong/],
      [`neighborhood=north&kind=slow&near=${'x'.repeat(121)}`, 400, /near: at most 120 characters/],
      // the map pin the page's script fills in: both or neither, decimal degrees, in the neighborhood
      ['neighborhood=north&kind=slow&lon=-72.695&lat=', 400, /the map pin is not a place: place it again, or leave it out/],
      ['neighborhood=north&kind=slow&lon=abc&lat=41.805', 400, /the map pin is not a place/],
      ['neighborhood=north&kind=slow&lon=-72.695&lat=141.8', 400, /the map pin is not a place/],
      ['neighborhood=north&kind=slow&lon=-72.695&lat=41.705', 400, /that place is outside the area the free Wi-Fi serves \(South End has no public Wi-Fi yet\)/],
    ]
    for (const [body, status, why] of cases) {
      const r = await form(body)
      assert.is(r.statusCode, status, body)
      assert.match(r.body, /role="alert"/)
      assert.match(r.body, why)
    }
    assert.is(openResidentReportStore(h.appState.db).list({ fromMs: 0, toMs: T + 1 }).length, 1, 'only the one good report stored')
    // with a pin: stored at it
    const pinned = await form('neighborhood=north&kind=no-wifi&lon=-72.6951&lat=41.8052')
    assert.is(pinned.statusCode, 303)
    const withPin = openResidentReportStore(h.appState.db).list({ fromMs: 0, toMs: T + 1 })[0]!
    assert.equal([withPin.lon, withPin.lat, withPin.neighborhood], [-72.6951, 41.8052, 'north'])
    assert.is((await h.app.inject({ method: 'GET', url: '/status/report/R-0000-0000' })).statusCode, 404)
  } finally {
    await h.close()
  }
})

test.run()
