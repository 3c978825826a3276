/**
 * `civicnet audit`: the accounts audit log (sign-ins, MFA, admin acts on accounts, other
 * domains' recorded acts) read at the server's shell, as a table, CSV or JSON Lines (the same
 * bytes GET /api/audit?format=csv answers: accounts/audit-export.ts); and `civicnet audit
 * prune`, which drops what is past its time: audit entries older than CIVICNET_AUDIT_RETENTION
 * (default 365d), expired sessions and old failure counters. The log never holds a secret
 * (accounts/index.ts), so nothing printed here is one.
 */
import { formatDuration, parseDuration } from '../core/duration.ts'
import { AUDIT_COLUMNS, auditCsv, auditJsonLines } from '../accounts/audit-export.ts'
import type { AuditEntry, AuditQuery } from '../accounts/index.ts'
import { parseValueFlags, UsageError } from './flags.ts'
import type { Command } from './main.ts'
import { auditCliAct } from './actor.ts'
import { openCliAccounts, table } from './users.ts'

const FORMATS = ['table', 'csv', 'jsonl'] as const
const MAX_LIMIT = 100_000

const USAGE = `usage: civicnet audit [--since 30d | --from TIME [--to TIME]] [--actor A] [--action X] [--limit N] [--format table|csv|jsonl]
       civicnet audit prune

Prints the audit log, newest first: time (UTC), actor, address, action, target, outcome, detail.

  --since D      entries of the last D (30s, 15m, 4h, 30d)
  --from TIME    entries at or after TIME, --to TIME before it: 2026-03-01 (UTC midnight)
                 or 2026-03-01T14:00:00Z / 2026-03-01T09:00:00-05:00 (a zone is required)
  --actor A      only this actor: user:<name>, token:<label>, cli:<OS user> (what civicnet
                 users writes), cli
  --action X     only this action: sign-in, mfa, user.add, user.disable, user.role ...
  --limit N      at most N entries (default 1000, at most ${MAX_LIMIT})
  --format F     table (default), csv (RFC 4180, CRLF lines) or jsonl (one JSON object a line)

prune drops audit entries older than $CIVICNET_AUDIT_RETENTION (default 365d), expired
sessions and failure counters past the lockout window, prints the counts, and records the
prune in the log itself (actor cli:<OS user>).

State: $CIVICNET_DATA_DIR/state.sqlite (default ./data).
Exit 0: done; 1: failed; 2: bad usage.`

const DATE = /^\d{4}-\d{2}-\d{2}$/
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,3})?)?(Z|[+-]\d{2}:\d{2})$/

/** An ISO 8601 date (UTC midnight) or date-time with a zone, in ms; a UsageError names a bad one. */
function timeFlag(name: string, v: string): number {
  const ms = DATE.test(v) ? Date.parse(`${v}T00:00:00Z`) : DATE_TIME.test(v) ? Date.parse(v) : NaN
  if (!Number.isFinite(ms)) throw new UsageError(`--${name}: '${v.slice(0, 40)}' is not a date YYYY-MM-DD or a time like 2026-03-01T14:00:00Z (with its zone)`)
  return ms
}

/** The query the flags ask for, and the format. */
export function auditQueryFromFlags(args: readonly string[], nowMs: number): { query: AuditQuery; format: (typeof FORMATS)[number] } {
  const f = parseValueFlags(args, ['since', 'from', 'to', 'actor', 'action', 'limit', 'format'] as const)
  const query: AuditQuery = {}
  if (f.since !== undefined) {
    if (f.from !== undefined || f.to !== undefined) throw new UsageError('--since and --from/--to: give one of them')
    try {
      query.fromMs = nowMs - parseDuration(f.since)
    } catch (err) {
      throw new UsageError(`--since: ${(err as Error).message}`)
    }
  }
  if (f.from !== undefined) query.fromMs = timeFlag('from', f.from)
  if (f.to !== undefined) query.toMs = timeFlag('to', f.to)
  if (query.fromMs !== undefined && query.toMs !== undefined && query.toMs <= query.fromMs) throw new UsageError(`--to (${f.to}) must be after --from (${f.from})`)
  if (f.actor !== undefined) query.actor = f.actor
  if (f.action !== undefined) query.action = f.action
  if (f.limit !== undefined) {
    if (!/^\d{1,6}$/.test(f.limit) || Number(f.limit) < 1 || Number(f.limit) > MAX_LIMIT) throw new UsageError(`--limit: '${f.limit.slice(0, 40)}' must be a whole number from 1 to ${MAX_LIMIT}`)
    query.limit = Number(f.limit)
  }
  const format = f.format ?? 'table'
  if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: '${format.slice(0, 40)}' is not one of ${FORMATS.join(', ')}`)
  return { query, format: format as (typeof FORMATS)[number] }
}

// eslint-disable-next-line no-control-regex -- control characters are what is replaced
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g

/** The table a terminal shows: '-' for an empty cell, control characters as '?'. */
function auditTable(entries: readonly AuditEntry[]): string {
  if (entries.length === 0) return 'no audit entries match'
  const cell = (v: string | null) => (v === null || v === '' ? '-' : v.replace(CONTROL, '?'))
  return table([[...AUDIT_COLUMNS], ...entries.map((e) => [new Date(e.timeMs).toISOString(), cell(e.actor), cell(e.address), cell(e.action), cell(e.target), e.outcome, cell(e.detail)])])
}

const count = (n: number, one: string, many: string) => `${n} ${n === 1 ? one : many}`

export const command: Command = {
  summary: 'the accounts audit log (table, csv, jsonl); prune drops what is past retention',
  usage: USAGE,
  async run(args) {
    const who = args[0] === 'prune' ? 'civicnet audit prune' : 'civicnet audit'
    const fail = (msg: string, code: 1 | 2) => (console.error(`${who}: ${msg}${code === 2 ? ' (civicnet audit --help)' : ''}`), code)
    const nowMs = Date.now()
    let opened
    let asked: ReturnType<typeof auditQueryFromFlags> | null = null
    try {
      if (args[0] === 'prune') {
        if (args.length > 1) throw new UsageError(`unexpected argument '${args[1]}' (prune takes none)`)
      } else asked = auditQueryFromFlags(args, nowMs)
      opened = openCliAccounts(who)
    } catch (err) {
      return fail((err as Error).message, err instanceof UsageError ? 2 : 1)
    }
    try {
      const { accounts } = opened
      if (!asked) {
        const dropped = accounts.prune(nowMs)
        const retention = formatDuration(accounts.config.auditRetentionMs)
        const detail = `dropped ${count(dropped.audit, 'audit entry', 'audit entries')} older than ${retention}, ${count(dropped.sessions, 'session', 'sessions')}, ${count(dropped.failures, 'failure counter', 'failure counters')}`
        auditCliAct(opened.state.db, 'audit.prune', null, detail, nowMs)
        console.log(`pruned: ${detail}`)
        return 0
      }
      const entries = accounts.auditLog(asked.query)
      process.stdout.write(asked.format === 'csv' ? auditCsv(entries) : asked.format === 'jsonl' ? auditJsonLines(entries) : auditTable(entries) + '\n')
      return 0
    } catch (err) {
      return fail((err as Error).message, 1)
    } finally {
      opened.close()
    }
  },
}
