/**
 * The one logger choice of every `civicnet` command that logs (demo, collect, serve,
 * simulate), and the demo's progress line.
 *
 * - Format: LOG_FORMAT=json or LOG_FORMAT=pretty wins; otherwise pretty when stdout is a
 *   terminal, JSON (one object a line, for log shippers) when it is not.
 * - Pretty lines are pino-pretty's, one line per record ("[12:00:01.234] INFO: poller:
 *   message {fields}"), formatted and written synchronously in this process: no transport worker,
 *   so they appear in the order they were logged, and in order with console.log (the
 *   demo's banner), and none is lost when the process exits.
 * - Progress (progressOf): on a terminal with pretty logs, one status line rewritten in
 *   place ("\r"); a log line printed meanwhile clears it and draws it again below. In every
 *   other case the progress is a log record every few steps, so JSON stays JSON.
 * - LOG_LEVEL sets the level (default info).
 */
import pino, { type Logger } from 'pino'
import { prettyFactory } from 'pino-pretty'

export type LogFormat = 'json' | 'pretty'

/** What the logger writes to: process.stdout, or a test's stand-in. */
export interface LogStream {
  write(s: string): unknown
  isTTY?: boolean
}

/** LOG_FORMAT (json | pretty) if set, else pretty on a terminal and JSON otherwise. */
export function logFormat(env: NodeJS.ProcessEnv = process.env, stream: LogStream = process.stdout): LogFormat {
  const raw = (env.LOG_FORMAT ?? '').trim().toLowerCase()
  if (raw === 'json' || raw === 'pretty') return raw
  if (raw !== '') throw new Error(`LOG_FORMAT must be 'json' or 'pretty', got '${env.LOG_FORMAT}'`)
  return stream.isTTY ? 'pretty' : 'json'
}

const CLEAR_LINE = '\r\x1b[K'

/** One status line at the bottom of a terminal, which log lines print above. */
class StatusLine {
  #text = ''
  constructor(private readonly stream: LogStream) {}
  /** writes a log line: above the status line when one is shown */
  print(line: string): void {
    this.stream.write(this.#text ? CLEAR_LINE + line + this.#text : line)
  }
  show(text: string): void {
    this.#text = text
    this.stream.write(CLEAR_LINE + text)
  }
  /** leaves the last text on the screen and ends its line */
  end(text: string): void {
    this.#text = ''
    this.stream.write(CLEAR_LINE + text + '\n')
  }
}

const statusLines = new WeakMap<Logger, StatusLine>()

export interface CliLoggerOptions {
  env?: NodeJS.ProcessEnv
  stream?: LogStream
  /** default: LOG_LEVEL, else info */
  level?: string
}

/**
 * The logger of a CLI command. Throws on a LOG_FORMAT it does not know (the commands
 * report it like any other bad setting).
 */
export function createCliLogger(options: CliLoggerOptions = {}): Logger {
  const env = options.env ?? process.env
  const stream = options.stream ?? process.stdout
  const level = options.level ?? (env.LOG_LEVEL || 'info')
  if (logFormat(env, stream) === 'json') {
    // synchronous, as console.log is: a record is never split by a line printed meanwhile
    const dest = options.stream ? { write: (line: string) => stream.write(line) } : pino.destination({ fd: process.stdout.fd ?? 1, sync: true })
    return pino({ level }, dest)
  }
  const pretty = prettyFactory({
    colorize: !!stream.isTTY && !('NO_COLOR' in env),
    translateTime: 'SYS:HH:MM:ss.l',
    ignore: 'pid,hostname,part',
    // the part of the process that logged (poller, simulator, ...) leads the message
    messageFormat: '{if part}{part}: {end}{msg}',
    singleLine: true,
  })
  const status = new StatusLine(stream)
  const log = pino({ level }, { write: (line: string) => status.print(pretty(line)) })
  if (stream.isTTY) statusLines.set(log, status)
  return log
}

export interface Progress {
  /** `done` of `total` steps are done; `fields` go into the log record (not the status line) */
  step(done: number, fields?: Record<string, unknown>): void
  /** all done: the final line stays on the screen (or one last log record) */
  end(fields?: Record<string, unknown>): void
}

export interface ProgressOptions {
  /** what is progressing, e.g. 'history' (the log message and the status line's start) */
  what: string
  total: number
  /** not in place: a log record every this many steps, and one at the end (default: about a tenth of total) */
  logEvery?: number
  /** real time, for tests */
  now?: () => number
}

/** "about 1 min 5 s left" from the rate so far */
export function formatDuration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000))
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${s % 60} s`
  return `${Math.floor(m / 60)} h ${m % 60} min`
}

/**
 * Progress of a long step loop (the demo's history fill), reported through `log`: in place
 * on the terminal when `log` is a pretty terminal logger of createCliLogger, as log records
 * every `logEvery` steps otherwise (any pino logger).
 */
export function progressOf(log: Logger, options: ProgressOptions): Progress {
  const now = options.now ?? Date.now
  const started = now()
  const total = Math.max(0, options.total)
  const every = Math.max(1, options.logEvery ?? Math.ceil(total / 10))
  const status = statusLines.get(log)
  const figures = (done: number) => {
    const elapsedMs = now() - started
    const leftMs = done > 0 ? (elapsedMs / done) * (total - done) : null
    return { elapsedMs, leftMs }
  }
  const text = (done: number) => {
    const { elapsedMs, leftMs } = figures(done)
    const pct = total > 0 ? Math.floor((100 * done) / total) : 100
    const left = done >= total ? `done in ${formatDuration(elapsedMs)}` : leftMs === null ? 'estimating time left' : `about ${formatDuration(leftMs)} left`
    return `${options.what}: ${done}/${total} steps (${pct} %), ${left}`
  }
  let lastDrawMs = -Infinity
  return {
    step(done, fields = {}) {
      if (status) {
        // a terminal redraw at most 10 times a second
        if (done < total && now() - lastDrawMs < 100) return
        lastDrawMs = now()
        status.show(text(done))
        return
      }
      if (done % every !== 0 || done >= total) return // the last record is end()'s
      const { elapsedMs, leftMs } = figures(done)
      log.info({ done, of: total, ...fields, realSeconds: Math.round(elapsedMs / 1000), leftSeconds: leftMs === null ? null : Math.round(leftMs / 1000) }, options.what)
    },
    end(fields = {}) {
      if (status) {
        status.end(text(total))
        return
      }
      log.info({ done: total, of: total, ...fields, realSeconds: Math.round((now() - started) / 1000) }, `${options.what} done`)
    },
  }
}
