/**
 * A small control API for a running simulated city: HTTP + JSON on loopback.
 *   GET    /agents                         where each agent listens
 *   GET    /clock                          simulated now and speed
 *   GET    /faults                         every fault, past and present
 *   POST   /faults  {type, target|device|link, delayMs?, mode?, dbPerHour?, end?, durationMs?}
 *   DELETE /faults/:id                     ends the fault now
 *   GET    /truth/clients?target=ID&at=ISO|ms
 *   GET    /truth/unique?neighborhood=ID&from=..&to=..
 *   GET    /truth/bytes?target=ID&from=..&to=..
 *   GET    /truth/outages
 * Errors are {code, message} with 400/404.
 */
import http from 'node:http'
import type { SimulatedCity } from './city.ts'
import { FaultError } from './faults.ts'

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

function timeParam(q: URLSearchParams, name: string, fallback?: number): number {
  const v = q.get(name)
  if (v === null || v === '') {
    if (fallback !== undefined) return fallback
    throw new HttpError(400, 'CN_ERR_SIM_PARAM', `query parameter '${name}' is required (ISO time or epoch ms)`)
  }
  const n = /^\d+$/.test(v) ? Number(v) : Date.parse(v)
  if (!Number.isFinite(n)) throw new HttpError(400, 'CN_ERR_SIM_PARAM', `query parameter '${name}' is not a time: '${v}'`)
  return n
}
function strParam(q: URLSearchParams, name: string): string {
  const v = q.get(name)
  if (v === null) throw new HttpError(400, 'CN_ERR_SIM_PARAM', `query parameter '${name}' is required`)
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

export function startControlApi(city: SimulatedCity, port: number, host = '127.0.0.1'): Promise<ControlServer> {
  const truthGuard = <T>(fn: () => T): T => {
    try {
      return fn()
    } catch (err) {
      throw new HttpError(404, 'CN_ERR_SIM_TARGET', (err as Error).message)
    }
  }
  const server = http.createServer(async (req, res) => {
    const send = (status: number, body: unknown) => {
      res.writeHead(status, { 'content-type': 'application/json' })
      res.end(JSON.stringify(body))
    }
    try {
      const url = new URL(req.url ?? '/', 'http://localhost')
      const q = url.searchParams
      const path = url.pathname.replace(/\/+$/, '') || '/'
      const now = city.clock.now()
      if (req.method === 'GET' && path === '/agents') return send(200, city.endpoints())
      if (req.method === 'GET' && path === '/clock') return send(200, { nowMs: now, now: new Date(now).toISOString(), speed: city.clock.speed })
      if (req.method === 'GET' && path === '/faults') return send(200, city.faults.list())
      if (req.method === 'POST' && path === '/faults') {
        const body = (await readJson(req)) as Record<string, unknown>
        if (typeof body !== 'object' || body === null || typeof body.type !== 'string') throw new HttpError(400, 'CN_ERR_SIM_BODY', "body needs a string 'type'")
        try {
          return send(201, city.faults.inject(body as never))
        } catch (err) {
          if (err instanceof FaultError) throw new HttpError(400, err.code, err.message)
          throw err
        }
      }
      const del = /^\/faults\/([A-Za-z0-9_-]+)$/.exec(path)
      if (req.method === 'DELETE' && del) {
        const f = city.faults.clear(del[1]!)
        if (!f) throw new HttpError(404, 'CN_ERR_SIM_FAULT', `no fault '${del[1]}'`)
        return send(200, f)
      }
      if (req.method === 'GET' && path === '/truth/clients') {
        const target = strParam(q, 'target')
        const at = timeParam(q, 'at', now)
        return send(200, { target, atMs: at, clients: truthGuard(() => city.truth.clientsAt(target, at)) })
      }
      if (req.method === 'GET' && path === '/truth/unique') {
        const nb = strParam(q, 'neighborhood')
        const from = timeParam(q, 'from')
        const to = timeParam(q, 'to', now)
        return send(200, { neighborhood: nb, fromMs: from, toMs: to, uniqueClients: truthGuard(() => city.truth.uniqueClients(nb, from, to)) })
      }
      if (req.method === 'GET' && path === '/truth/bytes') {
        const target = strParam(q, 'target')
        const from = timeParam(q, 'from')
        const to = timeParam(q, 'to', now)
        return send(200, { target, fromMs: from, toMs: to, ...truthGuard(() => city.truth.bytes(target, from, to)) })
      }
      if (req.method === 'GET' && path === '/truth/outages') return send(200, city.truth.outages())
      throw new HttpError(404, 'CN_ERR_SIM_ROUTE', `no route ${req.method} ${path}`)
    } catch (err) {
      if (err instanceof HttpError) return send(err.status, { code: err.code, message: err.message })
      send(500, { code: 'CN_ERR_SIM_INTERNAL', message: 'Internal Server Error' })
    }
  })
  return new Promise((resolve, reject) => {
    server.once('error', (err) => reject(new Error(`control API cannot listen on ${host}:${port}: ${err.message}`, { cause: err })))
    server.listen(port, host, () => {
      const a = server.address() as { port: number }
      resolve({
        url: `http://${host}:${a.port}`,
        close: () => new Promise((r) => server.close(() => r())),
      })
    })
  })
}
