/**
 * The profile registry and the matching rule: the longest sysObjectID prefix wins; with no
 * prefix match, the first profile whose sysDescr pattern matches; with neither, the first
 * profile one of whose `match.tables` columns answers a GETNEXT (collector/probe.ts sends it:
 * this file does no I/O, tableProbes() says what to ask and matchTables() reads the answer);
 * else the generic profile. docs/PROFILES.md, "Matching".
 */
import { inSubtree } from '../snmp/oid.ts'
import { GENERIC_PROFILE, GENERIC_READ_SETS } from './generic.ts'
import type { Column, DeviceProfile, ProfileRead } from './types.ts'
import { VENDOR_PROFILES } from './vendors/index.ts'

export type { DeviceProfile, ProfileRead } from './types.ts'
export { GENERIC_PROFILE } from './generic.ts'

/** Every built-in profile, vendor ones first, generic last. */
export const PROFILES: readonly DeviceProfile[] = Object.freeze([...VENDOR_PROFILES, GENERIC_PROFILE])

export function getProfile(id: string, profiles: readonly DeviceProfile[] = PROFILES): DeviceProfile {
  const p = profiles.find((x) => x.id === id)
  if (!p) throw new RangeError(`unknown device profile '${id}' (known: ${profiles.map((x) => x.id).join(', ')})`)
  return p
}

function prefixMatches(prefix: string, oid: string): boolean {
  const p = prefix.replace(/^\./, '')
  return oid === p || oid.startsWith(p + '.')
}

export type MatchedBy = 'sysObjectID' | 'sysDescr' | 'tables' | 'generic' | 'forced'

export interface ProfileMatch {
  profile: DeviceProfile
  /** how it was chosen */
  by: MatchedBy
  /** by 'sysObjectID': the prefix that matched */
  prefix?: string
  /** by 'sysDescr': the pattern that matched */
  pattern?: string
  /** by 'tables': the column that answered, and the first instance the agent served in it */
  table?: Column & { answeredOid: string }
}

/** The longest sysObjectID prefix, else the first sysDescr pattern; null when neither matches. */
export function matchIdentity(sysObjectID: string, sysDescr: string, profiles: readonly DeviceProfile[] = PROFILES): ProfileMatch | null {
  const oid = sysObjectID.replace(/^\./, '')
  let best: DeviceProfile | null = null
  let bestPrefix = ''
  for (const p of profiles) {
    for (const prefix of p.match.sysObjectIdPrefixes ?? []) {
      if (prefixMatches(prefix, oid) && prefix.length > bestPrefix.length) {
        best = p
        bestPrefix = prefix
      }
    }
  }
  if (best) return { profile: best, by: 'sysObjectID', prefix: bestPrefix }
  for (const p of profiles) {
    for (const pattern of p.match.sysDescrPatterns ?? []) {
      if (new RegExp(pattern, 'i').test(sysDescr)) return { profile: p, by: 'sysDescr', pattern }
    }
  }
  return null
}

/** The generic profile of a set (a user may override it), else the built-in one. */
export function genericMatch(profiles: readonly DeviceProfile[] = PROFILES): ProfileMatch {
  return { profile: profiles.find((p) => p.id === 'generic') ?? GENERIC_PROFILE, by: 'generic' }
}

/** Matching without asking the device anything: prefix, then sysDescr, then generic (no table probe). */
export function matchProfile(sysObjectID: string, sysDescr: string, profiles: readonly DeviceProfile[] = PROFILES): ProfileMatch {
  return matchIdentity(sysObjectID, sysDescr, profiles) ?? genericMatch(profiles)
}

/** One varbind of the table probe: a column and the profile it identifies. */
export interface TableProbe {
  profile: DeviceProfile
  column: Column
}

/**
 * What the table probe asks, in registry order: every `match.tables` column of every
 * profile, each OID once (a column two profiles declare identifies the first).
 */
export function tableProbes(profiles: readonly DeviceProfile[] = PROFILES): TableProbe[] {
  const seen = new Set<string>()
  const out: TableProbe[] = []
  for (const profile of profiles) {
    for (const column of profile.match.tables ?? []) {
      if (seen.has(column.oid)) continue
      seen.add(column.oid)
      out.push({ profile, column })
    }
  }
  return out
}

/**
 * The GETNEXT answers (one per probe, in order) -> the first probe whose answer lies inside
 * its column: the agent serves that table. An answer past the column (the next table, or
 * endOfMibView) means it does not.
 */
export function matchTables(probes: readonly TableProbe[], answers: ReadonlyArray<{ oid: string; type: string } | undefined>): ProfileMatch | null {
  for (const [i, probe] of probes.entries()) {
    const vb = answers[i]
    if (!vb || vb.type === 'endOfMibView' || vb.type === 'noSuchObject' || vb.type === 'noSuchInstance' || vb.type === 'null') continue
    if (inSubtree(probe.column.oid, vb.oid)) return { profile: probe.profile, by: 'tables', table: { ...probe.column, answeredOid: vb.oid } }
  }
  return null
}

/** The profile's own reads plus its included generic read sets, generic ones first. */
export function profileReads(profile: DeviceProfile): ProfileRead[] {
  const generic = (profile.include ?? []).flatMap((set) => GENERIC_READ_SETS[set])
  return [...generic, ...profile.reads]
}

/** Checks a profile's data: OIDs numeric, names present, regexes compile. Returns the problems found. */
export function validateProfile(p: DeviceProfile): string[] {
  const problems: string[] = []
  const at = (what: string) => `profile '${p.id}': ${what}`
  const isOid = (s: string) => /^\d+(\.\d+)+$/.test(s)
  for (const prefix of p.match.sysObjectIdPrefixes ?? []) if (!isOid(prefix)) problems.push(at(`sysObjectID prefix '${prefix}' is not a numeric OID`))
  for (const pattern of p.match.sysDescrPatterns ?? []) {
    try {
      new RegExp(pattern, 'i')
    } catch (err) {
      problems.push(at(`sysDescr pattern '${pattern}' does not compile: ${(err as Error).message}`))
    }
  }
  const walk = (v: unknown, path: string): void => {
    if (Array.isArray(v)) return v.forEach((x, i) => walk(x, `${path}[${i}]`))
    if (v && typeof v === 'object') {
      const o = v as Record<string, unknown>
      if (typeof o.oid === 'string') {
        if (!isOid(o.oid)) problems.push(at(`${path}.oid '${o.oid}' is not a numeric OID`))
        if (typeof o.name !== 'string' || o.name.length === 0) problems.push(at(`${path} has no MIB object name`))
      }
      for (const [k, x] of Object.entries(o)) if (k !== 'oid') walk(x, `${path}.${k}`)
    }
  }
  walk(p.reads, 'reads')
  walk(p.match.tables ?? [], 'match.tables')
  if (!p.source) problems.push(at('no source given'))
  return problems
}
