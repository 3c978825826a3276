/**
 * The public status page in a real browser (Debian's chromium) against the real API over
 * the report fixture, with an open incident (ap-n2 down) and a resolved one: no sign-in;
 * with JavaScript off it still says everything; on a 375 px phone nothing scrolls sideways;
 * axe-core finds no WCAG 2.1 A/AA or best-practice violation, in English or Spanish; the
 * browser's language picks Spanish and the switch on the page goes back to English; the
 * Atom feed parses and holds the incidents; a badge is an image other sites may embed; with
 * scripts on, the report form shows the neighborhood on a map where a tap places the pin
 * (refused outside the neighborhood), and the report is stored at that point.
 * Screenshots in test-artifacts/.
 */
import { mkdirSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { createRequire } from 'node:module'
import type { AddressInfo } from 'node:net'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { groupFailures, type Status } from '../../incidents/root-cause.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { buildNetworkTree } from '../../core/topology.ts'
import { launchBrowser, type Browser } from '../support/browser.ts'
import { ensureWebBuilt } from '../support/web-server.ts'
import { NOW_MS, openApiFixture, type ApiFixture } from '../reports/fixture.ts'

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url).pathname
const AXE_SOURCE = readFileSync(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8')
mkdirSync(ARTIFACTS, { recursive: true })

interface Ctx { f: ApiFixture; base: string; browser: Browser; incident: number }
const test = suite<Ctx>('public status page in a browser', {} as Ctx)

test.before(async (ctx) => {
  // with the web build: the report form's map pin is its script (web/src/pages/status-pin)
  ctx.f = await openApiFixture({ webDir: await ensureWebBuilt() })
  const inv = ctx.f.appState.inventory()
  const tree = buildNetworkTree(inv)
  const incidents = openIncidentStore(ctx.f.appState.db)
  const downOnly = (ids: string[]) => groupFailures(tree, inv, { status: (d): Status => (ids.includes(d) ? 'down' : 'up'), port: () => undefined })
  // ap-e1 down for 47 minutes two days before now, then ap-n2 down since 20 minutes ago
  incidents.update(downOnly(['ap-e1']), NOW_MS - 2 * 86_400_000, { sinceMs: () => NOW_MS - 2 * 86_400_000 })
  incidents.update([], NOW_MS - 2 * 86_400_000 + 47 * 60_000, { recoveredMs: () => NOW_MS - 2 * 86_400_000 + 47 * 60_000 })
  incidents.update(downOnly(['ap-n2']), NOW_MS - 20 * 60_000, { sinceMs: () => NOW_MS - 20 * 60_000 })
  ctx.incident = incidents.list({ state: 'open' })[0]!.id
  incidents.setExpectedRestore(ctx.incident, 'engineer', NOW_MS + 90 * 60_000, NOW_MS - 60_000)
  await ctx.f.app.listen({ host: '127.0.0.1', port: 0 })
  ctx.base = `http://127.0.0.1:${(ctx.f.app.server.address() as AddressInfo).port}`
  ctx.browser = await launchBrowser({ width: 375, height: 740 })
})
test.after(async (ctx) => {
  await ctx.browser?.close()
  await ctx.f?.close()
})

async function axe(page: import('playwright-core').Page): Promise<string[]> {
  await page.evaluate(AXE_SOURCE)
  const result = await page.evaluate(async () => {
    const a = (window as unknown as { axe: { run: (c: unknown, o: unknown) => Promise<{ violations: { id: string; impact: string; nodes: { target: string[] }[] }[] }> } }).axe
    return a.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice'] } })
  })
  return result.violations.map((v) => `${v.impact} ${v.id}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(', ')}`)
}

test('with JavaScript off, on a 375 px phone: the whole status, in Spanish for a Spanish browser', async (ctx) => {
  // a browser of its own: scripts off, Spanish as the browser's language
  const b = await launchBrowser({ width: 375, height: 740, javaScriptEnabled: false, locale: 'es-US' })
  const page = await b.newPage()
  try {
  const res = await page.goto(`${ctx.base}/status`)
  assert.is(res!.status(), 200)
  assert.is(res!.headers()['content-language'], 'es')
  assert.is(await page.getAttribute('html', 'lang'), 'es')
  assert.is(await page.textContent('h1'), 'Estado del Wi-Fi público de Testville')
  const north = (await page.textContent('#nb-north'))!.replace(/\s+/g, ' ')
  assert.match(north, /North End Sin servicio/)
  assert.match(north, /menos de 10 de menos de 10 puntos de acceso sin servicio/)
  const open = (await page.textContent('.incident'))!.replace(/\s+/g, ' ')
  assert.match(open, /North End: Falló un punto de acceso/)
  assert.match(open, /Se espera que vuelva antes de/)
  assert.match((await page.textContent('#nb-east'))!, /Funciona/)
  assert.is(await page.locator('table tbody tr').count(), 1, 'the resolved one')
  assert.match((await page.textContent('table tbody tr'))!.replace(/\s+/g, ' '), /East Side.*47 min/)
  await page.screenshot({ path: `${ARTIFACTS}status-375-es.png`, fullPage: true })
  } finally {
    await b.close()
  }
})

test('375 px: nothing scrolls sideways; axe finds nothing, in either language; the switch goes to English', async (ctx) => {
  const page = await ctx.browser.newPage()
  try {
    await page.setExtraHTTPHeaders({ 'Accept-Language': 'es-MX,es;q=0.9' })
    await page.goto(`${ctx.base}/status`)
    assert.is(await page.getAttribute('html', 'lang'), 'es')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    assert.is(overflow, 0, 'no horizontal scroll at 375 px')
    assert.equal(await axe(page), [], 'Spanish page')
    await page.click('a[hreflang=en]')
    await page.waitForURL(/lang=en/)
    assert.is(await page.getAttribute('html', 'lang'), 'en')
    assert.is(await page.textContent('h1'), 'Testville public Wi-Fi status')
    assert.match((await page.textContent('#nb-north'))!, /Outage/)
    assert.equal(await axe(page), [], 'English page')
    await page.setViewportSize({ width: 1280, height: 900 })
    assert.equal(await axe(page), [], 'English page, desktop width')
    await page.screenshot({ path: `${ARTIFACTS}status-1280-en.png`, fullPage: true })
  } finally {
    await page.close()
  }
})

test('the report form with scripts on: a tap on the map places the pin, one outside the neighborhood is refused, the report is stored at the pin; axe finds nothing', async (ctx) => {
  const page = await ctx.browser.newPage()
  try {
    await page.goto(`${ctx.base}/status/report?neighborhood=north&lang=en&tiles=0`)
    await page.waitForFunction(() => window.__civicnetPin?.ready === true, null, { timeout: 30_000 })
    assert.ok(await page.locator('fieldset.pin').isVisible(), 'the map pin is offered')
    await page.locator('#pin-map').scrollIntoViewIfNeeded()
    const box = (await page.locator('#pin-map').boundingBox())!
    // the corner is outside the neighborhood's outline (the map is fitted to it with a margin)
    await page.mouse.click(box.x + 3, box.y + box.height - 3) // (bottom left: the zoom buttons are top left)
    await page.waitForFunction(() => /outside this neighborhood/.test(document.getElementById('pin-said')!.textContent ?? ''), null, { timeout: 10_000 }).catch(async (err) => {
      throw new Error(`${(err as Error).message}; said: ${await page.textContent('#pin-said')}; map ${JSON.stringify(box)}`)
    })
    assert.equal([await page.inputValue('#pin-lon'), await page.inputValue('#pin-lat')], ['', ''])
    // the middle is inside it (a square)
    await page.mouse.click(box.x + box.width / 2, box.y + box.height / 2)
    await page.waitForFunction(() => window.__civicnetPin.placed !== null, null, { timeout: 10_000 })
    const [lon, lat] = (await page.evaluate(() => window.__civicnetPin.placed))!
    assert.ok(Math.abs(lon - -72.695) < 0.002 && Math.abs(lat - 41.805) < 0.002, `the pin at the middle of North End: ${lon}, ${lat}`)
    assert.equal([await page.inputValue('#pin-lon'), await page.inputValue('#pin-lat')], [String(lon), String(lat)])
    assert.match((await page.textContent('#pin-said'))!, /^Pin placed\./)
    assert.equal(await axe(page), [], 'the form with its map')
    await page.screenshot({ path: `${ARTIFACTS}status-report-pin.png`, fullPage: true })
    await page.check('#kind-slow')
    await Promise.all([page.waitForURL(/\/status\/report\/R-/), page.click('form[method=post] button[type=submit]')])
    const tracking = /\/status\/report\/(R-[0-9A-Z-]+)/.exec(page.url())![1]!
    const list = await (await fetch(`${ctx.base}/api/resident-reports`, { headers: { authorization: `Bearer ${ctx.f.tokens.engineer}` } })).json()
    const stored = list.reports.find((r: { tracking: string }) => r.tracking === tracking)
    assert.equal([stored.kind, stored.neighborhood, stored.lon, stored.lat], ['slow', 'north', lon, lat])
  } finally {
    await page.close()
  }
})

test('the Atom feed parses and holds the open and the resolved incident; a badge is an embeddable image', async (ctx) => {
  const page = await ctx.browser.newPage()
  try {
    const res = await page.goto(`${ctx.base}/status/feed.atom?lang=en`)
    assert.is(res!.headers()['content-type'], 'application/atom+xml; charset=utf-8')
    const xml = await res!.text()
    const parsed = await page.evaluate((text) => {
      const doc = new DOMParser().parseFromString(text, 'application/xml')
      return { error: doc.querySelector('parsererror')?.textContent ?? null, titles: [...doc.querySelectorAll('entry > title')].map((e) => e.textContent), ns: doc.documentElement.namespaceURI }
    }, xml)
    assert.equal(parsed, { error: null, titles: ['North End: An access point failed', 'Resolved: East Side: An access point failed'], ns: 'http://www.w3.org/2005/Atom' })
    const badge = await page.goto(`${ctx.base}/status/badge/north.svg`)
    assert.equal([badge!.status(), badge!.headers()['content-type'], badge!.headers()['cross-origin-resource-policy']], [200, 'image/svg+xml; charset=utf-8', 'cross-origin'])
    // embedded in a page of another origin (another server, another port), it loads as an image
    const other = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end(`<!doctype html><img id="b" alt="" src="${ctx.base}/status/badge/north.svg">`))
    await new Promise<void>((r) => other.listen(0, '127.0.0.1', r))
    try {
      await page.goto(`http://127.0.0.1:${(other.address() as AddressInfo).port}/`)
      await page.waitForFunction(() => (document.getElementById('b') as HTMLImageElement).complete, null, { timeout: 10_000 })
    } finally {
      other.close()
    }
    const size = await page.evaluate(() => {
      const img = document.getElementById('b') as HTMLImageElement
      return [img.naturalWidth > 100, img.naturalHeight]
    })
    assert.equal(size, [true, 20])
  } finally {
    await page.close()
  }
})

test('no sign-in anywhere: the page, its JSON, the feed and a badge answer without a token', async (ctx) => {
  for (const path of ['/status', '/status?lang=es', '/api/status', '/status/feed.atom', '/status/badge/east.svg', '/status/status.css']) {
    const r = await fetch(`${ctx.base}${path}`)
    assert.is(r.status, 200, path)
  }
  const s = (await (await fetch(`${ctx.base}/api/status`)).json()) as { open: { id: number }[] }
  assert.equal(s.open.map((i) => i.id), [ctx.incident])
})

test.run()
