/**
 * The profile registry and the matching rule: the longest sysObjectID prefix wins; with no
 * prefix match, the first profile whose sysDescr pattern matches; else the generic profile.
 */
import { GENERIC_PROFILE, GENERIC_READ_SETS } from './generic.ts'
import type { DeviceProfile, ProfileRead } from './types.ts'
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

export interface ProfileMatch {
  profile: DeviceProfile
  /** how it was chosen */
  by: 'sysObjectID' | 'sysDescr' | 'generic' | 'forced'
}

export function matchProfile(sysObjectID: string, sysDescr: string, profiles: readonly DeviceProfile[] = PROFILES): ProfileMatch {
  const oid = sysObjectID.replace(/^\./, '')
  let best: DeviceProfile | null = null
  let bestLen = -1
  for (const p of profiles) {
    for (const prefix of p.match.sysObjectIdPrefixes ?? []) {
      if (prefixMatches(prefix, oid) && prefix.length > bestLen) {
        best = p
        bestLen = prefix.length
      }
    }
  }
  if (best) return { profile: best, by: 'sysObjectID' }
  for (const p of profiles) {
    for (const pattern of p.match.sysDescrPatterns ?? []) {
      if (new RegExp(pattern, 'i').test(sysDescr)) return { profile: p, by: 'sysDescr' }
    }
  }
  return { profile: profiles.find((p) => p.id === 'generic') ?? GENERIC_PROFILE, by: 'generic' }
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
  if (!p.source) problems.push(at('no source given'))
  return problems
}
