/**
 * The Report as JSON: two-space indented, keys in the order buildReport writes them, one
 * newline at the end. The same bytes from the CLI, the API and a saved run.
 */
import type { Report } from '../schema.ts'

export function renderJson(report: Report): string {
  return `${JSON.stringify(report, null, 2)}\n`
}
