/**
 * Open data (exports/): GET /api/exports/{neighborhoods|tracts|daily|incidents} for anyone
 * (aggregates only, small counts suppressed), GET /api/exports/aps and /ap_days for staff
 * (they name devices); format csv (default), geojson (spatial datasets), parquet, or schema (the
 * fields with type, unit, definition and source: docs/DATA-DICTIONARY.md).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DATASET_DEFS, exportTable, ExportInputError, type DatasetName } from '../../../exports/datasets.ts'
import { renderExport, schemaOf, type ExportFormat } from '../../../exports/render.ts'
import { openIncidentStore } from '../../../incidents/store.ts'
import { DEFAULT_PLAN_CONFIG } from '../../../planning/index.ts'
import { PUBLIC, STAFF } from '../../auth/guard.ts'
import { CN_ERR_BAD_REQUEST, CN_ERR_TOO_MANY_EXPORTS } from '../../errors.ts'
import { createRateWindow } from '../../rate-window.ts'
import { citySlug, CONTENT_TYPES } from '../../../reports/render/index.ts'
import { planAssessment } from '../../plan-assessment.ts'
import { ErrorBody } from '../../schemas.ts'

const Query = Type.Object({
  format: Type.Optional(Type.Union([Type.Literal('csv'), Type.Literal('geojson'), Type.Literal('parquet'), Type.Literal('schema')])),
  from: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, 'x-message': 'must be a date YYYY-MM-DD' })),
  to: Type.Optional(Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, 'x-message': 'must be a date YYYY-MM-DD' })),
}, { additionalProperties: false })
const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 500: ErrorBody }
const TYPES: Record<ExportFormat | 'schema', string> = { csv: CONTENT_TYPES.csv, geojson: 'application/geo+json', parquet: 'application/vnd.apache.parquet', schema: 'application/schema+json' }

const exportsRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const incidents = openIncidentStore(civic.appState.db)
  // without a token, per address: a daily file reads days of data
  const publicLimit = createRateWindow({ max: 20, windowMs: 10 * 60_000 })

  async function answer(what: DatasetName, q: { format?: ExportFormat | 'schema'; from?: string; to?: string }, reply: import('fastify').FastifyReply) {
    const inv = civic.appState.inventory()
    const now = civic.clock.now()
    const tracts = new Map(civic.planning.tracts().map((t) => [t.id, t.geometry]))
    const format = q.format ?? 'csv'
    if (format === 'geojson' && !DATASET_DEFS[what].spatial) throw new CN_ERR_BAD_REQUEST(`format: ${what} has no geometry: ask for csv or parquet`)
    let table
    try {
      table = await exportTable(what, { ...(q.from ? { from: q.from } : {}), ...(q.to ? { to: q.to } : {}) }, {
        inventory: inv,
        assessed: () => planAssessment(civic, DEFAULT_PLAN_CONFIG, now, inv),
        tractGeometry: (id) => tracts.get(id),
        report: { store: civic.store, inventoryVersion: (civic.appState as { inventoryVersion?: () => number }).inventoryVersion?.() ?? 0, clock: civic.clock, pollIntervalMs: civic.config.pollIntervalMs, history: civic.config.history },
        incidents: () => incidents.list(),
        nowMs: now,
      })
    } catch (err) {
      if (err instanceof ExportInputError) throw new CN_ERR_BAD_REQUEST(err.message)
      throw err
    }
    const base = `${citySlug(inv.city.name)}-${what}`
    reply.header('cache-control', 'no-store').type(TYPES[format])
    if (format === 'schema') return reply.header('content-disposition', `inline; filename="${base}.schema.json"`).send(schemaOf(table, 'csv'))
    return reply.header('content-disposition', `attachment; filename="${base}.${format}"`).send((await renderExport(table, format)) as never)
  }

  // staff files: they name devices
  const staff: [DatasetName, string][] = [
    ['aps', 'Data for staff: access points with their place, model and 30-day uptime (names devices)'],
    ['ap_days', "Data for staff: each access point's status day by day (availability, minutes up, down and unknown, outages) over from..to, default the 30 days before today"],
  ]
  for (const [what, summary] of staff) {
    app.get(`/${what}`, {
      config: { roles: STAFF },
      schema: { tags: ['exports'], summary, security: [{ bearer: [] }], querystring: Query, response: errors },
    }, async (request, reply) => answer(what, request.query, reply))
  }

  app.get('/:what', {
    config: { roles: PUBLIC },
    schema: {
      tags: ['exports'],
      summary: 'Open data: neighborhoods, tracts, daily figures or incidents, aggregates only with counts of 1-9 suppressed; CSV, GeoJSON (neighborhoods, tracts), Parquet, or the schema',
      params: Type.Object({ what: Type.Union([Type.Literal('neighborhoods'), Type.Literal('tracts'), Type.Literal('daily'), Type.Literal('incidents')]) }, { additionalProperties: false }),
      querystring: Query,
      response: errors,
    },
  }, async (request, reply) => {
    if (request.scope === 'public') {
      const t = publicLimit.take(request.ip, civic.clock.now())
      if (!t.ok) throw new CN_ERR_TOO_MANY_EXPORTS(publicLimit.max, publicLimit.windowMs / 60_000, t.retryAfterS)
    }
    return answer(request.params.what, request.query, reply)
  })
}

export default exportsRoutes
