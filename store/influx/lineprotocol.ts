/**
 * Line protocol and InfluxQL escaping. Line protocol cannot carry a newline, a carriage
 * return or a trailing backslash in a name or tag value, and cannot carry an empty tag
 * value; so every name and tag value goes through a reversible percent-encoding of
 * '%', '\' and control characters first, then line-protocol escaping of ',', ' ', '='.
 * Reads decode it back. An empty tag value is omitted (InfluxQL `tag = ''` matches that).
 */

// Control characters are exactly what must be matched here (line protocol cannot carry them).
// eslint-disable-next-line no-control-regex
const ENCODE = /[%\\\x00-\x1f\x7f]/g
/** Reversible: '%', '\' and control characters become %XX; everything else stays. */
export function encodeValue(s: string): string {
  return s.replace(ENCODE, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0'))
}
export function decodeValue(s: string): string {
  return s.replace(/%([0-9A-F]{2})/g, (_, h: string) => String.fromCharCode(parseInt(h, 16)))
}

/** A measurement name: encoded, then ',' and ' ' escaped. */
export function lpMeasurement(name: string): string {
  return encodeValue(name).replace(/[, ]/g, (c) => '\\' + c)
}
/** A tag key or value: encoded, then ',', '=' and ' ' escaped. */
export function lpTag(value: string): string {
  return encodeValue(value).replace(/[,= ]/g, (c) => '\\' + c)
}
/** A string field value: encoded (so no newline or backslash), then '"' escaped. */
export function lpString(value: string): string {
  return '"' + encodeValue(value).replace(/"/g, '\\"') + '"'
}
/** A float field value; integers keep the float type (no 'i' suffix). */
export function lpFloat(value: number): string {
  return String(value)
}

/** `measurement,tag=v,...` (the series key); tags with '' are left out. */
export function seriesPrefix(measurement: string, tags: readonly (readonly [string, string])[]): string {
  let out = lpMeasurement(measurement)
  // line protocol wants tags sorted by key for best write performance
  for (const [k, v] of [...tags].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (v !== '') out += ',' + lpTag(k) + '=' + lpTag(v)
  }
  return out
}

/** `measurement,tag=v,... field=v,... timeMs`; tags with '' are left out. */
export function line(measurement: string, tags: readonly (readonly [string, string])[], fields: string, timeMs: number): string {
  return `${seriesPrefix(measurement, tags)} ${fields} ${timeMs}`
}

/** An InfluxQL string literal of the encoded value. */
export function qlString(value: string): string {
  return "'" + encodeValue(value).replace(/\\/g, '\\\\').replace(/'/g, "\\'") + "'"
}
/** An InfluxQL double-quoted identifier of the encoded name. */
export function qlIdent(name: string): string {
  return '"' + encodeValue(name).replace(/\\/g, '\\\\').replace(/"/g, '\\"') + '"'
}
/** `AND ("tag" = 'a' OR "tag" = 'b')`: exact matches, never a regex. */
export function qlIn(tag: string, values: readonly string[] | undefined): string {
  if (!values) return ''
  return ` AND (${values.map((v) => `${qlIdent(tag)} = ${qlString(v)}`).join(' OR ')})`
}
