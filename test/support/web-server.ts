/**
 * Serves the built page (web/dist) on 127.0.0.1 and answers /api/* either by proxying to a
 * real API (apiBaseUrl) or from a handler (a fixture). Builds web/dist first when it is
 * missing or older than its sources.
 */
import { createServer, request as httpRequest, type IncomingMessage, type ServerResponse } from 'node:http'
import { existsSync, readFileSync, statSync } from 'node:fs'
import { extname, join, normalize } from 'node:path'
import type { AddressInfo } from 'node:net'
import { ensureWebBuild } from '../../web/build.mjs'

const WEB = new URL('../../web/', import.meta.url).pathname
const DIST = join(WEB, 'dist')

/** Builds web/dist when it is missing or older than its sources (web/build.mjs ensureWebBuild, as the CLI does). */
export async function ensureWebBuilt(): Promise<string> {
  await ensureWebBuild({ outDir: DIST })
  return DIST
}

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.map': 'application/json',
  '.txt': 'text/plain; charset=utf-8',
}

export type ApiHandler = (req: IncomingMessage, res: ServerResponse, url: URL) => void | Promise<void>

export interface WebServer {
  url: string
  close(): Promise<void>
}

export async function startWebServer(opts: { apiBaseUrl?: string; api?: ApiHandler }): Promise<WebServer> {
  const dist = await ensureWebBuilt()
  const upstream = opts.apiBaseUrl ? new URL(opts.apiBaseUrl) : null
  const server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (url.pathname.startsWith('/api/') || url.pathname === '/api') {
      if (upstream) {
        const preq = httpRequest(
          { host: upstream.hostname, port: upstream.port, method: req.method, path: url.pathname + url.search, headers: { ...req.headers, host: upstream.host } },
          (pres) => {
            res.writeHead(pres.statusCode ?? 502, pres.headers)
            pres.pipe(res)
          },
        )
        preq.on('error', (err) => {
          res.writeHead(502, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ statusCode: 502, code: 'PROXY', error: 'Bad Gateway', message: err.message }))
        })
        req.pipe(preq)
        return
      }
      if (opts.api) {
        Promise.resolve(opts.api(req, res, url)).catch((err: unknown) => {
          res.writeHead(500, { 'content-type': 'application/json' })
          res.end(JSON.stringify({ statusCode: 500, message: String(err) }))
        })
        return
      }
      res.writeHead(404).end()
      return
    }
    const rel = normalize(decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)).replace(/^(\.\.[/\\])+/, '')
    const file = join(dist, rel)
    if (!file.startsWith(dist) || !existsSync(file) || statSync(file).isDirectory()) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found')
      return
    }
    res.writeHead(200, { 'content-type': TYPES[extname(file)] ?? 'application/octet-stream', 'cache-control': 'no-store' })
    res.end(readFileSync(file))
  })
  server.keepAliveTimeout = 1000
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as AddressInfo
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections()
        server.close(() => resolve())
      }),
  }
}
