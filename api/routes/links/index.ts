/**
 * Fiber links: status from both ends' devices and ports, optics at each end. Engineers
 * and planners (who plan expansion along the existing fiber).
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import type { FiberLink } from '../../../core/inventory.ts'
import type { ApiContext } from '../../context.ts'
import { CN_ERR_LINK_NOT_FOUND } from '../../errors.ts'
import { linkStates } from '../../live.ts'
import { ErrorBody, IdParams, Link, LinkList, Status } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody }
const ROLES = ['engineer', 'planner'] as const

async function describe(civic: ApiContext, links: readonly FiberLink[], nowMs: number): Promise<Link[]> {
  const states = await civic.deviceStates(nowMs)
  const ls = await linkStates(civic.store, states, nowMs, civic.config.pollIntervalMs, links)
  return links.map((l) => {
    const s = ls.get(l.id)!
    return { id: l.id, status: s.status, lengthM: l.lengthM, route: l.route, a: s.a, b: s.b }
  })
}

const links: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app

  app.get('', {
    config: { roles: ROLES },
    schema: {
      tags: ['links'],
      summary: 'Every fiber link with its status and the optics (rx/tx dBm) at both ends',
      security: [{ bearer: [] }],
      querystring: Type.Object({ status: Type.Optional(Status) }, { additionalProperties: false }),
      response: { 200: LinkList, ...errors },
    },
  }, async (request) => {
    const nowMs = civic.clock.now()
    const all = await describe(civic, civic.index().inventory.links, nowMs)
    const status = request.query.status
    return { nowMs, links: status === undefined ? all : all.filter((l) => l.status === status) }
  })

  app.get('/:id', {
    config: { roles: ROLES },
    schema: {
      tags: ['links'],
      summary: 'One fiber link with its status and optics',
      security: [{ bearer: [] }],
      params: IdParams,
      response: { 200: Link, ...errors },
    },
  }, async (request) => {
    const link = civic.index().links.get(request.params.id)
    if (!link) throw new CN_ERR_LINK_NOT_FOUND(request.params.id, 'id')
    const [out] = await describe(civic, [link], civic.clock.now())
    return out!
  })
}

export default links
