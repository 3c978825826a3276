/**
 * A stand-in API for the page's development tests and the page benchmark: answers in the
 * shapes of api/schemas.ts, built from a real inventory (the seeded Hartford one), plus
 * optional synthetic APs for scale. Browser tests that sign numbers run against the real
 * API instead (test/web/map.test.ts); this serves what has no real peer at that scale.
 */
import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Device, Inventory } from '../../core/inventory.ts'
import { bbox, neighborhoodAt, unionBBox } from '../../core/geo.ts'
import { hartfordInventory, mulberry32 } from '../../provisioning/city/hartford.ts'
import type { ApiHandler } from './web-server.ts'

type Status = 'up' | 'down' | 'unknown'

export interface FixtureOptions {
  /** default: hartfordInventory() */
  inventory?: Inventory
  /** total APs wanted: synthetic APs are added across the city until there are this many */
  aps?: number
  seed?: number
  /** what engineers send, as a bearer token or as the session cookie's value; requests without it see neighborhoods only */
  token: string
  /** the fixture clock's "now" (default: a fixed instant) */
  nowMs?: number
}

export interface FixtureApi {
  handler: ApiHandler
  apIds: string[]
  status: Map<string, Status>
  setStatus(id: string, s: Status): void
  /** requests answered, by path */
  hits: Map<string, number>
}

export function createFixtureApi(opts: FixtureOptions): FixtureApi {
  const inv = opts.inventory ?? hartfordInventory()
  const rng = mulberry32(opts.seed ?? 7)
  const nowMs = opts.nowMs ?? Date.UTC(2026, 10, 24, 15, 0, 0)
  const sites = new Map(inv.sites.map((s) => [s.id, s]))
  const devices: { d: Pick<Device, 'id' | 'name' | 'kind' | 'site'>; lon: number; lat: number; nb: string }[] = inv.devices.map((d) => {
    const s = sites.get(d.site)
    return { d, lon: s?.lon ?? NaN, lat: s?.lat ?? NaN, nb: s?.neighborhood ?? '' }
  })
  let apCount = devices.filter((x) => x.d.kind === 'ap').length
  if (opts.aps && opts.aps > apCount) {
    const box = unionBBox(inv.neighborhoods.map((n) => bbox(n.geometry)))
    for (let i = 0; apCount < opts.aps; i++) {
      const lon = box[0] + rng() * (box[2] - box[0])
      const lat = box[1] + rng() * (box[3] - box[1])
      const nb = neighborhoodAt([lon, lat], inv.neighborhoods)
      if (!nb) continue
      const id = `syn-ap-${i}`
      devices.push({ d: { id, name: `SYN-AP-${i}`, kind: 'ap', site: `syn-${i}` }, lon, lat, nb })
      apCount++
    }
  }
  const status = new Map<string, Status>()
  const clients = new Map<string, number>()
  for (const x of devices) {
    // Only APs fail in the fixture, so the fiber stays up and the outage list stays short.
    const r = x.d.kind === 'ap' ? rng() : 1
    status.set(x.d.id, r < 0.03 ? 'down' : r < 0.05 ? 'unknown' : 'up')
    if (x.d.kind === 'ap') clients.set(x.d.id, Math.floor(rng() * 30))
  }
  const apIds = devices.filter((x) => x.d.kind === 'ap').map((x) => x.d.id)
  const hits = new Map<string, number>()

  function neighborhoods() {
    const per = new Map<string, { up: number; down: number; unknown: number; clients: number }>()
    for (const x of devices) {
      if (x.d.kind !== 'ap') continue
      const p = per.get(x.nb) ?? { up: 0, down: 0, unknown: 0, clients: 0 }
      const s = status.get(x.d.id)!
      p[s]++
      if (s === 'up') p.clients += clients.get(x.d.id) ?? 0
      per.set(x.nb, p)
    }
    return {
      type: 'FeatureCollection',
      nowMs,
      fromMs: nowMs - 86_400_000,
      toMs: nowMs,
      features: inv.neighborhoods.map((n) => {
        const p = per.get(n.id) ?? { up: 0, down: 0, unknown: 0, clients: 0 }
        const total = p.up + p.down + p.unknown
        const served = n.served || total > 0
        return {
          type: 'Feature',
          id: n.id,
          geometry: n.geometry,
          properties: {
            id: n.id,
            name: n.name,
            served: n.served,
            census: n.census,
            clientsNow: p.clients,
            peakClients: served ? Math.round(p.clients * 1.6) : null,
            bytes: served ? p.clients * 1.7e8 : null,
            availabilityPct: served && total ? Math.round((10000 * (p.up + p.unknown * 0.5)) / total) / 100 : null,
            apsTotal: total,
            apsUp: p.up,
            apsDown: p.down,
            apsUnknown: p.unknown,
          },
        }
      }),
    }
  }

  function json(res: ServerResponse, code: number, body: unknown) {
    res.writeHead(code, { 'content-type': 'application/json; charset=utf-8', 'cache-control': 'no-store' })
    res.end(JSON.stringify(body))
  }
  const authed = (req: IncomingMessage) =>
    req.headers.authorization === `Bearer ${opts.token}` || (req.headers.cookie ?? '').split(/;\s*/).includes(`civicnet_session=${opts.token}`)
  const denied = (res: ServerResponse) =>
    json(res, 401, { statusCode: 401, code: 'CN_ERR_UNAUTHENTICATED', error: 'Unauthorized', message: 'signing in (or a bearer token) is required' })
  /** GET /api/session as the API answers it: an engineer signed in, or the public pages */
  const session = (req: IncomingMessage) => {
    const on = authed(req)
    const pages = [{ id: 'map', path: '/', title: 'Map' }, { id: 'status', path: '/status', title: 'Status' }, ...(on ? [{ id: 'operations', path: '/operations', title: 'Operations' }] : [])]
    return {
      signedIn: on, via: on ? 'session' : null,
      user: on ? { username: 'fixture', displayName: 'Fixture engineer', role: 'engineer', mfaEnrolled: true, mustChangePassword: false } : null,
      tokenLabel: null, scope: on ? 'engineer' : 'public', csrfToken: on ? 'x'.repeat(43) : null,
      idleExpiresMs: null, absoluteExpiresMs: null, sessionEnded: null, pages, oidc: null,
    }
  }

  const handler: ApiHandler = (req, res, url) => {
    hits.set(url.pathname, (hits.get(url.pathname) ?? 0) + 1)
    const p = url.pathname
    if (p === '/api/neighborhoods') return json(res, 200, neighborhoods())
    if (p === '/api/session') return json(res, 200, session(req))
    if (!authed(req)) return denied(res)
    if (p === '/api/devices') {
      return json(res, 200, {
        nowMs,
        devices: devices.map((x) => ({
          id: x.d.id,
          name: x.d.name,
          kind: x.d.kind,
          site: x.d.site,
          neighborhood: x.nb,
          lon: Number.isFinite(x.lon) ? x.lon : null,
          lat: Number.isFinite(x.lat) ? x.lat : null,
          status: status.get(x.d.id),
          lastPollMs: status.get(x.d.id) === 'up' ? nowMs - 5000 : nowMs - 600_000,
        })),
      })
    }
    const m = /^\/api\/devices\/([^/]+)$/.exec(p)
    if (m) {
      const id = decodeURIComponent(m[1]!)
      return json(res, 200, { id, nowMs, metrics: [{ metric: 'wifi_clients', instance: '', value: clients.get(id) ?? 0, timeMs: nowMs - 5000 }] })
    }
    if (p === '/api/links') {
      return json(res, 200, {
        nowMs,
        links: inv.links.map((l) => ({
          id: l.id,
          status: status.get(l.a.device) === 'down' || status.get(l.b.device) === 'down' ? 'down' : 'up',
          lengthM: l.lengthM,
          route: l.route,
          a: { device: l.a.device, port: l.a.port, deviceStatus: status.get(l.a.device) ?? 'unknown', operStatus: 1, rxDbm: -7.5, txDbm: -2.1, opticsTimeMs: nowMs },
          b: { device: l.b.device, port: l.b.port, deviceStatus: status.get(l.b.device) ?? 'unknown', operStatus: 1, rxDbm: -8.1, txDbm: -2.3, opticsTimeMs: nowMs },
        })),
      })
    }
    if (p === '/api/events') {
      const events = [...status].filter(([, s]) => s === 'down').slice(0, 20).map(([id], i) => ({
        timeMs: nowMs - (i + 1) * 97_000,
        device: id,
        neighborhood: devices.find((x) => x.d.id === id)?.nb ?? '',
        type: 'deviceDown',
        severity: 'critical',
        detail: 'no answer to 3 polls',
      }))
      return json(res, 200, { fromMs: nowMs - 86_400_000, toMs: nowMs, events })
    }
    if (p === '/api/series') {
      const fromMs = Number(url.searchParams.get('fromMs'))
      const toMs = Number(url.searchParams.get('toMs'))
      const stepMs = Number(url.searchParams.get('stepMs'))
      const metric = url.searchParams.get('metric') ?? ''
      const points = []
      for (let t = fromMs; t < toMs; t += stepMs) {
        const hour = new Date(t).getUTCHours()
        const diurnal = 0.5 + 0.5 * Math.sin(((hour - 9) / 24) * 2 * Math.PI)
        const v = metric === 'wifi_bytes' ? diurnal * 4e8 : Math.round(diurnal * 40)
        points.push({ timeMs: t, value: v })
      }
      return json(res, 200, { metric, unit: '', kind: 'gauge', fn: 'mean', target: { type: 'neighborhood', id: '' }, instance: null, fromMs, toMs, stepMs, points })
    }
    return json(res, 404, { statusCode: 404, code: 'CN_ERR_NOT_FOUND', error: 'Not Found', message: `no route ${p}` })
  }

  return { handler, apIds, status, setStatus: (id, s) => status.set(id, s), hits }
}
