/**
 * About the API itself: health, the metric catalogue, and who the caller is.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { METRICS } from '../../../core/metrics.ts'
import { PUBLIC } from '../../auth/guard.ts'
import { EpochMs, ErrorBody } from '../../schemas.ts'

const errors = { 401: ErrorBody, 500: ErrorBody }

const Health = Type.Object(
  { status: Type.Union([Type.Literal('ok'), Type.Literal('degraded')]), store: Type.Object({ kind: Type.String(), up: Type.Boolean() }), nowMs: EpochMs },
  { additionalProperties: false },
)
const MetricList = Type.Object(
  {
    metrics: Type.Array(
      Type.Object(
        { name: Type.String(), unit: Type.String(), kind: Type.Union([Type.Literal('gauge'), Type.Literal('delta')]), description: Type.String() },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
)
const WhoAmI = Type.Object(
  {
    scope: Type.Union([Type.Literal('public'), Type.Literal('admin'), Type.Literal('engineer'), Type.Literal('analyst'), Type.Literal('planner')]),
    label: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
)

const Meta = Type.Object(
  {
    pollIntervalMs: Type.Integer({ description: "the collector's poll interval: a device whose newest device_up answered but is older than two of these is 'unknown' (down needs a failed poll)" }),
    store: Type.String({ description: "'duckdb' or 'influxdb'" }),
    nowMs: EpochMs,
    history: Type.Union(
      [
        Type.Object(
          {
            fromMs: EpochMs,
            stepMs: Type.Integer({ description: 'one poll per device every stepMs before liveSinceMs' }),
            liveSinceMs: EpochMs,
          },
          { additionalProperties: false, description: 'data before liveSinceMs was polled at stepMs (the demo fills its history this way)' },
        ),
        Type.Null(),
      ],
    ),
  },
  { additionalProperties: false },
)

const meta: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app

  app.get('/meta', {
    config: { roles: PUBLIC },
    schema: { tags: ['meta'], summary: 'How the data is collected: poll interval, store, and where coarser history ends', response: { 200: Meta, ...errors } },
  }, async () => ({ pollIntervalMs: civic.config.pollIntervalMs, store: civic.store.kind, nowMs: civic.clock.now(), history: civic.config.history }))

  app.get('/health', {
    config: { roles: PUBLIC },
    schema: { tags: ['meta'], summary: "The API answers; 'degraded' when the metric store does not", response: { 200: Health, ...errors } },
  }, async () => {
    const up = await civic.store.ping().catch(() => false)
    return { status: up ? ('ok' as const) : ('degraded' as const), store: { kind: civic.store.kind, up }, nowMs: civic.clock.now() }
  })

  // the catalogue of what the store keeps; /api/metrics is CivicNet's own health for Prometheus
  app.get('/meta/metrics', {
    config: { roles: PUBLIC },
    schema: { tags: ['meta'], summary: 'Every metric the store keeps, with unit and kind (gauge | delta)', response: { 200: MetricList, ...errors } },
  }, async () => ({ metrics: Object.values(METRICS).map((m) => ({ name: m.name, unit: m.unit, kind: m.kind, description: m.description })) }))

  app.get('/whoami', {
    config: { roles: PUBLIC },
    schema: { tags: ['meta'], summary: "The caller's scope (the token's role, or 'public') and the token's label", response: { 200: WhoAmI, ...errors } },
  }, async (request) => ({ scope: request.scope, label: request.token?.label ?? null }))
}

export default meta
