/**
 * GET /api/metrics: CivicNet's own health in the Prometheus text format 0.0.4, for an
 * existing Prometheus to scrape with `Authorization: Bearer <token>` (roles engineer and
 * admin). The API's requests (api/request-metrics.ts), open incidents by severity, the alert
 * outbox per channel, the last good backup, and whatever the process hands in (its CPU,
 * memory and event-loop lag; in `civicnet demo` the collector's series too, as it runs here).
 * Counts, route patterns, severities and channel names only: never a token, a community, a
 * host or a MAC.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { openAlertStore } from '../../../alerts/store.ts'
import { PROMETHEUS_CONTENT_TYPE, renderExposition, type MetricFamily } from '../../../core/prometheus.ts'
import { SEVERITIES, severityOf } from '../../../incidents/sla.ts'
import { openIncidentStore } from '../../../incidents/store.ts'
import { ENGINEER } from '../../auth/guard.ts'
import type { RequestMetrics } from '../../request-metrics.ts'
import { ErrorBody } from '../../schemas.ts'

/** What the process adds to GET /api/metrics beside the API's own figures. */
export interface ApiMetricsSources {
  /** more families, read at each scrape: the process's, and the collector's where it runs in this process */
  extra?: () => MetricFamily[]
  /**
   * when the last good backup finished, epoch ms, or null when none did (backup/'s
   * lastGoodBackup); absent: civicnet_backup_last_success_timestamp_seconds is not shown
   */
  lastGoodBackupMs?: () => number | null
}

export interface MetricsRouteOptions {
  sources: ApiMetricsSources
  requests: RequestMetrics
}


const metrics: FastifyPluginAsyncTypebox<MetricsRouteOptions> = async (app, opts) => {
  const incidents = openIncidentStore(app.civic.appState.db)
  const alerts = openAlertStore(app.civic.appState.db)

  /** The API's own families: incidents, outbox, backups; read from the app state now. */
  function appFamilies(): MetricFamily[] {
    const open = new Map<string, number>(SEVERITIES.map((s) => [s, 0]))
    for (const i of incidents.list({ state: 'open' })) {
      const s = severityOf(i)
      open.set(s, (open.get(s) ?? 0) + 1)
    }
    const out: MetricFamily[] = [
      {
        name: 'civicnet_incidents_open',
        help: 'open incidents by severity (critical: a fiber link, 10 APs or more, or several neighborhoods; major: 2-9 APs or a switch, controller or router; minor: one AP)',
        type: 'gauge',
        samples: [...open].map(([severity, value]) => ({ labels: { severity }, value })),
      },
      {
        name: 'civicnet_alert_outbox_messages',
        help: 'alert messages waiting to be delivered (neither delivered nor given up on), by channel; a channel with none has no sample',
        type: 'gauge',
        samples: alerts.outboxDepth().map((d) => ({ labels: { channel: d.channel }, value: d.messages })),
      },
    ]
    if (opts.sources.lastGoodBackupMs) {
      const ms = opts.sources.lastGoodBackupMs()
      out.push({
        name: 'civicnet_backup_last_success_timestamp_seconds',
        help: 'when the newest verified backup finished, Unix seconds; 0 when none has been made',
        type: 'gauge',
        samples: [{ value: ms === null ? 0 : ms / 1000 }],
      })
    }
    return out
  }

  app.get('/metrics', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['meta'],
      summary: "CivicNet's own health for Prometheus (text format 0.0.4): requests, incidents, alert outbox, backups, process; in the demo the collector's too",
      security: [{ bearer: [] }],
      response: {
        200: { description: 'Prometheus text exposition format 0.0.4', content: { [PROMETHEUS_CONTENT_TYPE]: { schema: Type.String() } } },
        401: ErrorBody,
        403: ErrorBody,
        500: ErrorBody,
      },
    },
  }, async (_request, reply) => {
    const families = [...opts.requests.families(), ...appFamilies(), ...(opts.sources.extra?.() ?? [])]
    return reply.type(PROMETHEUS_CONTENT_TYPE).send(renderExposition(families))
  })
}

export default metrics
