/**
 * The UniFi source end to end, over real HTTPS on loopback between the collector and the
 * simulated controller, beside the real SNMP polls of the same simulated city, into a real
 * DuckDB store. No mocks:
 *   - Hartford: the ReadingInput the source hands the samples path lists, AP by AP, the
 *     model's clients (same MACs on the same AP) and as many per AP as the SNMP poll of that
 *     AP counts from its unifiVapTable; through samples.ts (managedBy) the store holds one
 *     day sighting per station on its AP; the Integration API's 200-client pages are walked.
 *   - paging over many small pages; a wrong key (a clear error, no data, no retry in the
 *     round); a dead controller (device_up 0, no station list, a deviceDown and a deviceUp
 *     event) while the SNMP polls of the same run keep their schedule to the millisecond;
 *     certificate trust: a wrong pin refused before the key is sent, the right pin, a CA file
 *     that did not sign it, the system CAs, the right CA file; the classic API with a login
 *     on UniFi OS (session end, one new login) and on a Network Application, and a wrong
 *     password;
 *   - no client MAC, in any notation, in any log line (trace level), poll record or spool.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { Writable } from 'node:stream'
import pino from 'pino'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import type { Device, Inventory } from '../../core/inventory.ts'
import { createCollector, type Collector } from '../../collector/index.ts'
import type { PollRecord } from '../../collector/scheduler.ts'
import { createUnifiClient } from '../../collector/unifi/client.ts'
import type { UnifiCredentialResolver } from '../../collector/unifi/credentials.ts'
import { createTrustingAgent, createUnifiTrustResolver, type UnifiTrust } from '../../collector/unifi/tls.ts'
import { listingToReading, type UnifiSourceConfig } from '../../collector/unifi/source.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { createSimulatedCity, type CityOptions, type SimulatedCity } from '../../simulators/city.ts'
import { makeSelfSignedCertificate } from '../../simulators/unifi/cert.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { UNIFI_APS, UNIFI_ID, macForms, simulatedSecrets, simulatedTrust, unifiCity } from '../support/unifi.ts'

const START = Date.parse('2026-11-20T21:00:00Z') // 16:00 in Hartford
const DAY = '2026-11-20'
const MIN = 60_000
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

// Everything every test logged (trace level), recorded and spooled, and every client MAC
// the controllers listed to it: the last test searches the one for the other.
let logText = ''
const allRecords: PollRecord[] = []
const spools: string[] = []
const macsListed = new Set<string>()
const log = pino({ level: 'trace' }, new Writable({ write(chunk, _enc, cb) { logText += chunk; cb() } }))

interface Harness {
  city: SimulatedCity
  clock: ManualClock
  c: Collector
  store: MetricStore
  records: PollRecord[]
  unifi: PollRecord[]
  stop(): Promise<void>
}

/** A simulated city (its controller on a free port) and a collector reading it, nothing started. */
async function harness(
  inventory: Inventory,
  opts: { city?: Partial<CityOptions>; unifi?: UnifiSourceConfig; inventoryFor?: (city: SimulatedCity) => () => Inventory; secrets?: 'simulated' | UnifiCredentialResolver; trust?: 'simulated' | 'inventory' | ((d: Device) => UnifiTrust) } = {},
): Promise<Harness> {
  const clock = manualClock(START)
  const city = createSimulatedCity(inventory, { seed: 7, clock, originMs: START - 3_600_000, bindHostOverride: '127.0.0.1', ephemeralPorts: true, ...opts.city }, log.child({ part: 'sim' }))
  await city.start()
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-unifi-'))
  spools.push(dir)
  const store = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const records: PollRecord[] = []
  const trust = opts.trust ?? 'simulated'
  const c = createCollector(
    {
      poller: { intervalMs: MIN, tick: 'clock', tickMs: 1000, timeoutMs: 1500, retries: 0 },
      writer: { spoolDir: dir, maxDelayMs: 5 },
      traps: false,
      unifi: { timeoutMs: 3000, retries: 1, retryBaseMs: 50, ...opts.unifi },
    },
    {
      inventory: opts.inventoryFor ? opts.inventoryFor(city) : () => city.inventoryWithEndpoints(),
      store,
      clock,
      log,
      onPoll: (r) => {
        records.push(r)
        allRecords.push(r)
      },
      unifiCredentials: !opts.secrets || opts.secrets === 'simulated' ? simulatedSecrets(city) : opts.secrets,
      ...(trust === 'inventory' ? {} : { unifiTrust: trust === 'simulated' ? simulatedTrust(city) : trust }),
    },
  )
  return {
    city,
    clock,
    c,
    store,
    records,
    get unifi() {
      return records.filter((r) => r.device === UNIFI_ID)
    },
    async stop() {
      await c.stop()
      await c.writer.stop()
      await store.close()
      await city.stop()
    },
  }
}

/** the true clients of each AP the controller manages at t, by the name the controller lists the AP under */
function truthByApName(city: SimulatedCity, inv: Inventory, t: number): Map<string, string[]> {
  const out = new Map<string, string[]>()
  for (const d of inv.devices) {
    if (d.managedBy !== UNIFI_ID) continue
    const macs = city.truth.clientListAt(d.id, t).map((x) => x.mac)
    for (const m of macs) macsListed.add(m)
    out.set(d.controllerApName ?? d.name, macs.sort())
  }
  return out
}

const test = suite('the UniFi source')

test('Hartford: the ReadingInput lists the model\'s clients AP by AP, as many per AP as SNMP counts; the store holds each station once on its AP', async () => {
  const inv = hartfordInventory(1)
  const h = await harness(inv)
  try {
    const t = h.clock.now()
    const live = h.city.inventoryWithEndpoints()
    const controller = live.devices.find((d) => d.id === UNIFI_ID)!
    // the poller does not poll the controller over SNMP; the source reads it
    assert.not.ok(h.c.poller.schedule().some((e) => e.device === UNIFI_ID))
    assert.equal(h.c.unifi!.schedule().map((e) => e.device), [UNIFI_ID])

    // 1. the samples boundary: the reading the source hands readingToSamples, from the real client
    const trust = simulatedTrust(h.city)(controller)
    const client = createUnifiClient({ id: controller.id, api: controller.api! }, { secret: () => simulatedSecrets(h.city)(controller.api!.credential, 'api-key'), agent: createTrustingAgent({ host: '127.0.0.1', port: controller.mgmt.port }, trust), trust })
    const listing = await client.list()
    const reading = listingToReading(listing)
    assert.equal([reading.clients.total, reading.aps, reading.interfaces.length], [null, undefined, 0], 'the controller reading carries stations only')
    const byAp = new Map<string, string[]>()
    for (const s of reading.stations!) byAp.set(s.ap!, [...(byAp.get(s.ap!) ?? []), s.mac])
    const truth = truthByApName(h.city, inv, t)
    assert.is(truth.size, 126, 'the 126 UniFi APs of Hartford')
    assert.ok(reading.stations!.length > 400, `${reading.stations!.length} stations`)
    assert.ok(listing.requests >= 1 + 1 + Math.ceil(reading.stations!.length / 200), `${listing.requests} requests: sites, 1 page of devices, ${Math.ceil(reading.stations!.length / 200)} of clients`)
    for (const [name, macs] of truth) assert.equal((byAp.get(name) ?? []).sort(), macs, `${name}: the model's clients`)
    assert.is(reading.stations!.filter((s) => s.ap === undefined).length, 0)

    // 2. the same minute through the collector: SNMP polls of every AP and one round of the source
    await Promise.all([h.c.poller.pollAll(), h.c.unifi!.pollAll()])
    const round = h.unifi
    assert.is(round.length, 1)
    assert.equal([round[0]!.outcome, round[0]!.timeMs, round[0]!.stations!.count, round[0]!.stations!.unattributed], ['ok', t, reading.stations!.length, 0])
    const snmpClients = new Map(h.records.filter((r) => r.device !== UNIFI_ID).flatMap((r) => r.samples.filter((s) => s.metric === 'wifi_clients' && s.instance === '').map((s) => [s.device, s.value] as const)))
    for (const d of inv.devices.filter((x) => x.managedBy === UNIFI_ID)) {
      assert.is(snmpClients.get(d.id), byAp.get(d.name)?.length ?? 0, `${d.id}: unifiVapTable count over SNMP = stations listed over HTTPS`)
    }
    const samples = round[0]!.samples
    assert.equal(samples.filter((s) => s.metric === 'device_up').map((s) => [s.device, s.value]), [[UNIFI_ID, 1]])
    assert.not.ok(samples.some((s) => s.metric === 'wifi_clients'), 'no client count of the controller itself (its APs count their own)')

    // 3. past the samples boundary: samples.ts resolved each station's AP through managedBy
    await h.c.writer.flush()
    const counts = await h.store.countSightings({ scope: 'day', periods: [DAY], groupBy: 'device' })
    const got = new Map(counts.map((x) => [x.group, x.unique]))
    for (const d of inv.devices.filter((x) => x.managedBy === UNIFI_ID)) assert.is(got.get(d.id) ?? 0, h.city.truth.clientsAt(d.id, t), `${d.id}: day sightings`)
  } finally {
    await h.stop()
  }
})

test('paging: a station list of many small pages is read whole, each station once', async () => {
  const inv = unifiCity()
  const h = await harness(inv, { unifi: { pageLimit: 4 } })
  try {
    await h.c.unifi!.pollAll()
    const r = h.unifi[0]!
    const truth = [...truthByApName(h.city, inv, h.clock.now()).values()].flat()
    assert.ok(truth.length > 8, `${truth.length} clients: more than two pages of 4`)
    assert.equal([r.outcome, r.stations!.count, new Set(r.stations!.digests).size], ['ok', truth.length, truth.length])
    // sites, devices (3 APs: one page of 4), then ceil(n/4) pages of clients
    const requests = h.city.unifiControllers()[0]!.stats().requests
    assert.is(requests, 1 + 1 + Math.ceil(truth.length / 4))
  } finally {
    await h.stop()
  }
})

test('a wrong API key: a clear error naming the credential\'s variable, device_up 0, no station list, not retried within the round', async () => {
  const h = await harness(unifiCity(), { secrets: () => ({ kind: 'api-key', apiKey: 'wrong-key-0123456789' }) })
  try {
    await h.c.unifi!.pollAll()
    const r = h.unifi[0]!
    assert.is(r.outcome, 'error')
    assert.match(r.error!, /UniFi controller 'unifi-1' \(https:\/\/127\.0\.0\.1:\d+\) refused the API key \(401: UNAUTHORIZED api\.authentication\.invalid-credentials Invalid API key\): check the API key of credential 'sim-unifi' \(CIVICNET_UNIFI_SIM_UNIFI_API_KEY or CIVICNET_UNIFI_CREDENTIALS\)/)
    assert.not.ok(r.error!.includes('wrong-key-0123456789'), 'the key is not in the error')
    assert.is(r.stations, undefined)
    assert.equal(r.samples.filter((s) => s.metric === 'device_up').map((s) => s.value), [0])
    assert.not.ok(r.samples.some((s) => s.metric === 'wifi_clients' || s.metric === 'station_key'))
    assert.is(h.c.unifi!.stats().retries, 0)
    assert.is(h.city.unifiControllers()[0]!.stats().requests, 1, 'one refused request, then nothing until the next round')
    await h.c.writer.flush()
    assert.equal(await h.store.countSightings({ scope: 'day', periods: [DAY], groupBy: 'device', where: { device: UNIFI_APS } }), [])
    assert.match(logText, /refused the API key/)
    assert.not.ok(logText.includes('wrong-key-0123456789'), 'the key is not logged')
  } finally {
    await h.stop()
  }
})

test('a dead controller: device_up 0 and no station list each round, deviceDown then deviceUp, while the SNMP polls keep their schedule', async () => {
  const inv = unifiCity()
  const h = await harness(inv, { unifi: { timeoutMs: 250, retries: 1, retryBaseMs: 50 } })
  try {
    await h.c.start()
    // SNMP polls that ran while a round of the controller was still waiting for it
    let polledDuringRound = 0
    const step = async () => {
      const before = h.records.length
      const roundOpen = h.c.unifi!.stats().inFlight > 0
      h.clock.advance(1000)
      await new Promise((r) => setImmediate(r))
      while (h.c.poller.stats().inFlight > 0) await sleep(2)
      if (roundOpen && h.c.unifi!.stats().inFlight > 0) polledDuringRound += h.records.slice(before).filter((r) => r.device !== UNIFI_ID).length
      await sleep(8) // the controller's rounds run on real-time timeouts meanwhile; the clock does not wait for them
    }
    for (let s = 0; s < 90; s++) await step() // one good round first
    const down = h.city.faults.inject({ type: 'device-down', target: UNIFI_ID })
    for (let s = 0; s < 240; s++) await step()
    h.city.faults.clear(down.id)
    for (let s = 0; s < 150; s++) await step()
    while (h.c.unifi!.stats().inFlight > 0) await sleep(10)
    await h.c.stop()

    const rounds = h.unifi
    const ok = rounds.filter((r) => r.outcome === 'ok')
    const failed = rounds.filter((r) => r.outcome !== 'ok')
    assert.ok(failed.length >= 2 && ok.length >= 2, `${ok.length} good rounds, ${failed.length} failed`)
    for (const r of failed) {
      assert.is(r.outcome, 'timeout', r.error)
      assert.match(r.error!, /^UniFi controller 'unifi-1' \(https:\/\/127\.0\.0\.1:\d+\): no answer to GET \/proxy\/network\/integration\/v1\/sites\/[0-9a-f-]+\/devices within 250 ms \(controller down, unreachable or overloaded\)$/)
      assert.is(r.stations, undefined, 'no station list')
      assert.equal(r.samples.map((s) => [s.metric, s.value]).filter(([m]) => !String(m).startsWith('poll_duration')), [['device_up', 0], ['poll_timeouts', 1], ['poll_errors', 0]])
    }
    assert.ok(ok.at(-1)!.timeMs > failed.at(-1)!.timeMs, 'answering again at the end')
    assert.ok(ok.every((r) => r.stations!.count === UNIFI_APS.reduce((a, ap) => a + h.city.truth.clientsAt(ap, r.timeMs), 0)))

    // the SNMP polls of the same run: every device every minute at its own offset, none missed or late
    const schedule = new Map(h.c.poller.schedule().map((e) => [e.device, e.offsetMs]))
    assert.is(schedule.size, inv.devices.filter((d) => !d.controller && !d.api).length)
    for (const [device, offset] of schedule) {
      const times = h.records.filter((r) => r.device === device).map((r) => r.timeMs)
      assert.ok(times.length >= 7, `${device}: ${times.length} polls`)
      for (const [i, t] of times.entries()) {
        // the manual clock moves in 1 s steps: a poll starts in the step its due time falls in
        const late = (((t % MIN) + MIN) % MIN) - offset
        assert.ok(late >= 0 && late < 1000, `${device} poll ${i} ${late} ms after its offset`)
        if (i > 0) assert.is(t - times[i - 1]!, MIN, `${device}: one interval between polls`)
      }
    }
    assert.equal([h.c.poller.stats().missed, h.c.poller.stats().timeouts, h.c.poller.stats().errors], [0, 0, 0])
    assert.ok(polledDuringRound >= 3, `${polledDuringRound} SNMP polls ran while a controller round was waiting`)
    assert.ok(h.records.filter((r) => UNIFI_APS.includes(r.device)).every((r) => r.outcome === 'ok'), 'the APs answer SNMP all along')

    await h.c.writer.flush()
    const events = (await h.store.events({ fromMs: START, toMs: h.clock.now() + 1, device: [UNIFI_ID] })).sort((a, b) => a.timeMs - b.timeMs)
    assert.equal(events.map((e) => e.type), ['deviceDown', 'deviceUp'])
    assert.is(events[0]!.timeMs, failed[0]!.timeMs)
    assert.match(events[0]!.detail, /timeout/)
  } finally {
    await h.stop()
  }
})

test('certificates: a wrong pin is refused before the key is sent; the right pin passes; a CA that did not sign it and the system CAs are refused, saying what to do', async () => {
  const other = makeSelfSignedCertificate(['127.0.0.1'], 'someone else')
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-unifi-ca-'))
  spools.push(dir)
  const otherCa = join(dir, 'other-ca.pem')
  writeFileSync(otherCa, other.cert)
  let rightCa = ''
  let pin = 'AA'.repeat(32)
  const h = await harness(unifiCity(), {
    trust: 'inventory',
    inventoryFor: (city) => () => {
      const inv = city.inventoryWithEndpoints()
      return { ...inv, devices: inv.devices.map((d) => (d.id === UNIFI_ID ? { ...d, api: { ...d.api!, ...(pin ? { fingerprint256: pin } : {}), ...(rightCa ? { caFile: rightCa } : {}) } } : d)) }
    },
  })
  const controller = h.city.unifiControllers()[0]!
  const actual = controller.certificate().fingerprint256
  try {
    // 1. a pin of another certificate: refused on the handshake, no request reached the controller
    await h.c.unifi!.pollAll()
    let r = h.unifi.at(-1)!
    assert.is(r.outcome, 'error')
    assert.ok(r.error!.includes(`the certificate is not the pinned one: it has SHA-256 ${actual}, the inventory pins ${'AA:'.repeat(31)}AA (api.fingerprint256)`), r.error)
    assert.is(controller.stats().requests, 0, 'the API key never left the collector')
    assert.equal(r.samples.filter((s) => s.metric === 'device_up').map((s) => s.value), [0])

    // 2. the right pin (lower case, no colons: either spelling): trusted, the self-signed chain notwithstanding
    pin = actual.replace(/:/g, '').toLowerCase()
    await h.c.unifi!.pollAll()
    r = h.unifi.at(-1)!
    assert.is(r.outcome, 'ok', r.error)
    const sent = controller.stats().requests // sites, devices, clients

    // 3. no pin, a CA file that did not sign it
    pin = ''
    rightCa = otherCa
    await h.c.unifi!.pollAll()
    r = h.unifi.at(-1)!
    assert.is(r.outcome, 'error')
    assert.ok(r.error!.includes(`refused its TLS certificate: the certificate is self-signed and not trusted by the CA file ${otherCa}: pin it (inventory api.fingerprint256) or give its CA (api.caFile or CIVICNET_UNIFI_CA_FILE) [DEPTH_ZERO_SELF_SIGNED_CERT]`), r.error)

    // 4. neither: the system CAs, which know nothing of it
    rightCa = ''
    await h.c.unifi!.pollAll()
    r = h.unifi.at(-1)!
    assert.ok(r.error!.includes('not trusted by the system CAs'), r.error)
    assert.is(controller.stats().requests, sent, 'the refused rounds sent nothing')
    assert.is(h.c.unifi!.stats().retries, 0, 'a refused certificate is not retried within the round')

    // 5. the controller's own certificate as the CA file: chain and host name verified
    const own = join(dir, 'own-ca.pem')
    writeFileSync(own, controller.certificate().cert)
    rightCa = own
    await h.c.unifi!.pollAll()
    assert.is(h.unifi.at(-1)!.outcome, 'ok', h.unifi.at(-1)!.error)
    // CIVICNET_UNIFI_CA_FILE serves every controller without a CA file of its own
    const fromEnv = createUnifiTrustResolver({ CIVICNET_UNIFI_CA_FILE: own })({ ...h.city.inventoryWithEndpoints().devices.find((d) => d.id === UNIFI_ID)! })
    assert.equal([fromEnv.caSource, String(fromEnv.ca)], [own, controller.certificate().cert])
  } finally {
    await h.stop()
  }
})

test('the classic API with a login on UniFi OS: TOKEN and X-CSRF-Token, a new login when the session ends, bytes of each station', async () => {
  const inv = unifiCity({ kind: 'unifi-classic', auth: 'login' })
  const h = await harness(inv, { city: { unifi: { flavor: 'unifi-os', sessionTtlMs: 400 } } })
  try {
    await h.c.unifi!.pollAll()
    await sleep(450) // the session ends
    h.clock.advance(MIN)
    await h.c.unifi!.pollAll()
    const rounds = h.unifi
    assert.equal(rounds.map((r) => r.outcome), ['ok', 'ok'])
    for (const r of rounds) {
      const truth = [...truthByApName(h.city, inv, r.timeMs).values()].flat()
      assert.is(r.stations!.count, truth.length)
    }
    await h.c.writer.flush()
    const counts = new Map((await h.store.countSightings({ scope: 'day', periods: [DAY], groupBy: 'device', where: { device: UNIFI_APS } })).map((x) => [x.group, x.unique]))
    assert.equal([...counts.keys()].sort(), UNIFI_APS)
    // GET / (UniFi OS?), login, stat/device, stat/sta; then stat/device refused (401: the session
    // ended), one new login, stat/device, stat/sta
    const st = h.city.unifiControllers()[0]!.stats()
    assert.equal([st.requests, st.refused], [4 + 4, 1])

    // the listing itself: each station's AP by ap_mac, its SSID (essid) and the association's bytes
    const controller = h.city.inventoryWithEndpoints().devices.find((d) => d.id === UNIFI_ID)!
    const trust = simulatedTrust(h.city)(controller)
    const client = createUnifiClient({ id: UNIFI_ID, api: controller.api! }, { secret: () => simulatedSecrets(h.city)('sim-unifi', 'login'), agent: createTrustingAgent({ host: '127.0.0.1', port: controller.mgmt.port }, trust), trust })
    const listing = await client.list()
    const truth = new Map(UNIFI_APS.flatMap((ap) => h.city.truth.clientListAt(ap, h.clock.now()).map((x) => [x.mac, x] as const)))
    assert.is(listing.stations.length, truth.size)
    for (const s of listing.stations) {
      const t = truth.get(s.mac)!
      assert.is(s.ap, inv.devices.find((d) => d.id === t.ap)!.name)
      assert.is(s.ssid, t.ssid)
      assert.is(typeof s.bytes, 'bigint')
    }
  } finally {
    await h.stop()
  }
})

test('the classic API on a self-hosted Network Application (/api/login, unifises); a wrong password is a clear error, not retried', async () => {
  const inv = unifiCity({ kind: 'unifi-classic', auth: 'login' })
  const h = await harness(inv, { city: { unifi: { flavor: 'network-application' } } })
  try {
    await h.c.unifi!.pollAll()
    const r = h.unifi[0]!
    assert.is(r.outcome, 'ok', r.error)
    assert.is(r.stations!.count, [...truthByApName(h.city, inv, r.timeMs).values()].flat().length)
  } finally {
    await h.stop()
  }
  const bad = await harness(inv, { city: { unifi: { flavor: 'network-application' } }, secrets: () => ({ kind: 'login', username: 'civicnet', password: 'not-the-password-42' }) })
  try {
    await bad.c.unifi!.pollAll()
    const r = bad.unifi[0]!
    assert.is(r.outcome, 'error')
    assert.match(r.error!, /refused the login \(400: api\.err\.Invalid\): check the username and password of credential 'sim-unifi' \(CIVICNET_UNIFI_SIM_UNIFI_USERNAME, CIVICNET_UNIFI_SIM_UNIFI_PASSWORD or CIVICNET_UNIFI_CREDENTIALS\)/)
    assert.is(bad.c.unifi!.stats().retries, 0)
    assert.not.ok(logText.includes('not-the-password-42'), 'the password is not logged')
  } finally {
    await bad.stop()
  }
})

test('no client MAC, in any notation, in any log line, poll record or spool file of all the runs above', () => {
  assert.ok(macsListed.size > 400, `${macsListed.size} MACs listed`)
  assert.is(log.level, 'trace')
  assert.ok(logText.length > 2000, `${logText.length} characters of logs`)
  for (const line of ['UniFi source started', 'UniFi controller: no station list this round', 'UniFi controller answering again', 'simulated UniFi controller listening']) assert.ok(logText.includes(line), line)
  const spooled = spools.flatMap((d) => {
    try {
      return readdirSync(d).map((f) => readFileSync(join(d, f), 'utf8'))
    } catch {
      return []
    }
  })
  const haystack = (logText + JSON.stringify(allRecords) + spooled.join('\n')).toLowerCase()
  for (const mac of macsListed) for (const form of macForms(mac)) assert.not.ok(haystack.includes(form), 'a client MAC leaked')
})

test.after(() => {
  for (const d of spools) rmSync(d, { recursive: true, force: true })
})

test.run()
