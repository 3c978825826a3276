/**
 * A client for a UniFi Network controller's station list, over HTTPS, in both of the APIs
 * controllers serve (docs/COLLECTOR.md, "UniFi Network controllers", lists the sources):
 *
 * 'unifi-integration' (api.auth 'api-key'): the official Network Integration API.
 *   Every request sends X-API-KEY. GET /proxy/network/integration/v1/sites finds the site
 *   (by id, or by internalReference, the short name the classic API uses), then
 *   .../sites/{siteId}/devices (id -> name of each AP) and .../sites/{siteId}/clients
 *   (macAddress, type, uplinkDeviceId: the AP a wireless client is on). Lists are paged
 *   with offset/limit (at most 200); the envelope's totalCount says when all are in.
 *
 * 'unifi-classic' (api.auth 'login', or 'api-key' on UniFi OS): the controller's own API.
 *   A login first: GET / tells a UniFi OS console (200) from a self-hosted Network
 *   Application (a redirect). UniFi OS: POST /api/auth/login, then the TOKEN cookie and the
 *   X-CSRF-Token it returned on every request, paths under /proxy/network. Network
 *   Application: POST /api/login, then the unifises cookie (and csrf_token as
 *   X-Csrf-Token). Then GET .../api/s/{site}/stat/device (mac -> name of each AP) and
 *   .../api/s/{site}/stat/sta (mac, ap_mac, essid, is_wired, tx_bytes, rx_bytes). A 401
 *   later means the session ended: one new login, one more try.
 *
 * What comes back is the station list with each station's AP named as the controller
 * names it (the inventory AP's controllerApName, else its name): raw MACs, handed at once
 * to the samples path (collector/samples.ts), which digests them. Nothing here keeps,
 * logs or puts a MAC into an error.
 */
import { request as httpsRequest, type Agent } from 'node:https'
import type { IncomingHttpHeaders } from 'node:http'
import type { DeviceApi } from '../../core/inventory.ts'
import { UnifiAuthError, UnifiConfigError, UnifiHttpError, UnifiNetworkError, UnifiProtocolError, UnifiTimeoutError, UnifiTlsError, isUnifiError, scrubMacs } from './errors.ts'
import { unifiEnvPrefix, type UnifiSecret } from './credentials.ts'
import { describeTlsFailure, isTlsFailure, type UnifiTrust } from './tls.ts'

/** One station as the controller lists it. `mac` is raw personal data: digest it at once. */
export interface UnifiStation {
  mac: string
  /** the AP's name on the controller */
  ap?: string
  ssid?: string
  /** bytes of the current association, both directions, when the API gives them */
  bytes?: bigint
}

export interface UnifiAp {
  name: string
  /** true/false from the controller's state; null when it does not say */
  online: boolean | null
}

export interface UnifiListing {
  api: 'integration' | 'classic'
  aps: UnifiAp[]
  stations: UnifiStation[]
  /** wired, VPN and other clients without an AP, left out */
  skipped: number
  /** HTTP requests the listing took */
  requests: number
}

export interface UnifiClientOptions {
  /** per HTTP request, real ms (default 10 000) */
  timeoutMs?: number
  /** page size for the Integration API, 1..200 (default 200) */
  pageLimit?: number
  /** largest response body, bytes (default 64 MiB) */
  maxBodyBytes?: number
}

export interface UnifiClient {
  /** the controller's APs and stations now */
  list(): Promise<UnifiListing>
  /** forgets the session (the next list() logs in again) */
  reset(): void
}

interface Response {
  status: number
  headers: IncomingHttpHeaders
  body: Buffer
}

const MAX_PAGES = 10_000

/**
 * `device` names the controller in messages; `secret` is asked for on each login or
 * request, so a key changed in the environment's file is picked up (never stored here
 * past the request that needs it); `agent` is the trusting agent from tls.ts.
 */
export function createUnifiClient(
  device: { id: string; api: DeviceApi },
  deps: { secret: () => UnifiSecret; agent: Agent; trust: UnifiTrust },
  options: UnifiClientOptions = {},
): UnifiClient {
  const { api } = device
  const base = new URL(api.baseUrl)
  const target = { host: base.hostname.replace(/^\[|\]$/g, ''), port: Number(base.port || 443) }
  const timeoutMs = options.timeoutMs ?? 10_000
  const pageLimit = Math.min(200, Math.max(1, options.pageLimit ?? 200))
  const maxBody = options.maxBodyBytes ?? 64 * 1024 * 1024
  const who = `UniFi controller '${device.id}' (${base.origin})`
  if (api.kind === 'unifi-integration' && api.auth !== 'api-key') {
    throw new UnifiConfigError(target, `${who}: the Integration API takes an API key only: set api.auth to 'api-key' (or api.kind to 'unifi-classic' for a login)`)
  }

  let requests = 0
  // classic API state
  let unifiOs: boolean | undefined
  let session: { cookie: string; csrf: string | undefined } | undefined
  // integration API state
  let siteId: string | undefined

  function send(method: 'GET' | 'POST', path: string, headers: Record<string, string>, body?: string): Promise<Response> {
    requests++
    return new Promise((resolve, reject) => {
      let settled = false
      const fail = (err: Error) => {
        if (settled) return
        settled = true
        reject(err)
      }
      const req = httpsRequest(
        {
          host: target.host,
          port: target.port,
          method,
          path,
          agent: deps.agent,
          headers: { accept: 'application/json', ...headers, ...(body !== undefined ? { 'content-type': 'application/json; charset=utf-8', 'content-length': String(Buffer.byteLength(body)) } : {}) },
        },
        (res) => {
          const chunks: Buffer[] = []
          let size = 0
          res.on('data', (c: Buffer) => {
            size += c.length
            if (size > maxBody) {
              req.destroy()
              fail(new UnifiProtocolError(target, `${who}: ${method} ${pathOnly(path)}: answer larger than ${maxBody} bytes`))
            } else chunks.push(c)
          })
          res.on('end', () => {
            if (settled) return
            settled = true
            clearTimeout(timer)
            resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) })
          })
          res.on('error', (err) => fail(translate(err, method, path)))
        },
      )
      const timer = setTimeout(() => {
        fail(new UnifiTimeoutError(target, `${who}: no answer to ${method} ${pathOnly(path)} within ${timeoutMs} ms (controller down, unreachable or overloaded)`))
        req.destroy()
      }, timeoutMs)
      req.on('error', (err) => {
        clearTimeout(timer)
        fail(translate(err, method, path))
      })
      req.on('close', () => clearTimeout(timer))
      req.end(body)
    })
  }

  function translate(err: Error, method: string, path: string): Error {
    if (isUnifiError(err)) return err
    const e = err as NodeJS.ErrnoException
    if (isTlsFailure(e)) return new UnifiTlsError(target, `${who}: refused its TLS certificate: ${describeTlsFailure(e, deps.trust)}`, { cause: err })
    return new UnifiNetworkError(target, `${who}: ${method} ${pathOnly(path)} failed: ${e.code ?? e.message}`, { cause: err })
  }

  function json(res: Response, path: string): unknown {
    try {
      return JSON.parse(res.body.toString('utf8'))
    } catch {
      // never the parser's message or the body: either may quote station data
      throw new UnifiProtocolError(target, `${who}: GET ${pathOnly(path)} answered ${res.status} with a body that is not JSON (${String(res.headers['content-type'] ?? 'no content type')})`)
    }
  }

  /** what a refusal says, without anything it might quote */
  function reason(res: Response): string {
    let parsed: unknown
    try {
      parsed = JSON.parse(res.body.toString('utf8'))
    } catch {
      return ''
    }
    const o = parsed as { code?: unknown; message?: unknown; statusName?: unknown; meta?: { msg?: unknown }; error?: { message?: unknown } }
    const parts = [o.statusName, o.code, o.meta?.msg, o.message ?? o.error?.message].filter((x): x is string => typeof x === 'string')
    return parts.length ? `: ${scrubMacs(parts.join(' ').slice(0, 200))}` : ''
  }

  function secret(): UnifiSecret {
    const s = deps.secret()
    if (s.kind !== api.auth) throw new UnifiConfigError(target, `${who}: credential '${api.credential}' resolved to a ${s.kind} secret, the inventory asks for ${api.auth}`)
    return s
  }

  function refusedCredentials(res: Response, what: string): UnifiAuthError {
    const p = unifiEnvPrefix(api.credential)
    const hint =
      api.auth === 'api-key'
        ? `check the API key of credential '${api.credential}' (${p}API_KEY or CIVICNET_UNIFI_CREDENTIALS)`
        : `check the username and password of credential '${api.credential}' (${p}USERNAME, ${p}PASSWORD or CIVICNET_UNIFI_CREDENTIALS)`
    return new UnifiAuthError(target, res.status, `${who} refused ${what} (${res.status}${reason(res)}): ${hint} (see docs/COLLECTOR.md, "UniFi Network controllers")`)
  }

  function unexpected(res: Response, method: string, path: string): Error {
    if (res.status === 401 || res.status === 403) return refusedCredentials(res, api.auth === 'api-key' ? 'the API key' : 'the session')
    return new UnifiHttpError(target, res.status, `${who}: ${method} ${pathOnly(path)} answered ${res.status}${reason(res)}`)
  }

  // ---------------------------------------------------------------- Integration API

  async function integrationList(path: string): Promise<unknown[]> {
    const key = (secret() as { apiKey: string }).apiKey
    const sep = path.includes('?') ? '&' : '?'
    for (let attempt = 0; ; attempt++) {
      const all: unknown[] = []
      let total: number | undefined
      let drifted = false
      for (let page = 0, offset = 0; ; page++) {
        if (page >= MAX_PAGES) throw new UnifiProtocolError(target, `${who}: ${pathOnly(path)} did not end within ${MAX_PAGES} pages`)
        const p = `/proxy/network/integration${path}${sep}offset=${offset}&limit=${pageLimit}`
        const res = await send('GET', p, { 'x-api-key': key })
        if (res.status !== 200) throw unexpected(res, 'GET', p)
        const body = json(res, p) as { data?: unknown; count?: unknown; totalCount?: unknown; offset?: unknown }
        if (!body || !Array.isArray(body.data) || typeof body.totalCount !== 'number' || !Number.isInteger(body.totalCount) || body.totalCount < 0) {
          throw new UnifiProtocolError(target, `${who}: GET ${pathOnly(p)} is not an Integration API page ({offset, limit, count, totalCount, data})`)
        }
        if (typeof body.count === 'number' && body.count !== body.data.length) throw new UnifiProtocolError(target, `${who}: GET ${pathOnly(p)} says count ${body.count} but holds ${body.data.length}`)
        if (total === undefined) total = body.totalCount
        else if (body.totalCount !== total) drifted = true
        all.push(...body.data)
        offset += body.data.length
        if (body.data.length === 0 || offset >= body.totalCount) break
      }
      // The list changed while it was paged (clients come and go): read it again, twice at
      // most, rather than report a list with one client twice or one missing.
      if (!drifted && all.length === total) return all
      if (attempt >= 2) throw new UnifiProtocolError(target, `${who}: ${pathOnly(path)} kept changing while it was paged (totalCount ${total}, ${all.length} read)`)
    }
  }

  async function integration(): Promise<UnifiListing> {
    const before = requests
    if (siteId === undefined) {
      const sites = (await integrationList('/v1/sites')) as { id?: unknown; internalReference?: unknown; name?: unknown }[]
      const hit = sites.find((s) => s.id === api.site) ?? sites.find((s) => s.internalReference === api.site)
      if (!hit || typeof hit.id !== 'string') {
        const known = sites.map((s) => `${String(s.internalReference)} (${String(s.name)})`).join(', ') || 'none'
        throw new UnifiConfigError(target, `${who} has no site '${api.site}' (api.site): it lists ${known}`)
      }
      siteId = hit.id
    }
    const sitePath = `/v1/sites/${encodeURIComponent(siteId)}`
    let devices: { id?: unknown; name?: unknown; state?: unknown; features?: unknown; interfaces?: unknown }[]
    try {
      devices = (await integrationList(`${sitePath}/devices`)) as typeof devices
    } catch (err) {
      if ((err as { status?: number }).status === 404) siteId = undefined // the site went away: find it again next time
      throw err
    }
    const isAp = (d: (typeof devices)[number]) =>
      (Array.isArray(d.features) ? d.features.includes('accessPoint') : d.features && typeof d.features === 'object' ? 'accessPoint' in d.features : true) ||
      (Array.isArray(d.interfaces) && d.interfaces.includes('radios'))
    const nameById = new Map<string, string>()
    const aps: UnifiAp[] = []
    for (const d of devices) {
      if (typeof d.id !== 'string' || typeof d.name !== 'string' || !isAp(d)) continue
      nameById.set(d.id, d.name)
      aps.push({ name: d.name, online: d.state === 'ONLINE' ? true : typeof d.state === 'string' ? false : null })
    }
    const clients = (await integrationList(`${sitePath}/clients`)) as { type?: unknown; macAddress?: unknown; uplinkDeviceId?: unknown }[]
    const stations: UnifiStation[] = []
    const seen = new Set<string>()
    let skipped = 0
    for (const c of clients) {
      if (c.type !== 'WIRELESS' || typeof c.macAddress !== 'string' || seen.has(c.macAddress)) {
        skipped++
        continue
      }
      seen.add(c.macAddress)
      const ap = typeof c.uplinkDeviceId === 'string' ? nameById.get(c.uplinkDeviceId) : undefined
      stations.push(ap === undefined ? { mac: c.macAddress } : { mac: c.macAddress, ap })
    }
    return { api: 'integration', aps, stations, skipped, requests: requests - before }
  }

  // ---------------------------------------------------------------- classic API

  async function detectUnifiOs(): Promise<boolean> {
    if (api.auth === 'api-key') return true // API keys exist on UniFi OS only
    const res = await send('GET', '/', {})
    // UniFi OS answers its web app at /; a self-hosted Network Application redirects to /manage
    return res.status === 200
  }

  const prefix = () => (unifiOs ? '/proxy/network' : '')

  async function login(): Promise<void> {
    const s = secret()
    if (s.kind !== 'login') return
    const path = unifiOs ? '/api/auth/login' : '/api/login'
    const res = await send('POST', path, {}, JSON.stringify({ username: s.username, password: s.password, rememberMe: false }))
    if (res.status === 429) throw new UnifiHttpError(target, 429, `${who}: the login was rate-limited (429${reason(res)}): waiting for the next round`)
    let ok = res.status === 200
    if (ok && !unifiOs) ok = (json(res, path) as { meta?: { rc?: unknown } })?.meta?.rc === 'ok'
    if (!ok) {
      if (res.status >= 500) throw new UnifiHttpError(target, res.status, `${who}: POST ${path} answered ${res.status}`)
      throw refusedCredentials(res, 'the login')
    }
    const set = res.headers['set-cookie'] ?? []
    const jar = set.map((c) => c.split(';')[0]!.trim()).filter((c) => c.includes('='))
    const csrfCookie = jar.find((c) => c.startsWith('csrf_token='))?.slice('csrf_token='.length)
    const csrfHeader = res.headers['x-csrf-token']
    const cookie = jar.filter((c) => (unifiOs ? c.startsWith('TOKEN=') : c.startsWith('unifises=') || c.startsWith('csrf_token='))).join('; ')
    if (!cookie) throw new UnifiProtocolError(target, `${who}: the login answered 200 but set no session cookie`)
    session = { cookie, csrf: typeof csrfHeader === 'string' ? csrfHeader : csrfCookie }
  }

  async function classicGet(what: 'device' | 'sta'): Promise<unknown[]> {
    const path = `${prefix()}/api/s/${encodeURIComponent(api.site)}/stat/${what}`
    for (let tries = 0; ; tries++) {
      const headers: Record<string, string> = {}
      const s = secret()
      if (s.kind === 'api-key') headers['x-api-key'] = s.apiKey
      else {
        if (!session) await login()
        headers.cookie = session!.cookie
        if (session!.csrf) headers['x-csrf-token'] = session!.csrf
      }
      const res = await send('GET', path, headers)
      const rotated = res.headers['x-updated-csrf-token'] ?? res.headers['x-csrf-token']
      if (session && typeof rotated === 'string' && rotated) session.csrf = rotated
      if (res.status === 401 && s.kind === 'login' && tries === 0) {
        session = undefined // the session ended (timeout, controller restart): one new login
        continue
      }
      if (res.status === 400) {
        const msg = (json(res, path) as { meta?: { msg?: unknown } })?.meta?.msg
        if (msg === 'api.err.NoSiteContext') throw new UnifiConfigError(target, `${who} has no site '${api.site}' (api.site; the classic API names sites by their short name, e.g. 'default')`)
      }
      if (res.status !== 200) throw unexpected(res, 'GET', path)
      const body = json(res, path) as { meta?: { rc?: unknown }; data?: unknown }
      if (!body || body.meta?.rc !== 'ok' || !Array.isArray(body.data)) throw new UnifiProtocolError(target, `${who}: GET ${path} is not a controller answer ({meta: {rc: 'ok'}, data: [...]})`)
      return body.data
    }
  }

  async function classic(): Promise<UnifiListing> {
    const before = requests
    if (unifiOs === undefined) unifiOs = await detectUnifiOs()
    const devices = (await classicGet('device')) as { mac?: unknown; name?: unknown; type?: unknown; state?: unknown }[]
    const nameByMac = new Map<string, string>()
    const aps: UnifiAp[] = []
    for (const d of devices) {
      if (d.type !== 'uap' || typeof d.mac !== 'string') continue
      const name = typeof d.name === 'string' && d.name ? d.name : d.mac
      nameByMac.set(d.mac.toLowerCase(), name)
      // stat/device state: 1 connected, 0 disconnected, others adopting, upgrading, ...
      aps.push({ name, online: d.state === 1 ? true : typeof d.state === 'number' ? false : null })
    }
    const sta = (await classicGet('sta')) as { mac?: unknown; ap_mac?: unknown; essid?: unknown; is_wired?: unknown; tx_bytes?: unknown; rx_bytes?: unknown }[]
    const stations: UnifiStation[] = []
    const seen = new Set<string>()
    let skipped = 0
    for (const c of sta) {
      if (c.is_wired === true || typeof c.mac !== 'string' || typeof c.ap_mac !== 'string' || seen.has(c.mac)) {
        skipped++
        continue
      }
      seen.add(c.mac)
      const st: UnifiStation = { mac: c.mac }
      const ap = nameByMac.get(c.ap_mac.toLowerCase())
      if (ap !== undefined) st.ap = ap
      if (typeof c.essid === 'string') st.ssid = c.essid
      if (Number.isSafeInteger(c.tx_bytes) && Number.isSafeInteger(c.rx_bytes)) st.bytes = BigInt(c.tx_bytes as number) + BigInt(c.rx_bytes as number)
      stations.push(st)
    }
    return { api: 'classic', aps, stations, skipped, requests: requests - before }
  }

  return {
    list: () => (api.kind === 'unifi-integration' ? integration() : classic()),
    reset() {
      session = undefined
      siteId = undefined
      unifiOs = undefined
    },
  }
}

const pathOnly = (p: string) => p.split('?')[0]!
