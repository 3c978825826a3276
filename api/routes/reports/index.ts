/**
 * Reports for grant writers (roles analyst and admin): GET /api/reports builds the report
 * (reports/ buildReport) over a period of the city's local days and answers it as JSON, CSV,
 * HTML or PDF; every run is saved in the app state, and GET /api/reports/runs lists them.
 * The handlers validate, call the domain module and send its renderer's bytes: no figure is
 * computed here.
 */
import { auditAct, recordedBy } from '../../auth/actor.ts'
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { buildReport, ReportInputError } from '../../../reports/index.ts'
import { CONTENT_TYPES, fileName, FORMATS, renderReport, type ReportFormat } from '../../../reports/render/index.ts'
import { getRun, listRuns, saveRun } from '../../../reports/runs.ts'
import { Report } from '../../../reports/schema.ts'
import type { Scope } from '../../auth/tokens.ts'
import { CN_ERR_BAD_RANGE, CN_ERR_NEIGHBORHOOD_NOT_FOUND, CN_ERR_REPORT_RUN_NOT_FOUND, CN_ERR_VALIDATION } from '../../errors.ts'
import { ErrorBody } from '../../schemas.ts'

/** Grant writers; admin is implied (api/auth/guard.ts). */
const REPORTERS: readonly Scope[] = ['analyst']

const DateText = (description: string) => Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$', maxLength: 10, description, 'x-message': 'must be a date YYYY-MM-DD' })

const ReportQuerystring = Type.Object(
  {
    from: Type.Optional(DateText('first day (local), with to')),
    to: Type.Optional(DateText('last day (local), INCLUSIVE, with from')),
    quarter: Type.Optional(Type.String({ pattern: '^\\d{4}Q[1-4]$', maxLength: 6, description: 'instead of from/to: a quarter, e.g. 2026Q3', 'x-message': 'must be a quarter like 2026Q3' })),
    year: Type.Optional(Type.String({ pattern: '^\\d{4}$', maxLength: 4, description: 'instead of from/to: a year, e.g. 2026', 'x-message': 'must be a year like 2026' })),
    neighborhoods: Type.Optional(Type.String({
      pattern: '^(all|[a-z0-9][a-z0-9._-]{0,63}(,[a-z0-9][a-z0-9._-]{0,63}){0,99})$',
      maxLength: 2000,
      description: "'all' (every served neighborhood, the default) or ids separated by commas",
      'x-message': "must be 'all' or neighborhood ids separated by commas",
    })),
    format: Type.Optional(Type.Union(FORMATS.map((f) => Type.Literal(f)), { description: 'json (default), csv, html or pdf' })),
    target: Type.Optional(Type.String({ pattern: '^\\d{1,3}(\\.\\d{1,3})?$', maxLength: 7, description: 'availability target, percent (default 99.45: BEAD)', 'x-message': 'must be a percentage like 99.45' })),
  },
  { additionalProperties: false },
)

const SavedRun = Type.Object(
  {
    id: Type.Integer(),
    runAtMs: Type.Integer({ description: 'wall-clock time of the run' }),
    door: Type.String({ description: "'cli' or 'api'" }),
    format: Type.String(),
    requestedBy: Type.String(),
    params: Type.Object({
      from: Type.String(),
      to: Type.String(),
      kind: Type.String(),
      name: Type.String(),
      neighborhoods: Type.Union([Type.Literal('all'), Type.Array(Type.String())]),
      availabilityTargetPct: Type.Number(),
    }),
    dataVersion: Type.String(),
    generatedAt: Type.String(),
    open: Type.Boolean(),
    reportSha256: Type.String(),
  },
  { additionalProperties: false },
)

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody }

const reports: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app

  app.get('', {
    config: { roles: REPORTERS },
    schema: {
      tags: ['reports'],
      summary: 'The grant report over local days: unique clients, data used, peak concurrent clients and availability per neighborhood and in total',
      description:
        'Give from and to (to is the last day, inclusive), or quarter, or year. format=csv|html|pdf answers that format (the 200 schema is the JSON); ' +
        'the same stored data gives the same bytes. A period still open says so (period.open) and runs to now. Each run is saved: GET /api/reports/runs.',
      querystring: ReportQuerystring,
      response: { 200: Report, ...errors },
    },
  }, async (request, reply) => {
    const q = request.query
    const format: ReportFormat = q.format ?? 'json'
    const appState = civic.appState as typeof civic.appState & { inventoryVersion?: () => number }
    let report
    try {
      report = await buildReport(
        {
          ...(q.from !== undefined ? { from: q.from } : {}),
          ...(q.to !== undefined ? { to: q.to } : {}),
          ...(q.quarter !== undefined ? { quarter: q.quarter } : {}),
          ...(q.year !== undefined ? { year: q.year } : {}),
          neighborhoods: q.neighborhoods ?? 'all',
          ...(q.target !== undefined ? { availabilityTargetPct: Number(q.target) } : {}),
        },
        {
          store: civic.store,
          inventory: appState.inventory(),
          inventoryVersion: typeof appState.inventoryVersion === 'function' ? appState.inventoryVersion() : 0,
          clock: civic.clock,
          pollIntervalMs: civic.config.pollIntervalMs,
          history: civic.config.history,
        },
      )
    } catch (err) {
      if (!(err instanceof ReportInputError)) throw err
      if (err.kind === 'not-found') throw new CN_ERR_NEIGHBORHOOD_NOT_FOUND(err.value ?? '', err.param)
      if (err.kind === 'range') throw new CN_ERR_BAD_RANGE(err.message)
      throw new CN_ERR_VALIDATION(`querystring.${err.message}`)
    }
    const json = (await renderReport(report, 'json')).toString('utf8')
    const body = format === 'json' ? Buffer.from(json, 'utf8') : await renderReport(report, format)
    const run = saveRun(civic.appState.db, {
      door: 'api',
      format,
      requestedBy: recordedBy(request),
      params: { from: report.period.from, to: report.period.to, kind: report.period.kind, name: report.period.name, neighborhoods: report.method.neighborhoodsAsked, availabilityTargetPct: report.method.availabilityTarget.pct },
      dataVersion: report.dataVersion,
      generatedAt: report.generatedAt,
      open: report.period.open,
      json,
    })
    auditAct(request, 'report.run', `report-run:${run.id}`, `${format} ${report.period.from}..${report.period.to}`)
    reply.type(CONTENT_TYPES[format]).header('cache-control', 'no-store').header('x-civicnet-data-version', report.dataVersion)
    if (format !== 'json') reply.header('content-disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="${fileName(report, format)}"`)
    return reply.send(body as unknown as Report)
  })

  app.get('/runs', {
    config: { roles: REPORTERS },
    schema: {
      tags: ['reports'],
      summary: 'Saved report runs, newest first: who asked through which door, the parameters, the data version',
      querystring: Type.Object(
        {
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'at most this many (default 50)' })),
          beforeId: Type.Optional(Type.Integer({ minimum: 1, description: 'runs older than this id (paging)' })),
        },
        { additionalProperties: false },
      ),
      response: { 200: Type.Object({ runs: Type.Array(SavedRun) }, { additionalProperties: false }), ...errors },
    },
  }, async (request, reply) => {
    reply.header('cache-control', 'no-store')
    return { runs: listRuns(civic.appState.db, { ...(request.query.limit !== undefined ? { limit: request.query.limit } : {}), ...(request.query.beforeId !== undefined ? { beforeId: request.query.beforeId } : {}) }) }
  })

  app.get('/runs/:id', {
    config: { roles: REPORTERS },
    schema: {
      tags: ['reports'],
      summary: "One saved run's report JSON, the exact bytes it answered",
      params: Type.Object({ id: Type.Integer({ minimum: 1, maximum: 2 ** 53 - 1 }) }, { additionalProperties: false }),
      response: { 200: Report, ...errors },
    },
  }, async (request, reply) => {
    const saved = getRun(civic.appState.db, request.params.id)
    if (!saved) throw new CN_ERR_REPORT_RUN_NOT_FOUND(String(request.params.id), 'id')
    reply.type(CONTENT_TYPES.json).header('cache-control', 'no-store').header('x-civicnet-data-version', saved.run.dataVersion)
    return reply.send(Buffer.from(saved.json, 'utf8') as unknown as Report)
  })
}

export default reports
