/**
 * Listens: builds the app with buildApp and binds it. Inert until start(); stop() closes
 * the server (the store and app state belong to the caller, which closes them after).
 */
import type { FastifyInstance } from 'fastify'
import { buildApp, type ApiDeps } from './app.ts'
import { LOOPBACK_HOSTS, type ApiConfig } from './config.ts'


/** how long stop() lets open connections finish before it closes them */
const STOP_GRACE_MS = 2000
export interface ApiServerConfig extends Partial<ApiConfig> {
  /** address to bind (default 127.0.0.1: loopback unless told otherwise) */
  host?: string
  /** TCP port (default 8080; 0 picks a free one) */
  port?: number
}

export interface ApiServer {
  /** binds and returns the base URL, e.g. http://127.0.0.1:8080 */
  start(): Promise<string>
  stop(): Promise<void>
  /** the app, once started */
  readonly app: FastifyInstance | null
}

export function createApiServer(config: ApiServerConfig, deps: ApiDeps): ApiServer {
  let app: FastifyInstance | null = null
  return {
    get app() {
      return app
    },
    async start() {
      if (app) throw new Error('api server already started')
      const { host = '127.0.0.1', port = 8080, ...apiConfig } = config
      // The address bound is a name of this server too, unless it is a wildcard.
      const bound = host.toLowerCase().replace(/^\[(.*)\]$/, '$1')
      const allowedHosts = apiConfig.allowedHosts ?? [...LOOPBACK_HOSTS, ...(['0.0.0.0', '::', ''].includes(bound) || LOOPBACK_HOSTS.includes(bound) ? [] : [bound])]
      app = await buildApp({ ...apiConfig, allowedHosts }, deps)
      try {
        await app.listen({ host, port })
      } catch (err) {
        await app.close()
        app = null
        const code = (err as NodeJS.ErrnoException).code
        if (code === 'EADDRINUSE') throw new Error(`port ${port} on ${host} is in use: set PORT to another port`, { cause: err })
        throw err
      }
      const addr = app.server.address()
      const boundPort = typeof addr === 'object' && addr ? addr.port : port
      return `http://${host.includes(':') ? `[${host}]` : host}:${boundPort}`
    },
    async stop() {
      const a = app
      app = null
      if (!a) return
      // Fastify's close waits for every connection to end. Idle keep-alive ones are closed at
      // once; a connection opened with no request on it yet (a browser's preconnect) is not,
      // and would hold the stop until the request timeout (seen: the demo's stop hung 20 s
      // with Chromium attached). After a grace period, close what is left.
      const closing = a.close()
      const force = setTimeout(() => {
        a.log.warn({ graceMs: STOP_GRACE_MS }, 'api stop: connections still open after the grace period: closing them')
        a.server.closeAllConnections()
      }, STOP_GRACE_MS)
      force.unref()
      try {
        await closing
      } finally {
        clearTimeout(force)
      }
    },
  }
}
