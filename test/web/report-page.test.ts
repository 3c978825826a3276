/**
 * The report page in a real browser (Debian's chromium) against the real API over the
 * report fixture (test/reports/fixture.ts): the table's numbers are buildReport's, the
 * downloads are the API's renderers' bytes (CSV equal to renderCsv of the same Report, a
 * PDF), no CSP violation, no serious accessibility finding, the map's page still loads
 * beside it, and a period the API refuses is said on the page. Screenshot in test-artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import type { Page } from 'playwright-core'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { buildReport, type Report } from '../../reports/index.ts'
import { renderCsv } from '../../reports/render/csv.ts'
import { launchBrowser, type Browser } from '../support/browser.ts'
import { ensureWebBuilt } from '../support/web-server.ts'
import { createStaffSession, useSession, type StaffSession } from '../support/staff-session.ts'
import { FROM, openApiFixture, TO, type ApiFixture } from '../reports/fixture.ts'

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
mkdirSync(ARTIFACTS, { recursive: true })

interface Ctx {
  f: ApiFixture
  base: string
  browser: Browser
  page: Page
  report: Report
  csp: string[]
  /** signed-in sessions (accounts made through the fixture's admin token) */
  sessions: Record<'admin' | 'analyst' | 'planner', StaffSession>
}
const test = suite<Ctx>('web report page against the real API', {} as Ctx)

async function open(ctx: Ctx, path: string, session: StaffSession | null): Promise<Page> {
  await useSession(ctx.browser.context, ctx.base, session)
  const page = await ctx.browser.newPage()
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text())) ctx.csp.push(`${page.url()}: ${m.text()}`)
  })
  await page.goto(`${ctx.base}${path}`)
  await page.waitForFunction(() => window.__civicnetReport?.ready === true, null, { timeout: 30_000 })
  return page
}

test.before(async (ctx) => {
  const dist = await ensureWebBuilt()
  ctx.f = await openApiFixture({ webDir: dist })
  await ctx.f.app.listen({ host: '127.0.0.1', port: 0 })
  ctx.base = `http://127.0.0.1:${(ctx.f.app.server.address() as AddressInfo).port}`
  ctx.report = await buildReport({ from: FROM, to: TO }, ctx.f.deps)
  ctx.csp = []
  ctx.browser = await launchBrowser({ width: 1280, height: 1000 })
  ctx.sessions = {
    admin: await createStaffSession(ctx.base, ctx.f.tokens.admin, { username: 'report-admin', role: 'admin' }),
    analyst: await createStaffSession(ctx.base, ctx.f.tokens.admin, { username: 'report-analyst', role: 'analyst' }),
    planner: await createStaffSession(ctx.base, ctx.f.tokens.admin, { username: 'report-planner', role: 'planner' }),
  }
  ctx.page = await open(ctx, '/report', ctx.sessions.analyst)
})
test.after(async (ctx) => {
  await ctx.browser?.close()
  await ctx.f?.close()
})

test('the page lists the served neighborhoods, all ticked', async ({ page }) => {
  const boxes = await page.$$eval('[data-testid=neighborhood-choices] input[type=checkbox]', (els) => els.map((e) => [(e as HTMLInputElement).value, (e as HTMLInputElement).checked]))
  assert.equal(boxes, [['north', true], ['east', true]])
})

test("the table shows buildReport's numbers for every neighborhood and the total", async (ctx) => {
  const { page, report } = ctx
  await page.fill('[data-testid=from]', FROM)
  await page.fill('[data-testid=to]', TO)
  await page.click('[data-testid=report-build]')
  await page.waitForFunction(() => window.__civicnetReport.loads === 1, null, { timeout: 30_000 })
  const shown = await page.evaluate(() => window.__civicnetReport.report)
  assert.equal(shown, JSON.parse(JSON.stringify(report)), 'the page got the same Report')
  const cells = await page.$$eval('[data-testid=report-table] tbody tr', (trs) => trs.map((tr) => ({
    id: (tr as HTMLElement).dataset.id,
    values: Object.fromEntries([...tr.querySelectorAll('td')].map((td) => [td.dataset.field, td.dataset.value])),
  })))
  const expected = [...report.neighborhoods, report.total]
  assert.equal(cells.map((c) => c.id), expected.map((r) => r.id))
  let compared = 0
  for (const [i, c] of cells.entries()) {
    for (const [field, v] of Object.entries(c.values)) {
      const want = (expected[i] as unknown as Record<string, unknown>)[field!]
      assert.is(v, want === null ? '' : String(want), `${c.id}.${field}`)
      compared++
    }
  }
  assert.ok(compared >= 39, `${compared} cells compared`)
  const bars = await page.$$eval('[data-testid=chart-availability] li', (lis) => lis.map((li) => [(li as HTMLElement).dataset.id, (li as HTMLElement).dataset.value]))
  assert.equal(bars, expected.map((r) => [r.id, r.availabilityPct === null ? '' : String(r.availabilityPct)]))
  assert.is(await page.getAttribute('[data-testid=chart-bytes]', 'data-points'), String(report.daily.length))
  assert.is(await page.locator('[data-testid=report-charts] canvas').count(), 2, 'two uPlot charts drawn')
  assert.match(await page.textContent('[data-testid=report-title]') ?? '', /March 5 – March 9, 2026/)
  assert.ok(await page.locator('[data-testid=open-period]').isHidden(), 'a closed period says nothing of being open')
  assert.match(page.url(), /\/report\?from=2026-03-05&to=2026-03-09$/, 'the address says what is shown, never a token')
  await page.screenshot({ path: `${ARTIFACTS}report-page.png`, fullPage: true })
})

test('Download CSV saves the API\'s CSV, equal to renderCsv of the same Report; Download PDF saves a PDF', async ({ page, report }) => {
  const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=download-csv]')])
  assert.is(csv.suggestedFilename(), 'testville-wifi-2026-03-05_2026-03-09.csv')
  assert.is(readFileSync((await csv.path())!, 'utf8'), renderCsv(report))
  const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid=download-pdf]')])
  assert.is(pdf.suggestedFilename(), 'testville-wifi-2026-03-05_2026-03-09.pdf')
  const bytes = readFileSync((await pdf.path())!)
  assert.is(bytes.subarray(0, 5).toString('latin1'), '%PDF-')
  const downloads = await page.evaluate(() => window.__civicnetReport.downloads.map((d) => d.format))
  assert.equal(downloads, ['csv', 'pdf'])
})

test('one neighborhood: the total is that neighborhood\'s figures', async ({ page, f }) => {
  await page.uncheck('[data-testid=neighborhood-choices] input[data-id=east]')
  await page.click('[data-testid=report-build]')
  await page.waitForFunction(() => window.__civicnetReport.loads === 2, null, { timeout: 30_000 })
  const shown = await page.evaluate(() => window.__civicnetReport.report!)
  const direct = await buildReport({ from: FROM, to: TO, neighborhoods: ['north'] }, f.deps)
  assert.equal(shown, JSON.parse(JSON.stringify(direct)))
  assert.equal(shown.neighborhoods.map((n) => n.id), ['north'])
  assert.is(shown.total.peakConcurrentClients, shown.neighborhoods[0]!.peakConcurrentClients)
  assert.match(page.url(), /neighborhoods=north$/)
})

test('a refused period is said on the page, naming the parameter', async ({ page }) => {
  await page.fill('[data-testid=from]', '2026-03-09')
  await page.fill('[data-testid=to]', '2026-03-05')
  await page.click('[data-testid=report-build]')
  await page.waitForFunction(() => window.__civicnetReport.lastError !== null, null, { timeout: 30_000 })
  assert.match(await page.textContent('[data-testid=report-status]') ?? '', /could not be built: bad time range: to: 2026-03-05 is before from/)
})

test('signed out the page asks to sign in; a planner is told the role may not use it', async (ctx) => {
  for (const [session, want] of [[null, /^Sign in to use this page: it needs an analyst or admin account\.$/], [ctx.sessions.planner, /^Your role \(planner\) may not use this page: it needs an analyst or admin account\.$/]] as const) {
    const page = await open(ctx, `/report?from=${FROM}&to=${TO}`, session)
    await page.waitForFunction(() => window.__civicnetReport.lastError !== null, null, { timeout: 30_000 })
    assert.match(await page.textContent('[data-testid=report-status]') ?? '', want)
    await page.close()
  }
})

test('a link with the period loads the report at once; /report/ is the same page', async (ctx) => {
  const page = await open(ctx, `/report/?quarter=2026Q1&neighborhoods=east`, ctx.sessions.admin)
  await page.waitForFunction(() => window.__civicnetReport.loads === 1 || window.__civicnetReport.lastError !== null, null, { timeout: 30_000 })
  // 2026Q1 starts before the fixture's data (2026-03-04): refused, saying what is kept
  assert.match(await page.textContent('[data-testid=report-status]') ?? '', /from: the period starts 2026-01-01 but the stored data begins 2026-03-04/)
  await page.close()
})

test('no serious accessibility finding; no CSP violation on the report page or the map', async (ctx) => {
  await ctx.page.evaluate(AXE_SOURCE)
  const result = await ctx.page.evaluate(async () => {
    const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe
    return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
  })
  const serious = result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)
  assert.equal(serious, [])
  const map = await ctx.browser.newPage()
  map.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text())) ctx.csp.push(`${map.url()}: ${m.text()}`)
  })
  await map.goto(`${ctx.base}/?tiles=0&refresh=600`)
  await map.waitForFunction(() => window.__civicnet?.ready === true, null, { timeout: 30_000 })
  assert.ok(await map.locator('nav.pages a[href="/report"]').count() === 1, 'the map links to the report page')
  assert.equal(ctx.csp, [])
})

test.run()
