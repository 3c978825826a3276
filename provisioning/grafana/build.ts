/**
 * Writes CivicNet's dashboards to provisioning/grafana/dashboards/<uid>.json: keys sorted,
 * two-space indents, no timestamps, fixed uids, so the same code always gives the same
 * bytes and a test (test/grafana/dashboards.test.ts) fails when the committed files are
 * stale. Run: `node --import tsx provisioning/grafana/build.ts`.
 */
import { writeFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard'
import { sortKeys } from './canonical.ts'
import { civicnetDashboards } from './dashboards.ts'
import { DASHBOARDS_DIR } from './files.ts'

/** The dashboards as plain JSON values (keys sorted), in file order. */
export function dashboardJson(): Dashboard[] {
  return civicnetDashboards().map((d) => sortKeys(d) as Dashboard)
}

/** The files build.ts writes: file name -> contents. */
export function renderDashboards(): Map<string, string> {
  return new Map(dashboardJson().map((d) => [`${d.uid}.json`, JSON.stringify(d, null, 2) + '\n']))
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  for (const [name, body] of renderDashboards()) {
    writeFileSync(DASHBOARDS_DIR + name, body)
    console.log(`wrote provisioning/grafana/dashboards/${name}`)
  }
}
