/**
 * `--name value` and `--name=value` flags for the commands that take only valued flags
 * (plan, export), and flags beside positionals (users): each known, none twice, each with
 * its value; a UsageError names what is wrong, for the command to print with its usage hint
 * and exit 2.
 */
export class UsageError extends Error {}

/**
 * The one reading of `--name value`, `--name=value` and bare `--name` flags: `valued` take a
 * value, `booleans` none; each known, none twice. Every other argument goes to
 * `onPositional` in order, which may throw.
 */
function scanFlags(args: readonly string[], valued: readonly string[], booleans: readonly string[], onPositional: (arg: string) => void): Record<string, string | true> {
  const out: Record<string, string | true> = {}
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(args[i]!)
    if (!m) {
      onPositional(args[i]!)
      continue
    }
    const name = m[1]!
    if (!valued.includes(name) && !booleans.includes(name)) throw new UsageError(`unknown option '--${name}'`)
    if (out[name] !== undefined) throw new UsageError(`--${name} is given twice`)
    if (booleans.includes(name)) {
      if (m[2] !== undefined) throw new UsageError(`--${name} takes no value`)
      out[name] = true
      continue
    }
    const v = m[2] ?? args[++i]
    if (v === undefined || (m[2] === undefined && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`)
    out[name] = v
  }
  return out
}

export function parseValueFlags<F extends string>(args: readonly string[], names: readonly F[]): Partial<Record<F, string>> {
  return scanFlags(args, names, [], (a) => {
    throw new UsageError(`unexpected argument '${a}'`)
  }) as Partial<Record<F, string>>
}

/** Positionals beside the flags (`civicnet users add NAME --role r`); a positional that starts with '-' is an unknown option. */
export function parseArgs(args: readonly string[], valued: readonly string[], booleans: readonly string[] = []): { positional: string[]; flags: Record<string, string | true> } {
  const positional: string[] = []
  const flags = scanFlags(args, valued, booleans, (a) => {
    if (a.startsWith('-')) throw new UsageError(`unknown option '${a}'`)
    positional.push(a)
  })
  return { positional, flags }
}

/**
 * An http(s) URL given in `what` (a flag such as '--url'): a UsageError names what is wrong
 * when it is not one or carries credentials (`credentialsHint` says what to use instead). A
 * value refused as no URL is echoed without anything up to an '@', where a password may be.
 */
export function httpUrlFlag(what: string, value: string, example: string, credentialsHint: string): URL {
  let u: URL
  try {
    u = new URL(value)
  } catch {
    throw new UsageError(`${what}: '${value.replace(/^[^@]*@/, '…@').slice(0, 200)}' is not a URL (expected e.g. ${example})`)
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new UsageError(`${what}: must be http:// or https://, got '${u.protocol}'`)
  if (u.username || u.password) throw new UsageError(`${what}: must not carry credentials (${credentialsHint})`)
  return u
}
