/**
 * A simulated UniFi Network controller: HTTPS on loopback with a self-signed certificate
 * made at start, serving the two APIs real controllers serve for the standalone UniFi APs
 * it manages (inventory `managedBy`), computed from the same model minute the APs' SNMP
 * views are built from, so its clients are exactly the model's, on the same AP, and its
 * per-AP counts equal the APs' unifiVapTable counts at that minute.
 *
 * - The UniFi Network Integration API (UniFi OS, Network 9+), API key in X-API-KEY:
 *     GET /proxy/network/integration/v1/info
 *     GET /proxy/network/integration/v1/sites                      {id, internalReference, name}
 *     GET /proxy/network/integration/v1/sites/{siteId}/devices     {id, macAddress, name, model, state, ...}
 *     GET /proxy/network/integration/v1/sites/{siteId}/clients     {type, id, name, connectedAt, ipAddress, macAddress, uplinkDeviceId, access}
 *   pages with ?offset (default 0) &limit (default 25, at most 200) in the envelope
 *   {offset, limit, count, totalCount, data}; errors as {statusCode, statusName, code, message, timestamp, requestPath, requestId}.
 * - The classic controller API, after a login:
 *     UniFi OS ('unifi-os'): GET / answers 200; POST /api/auth/login {username, password} sets the TOKEN
 *       cookie and returns X-CSRF-Token, which every later request must send; paths under /proxy/network.
 *       An X-API-KEY header is accepted instead of a session.
 *     Network Application ('network-application'): GET / redirects (302 /manage); POST /api/login sets
 *       the unifises and csrf_token cookies; paths from /api.
 *     GET .../api/s/{site}/stat/device   [{_id, mac, name, model, type: 'uap', state, num_sta, ...}]
 *     GET .../api/s/{site}/stat/sta      [{mac, ap_mac, essid, bssid, radio, is_wired, tx_bytes, rx_bytes, ...}]
 *   in the envelope {meta: {rc: 'ok'}, data}; errors {meta: {rc: 'error', msg: 'api.err.LoginRequired'}}.
 *
 * Faults (simulators/faults.ts) on the controller's device id: unreachable (device-down, or
 * its uplink cut) accepts TCP connections and never answers, as a dead host behind a live
 * switch would not; 'slow' answers delayMs real ms late; 'malformed' answers 200 with a
 * body that is not the API's ('garbage': not JSON; 'wrong-type': JSON of the wrong shape);
 * 'reboot' ends every login session started before it.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https'
import type { IncomingMessage, ServerResponse } from 'node:http'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import type { Logger } from 'pino'
import type { Device } from '../../core/inventory.ts'
import { bootMs } from '../agents/views.ts'
import type { FaultBook } from '../faults.ts'
import { MINUTE_MS, hash, strHash, type Model } from '../model.ts'
import { makeSelfSignedCertificate, type SimCertificate } from './cert.ts'

export type UnifiFlavor = 'unifi-os' | 'network-application'

export interface UnifiControllerOptions {
  /** 'unifi-os' (a UniFi OS console: Cloud Key, UDM, UniFi OS Server; default) or 'network-application' (self-hosted, classic paths) */
  flavor?: UnifiFlavor
  /** the API key it accepts (default: random, see credentials()) */
  apiKey?: string
  /** the local account it accepts for a login (default: 'civicnet' and a random password) */
  username?: string
  password?: string
  /** how long a login session lasts, real ms (default 8 h) */
  sessionTtlMs?: number
}

export interface UnifiControllerContext {
  model: Model
  faults: FaultBook
  /** simulated now, epoch ms */
  now(): number
  /** devices reachable now (the city's cached reachability) */
  reachable(): Set<string>
  log: Logger
}

/** One AP as the controller lists it. */
export interface ListedAp {
  /** inventory device id */
  device: string
  /** the controller's id for it (Integration API, a UUID) */
  id: string
  /** the name the controller lists it by: the inventory's controllerApName, else its name */
  name: string
  /** lower-case colon MAC */
  mac: string
  online: boolean
}

/** One associated client as the controller lists it. */
export interface ListedClient {
  mac: string
  /** inventory id of the AP it is on */
  apDevice: string
  ssid: string
  radio: 0 | 1
  /** first minute of the current association */
  sinceMinute: number
  /** bytes to the client (down) and from it (up) in this association, before the current minute */
  txBytes: number
  rxBytes: number
  clientId: number
}

export interface SimulatedUnifiController {
  readonly device: Device
  readonly flavor: UnifiFlavor
  /** binds host:port (0: a free port) and serves; makes the certificate for that host */
  start(host: string, port: number): Promise<void>
  stop(): Promise<void>
  /** where it listens, after start */
  address(): { host: string; port: number } | undefined
  /** https://host:port, after start */
  url(): string
  /** the certificate it serves (PEM, and its SHA-256 fingerprint), after start */
  certificate(): Pick<SimCertificate, 'cert' | 'fingerprint256'>
  /** the secrets it accepts: for the in-process collector of the demo and the tests, never logged */
  credentials(): { apiKey: string; username: string; password: string }
  /** what it lists at time t (the model's state at that minute) */
  listAt(tMs: number): { aps: ListedAp[]; clients: ListedClient[] }
  stats(): { requests: number; refused: number; held: number }
}

const API_VERSION = '9.4.19'
const AP_FIRMWARE = '6.6.55.15189'
/** UniFi's internal model codes (stat/device `model`) for the marketing names the inventory uses */
const MODEL_CODE: Record<string, string> = { 'UAP-AC-M': 'U7MSH', 'UAP-AC-M-PRO': 'U7MP', 'U6-Mesh': 'U6M', 'U6-LR': 'UALR6v2' }
const MAX_BODY = 16 * 1024
const MAX_LIMIT = 200
const DEFAULT_LIMIT = 25

/** a seeded, stable UUID-shaped id (version nibble 3, as the Integration API's ids are) */
function uuidOf(seed: number, ...parts: number[]): string {
  const words = [hash(seed, 90, ...parts, 1), hash(seed, 90, ...parts, 2), hash(seed, 90, ...parts, 3), hash(seed, 90, ...parts, 4)]
  const hex = words.map((w) => w.toString(16).padStart(8, '0')).join('')
  const v = (0x3000 | (parseInt(hex.slice(12, 16), 16) & 0x0fff)).toString(16)
  const r = (0x8000 | (parseInt(hex.slice(16, 20), 16) & 0x3fff)).toString(16)
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${v}-${r}-${hex.slice(20, 32)}`
}

const macText = (b: Buffer) => [...b].map((x) => x.toString(16).padStart(2, '0')).join(':')
const safeEqual = (a: string, b: string) => {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}
const token = () => randomBytes(24).toString('base64url')

interface Session {
  id: string
  csrf: string
  /** real ms */
  expiresAt: number
  /** simulated ms: a reboot after this ends the session */
  createdSimMs: number
}

export function createSimulatedUnifiController(device: Device, ctx: UnifiControllerContext, options: UnifiControllerOptions = {}): SimulatedUnifiController {
  const { model, faults, log } = ctx
  const seed = model.options.seed >>> 0
  const flavor: UnifiFlavor = options.flavor ?? 'unifi-os'
  const secrets = {
    apiKey: options.apiKey ?? randomBytes(24).toString('base64url'),
    username: options.username ?? 'civicnet',
    password: options.password ?? randomBytes(18).toString('base64url'),
  }
  const sessionTtlMs = options.sessionTtlMs ?? 8 * 3_600_000
  const ssids = model.options.ssids
  const nS = ssids.length
  const siteRef = device.api && !/^[0-9a-f]{8}-/.test(device.api.site) ? device.api.site : 'default'
  const site = { id: uuidOf(seed, strHash(device.id), 1), internalReference: siteRef, name: siteRef === 'default' ? 'Default' : siteRef }

  // the APs this controller manages, in inventory order, with their per-AP facts
  const managed = model.topo.aps
    .map((d, index) => ({ d, index }))
    .filter(({ d }) => d.managedBy === device.id)
    .map(({ d, index }) => ({
      index,
      device: d,
      id: uuidOf(seed, strHash(d.id), 2),
      name: d.controllerApName ?? d.name,
      mac: macText(model.apMac(d.id)),
      ip: `10.${32 + (index >> 8)}.${index & 0xff}.2`,
    }))
  const byIndex = new Map(managed.map((a) => [a.index, a]))

  let cert: SimCertificate | undefined
  let https: HttpsServer | undefined
  let front: NetServer | undefined
  let bound: { host: string; port: number } | undefined
  const held = new Set<Socket>()
  const open = new Set<Socket>()
  const sessions = new Map<string, Session>()
  const timers = new Set<NodeJS.Timeout>()
  let requests = 0
  let refused = 0

  function listAt(tMs: number): { aps: ListedAp[]; clients: ListedClient[] } {
    const m = Math.floor(tMs / MINUTE_MS)
    const st = model.minute(m)
    const { serving } = model.reachability(m * MINUTE_MS)
    const counters = model.stations(m)
    const clients: ListedClient[] = []
    for (let j = 0; j < st.clients.length; j++) {
      const ap = byIndex.get(st.ap[j]!)
      if (!ap) continue
      const vap = st.vap[j]!
      clients.push({
        mac: model.clients[st.clients[j]!]!.mac,
        apDevice: ap.device.id,
        ssid: ssids[vap % nS]!,
        radio: Math.floor(vap / nS) as 0 | 1,
        sinceMinute: counters.since[j]!,
        txBytes: counters.down[j]!,
        rxBytes: counters.up[j]!,
        clientId: st.clients[j]!,
      })
    }
    const aps = managed.map((a) => ({ device: a.device.id, id: a.id, name: a.name, mac: a.mac, online: serving.has(a.device.id) }))
    return { aps, clients }
  }

  // ---------------------------------------------------------------- responses

  function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string | string[]> = {}): void {
    const text = typeof body === 'string' ? body : JSON.stringify(body)
    const type = typeof body === 'string' ? 'text/html; charset=utf-8' : 'application/json; charset=utf-8'
    const delayMs = faults.active('slow', device.id, ctx.now()).reduce((a, f) => Math.max(a, f.params.delayMs ?? 0), 0)
    const write = () => {
      if (res.destroyed) return
      res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), ...headers })
      res.end(text)
    }
    if (delayMs > 0) {
      const t = setTimeout(() => {
        timers.delete(t)
        write()
      }, delayMs)
      timers.add(t)
    } else write()
  }

  function integrationError(res: ServerResponse, req: IncomingMessage, status: number, statusName: string, code: string, message: string): void {
    refused++
    send(res, status, {
      statusCode: status,
      statusName,
      code,
      message,
      timestamp: new Date(ctx.now()).toISOString(),
      requestPath: (req.url ?? '').split('?')[0]!.replace(/^\/proxy\/network/, ''),
      requestId: uuidOf(seed, requests, 3),
    })
  }

  function page<T>(res: ServerResponse, req: IncomingMessage, query: URLSearchParams, all: T[]): void {
    const num = (name: string, dflt: number, min: number, max: number): number | null => {
      const raw = query.get(name)
      if (raw === null) return dflt
      if (!/^\d{1,9}$/.test(raw)) return null
      const n = Number(raw)
      return n < min || n > max ? null : n
    }
    const offset = num('offset', 0, 0, 1e9)
    const limit = num('limit', DEFAULT_LIMIT, 1, MAX_LIMIT)
    if (offset === null || limit === null) {
      return integrationError(res, req, 400, 'BAD_REQUEST', 'api.request.argument-validation-error', `offset must be an integer >= 0 and limit an integer from 1 to ${MAX_LIMIT}`)
    }
    if (query.has('filter')) return integrationError(res, req, 400, 'BAD_REQUEST', 'api.request.unsupported-filter', 'the simulated controller does not filter')
    const data = all.slice(offset, offset + limit)
    send(res, 200, { offset, limit, count: data.length, totalCount: all.length, data })
  }

  function integration(req: IncomingMessage, res: ServerResponse, path: string, query: URLSearchParams, tMs: number): void {
    const key = req.headers['x-api-key']
    if (typeof key !== 'string' || key === '') return integrationError(res, req, 401, 'UNAUTHORIZED', 'api.authentication.missing-credentials', 'Missing credentials')
    if (!safeEqual(key, secrets.apiKey)) return integrationError(res, req, 401, 'UNAUTHORIZED', 'api.authentication.invalid-credentials', 'Invalid API key')
    if (req.method !== 'GET') return integrationError(res, req, 405, 'METHOD_NOT_ALLOWED', 'api.request.method-not-allowed', 'only GET is served here')
    if (path === '/v1/info') return send(res, 200, { applicationVersion: API_VERSION })
    if (path === '/v1/sites') return page(res, req, query, [site])
    const m = /^\/v1\/sites\/([^/]+)\/(devices|clients)$/.exec(path)
    if (!m) return integrationError(res, req, 404, 'NOT_FOUND', 'api.request.not-found', 'no such endpoint')
    if (m[1] !== site.id) return integrationError(res, req, 404, 'NOT_FOUND', 'api.site.not-found', `site ${m[1]} not found`)
    const { aps, clients } = listAt(tMs)
    if (m[2] === 'devices') {
      return page(
        res,
        req,
        query,
        aps.map((a) => {
          const dev = byIndex.get(model.topo.apIndex.get(a.device)!)!
          return {
            id: a.id,
            macAddress: a.mac,
            ipAddress: dev.ip,
            name: a.name,
            model: dev.device.model ?? 'UAP-AC-M',
            state: a.online ? 'ONLINE' : 'OFFLINE',
            supported: true,
            firmwareVersion: AP_FIRMWARE,
            firmwareUpdatable: false,
            features: ['accessPoint'],
            interfaces: ['radios'],
          }
        }),
      )
    }
    const apId = new Map(aps.map((a) => [a.device, a.id]))
    return page(
      res,
      req,
      query,
      clients.map((c) => ({
        type: 'WIRELESS',
        id: uuidOf(seed, c.clientId, 4),
        name: `client-${c.clientId}`,
        connectedAt: new Date(c.sinceMinute * MINUTE_MS).toISOString().replace('.000Z', 'Z'),
        ipAddress: `10.${64 + (c.clientId >> 16)}.${(c.clientId >> 8) & 0xff}.${c.clientId & 0xff}`,
        macAddress: c.mac,
        uplinkDeviceId: apId.get(c.apDevice)!,
        access: { type: 'DEFAULT' },
      })),
    )
  }

  function classicError(res: ServerResponse, status: number, msg: string): void {
    refused++
    send(res, status, { meta: { rc: 'error', msg }, data: [] })
  }

  function cookies(req: IncomingMessage): Map<string, string> {
    const out = new Map<string, string>()
    for (const part of (req.headers.cookie ?? '').split(';')) {
      const i = part.indexOf('=')
      if (i > 0) out.set(part.slice(0, i).trim(), part.slice(i + 1).trim())
    }
    return out
  }

  /** the request's valid session, or null */
  function sessionOf(req: IncomingMessage, tMs: number): Session | null {
    const id = cookies(req).get(flavor === 'unifi-os' ? 'TOKEN' : 'unifises')
    if (!id) return null
    const s = sessions.get(id)
    if (!s) return null
    const reboot = faults.lastReboot(device.id, tMs)
    if (s.expiresAt < Date.now() || (reboot !== null && s.createdSimMs < reboot)) {
      sessions.delete(id)
      return null
    }
    return s
  }

  async function login(req: IncomingMessage, res: ServerResponse, tMs: number): Promise<void> {
    let body: { username?: unknown; password?: unknown }
    try {
      body = JSON.parse(await readBody(req)) as typeof body
    } catch {
      return flavor === 'unifi-os' ? (refused++, send(res, 400, { code: 'BAD_REQUEST', message: 'malformed login request', level: 'debug' })) : classicError(res, 400, 'api.err.Invalid')
    }
    const ok = typeof body?.username === 'string' && typeof body.password === 'string' && safeEqual(body.username, secrets.username) && safeEqual(body.password, secrets.password)
    if (!ok) {
      if (flavor === 'unifi-os') {
        refused++
        return send(res, 401, { code: 'AUTHENTICATION_FAILED_INVALID_CREDENTIALS', message: 'Invalid username or password', level: 'debug' })
      }
      return classicError(res, 400, 'api.err.Invalid')
    }
    for (const [id, s] of sessions) if (s.expiresAt < Date.now()) sessions.delete(id)
    const s: Session = { id: token(), csrf: token(), expiresAt: Date.now() + sessionTtlMs, createdSimMs: tMs }
    sessions.set(s.id, s)
    if (flavor === 'unifi-os') {
      return send(
        res,
        200,
        { unique_id: uuidOf(seed, 5), first_name: 'CivicNet', last_name: 'Collector', username: secrets.username, isOwner: false, deviceToken: '' },
        { 'set-cookie': [`TOKEN=${s.id}; path=/; samesite=none; secure; httponly`], 'x-csrf-token': s.csrf },
      )
    }
    send(res, 200, { meta: { rc: 'ok' }, data: [] }, { 'set-cookie': [`unifises=${s.id}; Path=/; Secure; HttpOnly`, `csrf_token=${s.csrf}; Path=/; Secure`] })
  }

  function classic(req: IncomingMessage, res: ServerResponse, path: string, tMs: number): void {
    // UniFi OS accepts an API key instead of a session on the Network application's paths
    const key = req.headers['x-api-key']
    let authed = false
    if (flavor === 'unifi-os' && typeof key === 'string' && key !== '') {
      if (!safeEqual(key, secrets.apiKey)) return (refused++, send(res, 401, { error: { code: 401, message: 'Unauthorized' } }))
      authed = true
    } else {
      const s = sessionOf(req, tMs)
      const csrf = req.headers['x-csrf-token']
      // stricter than a real console, which checks the token on changing requests only: the
      // simulator asks for it on every request, so a client that forgets it is caught here
      const csrfOk = s !== null && (flavor === 'network-application' && req.method === 'GET' ? true : typeof csrf === 'string' && safeEqual(csrf, s.csrf))
      if (s && csrfOk) authed = true
    }
    if (!authed) {
      if (flavor === 'unifi-os') return (refused++, send(res, 401, { error: { code: 401, message: 'Unauthorized' } }))
      return classicError(res, 401, 'api.err.LoginRequired')
    }
    const m = /^\/api\/s\/([^/]+)\/stat\/(sta|device)$/.exec(path)
    if (!m || req.method !== 'GET') return classicError(res, 404, 'api.err.NotFound')
    if (m[1] !== site.internalReference) return classicError(res, 400, 'api.err.NoSiteContext')
    const { aps, clients } = listAt(tMs)
    const nowS = Math.floor(tMs / 1000)
    if (m[2] === 'device') {
      const perAp = new Map<string, number>()
      for (const c of clients) perAp.set(c.apDevice, (perAp.get(c.apDevice) ?? 0) + 1)
      return send(res, 200, {
        meta: { rc: 'ok' },
        data: aps.map((a) => {
          const dev = byIndex.get(model.topo.apIndex.get(a.device)!)!
          const n = a.online ? (perAp.get(a.device) ?? 0) : 0
          return {
            _id: a.id.replace(/-/g, '').slice(0, 24),
            mac: a.mac,
            ip: dev.ip,
            name: a.name,
            model: MODEL_CODE[dev.device.model ?? 'UAP-AC-M'] ?? dev.device.model ?? 'U7MSH',
            type: 'uap',
            adopted: true,
            state: a.online ? 1 : 0,
            version: AP_FIRMWARE,
            uptime: a.online ? Math.max(0, Math.floor((tMs - bootMs({ model, faults, now: ctx.now }, dev.device, tMs)) / 1000)) : 0,
            last_seen: nowS,
            num_sta: n,
            'user-num_sta': n,
            'guest-num_sta': 0,
            site_id: site.id.replace(/-/g, '').slice(0, 24),
          }
        }),
      })
    }
    const apOf = new Map(aps.map((a) => [a.device, a]))
    return send(res, 200, {
      meta: { rc: 'ok' },
      data: clients.map((c) => {
        const ap = apOf.get(c.apDevice)!
        const vap = c.radio * nS + ssids.indexOf(c.ssid)
        // the VAP's BSSID, as the AP's unifiVapBssId serves it
        const bss = model.apMac(c.apDevice)
        const bssid = macText(Buffer.from([bss[0]!, bss[1]!, bss[2]!, bss[3]!, bss[4]!, (bss[5]! & 0xf0) | (vap + 1)]))
        const assoc = c.sinceMinute * 60
        return {
          _id: uuidOf(seed, c.clientId, 6).replace(/-/g, '').slice(0, 24),
          mac: c.mac,
          ap_mac: ap.mac,
          bssid,
          essid: c.ssid,
          radio: c.radio ? 'na' : 'ng',
          radio_proto: c.radio ? 'ac' : 'ng',
          channel: c.radio ? 36 + 4 * (hash(seed, 70, model.topo.apIndex.get(c.apDevice)!) % 4) : 1 + 5 * (hash(seed, 71, model.topo.apIndex.get(c.apDevice)!) % 3),
          is_wired: false,
          is_guest: false,
          ip: `10.${64 + (c.clientId >> 16)}.${(c.clientId >> 8) & 0xff}.${c.clientId & 0xff}`,
          assoc_time: assoc,
          latest_assoc_time: assoc,
          uptime: Math.max(0, nowS - assoc),
          last_seen: nowS,
          // bytes of the current association: sent to the client (its download) and received from it
          tx_bytes: Math.round(c.txBytes),
          rx_bytes: Math.round(c.rxBytes),
          tx_packets: Math.floor(c.txBytes / 800),
          rx_packets: Math.floor(c.rxBytes / 800),
          signal: -50 - (hash(seed, 72, c.clientId) % 30),
          site_id: site.id.replace(/-/g, '').slice(0, 24),
          user_id: uuidOf(seed, c.clientId, 7).replace(/-/g, '').slice(0, 24),
        }
      }),
    })
  }

  function readBody(req: IncomingMessage): Promise<string> {
    return new Promise((resolve, reject) => {
      let size = 0
      const chunks: Buffer[] = []
      req.on('data', (c: Buffer) => {
        size += c.length
        if (size > MAX_BODY) {
          reject(new Error('body too large'))
          req.destroy()
        } else chunks.push(c)
      })
      req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')))
      req.on('error', reject)
    })
  }

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    requests++
    const tMs = ctx.now()
    // a controller that became unreachable answers nothing, on a kept-alive connection too
    if (!ctx.reachable().has(device.id)) {
      const sock = req.socket
      held.add(sock)
      sock.once('close', () => held.delete(sock))
      return
    }
    const url = new URL(req.url ?? '/', 'https://controller.invalid')
    const path = url.pathname
    const bad = faults.active('malformed', device.id, tMs)
    if (bad.length > 0 && path !== '/') {
      const mode = bad[bad.length - 1]!.params.mode ?? 'wrong-type'
      return send(res, 200, mode === 'garbage' ? '<html><body>502 Bad Gateway</body></html>' : { data: 'unavailable', totalCount: 'many', meta: {} })
    }
    if (path === '/' && req.method === 'GET') {
      if (flavor === 'unifi-os') return send(res, 200, '<!DOCTYPE html><html><head><title>UniFi OS</title></head><body></body></html>')
      return send(res, 302, '', { location: '/manage' })
    }
    if (path.startsWith('/proxy/network/integration/')) return integration(req, res, path.slice('/proxy/network/integration'.length), url.searchParams, tMs)
    if (flavor === 'unifi-os') {
      if (path === '/api/auth/login' && req.method === 'POST') return login(req, res, tMs)
      if (path === '/api/auth/logout' && req.method === 'POST') {
        const id = cookies(req).get('TOKEN')
        if (id) sessions.delete(id)
        return send(res, 200, {})
      }
      if (path.startsWith('/proxy/network/api/')) return classic(req, res, path.slice('/proxy/network'.length), tMs)
      return (refused++, send(res, 404, { error: { code: 404, message: 'Not Found' } }))
    }
    if (path === '/api/login' && req.method === 'POST') return login(req, res, tMs)
    if (path === '/api/logout' && req.method === 'POST') {
      const id = cookies(req).get('unifises')
      if (id) sessions.delete(id)
      return send(res, 200, { meta: { rc: 'ok' }, data: [] })
    }
    if (path.startsWith('/api/')) return classic(req, res, path, tMs)
    return classicError(res, 404, 'api.err.NotFound')
  }

  return {
    device,
    flavor,
    listAt,
    credentials: () => ({ ...secrets }),
    address: () => bound,
    url() {
      if (!bound) throw new Error(`simulated UniFi controller '${device.id}' is not started`)
      return `https://${bound.host.includes(':') ? `[${bound.host}]` : bound.host}:${bound.port}`
    },
    certificate() {
      if (!cert) throw new Error(`simulated UniFi controller '${device.id}' is not started`)
      return { cert: cert.cert, fingerprint256: cert.fingerprint256 }
    },
    stats: () => ({ requests, refused, held: held.size }),
    async start(host, port) {
      if (front) return
      cert = makeSelfSignedCertificate([host], device.name)
      const server = createHttpsServer({ key: cert.key, cert: cert.cert }, (req, res) => {
        handle(req, res).catch((err) => {
          log.warn({ device: device.id, err: (err as Error).message }, 'simulated UniFi controller: request failed')
          if (!res.headersSent) res.writeHead(500).end()
        })
      })
      server.keepAliveTimeout = 5000
      https = server
      // A plain TCP front decides per connection: an unreachable controller takes the
      // connection and never answers (no TLS handshake), as a dead host would not either.
      front = createNetServer((socket) => {
        open.add(socket)
        socket.once('close', () => {
          open.delete(socket)
          held.delete(socket)
        })
        socket.on('error', () => {})
        if (!ctx.reachable().has(device.id)) {
          held.add(socket)
          socket.pause()
          socket.setTimeout(120_000, () => socket.destroy())
          return
        }
        server.emit('connection', socket)
      })
      await new Promise<void>((resolve, reject) => {
        front!.once('error', reject)
        front!.listen(port, host, () => {
          front!.off('error', reject)
          resolve()
        })
      })
      const a = front.address()
      bound = typeof a === 'object' && a ? { host, port: a.port } : { host, port }
      log.info({ device: device.id, url: `https://${host}:${bound.port}`, flavor, fingerprint256: cert.fingerprint256, aps: managed.length }, 'simulated UniFi controller listening')
    },
    async stop() {
      for (const t of timers) clearTimeout(t)
      timers.clear()
      for (const s of open) s.destroy()
      open.clear()
      held.clear()
      const f = front
      front = undefined
      https?.close()
      https = undefined
      if (f) await new Promise<void>((resolve) => f.close(() => resolve()))
      sessions.clear()
    },
  }
}
