/**
 * The monthly operations report page in a real browser (Debian's chromium) against the real
 * API over Hartford's November 2026 (test/operations/fixture.ts, incidents through the real
 * store and grouping, resident reports through theirs): the page's cells and recurring APs
 * are buildOperationsReport's, the CSV download is renderOperationsCsv's bytes and the PDF a
 * PDF, the browser signed in by a session cookie (test/support/staff-session.ts; never a
 * token in the page or the URL), signed out and a planner are told why on the page, no serious axe finding, no CSP violation, readable at
 * 375 px. Screenshot in test-artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import pino from 'pino'
import type { FastifyInstance } from 'fastify'
import type { Page } from 'playwright-core'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildApp } from '../../api/app.ts'
import { createToken, type Role } from '../../api/auth/tokens.ts'
import { manualClock } from '../../core/clock.ts'
import { DEFAULT_SLA_TARGETS } from '../../incidents/sla.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { buildOperationsReport, type OperationsReport } from '../../operations/index.ts'
import { renderOperationsCsv } from '../../operations/render.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { openResidentReportStore } from '../../residents/store.ts'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { launchBrowser, type Browser } from '../support/browser.ts'
import { ensureWebBuilt } from '../support/web-server.ts'
import { createStaffSession, useSession, type StaffSession } from '../support/staff-session.ts'
import { at, month, NOW } from '../operations/fixture.ts'

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
mkdirSync(ARTIFACTS, { recursive: true })

interface Ctx {
  app: FastifyInstance
  store: MetricStore
  appState: AppState
  base: string
  tokens: Record<Role, string>
  /** a signed-in session per role (accounts made through the admin token) */
  sessions: Record<Role, StaffSession>
  browser: Browser
  report: OperationsReport
  csp: string[]
}
const test = suite<Ctx>('web operations page against the real API', {} as Ctx)

async function open(ctx: Ctx, path: string, session: StaffSession | null, width = 1280): Promise<Page> {
  await useSession(ctx.browser.context, ctx.base, session)
  const page = await ctx.browser.newPage()
  await page.setViewportSize({ width, height: 900 })
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text())) ctx.csp.push(`${page.url()}: ${m.text()}`)
  })
  await page.goto(`${ctx.base}${path}`)
  await page.waitForFunction(() => window.__civicnetOps?.ready === true, null, { timeout: 30_000 })
  return page
}

test.before(async (ctx) => {
  const dist = await ensureWebBuilt()
  const inv = hartfordInventory(1)
  ctx.appState = openAppState(':memory:')
  ctx.appState.replaceInventory(inv, 'test')
  const incidents = openIncidentStore(ctx.appState.db)
  const m = month(inv, incidents)
  const reports = openResidentReportStore(ctx.appState.db)
  const r = (nb: string, iso: string, incidentId: number | null) => reports.create({ kind: 'no-wifi', neighborhood: nb, lon: null, lat: null, near: null, contact: null, incidentId }, at(iso))
  r('blue-hills', '2026-11-15T14:20:00Z', m.c)
  r('northeast', '2026-11-20T16:00:00Z', null)
  ctx.store = await openDuckDbStore({ path: ':memory:' })
  await ctx.store.init()
  ctx.app = await buildApp({ summaryCacheMs: 0, webDir: dist }, { store: ctx.store, appState: ctx.appState, clock: manualClock(NOW), log: pino({ level: 'silent' }) })
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  ctx.base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ctx.tokens = {
    admin: createToken(ctx.appState.db, 'admin', 'test admin'),
    engineer: createToken(ctx.appState.db, 'engineer', 'test engineer'),
    analyst: createToken(ctx.appState.db, 'analyst', 'test analyst'),
    planner: createToken(ctx.appState.db, 'planner', 'test planner'),
  }
  ctx.sessions = {} as Record<Role, StaffSession>
  for (const role of ['admin', 'engineer', 'analyst', 'planner'] as const) ctx.sessions[role] = await createStaffSession(ctx.base, ctx.tokens.admin, { username: `ops-${role}`, role })
  ctx.report = buildOperationsReport('2026-11', { incidents, reports, inventory: inv, slaTargets: DEFAULT_SLA_TARGETS, nowMs: NOW })
  ctx.csp = []
  ctx.browser = await launchBrowser({ width: 1280, height: 900 })
})
test.after(async (ctx) => {
  await ctx.browser?.close()
  await ctx.app?.close()
  await ctx.store?.close()
  ctx.appState?.close()
})

test("an engineer picks November: the cells and recurring APs are buildOperationsReport's; CSV and PDF downloads", async (ctx) => {
  const page = await open(ctx, '/operations', ctx.sessions.engineer)
  try {
    await page.fill('[data-testid=ops-month]', '2026-11')
    await page.click('[data-testid=ops-build]')
    await page.waitForFunction(() => window.__civicnetOps.loads === 1, null, { timeout: 30_000 })
    assert.equal(await page.evaluate(() => window.__civicnetOps.report), JSON.parse(JSON.stringify(ctx.report)), 'the page got the same report')
    const cells = await page.$$eval('[data-testid=ops-table] tbody tr', (trs) => trs.map((tr) => ({
      id: (tr as HTMLElement).dataset.id,
      values: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.field, td.dataset.value])),
    })))
    const expected = [...ctx.report.neighborhoods, ctx.report.total]
    assert.equal(cells.map((c) => c.id), [...ctx.report.neighborhoods.map((x) => x.id), 'total'])
    let compared = 0
    for (const [i, c] of cells.entries()) {
      for (const [field, v] of Object.entries(c.values)) {
        const want = (expected[i] as unknown as Record<string, unknown>)[field]
        assert.is(v, want === null ? '' : String(want), `${c.id}.${field}`)
        compared++
      }
    }
    assert.is(compared, 9 * expected.length)
    // the figures worked out by hand in test/operations: Northeast 2 incidents, median 30 and
    // p90 60 min; the total 4 incidents, SLA 2 of 3 shown as such
    const row = async (id: string) => page.$$eval(`[data-testid=ops-table] tr[data-id="${id}"] td`, (tds) => tds.map((td) => td.textContent))
    assert.equal((await row('northeast')).slice(0, 5), ['2', '2', '30', '60', '100 % (2 of 2)'])
    assert.equal((await row('total')).slice(0, 5), ['4', '3', '60', '300', '66.7 % (2 of 3)'])
    assert.equal(await page.$$eval('[data-testid=ops-recurring] tbody tr', (trs) => trs.map((tr) => (tr as HTMLElement).dataset.id)), ctx.report.recurring.aps.map((a) => a.id))
    assert.is(await page.locator('[data-testid=ops-method] li').count(), ctx.report.method.length)
    assert.ok(await page.locator('[data-testid=ops-open]').isHidden(), 'a complete month says nothing of running')
    assert.match(page.url(), /\/operations\?month=2026-11$/, 'the address says what is shown, never a token')
    await page.screenshot({ path: `${ARTIFACTS}operations-page.png`, fullPage: true })

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=ops-download-csv]')])
    assert.is(csv.suggestedFilename(), 'hartford-ct-operations-2026-11.csv')
    assert.is(readFileSync((await csv.path())!, 'utf8'), renderOperationsCsv(ctx.report))
    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid=ops-download-pdf]')])
    assert.is(pdf.suggestedFilename(), 'hartford-ct-operations-2026-11.pdf')
    assert.is(readFileSync((await pdf.path())!).subarray(0, 5).toString('latin1'), '%PDF-')

    // no serious accessibility finding with the report shown
    await page.evaluate(AXE_SOURCE)
    const result = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe
      return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    })
    assert.equal(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), [])
  } finally {
    await page.close()
  }
})

test('a link with the month loads it at once for an analyst, readable at 375 px; December says it is still running', async (ctx) => {
  const page = await open(ctx, '/operations?month=2026-12', ctx.sessions.analyst, 375)
  try {
    await page.waitForFunction(() => window.__civicnetOps.loads === 1, null, { timeout: 30_000 })
    assert.match((await page.textContent('[data-testid=ops-open]')) ?? '', /still running/)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    if (overflow !== 0) console.log(await page.evaluate(() => [...document.querySelectorAll('body *')].filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1).slice(0, 8).map((e) => `${e.tagName}.${e.className} ${Math.round(e.getBoundingClientRect().right)}`)))
    assert.is(overflow, 0, 'no sideways scrolling of the page at 375 px (the table scrolls in its own box)')
  } finally {
    await page.close()
  }
})

test('signed out, and signed in as a planner, the page says why; a month not begun names what is wrong', async (ctx) => {
  for (const [session, m, want] of [
    [null, '2026-11', /^Sign in to use this page: it needs an engineer, analyst or admin account\.$/],
    [ctx.sessions.planner, '2026-11', /^Your role \(planner\) may not use this page: it needs an engineer, analyst or admin account\.$/],
    [ctx.sessions.admin, '2027-01', /could not be built: bad time range: 2027-01 has not begun \(today is 2026-12-01\)/],
  ] as const) {
    const page = await open(ctx, `/operations?month=${m}`, session)
    try {
      await page.waitForFunction(() => window.__civicnetOps.lastError !== null, null, { timeout: 30_000 })
      assert.match((await page.textContent('[data-testid=ops-status]')) ?? '', want)
      if (session === null) assert.ok(await page.locator('[data-testid=signin-form]').isVisible(), 'the sign-in form is shown')
      else assert.ok(await page.locator('[data-testid=ops-output]').isHidden(), 'no table for a role that may not use the page')
    } finally {
      await page.close()
    }
  }
  assert.equal(ctx.csp, [], 'no CSP violation on the page')
})

test.run()
