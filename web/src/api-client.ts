/**
 * The page's only way to the server: HTTP to /api. Every answer is normalized here into
 * the shapes of types.ts, tolerating the field spellings the API may use, so the rest of
 * the page never reads a raw answer.
 */
import type { DeviceRow, DeviceStatus, EventRow, IncidentRow, LinkRow, ReportClusterRow, NeighborhoodFeature, NeighborhoodStats, OperationsDoc, PlanDoc, ReportDoc, ReportParams, SeriesData } from './types.ts'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

type Json = Record<string, unknown>

function num(o: Json, ...keys: string[]): number | null {
  for (const k of keys) {
    const v = o[k]
    if (typeof v === 'number' && Number.isFinite(v)) return v
  }
  return null
}
function str(o: Json, ...keys: string[]): string {
  for (const k of keys) {
    const v = o[k]
    if (typeof v === 'string') return v
  }
  return ''
}
function obj(v: unknown): Json {
  return v && typeof v === 'object' ? (v as Json) : {}
}
/** A list may come bare or wrapped ({ items: [...] }, { devices: [...] } ...). */
function list(v: unknown, ...keys: string[]): Json[] {
  if (Array.isArray(v)) return v as Json[]
  const o = obj(v)
  for (const k of [...keys, 'items', 'data', 'results']) if (Array.isArray(o[k])) return o[k] as Json[]
  return []
}
function status(v: unknown): DeviceStatus {
  return v === 'up' || v === 'down' ? v : 'unknown'
}

export function normalizeNeighborhood(f: Json): NeighborhoodFeature {
  const p = obj(f.properties)
  // Stats may sit flat on the properties or grouped under live/period/census objects.
  const live = obj(p.live)
  const period = obj(p.period)
  const census = obj(p.census)
  const all: Json = { ...census, ...period, ...live, ...p }
  const stats: NeighborhoodStats = {
    id: str(p, 'id'),
    name: str(p, 'name') || str(p, 'id'),
    served: p.served === true,
    clientsNow: num(all, 'clientsNow', 'clients'),
    peakClients: num(all, 'peakClients', 'clientsPeak', 'peakConcurrentClients'),
    bytes: num(all, 'bytes', 'usageBytes', 'bytesPeriod', 'periodBytes'),
    availabilityPct: num(all, 'availabilityPct', 'availability', 'uptimePct'),
    apsUp: num(all, 'apsUp', 'upAps'),
    apsDown: num(all, 'apsDown', 'downAps'),
    population: num(all, 'population'),
    households: num(all, 'households'),
    householdsWithoutBroadband: num(all, 'householdsWithoutBroadband'),
    pctWithoutBroadband: num(all, 'pctWithoutBroadband'),
    povertyRatePct: num(all, 'povertyRatePct'),
  }
  return { type: 'Feature', geometry: f.geometry as NeighborhoodFeature['geometry'], properties: stats }
}

export function normalizeDevice(d: Json): DeviceRow {
  const loc = obj(d.location)
  return {
    id: str(d, 'id'),
    name: str(d, 'name') || str(d, 'id'),
    kind: str(d, 'kind'),
    neighborhood: str(d, 'neighborhood'),
    status: status(d.status),
    lon: num(d, 'lon') ?? num(loc, 'lon') ?? NaN,
    lat: num(d, 'lat') ?? num(loc, 'lat') ?? NaN,
    lastPollMs: num(d, 'lastPollMs'),
    statusSinceMs: num(d, 'statusSinceMs'),
    clients: num(d, 'clients', 'clientsNow'),
  }
}

export function normalizeLink(l: Json): LinkRow {
  const route = obj(l.route)
  const geometry = obj(l.geometry)
  const coords = (Array.isArray(route.coordinates) ? route.coordinates : Array.isArray(geometry.coordinates) ? geometry.coordinates : []) as [number, number][]
  const a = obj(l.a)
  const b = obj(l.b)
  const s = l.status
  return {
    id: str(l, 'id'),
    status: s === 'degraded' ? 'degraded' : status(s),
    coordinates: coords,
    rxDbmA: num(a, 'rxDbm', 'rx_dbm') ?? num(obj(a.optics), 'rxDbm'),
    rxDbmB: num(b, 'rxDbm', 'rx_dbm') ?? num(obj(b.optics), 'rxDbm'),
    aDevice: str(a, 'device'),
    bDevice: str(b, 'device'),
    lengthM: num(l, 'lengthM'),
  }
}

export function normalizeEvent(e: Json): EventRow {
  const sev = e.severity
  return {
    timeMs: num(e, 'timeMs', 'time') ?? 0,
    device: str(e, 'device'),
    neighborhood: str(e, 'neighborhood'),
    type: str(e, 'type'),
    severity: sev === 'critical' || sev === 'warning' ? sev : 'info',
    detail: str(e, 'detail'),
  }
}

export function normalizeIncident(i: Json): IncidentRow {
  const rc = obj(i.rootCause)
  const aff = obj(i.affected)
  const sla = obj(i.sla)
  const strs = (v: unknown) => (Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [])
  return {
    id: num(i, 'id') ?? 0,
    openedMs: num(i, 'openedMs') ?? 0,
    rootCause: { kind: rc.kind === 'link' || rc.kind === 'reported' ? rc.kind : 'device', id: str(rc, 'id'), probable: rc.probable === true, why: str(rc, 'why') },
    place: i.place && typeof i.place === 'object' && num(obj(i.place), 'lon') !== null && num(obj(i.place), 'lat') !== null ? { lon: num(obj(i.place), 'lon')!, lat: num(obj(i.place), 'lat')! } : null,
    down: strs(i.down),
    aps: strs(aff.aps),
    neighborhoods: strs(aff.neighborhoods),
    acknowledged: i.acknowledged !== null && i.acknowledged !== undefined,
    sla: { severity: str(sla, 'severity'), dueMs: num(sla, 'dueMs') ?? 0, remainingMs: num(sla, 'remainingMs'), breached: sla.breached === true },
    clientHoursLost: num(obj(i.clientHoursLost), 'value'),
  }
}

export interface ApiClientOptions {
  /** origin + path prefix of the API, '' for the page's own origin */
  baseUrl: string
  token: () => string | null
  /** aborts a request that takes longer (ms) */
  timeoutMs?: number
}

export function createApiClient(opts: ApiClientOptions) {
  const timeoutMs = opts.timeoutMs ?? 15_000

  /** One request with the token; an error answer throws ApiError with the API's message. */
  async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    const headers: Record<string, string> = { accept: 'application/json' }
    if (body !== undefined) headers['content-type'] = 'application/json'
    const token = opts.token()
    if (token) headers.authorization = `Bearer ${token}`
    const ctrl = new AbortController()
    const timer = setTimeout(() => ctrl.abort(), timeoutMs)
    try {
      // a GET revalidates every time ('no-cache': an unchanged answer comes back as a 304 on its ETag)
      const res = await fetch(opts.baseUrl + path, { method, headers, signal: ctrl.signal, cache: method === 'GET' ? 'no-cache' : 'no-store', ...(body !== undefined ? { body: JSON.stringify(body) } : {}) })
      if (!res.ok) {
        let message = `${res.status} ${res.statusText}`
        try {
          const answer = obj(await res.json())
          if (typeof answer.message === 'string') message = answer.message
        } catch {
          // a body that is not JSON keeps the status line as the message
        }
        throw new ApiError(res.status, path, method === 'GET' ? `GET ${path} failed: ${message}` : message)
      }
      return method === 'GET' ? await res.json() : obj(await res.json().catch(() => ({})))
    } finally {
      clearTimeout(timer)
    }
  }
  const get = (path: string) => send('GET', path)
  const post = (path: string, body: unknown) => send('POST', path, body)

  return {
    /** Trades a one-time sign-in code for an API token (the code is used up). */
    async signin(code: string): Promise<{ token: string; role: string }> {
      const res = await fetch(opts.baseUrl + '/api/signin', {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json' },
        body: JSON.stringify({ code }),
        cache: 'no-store',
      })
      const body = obj(await res.json().catch(() => ({})))
      if (!res.ok) throw new ApiError(res.status, '/api/signin', typeof body.message === 'string' ? body.message : `${res.status} ${res.statusText}`)
      return { token: str(body, 'token'), role: str(body, 'role') }
    },
    /**
     * Neighborhoods with live and period figures. geometry=false leaves the polygons out
     * (a few KB instead of ~150 KB): enough for a refresh once the map has them.
     */
    async neighborhoods(opts: { geometry?: boolean } = {}): Promise<{ features: NeighborhoodFeature[]; nowMs: number | null }> {
      const body = obj(await get(opts.geometry === false ? '/api/neighborhoods?geometry=false' : '/api/neighborhoods'))
      const features = list(body, 'features').map(normalizeNeighborhood)
      return { features, nowMs: num(body, 'nowMs', 'timeMs', 'generatedMs', 'asOfMs') }
    },
    async devices(): Promise<{ devices: DeviceRow[]; nowMs: number | null }> {
      const body = await get('/api/devices')
      return { devices: list(body, 'devices').map(normalizeDevice), nowMs: num(obj(body), 'nowMs') }
    },
    /** Server facts the page can use (poll interval); null when the API has no /api/meta. */
    async meta(): Promise<{ pollIntervalMs: number | null; history: { fromMs: number; stepMs: number; liveSinceMs: number } | null } | null> {
      try {
        const body = obj(await get('/api/meta'))
        const h = body.history === null || body.history === undefined ? null : obj(body.history)
        const fromMs = h ? num(h, 'fromMs') : null
        const stepMs = h ? num(h, 'stepMs') : null
        const liveSinceMs = h ? num(h, 'liveSinceMs') : null
        return {
          pollIntervalMs: num(body, 'pollIntervalMs') ?? num(obj(body.collector), 'pollIntervalMs') ?? num(obj(body.demo), 'pollIntervalMs'),
          history: fromMs !== null && stepMs !== null && liveSinceMs !== null ? { fromMs, stepMs, liveSinceMs } : null,
        }
      } catch {
        return null
      }
    },
    /** The caller's scope ('public' without a token) and the token's label. */
    async whoami(): Promise<{ scope: string; label: string | null }> {
      const body = obj(await get('/api/whoami'))
      return { scope: str(body, 'scope') || 'public', label: typeof body.label === 'string' ? body.label : null }
    },
    /** The device's newest value of each metric (instance '' = device total). */
    async deviceMetrics(id: string): Promise<Map<string, number>> {
      const body = obj(await get(`/api/devices/${encodeURIComponent(id)}`))
      const out = new Map<string, number>()
      for (const m of list(body, 'metrics')) {
        const v = num(m, 'value')
        if (v !== null && str(m, 'instance') === '') out.set(str(m, 'metric'), v)
      }
      return out
    },
    async links(): Promise<LinkRow[]> {
      return list(await get('/api/links'), 'links').map(normalizeLink)
    },
    async events(fromMs: number, toMs: number): Promise<EventRow[]> {
      return list(await get(`/api/events?fromMs=${Math.floor(fromMs)}&toMs=${Math.ceil(toMs)}`), 'events').map(normalizeEvent)
    },
    /** Open incidents (engineers), newest first. */
    async openIncidents(): Promise<IncidentRow[]> {
      return list(await get('/api/incidents?state=open'), 'incidents').map(normalizeIncident)
    },
    /** Opens an incident by hand from residents' reports (engineers); answers its id. */
    async openIncident(body: { summary: string; reports: string[] }): Promise<number> {
      return num(obj(await post('/api/incidents', body)), 'id') ?? 0
    },
    /** Closes an incident opened by hand, with what was done (engineers). */
    async closeIncident(id: number, text: string): Promise<void> {
      await post(`/api/incidents/${id}/close`, { text })
    },
    /** Residents' report clusters (engineers) of the last 24 hours, newest first. */
    async residentReportClusters(fromMs: number, toMs: number): Promise<ReportClusterRow[]> {
      const body = obj(await get(`/api/resident-reports?fromMs=${Math.floor(fromMs)}&toMs=${Math.ceil(toMs)}`))
      return (Array.isArray(body.clusters) ? body.clusters : []).map((c: unknown) => {
        const x = obj(c)
        const kinds = obj(x.kinds)
        return {
          lon: num(x, 'lon'),
          lat: num(x, 'lat'),
          neighborhood: str(x, 'neighborhood'),
          hourMs: num(x, 'hourMs') ?? 0,
          reports: num(x, 'reports') ?? 0,
          kinds: Object.fromEntries(Object.entries(kinds).filter(([, v]) => typeof v === 'number')) as Record<string, number>,
          incidents: Array.isArray(x.incidents) ? x.incidents.filter((v): v is number => typeof v === 'number') : [],
          unmatched: num(x, 'unmatched') ?? 0,
          unmatchedTracking: Array.isArray(x.unmatchedTracking) ? x.unmatchedTracking.filter((v): v is string => typeof v === 'string') : [],
        }
      })
    },
    /** One series: metric over time for one neighborhood or device. */
    async series(q: { metric: string; groupBy: 'neighborhood' | 'device'; id: string; fromMs: number; toMs: number; stepMs: number; fn?: string }): Promise<SeriesData> {
      const params = new URLSearchParams({
        metric: q.metric,
        [q.groupBy]: q.id,
        fromMs: String(Math.floor(q.fromMs)),
        toMs: String(Math.ceil(q.toMs)),
        stepMs: String(q.stepMs),
      })
      if (q.fn) params.set('fn', q.fn)
      const points = list(await get(`/api/series?${params}`), 'points', 'series')
      const times: number[] = []
      const values: (number | null)[] = []
      for (const p of points) {
        const t = num(p, 'timeMs', 'time', 't')
        if (t === null) continue
        times.push(t / 1000)
        values.push(num(p, 'value', 'v'))
      }
      return { times, values }
    },
  }
}

export type ApiClient = ReturnType<typeof createApiClient>

/** The query string of GET /api/reports for these parameters and format. */
export function reportQuery(p: ReportParams, format: 'json' | 'csv' | 'html' | 'pdf' = 'json'): string {
  const q = new URLSearchParams()
  if (p.quarter) q.set('quarter', p.quarter)
  else if (p.year) q.set('year', p.year)
  else {
    if (p.from) q.set('from', p.from)
    if (p.to) q.set('to', p.to)
  }
  q.set('neighborhoods', p.neighborhoods === 'all' ? 'all' : p.neighborhoods.join(','))
  if (format !== 'json') q.set('format', format)
  return q.toString()
}

/** Reports: the JSON, and the other formats as files (the token goes in a header, so a plain link cannot carry it). */
export function createReportClient(opts: ApiClientOptions) {
  const timeoutMs = opts.timeoutMs ?? 120_000
  async function fetchOk(path: string, accept: string): Promise<Response> {
    const headers: Record<string, string> = { accept }
    const token = opts.token()
    if (token) headers.authorization = `Bearer ${token}`
    const ctrl = new AbortController()
    const timer = setTimeout(() => ctrl.abort(), timeoutMs)
    try {
      const res = await fetch(opts.baseUrl + path, { headers, signal: ctrl.signal, cache: 'no-store' })
      if (!res.ok) {
        let message = `${res.status} ${res.statusText}`
        try {
          const body = obj(await res.json())
          if (typeof body.message === 'string') message = body.message
        } catch {
          // not JSON: keep the status line
        }
        throw new ApiError(res.status, path, message)
      }
      return res
    } finally {
      clearTimeout(timer)
    }
  }
  /** A file the API makes, with the name its content-disposition gives (else `fallback`). */
  async function download(path: string, fallback: string): Promise<{ blob: Blob; fileName: string }> {
    const res = await fetchOk(path, '*/*')
    const name = /filename="([^"]+)"/.exec(res.headers.get('content-disposition') ?? '')?.[1] ?? fallback
    return { blob: await res.blob(), fileName: name }
  }
  return {
    async report(p: ReportParams): Promise<ReportDoc> {
      return (await (await fetchOk(`/api/reports?${reportQuery(p)}`, 'application/json')).json()) as ReportDoc
    },
    /** The planning ranking (planners, analysts) for a query like 'weights=need:0.4,...'. */
    async plan(query: string): Promise<PlanDoc> {
      return (await (await fetchOk(`/api/planning?${query}`, 'application/json')).json()) as PlanDoc
    },
    planFile: (query: string, format: 'csv' | 'geojson' | 'pdf') => download(`/api/planning?${query}${query ? '&' : ''}format=${format}`, `plan.${format}`),
    /** The coverage layer: per neighborhood, the part within an AP's radius (GeoJSON). */
    async planCoverage(radiusM: number): Promise<GeoJSON.FeatureCollection> {
      return (await (await fetchOk(`/api/planning/coverage?radiusM=${radiusM}`, 'application/geo+json')).json()) as GeoJSON.FeatureCollection
    },
    /** The census tracts with their coverage and need (public open data, GeoJSON). */
    async tractsGeoJson(): Promise<GeoJSON.FeatureCollection> {
      return (await (await fetchOk('/api/exports/tracts?format=geojson', 'application/geo+json')).json()) as GeoJSON.FeatureCollection
    },
    /** The neighborhoods' polygons (public). */
    async neighborhoodShapes(): Promise<{ id: string; name: string; served: boolean; geometry: GeoJSON.Geometry }[]> {
      const body = obj(await (await fetchOk('/api/neighborhoods', 'application/json')).json())
      return list(body, 'features').map((f) => {
        const p = obj(f.properties)
        return { id: str(p, 'id'), name: str(p, 'name') || str(p, 'id'), served: p.served === true, geometry: f.geometry as GeoJSON.Geometry }
      })
    },
    /** The monthly operations report (engineers, analysts), month YYYY-MM. */
    async operations(month: string): Promise<OperationsDoc> {
      return (await (await fetchOk(`/api/reports/operations?month=${encodeURIComponent(month)}`, 'application/json')).json()) as OperationsDoc
    },
    operationsFile: (month: string, format: 'json' | 'csv' | 'html' | 'pdf') => download(`/api/reports/operations?month=${encodeURIComponent(month)}&format=${format}`, `operations-${month}.${format}`),
    file: (p: ReportParams, format: 'json' | 'csv' | 'html' | 'pdf') => download(`/api/reports?${reportQuery(p, format)}`, `report.${format}`),
    async neighborhoods(): Promise<{ id: string; name: string; served: boolean }[]> {
      const body = obj(await (await fetchOk('/api/neighborhoods?geometry=false', 'application/json')).json())
      return list(body, 'features').map((f) => {
        const p = obj(f.properties)
        return { id: str(p, 'id'), name: str(p, 'name') || str(p, 'id'), served: p.served === true }
      })
    },
  }
}
