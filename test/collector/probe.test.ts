/**
 * probeDevice on synthetic recordings served by snmpsimd: the parts of profiles that the real
 * recordings do not exercise (a controller's station and AP tables, ENTITY-SENSOR-MIB watts
 * and dBm sensors, optics reported as text). These check the interpreter, not vendor OIDs.
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { probeDevice } from '../../collector/probe.ts'
import { runCli } from '../support/cli.ts'
import { startSnmpsimd, type RunningSnmpsimd } from '../support/snmpsimd.ts'

const AP1 = '0.11.134.1.2.3' // 00:0b:86:01:02:03
const AP2 = '0.11.134.1.2.4'
const STA = ['2.17.34.51.68.85', '164.131.231.1.2.3', '60.34.251.10.11.12'] // 02:11:22:33:44:55 (randomized), a4:83:e7:..., 3c:22:fb:...
const hex = (idx: string) => idx.split('.').map((n) => Number(n).toString(16).padStart(2, '0')).join('')

const RECORDINGS: Record<string, string[]> = {
  // AIRESPACE controller with two APs, one of them down, and three stations on the first
  wlc_stations: [
    '1.3.6.1.2.1.1.1.0|4|Cisco Controller',
    '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.9.1.1279',
    '1.3.6.1.2.1.1.3.0|67|123456',
    '1.3.6.1.2.1.1.5.0|4|wlc-city-hall',
    '1.3.6.1.4.1.14179.2.1.1.1.2.1|4|CityWiFi',
    '1.3.6.1.4.1.14179.2.1.1.1.2.2|4|CityStaff',
    '1.3.6.1.4.1.14179.2.1.1.1.38.1|65|3',
    '1.3.6.1.4.1.14179.2.1.1.1.38.2|65|0',
    ...STA.flatMap((s, n) => [
      `1.3.6.1.4.1.14179.2.1.4.1.1.${s}|4x|${hex(s)}`,
      `1.3.6.1.4.1.14179.2.1.4.1.4.${s}|4x|${hex(AP1)}`,
      `1.3.6.1.4.1.14179.2.1.4.1.7.${s}|4|CityWiFi`,
      `1.3.6.1.4.1.14179.2.1.6.1.2.${s}|65|${1000 * (n + 1)}`,
      `1.3.6.1.4.1.14179.2.1.6.1.3.${s}|65|${10 * (n + 1)}`,
    ]),
    `1.3.6.1.4.1.14179.2.2.1.1.3.${AP1}|4|pole-17`,
    `1.3.6.1.4.1.14179.2.2.1.1.3.${AP2}|4|pole-18`,
    `1.3.6.1.4.1.14179.2.2.1.1.6.${AP1}|2|1`,
    `1.3.6.1.4.1.14179.2.2.1.1.6.${AP2}|2|2`,
    `1.3.6.1.4.1.14179.2.2.2.1.2.${AP1}.0|2|1`,
    `1.3.6.1.4.1.14179.2.2.2.1.2.${AP1}.1|2|2`,
    `1.3.6.1.4.1.14179.2.2.2.1.2.${AP2}.0|2|1`,
    `1.3.6.1.4.1.14179.2.2.2.1.15.${AP1}.0|65|1`,
    `1.3.6.1.4.1.14179.2.2.2.1.15.${AP1}.1|65|2`,
    `1.3.6.1.4.1.14179.2.2.2.1.15.${AP2}.0|65|0`,
  ],
  // ENTITY-SENSOR-MIB transceiver sensors: dBm with precision 2, watts in micro units, a temperature to ignore
  entity_optics: [
    '1.3.6.1.2.1.1.1.0|4|Arista Networks EOS version 4.28.1F running on an Arista Networks DCS-7050SX3-48YC8',
    '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.30065.1.3011.7050.3741.48',
    '1.3.6.1.2.1.1.3.0|67|5000',
    '1.3.6.1.2.1.1.5.0|4|core-1',
    '1.3.6.1.2.1.47.1.1.1.1.7.1001|4|DOM Rx Power for Ethernet49/1',
    '1.3.6.1.2.1.47.1.1.1.1.7.1002|4|DOM Tx Power for Ethernet49/1',
    '1.3.6.1.2.1.47.1.1.1.1.7.1003|4|DOM Temperature for Ethernet49/1',
    '1.3.6.1.2.1.47.1.1.1.1.7.1004|4|DOM Rx Power for Ethernet50',
    '1.3.6.1.2.1.47.1.1.1.1.7.1005|4|DOM Tx Power for Ethernet50',
    '1.3.6.1.2.1.99.1.1.1.1.1001|2|14',
    '1.3.6.1.2.1.99.1.1.1.1.1002|2|14',
    '1.3.6.1.2.1.99.1.1.1.1.1003|2|8',
    '1.3.6.1.2.1.99.1.1.1.1.1004|2|6',
    '1.3.6.1.2.1.99.1.1.1.1.1005|2|6',
    '1.3.6.1.2.1.99.1.1.1.2.1001|2|9',
    '1.3.6.1.2.1.99.1.1.1.2.1002|2|9',
    '1.3.6.1.2.1.99.1.1.1.2.1003|2|9',
    '1.3.6.1.2.1.99.1.1.1.2.1004|2|7',
    '1.3.6.1.2.1.99.1.1.1.2.1005|2|7',
    '1.3.6.1.2.1.99.1.1.1.3.1001|2|2',
    '1.3.6.1.2.1.99.1.1.1.3.1002|2|2',
    '1.3.6.1.2.1.99.1.1.1.3.1003|2|1',
    '1.3.6.1.2.1.99.1.1.1.3.1004|2|0',
    '1.3.6.1.2.1.99.1.1.1.3.1005|2|0',
    '1.3.6.1.2.1.99.1.1.1.4.1001|2|-412',
    '1.3.6.1.2.1.99.1.1.1.4.1002|2|-250',
    '1.3.6.1.2.1.99.1.1.1.4.1003|2|351',
    '1.3.6.1.2.1.99.1.1.1.4.1004|2|500',
    '1.3.6.1.2.1.99.1.1.1.4.1005|2|0',
    '1.3.6.1.2.1.99.1.1.1.5.1001|2|1',
    '1.3.6.1.2.1.99.1.1.1.5.1002|2|1',
    '1.3.6.1.2.1.99.1.1.1.5.1003|2|1',
    '1.3.6.1.2.1.99.1.1.1.5.1004|2|1',
    '1.3.6.1.2.1.99.1.1.1.5.1005|2|2',
  ],
  // Nokia ISAM: SFP power as text
  isam_text: [
    '1.3.6.1.2.1.1.1.0|4|ISAM 7360 FX-8',
    '1.3.6.1.2.1.1.2.0|6|1.3.6.1.4.1.637.61.1.9.2',
    '1.3.6.1.2.1.1.3.0|67|700',
    '1.3.6.1.2.1.1.5.0|4|olt-north',
    '1.3.6.1.4.1.637.61.1.56.5.1.6.4352.1|4|2.10 dBm',
    '1.3.6.1.4.1.637.61.1.56.5.1.6.4352.2|4|N/A',
    '1.3.6.1.4.1.637.61.1.56.5.1.7.4352.1|4|-4.94 dBm',
    '1.3.6.1.4.1.637.61.1.56.5.1.7.4352.2|4|N/A',
  ],
}

const arcs = (line: string) => line.split('|')[0]!.split('.').map(Number)
function byOid(a: string, b: string): number {
  const x = arcs(a)
  const y = arcs(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}

const probe = suite<{ dir: string; agent: RunningSnmpsimd | null }>('probeDevice on synthetic recordings', { dir: '', agent: null })

probe.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-synthetic-'))
  chmodSync(ctx.dir, 0o755) // snmpsimd runs as nobody
  for (const [name, lines] of Object.entries(RECORDINGS)) writeFileSync(join(ctx.dir, `${name}.snmprec`), [...lines].sort(byOid).join('\n') + '\n')
  ctx.agent = await startSnmpsimd(ctx.dir)
})
probe.after(async (ctx) => {
  await ctx.agent?.stop()
  rmSync(ctx.dir, { recursive: true, force: true })
})

const target = (port: number, community: string) => ({ host: '127.0.0.1', port, credential: { version: 'v2c' as const, community } })

probe('a controller\'s station table gives each station\'s MAC, AP name, SSID and bytes', async ({ agent }) => {
  const r = await probeDevice(target(agent!.port, 'wlc_stations'))
  assert.is(r.profile, 'cisco-airespace-wlc')
  assert.equal(r.stations, [
    { mac: '02:11:22:33:44:55', ap: 'pole-17', ssid: 'CityWiFi', bytes: 1010n },
    { mac: '3c:22:fb:0a:0b:0c', ap: 'pole-17', ssid: 'CityWiFi', bytes: 3030n },
    { mac: 'a4:83:e7:01:02:03', ap: 'pole-17', ssid: 'CityWiFi', bytes: 2020n },
  ])
})

probe('a controller\'s AP table gives name, MAC, up/down and clients summed over radios', async ({ agent }) => {
  const r = await probeDevice(target(agent!.port, 'wlc_stations'))
  assert.equal(r.aps, [
    { name: 'pole-17', mac: '00:0b:86:01:02:03', up: true, clients: 3 },
    { name: 'pole-18', mac: '00:0b:86:01:02:04', up: false, clients: 0 },
  ])
  assert.is(r.clients.total, 3)
  assert.equal(
    r.clients.breakdown.map((b) => `${b.kind}:${b.name}=${b.value}`),
    ['ssid:CityWiFi=3', 'ssid:CityStaff=0', 'ap:pole-17=3', 'ap:pole-18=0', 'radio:2.4GHz=1', 'radio:5GHz=2'],
  )
})

probe('civicnet poll --json prints the station count and never a station MAC', async ({ agent }) => {
  const r = await runCli(['poll', `127.0.0.1:${agent!.port}`, '--community', 'wlc_stations', '--json'])
  assert.is(r.code, 0, r.stderr)
  const out = JSON.parse(r.stdout)
  assert.is(out.stationCount, 3)
  assert.is('stations' in out, false)
  for (const s of STA) {
    assert.not.ok(r.stdout.toLowerCase().includes(hex(s)), 'no MAC as hex')
    assert.not.ok(r.stdout.toLowerCase().includes(hex(s).match(/../g)!.join(':')), 'no MAC as aa:bb:..')
  }
  const table = await runCli(['poll', `127.0.0.1:${agent!.port}`, '--community', 'wlc_stations'])
  assert.match(table.stdout, /stations {4}3 \(MACs not shown\)/)
  assert.not.match(table.stdout.toLowerCase(), /02:11:22:33:44:55|a4:83:e7|3c:22:fb/)
})

probe('ENTITY-SENSOR-MIB sensors become per-port dBm: dBm type with precision, microwatts, unavailable sensors as null', async ({ agent }) => {
  const r = await probeDevice(target(agent!.port, 'entity_optics'))
  assert.is(r.profile, 'arista-eos')
  assert.equal(r.optics, [
    { port: 'Ethernet49/1', rxDbm: -4.12, txDbm: -2.5 },
    // 500 uW = 0.5 mW = -3.010 dBm; the Tx sensor says unavailable(2)
    { port: 'Ethernet50', rxDbm: -3.01, txDbm: null },
  ])
})

probe('optics reported as text ("-4.94 dBm") become numbers, "N/A" becomes null', async ({ agent }) => {
  const r = await probeDevice(target(agent!.port, 'isam_text'))
  assert.is(r.profile, 'nokia-isam')
  assert.equal(r.optics, [
    { port: 'sfp 4352.1', rxDbm: -4.94, txDbm: 2.1 },
    { port: 'sfp 4352.2', rxDbm: null, txDbm: null },
  ])
})

probe('a forced profile is used as given and said so', async ({ agent }) => {
  const r = await probeDevice(target(agent!.port, 'isam_text'), { profileId: 'generic' })
  assert.is(r.profile, 'generic')
  assert.is(r.profileMatchedBy, 'forced')
  assert.equal(r.optics, [])
})

probe.run()
