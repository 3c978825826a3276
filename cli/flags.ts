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
