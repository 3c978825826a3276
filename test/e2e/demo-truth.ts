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

export function demoTruthSuite(name: string, store: 'duckdb' | 'influxdb', makeDemo: () => Promise<TestDemo>, cleanup: () => Promise<void> = async () => {}) {
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

  /** Hour marks of the filled history whose polls and the hour before lie wholly in history. */
  function historyHours(demo: TestDemo): number[] {
    const hours: number[] = []
    for (let t = demo.historyFromMs + HOUR; t + HOUR <= demo.liveSinceMs; t += HOUR) hours.push(t)
    return hours
  }

  test('hourly clients per neighborhood in history equal the true clients at each poll', async ({ demo }) => {
    const hours = historyHours(demo)
    assert.ok(hours.length >= 20, `${hours.length} history hours`)
    let compared = 0
    for (const n of served(demo)) {
      const q = `/api/series?metric=wifi_clients&neighborhood=${n.id}&fromMs=${hours[0]}&toMs=${hours.at(-1)! + HOUR}&stepMs=${HOUR}&fn=mean`
      const series = await get(demo, q)
      const got = new Map<number, number>(series.points.map((p: { timeMs: number; value: number }) => [p.timeMs, p.value]))
      for (const t of hours) {
        // every AP was polled exactly at the hour mark, so the hour's mean is that one instant
        const truth = n.aps.reduce((sum, ap) => sum + demo.city.truth.clientsAt(ap.id, t), 0)
        assert.is(got.get(t), truth, `${n.id} at ${new Date(t).toISOString()}`)
        compared++
      }
    }
    assert.is(compared, 6 * hours.length)
  })

  test('hourly data used per neighborhood equals the true bytes in all six served neighborhoods', async ({ demo }) => {
    const hours = historyHours(demo)
    const all = served(demo)
    // Blue Hills, Northeast and Clay-Arsenal are standalone UniFi APs (their radio counters);
    // Downtown, Asylum Hill and Frog Hollow sit behind the controller, whose per-AP
    // cLApEthernetIfTable counters (CISCO-LWAPP-AP-MIB) keep the bytes of clients that
    // left or roamed between the hourly polls
    assert.equal(all.filter((n) => n.standalone).map((n) => n.id).sort(), ['blue-hills', 'clay-arsenal', 'northeast'])
    assert.equal(all.map((n) => n.id).sort(), ['asylum-hill', 'blue-hills', 'clay-arsenal', 'downtown', 'frog-hollow', 'northeast'])
    for (const n of all) {
      const q = `/api/series?metric=wifi_bytes&neighborhood=${n.id}&fromMs=${hours[0]}&toMs=${hours.at(-1)! + HOUR}&stepMs=${HOUR}&fn=sum`
      const series = await get(demo, q)
      const got = new Map<number, number>(series.points.map((p: { timeMs: number; value: number }) => [p.timeMs, p.value]))
      for (const t of hours) {
        // the sample at t is the counter delta since the poll an hour before
        assert.is(got.get(t), demo.city.truth.bytes(n.id, t - HOUR, t).total, `${n.id} bytes in the hour to ${new Date(t).toISOString()}`)
      }
    }
  })

  test('clients now per neighborhood equal the sum of each AP\'s latest poll, and each poll equals the truth', async ({ demo }) => {
    // Stop polling so the store, the API and the truth talk about the same polls.
    await demo.collector.poller.stop()
    await demo.collector.writer.flush()
    await new Promise((r) => setTimeout(r, 1100)) // the demo's API reuses a summary for 1 s at most
    const nb = await get(demo, '/api/neighborhoods?geometry=false')
    const sinceMs = Date.now() - 10_000
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
