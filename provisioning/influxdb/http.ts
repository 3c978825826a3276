/**
 * The one HTTP helper the InfluxDB set-up uses: fetch with a timeout, the Authorization
 * header built from credentials, and errors that say in words what went wrong (unreachable,
 * refused credentials, a missing permission) without ever echoing a secret.
 */

/** Credentials for one InfluxDB: 1.x user/password (HTTP Basic) or a 2.x/3.x token. */
export type InfluxAuth =
  | { kind: 'none' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'token'; token: string }

/** A set-up step that failed; `exitCode` 2 for bad input, 1 for a failed check or refused request. */
export class InfluxSetupError extends Error {
  constructor(message: string, readonly exitCode: 1 | 2 = 1, options?: { cause?: unknown }) {
    super(message, options)
    this.name = 'InfluxSetupError'
  }
}

export interface InfluxResponse {
  status: number
  headers: Headers
  text: string
}

/** The Authorization header value for `auth`, or undefined. Token auth uses `Token …`, which 2.x and 3.x (v1 and v2 endpoints) accept. */
export function authHeader(auth: InfluxAuth, scheme: 'Token' | 'Bearer' = 'Token'): string | undefined {
  if (auth.kind === 'basic') return `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`
  if (auth.kind === 'token') return `${scheme} ${auth.token}`
  return undefined
}

/**
 * One request. Throws InfluxSetupError when the host cannot be reached (naming the URL and
 * the system's reason); any HTTP status is returned for the caller to judge.
 */
export async function influxRequest(
  baseUrl: string,
  method: string,
  path: string,
  options: { auth?: InfluxAuth; bearer?: boolean; query?: Record<string, string | undefined>; json?: unknown; body?: string; timeoutMs?: number } = {},
): Promise<InfluxResponse> {
  const url = new URL(path, baseUrl.endsWith('/') ? baseUrl : baseUrl + '/')
  for (const [k, v] of Object.entries(options.query ?? {})) if (v !== undefined) url.searchParams.set(k, v)
  const headers: Record<string, string> = {}
  const auth = options.auth ? authHeader(options.auth, options.bearer ? 'Bearer' : 'Token') : undefined
  if (auth) headers.authorization = auth
  let body: string | undefined = options.body
  if (options.json !== undefined) {
    headers['content-type'] = 'application/json'
    body = JSON.stringify(options.json)
  } else if (body !== undefined) headers['content-type'] = 'text/plain; charset=utf-8'
  let res: Response
  try {
    res = await fetch(url, { method, headers, body, signal: AbortSignal.timeout(options.timeoutMs ?? 10_000) })
  } catch (err) {
    const cause = (err as { cause?: { code?: string; message?: string } }).cause
    const why = (err as Error).name === 'TimeoutError' ? `no answer within ${options.timeoutMs ?? 10_000} ms` : cause?.code ?? cause?.message ?? (err as Error).message
    throw new InfluxSetupError(`cannot reach InfluxDB at ${new URL(baseUrl).origin} (${why}): check --url / INFLUX_URL and that InfluxDB is running`, 1, { cause: err })
  }
  return { status: res.status, headers: res.headers, text: await res.text() }
}

/** The error text of an InfluxDB answer: 1.x `{"error"}`, 2.x `{"code","message"}`, 3.x `{"error"}` or plain text; cut short. */
export function errorText(res: InfluxResponse): string {
  try {
    const o = JSON.parse(res.text) as { error?: string; message?: string }
    const msg = o.message ?? o.error
    if (msg) return String(msg).slice(0, 300)
  } catch {
    // not JSON
  }
  return res.text.trim().slice(0, 300) || `HTTP ${res.status}`
}

/** Parses a JSON body, naming the endpoint when it is not JSON. */
export function jsonOf<T>(res: InfluxResponse, what: string): T {
  try {
    return JSON.parse(res.text) as T
  } catch {
    throw new InfluxSetupError(`${what}: the answer is not JSON (HTTP ${res.status}): ${res.text.slice(0, 200)}`)
  }
}
