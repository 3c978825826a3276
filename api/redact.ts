/**
 * A request target fit for a log line: the value of any query parameter that could carry a
 * secret is replaced, whatever its case or %-spelling, and the whole is cut to a sane length.
 * Tokens never belong in URLs (the API reads them from the Authorization header only), but a
 * client that puts one there must not get it written to the log as well.
 */
import { LogController, type FastifyReply, type FastifyRequest } from 'fastify'

const SECRET_PARAM = /^(token|access_token|api[_-]?key|key|password|passwd|secret|code|signin|session)$/i
const MAX_LOGGED_CHARS = 512

function decodedName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' ')).trim()
  } catch {
    return raw
  }
}

export function redactUrl(url: string): string {
  const q = url.indexOf('?')
  let out = url
  if (q >= 0) {
    const [query, ...hash] = url.slice(q + 1).split('#')
    const parts = query!.split('&').map((pair) => {
      const eq = pair.indexOf('=')
      const name = eq >= 0 ? pair.slice(0, eq) : pair
      return SECRET_PARAM.test(decodedName(name)) && eq >= 0 ? `${name}=[REDACTED]` : pair
    })
    out = `${url.slice(0, q)}?${parts.join('&')}${hash.length ? '#[REDACTED]' : ''}`
  }
  return out.length > MAX_LOGGED_CHARS ? `${out.slice(0, MAX_LOGGED_CHARS)}… (${out.length} characters)` : out
}

/**
 * Fastify's request logging with every URL redacted: one line per answer (method, redacted
 * URL, status, time, address), none on arrival, and errors without the raw URL.
 */
export class RedactingLogController extends LogController {
  override incomingRequest(): void {}
  override routeNotFound(): void {}
  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: redactUrl(request.url), statusCode: reply.statusCode, ms: Math.round(reply.elapsedTime), ip: request.ip }
    if (error) reply.log.error({ ...line, err: error }, 'request errored')
    else reply.log.info(line, 'request')
  }
  override defaultErrorLog(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    const line = { method: request.method, url: redactUrl(request.url), statusCode: reply.statusCode }
    if (reply.statusCode >= 500) reply.log.error({ ...line, err: error }, error?.message)
    else reply.log.info(line, error?.message)
  }
  override writeHeadError(error: Error, request: FastifyRequest, reply: FastifyReply): void {
    reply.log.warn({ method: request.method, url: redactUrl(request.url), err: error }, error?.message)
  }
}
