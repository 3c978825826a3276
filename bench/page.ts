/**
 * Web page benchmark: time until the map is interactive (first answer drawn and painted,
 * window.__civicnet.interactiveMs from navigation start) with the city's 300 APs and with
 * 10,000 synthetic APs; the time one auto-refresh takes; the longest frame while the map
 * zooms in and out (smoothness); and the JavaScript time of the AP canvas redraw after it.
 * The API answers come from the fixture on a loopback server
 * (test/support/web-fixture.ts), so only the page is measured. Baseline in the same run:
 * neighborhoods only (public view, no AP markers).
 * Run: node --import tsx bench/page.ts   (BENCH_RUNS=n for more runs)
 */
import { launchBrowser } from '../test/support/browser.ts'
import { createFixtureApi } from '../test/support/web-fixture.ts'
import { startWebServer } from '../test/support/web-server.ts'

const RUNS = Number(process.env.BENCH_RUNS ?? 3)
const TOKEN = 'bench-token'

interface Figures {
  interactiveMs: number
  refreshMs: number
  /** longest gap between animation frames while the map zooms in one step and back */
  worstFrameMs: number
  /** JavaScript time of the AP canvas redraw after that zoom */
  apDrawMs: number
  markers: number
}

/**
 * Counts frames for 1.2 s while the zoom buttons are pressed (in the page, as a string so
 * the bundler's helpers do not leak into the evaluated code); returns the longest gap.
 */
const FRAME_PROBE = `new Promise((resolve) => {
  let last = performance.now(), worst = 0, on = true
  const tick = () => { const n = performance.now(); worst = Math.max(worst, n - last); last = n; if (on) requestAnimationFrame(tick) }
  requestAnimationFrame(tick)
  document.querySelector('.leaflet-control-zoom-in').click()
  setTimeout(() => document.querySelector('.leaflet-control-zoom-out').click(), 600)
  setTimeout(() => { on = false; resolve(Math.round(worst)) }, 1200)
})`

async function measure(aps: number, engineer: boolean): Promise<Figures[]> {
  const fx = createFixtureApi({ token: TOKEN, aps })
  const web = await startWebServer({ api: fx.handler })
  const browser = await launchBrowser()
  const out: Figures[] = []
  try {
    // Run 0 warms chromium's caches (first parse and compile of main.js) and is not counted.
    for (let i = 0; i <= RUNS; i++) {
      // the fixture takes its token as the session cookie's value (test/support/web-fixture.ts)
      await browser.context.clearCookies()
      if (engineer) await browser.context.addCookies([{ name: 'civicnet_session', value: TOKEN, url: web.url }])
      const page = await browser.newPage()
      // tiles=0: the closed network would only add failing tile requests to the timing.
      await page.goto(`${web.url}/?refresh=2&tiles=0`)
      await page.waitForFunction(() => window.__civicnet?.ready === true, null, { timeout: 120_000 })
      const interactiveMs = await page.evaluate(() => window.__civicnet.interactiveMs!)
      // The second refresh redraws everything already on the map: the steady-state cost.
      await page.waitForFunction(() => window.__civicnet.refreshes >= 3, null, { timeout: 120_000 })
      const { refreshMs, markers } = await page.evaluate(() => ({ refreshMs: window.__civicnet.lastRefreshMs!, markers: Object.keys(window.__civicnet.markers).length }))
      const worstFrameMs = (await page.evaluate(FRAME_PROBE)) as number
      const apDrawMs = await page.evaluate(() => window.__civicnet.apDrawMs ?? 0)
      if (i > 0) out.push({ interactiveMs, refreshMs, worstFrameMs, apDrawMs, markers })
      await page.close()
    }
  } finally {
    await browser.close()
    await web.close()
  }
  return out
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

const cases: [string, number, boolean][] = [
  ['baseline: neighborhoods only (public)', 0, false],
  ['city: 300 APs', 300, true],
  ['synthetic: 10,000 APs', 10_000, true],
]
console.log(`web page benchmark, chromium ${RUNS} runs each, median (min-max)`)
for (const [name, aps, engineer] of cases) {
  const runs = await measure(aps, engineer)
  const i = runs.map((r) => r.interactiveMs)
  const r = runs.map((x) => x.refreshMs)
  const f = runs.map((x) => x.worstFrameMs)
  const d = runs.map((x) => x.apDrawMs)
  const range = (xs: number[]) => `${median(xs)} ms (${Math.min(...xs)}-${Math.max(...xs)})`
  console.log(`${name.padEnd(40)} markers ${String(runs[0]!.markers).padStart(6)}  interactive ${range(i)}  refresh ${range(r)}  worst frame while zooming ${range(f)}  AP redraw JS ${range(d)}`)
}
