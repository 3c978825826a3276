/**
 * The monthly operations report (operations/): GET /api/reports/operations?month=YYYY-MM
 * for engineers and analysts (admin implied), as JSON (default), CSV, HTML or PDF. Computed
 * from the incidents and resident reports in the app state; names devices, so not public.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { openIncidentStore } from '../../../incidents/store.ts'
import { buildOperationsReport, OperationsMonthError } from '../../../operations/index.ts'
import { renderOperations, type OperationsFormat } from '../../../operations/render.ts'
import { citySlug, CONTENT_TYPES } from '../../../reports/render/index.ts'
import { openResidentReportStore } from '../../../residents/store.ts'
import type { Scope } from '../../auth/tokens.ts'
import { CN_ERR_BAD_RANGE } from '../../errors.ts'
import { ErrorBody } from '../../schemas.ts'

const ROLES: readonly Scope[] = ['engineer', 'analyst']

const operations: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const incidents = openIncidentStore(civic.appState.db)
  const reports = openResidentReportStore(civic.appState.db)
  app.get('', {
    config: { roles: ROLES },
    schema: {
      tags: ['reports'],
      summary: 'The monthly operations report: per neighborhood incidents, time to restore (median, p90), SLA compliance, client-hours lost, resident reports; recurring problems',
      security: [{ bearer: [] }],
      querystring: Type.Object({
        month: Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$', maxLength: 7, 'x-message': 'must be YYYY-MM, like 2026-11' }),
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('html'), Type.Literal('pdf')])),
      }, { additionalProperties: false }),
      response: { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 500: ErrorBody },
    },
  }, async (request, reply) => {
    const format: OperationsFormat = request.query.format ?? 'json'
    let report
    try {
      report = buildOperationsReport(request.query.month, { incidents, reports, inventory: civic.appState.inventory(), slaTargets: civic.config.incidentSla, nowMs: civic.clock.now() })
    } catch (err) {
      if (err instanceof OperationsMonthError) throw new CN_ERR_BAD_RANGE(err.message)
      throw err
    }
    const body = await renderOperations(report, format)
    reply.type(CONTENT_TYPES[format]).header('cache-control', 'no-store')
    if (format !== 'json') reply.header('content-disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="${citySlug(report.city)}-operations-${report.month}.${format}"`)
    return reply.send(body as never)
  })
}

export default operations
