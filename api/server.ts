/**
 * Listens: builds the app with buildApp and binds it. Inert until start(); stop() closes
 * the server (the store and app state belong to the caller, which closes them after).
 */
import type { FastifyInstance } from 'fastify'
import { buildApp, type ApiDeps } from './app.ts'
import { LOOPBACK_HOSTS, type ApiConfig } from './config.ts'

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
      if (a) await a.close()
    },
  }
}
