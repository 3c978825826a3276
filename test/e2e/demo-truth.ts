/**
 * The whole path against ground truth: the demo (simulated Hartford as real SNMP agents,
 * the collector polling them over UDP, the store, the API) answers the numbers a user sees,
 * and they equal what the simulator's truth says happened. The same suite runs on the
 * embedded store (demo-truth-duckdb.test.ts) and on a real influxd (demo-truth-influx.test.ts).
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { TestDemo } from '../support/demo.ts'

const HOUR = 3_600_000

/**
 * `minHistoryHours`: the history the demo was started with must hold at least this many hours
 * of polls (every one of them is compared).
 */
export function demoTruthSuite(name: string, store: 'duckdb' | 'influxdb', minHistoryHours: number, makeDemo: () => Promise<TestDemo>, cleanup: () => Promise<void> = async () => {}) {
  const test = suite<{ demo: TestDemo }>(`the demo on ${name} against the simulator truth`, {} as { demo: TestDemo })

  test.before(async (ctx) => {
    ctx.demo = await makeDemo()
  })
  test.after(async (ctx) => {
    await ctx.demo?.close()
    await cleanup()
  })

  test('runs on the store it was given', async ({ demo }) => {
    assert.is((await get(demo, '/api/meta')).store, store)
  })

  async function get(demo: TestDemo, path: string, auth = false): Promise<any> {
    const res = await fetch(demo.baseUrl + path, auth ? { headers: { authorization: `Bearer ${demo.token}` } } : {})
    assert.is(res.status, 200, `${path} answered ${res.status}`)
    return res.json()
  }

  /** Served neighborhoods, their APs, and whether all of them are standalone UniFi APs (not behind the controller). */
  function served(demo: TestDemo) {
    const bySite = new Map(demo.inventory.sites.map((s) => [s.id, s.neighborhood]))
    return demo.inventory.neighborhoods
      .filter((n) => n.served)
      .map((n) => {
        const aps = demo.inventory.devices.filter((d) => d.kind === 'ap' && bySite.get(d.site) === n.id)
        return { id: n.id, aps, standalone: aps.every((d) => !d.controller) }
      })
  }

  /**
   * The history poll times whose previous poll lies in history too: the demo fills history
   * at its step (5 min by default: the controller's 32-bit per-AP byte counters are exact
   * for at most 343 s, docs/COLLECTOR.md), every agent polled at each step's instant.
   */
  async function historySteps(demo: TestDemo): Promise<{ stepMs: number; times: number[] }> {
    const stepMs = (await get(demo, '/api/meta')).history.stepMs as number
    const times: number[] = []
    for (let t = demo.historyFromMs + stepMs; t + stepMs <= demo.liveSinceMs; t += stepMs) times.push(t)
    return { stepMs, times }
  }

  test('clients per neighborhood at every history poll equal the true clients at that instant', async ({ demo }) => {
    const { stepMs, times } = await historySteps(demo)
    assert.ok(times.length * stepMs >= minHistoryHours * HOUR, `${times.length} history polls of ${stepMs} ms`)
    let compared = 0
    for (const n of served(demo)) {
      const q = `/api/series?metric=wifi_clients&neighborhood=${n.id}&fromMs=${times[0]}&toMs=${times.at(-1)! + stepMs}&stepMs=${stepMs}&fn=mean`
      const series = await get(demo, q)
      const got = new Map<number, number>(series.points.map((p: { timeMs: number; value: number }) => [p.timeMs, p.value]))
      for (const t of times) {
        // every AP was polled exactly at the step's instant, so the step's mean is that one instant
        const truth = n.aps.reduce((sum, ap) => sum + demo.city.truth.clientsAt(ap.id, t), 0)
        assert.is(got.get(t), truth, `${n.id} at ${new Date(t).toISOString()}`)
        compared++
      }
    }
    assert.is(compared, 6 * times.length)
  })

  test('data used per neighborhood in every history step, and every hour, equals the true bytes in all six served neighborhoods', async ({ demo }) => {
    const { stepMs, times } = await historySteps(demo)
    const all = served(demo)
    // Blue Hills, Northeast and Clay-Arsenal are standalone UniFi APs (their radio counters);
    // Downtown, Asylum Hill and Frog Hollow sit behind the controller, whose per-AP
    // cLApEthernetIfTable counters (CISCO-LWAPP-AP-MIB, Counter32) keep the bytes of clients
    // that left or roamed between polls, exact as long as polls are at most 343 s apart
    assert.equal(all.filter((n) => n.standalone).map((n) => n.id).sort(), ['blue-hills', 'clay-arsenal', 'northeast'])
    assert.equal(all.map((n) => n.id).sort(), ['asylum-hill', 'blue-hills', 'clay-arsenal', 'downtown', 'frog-hollow', 'northeast'])
    const hours = times.filter((t) => t % HOUR === 0 && t + HOUR <= times.at(-1)! + stepMs)
    assert.ok(hours.length >= minHistoryHours - 1, `${hours.length} whole hours`)
    for (const n of all) {
      const q = `/api/series?metric=wifi_bytes&neighborhood=${n.id}&fromMs=${times[0]}&toMs=${times.at(-1)! + stepMs}&stepMs=${stepMs}&fn=sum`
      const series = await get(demo, q)
      const got = new Map<number, number>(series.points.map((p: { timeMs: number; value: number }) => [p.timeMs, p.value]))
      for (const t of times) {
        // the sample at t is the counter delta since the poll a step before
        assert.is(got.get(t), demo.city.truth.bytes(n.id, t - stepMs, t).total, `${n.id} bytes in the step to ${new Date(t).toISOString()}`)
      }
      // an hour's sum holds the polls at h, h + step, ..., h + 1 h - step: the bytes since h - step
      const hourly = await get(demo, `/api/series?metric=wifi_bytes&neighborhood=${n.id}&fromMs=${hours[0]}&toMs=${hours.at(-1)! + HOUR}&stepMs=${HOUR}&fn=sum`)
      const perHour = new Map<number, number>(hourly.points.map((p: { timeMs: number; value: number }) => [p.timeMs, p.value]))
      for (const h of hours) assert.is(perHour.get(h), demo.city.truth.bytes(n.id, h - stepMs, h + HOUR - stepMs).total, `${n.id} bytes in the hour from ${new Date(h).toISOString()}`)
    }
  })

  test('clients now per neighborhood equal the sum of each AP\'s latest poll, and each poll equals the truth', async ({ demo }) => {
    // Stop polling so the store, the API and the truth talk about the same polls.
    await demo.collector.poller.stop()
    // Then one patient round: every AP has a poll from just now, however busy the machine
    // was (a loaded CI machine skips scheduled polls of a device whose last one still runs).
    // It starts with at least 20 s left in the minute (the simulated city changes each
    // minute), waiting for the next minute when less is left, so on a loaded machine too the
    // round lies within one minute and a straddled poll stays the exception the allowance
    // below is for.
    if (60_000 - (Date.now() % 60_000) < 20_000) await new Promise((r) => setTimeout(r, 60_000 - (Date.now() % 60_000) + 200))
    const roundMs = Date.now()
    await demo.collector.poller.pollAll({ timeoutMs: 5000, retries: 2, maxInFlight: 64 })
    await demo.collector.writer.flush()
    await new Promise((r) => setTimeout(r, 1100)) // the demo's API reuses a summary for 1 s at most
    const nb = await get(demo, '/api/neighborhoods?geometry=false')
    const sinceMs = roundMs - 1000
    const latest = new Map((await demo.store.latest({ metric: 'wifi_clients', sinceMs })).filter((v) => v.instance === '').map((v) => [v.device, v]))
    const durations = new Map((await demo.store.latest({ metric: 'poll_duration_ms', sinceMs })).map((v) => [v.device, v]))
    let straddled = 0
    for (const n of served(demo)) {
      let sum = 0
      for (const ap of n.aps) {
        const v = latest.get(ap.id)
        assert.ok(v !== undefined, `${ap.id} has a fresh sample`)
        sum += v.value
        // A sample carries its poll's start time; the simulated city changes each minute, so
        // a poll that ran across a minute boundary may have read the next minute (as a real
        // collector would). Its own duration (a lightweight AP's is its controller's) says so.
        const polled = durations.get(ap.controller ?? ap.id)
        assert.ok(polled !== undefined && polled.timeMs === v.timeMs, `${ap.id}: the poll's duration was stored with it`)
        const endMs = v.timeMs + Math.ceil(polled.value)
        const truths = [demo.city.truth.clientsAt(ap.id, v.timeMs)]
        if (Math.floor(endMs / 60_000) > Math.floor(v.timeMs / 60_000)) {
          truths.push(demo.city.truth.clientsAt(ap.id, endMs))
          straddled++
        }
        assert.ok(truths.includes(v.value), `${ap.id}: polled ${v.value} clients at ${new Date(v.timeMs).toISOString()}, truth ${truths.join(' or ')}`)
      }
      const props = nb.features.find((f: { properties: { id: string } }) => f.properties.id === n.id).properties
      assert.is(props.clientsNow, sum, n.id)
      assert.is(props.apsUp, n.aps.length, `${n.id}: every AP up`)
    }
    // almost every poll lies within one minute: the allowance above is the exception
    assert.ok(straddled <= 100, `${straddled} of 224 APs polled across a minute boundary`)
    const unserved = nb.features.filter((f: { properties: { served: boolean } }) => !f.properties.served)
    assert.is(unserved.length, 11)
    assert.ok(unserved.every((f: { properties: { clientsNow: number } }) => f.properties.clientsNow === 0))
  })

  test.run()
}
