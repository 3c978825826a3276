/**
 * One poll of one device: identity (system group), profile match, then the profile's reads.
 * `probeDevice` opens and closes its own session; `probeWithSession` reuses one (the
 * scheduler keeps sessions across polls).
 */
import { SnmpProtocolError } from './errors.ts'
import { getProfile, matchProfile, PROFILES, type DeviceProfile } from './profiles/index.ts'
import { readProfile, type DeviceReading } from './reading.ts'
import { asNumber, asText, openSession, type SnmpSession, type SnmpTarget } from './snmp/session.ts'

export type { DeviceReading } from './reading.ts'

export interface ProbeOptions {
  /** force a profile id (inventory `profile`), skipping the match */
  profileId?: string
  /** the profiles to match against; default: the built-in ones */
  profiles?: readonly DeviceProfile[]
}

export const SYSTEM_OIDS = {
  sysDescr: '1.3.6.1.2.1.1.1.0', // SNMPv2-MIB::sysDescr.0
  sysObjectID: '1.3.6.1.2.1.1.2.0', // SNMPv2-MIB::sysObjectID.0
  sysUpTime: '1.3.6.1.2.1.1.3.0', // SNMPv2-MIB::sysUpTime.0 (TimeTicks, 1/100 s)
  sysName: '1.3.6.1.2.1.1.5.0', // SNMPv2-MIB::sysName.0
} as const

export async function probeWithSession(session: SnmpSession, options: ProbeOptions = {}): Promise<DeviceReading> {
  const started = Date.now()
  const requestsBefore = session.stats.requests
  const [descr, objectId, upTime, name] = await session.get([SYSTEM_OIDS.sysDescr, SYSTEM_OIDS.sysObjectID, SYSTEM_OIDS.sysUpTime, SYSTEM_OIDS.sysName])
  if ([descr, objectId, upTime, name].every((vb) => !vb || vb.value === null)) {
    throw new SnmpProtocolError({ host: session.target.host, port: session.target.port }, 'agent answered but serves no system group (sysDescr, sysObjectID, sysUpTime, sysName)')
  }
  const sysObjectID = objectId && typeof objectId.value === 'string' ? objectId.value : ''
  const sysDescr = asText(descr) ?? ''
  const profiles = options.profiles ?? PROFILES
  const match = options.profileId ? { profile: getProfile(options.profileId, profiles), by: 'forced' as const } : matchProfile(sysObjectID, sysDescr, profiles)
  const result = await readProfile(session, match.profile)
  const ticks = upTime && upTime.type === 'timeticks' ? asNumber(upTime) : null
  return {
    sysObjectID,
    sysDescr,
    sysName: asText(name) ?? '',
    sysUpTimeTicks: ticks,
    profile: match.profile.id,
    profileMatchedBy: match.by,
    ...result,
    durationMs: Date.now() - started,
    requests: session.stats.requests - requestsBefore,
    bulkFallback: session.bulkDisabled,
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
