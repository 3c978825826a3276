/**
 * The JSON schema (TypeBox) of a device profile: what a user profile in CIVICNET_PROFILES_DIR
 * must look like, and what every built-in one does (test/collector/profiles-user.test.ts).
 * `Static<typeof DeviceProfileSchema>` is checked against types.ts's DeviceProfile at compile
 * time (the `_schemaIsTheType` line at the bottom): a field added to one and not the other
 * fails `tsc`, so the two cannot drift. A new field goes into both.
 *
 * Beyond the types, the schema says: every OID is numeric ('1.3.6.1...', no leading dot),
 * every MIB object name is non-empty, every regex compiles (format 'regex'), no object has a
 * field the interpreter does not know (additionalProperties: false).
 * checkProfile() turns the schema's verdict into messages that name the field path.
 */
import { FormatRegistry, Kind, Type, type Static, type TSchema } from '@sinclair/typebox'
import { Value } from '@sinclair/typebox/value'
import type { DeviceProfile } from './types.ts'

function regexCompiles(s: string): boolean {
  try {
    new RegExp(s, 'i')
    return true
  } catch {
    return false
  }
}
if (!FormatRegistry.Has('regex')) FormatRegistry.Set('regex', regexCompiles)

const strict = { additionalProperties: false } as const
const OID_PATTERN = '^\\d+(\\.\\d+)+$'
const Oid = Type.String({ pattern: OID_PATTERN, description: 'numeric OID, no leading dot' })
const Regex = Type.String({ format: 'regex', description: 'a JavaScript regular expression (matched case-insensitively)' })

const Column = Type.Object({ oid: Oid, name: Type.String({ minLength: 1, description: "MIB object name, 'MIB::object'" }) }, strict)
/** [from, to?): index arcs. types.ts's `[number, number?]`, which TypeBox has no tuple for: one or two integers. */
const IndexSlice = Type.Unsafe<[number, number?]>(
  Type.Union([Type.Tuple([Type.Integer({ minimum: 0 })]), Type.Tuple([Type.Integer({ minimum: 0 }), Type.Integer({ minimum: 0 })])]),
)
const NameMap = Type.Record(Type.String(), Type.String())

const NameSource = Type.Union([
  Type.Object(
    {
      column: Column,
      indexSlice: Type.Optional(IndexSlice),
      viaValueOf: Type.Optional(Column),
      map: Type.Optional(NameMap),
      stripPattern: Type.Optional(Regex),
      append: Type.Optional(Type.Object({ text: Type.String(), indexSlice: IndexSlice }, strict)),
    },
    strict,
  ),
  Type.Object(
    {
      index: Type.Literal(true),
      indexSlice: Type.Optional(IndexSlice),
      map: Type.Optional(NameMap),
      format: Type.Optional(Type.Union([Type.Literal('mac'), Type.Literal('plain'), Type.Literal('text')])),
      prefix: Type.Optional(Type.String()),
      template: Type.Optional(Type.String({ minLength: 1 })),
    },
    strict,
  ),
])

const BreakdownKind = Type.Union([Type.Literal('ssid'), Type.Literal('radio'), Type.Literal('ap'), Type.Literal('interface')])
const PowerUnit = Type.Union([Type.Literal('dBm'), Type.Literal('mW'), Type.Literal('uW'), Type.Literal('dBm-text')])
const GenericReadSet = Type.Union([Type.Literal('if-mib'), Type.Literal('host-resources'), Type.Literal('entity-sensor')])
const Divisor = Type.Number({ exclusiveMinimum: 0 })

const ClientsTableRead = Type.Object(
  {
    type: Type.Literal('clients'),
    kind: BreakdownKind,
    value: Column,
    name: NameSource,
    aggregate: Type.Optional(Type.Literal('sum')),
    addValues: Type.Optional(Type.Array(Column)),
    namePattern: Type.Optional(Regex),
  },
  strict,
)
const ClientsScalarRead = Type.Object({ type: Type.Literal('clients-total'), scalar: Column }, strict)
const ClientsSumRead = Type.Object({ type: Type.Literal('clients-total'), sumOf: BreakdownKind }, strict)
const ClientsRowCountRead = Type.Object({ type: Type.Literal('clients-total'), countOf: Column }, strict)
const ClientsRowCountByRead = Type.Object(
  { type: Type.Literal('clients-count'), kind: BreakdownKind, by: Column, listed: Type.Optional(Column), skipPattern: Type.Optional(Regex) },
  strict,
)

const OpticsTableRead = Type.Object(
  {
    type: Type.Literal('optics'),
    rx: Type.Optional(Column),
    tx: Type.Optional(Column),
    unit: PowerUnit,
    divisor: Type.Optional(Divisor),
    port: NameSource,
    absentWhen: Type.Optional(Type.Object({ column: Column, equals: Type.Number() }, strict)),
    nullValues: Type.Optional(Type.Array(Type.Number())),
    validRange: Type.Optional(Type.Object({ min: Type.Optional(Type.Number()), max: Type.Optional(Type.Number()) }, strict)),
    lastArc: Type.Optional(Type.Object({ rx: Type.Optional(Type.String({ pattern: '^\\d+$' })), tx: Type.Optional(Type.String({ pattern: '^\\d+$' })) }, strict)),
    merge: Type.Optional(Type.Boolean()),
    onlyWhen: Type.Optional(Type.Object({ column: Column, equals: Type.Array(Type.Number()) }, strict)),
    absentWhenBoth: Type.Optional(Type.Number()),
    lane: Type.Optional(Type.Object({ indexSlice: IndexSlice }, strict)),
  },
  strict,
)

const EntitySensorOpticsRead = Type.Object(
  {
    type: Type.Literal('optics-entity-sensor'),
    sensorType: Column,
    scale: Column,
    precision: Column,
    value: Column,
    status: Type.Optional(Column),
    entityName: Column,
    dbmTypes: Type.Array(Type.Integer()),
    wattTypes: Type.Array(Type.Integer()),
    rxPattern: Regex,
    txPattern: Regex,
    portStripPattern: Regex,
    entityDescr: Type.Optional(Column),
    containedIn: Type.Optional(Column),
    dbmWhenNamed: Type.Optional(Type.Object({ types: Type.Array(Type.Integer()), pattern: Regex }, strict)),
    namePattern: Type.Optional(Regex),
    nullValues: Type.Optional(Type.Array(Type.Number())),
    lanePattern: Type.Optional(Regex),
    capitalizeWords: Type.Optional(Type.Boolean()),
  },
  strict,
)

const StationsRead = Type.Object(
  {
    type: Type.Literal('stations'),
    mac: Type.Union([
      Type.Object({ column: Column }, strict),
      Type.Object({ index: Type.Literal(true), indexSlice: Type.Optional(IndexSlice), rowsFrom: Column }, strict),
    ]),
    ap: Type.Optional(NameSource),
    ssid: Type.Optional(NameSource),
    bytes: Type.Optional(Type.Array(Column)),
  },
  strict,
)

const ApsRead = Type.Object(
  {
    type: Type.Literal('aps'),
    name: Column,
    mac: Type.Optional(Type.Union([Type.Object({ index: Type.Literal(true) }, strict), Type.Object({ column: Column }, strict)])),
    up: Type.Optional(Type.Object({ column: Column, upValues: Type.Array(Type.Integer()) }, strict)),
    clients: Type.Optional(Type.Union([Type.Object({ column: Column, indexSlice: IndexSlice }, strict), Type.Object({ column: Column }, strict)])),
    bytes: Type.Optional(
      Type.Object(
        {
          inOctets: Column,
          outOctets: Column,
          counter32: Type.Boolean(),
          resetUptime: Type.Optional(Column),
          maxBitsPerSec: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
        },
        strict,
      ),
    ),
  },
  strict,
)

const OperStatus = Type.Union([
  Type.Literal('up'),
  Type.Literal('down'),
  Type.Literal('testing'),
  Type.Literal('unknown'),
  Type.Literal('dormant'),
  Type.Literal('notPresent'),
  Type.Literal('lowerLayerDown'),
])
const InterfacesRead = Type.Object(
  {
    type: Type.Literal('interfaces'),
    name: Type.Array(Column, { minItems: 1 }),
    operStatus: Column,
    inOctets: Type.Array(Column, { minItems: 1 }),
    outOctets: Type.Array(Column, { minItems: 1 }),
    counter32MaxBitsPerSec: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    ifIndexSlice: Type.Optional(IndexSlice),
    ifIndexOffset: Type.Optional(Type.Integer({ minimum: 0 })),
    operStatusMap: Type.Optional(Type.Record(Type.String(), OperStatus)),
    merge: Type.Optional(Type.Boolean()),
  },
  strict,
)

const HostResourcesRead = Type.Object(
  {
    type: Type.Literal('host-resources'),
    processorLoad: Column,
    storageType: Column,
    storageUnits: Column,
    storageSize: Column,
    storageUsed: Column,
    ramTypeOid: Oid,
  },
  strict,
)

export const ProfileReadSchema = Type.Union([
  ClientsTableRead,
  ClientsScalarRead,
  ClientsSumRead,
  ClientsRowCountRead,
  ClientsRowCountByRead,
  OpticsTableRead,
  EntitySensorOpticsRead,
  StationsRead,
  ApsRead,
  InterfacesRead,
  HostResourcesRead,
])

export const DeviceProfileSchema = Type.Object(
  {
    id: Type.String({ pattern: '^[a-z0-9][a-z0-9._-]*$', maxLength: 64, description: 'lower case letters, digits, . _ -' }),
    vendor: Type.String({ minLength: 1 }),
    description: Type.String(),
    match: Type.Object(
      {
        sysObjectIdPrefixes: Type.Optional(Type.Array(Oid)),
        sysDescrPatterns: Type.Optional(Type.Array(Regex)),
        tables: Type.Optional(Type.Array(Column)),
      },
      strict,
    ),
    include: Type.Optional(Type.Array(GenericReadSet)),
    reads: Type.Array(ProfileReadSchema),
    verified: Type.Boolean(),
    source: Type.String({ minLength: 1 }),
  },
  strict,
)

// ------------------------------------------------------------------ the compile-time check
type Equals<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false
/** Fails to compile when the schema and types.ts's DeviceProfile differ in any field. */
const _schemaIsTheType: Equals<Static<typeof DeviceProfileSchema>, DeviceProfile> = true
void _schemaIsTheType

// ------------------------------------------------------------------ messages with field paths

/**
 * One problem of one profile: the field path ('reads[0].value.oid') and what is wrong with
 * it, worded to follow the path: `${path} ${message}` reads
 * "reads[0].value.oid '1.3.6.x' is not a numeric OID".
 */
export interface SchemaProblem {
  path: string
  message: string
}

export const formatProblem = (p: SchemaProblem): string => `${p.path} ${p.message}`

const show = (v: unknown): string =>
  v === null
    ? 'null'
    : Array.isArray(v)
      ? `a list of ${v.length}`
      : typeof v === 'string'
        ? `'${v.length > 60 ? v.slice(0, 57) + '...' : v}'`
        : typeof v === 'object'
          ? 'an object'
          : String(v)

const literal = (x: unknown) => (typeof x === 'string' ? `'${x}'` : String(x))

function typeName(s: TSchema): string {
  switch (s[Kind]) {
    case 'String':
      return 'a string'
    case 'Number':
      return 'a number'
    case 'Integer':
      return 'an integer'
    case 'Boolean':
      return 'true or false'
    case 'Array':
    case 'Tuple':
      return 'a list'
    case 'Object':
    case 'Record':
      return 'an object'
    case 'Literal':
      return literal(s.const)
    case 'Union':
      return [...new Set((s.anyOf as TSchema[]).map(typeName))].join(' or ')
    default:
      return String(s[Kind])
  }
}

/** Levenshtein distance, for "did you mean" on a misspelt field. */
function editDistance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j)
  for (let i = 1; i <= a.length; i++) {
    const cur = [i]
    for (let j = 1; j <= b.length; j++) cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1))
    prev = cur
  }
  return prev[b.length]!
}

const joinPath = (path: string, key: string | number) => (typeof key === 'number' ? `${path}[${key}]` : path ? `${path}.${key}` : key)

/** A field every variant of a union of objects fixes to a literal (`type` of a read). */
function discriminator(variants: TSchema[]): string | null {
  if (!variants.every((s) => s[Kind] === 'Object')) return null
  const first = variants[0]!.properties as Record<string, TSchema>
  for (const k of Object.keys(first)) {
    if (variants.every((s) => (s.properties as Record<string, TSchema>)[k]?.[Kind] === 'Literal' && (s.required as string[] | undefined)?.includes(k))) return k
  }
  return null
}

/**
 * The variant of a union a value is meant as: the first it passes; else, for lists, the one
 * of its length; for objects, the one whose literal fields (`type`, `index: true`) it
 * carries and whose fields best cover it. Errors then speak of that variant's fields, not of
 * "no variant matched".
 */
function pickVariant(variants: TSchema[], v: unknown): TSchema {
  const pass = variants.find((s) => Value.Check(s, v))
  if (pass) return pass
  if (Array.isArray(v)) return variants.find((s) => s[Kind] === 'Tuple' && (s.items as TSchema[]).length === v.length) ?? variants.find((s) => s[Kind] === 'Array' || s[Kind] === 'Tuple') ?? variants[0]!
  if (!v || typeof v !== 'object') return variants.find((s) => s[Kind] !== 'Object') ?? variants[0]!
  const o = v as Record<string, unknown>
  let best = variants[0]!
  let bestScore = -Infinity
  for (const s of variants) {
    if (s[Kind] !== 'Object') continue
    const props = s.properties as Record<string, TSchema>
    const required = (s.required as string[] | undefined) ?? []
    let score = 0
    for (const [k, p] of Object.entries(props)) {
      if (p[Kind] === 'Literal' && k in o) score += o[k] === p.const ? 100 : -100
      else if (k in o) score += 1
      else if (required.includes(k)) score -= 1
    }
    for (const k of Object.keys(o)) if (!(k in props)) score -= 1
    if (score > bestScore) {
      best = s
      bestScore = score
    }
  }
  return best
}

function check(s: TSchema, v: unknown, path: string, out: SchemaProblem[]): void {
  const at = path || '(the profile)'
  const problem = (message: string, where = at) => void out.push({ path: where, message })
  switch (s[Kind]) {
    case 'Union': {
      const variants = s.anyOf as TSchema[]
      if (variants.every((x) => x[Kind] === 'Literal')) {
        if (!variants.some((x) => x.const === v)) problem(`${show(v)} is not one of ${variants.map((x) => literal(x.const)).join(', ')}`)
        return
      }
      const key = discriminator(variants)
      if (key && v && typeof v === 'object' && !Array.isArray(v)) {
        const d = (v as Record<string, unknown>)[key]
        const known = [...new Set(variants.map((x) => (x.properties as Record<string, TSchema>)[key]!.const))]
        if (d === undefined) return problem(`is missing (one of ${known.map(literal).join(', ')})`, joinPath(path, key))
        if (!known.includes(d)) return problem(`${show(d)} is not one of ${known.map(literal).join(', ')}`, joinPath(path, key))
      }
      check(pickVariant(variants, v), v, path, out)
      return
    }
    case 'Object': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return problem(`should be an object, not ${show(v)}`)
      const o = v as Record<string, unknown>
      const props = s.properties as Record<string, TSchema>
      for (const k of (s.required as string[] | undefined) ?? []) if (!(k in o) || o[k] === undefined) problem('is missing', joinPath(path, k))
      for (const [k, x] of Object.entries(o)) {
        const p = props[k]
        if (!p) {
          const near = Object.keys(props).find((known) => editDistance(known.toLowerCase(), k.toLowerCase()) <= 2)
          problem(`is not a known field (${near ? `did you mean ${near}?` : `known here: ${Object.keys(props).join(', ')}`})`, joinPath(path, k))
        }
        else if (x !== undefined) check(p, x, joinPath(path, k), out)
      }
      return
    }
    case 'Record': {
      if (!v || typeof v !== 'object' || Array.isArray(v)) return problem(`should be an object, not ${show(v)}`)
      const valueSchema = Object.values(s.patternProperties as Record<string, TSchema>)[0]!
      for (const [k, x] of Object.entries(v)) check(valueSchema, x, joinPath(path, k), out)
      return
    }
    case 'Array': {
      if (!Array.isArray(v)) return problem(`should be a list, not ${show(v)}`)
      if (typeof s.minItems === 'number' && v.length < s.minItems) problem(`needs at least ${s.minItems} entr${s.minItems === 1 ? 'y' : 'ies'}`)
      v.forEach((x, i) => check(s.items as TSchema, x, joinPath(path, i), out))
      return
    }
    case 'Tuple': {
      const items = (s.items as TSchema[] | undefined) ?? []
      if (!Array.isArray(v) || v.length !== items.length) return problem(`should be a list of ${items.length}, not ${show(v)}`)
      items.forEach((x, i) => check(x, v[i], joinPath(path, i), out))
      return
    }
    case 'String': {
      if (typeof v !== 'string') return problem(`should be a string, not ${show(v)}`)
      if (s.pattern === OID_PATTERN && !new RegExp(OID_PATTERN).test(v)) return problem(`${show(v)} is not a numeric OID`)
      if (s.format === 'regex' && !regexCompiles(v)) {
        let why = ''
        try {
          new RegExp(v, 'i')
        } catch (err) {
          why = `: ${(err as Error).message}`
        }
        return problem(`${show(v)} is not a regex that compiles${why}`)
      }
      if (typeof s.minLength === 'number' && v.length < s.minLength) problem('is empty')
      if (typeof s.maxLength === 'number' && v.length > s.maxLength) problem(`is longer than ${s.maxLength} characters`)
      else if (typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) problem(`${show(v)} is not allowed${s.description ? ` (${s.description})` : ''}`)
      return
    }
    case 'Number':
    case 'Integer': {
      if (typeof v !== 'number' || !Number.isFinite(v)) return problem(`should be ${typeName(s)}, not ${show(v)}`)
      if (s[Kind] === 'Integer' && !Number.isInteger(v)) problem(`should be an integer, not ${v}`)
      if (typeof s.minimum === 'number' && v < s.minimum) problem(`should be >= ${s.minimum}, not ${v}`)
      if (typeof s.exclusiveMinimum === 'number' && v <= s.exclusiveMinimum) problem(`should be > ${s.exclusiveMinimum}, not ${v}`)
      return
    }
    case 'Boolean':
      if (typeof v !== 'boolean') problem(`should be true or false, not ${show(v)}`)
      return
    case 'Literal':
      if (v !== s.const) problem(`should be ${literal(s.const)}, not ${show(v)}`)
      return
    default:
      if (!Value.Check(s, v)) problem(`should be ${typeName(s)}, not ${show(v)}`)
  }
}

/**
 * The problems of a value meant as a device profile, each with its field path; [] when the
 * value is one. The schema itself decides (Value.Check); the walk only explains.
 */
export function checkProfile(value: unknown): SchemaProblem[] {
  const out: SchemaProblem[] = []
  check(DeviceProfileSchema, value, '', out)
  if (out.length === 0 && !Value.Check(DeviceProfileSchema, value)) {
    // a rule the explaining walk does not know: report the schema's own words
    for (const e of Value.Errors(DeviceProfileSchema, value)) {
      out.push({ path: e.path.replace(/^\//, '').replace(/\/(\d+)(?=\/|$)/g, '[$1]').replace(/\//g, '.') || '(the profile)', message: `: ${e.message}` })
      break
    }
  }
  return out
}

/** A value that passed checkProfile, as the type the interpreter reads. */
export function isDeviceProfile(value: unknown): value is DeviceProfile {
  return Value.Check(DeviceProfileSchema, value)
}
