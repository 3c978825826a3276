/**
 * `civicnet profiles list [--json]`: every device profile the collector would run with (the
 * built-in ones plus CIVICNET_PROFILES_DIR), in matching order, with its match rules and
 * where it came from. `civicnet profiles check DIR [--json]`: the same load for a directory
 * of user profiles, before pointing CIVICNET_PROFILES_DIR at it. Both print every problem
 * (file, profile, field) and exit 1 when there is one; 0 when everything loaded; 2 on bad usage.
 */
import { parseArgs } from 'node:util'
import type { Command } from './main.ts'
import { formatProfileProblem, loadProfiles, loadProfilesFromEnv, PROFILES_DIR_ENV, type LoadedProfile, type ProfileSet } from '../collector/profiles/load.ts'

const usage = `usage: civicnet profiles list [--json]
       civicnet profiles check DIR [--json]

  list    every device profile in matching order: id, vendor, match rules (sysObjectID
          prefixes, sysDescr patterns, table columns), verified, source, and where it came
          from (built-in, or the file in ${PROFILES_DIR_ENV})
  check   load the YAML/JSON profiles of DIR as ${PROFILES_DIR_ENV} would, and say what
          loads, what overrides a built-in profile, and what is refused and why
  --json  one JSON object

exit status: 0 everything loaded, 1 a file was refused (each problem names the file, the
profile and the field), 2 bad usage`

class UsageError extends Error {}

const originText = (e: LoadedProfile) => (e.origin.kind === 'built-in' ? 'built-in' : e.origin.file)

function profileJson(e: LoadedProfile): Record<string, unknown> {
  const p = e.profile
  return {
    id: p.id,
    vendor: p.vendor,
    description: p.description,
    match: {
      sysObjectIdPrefixes: p.match.sysObjectIdPrefixes ?? [],
      sysDescrPatterns: p.match.sysDescrPatterns ?? [],
      tables: p.match.tables ?? [],
    },
    include: p.include ?? [],
    reads: p.reads.map((r) => r.type),
    verified: p.verified,
    source: p.source,
    origin: originText(e),
    overridesBuiltIn: e.overridesBuiltIn,
  }
}

export function profileSetJson(set: ProfileSet): Record<string, unknown> {
  return {
    dir: set.dir,
    profiles: set.entries.map(profileJson),
    overrides: set.overrides,
    files: set.files,
    problems: set.problems.map(formatProfileProblem),
  }
}

function listText(set: ProfileSet): string {
  const out: string[] = []
  const user = set.entries.filter((e) => e.origin.kind === 'user').length
  out.push(`${set.entries.length} profiles: ${set.entries.length - user} built-in, ${user} from ${set.dir ?? `(${PROFILES_DIR_ENV} not set)`}; matching order`)
  for (const e of set.entries) {
    const p = e.profile
    out.push('')
    out.push(`${p.id}  ${p.vendor}  ${p.verified ? 'verified' : 'not verified'}  ${originText(e)}${e.overridesBuiltIn ? ' (replaces the built-in profile)' : ''}`)
    if (p.match.sysObjectIdPrefixes?.length) out.push(`  sysObjectID  ${p.match.sysObjectIdPrefixes.join(', ')}`)
    if (p.match.sysDescrPatterns?.length) out.push(`  sysDescr     ${p.match.sysDescrPatterns.map((x) => `/${x}/i`).join(', ')}`)
    for (const x of p.match.tables ?? []) out.push(`  table        ${x.name} (${x.oid})`)
    if (p.id === 'generic') out.push('  (used when nothing else matches)')
    out.push(`  source       ${p.source}`)
  }
  return out.join('\n')
}

function checkText(set: ProfileSet): string {
  const out: string[] = [`${set.dir}:`]
  for (const f of set.files) out.push(`  ${f.file}: ${f.refused ? 'refused' : `${f.profiles} profile${f.profiles === 1 ? '' : 's'}`}`)
  if (set.files.length === 0 && set.problems.length === 0) out.push('  no .yaml, .yml or .json files')
  for (const o of set.overrides) out.push(`  profile '${o.id}' (${o.file}) replaces the built-in profile`)
  return out.join('\n')
}

export const command: Command = {
  summary: 'list the device profiles (built-in and CIVICNET_PROFILES_DIR), or check a directory of them',
  usage,
  async run(args) {
    try {
      const { values, positionals } = parseArgs({ args, allowPositionals: true, options: { json: { type: 'boolean' } } })
      const [sub, ...rest] = positionals
      let set: ProfileSet
      if (sub === 'list') {
        if (rest.length) throw new UsageError(`'profiles list' takes no arguments, got '${rest.join(' ')}'`)
        set = loadProfilesFromEnv()
      } else if (sub === 'check') {
        if (rest.length !== 1) throw new UsageError("'profiles check' needs one directory")
        set = loadProfiles(rest[0]!)
      } else {
        throw new UsageError(sub ? `unknown subcommand '${sub}'` : 'give list or check')
      }
      if (values.json) console.log(JSON.stringify(profileSetJson(set)))
      else console.log(sub === 'list' ? listText(set) : checkText(set))
      if (set.problems.length > 0) {
        if (!values.json) console.error(`civicnet profiles: ${set.problems.length} problem(s), refused:\n${set.problems.map((p) => `  ${formatProfileProblem(p)}`).join('\n')}`)
        return 1
      }
      return 0
    } catch (err) {
      if (err instanceof UsageError || (err as { code?: string }).code?.startsWith?.('ERR_PARSE_ARGS')) {
        console.error(`civicnet profiles: ${(err as Error).message}\n\n${usage}`)
        return 2
      }
      throw err
    }
  },
}
