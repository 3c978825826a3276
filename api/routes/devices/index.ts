/**
 * Devices with their health: engineers only, since a device list carries management
 * addresses (in the detail) and the layout of the network.
 */
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox'
import { Type } from '@sinclair/typebox'
import { DeviceKind, Id, type Device } from '../../../core/inventory.ts'
import { METRICS } from '../../../core/metrics.ts'
import { ENGINEER } from '../../auth/guard.ts'
import { CN_ERR_DEVICE_NOT_FOUND, CN_ERR_NEIGHBORHOOD_NOT_FOUND } from '../../errors.ts'
import { statusChanges, statusOf, statusSince, type DeviceState, type InventoryIndex } from '../../live.ts'
import { DeviceDetail, DeviceList, DeviceSummary, ErrorBody, IdParams, Status } from '../../schemas.ts'

const errors = { 400: ErrorBody, 401: ErrorBody, 403: ErrorBody, 404: ErrorBody, 500: ErrorBody }

const DevicesQuery = Type.Object(
  { neighborhood: Type.Optional(Id), kind: Type.Optional(DeviceKind), status: Type.Optional(Status) },
  { additionalProperties: false },
)

export function deviceSummary(idx: InventoryIndex, d: Device, state: DeviceState): DeviceSummary {
  const site = idx.sites.get(d.site)
  const out: DeviceSummary = {
    id: d.id,
    name: d.name,
    kind: d.kind,
    site: d.site,
    neighborhood: idx.deviceNeighborhood.get(d.id) ?? '',
    lon: site ? site.lon : null,
    lat: site ? site.lat : null,
    status: state.status,
    lastPollMs: state.lastPollMs,
    statusSinceMs: state.statusSinceMs,
  }
  if (d.controller !== undefined) out.controller = d.controller
  if (d.uplink !== undefined) out.uplink = { device: d.uplink.device, port: d.uplink.port }
  if (d.model !== undefined) out.model = d.model
  return out
}

const devices: FastifyPluginAsyncTypebox = async (app) => {
  const { civic } = app

  app.get('', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['devices'],
      summary: 'Every device with its status (up | down | unknown), since when it holds, and last poll; filter by neighborhood, kind, status',
      security: [{ bearer: [] }],
      querystring: DevicesQuery,
      response: { 200: DeviceList, ...errors },
    },
  }, async (request) => {
    const q = request.query
    const idx = civic.index()
    if (q.neighborhood !== undefined && !idx.neighborhoods.has(q.neighborhood)) throw new CN_ERR_NEIGHBORHOOD_NOT_FOUND(q.neighborhood, 'neighborhood')
    const nowMs = civic.clock.now()
    const states = await civic.deviceStates(nowMs)
    const list: DeviceSummary[] = []
    for (const d of idx.inventory.devices) {
      const s = deviceSummary(idx, d, states.get(d.id) ?? { status: 'unknown', lastPollMs: null, statusSinceMs: null })
      if (q.neighborhood !== undefined && s.neighborhood !== q.neighborhood) continue
      if (q.kind !== undefined && s.kind !== q.kind) continue
      if (q.status !== undefined && s.status !== q.status) continue
      list.push(s)
    }
    return { nowMs, devices: list }
  })

  app.get('/:id', {
    config: { roles: ENGINEER },
    schema: {
      tags: ['devices'],
      summary: 'One device: inventory record, status computed now (not cached), and the newest sample of each of its metrics',
      security: [{ bearer: [] }],
      params: IdParams,
      response: { 200: DeviceDetail, ...errors },
    },
  }, async (request) => {
    const idx = civic.index()
    const d = idx.devices.get(request.params.id)
    if (!d) throw new CN_ERR_DEVICE_NOT_FOUND(request.params.id, 'id')
    const nowMs = civic.clock.now()
    const [changes, ...per] = await Promise.all([
      statusChanges(civic.store, nowMs, [d.id]),
      ...Object.keys(METRICS).map((metric) => civic.store.latest({ metric, where: { device: [d.id] } })),
    ])
    const values = Object.keys(METRICS).flatMap((metric, i) =>
      per[i]!.map((v) => ({ metric, instance: v.instance, value: v.value, timeMs: v.timeMs })),
    )
    values.sort((x, y) => (x.metric === y.metric ? (x.instance < y.instance ? -1 : x.instance > y.instance ? 1 : 0) : x.metric < y.metric ? -1 : 1))
    const up = values.filter((v) => v.metric === 'device_up' && v.instance === '').sort((x, y) => y.timeMs - x.timeMs)[0]
    const status = statusOf(up, nowMs, civic.config.pollIntervalMs)
    const state: DeviceState = { status, lastPollMs: up ? up.timeMs : null, statusSinceMs: statusSince(status, changes.get(d.id)) }
    const out: DeviceDetail = {
      ...deviceSummary(idx, d, state),
      mgmt: { host: d.mgmt.host, port: d.mgmt.port },
      credential: d.credential,
      nowMs,
      metrics: values,
    }
    if (d.profile !== undefined) out.profile = d.profile
    if (d.controllerApName !== undefined) out.controllerApName = d.controllerApName
    return out
  })
}

export default devices
