/**
 * Unique clients from the MAC to the number, through the real paths, against the simulator's
 * truth: the simulated Hartford answers SNMP and its UniFi Network controller HTTPS on
 * loopback; every 5 minutes of one whole local day (stepped clock) the poller reads the
 * wireless controller's station table over SNMP (bsnMobileStationTable: Downtown, Asylum
 * Hill, Frog Hollow) and the UniFi source the controller's client list over HTTPS (Blue
 * Hills, Northeast, Clay-Arsenal), sharing one MAC hasher and one de-duplication as
 * collector/index.ts wires them; the stations become digests and sightings, go through the
 * writer into a DuckDB store, and uniques/uniqueClients counts them. Per AP, per
 * neighborhood and for the de-duplicated city:
 * - the figure is exactly the clients associated at the polled instants (what the method can see),
 * - never above the truth, and within the miss bound of it,
 * - the city is the union (roamers once), below the sum of the neighborhoods when clients roam,
 * - randomized MACs counted apart, their share as the truth's.
 * Without the UniFi source its APs have no station source: no figure, and none for the city.
 * The standalone UniFi APs' own SNMP polls give no station (their MIB has only a count) and
 * are left out to keep the day under a minute; only the two station sources are read.
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
import { createMacHasher } from '../../collector/privacy.ts'
import { pollWithProbe } from '../../collector/index.ts'
import { probeDevice } from '../../collector/probe.ts'
import { createPoller } from '../../collector/scheduler.ts'
import { createSightingTracker } from '../../collector/sightings.ts'
import { createUnifiSource } from '../../collector/unifi/source.ts'
import { createWriter } from '../../collector/writer.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createSimulatedCity } from '../../simulators/city.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import { missBound, uniqueClients } from '../../uniques/index.ts'
import { simulatedSecrets, simulatedTrust } from '../support/unifi.ts'

const SEED = 1
const DAY = '2026-11-10' // a Tuesday of the week the simulator is calibrated on
const STEP_MS = 5 * 60_000
const log = pino({ level: process.env.CIVICNET_TEST_LOG ?? 'warn' })

test('one Hartford local day read every 5 minutes (WLC over SNMP, UniFi controller over HTTPS): unique devices per AP, neighborhood and city equal what the reads saw, within the miss bound of the truth', async () => {
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
  // the two station sources, wired as collector/index.ts wires them: one writer, one MAC
  // hasher and one de-duplication for both
  const writer = createWriter({ spoolDir: join(dir, 'spool'), maxDelayMs: 20 }, { store, log })
  const macHasher = createMacHasher({ timezone: tz })
  const sightings = createSightingTracker()
  const wlcOnly = (inv: Inventory): Inventory => ({ ...inv, devices: inv.devices.filter((d) => d.id === 'wlc-1' || d.controller === 'wlc-1') })
  const poller = createPoller({ timeoutMs: 5000, retries: 2 }, {
    inventory: () => wlcOnly(city.inventoryWithEndpoints()), sink: writer, clock, log, macHasher, sightings,
    poll: pollWithProbe(probeDevice, () => ({ version: '2c', community: 'public' })),
  })
  const unifi = createUnifiSource({ timeoutMs: 10_000 }, {
    inventory: () => city.inventoryWithEndpoints(), sink: writer, clock, log, macHasher, sightings,
    credentials: simulatedSecrets(city), trust: simulatedTrust(city),
  })
  try {
    writer.start()
    const bySite = new Map(inventory.sites.map((s) => [s.id, s.neighborhood]))
    const hoodOf = new Map(inventory.devices.map((d) => [d.id, bySite.get(d.site) ?? '']))
    const wlcAps = inventory.devices.filter((d) => d.controller === 'wlc-1')
    const unifiAps = inventory.devices.filter((d) => d.managedBy === 'unifi-1')
    const served = inventory.neighborhoods.filter((n) => n.served).map((n) => n.id).sort()
    assert.equal([...new Set(wlcAps.map((d) => hoodOf.get(d.id)!))].sort(), ['asylum-hill', 'downtown', 'frog-hollow'])
    assert.equal([...new Set(unifiAps.map((d) => hoodOf.get(d.id)!))].sort(), ['blue-hills', 'clay-arsenal', 'northeast'])
    // what the reads can see: the clients associated at each read minute
    const seen = { ap: new Map<string, Map<string, boolean>>(), hood: new Map<string, Map<string, boolean>>(), city: new Map<string, boolean>() }
    let rounds = 0
    for (let t = fromMs; t < toMs; t += STEP_MS) {
      clock.set(t)
      await Promise.all([poller.pollAll({ timeoutMs: 5000, retries: 2 }), unifi.pollAll()])
      rounds++
      for (const n of served) {
        for (const c of city.truth.clientListAt(n, t)) {
          for (const [m, k] of [[seen.ap, c.ap], [seen.hood, n]] as const) {
            if (!m.has(k)) m.set(k, new Map())
            m.get(k)!.set(c.mac, c.randomized)
          }
          seen.city.set(c.mac, c.randomized)
        }
      }
    }
    await writer.flush()
    assert.is(rounds, 24 * 12)
    assert.equal([poller.stats().ok, unifi.stats().ok], [rounds, rounds], 'every read of both controllers answered')
    assert.equal([writer.stats().rejectedSightings, writer.stats().spool.droppedSightings, poller.sightingStats().tooLate, unifi.stats().tooLate], [0, 0, 0, 0])
    assert.is(unifi.stats().unattributed, 0)

    const r = await uniqueClients({ from: DAY, to: nextDate(DAY), neighborhoods: 'all', aps: true }, { store, inventory, now: () => toMs + 1 })
    const d = r.days[0]!
    const randomizedOf = (m: Map<string, boolean> | undefined) => [...(m ?? new Map<string, boolean>()).values()].filter(Boolean).length
    let sumHoods = 0
    const rows: string[] = []
    for (const n of served) {
      const f = d.neighborhoods[n]!
      const truth = city.truth.uniqueBreakdown(n, fromMs, toMs)
      const polled = seen.hood.get(n)!
      assert.is(f.value, polled.size, `${n}: the digests counted are the clients the reads saw (${f.reason ?? ''})`)
      assert.is(f.randomized, randomizedOf(polled), `${n}: randomized`)
      assert.ok(f.value! <= truth.total, `${n}: ${f.value} never above the truth ${truth.total}`)
      assert.is(f.pollIntervalMin, 5)
      assert.is(f.missBound, missBound(STEP_MS, 'neighborhood'))
      assert.ok(f.value! >= (1 - f.missBound!) * truth.total, `${n}: ${f.value} within the miss bound ${f.missBound} of the truth ${truth.total}`)
      assert.ok(Math.abs(f.randomizedShare! - truth.randomized / truth.total) < 0.02, `${n}: randomized share ${f.randomizedShare} against the truth's ${truth.randomized / truth.total}`)
      sumHoods += f.value!
      rows.push(`${n} ${f.value}/${truth.total}`)
    }
    // the city: each device once, however many neighborhoods (and sources) saw it
    const truth = city.truth.uniqueBreakdown('all', fromMs, toMs)
    const sumTruth = served.reduce((a, n) => a + city.truth.uniqueClients(n, fromMs, toMs), 0)
    assert.ok(truth.total < sumTruth, 'the simulated clients roam between neighborhoods')
    assert.is(d.city.value, seen.city.size)
    assert.is(d.city.randomized, randomizedOf(seen.city))
    assert.ok(d.city.value! <= truth.total)
    assert.ok(d.city.value! >= (1 - d.city.missBound!) * truth.total, `city ${d.city.value} within ${d.city.missBound} of ${truth.total}`)
    assert.ok(Math.abs(d.city.randomizedShare! - truth.randomized / truth.total) < 0.02)
    assert.ok(d.city.value! < sumHoods, `roamers: the city ${d.city.value} is below the sum of its neighborhoods ${sumHoods}`)
    // per AP: exactly what the reads saw, never above the truth, within the per-AP bound where it was measured (20 clients and up)
    const apBound = missBound(STEP_MS, 'ap')!
    let checked = 0
    for (const ap of [...wlcAps, ...unifiAps]) {
      const f = d.aps![ap.id]!
      const t = city.truth.uniqueClients(ap.id, fromMs, toMs)
      assert.is(f.value, seen.ap.get(ap.id)?.size ?? 0, ap.id)
      assert.ok(f.value! <= t, ap.id)
      if (t >= 20) {
        assert.ok(f.value! >= (1 - apBound) * t, `${ap.id}: ${f.value} within ${apBound} of ${t}`)
        checked++
      }
    }
    assert.ok(checked >= 200, `${checked} APs compared`)
    // a neighborhood without Wi-Fi has no devices
    const unserved = inventory.neighborhoods.find((n) => !n.served)!
    assert.is(d.neighborhoods[unserved.id]!.value, 0)

    // the same store without the UniFi controller in the inventory: its APs have no station
    // source (their SNMP MIB serves only a count), so no figure, and no city figure
    const bare = { ...inventory, devices: inventory.devices.filter((x) => x.id !== 'unifi-1').map(({ managedBy: _m, ...x }) => x) }
    const without = (await uniqueClients({ from: DAY, to: nextDate(DAY), neighborhoods: 'all' }, { store, inventory: bare, now: () => toMs + 1 })).days[0]!
    assert.is(without.neighborhoods['blue-hills']!.value, null)
    assert.match(without.neighborhoods['blue-hills']!.reason!, /^no station source/)
    assert.is(without.city.value, null)
    assert.is(without.neighborhoods.downtown!.value, d.neighborhoods.downtown!.value)
    console.log(`  ${rounds} rounds; ${rows.join(', ')}; city ${d.city.value}/${truth.total} (sum of neighborhoods ${sumHoods}); randomized ${(d.city.randomizedShare! * 100).toFixed(1)} % (truth ${(truth.randomized / truth.total * 100).toFixed(1)} %)`)
  } finally {
    await unifi.stop()
    await poller.stop()
    await writer.stop()
    await store.close()
    await city.stop()
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
