/**
 * Builds the CivicNet API as a Fastify instance; never listens (api/server.ts does), so
 * tests drive it with app.inject and the demo can mount it beside the collector.
 */
import { existsSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { STATUS_CODES } from 'node:http'
import fastifyHelmet from '@fastify/helmet'
import fastifyRateLimit from '@fastify/rate-limit'
import fastifyStatic from '@fastify/static'
import fastifySwagger from '@fastify/swagger'
import fastifySwaggerUi from '@fastify/swagger-ui'
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox'
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest } from 'fastify'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.ts'
import type { MetricStore } from '../store/types.ts'
import { guard } from './auth/guard.ts'
import { PAGES } from './auth/pages.ts'
import { apiConfig, type ApiConfig } from './config.ts'
import { createContext, type ApiAppState, type OidcDoor, type PlanningData } from './context.ts'
import {
  CN_ERR_BAD_REQUEST,
  CN_ERR_BAD_URL,
  CN_ERR_BODY_TOO_LARGE,
  CN_ERR_HOST_NOT_ALLOWED,
  CN_ERR_INTERNAL,
  CN_ERR_MALFORMED_JSON,
  CN_ERR_ROUTE_NOT_FOUND,
  CN_ERR_UNSUPPORTED_MEDIA_TYPE,
  CN_ERR_URL_TOO_LONG,
  CN_ERR_VALIDATION,
} from './errors.ts'
import { hostName } from './host-name.ts'
import { requestPath } from './request-path.ts'
import { RedactingLogController, redactUrl } from './redact.ts'
import { numericChecks } from './numeric-params.ts'
import devices from './routes/devices/index.ts'
import events from './routes/events/index.ts'
import links from './routes/links/index.ts'
import meta from './routes/meta/index.ts'
import metrics, { type ApiMetricsSources } from './routes/metrics/index.ts'
import { countRequests, createRequestMetrics } from './request-metrics.ts'
import neighborhoods from './routes/neighborhoods/index.ts'
import reports from './routes/reports/index.ts'
import incidents from './routes/incidents/index.ts'
import alerts from './routes/alerts/index.ts'
import status from './routes/status/index.ts'
import residentReports from './routes/resident-reports/index.ts'
import operations from './routes/operations/index.ts'
import planning from './routes/planning/index.ts'
import exportsRoutes from './routes/exports/index.ts'
import series from './routes/series/index.ts'
import tokens from './routes/tokens/index.ts'
import backups from './routes/backups/index.ts'
import type { BackupService } from '../backup/index.ts'
import type { Accounts } from '../accounts/index.ts'
import session from './routes/session/index.ts'
import users from './routes/users/index.ts'
import audit from './routes/audit/index.ts'

export interface ApiDeps {
  store: MetricStore
  /** store/app-state.ts's AppState (only db and inventory() are used) */
  appState: ApiAppState
  clock: Clock
  /** pino logger; default: a new one at config.logLevel */
  log?: Logger
  /** census tracts and the city's own estimate for planning (default none) */
  planning?: PlanningData
  /** what GET /api/metrics shows beside the API's own figures: process, collector (demo), last backup */
  metrics?: ApiMetricsSources
  /** backups this process makes (POST /api/backups); absent: it answers CN_ERR_BACKUP_UNAVAILABLE */
  backups?: BackupService
  /** staff accounts (accounts/index.ts) made with the deployment's key; absent: made on first use with a key of this process */
  accounts?: Accounts
  /** sign-in with the city's identity provider (accounts/oidc.ts createOidc); absent: not offered */
  oidc?: OidcDoor | null
}

interface ValidationIssue {
  instancePath: string
  message?: string
  keyword: string
  params: Record<string, unknown>
  /** the schema the failing keyword sits in (ajv's verbose mode) */
  parentSchema?: { 'x-message'?: string }
}

/** "querystring.stepMs must be >= 1000": the field first, then what is wrong with it. */
export function describeValidation(context: string | undefined, issues: readonly ValidationIssue[]): string {
  const lines = issues.map((v) => {
    const path = [context ?? 'request', ...v.instancePath.split('/').filter(Boolean)].join('.')
    if (v.keyword === 'additionalProperties') return `${path} has unknown field '${String(v.params.additionalProperty)}'`
    if (v.keyword === 'required') return `${path}.${String(v.params.missingProperty)} is required`
    if (v.keyword === 'enum') return `${path} must be one of ${(v.params.allowedValues as unknown[]).join(', ')}`
    // A schema may say in words what its pattern or length means ('x-message').
    const said = v.parentSchema?.['x-message']
    if (said && ['pattern', 'maxLength', 'minLength', 'format'].includes(v.keyword)) return `${path} ${said}`
    return `${path} ${v.message ?? 'is invalid'}`
  })
  return [...new Set(lines)].join('; ')
}

/** Longest request target (path and query) answered; longer ones get 414. */
export const MAX_URL_CHARS = 2048
/** Longest path parameter the router matches; longer ones get 414 (ids are at most 64). */
const MAX_PARAM_CHARS = 500

/** Fastify's own error codes, as the project's. */
function fromFastify(err: FastifyError, request: FastifyRequest): FastifyError | null {
  switch (err.code) {
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return new CN_ERR_MALFORMED_JSON(err.message)
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return new CN_ERR_BODY_TOO_LARGE(BODY_LIMIT_BYTES)
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return new CN_ERR_UNSUPPORTED_MEDIA_TYPE(requestPath('/' + String(request.headers['content-type'] ?? 'none').split(';')[0]!.trim()).shown.slice(1, 61))
    case 'FST_ERR_BAD_URL':
      return new CN_ERR_BAD_URL('it has a broken %-escape')
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return new CN_ERR_URL_TOO_LONG(`a path segment is over ${MAX_PARAM_CHARS} characters`)
    default:
      return null
  }
}

const BODY_LIMIT_BYTES = 64 * 1024

/** Pages of the web app with a document of their own besides the map's index.html (web/dist/<page>.html). */
const OWN_DOCUMENT_PAGES = PAGES.filter((p) => p.document !== null && p.path !== '/')

/** The project's error answer, from any error. */
function errorReply(e: FastifyError, reply: FastifyReply) {
  const status = e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 600 ? e.statusCode : 500
  return reply.code(status).send({ statusCode: status, code: e.code, error: STATUS_CODES[status] ?? 'Error', message: e.message })
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
    // ('stepms') is an error, not a different answer. verbose: errors carry their schema,
    // so a message can say what a pattern means.
    ajv: { customOptions: { removeAdditional: false, allErrors: true, verbose: true, keywords: ['x-message'] } },
    // One request log line per answer, written below with the query's secrets redacted;
    // never the Authorization header.
    logController: new RedactingLogController(),
    bodyLimit: BODY_LIMIT_BYTES,
    // X-Forwarded-For is believed only from the proxies named (CIVICNET_TRUST_PROXY)
    trustProxy: cfg.trustProxy.length > 0 ? [...cfg.trustProxy] : false,
    // '/api/devices/' is '/api/devices' and '//api/devices' too, as clients and people type
    // them; every spelling reaches the same route and so the same checks.
    routerOptions: { ignoreTrailingSlash: true, ignoreDuplicateSlashes: true, maxParamLength: MAX_PARAM_CHARS },
    // The router's own refusals (a broken %-escape, an over-long segment) answer in the
    // project's shape too.
    frameworkErrors: (err: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const e = fromFastify(err, request) ?? new CN_ERR_BAD_REQUEST(err.message)
      request.log.info({ code: e.code, statusCode: e.statusCode, url: redactUrl(request.url) }, e.message)
      return errorReply(e, reply)
    },
  }).withTypeProvider<TypeBoxTypeProvider>()

  // First of all: the request target's length and the host it names.
  app.addHook('onRequest', async (request) => {
    if (request.url.length > MAX_URL_CHARS) throw new CN_ERR_URL_TOO_LONG(`${request.url.length} characters; at most ${MAX_URL_CHARS}`)
    // the router would skip a route whose parameter is longer and fall through to the web
    // app's wildcard: say what is wrong instead
    if (request.url.split('?')[0]!.split('/').some((seg) => seg.length > MAX_PARAM_CHARS)) {
      throw new CN_ERR_URL_TOO_LONG(`a path segment is over ${MAX_PARAM_CHARS} characters`)
    }
    const names = [request.headers.host ?? '']
    // an absolute-form target names its host too (RFC 9112 3.2.2), and it wins
    const abs = /^[a-z][a-z0-9+.-]*:\/\/([^/?#]*)/i.exec(request.url)
    if (abs) names.push(abs[1]!.replace(/^[^@]*@/, ''))
    for (const n of names) {
      const h = hostName(n)
      if (!cfg.allowedHosts.includes(h)) throw new CN_ERR_HOST_NOT_ALLOWED(requestPath('/' + h).shown.slice(1), cfg.allowedHosts.join(', '))
    }
  })

  // Security headers on every answer. The map loads its own script, styles and images, and
  // OpenStreetMap tiles when online; nothing may frame it; no referrer leaves the page.
  await app.register(fastifyHelmet, {
    contentSecurityPolicy: {
      useDefaults: false,
      directives: {
        defaultSrc: ["'self'"],
        baseUri: ["'self'"],
        scriptSrc: ["'self'"],
        scriptSrcAttr: ["'none'"],
        // Leaflet and uPlot position elements with inline style attributes.
        styleSrc: ["'self'", "'unsafe-inline'"],
        imgSrc: ["'self'", 'data:', 'https://tile.openstreetmap.org'],
        connectSrc: ["'self'"],
        fontSrc: ["'self'", 'data:'],
        objectSrc: ["'none'"],
        formAction: ["'self'"],
        frameAncestors: ["'none'"],
      },
    },
    frameguard: { action: 'deny' },
    referrerPolicy: { policy: 'no-referrer' },
    // HSTS belongs where TLS is terminated (the reverse proxy); this server speaks HTTP.
    strictTransportSecurity: false,
    crossOriginEmbedderPolicy: false,
  })
  // Only the guard's failed-authentication limiter uses it (global: false).
  await app.register(fastifyRateLimit, { global: false })

  // Integers in the query and path are read as decimal digits only: ajv's coercion would
  // take '0x10' as 16 and '1e23' as an integer.
  const numeric = numericChecks()
  app.addHook('onRoute', numeric.onRoute)
  app.addHook('preValidation', numeric.preValidation)

  // Bodies are JSON only: a text/plain body (what an HTML form or a no-preflight cross-site
  // fetch can send) is refused with 415 before any handler sees it.
  app.removeContentTypeParser('text/plain')

  const civic = createContext(cfg, deps.store, deps.clock, deps.appState, deps.planning, deps.accounts, deps.oidc ?? null)
  app.decorate('civic', civic)
  // every answer, refusals included, is counted by route pattern for GET /api/metrics
  const requests = createRequestMetrics()
  countRequests(app as unknown as FastifyInstance, requests)

  app.setErrorHandler((err: FastifyError, request, reply) => {
    let e: FastifyError = err
    if (err.validation) {
      e = new CN_ERR_VALIDATION(describeValidation(err.validationContext, collapseLiteralUnions(err.validation as ValidationIssue[])))
    } else if (!err.code?.startsWith('CN_ERR_')) {
      const known = fromFastify(err, request)
      if (known) e = known
      else if (err.statusCode === 403 || err.statusCode === 404) {
        // @fastify/static refuses a path outside the web root with 403: to the caller it is
        // simply not there.
        e = new CN_ERR_ROUTE_NOT_FOUND(request.method, requestPath(request.url).shown)
      } else if (err.statusCode !== undefined && err.statusCode >= 400 && err.statusCode < 500) {
        e = new CN_ERR_BAD_REQUEST(err.message)
        e.statusCode = err.statusCode
      }
    }
    const status = e.statusCode !== undefined && e.statusCode >= 400 && e.statusCode < 500 ? e.statusCode : 500
    if (status >= 500) {
      // The cause goes to the log only; the body says nothing an attacker could use.
      request.log.error({ err, url: redactUrl(request.url) }, 'request failed')
      e = new CN_ERR_INTERNAL()
    } else {
      request.log.info({ code: e.code, statusCode: status }, e.message)
    }
    return errorReply(e, reply)
  })

  await app.register(fastifySwagger, {
    openapi: {
      openapi: '3.0.3',
      info: {
        title: 'CivicNet API',
        version: '0.1.0',
        description:
          'Public Wi-Fi and fiber monitoring. Scripts send tokens as "Authorization: Bearer <token>"; people signed in to the web app send the ' +
          'session cookie (POST /api/session), and with it an X-CSRF-Token header on every state-changing request. Without either the caller has the ' +
          "'public' scope (aggregate neighborhood data only). Errors answer { statusCode, code, error, message } with a CN_ERR_* code (docs/errors.md).",
      },
      components: { securitySchemes: { bearer: { type: 'http', scheme: 'bearer' }, session: { type: 'apiKey', in: 'cookie', name: 'civicnet_session' } } },
      tags: [
        { name: 'neighborhoods', description: 'public: live and period figures per neighborhood' },
        { name: 'devices', description: 'engineer: device health' },
        { name: 'links', description: 'engineer, planner: fiber links' },
        { name: 'series', description: 'time series (neighborhood: public; device: engineer)' },
        { name: 'events', description: 'engineer: traps and status changes' },
        { name: 'incidents', description: 'engineer: what is down, grouped by root cause, with SLA clocks' },
        { name: 'alerts', description: 'engineer: alert conditions and their deliveries' },
        { name: 'resident-reports', description: 'public: residents report problems and follow them; engineer: the list and its clusters' },
        { name: 'status', description: 'public: the status page residents read (also as HTML at /status)' },
        { name: 'reports', description: 'analyst: the grant report (JSON, CSV, HTML, PDF) and its saved runs' },
        { name: 'tokens', description: 'admin: API tokens' },
        { name: 'session', description: 'public: signing in to the web app (password, second factor, the city identity provider), the session, signing out' },
        { name: 'users', description: 'admin: staff accounts' },
        { name: 'audit', description: 'admin: the audit log (sign-ins, account changes, tokens, acknowledgements, report runs, imports)' },
        { name: 'backups', description: 'admin: backups made by this process' },
        { name: 'meta', description: 'health, metric catalogue, caller' },
      ],
    },
  })
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' })

  await app.register(guard, { db: deps.appState.db, nowMs: () => Date.now(), authFailures: cfg.authFailures, accounts: civic.accounts })

  await app.register(meta, { prefix: '/api' })
  await app.register(metrics, { prefix: '/api', sources: deps.metrics ?? {}, requests })
  await app.register(neighborhoods, { prefix: '/api/neighborhoods' })
  await app.register(devices, { prefix: '/api/devices' })
  await app.register(links, { prefix: '/api/links' })
  await app.register(series, { prefix: '/api/series' })
  await app.register(events, { prefix: '/api/events' })
  await app.register(reports, { prefix: '/api/reports' })
  await app.register(incidents, { prefix: '/api/incidents' })
  await app.register(alerts, { prefix: '/api/alerts' })
  await app.register(residentReports, { prefix: '/api/resident-reports' })
  await app.register(operations, { prefix: '/api/reports/operations' })
  await app.register(planning, { prefix: '/api/planning' })
  await app.register(exportsRoutes, { prefix: '/api/exports' })
  // the public status page and its JSON (/status, /api/status)
  await app.register(status)
  await app.register(tokens, { prefix: '/api/tokens' })
  await app.register(session, { prefix: '/api/session' })
  await app.register(users, { prefix: '/api/users' })
  await app.register(audit, { prefix: '/api/audit' })
  await app.register(backups, { prefix: '/api/backups', service: deps.backups ?? null })

  const web = cfg.webDir !== null && existsSync(cfg.webDir) && statSync(cfg.webDir).isDirectory() ? cfg.webDir : null
  if (web) {
    // dotfiles (web/dist/.build.json, a build's .building-* temp dir) are not part of the site
    await app.register(fastifyStatic, { root: web, prefix: '/', index: ['index.html'], wildcard: true, dotfiles: 'ignore' })
  } else if (cfg.webDir !== null) {
    app.log.info({ webDir: cfg.webDir }, 'web build not found; / serves nothing (run: node web/build.mjs)')
  }

  app.setNotFoundHandler((request, reply) => {
    const path = requestPath(request.url)
    // A page path of the single-page web app (outside /api and /docs in any spelling) gets
    // index.html, so a reload on /report keeps working.
    // A page path is plain: letters, digits, '-', '_' and '/', no escapes and no dots, so
    // '/..%2f..%2fetc%2fpasswd' is a 404, not the app.
    const plain = request.url.split('?')[0]!
    const pagePath = /^\/[A-Za-z0-9_/-]*$/.test(plain)
    if (web && request.method === 'GET' && pagePath && !path.apiLike && !path.docsLike) {
      // each page of the web app has its own document (web/build.mjs); the rest is the map
      const page = OWN_DOCUMENT_PAGES.find((p) => (plain === p.path || plain.startsWith(`${p.path}/`)) && existsSync(join(web, p.document!)))
      return reply.sendFile(page ? page.document! : 'index.html')
    }
    return errorReply(new CN_ERR_ROUTE_NOT_FOUND(request.method, path.shown), reply)
  })

  await app.ready()
  // The type provider only types the route definitions above; callers need the plain type.
  return app as unknown as FastifyInstance
}
