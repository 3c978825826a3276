/**
 * `--name value` and `--name=value` flags for the commands that take only valued flags
 * (plan, export): each known, none twice, each with its value; a UsageError names what is
 * wrong, for the command to print with its usage hint and exit 2.
 */
export class UsageError extends Error {}

export function parseValueFlags<F extends string>(args: readonly string[], names: readonly F[]): Partial<Record<F, string>> {
  const out: Partial<Record<F, string>> = {}
  for (let i = 0; i < args.length; i++) {
    const m = /^--([a-z][a-z0-9-]*)(?:=(.*))?$/.exec(args[i]!)
    if (!m) throw new UsageError(`unexpected argument '${args[i]}'`)
    const name = m[1] as F
    if (!names.includes(name)) throw new UsageError(`unknown option '--${name}'`)
    if (out[name] !== undefined) throw new UsageError(`--${name} is given twice`)
    const v = m[2] ?? args[++i]
    if (v === undefined || (m[2] === undefined && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`)
    out[name] = v
  }
  return out
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
