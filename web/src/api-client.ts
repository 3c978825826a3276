/**
 * The page's only way to the server: HTTP to /api. Every answer is normalized here into
 * the shapes of types.ts, tolerating the field spellings the API may use, so the rest of
 * the page never reads a raw answer.
 */
import type { AuditRow, DeviceRow, Role, SessionInfo, SignInStep, UserRow, DeviceStatus, EventRow, IncidentRow, LinkRow, ReportClusterRow, NeighborhoodFeature, NeighborhoodStats, OperationsDoc, PlanDoc, ReportDoc, ReportParams, SeriesData } from './types.ts'

/** An error answer of the API: its HTTP status, the path asked, its CN_ERR_* code ('' when it had none) and message. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly path: string,
    message: string,
    readonly code: string = '',
  ) {
    super(message)
    this.name = 'ApiError'
  }
}

/** The errors that may mean "the person must sign in (again) or change their password first". */
export const SESSION_TROUBLE = new Set(['CN_ERR_SESSION_ENDED', 'CN_ERR_PASSWORD_CHANGE_REQUIRED', 'CN_ERR_UNAUTHENTICATED'])

/**
 * The page's CSRF token: the one of its session cookie, from the newest session answer
 * (a sign-in step or GET /api/session). Sent as X-CSRF-Token on every POST; the cookie
 * itself is HttpOnly and never seen here.
 */
let csrf: string | null = null
export const setCsrfToken = (t: string | null): void => void (csrf = t)
export const currentCsrfToken = (): string | null => csrf

const troubleListeners: ((err: ApiError) => void)[] = []
/** Calls `f` whenever an answer says the session ended, none is known, or a password change is due (session.ts shows the form). */
export function onSessionTrouble(f: (err: ApiError) => void): void {
  troubleListeners.push(f)
}

/**
 * One request to the API with the session cookie (same origin) and, on a POST, the CSRF
 * token; an error answer throws ApiError with the API's code and message.
 */
export async function apiRequest(baseUrl: string, method: 'GET' | 'POST', path: string, o: { body?: unknown; accept?: string; timeoutMs?: number } = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: o.accept ?? 'application/json' }
  if (o.body !== undefined) headers['content-type'] = 'application/json'
  if (method !== 'GET' && csrf) headers['x-csrf-token'] = csrf
  const ctrl = new AbortController()
  const timer = setTimeout(() => ctrl.abort(), o.timeoutMs ?? 15_000)
  try {
    // a GET revalidates every time ('no-cache': an unchanged answer comes back as a 304 on its ETag)
    const res = await fetch(baseUrl + path, {
      method,
      headers,
      credentials: 'same-origin',
      signal: ctrl.signal,
      cache: method === 'GET' ? 'no-cache' : 'no-store',
      ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
    })
    if (!res.ok) {
      let message = `${res.status} ${res.statusText}`
      let code = ''
      try {
        const answer = obj(await res.json())
        if (typeof answer.message === 'string') message = answer.message
        if (typeof answer.code === 'string') code = answer.code
      } catch {
        // a body that is not JSON keeps the status line as the message
      }
      const err = new ApiError(res.status, path, message, code)
      if (SESSION_TROUBLE.has(code)) for (const f of troubleListeners) f(err)
      throw err
    }
    return res
  } finally {
    clearTimeout(timer)
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
  /** aborts a request that takes longer (ms) */
  timeoutMs?: number
}

export function createApiClient(opts: ApiClientOptions) {
  const timeoutMs = opts.timeoutMs ?? 15_000

  /** One request with the session cookie; an error answer throws ApiError with the API's code and message. */
  async function send(method: 'GET' | 'POST', path: string, body?: unknown): Promise<unknown> {
    try {
      const res = await apiRequest(opts.baseUrl, method, path, { body, timeoutMs })
      return method === 'GET' ? await res.json() : obj(await res.json().catch(() => ({})))
    } catch (err) {
      if (err instanceof ApiError && method === 'GET') throw new ApiError(err.status, err.path, `GET ${path} failed: ${err.message}`, err.code)
      throw err
    }
  }
  const get = (path: string) => send('GET', path)
  const post = (path: string, body: unknown) => send('POST', path, body)

  return {
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

/** Reports: the JSON, and the other formats as files (fetched with the session cookie and saved from the page). */
export function createReportClient(opts: ApiClientOptions) {
  const timeoutMs = opts.timeoutMs ?? 120_000
  const fetchOk = (path: string, accept: string): Promise<Response> => apiRequest(opts.baseUrl, 'GET', path, { accept, timeoutMs })
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

/**
 * Signing in (the session routes): each step answers what comes next and sets the HttpOnly
 * session cookie; the CSRF token of each answer is kept for the next POST.
 */
export function createSessionClient(opts: ApiClientOptions) {
  const post = async <T>(path: string, body: unknown = {}): Promise<T> => {
    const answer = (await (await apiRequest(opts.baseUrl, 'POST', path, { body, timeoutMs: opts.timeoutMs })).json()) as T
    const t = obj(answer).csrfToken
    if (typeof t === 'string') setCsrfToken(t)
    return answer
  }
  return {
    async session(): Promise<SessionInfo> {
      const s = (await (await apiRequest(opts.baseUrl, 'GET', '/api/session', { timeoutMs: opts.timeoutMs })).json()) as SessionInfo
      setCsrfToken(s.csrfToken)
      return s
    },
    signIn: (username: string, password: string) => post<SignInStep>('/api/session', { username, password }),
    mfa: (code: string) => post<SignInStep>('/api/session/mfa', { code }),
    beginEnrolment: () => post<{ secret: string; uri: string; qrSvg: string }>('/api/session/mfa/enrolment'),
    confirmEnrolment: (code: string) => post<SignInStep & { recoveryCodes: string[] }>('/api/session/mfa/enrolment/confirm', { code }),
    changePassword: (current: string, next: string) => post<SignInStep>('/api/session/password', { current, next }),
    async signOut(): Promise<void> {
      await apiRequest(opts.baseUrl, 'POST', '/api/session/sign-out', { body: {}, timeoutMs: opts.timeoutMs })
      setCsrfToken(null)
    },
  }
}
export type SessionClient = ReturnType<typeof createSessionClient>

/** The query of GET /api/audit for these filters (and format, for the download link). */
export function auditQuery(f: { action?: string; actor?: string; limit?: number }, format: 'json' | 'csv' | 'jsonl' = 'json'): string {
  const q = new URLSearchParams()
  if (f.action) q.set('action', f.action)
  if (f.actor) q.set('actor', f.actor)
  if (f.limit) q.set('limit', String(f.limit))
  if (format !== 'json') q.set('format', format)
  return q.toString()
}

/** Accounts and the audit log (admins). */
export function createAdminClient(opts: ApiClientOptions) {
  const send = async (method: 'GET' | 'POST', path: string, body?: unknown): Promise<Json> => obj(await (await apiRequest(opts.baseUrl, method, path, { body, timeoutMs: opts.timeoutMs })).json())
  const user = (username: string) => `/api/users/${encodeURIComponent(username)}`
  return {
    async users(): Promise<UserRow[]> {
      return list(await send('GET', '/api/users'), 'users') as unknown as UserRow[]
    },
    async addUser(u: { username: string; displayName: string; email?: string; role: Role }): Promise<{ user: UserRow; oneTimePassword: string }> {
      return (await send('POST', '/api/users', u)) as unknown as { user: UserRow; oneTimePassword: string }
    },
    async act(username: string, act: 'disable' | 'enable' | 'reset-mfa'): Promise<UserRow> {
      return (await send('POST', `${user(username)}/${act}`, {})) as unknown as UserRow
    },
    async setRole(username: string, role: Role): Promise<UserRow> {
      return (await send('POST', `${user(username)}/role`, { role })) as unknown as UserRow
    },
    async resetPassword(username: string): Promise<{ user: UserRow; oneTimePassword: string }> {
      return (await send('POST', `${user(username)}/reset-password`, {})) as unknown as { user: UserRow; oneTimePassword: string }
    },
    async audit(f: { action?: string; actor?: string; limit?: number }): Promise<AuditRow[]> {
      const q = auditQuery(f)
      return list(await send('GET', `/api/audit${q ? `?${q}` : ''}`), 'entries') as unknown as AuditRow[]
    },
  }
}
export type AdminClient = ReturnType<typeof createAdminClient>
