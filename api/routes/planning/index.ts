/**
 * Planning (planning/): GET /api/planning ranks the neighborhoods (and the tracts within
 * them) by a weighted score of need, coverage gap, use and cost, for planners and analysts
 * (admin implied), as JSON (default), CSV or GeoJSON. The costly part (coverage geometry,
 * the use read from the store) is computed once per inventory, radius, costs, saturation
 * threshold and hour, on a worker thread, and re-ranked for each weights asked.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { Inventory } from '../../../core/inventory.ts'
import { DEFAULT_PLAN_CONFIG, parseRadiusByModel, parseWeights, PlanInputError, rankPlan, type PlanConfig } from '../../../planning/index.ts'
import { renderPlan, type PlanFormat } from '../../../planning/render.ts'
import { citySlug, CONTENT_TYPES } from '../../../reports/render/index.ts'
import { planAssessment } from '../../plan-assessment.ts'
import type { Scope } from '../../auth/tokens.ts'
import { CN_ERR_BAD_REQUEST } from '../../errors.ts'
import { ErrorBody } from '../../schemas.ts'

const ROLES: readonly Scope[] = ['planner', 'analyst']

const planning: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app
  const assessed = (config: PlanConfig, now: number, inv: Inventory) => planAssessment(civic, config, now, inv)

  app.get('', {
    config: { roles: ROLES },
    schema: {
      tags: ['planning'],
      summary: 'Where to expand next: neighborhoods (and their tracts) ranked by a weighted score of need, coverage gap, use and cost, with the reasons in words, APs and fiber needed and a cost estimate',
      security: [{ bearer: [] }],
      querystring: Type.Object({
        weights: Type.Optional(Type.String({ maxLength: 100, description: 'need:0.4,gap:0.3,use:0.1,cost:0.2 (the defaults); normalised to sum 1' })),
        radiusM: Type.Optional(Type.Integer({ minimum: 10, maximum: 2000, description: "an AP's service radius, m (default 100)" })),
        radiusByModel: Type.Optional(Type.String({ maxLength: 500, description: 'per AP model (the inventory\'s model), over radiusM: UAP-AC-M:150,AP-X:80' })),
        apCostUsd: Type.Optional(Type.Integer({ minimum: 0, maximum: 1_000_000, description: 'installed cost of one AP, USD (default 5000)' })),
        fiberCostPerKmUsd: Type.Optional(Type.Integer({ minimum: 0, maximum: 10_000_000, description: 'fiber construction per km, USD (default 76281: $23.25/ft)' })),
        saturationClients: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, description: 'an AP-hour above this many clients is saturated (default 30)' })),
        format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('csv'), Type.Literal('geojson'), Type.Literal('html'), Type.Literal('pdf')])),
      }, { additionalProperties: false }),
      response: { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 500: ErrorBody },
    },
  }, async (request, reply) => {
    const q = request.query
    let weights
    let radiusByModel
    try {
      weights = parseWeights(q.weights)
      radiusByModel = parseRadiusByModel(q.radiusByModel)
    } catch (err) {
      if (err instanceof PlanInputError) throw new CN_ERR_BAD_REQUEST(`${err.field}: ${err.message}`)
      throw err
    }
    const config: PlanConfig = {
      ...DEFAULT_PLAN_CONFIG,
      weights,
      radiusByModel,
      ...(q.radiusM !== undefined ? { radiusM: q.radiusM } : {}),
      ...(q.apCostUsd !== undefined ? { apCostUsd: q.apCostUsd } : {}),
      ...(q.fiberCostPerKmUsd !== undefined ? { fiberCostPerKmUsd: q.fiberCostPerKmUsd } : {}),
      ...(q.saturationClients !== undefined ? { saturationClients: q.saturationClients } : {}),
    }
    const now = civic.clock.now()
    const inv = civic.appState.inventory()
    const plan = rankPlan(await assessed(config, now, inv), weights, now, civic.planning.cityEstimate)
    const format: PlanFormat = q.format ?? 'json'
    reply.header('cache-control', 'no-store')
    if (format === 'json') return reply.type('application/json; charset=utf-8').send(plan as never)
    const type = format === 'geojson' ? 'application/geo+json' : CONTENT_TYPES[format]
    reply.type(type).header('content-disposition', `${format === 'html' ? 'inline' : 'attachment'}; filename="${citySlug(plan.city)}-plan.${format}"`)
    return reply.send((await renderPlan(plan, format, inv)) as never)
  })

  app.get('/coverage', {
    config: { roles: ROLES },
    schema: {
      tags: ['planning'],
      summary: "The map's coverage layer: per neighborhood, the part within an AP's service radius (AP discs clipped to it), GeoJSON",
      security: [{ bearer: [] }],
      querystring: Type.Object({ radiusM: Type.Optional(Type.Integer({ minimum: 10, maximum: 2000, description: "an AP's service radius, m (default 100)" })) }, { additionalProperties: false }),
      response: { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 500: ErrorBody },
    },
  }, async (request, reply) => {
    const config: PlanConfig = { ...DEFAULT_PLAN_CONFIG, ...(request.query.radiusM !== undefined ? { radiusM: request.query.radiusM } : {}) }
    const a = await assessed(config, civic.clock.now(), civic.appState.inventory())
    return reply.type('application/geo+json').header('cache-control', 'no-store').send({
      type: 'FeatureCollection',
      features: a.coverage.map((c) => ({ type: 'Feature', id: c.neighborhood, properties: { neighborhood: c.neighborhood, radiusM: a.config.radiusM }, geometry: c.geometry })),
    } as never)
  })
}

export default planning
