/**
 * Copies one real device recording from a LibreNMS checkout into test/fixtures/snmprec, with
 * the values LibreNMS's own test data expects from it (tests/data/<name>.json), so that
 * test/collector/recordings.test.ts can hold CivicNet's reading of the device to them.
 *
 *   node --import tsx scripts/import-librenms-recording.ts --librenms DIR NAME \
 *     --family 'Fortinet FortiAP' [--clients 'ssid=^SSID: (.*)$' ...] [--total sensor|sum:KIND|none] \
 *     [--optics '^(.*?) (?:Rx|Tx) Power$' ...] [--skip-dbm 'REGEX=why' ...] [--client-values poller]
 *
 * DIR is a LibreNMS git directory (a bare snapshot works: files are read with `git show`).
 * Every number in the expected file is LibreNMS's: a client count is the wireless sensor's
 * sensor_current, a dBm value the dbm sensor's, an octet counter the ports poller's. The
 * options only say how LibreNMS's labels read as CivicNet's: which breakdown kind a client
 * sensor is and the name inside its label (the regex's group 1), which port and direction an
 * optics sensor is, and where the device total comes from. Each option is kept in the file's
 * `mapping`, so the file can be made again. A sensor that no option accounts for is an error.
 */
import { execFileSync } from 'node:child_process'
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parseArgs } from 'node:util'

const KINDS = ['total', 'ssid', 'radio', 'ap', 'interface'] as const
type Kind = (typeof KINDS)[number]

interface LibreSensor {
  sensor_class: string
  sensor_index: string
  sensor_type: string
  sensor_descr: string
  sensor_current: number | null
  sensor_divisor: number
  sensor_multiplier: number
  sensor_oid?: string
  sensor_oids?: string
  sensor_aggregator?: string
  entPhysicalIndex?: string | null
}

function fail(message: string): never {
  console.error(`import-librenms-recording: ${message}`)
  process.exit(2)
}

const { values, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    librenms: { type: 'string' },
    family: { type: 'string' },
    clients: { type: 'string', multiple: true },
    total: { type: 'string' },
    optics: { type: 'string', multiple: true },
    'skip-dbm': { type: 'string', multiple: true },
    'skip-clients': { type: 'string', multiple: true },
    'client-values': { type: 'string' },
  },
})
if (!values.librenms || positionals.length !== 1 || !values.family) fail('usage: --librenms DIR --family TEXT NAME [options]')
const repo = values.librenms
const name = positionals[0]!
const git = (...args: string[]) => execFileSync('git', ['-C', repo, ...args], { encoding: 'utf8', maxBuffer: 64 << 20 })
const commit = git('rev-parse', 'HEAD').trim()
const blob = (path: string) => git('rev-parse', `HEAD:${path}`).trim()
const lastChanged = (path: string) => {
  try {
    return git('log', '-1', '--format=%H', 'HEAD', '--', path).trim() || null
  } catch {
    return null
  }
}
const dataPath = `tests/data/${name}.json`
const recPath = `tests/snmpsim/${name}.snmprec`
const data = JSON.parse(git('show', `HEAD:${dataPath}`)) as Record<string, any>
const snmprec = git('show', `HEAD:${recPath}`)

const device = data.os?.discovery?.devices?.[0] ?? fail(`${dataPath} has no os.discovery.devices[0]`)
const wireless: LibreSensor[] = data.wireless?.discovery?.wireless_sensors ?? []
const sensors: LibreSensor[] = data.sensors?.discovery?.sensors ?? []

const oidsOf = (s: LibreSensor): string[] => (s.sensor_oids ? (JSON.parse(s.sensor_oids) as string[]) : s.sensor_oid ? [s.sensor_oid] : [])

/** 'kind=REGEX' or 'REGEX=why' */
function splitRule(rule: string, what: string): [string, string] {
  const at = rule.indexOf('=')
  if (at < 1) fail(`${what} '${rule}' is not KEY=VALUE`)
  return [rule.slice(0, at), rule.slice(at + 1)]
}

const clientRules = (values.clients ?? []).map((r) => {
  const [kind, pattern] = splitRule(r, '--clients')
  if (!KINDS.includes(kind as Kind)) fail(`--clients kind '${kind}' is not one of ${KINDS.join(', ')}`)
  return { kind: kind as Kind, pattern, re: new RegExp(pattern) }
})
const skipClients = (values['skip-clients'] ?? []).map((r) => {
  const [pattern, why] = splitRule(r, '--skip-clients')
  return { pattern, why, re: new RegExp(pattern) }
})

// --client-values poller: each client sensor's value from LibreNMS's poller data
// (wireless.poller) instead of discovery's, for sensors whose discovery value is a placeholder
// (LibreNMS Vrp.php creates its 'sum' sensors with 0, which the poller fills in)
const clientValues = values['client-values'] ?? 'discovery'
if (clientValues !== 'discovery' && clientValues !== 'poller') fail(`--client-values '${clientValues}' is not discovery or poller`)
const polled: LibreSensor[] = data.wireless?.poller?.wireless_sensors ?? []
const valueOf = (s: LibreSensor): number | null => {
  if (clientValues === 'discovery') return s.sensor_current
  const p = polled.find((x) => x.sensor_class === s.sensor_class && x.sensor_type === s.sensor_type && x.sensor_index === s.sensor_index)
  return p ? p.sensor_current : fail(`client sensor '${s.sensor_descr}' is not in LibreNMS's poller data`)
}

const clientSensors = wireless.filter((s) => s.sensor_class === 'clients')
const wirelessClients: Array<Record<string, unknown>> = []
const clientsLeftOut: Array<Record<string, unknown>> = []
for (const s of clientSensors) {
  const skip = skipClients.find((r) => r.re.test(s.sensor_descr))
  if (skip) {
    clientsLeftOut.push({ descr: s.sensor_descr, oids: oidsOf(s), value: valueOf(s), why: skip.why })
    continue
  }
  const rule = clientRules.find((r) => r.re.test(s.sensor_descr))
  if (!rule) fail(`client sensor '${s.sensor_descr}' (${oidsOf(s).join(', ')}) matches no --clients rule`)
  const m = rule.re.exec(s.sensor_descr)!
  if (valueOf(s) === null) fail(`client sensor '${s.sensor_descr}' has no value in LibreNMS's data`)
  wirelessClients.push({
    oids: oidsOf(s),
    index: s.sensor_index,
    descr: s.sensor_descr,
    value: valueOf(s),
    kind: rule.kind,
    name: rule.kind === 'total' ? null : (m[1] ?? s.sensor_descr),
    sensor_type: s.sensor_type,
    aggregate: s.sensor_aggregator ?? null,
    divisor: s.sensor_divisor,
    multiplier: s.sensor_multiplier,
  })
}

let total: number | null = null
let totalRule = 'n/a: LibreNMS reads no client count from this device'
const totals = wirelessClients.filter((w) => w.kind === 'total')
const spec = values.total ?? (totals.length === 1 ? 'sensor' : wirelessClients.length === 0 ? 'none' : undefined)
if (spec === undefined) fail(`say where the total comes from (--total sensor | sum:KIND | none): ${totals.length} total sensors, kinds ${[...new Set(wirelessClients.map((w) => w.kind))].join(', ')}`)
if (spec === 'sensor') {
  if (totals.length !== 1) fail(`--total sensor needs exactly one 'total' client sensor, found ${totals.length}`)
  total = totals[0]!.value as number
  totalRule = `the device total sensor '${totals[0]!.descr}'`
} else if (spec.startsWith('sum:')) {
  const kind = spec.slice(4)
  const parts = wirelessClients.filter((w) => w.kind === kind)
  if (parts.length === 0) fail(`--total ${spec}: no '${kind}' client sensors`)
  total = parts.reduce((a, w) => a + (w.value as number), 0)
  totalRule = `the sum of the ${parts.length} per-${kind} sensors (each client is in exactly one)`
} else if (spec !== 'none') fail(`--total '${spec}' is not sensor, sum:KIND or none`)

const opticsRules = (values.optics ?? []).map((p) => ({ pattern: p, re: new RegExp(p) }))
const skipDbm = (values['skip-dbm'] ?? []).map((r) => {
  const [pattern, why] = splitRule(r, '--skip-dbm')
  return { pattern, why, re: new RegExp(pattern) }
})
const opticalDbm: Array<Record<string, unknown>> = []
const dbmLeftOut: Array<Record<string, unknown>> = []
for (const s of sensors.filter((x) => x.sensor_class === 'dbm')) {
  const skip = skipDbm.find((r) => r.re.test(s.sensor_descr))
  if (skip) {
    dbmLeftOut.push({ descr: s.sensor_descr, oid: s.sensor_oid, value: s.sensor_current, why: skip.why })
    continue
  }
  const rule = opticsRules.find((r) => r.re.test(s.sensor_descr))
  if (!rule) fail(`dbm sensor '${s.sensor_descr}' (${s.sensor_oid}) matches no --optics rule`)
  const port = rule.re.exec(s.sensor_descr)![1]
  if (!port) fail(`--optics '${rule.pattern}' has no group 1 (the port) for '${s.sensor_descr}'`)
  const dir = /\b(rx|receive|input|in)\b/i.test(s.sensor_descr) ? 'rx' : /\b(tx|transmit|output|out)\b/i.test(s.sensor_descr) ? 'tx' : null
  if (!dir) fail(`dbm sensor '${s.sensor_descr}' says neither receive nor transmit`)
  if (s.sensor_current === null) fail(`dbm sensor '${s.sensor_descr}' has no value in LibreNMS's data`)
  opticalDbm.push({
    oid: s.sensor_oid,
    index: s.sensor_index,
    descr: s.sensor_descr,
    value: s.sensor_current,
    port,
    dir,
    divisor: s.sensor_divisor,
    multiplier: s.sensor_multiplier,
    sensor_type: s.sensor_type,
  })
}

const portsSection = data.ports?.poller && typeof data.ports.poller === 'object' ? data.ports.poller : data.ports?.discovery
const ports = ((portsSection?.ports ?? []) as Array<Record<string, any>>)
  .filter((p) => typeof p.ifInOctets === 'number' && typeof p.ifOutOctets === 'number')
  .map((p) => ({ ifIndex: p.ifIndex as number, ifName: (p.ifName ?? p.ifDescr) as string, ifHCInOctets: p.ifInOctets as number, ifHCOutOctets: p.ifOutOctets as number }))
  .sort((a, b) => a.ifIndex - b.ifIndex)
// JSON numbers above 2^53 would be rounded: such counters are left out rather than compared wrong
const exact = ports.filter((p) => Number.isSafeInteger(p.ifHCInOctets) && Number.isSafeInteger(p.ifHCOutOctets))

// A port the recording serves no octet counter for (no ifHCInOctets nor ifInOctets, or no
// out counterpart) has LibreNMS's default 0 in its data, which is no value the device gave:
// such ports are left out rather than held to a 0 the agent never served.
const recLines = snmprec.split('\n').filter((l) => l.length > 0)
const recOids = recLines.map((l) => l.slice(0, l.indexOf('|')).replace(/^\./, ''))
const servedOids = new Set(recOids)
const servesCounters = (i: number) =>
  (servedOids.has(`1.3.6.1.2.1.31.1.1.1.6.${i}`) || servedOids.has(`1.3.6.1.2.1.2.2.1.10.${i}`)) &&
  (servedOids.has(`1.3.6.1.2.1.31.1.1.1.10.${i}`) || servedOids.has(`1.3.6.1.2.1.2.2.1.16.${i}`))
const counted = exact.filter((p) => servesCounters(p.ifIndex))

// snmpsimd answers GETNEXT in file order: a recording whose lines are not in OID order
// (zyxelnwa) would end a walk early. Its lines are written in OID order, values untouched.
const arcs = (oid: string) => oid.split('.').map(Number)
const oidCompare = (a: string, b: string) => {
  const x = arcs(a)
  const y = arcs(b)
  for (let i = 0; i < Math.min(x.length, y.length); i++) if (x[i] !== y[i]) return x[i]! - y[i]!
  return x.length - y.length
}
const inOrder = recOids.every((oid, i) => i === 0 || oidCompare(recOids[i - 1]!, oid) < 0)
const snmprecOut = inOrder ? snmprec : recLines.map((l, i) => [recOids[i]!, l] as const).sort((a, b) => oidCompare(a[0], b[0])).map(([, l]) => l).join('\n') + '\n'

const expected = {
  name,
  family: values.family,
  source: {
    repo: 'librenms/librenms',
    snmprec: recPath,
    data: dataPath,
    commit,
    commit_note: 'librenms master snapshot (as mirrored in Jellyfrog/librenms, identical blobs)',
    snmprec_last_changed_commit: lastChanged(recPath),
    data_last_changed_commit: lastChanged(dataPath),
    snmprec_git_blob: blob(recPath),
    ...(inOrder ? {} : { snmprec_reordered: 'lines sorted by OID (snmpsimd walks in file order); every line as in the blob' }),
    data_git_blob: blob(dataPath),
  },
  snmpsim_community: name,
  sysObjectID: String(device.sysObjectID ?? '').replace(/^\./, ''),
  sysDescr: device.sysDescr ?? '',
  librenms_os: device.os,
  librenms_hardware: device.hardware ?? null,
  librenms_version: device.version ?? null,
  mapping: {
    clients: clientRules.map((r) => `${r.kind}=${r.pattern}`),
    skip_clients: skipClients.map((r) => `${r.pattern}=${r.why}`),
    total: spec,
    ...(clientValues === 'poller' ? { client_values: 'poller: each client value from LibreNMS\'s poller data (wireless.poller), not discovery\'s' } : {}),
    optics: opticsRules.map((r) => r.pattern),
    skip_dbm: skipDbm.map((r) => `${r.pattern}=${r.why}`),
  },
  wireless_clients: wirelessClients,
  clients_left_out: clientsLeftOut,
  total_clients: total,
  total_clients_rule: totalRule,
  optical_dbm: opticalDbm,
  optical_dbm_left_out: dbmLeftOut,
  if_mib_hc: {
    rows: counted.length,
    values_over_2_53_left_out: ports.length - exact.length,
    ...(counted.length < exact.length ? { no_counters_in_recording_left_out: exact.length - counted.length } : {}),
    ports: counted,
  },
}

const fixtures = fileURLToPath(new URL('../test/fixtures/snmprec/', import.meta.url))
writeFileSync(`${fixtures}recordings/${name}.snmprec`, snmprecOut)
writeFileSync(`${fixtures}expected/${name}.json`, JSON.stringify(expected, null, 1) + '\n')
console.log(
  `${name}: ${wirelessClients.length} client sensors (total ${total ?? 'none'}), ${opticalDbm.length} dBm sensors, ${counted.length} ports; ` +
    `left out: ${clientsLeftOut.length} client, ${dbmLeftOut.length} dBm`,
)
