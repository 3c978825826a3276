/**
 * `civicnet poll --json` against snmpsimd serving real device recordings (LibreNMS test data,
 * one or more per device family): the clients, breakdowns, optics and 64-bit counters must
 * equal what LibreNMS expects from the same recordings (test/fixtures/snmprec/expected, made
 * by scripts/import-librenms-recording.ts). CIVICNET_RECORDINGS=a,b polls only those (for
 * work on one profile; the suite runs them all).
 *
 * Each recording is polled over UDP through what `civicnet poll --json` runs (the built-in
 * profiles as the CLI loads them, probeDevice, readingToJson), in this process: a child
 * process per recording cost about 1.2 s of CPU each in tsx start-up alone. The real CLI,
 * in its own process, is run on a few recordings and must print exactly the same JSON.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { readingToJson } from '../../cli/poll.ts'
import { probeDevice } from '../../collector/probe.ts'
import { loadProfilesFromEnv } from '../../collector/profiles/load.ts'
import { runCli } from '../support/cli.ts'
import { startSnmpsimd, type RunningSnmpsimd } from '../support/snmpsimd.ts'

const fixtures = fileURLToPath(new URL('../fixtures/snmprec/', import.meta.url))

interface Expected {
  name: string
  /** the device family the recording stands for (files made by the import script) */
  family?: string
  sysObjectID: string
  /** `name`: the breakdown name inside LibreNMS's label (files made by the import script) */
  wireless_clients: Array<{ descr: string; value: number; kind: string; oids: string[]; name?: string | null }>
  total_clients: number | null
  /** `port` and `dir`: the port and direction LibreNMS's label names (files made by the import script) */
  optical_dbm: Array<{ descr: string; value: number; port?: string; dir?: 'rx' | 'tx' }>
  if_mib_hc: { ports: Array<{ ifIndex: number; ifName: string; ifHCInOctets: number; ifHCOutOctets: number }> }
}

interface PollJson {
  sysObjectID: string
  profile: string
  clients: { total: number | null; breakdown: Array<{ kind: string; name: string; value: number }> }
  optics: Array<{ port: string; rxDbm: number | null; txDbm: number | null }>
  interfaces: Array<{ ifIndex: number; name: string; inOctets: string | null; outOctets: string | null }>
  stationCount: number | null
}

/** LibreNMS labels: 'SSID: x', 'Clients (x)', '2G: x' -> x */
function labelName(descr: string): string {
  const m = /^Clients \((.*)\)$/.exec(descr)
  if (m) return m[1]!
  return descr.replace(/^(SSID|2G|5G):\s*/, '')
}

/** 'Gi1/0/52 Transmit Power', 'xe-0/0/0 Rx Power', 'sfp1 Tx' -> port and direction */
function opticsLabel(descr: string): { port: string; dir: 'rxDbm' | 'txDbm' } {
  const m = /^(.*?)\s+(Transmit|Receive|Rx|Tx)\b/i.exec(descr)
  if (!m) throw new Error(`cannot parse optics label '${descr}'`)
  return { port: m[1]!, dir: /^(receive|rx)$/i.test(m[2]!) ? 'rxDbm' : 'txDbm' }
}

const sortPairs = (xs: Array<[string, number]>) => xs.map(([n, v]) => `${n}=${v}`).sort()

const allNames = readdirSync(`${fixtures}recordings`).filter((f) => f.endsWith('.snmprec')).map((f) => f.replace(/\.snmprec$/, '')).sort()
const only = process.env.CIVICNET_RECORDINGS?.split(',').filter(Boolean)
const names = only ? allNames.filter((n) => only.includes(n)) : allNames

const recordings = suite<{ agent: RunningSnmpsimd | null; polls: Map<string, PollJson> }>('civicnet poll --json against recorded devices', {
  agent: null,
  polls: new Map(),
})

/** What `civicnet poll 127.0.0.1:PORT --community NAME --json [--profile ID]` prints, parsed. */
async function pollJson(port: number, name: string, profileId?: string): Promise<PollJson> {
  const set = loadProfilesFromEnv({})
  const reading = await probeDevice(
    { host: '127.0.0.1', port, credential: { version: 'v2c', community: name }, timeoutMs: 3000, retries: 1 },
    { profiles: set.profiles, ...(profileId ? { profileId } : {}) },
  )
  return JSON.parse(JSON.stringify(readingToJson('127.0.0.1', port, reading, set))) as PollJson
}

recordings.before(async (ctx) => {
  ctx.agent = await startSnmpsimd(`${fixtures}recordings`)
  // two polls at a time (snmpsimd is single-threaded)
  const queue = [...names]
  await Promise.all(
    [0, 1].map(async () => {
      for (let name = queue.shift(); name; name = queue.shift()) ctx.polls.set(name, await pollJson(ctx.agent!.port, name))
    }),
  )
})

recordings.after(async (ctx) => {
  await ctx.agent?.stop()
})

// the real command in its own process prints the same JSON as the path above
const CLI_RECORDINGS = ['routeros', 'vrp_ac6605-26', 'arista_eos']
recordings(`the real civicnet poll --json prints the same as the in-process poll (${CLI_RECORDINGS.join(', ')})`, async ({ agent, polls }) => {
  for (const name of CLI_RECORDINGS.filter((n) => names.includes(n))) {
    const r = await runCli(['poll', `127.0.0.1:${agent!.port}`, '--community', name, '--json', '--timeout-ms', '3000', '--retries', '1'])
    assert.is(r.code, 0, `civicnet poll ${name}: ${r.stderr}`)
    // everything but how long the poll took
    const { durationMs: _cli, ...cli } = JSON.parse(r.stdout) as PollJson & { durationMs: number }
    const { durationMs: _here, ...here } = polls.get(name)! as PollJson & { durationMs: number }
    assert.equal(cli, here, name)
  }
})

recordings('every recording has its expected values, and every expected file its recording', () => {
  const expectedFiles = readdirSync(`${fixtures}expected`).filter((f) => f.endsWith('.json')).map((f) => f.replace(/\.json$/, '')).sort()
  assert.equal(expectedFiles, allNames)
})

for (const name of names) {
  const expected = JSON.parse(readFileSync(`${fixtures}expected/${name}.json`, 'utf8')) as Expected

  recordings(`${name}: identity and a vendor profile`, ({ polls }) => {
    const poll = polls.get(name)!
    assert.is(poll.sysObjectID, expected.sysObjectID)
    assert.is.not(poll.profile, 'generic')
    assert.is(poll.stationCount === null || typeof poll.stationCount === 'number', true)
    // personal data: the CLI prints how many stations there are, never the station list
    assert.is('stations' in poll, false)
  })

  recordings(`${name}: total clients is ${expected.total_clients}`, ({ polls }) => {
    assert.is(polls.get(name)!.clients.total, expected.total_clients)
  })

  const kinds = [...new Set(expected.wireless_clients.map((w) => w.kind).filter((k) => k !== 'total'))]
  for (const kind of kinds) {
    recordings(`${name}: per-${kind} clients match by name and value`, ({ polls }) => {
      const poll = polls.get(name)!
      const ours = sortPairs(poll.clients.breakdown.filter((b) => b.kind === kind).map((b) => [b.name, b.value]))
      const theirs = expected.wireless_clients
        .filter((w) => w.kind === kind)
        .map((w): [string, number] => {
          if (typeof w.name === 'string') return [w.name, w.value]
          if (kind !== 'interface') return [labelName(w.descr), w.value]
          // per-interface rows are named by ifName: the index of mtxrWlApTable is the ifIndex
          const ifIndex = Number(w.oids[0]!.split('.').pop())
          const port = expected.if_mib_hc.ports.find((p) => p.ifIndex === ifIndex)
          return [port?.ifName ?? `if${ifIndex}`, w.value]
        })
      assert.equal(ours, sortPairs(theirs))
    })
  }

  if (expected.optical_dbm.length > 0) {
    recordings(`${name}: every expected optical power in dBm, to two decimals`, ({ polls }) => {
      const poll = polls.get(name)!
      for (const o of expected.optical_dbm) {
        const { port, dir } = o.port && o.dir ? { port: o.port, dir: o.dir === 'rx' ? ('rxDbm' as const) : ('txDbm' as const) } : opticsLabel(o.descr)
        const ours = poll.optics.find((x) => x.port === port)
        assert.ok(ours, `no optics reading for port '${port}' (have: ${poll.optics.map((x) => x.port).join(', ')})`)
        assert.is(ours![dir]?.toFixed(2), o.value.toFixed(2), `${o.descr}`)
      }
    })
  }

  if (expected.if_mib_hc.ports.length > 0) {
    recordings(`${name}: ${expected.if_mib_hc.ports.length} interfaces with their 64-bit octet counters`, ({ polls }) => {
      const poll = polls.get(name)!
      for (const p of expected.if_mib_hc.ports) {
        const ours = poll.interfaces.find((i) => i.ifIndex === p.ifIndex)
        assert.ok(ours, `no interface ${p.ifIndex}`)
        assert.is(ours!.name, p.ifName)
        assert.is(ours!.inOctets, String(p.ifHCInOctets), `${p.ifName} in`)
        assert.is(ours!.outOctets, String(p.ifHCOutOctets), `${p.ifName} out`)
      }
    })
  }
}

recordings('ports with no module report null power, not 0 dBm (junos_qfx5100 xe-0/0/2..)', ({ polls }) => {
  if (!polls.has('junos_qfx5100')) return
  const poll = polls.get('junos_qfx5100')!
  const dark = poll.optics.filter((o) => o.rxDbm === null && o.txDbm === null).map((o) => o.port)
  assert.equal(dark, ['xe-0/0/2', 'xe-0/0/3', 'xe-0/0/4', 'xe-0/0/5'])
})

// The standard-MIB path on its own: ENTITY-SENSOR-MIB (RFC 3433) read through the generic
// profile, no vendor profile, on every imported recording whose optics LibreNMS reads from
// entPhySensorTable (watts on Arista, other(1) named '... Rx Power Sensor' on IOS-XE routers).
// Every value LibreNMS expects, to two decimals; a direction LibreNMS has no sensor for (an
// underflow, a status other than ok) reads null, never a number.
const ENTITY_SENSOR_RECORDINGS = ['arista_eos', 'arista_eos_vrf', 'iosxe_c8500-20x6c', 'iosxe_ir1101']
recordings('ENTITY-SENSOR-MIB optics through --profile generic, with no vendor profile', async ({ agent }) => {
  for (const name of ENTITY_SENSOR_RECORDINGS.filter((n) => names.includes(n))) {
    const expected = JSON.parse(readFileSync(`${fixtures}expected/${name}.json`, 'utf8')) as Expected
    assert.ok(expected.optical_dbm.length > 0, `${name} has expected optics`)
    const poll = await pollJson(agent!.port, name, 'generic')
    assert.is(poll.profile, 'generic', name)
    const seen = new Set<string>()
    for (const o of expected.optical_dbm) {
      const { port, dir } = o.port && o.dir ? { port: o.port, dir: o.dir === 'rx' ? ('rxDbm' as const) : ('txDbm' as const) } : opticsLabel(o.descr)
      const ours = poll.optics.find((x) => x.port === port)
      assert.ok(ours, `${name}: no optics reading for port '${port}' (have: ${poll.optics.map((x) => x.port).join(', ')})`)
      assert.is(ours![dir]?.toFixed(2), o.value.toFixed(2), `${name}: ${o.descr}`)
      seen.add(`${port} ${dir}`)
    }
    for (const o of poll.optics) {
      for (const dir of ['rxDbm', 'txDbm'] as const) {
        if (!seen.has(`${o.port} ${dir}`)) assert.is(o[dir], null, `${name}: ${o.port} ${dir} has no LibreNMS sensor, so no reading`)
      }
    }
  }
})

recordings.run()
