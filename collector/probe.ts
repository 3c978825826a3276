/**
 * One poll of one device: identity (system group), profile match, then the profile's reads.
 * `probeDevice` opens and closes its own session; `probeWithSession` reuses one (the
 * scheduler keeps sessions across polls).
 *
 * Matching (docs/PROFILES.md, "Matching"): sysObjectID prefix, then sysDescr pattern, then
 * the vendor tables the agent serves (one GETNEXT carrying every profile's `match.tables`
 * columns, sent only when neither of the first two matched), then the generic profile.
 */
import { SnmpProtocolError } from './errors.ts'
import { genericMatch, getProfile, matchIdentity, matchTables, PROFILES, tableProbes, type DeviceProfile, type ProfileMatch } from './profiles/index.ts'
import { readProfile, type DeviceReading } from './reading.ts'
import { asNumber, asText, openSession, type SnmpSession, type SnmpTarget } from './snmp/session.ts'

export type { DeviceReading } from './reading.ts'

export interface ProbeOptions {
  /** force a profile id (inventory `profile`), skipping the match */
  profileId?: string
  /** the profiles to match against (collector/profiles/load.ts's set); default: the built-in ones */
  profiles?: readonly DeviceProfile[]
  /** fill the reading's `explain` (which rule matched, each column fetched, each read's yield) */
  explain?: boolean
}

export const SYSTEM_OIDS = {
  sysDescr: '1.3.6.1.2.1.1.1.0', // SNMPv2-MIB::sysDescr.0
  sysObjectID: '1.3.6.1.2.1.1.2.0', // SNMPv2-MIB::sysObjectID.0
  sysUpTime: '1.3.6.1.2.1.1.3.0', // SNMPv2-MIB::sysUpTime.0 (TimeTicks, 1/100 s)
  sysName: '1.3.6.1.2.1.1.5.0', // SNMPv2-MIB::sysName.0
} as const

/**
 * The profile for a device: by identity when a prefix or pattern matches (no request), else
 * by the tables it serves (one GETNEXT), else generic. An agent error on the table probe
 * leaves the generic profile and a warning; a timeout fails the poll as any request would.
 */
export async function selectProfile(
  session: SnmpSession,
  sysObjectID: string,
  sysDescr: string,
  profiles: readonly DeviceProfile[] = PROFILES,
): Promise<{ match: ProfileMatch; tablesProbed: number; warning?: string }> {
  const byIdentity = matchIdentity(sysObjectID, sysDescr, profiles)
  if (byIdentity) return { match: byIdentity, tablesProbed: 0 }
  const probes = tableProbes(profiles)
  if (probes.length === 0) return { match: genericMatch(profiles), tablesProbed: 0 }
  try {
    const answers = await session.getNext(probes.map((p) => p.column.oid))
    return { match: matchTables(probes, answers) ?? genericMatch(profiles), tablesProbed: probes.length }
  } catch (err) {
    if (!(err instanceof SnmpProtocolError)) throw err
    return { match: genericMatch(profiles), tablesProbed: probes.length, warning: `table match: ${err.message}` }
  }
}

export async function probeWithSession(session: SnmpSession, options: ProbeOptions = {}): Promise<DeviceReading> {
  const started = Date.now()
  const requestsBefore = session.stats.requests
  const [descr, objectId, upTime, name] = await session.get([SYSTEM_OIDS.sysDescr, SYSTEM_OIDS.sysObjectID, SYSTEM_OIDS.sysUpTime, SYSTEM_OIDS.sysName])
  if ([descr, objectId, upTime, name].every((vb) => !vb || vb.value === null)) {
    throw new SnmpProtocolError({ host: session.target.host, port: session.target.port }, 'agent answered but serves no system group (sysDescr, sysObjectID, sysUpTime, sysName)')
  }
  const afterSystem = session.stats.requests
  const sysObjectID = objectId && typeof objectId.value === 'string' ? objectId.value : ''
  const sysDescr = asText(descr) ?? ''
  const profiles = options.profiles ?? PROFILES
  const selected = options.profileId
    ? { match: { profile: getProfile(options.profileId, profiles), by: 'forced' as const }, tablesProbed: 0 }
    : await selectProfile(session, sysObjectID, sysDescr, profiles)
  const { match } = selected
  const afterMatch = session.stats.requests
  const { explain, ...result } = await readProfile(session, match.profile, { explain: options.explain === true })
  if ('warning' in selected && selected.warning) result.warnings.unshift(selected.warning)
  const ticks = upTime && upTime.type === 'timeticks' ? asNumber(upTime) : null
  const requests = session.stats.requests - requestsBefore
  return {
    sysObjectID,
    sysDescr,
    sysName: asText(name) ?? '',
    sysUpTimeTicks: ticks,
    profile: match.profile.id,
    profileMatchedBy: match.by,
    ...result,
    durationMs: Date.now() - started,
    requests,
    bulkFallback: session.bulkDisabled,
    ...(explain
      ? {
          explain: {
            match: {
              profile: match.profile.id,
              by: match.by,
              ...(match.prefix !== undefined ? { prefix: match.prefix } : {}),
              ...(match.pattern !== undefined ? { pattern: match.pattern } : {}),
              ...(match.table ? { table: { oid: match.table.oid, name: match.table.name, answeredOid: match.table.answeredOid } } : {}),
              tablesProbed: selected.tablesProbed,
            },
            ...explain,
            requests: { system: afterSystem - requestsBefore, match: afterMatch - afterSystem, reads: session.stats.requests - afterMatch, total: requests },
          },
        }
      : {}),
  }
}

/** Polls one device once. Rejects with PollTimeoutError, SnmpAuthError, SnmpProtocolError or DeviceUnreachableError. */
export async function probeDevice(target: SnmpTarget, options: ProbeOptions = {}): Promise<DeviceReading> {
  const session = openSession(target)
  try {
    return await probeWithSession(session, options)
  } finally {
    session.close()
  }
}
