/**
 * The monthly operations report on Hartford, from a November 2026 built incident by incident
 * through the real incident store and root-cause grouping (and resident reports through
 * their store): every figure equals what those incidents and reports give by the stated
 * method, worked out here by hand; October's and December's stay out, a merged incident is
 * not counted twice, an incident still open within its target is not judged; the CSV, HTML
 * and PDF over the API carry the same figures.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_SLA_TARGETS } from '../../incidents/sla.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { buildOperationsReport } from '../../operations/index.ts'
import { renderOperationsCsv, renderOperationsHtml } from '../../operations/render.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { parseCsv } from '../../reports/render/csv.ts'
import { openResidentReportStore } from '../../residents/store.ts'
import { openAppState } from '../../store/app-state.ts'
import { T, bearer, harness } from '../api/support.ts'
import { runCli } from '../support/cli.ts'
import { at, month, NOW } from './fixture.ts'

test('every figure is the stored incidents and reports by the stated method', () => {
  const inv = hartfordInventory(1)
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-operations-'))
  const state = openAppState(join(dir, 'state.sqlite'))
  try {
    const incidents = openIncidentStore(state.db)
    const m = month(inv, incidents)
    assert.ok(incidents.list().find((i) => i.id === m.f)!.history.some((h) => h.kind === 'merged'), 'the AP incident merged into the cut')
    const reports = openResidentReportStore(state.db)
    const r = (nb: string, iso: string, incidentId: number | null) => reports.create({ kind: 'no-wifi', neighborhood: nb, lon: null, lat: null, near: null, contact: null, incidentId }, at(iso))
    r('blue-hills', '2026-11-15T14:20:00Z', m.c)
    r('blue-hills', '2026-11-15T15:00:00Z', m.c)
    r('northeast', '2026-11-20T16:00:00Z', null)
    r('northeast', '2026-12-01T09:00:00Z', null) // December: out

    const rep = buildOperationsReport('2026-11', { incidents, reports, inventory: inv, slaTargets: DEFAULT_SLA_TARGETS, nowMs: NOW })
    assert.equal([rep.fromMs, rep.toMs, rep.complete], [at('2026-11-01T04:00:00Z'), at('2026-12-01T05:00:00Z'), true])
    const byId = new Map(rep.neighborhoods.map((n) => [n.id, n]))
    const fig = (id: string) => {
      const x = id === '' ? rep.total : byId.get(id)!
      return [x.incidents, x.restored, x.medianRestoreMinutes, x.p90RestoreMinutes, x.slaMet, x.slaJudged, x.slaPct, x.clientHoursLost, x.clientHoursUnknown, x.residentReports, x.residentReportsMatched]
    }
    // Northeast: A 30 min, B 60 min; nearest rank: median the 1st of 2, p90 the 2nd; both within 24 h
    assert.equal(fig('northeast'), [2, 2, 30, 60, 2, 2, 100, 12.5, 1, 1, 0])
    // Blue Hills: the cut, 300 min against a 4 h target (the merged AP incident not again)
    assert.equal(fig('blue-hills'), [1, 1, 300, 300, 0, 1, 0, 340.2, 0, 2, 2])
    // Downtown: open 13 h of its 24 h: counted, not restored, not judged
    assert.equal(fig('downtown'), [1, 0, null, null, 0, 0, null, 0, 1, 0, 0])
    assert.equal(fig('frog-hollow'), [0, 0, null, null, 0, 0, null, 0, 0, 0, 0], "October's is not November's")
    // all: 30, 60, 300: median the 2nd, p90 the 3rd; SLA 2 of 3
    assert.equal(fig(''), [4, 3, 60, 300, 2, 3, 66.667, 352.7, 2, 3, 2])
    assert.equal(rep.recurring.aps.map((x) => [x.id, x.incidents]), [[m.ne, [m.a, m.b]]])
    assert.equal(rep.recurring.sites.map((x) => [x.aps, x.incidents]), [[[m.ne], 2]])

    // the CSV and the page carry the same figures
    const rows = parseCsv(renderOperationsCsv(rep))
    assert.is(rows.length, rep.neighborhoods.length + 1)
    const ne = rows.find((x) => x.neighborhood_id === 'northeast')!
    assert.equal([ne.month, ne.incidents, ne.median_restore_minutes, ne.p90_restore_minutes, ne.sla_pct, ne.client_hours_lost, ne.resident_reports], ['2026-11', '2', '30', '60', '100', '12.5', '1'])
    assert.equal([rows.at(-1)!.neighborhood, rows.at(-1)!.sla_pct, rows.at(-1)!.median_restore_minutes], ['All served neighborhoods', '66.667', '60'])
    const html = renderOperationsHtml(rep)
    assert.match(html, /<tr class="total"><th scope="row">All served neighborhoods<\/th><td>4<\/td><td>60 min<\/td><td>300 min<\/td><td>66\.667 % \(2 of 3\)<\/td><td>352\.7 \(\+2 without estimate\)<\/td><td>3 \(2 matched\)<\/td><\/tr>/)

    // a month not begun, and a malformed one
    assert.throws(() => buildOperationsReport('2027-01', { incidents, reports, inventory: inv, slaTargets: DEFAULT_SLA_TARGETS, nowMs: NOW }), /2027-01 has not begun \(today is 2026-12-01\)/)
    assert.throws(() => buildOperationsReport('2026-13', { incidents, reports, inventory: inv, slaTargets: DEFAULT_SLA_TARGETS, nowMs: NOW }), /month must be YYYY-MM/)
    // the month still running says so
    assert.is(buildOperationsReport('2026-12', { incidents, reports, inventory: inv, slaTargets: DEFAULT_SLA_TARGETS, nowMs: NOW }).complete, false)
  } finally {
    state.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

test('over the API: JSON, CSV, HTML and PDF of one month, for engineers and analysts only; a bad month names what is wrong', async () => {
  const h = await harness()
  try {
    const incidents = openIncidentStore(h.appState.db)
    incidents.update([{ rootCause: { kind: 'device', id: 'ap-1', probable: false, why: 'test' }, top: 'ap-1', devices: ['ap-1'], aps: ['ap-1'], neighborhoods: ['north'] }], T - 2 * 3_600_000, { sinceMs: () => T - 2 * 3_600_000 })
    incidents.update([], T - 3_600_000, { recoveredMs: () => T - 3_600_000 })
    const get = (q: string, role: 'engineer' | 'analyst' | 'planner' = 'analyst') => h.app.inject({ method: 'GET', url: `/api/reports/operations?${q}`, headers: bearer(h.tokens[role]) })
    const json = await get('month=2026-01')
    assert.is(json.statusCode, 200)
    const north = json.json().neighborhoods.find((n: { id: string }) => n.id === 'north')
    assert.equal([north.incidents, north.medianRestoreMinutes, north.slaPct], [1, 60, 100])
    const csv = await get('month=2026-01&format=csv', 'engineer')
    assert.equal([csv.statusCode, csv.headers['content-type'], csv.headers['content-disposition']], [200, 'text/csv; charset=utf-8; header=present', 'attachment; filename="testville-operations-2026-01.csv"'])
    assert.is(parseCsv(csv.body).find((r) => r.neighborhood_id === 'north')!.median_restore_minutes, '60')
    const html = await get('month=2026-01&format=html')
    assert.match(html.body, /<h1>Testville public Wi-Fi operations, 2026-01<\/h1>/)
    const pdf = await get('month=2026-01&format=pdf')
    assert.equal([pdf.statusCode, pdf.headers['content-type'], pdf.rawPayload.subarray(0, 5).toString()], [200, 'application/pdf', '%PDF-'])
    assert.is((await get('month=2026-01', 'planner')).statusCode, 403)
    assert.is((await h.app.inject({ method: 'GET', url: '/api/reports/operations?month=2026-01' })).statusCode, 401)
    const bad = await get('month=2026-1')
    assert.equal([bad.statusCode, bad.json().message], [400, 'invalid request: querystring.month must be YYYY-MM, like 2026-11'])
    const future = await get('month=2026-02')
    assert.equal([future.statusCode, future.json().code, future.json().message], [400, 'CN_ERR_BAD_RANGE', 'bad time range: 2026-02 has not begun (today is 2026-01-15)'])
  } finally {
    await h.close()
  }
})

test('civicnet report --operations: the same report from the command line; a bad month is a usage error naming the flag', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-operations-cli-'))
  try {
    const state = openAppState(join(dir, 'state.sqlite'))
    const inv = hartfordInventory(1)
    state.replaceInventory(inv, 'test')
    const incidents = openIncidentStore(state.db)
    month(inv, incidents)
    state.close()
    const env = { CIVICNET_DATA_DIR: dir }
    const csv = await runCli(['report', '--operations', '2026-11', '--format', 'csv'], { env })
    assert.is(csv.code, 0, csv.stderr)
    const ne = parseCsv(csv.stdout).find((r) => r.neighborhood_id === 'northeast')!
    assert.equal([ne.incidents, ne.median_restore_minutes, ne.p90_restore_minutes], ['2', '30', '60'])
    const bad = await runCli(['report', '--operations', '2026-13'], { env })
    assert.equal([bad.code, bad.stderr.trim()], [2, "civicnet report: --operations: month must be YYYY-MM, like 2026-11; got '2026-13'"])
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
