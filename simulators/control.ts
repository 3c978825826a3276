/**
 * A small control API for a running simulated city: HTTP + JSON on loopback.
 *   GET    /agents                         where each agent listens
 *   GET    /clock                          simulated now and speed
 *   GET    /faults                         every fault, past and present
 *   POST   /faults  {type, target|device|link, delayMs?, mode?, dbPerHour?, end?, startMs?, durationMs?, params?}
 *   DELETE /faults/:id                     ends the fault now
 *   GET    /truth/clients?target=ID&at=ISO|ms
 *   GET    /truth/unique?neighborhood=ID|all&from=..&to=..   (or target=AP id: one AP's)
 *   GET    /truth/bytes?target=ID&from=..&to=..
 *   GET    /truth/outages
 *
 * Bounds (the truth is computed minute by minute in this process, so one unbounded request
 * would stop the agents, the collector and the map that share it; see CONTROL_LIMITS):
 * - at, from, to: epoch ms (digits only, at most 15) or an ISO time (2026-11-20, or a date
 *   and time with Z or ±hh:mm); within [city origin - 1 day, simulated now + 1 day].
 * - from..to: from <= to, at most 25 h apart, so a whole city-local day (23, 24 or 25 h)
 *   fits in one request. The Hartford city computes a local day's unique clients once in
 *   ~0.6 s (model.dayVisits, then cached: each later count over that day takes ms), 25 h
 *   of bytes in ~1 s the first time (hourly checkpoints), then under 1 ms, or ~0.5 s before
 *   the origin; 31 days in one request would compute 31 days of visits (~20 s, estimated).
 * - POST /faults: only the fields above (params: delayMs, mode, dbPerHour, end); type at
 *   most 32 characters, target/device/link at most 128; delayMs an integer in [0, 60000];
 *   durationMs an integer in [0, 7 days]; dbPerHour in [0.1, 1000]; startMs an integer in
 *   the time window above; mode 'wrong-type'|'garbage'; end 'a'|'b'|'both'; at most 200
 *   faults in the book (409 past that); body at most 64 KiB.
 * Cross-site rules (a web page an engineer visits must not inject faults or read truth):
 * - it listens on loopback only (127.x.x.x, ::1 or localhost; anything else is refused);
 * - Host must be 127.0.0.1:PORT, localhost:PORT, [::1]:PORT (or the bound host with PORT),
 *   else 403 CN_ERR_SIM_HOST (DNS rebinding);
 * - an Origin header, when present, must be http:// + one of those, else 403 CN_ERR_SIM_ORIGIN;
 * - POST and DELETE with Sec-Fetch-Site cross-site or same-site: 403 CN_ERR_SIM_CROSS_SITE;
 * - POST needs content-type: application/json, else 415 CN_ERR_SIM_CONTENT_TYPE.
 * Errors are {code, message}: 400 (CN_ERR_SIM_PARAM for query parameters, CN_ERR_SIM_BODY
 * or the fault book's CN_ERR_FAULT_* for POST bodies), 403, 404, 409 (CN_ERR_SIM_LIMIT),
 * 413, 415.
 */
import http from 'node:http'
import net from 'node:net'
import type { SimulatedCity } from './city.ts'
import { FaultError, type FaultInput } from './faults.ts'

const HOUR_MS = 3_600_000
const DAY_MS = 24 * HOUR_MS

/** the bounds of what the control API accepts; the doc comment above says why */
export const CONTROL_LIMITS = {
  /** longest from..to of /truth/unique and /truth/bytes: a whole local day, 25 h on the day DST ends */
  maxRangeMs: 25 * HOUR_MS,
  /** times may lie this far before the city's origin and after its simulated now */
  timeSlackMs: DAY_MS,
  /** /truth/outages walks every fault boundary: ~50 ms with 200 faults on Hartford, ~270 ms with 500 */
  maxFaults: 200,
  /** slow: real ms an agent answers late */
  maxDelayMs: 60_000,
  /**
   * durationMs, and dbPerHour's time to loss of light (~19 dB of margin / rate): fault ends
   * become clock timers, and a timer over 2^31 - 1 real ms fires after 1 ms in Node, which
   * would re-arm itself forever; 7 days and 190 h stay under that at speed 1
   */
  maxDurationMs: 7 * DAY_MS,
  minDbPerHour: 0.1,
  maxDbPerHour: 1000,
  maxTypeLength: 32,
  maxIdLength: 128,
} as const

export interface ControlServer {
  url: string
  close(): Promise<void>
}

class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message)
  }
}

const paramError = (message: string) => new HttpError(400, 'CN_ERR_SIM_PARAM', message)
const bodyError = (message: string) => new HttpError(400, 'CN_ERR_SIM_BODY', message)
/** a value a client sent, quoted in a message: never more than 60 characters of it */
const shown = (v: string) => (v.length > 60 ? `${v.slice(0, 60)}...` : v)
const iso = (ms: number) => new Date(ms).toISOString()

const EPOCH_MS = /^\d{1,15}$/
const ISO_TIME = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,3}))?)?(Z|([+-])(\d{2}):(\d{2})))?$/

/** epoch ms of an ISO date (UTC) or date-time with an offset; null when it is not one, or not a real date */
function parseIso(v: string): number | null {
  const m = ISO_TIME.exec(v)
  if (!m) return null
  const [y, mo, d, h = 0, mi = 0, s = 0] = [m[1], m[2], m[3], m[4], m[5], m[6]].map((x) => (x === undefined ? undefined : Number(x))) as number[]
  const ms = m[7] === undefined ? 0 : Number(m[7].padEnd(3, '0'))
  const t = Date.UTC(y!, mo! - 1, d!, h, mi, s, ms)
  const back = new Date(t)
  // Date.UTC rolls 2026-02-31 over to March: refuse what does not come back as written
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo! - 1 || back.getUTCDate() !== d || back.getUTCHours() !== h || back.getUTCMinutes() !== mi || back.getUTCSeconds() !== s) return null
  if (m[8] === undefined || m[8] === 'Z') return t
  const oh = Number(m[10])
  const om = Number(m[11])
  if (oh > 23 || om > 59) return null
  return t - (m[9] === '-' ? -1 : 1) * (oh * 60 + om) * 60_000
}

/** a time parameter in one of the two formats the API takes (the window is checked by the caller) */
function timeParam(q: URLSearchParams, name: string, fallback?: number): number {
  const v = q.get(name)
  if (v === null || v === '') {
    if (fallback !== undefined) return fallback
    throw paramError(`query parameter '${name}' is required (ISO time or epoch ms)`)
  }
  const n = EPOCH_MS.test(v) ? Number(v) : parseIso(v)
  if (n === null) throw paramError(`query parameter '${name}' must be epoch ms (digits only, at most 15) or an ISO time such as 2026-11-20T21:00:00Z, got '${shown(v)}'`)
  return n
}
function strParam(q: URLSearchParams, name: string): string {
  const v = q.get(name)
  if (v === null) throw paramError(`query parameter '${name}' is required`)
  if (v.length > CONTROL_LIMITS.maxIdLength) throw paramError(`query parameter '${name}' is over ${CONTROL_LIMITS.maxIdLength} characters`)
  return v
}

async function readJson(req: http.IncomingMessage): Promise<unknown> {
  let body = ''
  for await (const chunk of req) {
    body += chunk
    if (body.length > 65536) throw new HttpError(413, 'CN_ERR_SIM_BODY', 'request body over 64 KiB')
  }
  try {
    return body ? JSON.parse(body) : {}
  } catch {
    throw new HttpError(400, 'CN_ERR_SIM_BODY', 'request body is not JSON')
  }
}

const FAULT_FIELDS = ['type', 'target', 'device', 'link', 'startMs', 'durationMs', 'params', 'delayMs', 'mode', 'dbPerHour', 'end']
const PARAM_FIELDS = ['delayMs', 'mode', 'dbPerHour', 'end']

/**
 * Checks a POST /faults body field by field against CONTROL_LIMITS; the fault book then
 * checks the type and that the target exists. window: the times a startMs may take.
 */
function faultInput(body: unknown, window: { lo: number; hi: number }): FaultInput {
  if (typeof body !== 'object' || body === null || Array.isArray(body) || typeof (body as { type?: unknown }).type !== 'string') throw bodyError("body needs a string 'type'")
  const b = body as Record<string, unknown>
  const L = CONTROL_LIMITS
  const got = (v: unknown) => shown(JSON.stringify(v) ?? String(v))
  const int = (name: string, v: unknown, min: number, max: number) => {
    if (!(typeof v === 'number' && Number.isInteger(v) && v >= min && v <= max)) throw bodyError(`field '${name}' must be an integer from ${min} to ${max}, got ${got(v)}`)
  }
  const str = (name: string, v: unknown, max: number) => {
    if (!(typeof v === 'string' && v.length >= 1 && v.length <= max)) throw bodyError(`field '${name}' must be a string of 1 to ${max} characters`)
  }
  const oneOf = (name: string, v: unknown, values: string[]) => {
    if (!values.includes(v as string)) throw bodyError(`field '${name}' must be one of ${values.map((x) => `'${x}'`).join(', ')}, got ${got(v)}`)
  }
  const params = (p: Record<string, unknown>, prefix: string) => {
    if (p.delayMs !== undefined) int(`${prefix}delayMs`, p.delayMs, 0, L.maxDelayMs)
    if (p.mode !== undefined) oneOf(`${prefix}mode`, p.mode, ['wrong-type', 'garbage'])
    if (p.dbPerHour !== undefined && !(typeof p.dbPerHour === 'number' && p.dbPerHour >= L.minDbPerHour && p.dbPerHour <= L.maxDbPerHour)) {
      throw bodyError(`field '${prefix}dbPerHour' must be a number from ${L.minDbPerHour} to ${L.maxDbPerHour}, got ${got(p.dbPerHour)}`)
    }
    if (p.end !== undefined) oneOf(`${prefix}end`, p.end, ['a', 'b', 'both'])
  }
  for (const k of Object.keys(b)) if (!FAULT_FIELDS.includes(k)) throw bodyError(`unknown field '${shown(k)}' (known: ${FAULT_FIELDS.join(', ')})`)
  str('type', b.type, L.maxTypeLength)
  for (const k of ['target', 'device', 'link']) if (b[k] !== undefined) str(k, b[k], L.maxIdLength)
  if (b.startMs !== undefined && !(typeof b.startMs === 'number' && Number.isInteger(b.startMs) && b.startMs >= window.lo && b.startMs <= window.hi)) {
    throw bodyError(`field 'startMs' must be an epoch-ms integer from ${window.lo} to ${window.hi} (the city's origin less 1 day to its now plus 1 day), got ${got(b.startMs)}`)
  }
  if (b.durationMs !== undefined) int('durationMs', b.durationMs, 0, L.maxDurationMs)
  params(b, '')
  if (b.params !== undefined) {
    if (typeof b.params !== 'object' || b.params === null || Array.isArray(b.params)) throw bodyError("field 'params' must be an object")
    const p = b.params as Record<string, unknown>
    for (const k of Object.keys(p)) if (!PARAM_FIELDS.includes(k)) throw bodyError(`unknown field 'params.${shown(k)}' (known: ${PARAM_FIELDS.join(', ')})`)
    params(p, 'params.')
  }
  return b as unknown as FaultInput
}

const isLoopback = (host: string) => host === 'localhost' || host === '::1' || (net.isIPv4(host) && host.startsWith('127.'))
const hostPart = (host: string) => (net.isIPv6(host) ? `[${host}]` : host)

export function startControlApi(city: SimulatedCity, port: number, host = '127.0.0.1'): Promise<ControlServer> {
  if (!isLoopback(host)) {
    return Promise.reject(new Error(`control API: host '${host}' is not a loopback address (127.x.x.x, ::1 or localhost); it must not be reachable from the network`))
  }
  const truthGuard = <T>(fn: () => T): T => {
    try {
      return fn()
    } catch (err) {
      throw new HttpError(404, 'CN_ERR_SIM_TARGET', (err as Error).message)
    }
  }
  /** the times truth is asked about: the city's origin less 1 day to its now plus 1 day */
  const timeWindow = (now: number) => ({ lo: city.model.options.originMs - CONTROL_LIMITS.timeSlackMs, hi: now + CONTROL_LIMITS.timeSlackMs })
  const inWindow = (name: string, t: number, w: { lo: number; hi: number }) => {
    if (t < w.lo || t > w.hi) throw paramError(`query parameter '${name}' is ${iso(t)}, outside the times this city answers for: ${iso(w.lo)} (its origin less 1 day) to ${iso(w.hi)} (its now plus 1 day)`)
  }
  /** from..to of a truth query: every format first, then the window, the order and the span */
  const rangeParams = (q: URLSearchParams, now: number) => {
    const from = timeParam(q, 'from')
    const to = timeParam(q, 'to', now)
    const w = timeWindow(now)
    inWindow('from', from, w)
    inWindow('to', to, w)
    if (from > to) throw paramError(`query parameter 'from' (${iso(from)}) is after 'to' (${iso(to)})`)
    if (to - from > CONTROL_LIMITS.maxRangeMs) {
      throw paramError(`query parameters 'from'..'to' span ${to - from} ms, over the limit of ${CONTROL_LIMITS.maxRangeMs} ms (${CONTROL_LIMITS.maxRangeMs / HOUR_MS} h) per request`)
    }
    return { from, to }
  }
  /** who may talk to it: requests to its own loopback host:port, from no page or its own origin */
  const crossSite = (req: http.IncomingMessage) => {
    const p = (server.address() as net.AddressInfo).port
    const names = [...new Set(['127.0.0.1', 'localhost', '[::1]', hostPart(host)])].map((h) => `${h}:${p}`)
    const h = req.headers.host ?? ''
    if (!names.includes(h.toLowerCase())) throw new HttpError(403, 'CN_ERR_SIM_HOST', `Host '${shown(h)}' is refused: this control API answers only to ${names.join(', ')}`)
    const origin = req.headers.origin
    const origins = names.map((n) => `http://${n}`)
    if (origin !== undefined && !origins.includes(origin.toLowerCase())) {
      throw new HttpError(403, 'CN_ERR_SIM_ORIGIN', `Origin '${shown(origin)}' is refused: this control API answers only to its own origin (${origins.join(', ')})`)
    }
    const site = req.headers['sec-fetch-site']
    if (req.method !== 'GET' && req.method !== 'HEAD' && (site === 'cross-site' || site === 'same-site')) {
      throw new HttpError(403, 'CN_ERR_SIM_CROSS_SITE', `Sec-Fetch-Site '${site}' is refused on ${req.method}: only this control API's own origin or a direct client may change the simulated city`)
    }
  }
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    try {
      crossSite(req)
      const url = new URL(req.url ?? '/', 'http://localhost')
      const q = url.searchParams
      const path = url.pathname.replace(/\/+$/, '') || '/'
      const now = city.clock.now()
      if (req.method === 'GET' && path === '/agents') return send(200, city.endpoints())
      if (req.method === 'GET' && path === '/clock') return send(200, { nowMs: now, now: new Date(now).toISOString(), speed: city.clock.speed })
      if (req.method === 'GET' && path === '/faults') return send(200, city.faults.list())
      if (req.method === 'POST' && path === '/faults') {
        const ct = req.headers['content-type']
        if (ct?.split(';')[0]!.trim().toLowerCase() !== 'application/json') {
          throw new HttpError(415, 'CN_ERR_SIM_CONTENT_TYPE', `POST needs content-type: application/json, got ${ct === undefined ? 'none' : `'${shown(ct)}'`}`)
        }
        const input = faultInput(await readJson(req), timeWindow(now))
        const held = city.faults.list().length
        if (held >= CONTROL_LIMITS.maxFaults) {
          throw new HttpError(409, 'CN_ERR_SIM_LIMIT', `the fault book holds ${held} faults, the most this control API takes (${CONTROL_LIMITS.maxFaults}); restart the simulation for a fresh book`)
        }
        try {
          return send(201, city.faults.inject(input))
        } catch (err) {
          if (err instanceof FaultError) throw new HttpError(400, err.code, err.message)
          throw err
        }
      }
      const del = /^\/faults\/([A-Za-z0-9_-]{1,64})$/.exec(path)
      if (req.method === 'DELETE' && del) {
        const f = city.faults.clear(del[1]!)
        if (!f) throw new HttpError(404, 'CN_ERR_SIM_FAULT', `no fault '${del[1]}'`)
        return send(200, f)
      }
      if (req.method === 'GET' && path === '/truth/clients') {
        const target = strParam(q, 'target')
        const at = timeParam(q, 'at', now)
        inWindow('at', at, timeWindow(now))
        return send(200, { target, atMs: at, clients: truthGuard(() => city.truth.clientsAt(target, at)) })
      }
      if (req.method === 'GET' && path === '/truth/unique') {
        // neighborhood=ID, or 'all' for the city (each client once), or target=ID for one AP
        if (q.has('neighborhood') && q.has('target')) throw paramError("give query parameter 'neighborhood' or 'target', not both")
        const key = q.has('target') ? 'target' : 'neighborhood'
        const id = strParam(q, key)
        const { from, to } = rangeParams(q, now)
        const u = truthGuard(() => city.truth.uniqueBreakdown(id, from, to))
        return send(200, { [key]: id, fromMs: from, toMs: to, uniqueClients: u.total, randomized: u.randomized, notRandomized: u.notRandomized })
      }
      if (req.method === 'GET' && path === '/truth/bytes') {
        const target = strParam(q, 'target')
        const { from, to } = rangeParams(q, now)
        return send(200, { target, fromMs: from, toMs: to, ...truthGuard(() => city.truth.bytes(target, from, to)) })
      }
      if (req.method === 'GET' && path === '/truth/outages') return send(200, city.truth.outages())
      throw new HttpError(404, 'CN_ERR_SIM_ROUTE', `no route ${req.method} ${shown(path)}`)
    } catch (err) {
      if (err instanceof HttpError) return send(err.status, { code: err.code, message: err.message })
      send(500, { code: 'CN_ERR_SIM_INTERNAL', message: 'Internal Server Error' })
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`control API cannot listen on ${host}:${port}: ${err.message}`, { cause: err })))
    server.listen(port, host, () => {
      const a = server.address() as net.AddressInfo
      resolve({
        url: `http://${hostPart(host)}:${a.port}`,
        close: () => new Promise((r) => server.close(() => r())),
      })
    })
  })
}
