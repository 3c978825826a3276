/**
 * Unique clients from the MAC to the number, through the real path, against the simulator's
 * truth: the simulated Hartford answers SNMP on loopback, the collector polls its wireless
 * controller (the station table: bsnMobileStationTable) every 5 minutes of one whole local
 * day on a stepped clock, the stations become digests and sightings, go through the writer
 * into a DuckDB store, and uniques/uniqueClients counts them. Per AP, per neighborhood and
 * for the de-duplicated city:
 * - the figure is exactly the clients associated at the polled instants (what the method can see),
 * - never above the truth, and within the miss bound of it,
 * - the city is the union (roamers once), below the sum of the neighborhoods when clients roam,
 * - randomized MACs counted apart, their share as the truth's.
 * The APs nothing lists the stations of (the standalone UniFi APs, while no UniFi controller
 * source reads them) have no figure, and so neither has the whole city.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { nextDate, startOfLocalDate } from '../../core/calendar.ts'
import { steppedClock } from '../../core/clock.ts'
import type { Inventory } from '../../core/inventory.ts'
import { createCollector } from '../../collector/index.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { missBound, uniqueClients } from '../../uniques/index.ts'

const SEED = 1
const DAY = '2026-11-10' // a Tuesday of the week the simulator is calibrated on
const STEP_MS = 5 * 60_000
const log = pino({ level: process.env.CIVICNET_TEST_LOG ?? 'warn' })

test('one Hartford local day polled every 5 minutes over SNMP: unique devices per AP, neighborhood and city equal what the polls saw, within the miss bound of the truth', async () => {
  const inventory = hartfordInventory(SEED)
  const tz = inventory.city.timezone
  const fromMs = startOfLocalDate(DAY, tz)
  const toMs = startOfLocalDate(nextDate(DAY), tz)
  const clock = steppedClock(fromMs)
  const city = createSimulatedCity(inventory, { seed: SEED, clock, originMs: fromMs - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true }, log)
  await city.start()
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-uniques-'))
  const store = await openDuckDbStore({ path: join(dir, 'metrics.duckdb') })
  await store.init()
  // the station source: the wireless controller (its lightweight APs come with its poll)
  const stationSources = (inv: Inventory): Inventory => ({ ...inv, devices: inv.devices.filter((d) => d.id === 'wlc-1' || d.controller === 'wlc-1') })
  const collector = createCollector(
    { writer: { spoolDir: join(dir, 'spool'), maxDelayMs: 20 }, traps: false },
    { inventory: () => stationSources(city.inventoryWithEndpoints()), store, clock, log, credentials: () => ({ version: '2c', community: 'public' }) },
  )
  try {
    collector.writer.start()
    const bySite = new Map(inventory.sites.map((s) => [s.id, s.neighborhood]))
    const wlcAps = inventory.devices.filter((d) => d.controller === 'wlc-1')
    const hoods = [...new Set(wlcAps.map((d) => bySite.get(d.site)!))].sort()
    assert.equal(hoods, ['asylum-hill', 'downtown', 'frog-hollow'])
    // what the polls can see: the clients associated at each polled minute
    const seen = { ap: new Map<string, Map<string, boolean>>(), hood: new Map<string, Map<string, boolean>>(), city: new Map<string, boolean>() }
    const hoodOf = new Map(wlcAps.map((d) => [d.id, bySite.get(d.site)!]))
    let polls = 0
    for (let t = fromMs; t < toMs; t += STEP_MS) {
      clock.set(t)
      await collector.poller.pollAll({ timeoutMs: 5000, retries: 2 })
      polls++
      for (const c of city.truth.clientListAt('wlc-1', t)) {
        for (const [m, k] of [[seen.ap, c.ap], [seen.hood, hoodOf.get(c.ap)!]] as const) {
          if (!m.has(k)) m.set(k, new Map())
          m.get(k)!.set(c.mac, c.randomized)
        }
        seen.city.set(c.mac, c.randomized)
      }
    }
    await collector.writer.flush()
    assert.is(polls, 24 * 12)
    const st = collector.stats()
    assert.is(st.poller.ok, polls, 'every poll of the controller answered')
    assert.equal([st.writer.rejectedSightings, st.writer.spool.droppedSightings, collector.poller.sightingStats().tooLate], [0, 0, 0])

    const r = await uniqueClients({ from: DAY, to: nextDate(DAY), neighborhoods: hoods, aps: true }, { store, inventory, now: () => toMs + 1 })
    const d = r.days[0]!
    const randomizedOf = (m: Map<string, boolean> | undefined) => [...(m ?? new Map<string, boolean>()).values()].filter(Boolean).length
    let sumHoods = 0
    let sumTruth = 0
    for (const n of hoods) {
      const f = d.neighborhoods[n]!
      const truth = city.truth.uniqueBreakdown(n, fromMs, toMs)
      const polled = seen.hood.get(n)!
      assert.is(f.value, polled.size, `${n}: the digests counted are the clients the polls saw`)
      assert.is(f.randomized, randomizedOf(polled), `${n}: randomized`)
      assert.ok(f.value! <= truth.total, `${n}: ${f.value} never above the truth ${truth.total}`)
      assert.is(f.pollIntervalMin, 5)
      assert.is(f.missBound, missBound(STEP_MS, 'neighborhood'))
      assert.ok(f.value! >= (1 - f.missBound!) * truth.total, `${n}: ${f.value} within the miss bound ${f.missBound} of the truth ${truth.total}`)
      assert.ok(Math.abs(f.randomizedShare! - truth.randomized / truth.total) < 0.02, `${n}: randomized share ${f.randomizedShare} against the truth's ${truth.randomized / truth.total}`)
      sumHoods += f.value!
      sumTruth += truth.total
    }
    // the city: the union of the three, each client once
    const truthMacs = new Set(hoods.flatMap((n) => city.truth.uniqueClientMacs(n, fromMs, toMs)))
    const truthRandomized = [...truthMacs].filter((m) => (parseInt(m.slice(0, 2), 16) & 2) !== 0).length
    assert.is(d.city.value, seen.city.size)
    assert.is(d.city.randomized, randomizedOf(seen.city))
    assert.ok(d.city.value! <= truthMacs.size)
    assert.ok(d.city.value! >= (1 - d.city.missBound!) * truthMacs.size, `city ${d.city.value} within ${d.city.missBound} of ${truthMacs.size}`)
    assert.ok(Math.abs(d.city.randomizedShare! - truthRandomized / truthMacs.size) < 0.02)
    assert.ok(d.city.value! <= sumHoods)
    if (truthMacs.size < sumTruth) assert.ok(d.city.value! < sumHoods, `roamers: the city ${d.city.value} is below the sum of its neighborhoods ${sumHoods}`)
    // per AP: exactly what the polls saw, never above the truth, within the per-AP bound where it was measured (20 clients and up)
    const apBound = missBound(STEP_MS, 'ap')!
    let checked = 0
    for (const ap of wlcAps) {
      const f = d.aps![ap.id]!
      const truth = city.truth.uniqueClients(ap.id, fromMs, toMs)
      assert.is(f.value, seen.ap.get(ap.id)?.size ?? 0, ap.id)
      assert.ok(f.value! <= truth, ap.id)
      if (truth >= 20) {
        assert.ok(f.value! >= (1 - apBound) * truth, `${ap.id}: ${f.value} within ${apBound} of ${truth}`)
        checked++
      }
    }
    assert.ok(checked >= 80, `${checked} APs compared`)

    // the standalone UniFi APs: no station source polled here, so no figure, and no city figure
    const all = await uniqueClients({ from: DAY, to: nextDate(DAY), neighborhoods: 'all' }, { store, inventory, now: () => toMs + 1 })
    assert.is(all.days[0]!.neighborhoods['blue-hills']!.value, null)
    assert.match(all.days[0]!.neighborhoods['blue-hills']!.reason!, /^no station source/)
    assert.is(all.days[0]!.city.value, null)
    assert.is(all.days[0]!.neighborhoods.downtown!.value, d.neighborhoods.downtown!.value)
    // a neighborhood without Wi-Fi has no devices
    const unserved = inventory.neighborhoods.find((n) => !n.served)!
    assert.is(all.days[0]!.neighborhoods[unserved.id]!.value, 0)
    console.log(`  ${polls} polls; ${hoods.map((n) => `${n} ${d.neighborhoods[n]!.value}/${city.truth.uniqueClients(n, fromMs, toMs)}`).join(', ')}; city ${d.city.value}/${truthMacs.size} (sum ${sumHoods})`)
  } finally {
    await collector.stop()
    await collector.writer.stop()
    await store.close()
    await city.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
