/**
 * Integers in a query string or path are decimal digits, nothing else. Fastify's ajv coerces
 * a query string's '0x10' to 16, '1e23' to an integer, ' 12' and '12.0' to 12: each would be
 * a different number from the one the caller meant to send, or one no caller meant. So before
 * validation every field a route's schema types as integer (or an array of integers) is read
 * as it came: an optional '-' and 1-16 digits (16 digits hold every epoch millisecond).
 */
import type { FastifyRequest, RouteOptions } from 'fastify'
import { CN_ERR_VALIDATION } from './errors.ts'

type Schema = { type?: string; properties?: Record<string, Schema>; items?: Schema }
type Part = 'querystring' | 'params'

const DECIMAL = /^-?[0-9]{1,16}$/

function integerFields(schema: Schema | undefined): Set<string> {
  const out = new Set<string>()
  for (const [name, s] of Object.entries(schema?.properties ?? {})) {
    if (s.type === 'integer' || (s.type === 'array' && s.items?.type === 'integer')) out.add(name)
  }
  return out
}

export function numericChecks() {
  const fields = new Map<string, Record<Part, Set<string>>>()
  return {
    onRoute(route: RouteOptions): void {
      const schema = route.schema as Record<Part, Schema | undefined> | undefined
      const f = { querystring: integerFields(schema?.querystring), params: integerFields(schema?.params) }
      if (f.querystring.size || f.params.size) {
        for (const m of [route.method].flat()) fields.set(`${m} ${route.url}`, f)
      }
    },
    async preValidation(request: FastifyRequest): Promise<void> {
      const route = request.routeOptions.url
      if (route === undefined) return
      const f = fields.get(`${request.method} ${route}`) ?? (request.method === 'HEAD' ? fields.get(`GET ${route}`) : undefined)
      if (!f) return
      for (const part of ['querystring', 'params'] as const) {
        const values = (part === 'querystring' ? request.query : request.params) as Record<string, unknown> | undefined
        for (const name of f[part]) {
          const v = values?.[name]
          for (const one of Array.isArray(v) ? v : v === undefined ? [] : [v]) {
            if (typeof one === 'string' && !DECIMAL.test(one)) {
              const shown = one.length > 40 ? `${one.slice(0, 40)}…` : one
              throw new CN_ERR_VALIDATION(`${part}.${name} must be a decimal integer (digits only, at most 16), got '${shown}'`)
            }
          }
        }
      }
    },
  }
}
