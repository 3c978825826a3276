/**
 * The profile set a process runs with: the built-in profiles plus the user's, read once at
 * start from CIVICNET_PROFILES_DIR (docs/PROFILES.md, "Your own profiles"). The entry points
 * (civicnet collect, poll, profiles) call loadProfiles() and pass `profiles` down; nothing
 * here is kept between calls.
 *
 * - Every *.yaml, *.yml and *.json file of the directory (not its subdirectories), in name
 *   order, holds one profile or a list of profiles, in the data form of types.ts, checked
 *   against schema.ts. Other files are left alone.
 * - A file with any problem (not YAML/JSON, a profile the schema refuses, an id another
 *   user file already has) is refused as a whole: none of its profiles load, and the
 *   problem names the file, the profile and the field. The built-in profiles and the other
 *   files still load; what a command does with problems is its choice (collect and poll
 *   refuse to start, `profiles list` prints them and exits 1).
 * - A user profile whose id is a built-in's replaces it, in the built-in's place (it keeps
 *   the built-in's turn in sysDescr and table matching); the set says so in `overrides`.
 *   Other user profiles come before every built-in one, so they win a sysObjectID prefix of
 *   equal length, and their sysDescr patterns and tables are tried first.
 */
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { parse as parseYaml } from 'yaml'
import { PROFILES } from './index.ts'
import { checkProfile, formatProblem } from './schema.ts'
import type { DeviceProfile } from './types.ts'

export const PROFILES_DIR_ENV = 'CIVICNET_PROFILES_DIR'

export type ProfileOrigin = { kind: 'built-in' } | { kind: 'user'; file: string }

export interface LoadedProfile {
  profile: DeviceProfile
  origin: ProfileOrigin
  /** a user profile that took the place of the built-in profile of the same id */
  overridesBuiltIn: boolean
}

/** A refused file or profile: `${file}: profile '${profile}': ${message}`. */
export interface ProfileProblem {
  file: string
  /** the profile's id, or 'entry N' (1-based) when it has none */
  profile?: string
  message: string
}

export interface ProfileSet {
  /** what the collector matches against, in matching order, generic last */
  profiles: readonly DeviceProfile[]
  /** the same profiles with where each came from */
  entries: readonly LoadedProfile[]
  /** the user directory read, null when CIVICNET_PROFILES_DIR is not set */
  dir: string | null
  /** user profiles that replaced a built-in one */
  overrides: ReadonlyArray<{ id: string; file: string }>
  /** user files read, in order, with how many profiles each gave (0 when refused) */
  files: ReadonlyArray<{ file: string; profiles: number; refused: boolean }>
  /** what was refused, and why; [] when everything loaded */
  problems: readonly ProfileProblem[]
}

export const formatProfileProblem = (p: ProfileProblem): string => `${p.file}: ${p.profile !== undefined ? `profile '${p.profile}': ` : ''}${p.message}`

const PROFILE_FILE = /\.(ya?ml|json)$/i

function parseFile(file: string, text: string): unknown {
  if (/\.json$/i.test(file)) return JSON.parse(text)
  return parseYaml(text, { uniqueKeys: true, prettyErrors: true })
}

/** The profiles of one file, or the problems that refuse it. */
function readProfileFile(file: string, takenIds: Map<string, string>): { profiles: DeviceProfile[]; problems: ProfileProblem[] } {
  let data: unknown
  try {
    data = parseFile(file, readFileSync(file, 'utf8'))
  } catch (err) {
    const kind = /\.json$/i.test(file) ? 'JSON' : 'YAML'
    return { profiles: [], problems: [{ file, message: `is not valid ${kind}: ${(err as Error).message.split('\n')[0]}` }] }
  }
  if (data === null || data === undefined) return { profiles: [], problems: [{ file, message: 'is empty: expected a profile or a list of profiles' }] }
  const list = Array.isArray(data) ? data : [data]
  const problems: ProfileProblem[] = []
  const profiles: DeviceProfile[] = []
  const inFile = new Set<string>()
  list.forEach((value, n) => {
    const rawId = value && typeof value === 'object' && !Array.isArray(value) ? (value as { id?: unknown }).id : undefined
    const name = typeof rawId === 'string' && rawId.length > 0 ? rawId : `entry ${n + 1}`
    const found = checkProfile(value)
    for (const p of found) problems.push({ file, profile: name, message: formatProblem(p) })
    if (found.length > 0) return
    const profile = value as DeviceProfile
    if (inFile.has(profile.id)) problems.push({ file, profile: name, message: `id '${profile.id}' appears twice in this file` })
    else if (takenIds.has(profile.id)) problems.push({ file, profile: name, message: `id '${profile.id}' is already defined in ${takenIds.get(profile.id)}` })
    inFile.add(profile.id)
    profiles.push(profile)
  })
  return problems.length > 0 ? { profiles: [], problems } : { profiles, problems: [] }
}

/**
 * The built-in profiles plus those of `dir` (null or '': the built-in ones only). Never
 * throws for a bad file: its problems are in the result and its profiles left out.
 */
export function loadProfiles(dir: string | null | undefined, builtIn: readonly DeviceProfile[] = PROFILES): ProfileSet {
  const builtInEntries = (): LoadedProfile[] => builtIn.map((profile) => ({ profile, origin: { kind: 'built-in' }, overridesBuiltIn: false }))
  if (!dir) return finish(builtInEntries(), null, [], [], [])
  const problems: ProfileProblem[] = []
  let names: string[]
  try {
    if (!statSync(dir).isDirectory()) throw new Error('not a directory')
    names = readdirSync(dir)
      .filter((f) => PROFILE_FILE.test(f))
      .sort()
  } catch (err) {
    const why = (err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such directory' : (err as Error).message
    return finish(builtInEntries(), dir, [], [], [{ file: dir, message: `${PROFILES_DIR_ENV} cannot be read: ${why}` }])
  }
  const taken = new Map<string, string>()
  const user: Array<{ profile: DeviceProfile; file: string }> = []
  const files: Array<{ file: string; profiles: number; refused: boolean }> = []
  for (const name of names) {
    const file = join(dir, name)
    if (!statSync(file).isFile()) continue
    const r = readProfileFile(file, taken)
    problems.push(...r.problems)
    files.push({ file, profiles: r.profiles.length, refused: r.problems.length > 0 })
    for (const profile of r.profiles) {
      taken.set(profile.id, file)
      user.push({ profile, file })
    }
  }
  const byId = new Map(user.map((u) => [u.profile.id, u]))
  const builtIds = new Set(builtIn.map((p) => p.id))
  const entries: LoadedProfile[] = [
    ...user.filter((u) => !builtIds.has(u.profile.id)).map((u): LoadedProfile => ({ profile: u.profile, origin: { kind: 'user', file: u.file }, overridesBuiltIn: false })),
    ...builtIn.map((profile): LoadedProfile => {
      const u = byId.get(profile.id)
      return u ? { profile: u.profile, origin: { kind: 'user', file: u.file }, overridesBuiltIn: true } : { profile, origin: { kind: 'built-in' }, overridesBuiltIn: false }
    }),
  ]
  const overrides = entries.filter((e) => e.overridesBuiltIn).map((e) => ({ id: e.profile.id, file: (e.origin as { file: string }).file }))
  return finish(entries, dir, overrides, files, problems)
}

function finish(entries: LoadedProfile[], dir: string | null, overrides: ProfileSet['overrides'], files: ProfileSet['files'], problems: ProfileProblem[]): ProfileSet {
  return { profiles: Object.freeze(entries.map((e) => e.profile)), entries, dir, overrides, files, problems }
}

/** loadProfiles(env.CIVICNET_PROFILES_DIR): what the entry points call. */
export function loadProfilesFromEnv(env: NodeJS.ProcessEnv = process.env): ProfileSet {
  return loadProfiles(env[PROFILES_DIR_ENV]?.trim() || null)
}
