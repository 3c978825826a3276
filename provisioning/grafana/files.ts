/**
 * The generated dashboard files (dashboards/*.json, written by build.ts): what Grafana's
 * file provider loads and what `civicnet provision grafana` sends, so both deliver the same
 * bytes. Reading them needs no SDK; test/grafana/dashboards.test.ts keeps them current.
 */
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { Dashboard } from '@grafana/grafana-foundation-sdk/dashboard'

/** provisioning/grafana/dashboards/ */
export const DASHBOARDS_DIR = fileURLToPath(new URL('./dashboards/', import.meta.url))

/** Every dashboards/*.json, by file name. */
export function readDashboardFiles(dir = DASHBOARDS_DIR): Dashboard[] {
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => JSON.parse(readFileSync(dir + f, 'utf8')) as Dashboard)
}
