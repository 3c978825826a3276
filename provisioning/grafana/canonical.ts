/** JSON with sorted keys: the stable form build.ts writes and sync.ts compares. */

/** A copy of `v` with every object's keys sorted (arrays keep their order); functions and undefined dropped, as JSON drops them. */
export function sortKeys(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(sortKeys)
  if (v && typeof v === 'object') {
    const out: Record<string, unknown> = {}
    for (const k of Object.keys(v).sort()) {
      const x = (v as Record<string, unknown>)[k]
      if (typeof x !== 'function' && x !== undefined) out[k] = sortKeys(x)
    }
    return out
  }
  return v
}
