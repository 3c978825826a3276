/**
 * An incident opened by hand from residents' reports that match no incident (a coverage
 * hole, a portal fault the polls cannot see), over the real app and app-state database:
 * POST /api/incidents attaches the reports, later reports near it attach to it, the engine
 * neither matches nor closes it, the public status page shows its neighborhood as a partial
 * outage with a reported cause (no words of the engineer's, no device), the alert says what
 * it is, and POST /api/incidents/:id/close resolves it with its reports. Every bad input a
 * 4xx naming what is wrong, with nothing stored; every role tried.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { describeIncident } from '../../alerts/rules.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { T, bearer, harness, inventory } from '../api/support.ts'

const A = { lon: -72.698, lat: 41.802 }
const B = { lon: -72.6985, lat: 41.8025 }

test('opened by hand from two unmatched reports: attached, a third nearby joins, the engine leaves it, the public sees a partial outage, closed by hand with its reports', async () => {
  const h = await harness()
  try {
    const report = async (p: object) => {
      const r = await h.app.inject({ method: 'POST', url: '/api/resident-reports', payload: { kind: 'cant-connect', ...p }, remoteAddress: `10.0.0.${Math.floor(Math.random() * 200) + 1}` })
      assert.is(r.statusCode, 201, r.body)
      return r.json().tracking as string
    }
    const a = await report(A)
    const b = await report(B)
    const asEngineer = (method: 'GET' | 'POST', url: string, payload?: object, role: 'engineer' | 'admin' | 'analyst' | 'planner' = 'engineer') =>
      h.app.inject({ method, url, headers: bearer(h.tokens[role]), ...(payload ? { payload } : {}) })
    const clusters = async () => (await asEngineer('GET', '/api/resident-reports')).json().clusters as { reports: number; unmatched: number; unmatchedTracking: string[]; incidents: number[] }[]
    assert.equal((await clusters()).map((c) => [c.reports, c.unmatched, [...c.unmatchedTracking].sort()]), [[2, 2, [a, b].sort()]])

    const body = { summary: 'The portal page does not load on the east side of the park', reports: [a, b] }
    // not for the public, analysts or planners
    assert.is((await h.app.inject({ method: 'POST', url: '/api/incidents', payload: body })).statusCode, 401)
    assert.is((await asEngineer('POST', '/api/incidents', body, 'analyst')).statusCode, 403)
    assert.is((await asEngineer('POST', '/api/incidents', body, 'planner')).statusCode, 403)
    const made = await asEngineer('POST', '/api/incidents', body)
    assert.is(made.statusCode, 201, made.body)
    const inc = made.json()
    assert.equal(
      [inc.state, inc.openedMs, inc.closedMs, inc.rootCause, inc.openedBy, inc.place, inc.affected, inc.down, inc.clientHoursLost, inc.sla.severity, inc.sla.targetMs],
      ['open', T, null, { kind: 'reported', id: 'north', probable: false, why: body.summary }, "engineer 'test engineer'", { lon: -72.69825, lat: 41.80225 }, { devices: [], aps: [], neighborhoods: ['north'] }, [], null, 'minor', 24 * 3_600_000],
    )
    assert.equal(inc.history.map((e: { kind: string; actor: string; text: string }) => [e.kind, e.actor, e.text]), [['opened', "engineer 'test engineer'", `opened by hand in north: ${body.summary}`]])
    // the reports are part of it; the residents' tracking pages say so
    assert.equal((await clusters()).map((c) => [c.reports, c.unmatched, c.incidents]), [[2, 0, [inc.id]]])
    const tracked = (await h.app.inject({ method: 'GET', url: `/api/resident-reports/track/${a}` })).json()
    assert.equal([tracked.state, tracked.incident], ['open', { id: inc.id, state: 'open', sinceMs: T, expectedRestoreMs: null }])
    // a later report within 250 m of its place is told of it and attached
    h.clock.set(T + 60_000)
    const near = await h.app.inject({ method: 'POST', url: '/api/resident-reports', payload: { kind: 'no-wifi', lon: -72.6982, lat: 41.8021 }, remoteAddress: '10.0.1.1' })
    assert.equal([near.statusCode, near.json().known.incident], [201, { id: inc.id, sinceMs: T }])
    const c = near.json().tracking as string

    // an AP named: its own incident, the AP in it (it may still answer polls)
    const withAp = await asEngineer('POST', '/api/incidents', { summary: 'AP 3 hands out no addresses', neighborhood: 'north', aps: ['ap-3'] })
    assert.equal([withAp.statusCode, withAp.json().affected, withAp.json().place], [201, { devices: ['ap-3'], aps: ['ap-3'], neighborhoods: ['north'] }, null])
    const apInc = withAp.json().id as number

    // the engine: a round with no failure closes what it opened, never these
    const store = openIncidentStore(h.appState.db)
    store.update([], T + 120_000, { recoveredMs: () => T + 120_000 })
    assert.equal(store.list({ state: 'open' }).map((i) => i.id).sort(), [inc.id, apInc].sort())

    // the public: North End is a partial outage (no AP down, a problem reported and worked
    // on); the cause in plain words, none of the engineer's words or device names
    const status = (await h.app.inject({ method: 'GET', url: '/api/status' })).json()
    assert.equal(status.neighborhoods.map((n: { id: string; state: string }) => [n.id, n.state]), [['north', 'partial']])
    assert.equal(status.open.map((o: { id: number; cause: string }) => [o.id, o.cause]).sort(), [[inc.id, 'reported'], [apInc, 'reported']].sort())
    const page = (await h.app.inject({ method: 'GET', url: '/status', headers: { 'accept-language': 'es' } })).body
    assert.match(page, /Residentes reportaron un problema que estamos atendiendo/)
    assert.not.match(JSON.stringify(status) + page, /portal page|AP 3|ap-3/)
    // the alert's words
    assert.is(describeIncident(store.get(inc.id)!, inventory).title, `Incident #${inc.id}: a problem reported in North End, opened by hand: ${body.summary}`)

    // bad input: each a 4xx naming what is wrong, nothing stored
    const before = store.list().length
    const cases: [object, number, string, string][] = [
      [{ summary: 'again', reports: [a] }, 409, 'CN_ERR_REPORT_ATTACHED', `report ${a} is part of incident ${inc.id} already`],
      [{ summary: 'ghost', reports: ['R-0000-0000'] }, 400, 'CN_ERR_INCIDENT_INPUT', "field 'reports': no report has the tracking number 'R-0000-0000'"],
      [{ summary: 'a switch', neighborhood: 'north', aps: ['sw-1'] }, 400, 'CN_ERR_INCIDENT_INPUT', "field 'aps': 'sw-1' is not an access point of the inventory"],
      [{ summary: 'unserved', neighborhood: 'south' }, 400, 'CN_ERR_INCIDENT_INPUT', "field 'neighborhood': South End has no public Wi-Fi: there is no service to restore"],
      [{ summary: 'nowhere', neighborhood: 'atlantis' }, 400, 'CN_ERR_INCIDENT_INPUT', "field 'neighborhood': no neighborhood 'atlantis'"],
      [{ summary: 'where?' }, 400, 'CN_ERR_INCIDENT_INPUT', "field 'reports': say where: the reports it comes from, or a neighborhood"],
      [{ summary: 'where?', reports: [] }, 400, 'CN_ERR_INCIDENT_INPUT', "field 'reports': say where: the reports it comes from, or a neighborhood"],
      [{ reports: [a] }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.summary is required'],
      [{ summary: 'ab', neighborhood: 'north' }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.summary must be 3 to 300 characters, on one line'],
      [{ summary: 'two\nlines', neighborhood: 'north' }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.summary must be 3 to 300 characters, on one line'],
      [{ summary: 'x'.repeat(301), neighborhood: 'north' }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.summary must be 3 to 300 characters, on one line'],
      [{ summary: 'bad number', reports: ['R-1'] }, 400, 'CN_ERR_VALIDATION', 'invalid request: body.reports.0 must be a tracking number like R-7K3P-9Q2M'],
      [{ summary: 'too many', reports: Array.from({ length: 201 }, () => a) }, 400, 'CN_ERR_VALIDATION', ''],
      [{ summary: 'too many', neighborhood: 'north', aps: Array.from({ length: 501 }, () => 'ap-1') }, 400, 'CN_ERR_VALIDATION', ''],
      [{ summary: 'extra', neighborhood: 'north', severity: 'critical' }, 400, 'CN_ERR_VALIDATION', "invalid request: body has unknown field 'severity'"],
    ]
    for (const [payload, status, code, message] of cases) {
      const r = await asEngineer('POST', '/api/incidents', payload)
      assert.equal([r.statusCode, r.json().code], [status, code], `${JSON.stringify(payload).slice(0, 80)}: ${r.body}`)
      if (message) assert.is(r.json().message, message)
    }
    assert.is(store.list().length, before, 'nothing stored by a refusal')

    // close: only by hand for these; one the engine opened closes by itself
    store.update([{ rootCause: { kind: 'device', id: 'ap-1', probable: false, why: 'test' }, top: 'ap-1', devices: ['ap-1'], aps: ['ap-1'], neighborhoods: ['north'] }], T + 130_000)
    const engineOpened = store.list({ state: 'open' }).find((i) => i.openedBy === null)!.id
    const refused = await asEngineer('POST', `/api/incidents/${engineOpened}/close`, { text: 'done' })
    assert.equal([refused.statusCode, refused.json().code, refused.json().message], [409, 'CN_ERR_INCIDENT_STATE', `incident ${engineOpened} was opened from polls and traps: it closes by itself when its devices answer again`])
    assert.is((await h.app.inject({ method: 'POST', url: `/api/incidents/${inc.id}/close`, payload: { text: 'x' } })).statusCode, 401)
    assert.is((await asEngineer('POST', `/api/incidents/${inc.id}/close`, { text: 'x' }, 'analyst')).statusCode, 403)
    assert.equal((await asEngineer('POST', `/api/incidents/${inc.id}/close`, {})).json().code, 'CN_ERR_VALIDATION')
    assert.equal((await asEngineer('POST', '/api/incidents/999/close', { text: 'x' })).json().code, 'CN_ERR_INCIDENT_NOT_FOUND')
    h.clock.set(T + 45 * 60_000)
    const closed = await asEngineer('POST', `/api/incidents/${inc.id}/close`, { text: 'Portal certificate renewed' }, 'admin')
    assert.is(closed.statusCode, 200, closed.body)
    assert.equal([closed.json().state, closed.json().closedMs, closed.json().history.at(-1)], ['closed', T + 45 * 60_000, { timeMs: T + 45 * 60_000, kind: 'closed', actor: "admin 'test admin'", text: 'closed by hand (45 min after it was opened): Portal certificate renewed' }])
    const again = await asEngineer('POST', `/api/incidents/${inc.id}/close`, { text: 'again' })
    assert.equal([again.statusCode, again.json().message], [409, `incident ${inc.id} is closed already`])
    // its three reports are resolved with it
    for (const t of [a, b, c]) {
      const r = (await h.app.inject({ method: 'GET', url: `/api/resident-reports/track/${t}` })).json()
      assert.equal([r.state, r.resolvedMs, r.incident.state], ['resolved', T + 45 * 60_000, 'closed'], t)
    }
    const after = (await h.app.inject({ method: 'GET', url: '/api/status' })).json()
    assert.equal(after.resolved.map((o: { id: number; cause: string; restoreMinutes: number }) => [o.id, o.cause, o.restoreMinutes]), [[inc.id, 'reported', 45]])
    // no MAC, contact or token in a log line
    const logged = JSON.stringify(h.logs)
    for (const t of Object.values(h.tokens)) assert.not.ok(logged.includes(t))
    assert.match(logged, new RegExp(`"incident":${inc.id}[^}]*"msg":"incident opened by hand"`))
  } finally {
    await h.close()
  }
})

test.run()
