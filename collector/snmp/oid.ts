/** OID helpers: numeric dotted strings without a leading dot ('1.3.6.1.2.1.1.1.0'). */

export function normalizeOid(oid: string): string {
  const s = oid.trim().replace(/^\./, '')
  if (!/^\d+(\.\d+)*$/.test(s)) throw new RangeError(`not a numeric OID: '${oid}'`)
  return s
}

/** Lexicographic order of OIDs by arc value, as SNMP orders them. */
export function compareOid(a: string, b: string): number {
  const x = a.split('.')
  const y = b.split('.')
  const n = Math.min(x.length, y.length)
  for (let i = 0; i < n; i++) {
    const d = Number(x[i]) - Number(y[i])
    if (d !== 0) return d < 0 ? -1 : 1
  }
  return x.length === y.length ? 0 : x.length < y.length ? -1 : 1
}

/** true when `oid` lies strictly below `subtree` (the subtree's own OID is not inside it). */
export function inSubtree(subtree: string, oid: string): boolean {
  return oid.length > subtree.length && oid.startsWith(subtree) && oid[subtree.length] === '.'
}

/** The row index of a column instance: inSubtree(column, oid) must hold. */
export function indexOf(column: string, oid: string): string {
  return oid.slice(column.length + 1)
}

/** Index arcs [from, to) of a dotted index, e.g. the 6 MAC arcs in front of a radio slot. */
export function sliceIndex(index: string, from: number, to?: number): string {
  return index.split('.').slice(from, to).join('.')
}

/** A MAC address written in an OID index (6 decimal arcs) as aa:bb:cc:dd:ee:ff. */
export function indexToMac(index: string): string | null {
  const arcs = index.split('.')
  if (arcs.length !== 6) return null
  const bytes = arcs.map(Number)
  if (bytes.some((b) => !Number.isInteger(b) || b < 0 || b > 255)) return null
  return bytes.map((b) => b.toString(16).padStart(2, '0')).join(':')
}

/** A 6-byte octet string as aa:bb:cc:dd:ee:ff; null for anything else. */
export function bufferToMac(buf: Buffer): string | null {
  if (buf.length !== 6) return null
  return [...buf].map((b) => b.toString(16).padStart(2, '0')).join(':')
}

/** The OID index form (decimal arcs) of a 6-byte MAC buffer, to join tables keyed by MAC. */
export function macBufferToIndex(buf: Buffer): string | null {
  return buf.length === 6 ? [...buf].join('.') : null
}
