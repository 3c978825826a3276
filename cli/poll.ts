/**
 * `civicnet poll <host[:port]>`: poll one device once and print what the collector sees.
 * Human table by default, one JSON object with --json. Never prints station MACs (personal
 * data), only their count. Exit 0 when the device answered, 1 when it did not, 2 on bad usage.
 */
import { parseArgs } from 'node:util'
import type { Command } from './main.ts'
import { CollectorError, CredentialError } from '../collector/errors.ts'
import { probeDevice } from '../collector/probe.ts'
import { formatProfileProblem, loadProfilesFromEnv, type ProfileSet } from '../collector/profiles/load.ts'
import type { DeviceReading, PollExplain } from '../collector/reading.ts'
import { resolveCredential } from '../collector/snmp/credentials.ts'
import { AUTH_PROTOCOLS, PRIV_PROTOCOLS, SESSION_DEFAULTS, type AuthProtocol, type PrivProtocol, type SnmpCredential } from '../collector/snmp/session.ts'

const usage = `usage: civicnet poll <host[:port]> (--community C | --v3 --user U [options] | --credential REF) [options]

  --community C          SNMPv2c community
  --v3                   SNMPv3 (authPriv when --priv-key is given)
  --user U               SNMPv3 user name
  --auth-protocol P      ${AUTH_PROTOCOLS.join(' | ')} (default sha)
  --auth-key K           SNMPv3 authentication pass phrase
  --priv-protocol P      ${PRIV_PROTOCOLS.join(' | ')} (default aes)
  --priv-key K           SNMPv3 privacy pass phrase
  --credential REF       read the credential from CIVICNET_SNMP_<REF>_* or CIVICNET_SNMP_CREDENTIALS
                         (keeps secrets out of the process list)
  --timeout-ms N         wait per try (default ${SESSION_DEFAULTS.timeoutMs})
  --retries N            extra tries (default ${SESSION_DEFAULTS.retries})
  --max-repetitions N    GETBULK max-repetitions (default ${SESSION_DEFAULTS.maxRepetitions})
  --profile ID           force a device profile instead of matching sysObjectID/sysDescr/tables
  --explain              also say which profile matched and why, which columns were walked or
                         read by GET and how many rows each answered, which reads found nothing,
                         and the requests each step sent (in --json: an "explain" object)
  --json                 print one JSON object (64-bit counters as decimal strings)

Profiles: the built-in ones plus CIVICNET_PROFILES_DIR (docs/PROFILES.md); a problem in a
file there is an error (exit 2) naming the file, the profile and the field.

exit status: 0 the device answered, 1 it did not (timeout, auth failure, no such host),
2 bad usage or a refused profile file`

class UsageError extends Error {}

export function parseHostPort(s: string): { host: string; port: number } {
  let host = s
  let port = 161
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(s)
  if (v6) {
    host = v6[1]!
    if (v6[2]) port = Number(v6[2])
  } else if ((s.match(/:/g) ?? []).length === 1) {
    const [h, p] = s.split(':')
    host = h!
    port = Number(p)
  }
  if (!host || !Number.isInteger(port) || port < 1 || port > 65535) throw new UsageError(`bad target '${s}': expected host[:port] with port 1-65535`)
  return { host, port }
}

function intOption(v: string | undefined, name: string, min: number): number | undefined {
  if (v === undefined) return undefined
  const n = Number(v)
  if (!Number.isInteger(n) || n < min) throw new UsageError(`--${name} must be an integer >= ${min}, got '${v}'`)
  return n
}

function credentialFrom(v: Record<string, string | boolean | undefined>): SnmpCredential {
  if (typeof v.credential === 'string') return resolveCredential(v.credential)
  if (v.v3) {
    if (typeof v.user !== 'string') throw new UsageError('--v3 needs --user')
    const authProtocol = (v['auth-protocol'] ?? 'sha') as AuthProtocol
    const privProtocol = (v['priv-protocol'] ?? 'aes') as PrivProtocol
    if (!AUTH_PROTOCOLS.includes(authProtocol)) throw new UsageError(`--auth-protocol must be one of ${AUTH_PROTOCOLS.join(', ')}`)
    if (!PRIV_PROTOCOLS.includes(privProtocol)) throw new UsageError(`--priv-protocol must be one of ${PRIV_PROTOCOLS.join(', ')}`)
    if (typeof v['priv-key'] === 'string' && typeof v['auth-key'] !== 'string') throw new UsageError('--priv-key needs --auth-key too')
    return {
      version: 'v3',
      v3: {
        user: v.user,
        authProtocol,
        privProtocol,
        ...(typeof v['auth-key'] === 'string' ? { authKey: v['auth-key'] } : {}),
        ...(typeof v['priv-key'] === 'string' ? { privKey: v['priv-key'] } : {}),
      },
    }
  }
  if (typeof v.community === 'string') return { version: 'v2c', community: v.community }
  throw new UsageError('give --community, --v3 --user ..., or --credential REF')
}

/** Where a profile of the set came from: 'built-in' or the user file. */
function originOf(set: ProfileSet | undefined, id: string): string {
  const e = set?.entries.find((x) => x.profile.id === id)
  return !e || e.origin.kind === 'built-in' ? 'built-in' : e.origin.file
}

/** The JSON form: bigint as decimal strings, no station MACs; `explain` only when the reading has one. */
export function readingToJson(host: string, port: number, r: DeviceReading, set?: ProfileSet): Record<string, unknown> {
  return {
    host,
    port,
    sysObjectID: r.sysObjectID,
    sysDescr: r.sysDescr,
    sysName: r.sysName,
    sysUpTimeTicks: r.sysUpTimeTicks,
    profile: r.profile,
    profileMatchedBy: r.profileMatchedBy,
    clients: r.clients,
    optics: r.optics,
    interfaces: r.interfaces.map((i) => ({
      ifIndex: i.ifIndex,
      name: i.name,
      operStatus: i.operStatus,
      inOctets: i.inOctets === null ? null : i.inOctets.toString(),
      outOctets: i.outOctets === null ? null : i.outOctets.toString(),
      counter32: i.counter32,
    })),
    aps: r.aps ?? null,
    // personal data: only how many stations the device listed
    stationCount: r.stations ? r.stations.length : null,
    system: r.system ?? null,
    warnings: r.warnings,
    durationMs: r.durationMs,
    requests: r.requests,
    bulkFallback: r.bulkFallback,
    ...(r.explain ? { explain: { ...r.explain, match: { ...r.explain.match, origin: originOf(set, r.profile) } } } : {}),
  }
}

function whyMatched(m: PollExplain['match']): string {
  switch (m.by) {
    case 'sysObjectID':
      return `sysObjectID prefix ${m.prefix}`
    case 'sysDescr':
      return `sysDescr pattern /${m.pattern}/i`
    case 'tables':
      return `table ${m.table!.name} (${m.table!.oid}) answered: ${m.table!.answeredOid}`
    case 'forced':
      return '--profile (or the inventory) named it'
    default:
      return m.tablesProbed > 0 ? `no prefix, pattern or table of another profile (${m.tablesProbed} table columns probed)` : 'no prefix or pattern of another profile'
  }
}

function explainTable(e: PollExplain, set: ProfileSet | undefined): string[] {
  const out: string[] = ['explain']
  out.push(`  matched   ${e.match.profile} (${originOf(set, e.match.profile)}) by ${whyMatched(e.match)}`)
  if (e.match.tablesProbed > 0 && e.match.by !== 'generic') out.push(`  probed    ${e.match.tablesProbed} table columns in ${e.requests.match} GETNEXT`)
  for (const c of e.columns) {
    const rows = c.how === 'walk' ? `${c.rows} row${c.rows === 1 ? '' : 's'}` : `${c.rows} of ${c.asked} answered`
    out.push(`  ${c.how === 'walk' ? 'walked' : 'get   '}    ${c.name.padEnd(52)} ${c.oid.padEnd(34)} ${rows}`)
  }
  for (const r of e.reads) out.push(`  read      ${r.read.padEnd(52)} ${r.warning ? `failed: ${r.warning}` : r.found === 0 ? 'found nothing' : `${r.found} found`}`)
  out.push(`  requests  ${e.requests.system} system + ${e.requests.match} table probe + ${e.requests.reads} reads = ${e.requests.total}`)
  return out
}

const fmt = (n: number | null) => (n === null ? '-' : n.toFixed(2))

function table(host: string, port: number, r: DeviceReading, set?: ProfileSet): string {
  const out: string[] = []
  out.push(`device      ${host}:${port}  ${r.sysName || '(no sysName)'}`)
  out.push(`sysObjectID ${r.sysObjectID}`)
  out.push(`sysDescr    ${r.sysDescr.split(/\r?\n|\r/)[0]}`)
  out.push(`uptime      ${r.sysUpTimeTicks === null ? '-' : `${(r.sysUpTimeTicks / 8_640_000).toFixed(1)} days`}`)
  out.push(`profile     ${r.profile} (matched by ${r.profileMatchedBy})`)
  out.push(`clients     ${r.clients.total ?? '-'}`)
  for (const b of r.clients.breakdown) out.push(`  ${b.kind.padEnd(9)} ${b.name.padEnd(32)} ${b.value}`)
  if (r.aps?.length) {
    out.push(`access points ${r.aps.length}`)
    for (const a of r.aps) out.push(`  ${a.name.padEnd(32)} ${a.up === null ? '?' : a.up ? 'up' : 'down'}  clients ${a.clients ?? '-'}`)
  }
  if (r.stations) out.push(`stations    ${r.stations.length} (MACs not shown)`)
  if (r.optics.length) {
    out.push('optics      port                             rx dBm   tx dBm')
    for (const o of r.optics) out.push(`  ${o.port.padEnd(40)} ${fmt(o.rxDbm).padStart(7)}  ${fmt(o.txDbm).padStart(7)}`)
  }
  if (r.system) out.push(`system      cpu ${r.system.cpuLoadPct ?? '-'} %  memory ${r.system.memUsedPct ?? '-'} %`)
  out.push(`interfaces  ${r.interfaces.length}`)
  for (const i of r.interfaces) {
    out.push(`  ${String(i.ifIndex).padStart(6)} ${i.name.padEnd(28)} ${(i.operStatus ?? '-').padEnd(14)} in ${String(i.inOctets ?? '-').padStart(20)}  out ${String(i.outOctets ?? '-').padStart(20)}${i.counter32 ? ' (32-bit)' : ''}`)
  }
  for (const w of r.warnings) out.push(`warning     ${w}`)
  out.push(`poll        ${r.durationMs} ms, ${r.requests} requests${r.bulkFallback ? ', GETBULK mishandled: walked with GETNEXT' : ''}`)
  if (r.explain) out.push(...explainTable(r.explain, set))
  return out.join('\n')
}

export const command: Command = {
  summary: 'poll one device once over SNMP and print what the collector sees',
  usage,
  async run(args) {
    let host: string
    let port: number
    let json = false
    try {
      const { values, positionals } = parseArgs({
        args,
        allowPositionals: true,
        options: {
          community: { type: 'string' },
          v3: { type: 'boolean' },
          user: { type: 'string' },
          'auth-protocol': { type: 'string' },
          'auth-key': { type: 'string' },
          'priv-protocol': { type: 'string' },
          'priv-key': { type: 'string' },
          credential: { type: 'string' },
          'timeout-ms': { type: 'string' },
          retries: { type: 'string' },
          'max-repetitions': { type: 'string' },
          profile: { type: 'string' },
          explain: { type: 'boolean' },
          json: { type: 'boolean' },
        },
      })
      if (positionals.length !== 1) throw new UsageError(positionals.length ? `one target expected, got ${positionals.length}` : 'no target given')
      ;({ host, port } = parseHostPort(positionals[0]!))
      json = values.json === true
      const credential = credentialFrom(values)
      const timeoutMs = intOption(values['timeout-ms'], 'timeout-ms', 1)
      const retries = intOption(values.retries, 'retries', 0)
      const maxRepetitions = intOption(values['max-repetitions'], 'max-repetitions', 1)
      const set = loadProfilesFromEnv()
      if (set.problems.length > 0) {
        console.error(`civicnet poll: refused: ${set.problems.length} problem(s) in ${set.dir}:\n${set.problems.map((p) => `  ${formatProfileProblem(p)}`).join('\n')}`)
        return 2
      }
      for (const o of set.overrides) console.error(`civicnet poll: profile '${o.id}' from ${o.file} replaces the built-in one`)
      const reading = await probeDevice(
        { host, port, credential, ...(timeoutMs ? { timeoutMs } : {}), ...(retries !== undefined ? { retries } : {}), ...(maxRepetitions ? { maxRepetitions } : {}) },
        { profiles: set.profiles, ...(values.profile ? { profileId: values.profile } : {}), ...(values.explain ? { explain: true } : {}) },
      )
      console.log(json ? JSON.stringify(readingToJson(host, port, reading, set)) : table(host, port, reading, set))
      return 0
    } catch (err) {
      if (err instanceof UsageError || err instanceof CredentialError || (err as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
        console.error(`civicnet poll: ${(err as Error).message}\n\n${usage}`)
        return 2
      }
      if (err instanceof RangeError) {
        console.error(`civicnet poll: ${err.message}`)
        return 2
      }
      if (err instanceof CollectorError) {
        console.error(`civicnet poll: ${err.message}`)
        return 1
      }
      console.error(`civicnet poll: unexpected error: ${(err as Error)?.stack ?? String(err)}`)
      return 1
    }
  },
}
