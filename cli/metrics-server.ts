/**
 * `civicnet collect --metrics-port N`: the collector's Prometheus endpoint, `GET /metrics`
 * in the text format 0.0.4 (the collector's families and the process's), on its own small
 * node:http server, because collector/ serves no HTTP and the collector runs without the API.
 *
 * It binds 127.0.0.1 by default: a Prometheus on the same host scrapes it without a token.
 * Bound to any other address (`--metrics-host`, CIVICNET_METRICS_HOST) it must have a token
 * (CIVICNET_METRICS_TOKEN, or CIVICNET_METRICS_TOKEN_FILE holding it), checked as
 * `Authorization: Bearer <token>` on every request; a token given on loopback is checked
 * too. The token is compared in constant time and never logged.
 */
import { createHash, timingSafeEqual } from 'node:crypto'
import { readFileSync } from 'node:fs'
import http from 'node:http'
import type { AddressInfo } from 'node:net'
import type { Logger } from 'pino'
import { bearerToken } from '../api/auth/bearer.ts'
import { PROMETHEUS_CONTENT_TYPE, renderExposition, type MetricFamily } from '../core/prometheus.ts'

export interface MetricsServerConfig {
  /** TCP port; 0 picks a free one (tests) */
  port: number
  /** address to bind (default 127.0.0.1) */
  host: string
  /** the bearer token a scrape must send; null: none asked (loopback only) */
  token: string | null
}

/** A bad metrics setting: names the flag or variable. */
export class MetricsConfigError extends Error {
  constructor(readonly variable: string, message: string) {
    super(`${variable}: ${message}`)
    this.name = 'MetricsConfigError'
  }
}

/** Shortest token accepted: a guessable one would make the check pointless. */
export const MIN_METRICS_TOKEN_CHARS = 16

const LOOPBACK = /^(127(\.\d{1,3}){3}|::1|localhost)$/i

/**
 * Reads --metrics-port / --metrics-host (which win) and CIVICNET_METRICS_PORT,
 * CIVICNET_METRICS_HOST, CIVICNET_METRICS_TOKEN, CIVICNET_METRICS_TOKEN_FILE; null when no
 * port is asked for (no endpoint). Throws MetricsConfigError naming what is wrong.
 */
export function loadMetricsServerConfig(env: Record<string, string | undefined>, flags: { port?: string; host?: string } = {}): MetricsServerConfig | null {
  const [portName, portRaw] = flags.port !== undefined ? ['--metrics-port', flags.port] : ['CIVICNET_METRICS_PORT', env.CIVICNET_METRICS_PORT]
  const [hostName, hostRaw] = flags.host !== undefined ? ['--metrics-host', flags.host] : ['CIVICNET_METRICS_HOST', env.CIVICNET_METRICS_HOST]
  if (portRaw === undefined || portRaw === '') {
    if (hostRaw) throw new MetricsConfigError(hostName, 'needs a port too (--metrics-port or CIVICNET_METRICS_PORT)')
    return null
  }
  const port = Number(portRaw)
  if (!/^\d+$/.test(portRaw) || port < 1 || port > 65535) throw new MetricsConfigError(portName, `must be a port from 1 to 65535, got '${portRaw}'`)
  const host = hostRaw || '127.0.0.1'
  if (!/^[A-Za-z0-9.:_-]{1,253}$/.test(host)) throw new MetricsConfigError(hostName, `is not an address or host name: '${host.slice(0, 60)}'`)
  let token: string | null = null
  if (env.CIVICNET_METRICS_TOKEN && env.CIVICNET_METRICS_TOKEN_FILE) {
    throw new MetricsConfigError('CIVICNET_METRICS_TOKEN', 'and CIVICNET_METRICS_TOKEN_FILE are both set: give one')
  }
  if (env.CIVICNET_METRICS_TOKEN_FILE) {
    try {
      token = readFileSync(env.CIVICNET_METRICS_TOKEN_FILE, 'utf8').trim()
    } catch (err) {
      throw new MetricsConfigError('CIVICNET_METRICS_TOKEN_FILE', `cannot read ${env.CIVICNET_METRICS_TOKEN_FILE}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
    }
  } else if (env.CIVICNET_METRICS_TOKEN) token = env.CIVICNET_METRICS_TOKEN.trim()
  const tokenName = env.CIVICNET_METRICS_TOKEN_FILE ? 'CIVICNET_METRICS_TOKEN_FILE' : 'CIVICNET_METRICS_TOKEN'
  if (token !== null && (token.length < MIN_METRICS_TOKEN_CHARS || /\s/.test(token))) {
    throw new MetricsConfigError(tokenName, `the token must be at least ${MIN_METRICS_TOKEN_CHARS} characters without spaces`)
  }
  if (token === null && !LOOPBACK.test(host)) {
    throw new MetricsConfigError(hostName, `binding the metrics endpoint to '${host}' (not loopback) needs CIVICNET_METRICS_TOKEN or CIVICNET_METRICS_TOKEN_FILE: scrapes must send it as a bearer token`)
  }
  return Object.freeze({ port, host, token })
}

export interface MetricsServer {
  /** the port bound (the real one when configured with 0) */
  readonly port: number
  close(): Promise<void>
}

const sha256 = (s: string) => createHash('sha256').update(s).digest()

/** Starts serving GET /metrics; `families` is read at every scrape. */
export async function startMetricsServer(config: MetricsServerConfig, deps: { families: () => MetricFamily[]; log: Logger }): Promise<MetricsServer> {
  const want = config.token === null ? null : sha256(config.token)
  const answer = (res: http.ServerResponse, status: number, text: string, headers: Record<string, string> = {}) => {
    res.writeHead(status, { 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store', ...headers })
    res.end(text + '\n')
  }
  const server = http.createServer((req, res) => {
    const path = (req.url ?? '').split('?')[0]
    if (path !== '/metrics') return answer(res, 404, 'not found: the collector serves GET /metrics only')
    if (req.method !== 'GET' && req.method !== 'HEAD') return answer(res, 405, `method ${req.method} not allowed: GET /metrics`, { allow: 'GET, HEAD' })
    if (want) {
      const token = bearerToken(req.headers.authorization ?? '')
      if (token === null || !timingSafeEqual(sha256(token), want)) {
        return answer(res, 401, token !== null ? 'the bearer token is not valid' : 'send Authorization: Bearer <token> (CIVICNET_METRICS_TOKEN)', { 'www-authenticate': 'Bearer realm="civicnet-collector"' })
      }
    }
    let text: string
    try {
      text = renderExposition(deps.families())
    } catch (err) {
      deps.log.error({ err: (err as Error).message }, 'metrics scrape failed')
      return answer(res, 500, 'Internal Server Error')
    }
    res.writeHead(200, { 'content-type': PROMETHEUS_CONTENT_TYPE, 'cache-control': 'no-store' })
    res.end(req.method === 'HEAD' ? undefined : text)
  })
  await new Promise<void>((resolve, reject) => {
    server.once('error', (err: NodeJS.ErrnoException) =>
      reject(new MetricsConfigError('--metrics-port', `cannot listen on ${config.host}:${config.port}: ${err.code ?? err.message}`)))
    server.listen(config.port, config.host, () => resolve())
  })
  const port = (server.address() as AddressInfo).port
  deps.log.info({ host: config.host, port, token: want !== null }, 'collector metrics endpoint listening (GET /metrics)')
  return {
    port,
    close: () => new Promise<void>((resolve) => {
      server.close(() => resolve())
      server.closeAllConnections()
    }),
  }
}
