/**
 * The audit log as a file an admin takes away: CSV (RFC 4180, CRLF lines, every cell through
 * core/csv.ts csvCell, so a detail starting with '=' cannot run as a spreadsheet formula) and
 * JSON Lines (one object per entry). GET /api/audit?format=csv and `civicnet audit --format
 * csv|jsonl` both write these, so the two exports are the same bytes for the same entries.
 * Entries go out in the order given (auditLog answers newest first); `time` is ISO 8601 UTC
 * and the JSON adds `timeMs`. The entries hold no secret (index.ts), so neither does this.
 */
import { csvCell } from '../core/csv.ts'
import type { AuditEntry } from './store.ts'

/** The CSV header, in column order. */
export const AUDIT_COLUMNS = ['time', 'actor', 'address', 'action', 'target', 'outcome', 'detail'] as const

/** One entry as the exports carry it: the stored fields, `time` in ISO 8601 UTC first. */
function exported(e: AuditEntry) {
  return { time: new Date(e.timeMs).toISOString(), timeMs: e.timeMs, actor: e.actor, address: e.address, action: e.action, target: e.target, outcome: e.outcome, detail: e.detail }
}

export function auditCsv(entries: readonly AuditEntry[]): string {
  const lines = [AUDIT_COLUMNS.join(',')]
  for (const e of entries) {
    const x = exported(e)
    lines.push(AUDIT_COLUMNS.map((c) => csvCell(x[c])).join(','))
  }
  return `${lines.join('\r\n')}\r\n`
}

/** One JSON object per line, `\n` after each; '' for no entries. */
export function auditJsonLines(entries: readonly AuditEntry[]): string {
  return entries.map((e) => JSON.stringify(exported(e)) + '\n').join('')
}
