/**
 * The planning page in a real browser (Debian's chromium) against the real API over
 * Hartford (17 neighborhoods, 41 tracts, 224 APs): it draws the ranking planning/ computes
 * (the same JSON as rankPlan(assessPlan(...)) in the test), the coverage layer and the
 * need map; moving the sliders reorders the list (all weight on need: ranked by the need
 * factor); the CSV download is renderPlanCsv's bytes for those weights and the PDF a PDF;
 * no serious axe finding; signed out and signed in as an engineer, the page says why (the
 * browser signs in by a session cookie, test/support/staff-session.ts). Screenshot in test-artifacts/.
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
import { assessPlan, DEFAULT_PLAN_CONFIG, rankPlan, type AssessedPlan } from '../../planning/index.ts'
import { renderPlanCsv } from '../../planning/render.ts'
import { HARTFORD_CITY_ESTIMATE, hartfordInventory, hartfordTracts } from '../../provisioning/city/hartford.ts'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { launchBrowser, type Browser } from '../support/browser.ts'
import { ensureWebBuilt } from '../support/web-server.ts'
import { createStaffSession, useSession, type StaffSession } from '../support/staff-session.ts'

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
mkdirSync(ARTIFACTS, { recursive: true })
const NOW = Date.parse('2026-12-01T12:00:00Z')

interface Ctx { app: FastifyInstance; store: MetricStore; appState: AppState; base: string; tokens: Record<Role, string>; sessions: Partial<Record<Role, StaffSession>>; browser: Browser; assessed: AssessedPlan; csp: string[] }
const test = suite<Ctx>('web planning page against the real API', {} as Ctx)

async function open(ctx: Ctx, session: StaffSession | null): Promise<Page> {
  await useSession(ctx.browser.context, ctx.base, session)
  const page = await ctx.browser.newPage()
  page.on('console', (m) => {
    if (/Content Security Policy|Refused to (load|execute|apply|connect)/i.test(m.text())) ctx.csp.push(`${page.url()}: ${m.text()}`)
  })
  await page.goto(`${ctx.base}/planning?tiles=0`)
  await page.waitForFunction(() => window.__civicnetPlan?.ready === true, null, { timeout: 60_000 })
  return page
}

test.before(async (ctx) => {
  const dist = await ensureWebBuilt()
  const inv = hartfordInventory(1)
  const tracts = hartfordTracts()
  ctx.appState = openAppState(':memory:')
  ctx.appState.replaceInventory(inv, 'test')
  ctx.store = await openDuckDbStore({ path: ':memory:' })
  await ctx.store.init()
  ctx.app = await buildApp({ summaryCacheMs: 0, webDir: dist }, { store: ctx.store, appState: ctx.appState, clock: manualClock(NOW), log: pino({ level: 'silent' }), planning: { tracts: () => tracts, cityEstimate: HARTFORD_CITY_ESTIMATE } })
  await ctx.app.listen({ host: '127.0.0.1', port: 0 })
  ctx.base = `http://127.0.0.1:${(ctx.app.server.address() as AddressInfo).port}`
  ctx.tokens = {
    admin: createToken(ctx.appState.db, 'admin', 'test admin'),
    engineer: createToken(ctx.appState.db, 'engineer', 'test engineer'),
    analyst: createToken(ctx.appState.db, 'analyst', 'test analyst'),
    planner: createToken(ctx.appState.db, 'planner', 'test planner'),
  }
  ctx.sessions = {
    planner: await createStaffSession(ctx.base, ctx.tokens.admin, { username: 'plan-planner', role: 'planner' }),
    engineer: await createStaffSession(ctx.base, ctx.tokens.admin, { username: 'plan-engineer', role: 'engineer' }),
  }
  // the same inputs the API has: the inventory, the tracts, no use measured (an empty store)
  ctx.assessed = assessPlan({ inventory: inv, tracts, use: new Map(), config: DEFAULT_PLAN_CONFIG })
  ctx.csp = []
  ctx.browser = await launchBrowser({ width: 1280, height: 1000 })
})
test.after(async (ctx) => {
  await ctx.browser?.close()
  await ctx.app?.close()
  await ctx.store?.close()
  ctx.appState?.close()
})

test("a planner sees planning/'s ranking and coverage; all weight on need reorders the list by need; CSV and PDF downloads; axe clean", async (ctx) => {
  const page = await open(ctx, ctx.sessions.planner!)
  try {
    const expected = rankPlan(ctx.assessed, DEFAULT_PLAN_CONFIG.weights, NOW, HARTFORD_CITY_ESTIMATE)
    assert.equal(await page.evaluate(() => window.__civicnetPlan.plan), JSON.parse(JSON.stringify(expected)), 'the page got the same plan')
    const listed = () => page.$$eval('[data-testid=plan-list] > li', (lis) => lis.map((li) => [(li as HTMLElement).dataset.id, Number((li as HTMLElement).dataset.rank)]))
    assert.equal(await listed(), expected.ranking.map((r) => [r.id, r.rank]))
    assert.is((await listed()).length, 17)
    // each neighborhood's tracts, in the API's order (41 in all)
    const tracts = await page.$$eval('[data-testid=plan-list] > li', (lis) => lis.map((li) => [...li.querySelectorAll('[data-testid=plan-tracts] li')].map((t) => (t as HTMLElement).dataset.id)))
    assert.equal(tracts, expected.ranking.map((r) => (r.tracts ?? []).map((t) => t.id)))
    assert.is(tracts.flat().length, 41)
    assert.is(await page.evaluate(() => window.__civicnetPlan.tracts), 41, 'the tracts layer (open data: /api/exports/tracts)')
    assert.is(await page.evaluate(() => window.__civicnetPlan.coverageParts), ctx.assessed.coverage.length)
    assert.ok(ctx.assessed.coverage.length >= 6, 'every served neighborhood has coverage drawn')
    assert.match((await page.textContent('[data-testid=plan-total]'))!, /To reach every neighborhood not served yet: \$[\d.]+M \(Hartford's own estimate to bring the free Wi-Fi to every neighborhood: \$30\.1M\)/)
    await page.screenshot({ path: `${ARTIFACTS}planning-page.png`, fullPage: true })

    // all weight on need: the list is ranked by the need factor (ties by name)
    const loads = await page.evaluate(() => window.__civicnetPlan.loads)
    for (const [f, v] of [['gap', 0], ['use', 0], ['cost', 0], ['need', 100]] as const) {
      await page.$eval(`#w-${f}`, (el, value) => {
        ;(el as HTMLInputElement).value = String(value)
        el.dispatchEvent(new Event('input', { bubbles: true }))
      }, v)
    }
    await page.waitForFunction((n) => window.__civicnetPlan.loads > n && window.__civicnetPlan.plan!.weights.need === 1, loads, { timeout: 30_000 })
    const byNeed = [...expected.ranking].sort((a, b) => b.factors.need - a.factors.need || a.name.localeCompare(b.name)).map((r) => r.id)
    assert.equal((await listed()).map((x) => x[0]), byNeed)
    assert.is(await page.textContent('[data-testid=w-need-value]'), '100')
    assert.not.equal(byNeed, expected.ranking.map((r) => r.id), 'the order did change')

    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=plan-download-csv]')])
    assert.is(csv.suggestedFilename(), 'hartford-ct-plan.csv')
    assert.is(readFileSync((await csv.path())!, 'utf8'), renderPlanCsv(rankPlan(ctx.assessed, { need: 1, gap: 0, use: 0, cost: 0 }, NOW, HARTFORD_CITY_ESTIMATE)))
    const [pdf] = await Promise.all([page.waitForEvent('download', { timeout: 60_000 }), page.click('[data-testid=plan-download-pdf]')])
    assert.is(readFileSync((await pdf.path())!).subarray(0, 5).toString('latin1'), '%PDF-')

    await page.evaluate(AXE_SOURCE)
    const result = await page.evaluate(async () => {
      const axe = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe
      return axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
    })
    assert.equal(result.violations.filter((v) => v.impact === 'serious' || v.impact === 'critical').map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`), [])
    assert.equal(ctx.csp, [], 'no CSP violation')
  } finally {
    await page.close()
  }
})

test('signed out, and signed in as an engineer, the page says why', async (ctx) => {
  for (const [session, want] of [
    [null, /^Sign in to use this page: it needs a planner, analyst or admin account\.$/],
    [ctx.sessions.engineer!, /^Your role \(engineer\) may not use this page: it needs a planner, analyst or admin account\.$/],
  ] as const) {
    const page = await open(ctx, session)
    try {
      assert.match((await page.textContent('[data-testid=plan-status]')) ?? '', want)
      assert.is(await page.locator('[data-testid=plan-list] li').count(), 0, 'no ranking for a role that may not use the page')
    } finally {
      await page.close()
    }
  }
})

test.run()
