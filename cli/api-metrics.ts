/**
 * What GET /api/metrics shows beside the API's own figures, wired where the API runs
 * (`civicnet serve`, `civicnet demo`): the process's metrics, the collector's when it runs
 * in the same process (the demo), and the last good backup from the app state (backup/).
 */
import type { Database } from 'better-sqlite3'
import type { ApiMetricsSources } from '../api/routes/metrics/index.ts'
import { lastGoodBackup } from '../backup/index.ts'
import type { MetricFamily } from '../core/prometheus.ts'
import { createProcessMetrics } from './process-metrics.ts'

export interface ApiMetricsWiring {
  sources: ApiMetricsSources
  /** stops the process metrics' event-loop sampler */
  stop(): void
}

export function apiMetricsSources(deps: { appState: { db: Database }; collector?: { metrics(): MetricFamily[] } }): ApiMetricsWiring {
  const proc = createProcessMetrics()
  return {
    sources: {
      extra: () => [...proc.families(), ...(deps.collector?.metrics() ?? [])],
      lastGoodBackupMs: () => lastGoodBackup(deps.appState)?.finishedMs ?? null,
    },
    stop: () => proc.stop(),
  }
}
