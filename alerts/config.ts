/**
 * The alert configuration: a YAML file (CIVICNET_ALERTS_FILE; provisioning/alerts.example.yml
 * shows every field) read and validated at start. Every error names the file, the line and
 * column, and the field (`alerts.yml:14:7: rules[1].channels[0]: no channel named 'noc'`),
 * and unknown fields are errors too, so a typo never silently turns an alert off.
 *
 * Secrets never sit in the file: a channel names the environment variables that hold them
 * (`secretEnv`, `passwordEnv`), read once here and never logged or served.
 */
import { readFileSync } from 'node:fs'
import { isMap, isPair, isScalar, LineCounter, parseDocument, type Document } from 'yaml'
import { parseDuration } from '../core/duration.ts'

export const ALERT_SEVERITIES = ['critical', 'major', 'minor'] as const
export type AlertSeverity = (typeof ALERT_SEVERITIES)[number]
export const RULE_KINDS = ['incident', 'sla', 'optics', 'collector', 'availability'] as const
export type RuleKind = (typeof RULE_KINDS)[number]

export interface WebhookChannel {
  name: string
  type: 'webhook'
  url: string
  /** HMAC-SHA256 key for the X-CivicNet-Signature header (from secretEnv); null: unsigned */
  secret: string | null
  headers: Record<string, string>
  timeoutMs: number
}

export interface EmailChannel {
  name: string
  type: 'email'
  host: string
  port: number
  /** TLS from the first byte (port 465) */
  secure: boolean
  /** refuse to send unless the server offers STARTTLS */
  requireTls: boolean
  user: string | null
  password: string | null
  from: string
  to: string[]
  timeoutMs: number
}

export type ChannelConfig = WebhookChannel | EmailChannel

export interface QuietHours {
  /** minutes after local midnight, [fromMin, toMin); wraps past midnight when toMin < fromMin */
  fromMin: number
  toMin: number
  /** severities still sent during quiet hours */
  except: AlertSeverity[]
}

export interface RuleConfig {
  name: string
  kind: RuleKind
  channels: string[]
  /** a condition is sent only once it held this long (a reading that comes and goes is not news) */
  forMs: number
  /** a condition still firing is sent again this often; null: once */
  repeatMs: number | null
  /** conditions below this severity are not sent */
  minSeverity: AlertSeverity
  quietHours: QuietHours | null
  /** sla: warn this long before the target (and again when breached) */
  beforeMs: number
  /** optics: receive power below this is low, dBm */
  belowDbm: number
  /** optics: a drop of this many dB from the window's highest reading is falling fast */
  fallingDb: number
  /** optics, collector, availability: the window looked at */
  windowMs: number
  /** collector: share of expected polls not made in the window, % */
  missedPct: number
  /** availability: target per neighborhood over the window, % */
  targetPct: number
}

export interface AlertsConfig {
  file: string
  /** the city's zone for quiet hours (the inventory's when absent) */
  timezone: string | null
  /** how the messages link back, e.g. https://wifi.hartford.gov (none when absent) */
  publicUrl: string | null
  evaluateMs: number
  delivery: { retryMs: number; maxRetryMs: number; giveUpMs: number }
  channels: ChannelConfig[]
  rules: RuleConfig[]
}

export class AlertConfigError extends Error {
  constructor(
    readonly file: string,
    readonly line: number,
    readonly col: number,
    readonly field: string,
    detail: string,
  ) {
    super(`${file}:${line}:${col}: ${field === '' ? '' : `${field}: `}${detail}`)
    this.name = 'AlertConfigError'
  }
}

type Path = (string | number)[]
const fieldName = (path: Path) => path.reduce<string>((s, p) => (typeof p === 'number' ? `${s}[${p}]` : s === '' ? p : `${s}.${p}`), '')

/** Reads the file; throws AlertConfigError (or the fs error naming the file). */
export function loadAlertsConfig(file: string, env: NodeJS.ProcessEnv = process.env): AlertsConfig {
  let text: string
  try {
    text = readFileSync(file, 'utf8')
  } catch (err) {
    throw new Error(`CIVICNET_ALERTS_FILE: cannot read ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  return parseAlertsConfig(text, file, env)
}

export function parseAlertsConfig(text: string, file: string, env: NodeJS.ProcessEnv = process.env): AlertsConfig {
  const lines = new LineCounter()
  const doc = parseDocument(text, { lineCounter: lines, uniqueKeys: true })
  const first = doc.errors[0]
  if (first) {
    const pos = first.linePos?.[0] ?? { line: 1, col: 1 }
    throw new AlertConfigError(file, pos.line, pos.col, '', `not valid YAML: ${first.message.split('\n')[0]}`)
  }
  return new Reader(doc, lines, file, env).config()
}

class Reader {
  constructor(
    private readonly doc: Document,
    private readonly lines: LineCounter,
    private readonly file: string,
    private readonly env: NodeJS.ProcessEnv,
  ) {}

  /** an error at the node of `path`, or at the nearest of its parents that exists */
  fail(path: Path, detail: string, atKey = false): never {
    for (let p = path; ; p = p.slice(0, -1)) {
      const node = p.length === 0 ? this.doc.contents : this.doc.getIn(p, true)
      let offset: number | undefined
      if (atKey && p === path && p.length > 0) {
        const parent = p.length === 1 ? this.doc.contents : this.doc.getIn(p.slice(0, -1), true)
        if (isMap(parent)) {
          const pair = parent.items.find((it) => isPair(it) && isScalar(it.key) && it.key.value === p.at(-1))
          if (pair && isScalar(pair.key)) offset = pair.key.range?.[0]
        }
      }
      offset ??= (node as { range?: [number, number, number] } | null | undefined)?.range?.[0]
      if (offset !== undefined || p.length === 0) {
        const pos = this.lines.linePos(offset ?? 0)
        throw new AlertConfigError(this.file, pos.line, pos.col, fieldName(path), detail)
      }
    }
  }

  raw(path: Path): unknown {
    const v = path.length === 0 ? this.doc.toJS() : this.doc.getIn(path)
    return isScalar(v) ? v.value : (v as { toJSON?: () => unknown } | undefined)?.toJSON ? (v as { toJSON(): unknown }).toJSON() : v
  }

  object(path: Path, allowed: readonly string[]): Record<string, unknown> {
    const v = this.raw(path)
    if (v === undefined || v === null) return {}
    if (typeof v !== 'object' || Array.isArray(v)) this.fail(path, 'must be a mapping of fields')
    for (const k of Object.keys(v)) if (!allowed.includes(k)) this.fail([...path, k], `unknown field (known: ${allowed.join(', ')})`, true)
    return v as Record<string, unknown>
  }

  has(path: Path): boolean {
    const v = this.raw(path)
    return v !== undefined && v !== null
  }

  string(path: Path, opts: { required?: boolean; fallback?: string; pattern?: RegExp; what?: string } = {}): string {
    const v = this.raw(path)
    if (v === undefined || v === null) {
      if (opts.fallback !== undefined) return opts.fallback
      this.fail(path, 'is required')
    }
    if (typeof v !== 'string' || v.trim() === '') this.fail(path, 'must be a non-empty string')
    if (opts.pattern && !opts.pattern.test(v)) this.fail(path, `'${v.slice(0, 60)}' is not ${opts.what ?? `of the form ${opts.pattern}`}`)
    return v
  }

  number(path: Path, fallback: number, min: number, max: number, integer = false): number {
    const v = this.raw(path)
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'number' || !Number.isFinite(v) || (integer && !Number.isInteger(v))) this.fail(path, `must be ${integer ? 'a whole number' : 'a number'}`)
    if (v < min || v > max) this.fail(path, `${v} is out of range (${min} to ${max})`)
    return v
  }

  bool(path: Path, fallback: boolean): boolean {
    const v = this.raw(path)
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'boolean') this.fail(path, 'must be true or false')
    return v
  }

  duration(path: Path, fallback: number, minMs: number, maxMs = 366 * 86_400_000): number {
    const v = this.raw(path)
    if (v === undefined || v === null) return fallback
    if (typeof v !== 'string') this.fail(path, 'must be a duration like 30s, 15m, 4h or 1d')
    let ms: number
    try {
      ms = parseDuration(v)
    } catch (err) {
      this.fail(path, (err as Error).message)
    }
    if (ms < minMs || ms > maxMs) this.fail(path, `${v} is out of range (at least ${minMs / 1000} s, at most ${maxMs / 86_400_000} days)`)
    return ms
  }

  list(path: Path, required: boolean): unknown[] {
    const v = this.raw(path)
    if (v === undefined || v === null) {
      if (required) this.fail(path, 'is required (a list)')
      return []
    }
    if (!Array.isArray(v)) this.fail(path, 'must be a list')
    return v
  }

  /** a secret from the environment variable the file names */
  secret(path: Path): string | null {
    if (!this.has(path)) return null
    const name = this.string(path, { pattern: /^[A-Z_][A-Z0-9_]*$/, what: 'an environment variable name (A-Z, 0-9, _)' })
    const value = this.env[name]
    if (value === undefined || value === '') this.fail(path, `the environment variable ${name} is not set`)
    return value
  }

  config(): AlertsConfig {
    this.object([], ['timezone', 'publicUrl', 'evaluateEvery', 'delivery', 'channels', 'rules'])
    const timezone = this.has(['timezone']) ? this.string(['timezone']) : null
    if (timezone !== null) {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: timezone })
      } catch {
        this.fail(['timezone'], `'${timezone}' is not an IANA time zone (like America/New_York)`)
      }
    }
    const publicUrl = this.has(['publicUrl']) ? this.string(['publicUrl'], { pattern: /^https?:\/\/[^\s/]+(\/[^\s]*)?$/, what: 'an http(s) URL' }).replace(/\/$/, '') : null
    this.object(['delivery'], ['retryAfter', 'maxRetryAfter', 'giveUpAfter'])
    const retryMs = this.duration(['delivery', 'retryAfter'], 30_000, 100)
    const delivery = {
      retryMs,
      maxRetryMs: this.duration(['delivery', 'maxRetryAfter'], 15 * 60_000, retryMs),
      giveUpMs: this.duration(['delivery', 'giveUpAfter'], 86_400_000, 1000),
    }
    const channels = this.list(['channels'], true).map((_, i) => this.channel(['channels', i]))
    if (channels.length === 0) this.fail(['channels'], 'lists no channel')
    const names = new Set<string>()
    channels.forEach((c, i) => {
      if (names.has(c.name)) this.fail(['channels', i, 'name'], `a second channel named '${c.name}'`)
      names.add(c.name)
    })
    const rules = this.list(['rules'], true).map((_, i) => this.rule(['rules', i], names))
    const ruleNames = new Set<string>()
    rules.forEach((r, i) => {
      if (ruleNames.has(r.name)) this.fail(['rules', i, 'name'], `a second rule named '${r.name}'`)
      ruleNames.add(r.name)
    })
    return { file: this.file, timezone, publicUrl, evaluateMs: this.duration(['evaluateEvery'], 15_000, 1000, 3_600_000), delivery, channels, rules }
  }

  channel(p: Path): ChannelConfig {
    const type = this.string([...p, 'type'])
    const name = this.string([...p, 'name'], { pattern: /^[a-z0-9][a-z0-9_-]{0,62}$/, what: 'a name of lower-case letters, digits, - and _' })
    if (type === 'webhook') {
      this.object(p, ['name', 'type', 'url', 'secretEnv', 'headers', 'timeout'])
      const url = this.string([...p, 'url'], { pattern: /^https?:\/\/[^\s/]+(\/[^\s]*)?$/, what: 'an http(s) URL' })
      const headers = this.object([...p, 'headers'], Object.keys((this.raw([...p, 'headers']) as Record<string, unknown> | undefined) ?? {}))
      const out: Record<string, string> = {}
      for (const [k, v] of Object.entries(headers)) {
        if (!/^[A-Za-z0-9-]{1,64}$/.test(k)) this.fail([...p, 'headers', k], 'is not a header name', true)
        if (typeof v !== 'string') this.fail([...p, 'headers', k], 'must be a string')
        if (/^(authorization|cookie)$/i.test(k)) this.fail([...p, 'headers', k], 'would put a secret in the file: use secretEnv (the body is signed with it)', true)
        out[k] = v
      }
      return { name, type, url, secret: this.secret([...p, 'secretEnv']), headers: out, timeoutMs: this.duration([...p, 'timeout'], 10_000, 100, 120_000) }
    }
    if (type === 'email') {
      this.object(p, ['name', 'type', 'host', 'port', 'secure', 'requireTls', 'userEnv', 'passwordEnv', 'from', 'to', 'timeout'])
      const email = /^[^\s@<>]+@[^\s@<>]+$/
      const to = this.list([...p, 'to'], true).map((_, i) => this.string([...p, 'to', i], { pattern: email, what: 'an e-mail address' }))
      if (to.length === 0) this.fail([...p, 'to'], 'lists no address')
      const secure = this.bool([...p, 'secure'], false)
      const user = this.secret([...p, 'userEnv'])
      const password = this.secret([...p, 'passwordEnv'])
      if ((user === null) !== (password === null)) this.fail([...p, user === null ? 'userEnv' : 'passwordEnv'], 'userEnv and passwordEnv go together')
      return {
        name,
        type,
        host: this.string([...p, 'host']),
        port: this.number([...p, 'port'], secure ? 465 : 587, 1, 65535, true),
        secure,
        requireTls: this.bool([...p, 'requireTls'], !secure),
        user,
        password,
        from: this.string([...p, 'from'], { pattern: /^([^<>]*<)?[^\s@<>]+@[^\s@<>]+>?$/, what: 'an e-mail address (or Name <address>)' }),
        to,
        timeoutMs: this.duration([...p, 'timeout'], 30_000, 100, 300_000),
      }
    }
    this.fail([...p, 'type'], `'${type}' is not a channel type (webhook, email)`)
  }

  rule(p: Path, channelNames: Set<string>): RuleConfig {
    const kind = this.string([...p, 'kind'])
    if (!(RULE_KINDS as readonly string[]).includes(kind)) this.fail([...p, 'kind'], `'${kind}' is not a rule kind (${RULE_KINDS.join(', ')})`)
    const common = ['name', 'kind', 'channels', 'for', 'repeatEvery', 'minSeverity', 'quietHours']
    const own: Record<RuleKind, string[]> = {
      incident: [],
      sla: ['before'],
      optics: ['belowDbm', 'fallingDb', 'window'],
      collector: ['missedPct', 'window'],
      availability: ['targetPct', 'window'],
    }
    this.object(p, [...common, ...own[kind as RuleKind]])
    const channels = this.list([...p, 'channels'], true).map((_, i) => {
      const c = this.string([...p, 'channels', i])
      if (!channelNames.has(c)) this.fail([...p, 'channels', i], `no channel named '${c}' (channels: ${[...channelNames].join(', ')})`)
      return c
    })
    if (channels.length === 0) this.fail([...p, 'channels'], 'lists no channel')
    const severity = this.string([...p, 'minSeverity'], { fallback: 'minor' })
    if (!(ALERT_SEVERITIES as readonly string[]).includes(severity)) this.fail([...p, 'minSeverity'], `'${severity}' is not a severity (${ALERT_SEVERITIES.join(', ')})`)
    return {
      name: this.string([...p, 'name'], { pattern: /^[a-z0-9][a-z0-9_-]{0,62}$/, what: 'a name of lower-case letters, digits, - and _' }),
      kind: kind as RuleKind,
      channels,
      forMs: this.duration([...p, 'for'], kind === 'optics' ? 120_000 : 0, 0, 86_400_000),
      repeatMs: this.has([...p, 'repeatEvery']) ? this.duration([...p, 'repeatEvery'], 0, 60_000) : null,
      minSeverity: severity as AlertSeverity,
      quietHours: this.quietHours([...p, 'quietHours']),
      beforeMs: this.duration([...p, 'before'], 30 * 60_000, 0),
      belowDbm: this.number([...p, 'belowDbm'], -25, -60, 10),
      fallingDb: this.number([...p, 'fallingDb'], 3, 0.1, 60),
      windowMs: this.duration([...p, 'window'], { incident: 0, sla: 0, optics: 86_400_000, collector: 15 * 60_000, availability: 86_400_000 }[kind as RuleKind], 60_000, 90 * 86_400_000),
      missedPct: this.number([...p, 'missedPct'], 5, 0.01, 100),
      targetPct: this.number([...p, 'targetPct'], 99, 0, 100),
    }
  }

  quietHours(p: Path): QuietHours | null {
    if (!this.has(p)) return null
    this.object(p, ['from', 'to', 'except'])
    const clock = (q: Path) => {
      const s = this.string(q, { pattern: /^([01]\d|2[0-3]):[0-5]\d$/, what: 'a local time like 22:00' })
      return Number(s.slice(0, 2)) * 60 + Number(s.slice(3))
    }
    const fromMin = clock([...p, 'from'])
    const toMin = clock([...p, 'to'])
    if (fromMin === toMin) this.fail([...p, 'to'], 'equals from: quiet hours would be empty')
    const except = this.list([...p, 'except'], false).map((_, i) => {
      const s = this.string([...p, 'except', i])
      if (!(ALERT_SEVERITIES as readonly string[]).includes(s)) this.fail([...p, 'except', i], `'${s}' is not a severity (${ALERT_SEVERITIES.join(', ')})`)
      return s as AlertSeverity
    })
    return { fromMin, toMin, except }
  }
}
