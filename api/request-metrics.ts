/**
 * Counts the API's answers for GET /api/metrics: requests by method, route pattern and status
 * class, and their durations. The route is the pattern Fastify matched ('/api/devices/:id'),
 * never the URL asked for, and 'unmatched' when none matched, so the label set stays as
 * small as the route table however callers spell their paths (tokens, ids and queries never
 * become labels).
 */
import type { FastifyInstance } from 'fastify'
import { createHistogram, type Histogram, type MetricFamily } from '../core/prometheus.ts'

const METHODS = new Set(['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE', 'OPTIONS'])

export interface RequestMetrics {
  /** records one answer; durationMs real ms from arrival to the answer sent */
  record(method: string, route: string | undefined, statusCode: number, durationMs: number): void
  families(): MetricFamily[]
}

export function createRequestMetrics(): RequestMetrics {
  const counts = new Map<string, { method: string; route: string; status: string; n: number }>()
  const durations = new Map<string, { route: string; h: Histogram }>()
  return {
    record(method, route, statusCode, durationMs) {
      const m = METHODS.has(method) ? method : 'other'
      const r = route ?? 'unmatched'
      const status = `${Math.floor(statusCode / 100)}xx`
      const key = `${m} ${r} ${status}`
      const c = counts.get(key)
      if (c) c.n++
      else counts.set(key, { method: m, route: r, status, n: 1 })
      let d = durations.get(r)
      if (!d) durations.set(r, (d = { route: r, h: createHistogram() }))
      d.h.observe(durationMs / 1000)
    },
    families() {
      const byKey = <T>(m: Map<string, T>) => [...m.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, v]) => v)
      return [
        {
          name: 'civicnet_http_requests_total',
          help: 'answers of the API by method, route pattern (unmatched: no route) and status class (2xx, 4xx ...)',
          type: 'counter',
          samples: byKey(counts).map((c) => ({ labels: { method: c.method, route: c.route, status: c.status }, value: c.n })),
        },
        {
          name: 'civicnet_http_request_duration_seconds',
          help: 'time from a request to its answer, seconds, by route pattern',
          type: 'histogram',
          samples: byKey(durations).map((d) => d.h.snapshot({ route: d.route })),
        },
      ]
    },
  }
}

/** Hooks the app so every answer is recorded (Fastify's own elapsed time). */
export function countRequests(app: FastifyInstance, metrics: RequestMetrics): void {
  app.addHook('onResponse', async (request, reply) => {
    metrics.record(request.method, request.routeOptions.url, reply.statusCode, reply.elapsedTime)
  })
}
