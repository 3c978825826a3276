/**
 * One CSV cell (RFC 4180), shared by every CSV CivicNet writes (reports, plans, exports,
 * operations, the audit log): null is an empty cell; a text cell a spreadsheet would run as
 * a formula (=, +, -, @, tab, CR at the start) gets a leading ' (OWASP's CSV injection
 * advice); a cell with a comma, quote or line break is quoted. Here in core so that domains
 * which may import only core and store (accounts/) use the same guard.
 */
export function csvCell(v: string | number | boolean | null): string {
  if (v === null) return ''
  const s = typeof v === 'string' ? (/^[=+\-@\t\r]/.test(v) ? `'${v}` : v) : String(v)
  return /[",\r\n]/.test(s) ? `"${s.replace(/"/g, '""')}"` : s
}
