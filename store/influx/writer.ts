/**
 * Our own batching writer to the v1 /write endpoint (every InfluxDB generation serves it).
 * Lines are cut into batches (size, or after flushIntervalMs), at most maxInFlight batches
 * are on the wire at once, and a batch is retried with exponential backoff and jitter on
 * 429, 5xx and network errors. A 400 is a bad point: never retried, reported with
 * InfluxDB's own message. write() resolves once every batch holding its lines landed.
 */
import http from 'node:http'
import https from 'node:https'
import { StoreWriteError } from '../query.ts'

export interface LineWriterConfig {
  url: string
  database: string
  retentionPolicy?: string
  /** Authorization and other headers sent with each /write */
  headers: Record<string, string>
  /** lines per /write request (default 5000) */
  batchSize?: number
  /** a partial batch is sent after this long, ms (default 200) */
  flushIntervalMs?: number
  /** /write requests on the wire at once (default 4) */
  maxInFlight?: number
  /** retries of one batch after the first attempt (default 6) */
  maxRetries?: number
  /** first backoff, doubled per retry, ms (default 200) */
  retryBaseMs?: number
  /** longest backoff, ms (default 10000) */
  retryMaxMs?: number
  /** one request's timeout, ms (default 30000) */
  timeoutMs?: number
  /** the timestamps' unit in the lines (default 'ms') */
  precision?: 'ms' | 'ns'
}

export interface WriterStats {
  requests: number
  retries: number
  batchesFailed: number
  linesWritten: number
}

interface Waiter {
  pending: number
  failed: boolean
  resolve: () => void
  reject: (e: Error) => void
}
interface Batch {
  /** the request body, built when the batch is cut so its line strings die young */
  body: Buffer
  lines: number
  waiters: Set<Waiter>
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms))

export function createLineWriter(config: LineWriterConfig) {
  const batchSize = config.batchSize ?? 5000
  const flushIntervalMs = config.flushIntervalMs ?? 200
  const maxInFlight = config.maxInFlight ?? 4
  const maxRetries = config.maxRetries ?? 6
  const retryBaseMs = config.retryBaseMs ?? 200
  const retryMaxMs = config.retryMaxMs ?? 10_000
  const timeoutMs = config.timeoutMs ?? 30_000
  const base = new URL(config.url)
  const lib = base.protocol === 'https:' ? https : http
  const agent = new lib.Agent({ keepAlive: true, maxSockets: maxInFlight })
  const params = new URLSearchParams({ db: config.database, precision: config.precision ?? 'ms' })
  if (config.retentionPolicy) params.set('rp', config.retentionPolicy)
  const path = `${base.pathname.replace(/\/$/, '')}/write?${params}`
  const stats: WriterStats = { requests: 0, retries: 0, batchesFailed: 0, linesWritten: 0 }

  let buf: string[] = []
  let bufWaiters = new Set<Waiter>()
  let timer: NodeJS.Timeout | undefined
  let inFlight = 0
  const queue: Batch[] = []
  const idle: (() => void)[] = []

  function post(body: Buffer): Promise<{ status: number; text: string; retryAfterMs?: number }> {
    return new Promise((resolve, reject) => {
      const req = lib.request({
        protocol: base.protocol, hostname: base.hostname, port: base.port, path, method: 'POST', agent,
        headers: { ...config.headers, 'content-type': 'text/plain; charset=utf-8', 'content-length': body.length },
        timeout: timeoutMs,
      }, (res) => {
        const chunks: Buffer[] = []
        res.on('data', (c: Buffer) => chunks.push(c))
        res.on('end', () => {
          const ra = Number(res.headers['retry-after'])
          resolve({ status: res.statusCode ?? 0, text: Buffer.concat(chunks).toString('utf8'), retryAfterMs: ra > 0 ? ra * 1000 : undefined })
        })
        res.on('error', reject)
      })
      req.on('timeout', () => req.destroy(new Error(`no answer from ${base.origin}/write within ${timeoutMs} ms`)))
      req.on('error', reject)
      req.end(body)
    })
  }

  function errorText(text: string): string {
    try {
      return (JSON.parse(text) as { error?: string }).error ?? text
    } catch {
      return text
    }
  }

  async function send(batch: Batch): Promise<void> {
    const body = batch.body
    for (let attempt = 0; ; attempt++) {
      let retryAfterMs: number | undefined
      let why: string
      try {
        stats.requests++
        const res = await post(body)
        if (res.status === 204 || res.status === 200) {
          stats.linesWritten += batch.lines
          return
        }
        const msg = errorText(res.text).trim()
        if (res.status !== 429 && res.status < 500) {
          // 400 (bad point, field type conflict, partial write), 401/403, 404 (no database), 413
          const hint = res.status === 400 ? ' — a bad point; not retried' : res.status === 401 || res.status === 403 ? ' — check INFLUX_USERNAME/INFLUX_PASSWORD or INFLUX_TOKEN' : res.status === 404 ? ` — does database '${config.database}' exist?` : ''
          throw new StoreWriteError(`InfluxDB ${base.origin} rejected a batch of ${batch.lines} points with ${res.status}: ${msg}${hint}`, false)
        }
        why = `${res.status} ${msg}`
        retryAfterMs = res.retryAfterMs
      } catch (err) {
        if (err instanceof StoreWriteError) throw err
        why = err instanceof Error ? err.message : String(err)
      }
      if (attempt >= maxRetries) {
        throw new StoreWriteError(`InfluxDB ${base.origin} write failed after ${attempt + 1} attempts: ${why}`, true)
      }
      stats.retries++
      const backoff = Math.min(retryMaxMs, retryBaseMs * 2 ** attempt)
      // full jitter in [backoff/2, backoff) keeps retrying collectors from moving in lock-step
      await sleep(Math.min(retryMaxMs, Math.max(retryAfterMs ?? 0, backoff / 2 + Math.random() * backoff / 2)))
    }
  }

  function pump(): void {
    while (inFlight < maxInFlight && queue.length > 0) {
      const batch = queue.shift()!
      inFlight++
      send(batch).then(
        () => {
          for (const w of batch.waiters) if (--w.pending === 0 && !w.failed) w.resolve()
        },
        (err: Error) => {
          stats.batchesFailed++
          for (const w of batch.waiters) {
            if (!w.failed) {
              w.failed = true
              w.reject(err)
            }
          }
        },
      ).finally(() => {
        inFlight--
        pump()
        if (inFlight === 0 && queue.length === 0) idle.splice(0).forEach((f) => f())
      })
    }
  }

  function cut(): void {
    if (timer) {
      clearTimeout(timer)
      timer = undefined
    }
    if (buf.length === 0) return
    queue.push({ body: Buffer.from(buf.join('\n'), 'utf8'), lines: buf.length, waiters: bufWaiters })
    buf = []
    bufWaiters = new Set()
    pump()
  }

  return {
    stats,
    /** Queues lines; resolves when all of them landed, rejects with StoreWriteError. */
    write(lines: readonly string[]): Promise<void> {
      if (lines.length === 0) return Promise.resolve()
      return new Promise<void>((resolve, reject) => {
        const w: Waiter = { pending: 0, failed: false, resolve, reject }
        let i = 0
        while (i < lines.length) {
          const take = Math.min(batchSize - buf.length, lines.length - i)
          for (let j = 0; j < take; j++) buf.push(lines[i + j]!)
          i += take
          if (!bufWaiters.has(w)) {
            bufWaiters.add(w)
            w.pending++
          }
          if (buf.length >= batchSize) cut()
        }
        if (buf.length > 0 && !timer) timer = setTimeout(cut, flushIntervalMs)
      })
    },
    /** Sends the partial batch now and waits until nothing is in flight. */
    async flush(): Promise<void> {
      cut()
      if (inFlight === 0 && queue.length === 0) return
      await new Promise<void>((r) => idle.push(r))
    },
    close(): void {
      if (timer) clearTimeout(timer)
      agent.destroy()
    },
  }
}

export type LineWriter = ReturnType<typeof createLineWriter>
