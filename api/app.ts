/**
 * Builds the CivicNet API as a Fastify instance; never listens (api/server.ts does), so
 * tests drive it with app.inject and the demo can mount it beside the collector.
 */
import { existsSync, statSync } from 'node:fs'
import { STATUS_CODES } from 'node:http'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyError, type FastifyInstance } from 'fastify'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.ts'
import type { MetricStore } from '../store/types.ts'
import { guard } from './auth/guard.ts'
import { apiConfig, type ApiConfig } from './config.ts'
import { createContext, type ApiAppState } from './context.ts'
import { CN_ERR_BAD_REQUEST, CN_ERR_INTERNAL, CN_ERR_MALFORMED_JSON, CN_ERR_ROUTE_NOT_FOUND, CN_ERR_VALIDATION } from './errors.ts'
import devices from './routes/devices/index.ts'
import events from './routes/events/index.ts'
import links from './routes/links/index.ts'
import meta from './routes/meta/index.ts'
import neighborhoods from './routes/neighborhoods/index.ts'
import series from './routes/series/index.ts'
import tokens from './routes/tokens/index.ts'

export interface ApiDeps {
  store: MetricStore
  /** store/app-state.ts's AppState (only db and inventory() are used) */
  appState: ApiAppState
  clock: Clock
  /** pino logger; default: a new one at config.logLevel */
  log?: Logger
}

interface ValidationIssue {
  instancePath: string
  message?: string
  keyword: string
  params: Record<string, unknown>
}

/** "querystring.stepMs must be >= 1000": the field first, then what is wrong with it. */
export function describeValidation(context: string | undefined, issues: readonly ValidationIssue[]): string {
  return issues
    .map((v) => {
      const path = [context ?? 'request', ...v.instancePath.split('/').filter(Boolean)].join('.')
      if (v.keyword === 'additionalProperties') return `${path} has unknown field '${String(v.params.additionalProperty)}'`
      if (v.keyword === 'required') return `${path}.${String(v.params.missingProperty)} is required`
      if (v.keyword === 'enum') return `${path} must be one of ${(v.params.allowedValues as unknown[]).join(', ')}`
      return `${path} ${v.message ?? 'is invalid'}`
    })
    .join('; ')
}

/** A union of literals fails as "must be equal to constant" per branch: say the allowed values once. */
function collapseLiteralUnions(issues: readonly ValidationIssue[]): ValidationIssue[] {
  const consts = new Map<string, unknown[]>()
  for (const v of issues) if (v.keyword === 'const') consts.set(v.instancePath, [...(consts.get(v.instancePath) ?? []), v.params.allowedValue])
  const out: ValidationIssue[] = []
  const done = new Set<string>()
  for (const v of issues) {
    if (consts.has(v.instancePath)) {
      if (done.has(v.instancePath)) continue
      done.add(v.instancePath)
      out.push({ instancePath: v.instancePath, keyword: 'enum', params: { allowedValues: consts.get(v.instancePath) } })
    } else if (v.keyword !== 'anyOf') out.push(v)
  }
  return out
}

export async function buildApp(config: Partial<ApiConfig>, deps: ApiDeps): Promise<FastifyInstance> {
  const cfg = apiConfig(config)
  const app = Fastify({
    ...(deps.log ? { loggerInstance: deps.log } : { logger: { level: cfg.logLevel } }),
    // Unknown query fields are refused by name rather than silently dropped, so a typo
    // ('stepms') is an error, not a different answer.
    ajv: { customOptions: { removeAdditional: false, allErrors: true } },
    // Request logs carry method, url, host and remote address (pino's request serializer):
    // never the Authorization header.
    bodyLimit: 64 * 1024,
    // '/api/devices/' is '/api/devices', as clients and people type both.
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>()

  const civic = createContext(cfg, deps.store, deps.clock, deps.appState)
  app.decorate('civic', civic)

  app.setErrorHandler((err: FastifyError, request, reply) => {
    let e: FastifyError = err
    if (err.validation) {
      e = new CN_ERR_VALIDATION(describeValidation(err.validationContext, collapseLiteralUnions(err.validation as ValidationIssue[])))
    } else if (err.code === 'FST_ERR_CTP_INVALID_JSON_BODY' || err.code === 'FST_ERR_CTP_EMPTY_JSON_BODY') {
      e = new CN_ERR_MALFORMED_JSON(err.message)
    } else if (!err.code?.startsWith('CN_ERR_') && err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
      e = new CN_ERR_BAD_REQUEST(err.message)
      e.statusCode = err.statusCode
    }
    const status = e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500
    if (status >= 500) {
      // The cause goes to the log only; the body says nothing an attacker could use.
      request.log.error({ err }, 'request failed')
      e = new CN_ERR_INTERNAL()
    } else {
      request.log.info({ code: e.code, statusCode: status }, e.message)
    }
    return reply.code(status).send({ statusCode: status, code: e.code, error: STATUS_CODES[status] ?? 'Error', message: e.message })
  })

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CivicNet API',
        version: '0.1.0',
        description:
          'Public Wi-Fi and fiber monitoring. Send tokens as "Authorization: Bearer <token>". Without a token the caller has the ' +
          "'public' scope (aggregate neighborhood data only). Errors answer { statusCode, code, error, message } with a CN_ERR_* code (docs/errors.md).",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' } } },
      tags: [
        { name: 'neighborhoods', description: 'public: live and period figures per neighborhood' },
        { name: 'devices', description: 'engineer: device health' },
        { name: 'links', description: 'engineer, planner: fiber links' },
        { name: 'series', description: 'time series (neighborhood: public; device: engineer)' },
        { name: 'events', description: 'engineer: traps and status changes' },
        { name: 'tokens', description: 'admin: API tokens' },
        { name: 'meta', description: 'health, metric catalogue, caller' },
      ],
    },
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' })

  await app.register(guard, { db: deps.appState.db, nowMs: () => Date.now() })

  await app.register(meta, { prefix: '/api' })
  await app.register(neighborhoods, { prefix: '/api/neighborhoods' })
  await app.register(devices, { prefix: '/api/devices' })
  await app.register(links, { prefix: '/api/links' })
  await app.register(series, { prefix: '/api/series' })
  await app.register(events, { prefix: '/api/events' })
  await app.register(tokens, { prefix: '/api/tokens' })

  const web = cfg.webDir !== null && existsSync(cfg.webDir) && statSync(cfg.webDir).isDirectory() ? cfg.webDir : null
  if (web) {
    await app.register(fastifyStatic, { root: web, prefix: '/', index: ['index.html'], wildcard: true })
  } else if (cfg.webDir !== null) {
    app.log.info({ webDir: cfg.webDir }, 'web build not found; / serves nothing (run: node web/build.mjs)')
  }

  app.setNotFoundHandler((request, reply) => {
    const path = request.url.split('?')[0]!
    // A page path of the single-page web app (no extension, outside /api and /docs)
    // gets index.html, so a reload on /report keeps working.
    if (web && request.method === 'GET' && !path.startsWith('/api/') && !path.startsWith('/docs') && !/\.[a-z0-9]+$/i.test(path)) {
      return reply.sendFile('index.html')
    }
    const e = new CN_ERR_ROUTE_NOT_FOUND(request.method, path)
    return reply.code(404).send({ statusCode: 404, code: e.code, error: STATUS_CODES[404], message: e.message })
  })

  await app.ready()
  // The type provider only types the route definitions above; callers need the plain type.
  return app as unknown as FastifyInstance
}
