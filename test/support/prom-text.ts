/**
 * A strict parser of the Prometheus text exposition format 0.0.4
 * (https://prometheus.io/docs/instrumenting/exposition_formats/#text-based-format), written
 * from the format's description, independent of core/prometheus.ts, so a scrape test fails
 * on any line Prometheus would refuse: a bad name, label or value, a sample before its TYPE,
 * a family's samples split apart or given twice, a histogram without its +Inf bucket, _sum or
 * _count, buckets that are not cumulative, a negative counter, a missing final newline.
 */

export interface ParsedSample {
  /** the sample's own name (e.g. x_bucket, x_sum) */
  name: string
  labels: Record<string, string>
  value: number
}

export interface ParsedFamily {
  name: string
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'
  help: string | null
  samples: ParsedSample[]
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*/
const LABEL = /^[a-zA-Z_][a-zA-Z0-9_]*/
const TYPES = ['counter', 'gauge', 'histogram', 'summary', 'untyped']

function fail(n: number, line: string, why: string): never {
  throw new SyntaxError(`line ${n}: ${why}: ${JSON.stringify(line.slice(0, 160))}`)
}

function parseValue(text: string, n: number, line: string): number {
  if (text === 'NaN') return NaN
  if (text === '+Inf' || text === 'Inf') return Infinity
  if (text === '-Inf') return -Infinity
  if (!/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(text)) fail(n, line, `'${text}' is not a value`)
  return Number(text)
}

/** The family a sample name belongs to, given the families declared so far. */
function familyOf(name: string, families: Map<string, ParsedFamily>): string {
  for (const suffix of ['_bucket', '_sum', '_count']) {
    if (name.endsWith(suffix)) {
      const base = name.slice(0, -suffix.length)
      const f = families.get(base)
      if (f && (f.type === 'histogram' || (f.type === 'summary' && suffix !== '_bucket'))) return base
    }
  }
  return name
}

/** Parses a whole scrape; throws SyntaxError naming the line on anything malformed. */
export function parsePrometheusText(text: string): Map<string, ParsedFamily> {
  if (text.length > 0 && !text.endsWith('\n')) throw new SyntaxError('the exposition does not end with a newline')
  const families = new Map<string, ParsedFamily>()
  const closed = new Set<string>()
  const typed = new Set<string>()
  let current: string | null = null
  const seenSeries = new Set<string>()
  const lines = text.split('\n')
  lines.pop()
  lines.forEach((line, i) => {
    const n = i + 1
    if (line.trim() === '') return
    if (line.startsWith('#')) {
      const m = /^#\s+(HELP|TYPE)\s+(\S+)(?:\s(.*))?$/.exec(line)
      if (!m) return // any other comment
      const [, kind, name, rest] = m as unknown as [string, 'HELP' | 'TYPE', string, string | undefined]
      if (!NAME.test(name) || NAME.exec(name)![0] !== name) fail(n, line, `'${name}' is not a metric name`)
      let f = families.get(name)
      if (closed.has(name) || (f && f.samples.length > 0)) fail(n, line, `${kind} for '${name}' after its samples`)
      if (!f) families.set(name, (f = { name, type: 'untyped', help: null, samples: [] }))
      if (kind === 'TYPE') {
        if (!rest || !TYPES.includes(rest.trim())) fail(n, line, `unknown type '${rest}'`)
        if (typed.has(name)) fail(n, line, `second TYPE for '${name}'`)
        typed.add(name)
        f.type = rest.trim() as ParsedFamily['type']
      } else {
        if (f.help !== null) fail(n, line, `second HELP for '${name}'`)
        f.help = (rest ?? '').replace(/\\(\\|n)/g, (_, c: string) => (c === 'n' ? '\n' : '\\'))
      }
      if (current !== null && current !== name) closed.add(current)
      current = name
      return
    }
    const nm = NAME.exec(line)
    if (!nm) fail(n, line, 'a sample must start with a metric name')
    const name = nm[0]
    let pos = name.length
    const labels: Record<string, string> = {}
    if (line[pos] === '{') {
      pos++
      for (;;) {
        if (line[pos] === '}') {
          pos++
          break
        }
        const lm = LABEL.exec(line.slice(pos))
        if (!lm) fail(n, line, `bad label name at column ${pos + 1}`)
        const label = lm[0]
        pos += label.length
        if (line[pos] !== '=' || line[pos + 1] !== '"') fail(n, line, `label '${label}' needs ="value"`)
        pos += 2
        let value = ''
        for (;;) {
          const c = line[pos]
          if (c === undefined) fail(n, line, `unterminated value of label '${label}'`)
          if (c === '"') break
          if (c === '\\') {
            const e = line[pos + 1]
            if (e === '\\') value += '\\'
            else if (e === '"') value += '"'
            else if (e === 'n') value += '\n'
            else fail(n, line, `bad escape '\\${e}' in label '${label}'`)
            pos += 2
            continue
          }
          value += c
          pos++
        }
        pos++
        if (label in labels) fail(n, line, `label '${label}' twice`)
        labels[label] = value
        if (line[pos] === ',') pos++
        else if (line[pos] !== '}') fail(n, line, `expected ',' or '}' after label '${label}'`)
      }
    }
    const rest = line.slice(pos)
    const vm = /^ (\S+)(?: (-?\d+))?$/.exec(rest)
    if (!vm) fail(n, line, 'expected one space, a value and an optional integer timestamp')
    const value = parseValue(vm[1]!, n, line)
    const fname = familyOf(name, families)
    let f = families.get(fname)
    if (!f) families.set(fname, (f = { name: fname, type: 'untyped', help: null, samples: [] }))
    if (closed.has(fname)) fail(n, line, `samples of '${fname}' are not together`)
    if (current !== null && current !== fname) closed.add(current)
    current = fname
    const series = name + JSON.stringify(Object.entries(labels).sort())
    if (seenSeries.has(series)) fail(n, line, 'the same series twice')
    seenSeries.add(series)
    if (f.type === 'counter' && !(value >= 0)) fail(n, line, 'a counter below 0')
    if (f.type === 'histogram' && name === fname) fail(n, line, `a histogram's samples are ${fname}_bucket, _sum and _count`)
    if (name.endsWith('_bucket') && f.type === 'histogram' && labels.le === undefined) fail(n, line, 'a bucket without le')
    f.samples.push({ name, labels, value })
  })
  for (const f of families.values()) if (f.type === 'histogram') checkHistogram(f)
  return families
}

function checkHistogram(f: ParsedFamily): void {
  const groups = new Map<string, { buckets: [number, number][]; sum?: number; count?: number }>()
  for (const s of f.samples) {
    const { le, ...rest } = s.labels
    const key = JSON.stringify(Object.entries(rest).sort())
    const g = groups.get(key) ?? { buckets: [] }
    groups.set(key, g)
    if (s.name === `${f.name}_bucket`) g.buckets.push([le === '+Inf' ? Infinity : Number(le), s.value])
    else if (s.name === `${f.name}_sum`) g.sum = s.value
    else g.count = s.value
  }
  for (const [key, g] of groups) {
    const where = `histogram ${f.name}${key}`
    if (g.sum === undefined || g.count === undefined) throw new SyntaxError(`${where}: without _sum or _count`)
    const last = g.buckets.at(-1)
    if (!last || last[0] !== Infinity) throw new SyntaxError(`${where}: no +Inf bucket last`)
    if (last[1] !== g.count) throw new SyntaxError(`${where}: +Inf bucket ${last[1]} is not _count ${g.count}`)
    for (let i = 1; i < g.buckets.length; i++) {
      if (!(g.buckets[i]![0] > g.buckets[i - 1]![0])) throw new SyntaxError(`${where}: bounds not ascending`)
      if (g.buckets[i]![1] < g.buckets[i - 1]![1]) throw new SyntaxError(`${where}: buckets not cumulative`)
    }
  }
}

/** The value of the one sample of `family` whose labels include `labels`; throws when none or several match. */
export function sampleValue(families: Map<string, ParsedFamily>, family: string, labels: Record<string, string> = {}, name = family): number {
  const f = families.get(family)
  if (!f) throw new Error(`no family '${family}' in the scrape`)
  const hits = f.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
  if (hits.length !== 1) throw new Error(`${hits.length} samples of ${name} with ${JSON.stringify(labels)}`)
  return hits[0]!.value
}
