/**
 * The real `civicnet demo` in a child process (what `npm start` runs), for tests of what a
 * user sees: its output (on a pipe, or on a pseudo-terminal), its restarts on one data dir. Free ports everywhere, agents on free
 * ports, a short history and a short poll interval unless the caller says otherwise.
 *
 *   const demo = spawnDemo({ dataDir })
 *   const url = await demo.url            // the API's base URL, once it listens
 *   ...
 *   const code = await demo.stop()        // SIGINT, as Ctrl-C does
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('../..', import.meta.url))

/** The environment of a demo on `dataDir` that binds no fixed port. */
export function demoEnv(dataDir: string, extra: Record<string, string> = {}): Record<string, string> {
  return {
    CIVICNET_DATA_DIR: dataDir,
    PORT: '0',
    CIVICNET_SIM_CONTROL_PORT: '0',
    CIVICNET_TRAP_PORT: '0',
    CIVICNET_DEMO_EPHEMERAL_PORTS: '1',
    CIVICNET_DEMO_HISTORY_DAYS: '1',
    CIVICNET_DEMO_HISTORY_STEP_MS: '3600000',
    CIVICNET_COLLECT_INTERVAL_MS: '5000',
    LOG_LEVEL: 'info',
    ...extra,
  }
}

export interface DemoProcess {
  child: ChildProcess
  /** resolves with the API's base URL (http://127.0.0.1:port) once it listens; rejects if the demo exits first */
  url: Promise<string>
  /** everything written to stdout so far */
  stdout(): string
  stderr(): string
  /** resolves with the exit code */
  exited: Promise<number | null>
  /** sends SIGINT (Ctrl-C) and waits for the exit; SIGKILL after timeoutMs */
  stop(timeoutMs?: number): Promise<number | null>
  /**
   * Why a stop was not clean, facts first (a CI log shows a message's first lines): the exit
   * code and signal, how long the stop took and whether it was killed, then what the demo
   * printed after it was asked to stop, then the end of its output.
   */
  stopReport(): string
}

/** Finds the API's URL in the demo's output: pino's "Server listening at" (JSON or pretty) or the banner. */
export function listeningUrl(out: string): string | null {
  const m = /Server listening at (http:\/\/[0-9.]+:\d+)/.exec(out) ?? /demo is up: (http:\/\/[a-z0-9.]+:\d+)/.exec(out)
  return m ? m[1]!.replace('localhost', '127.0.0.1') : null
}

const shellQuote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`

/**
 * Spawns `node bin/civicnet.js demo` with demoEnv(dataDir, env). With `tty`, under
 * util-linux `script`, so the demo's stdout is a pseudo-terminal (as in a user's
 * terminal); stop() then types Ctrl-C into it, as a user does.
 */
export function spawnDemo(opts: { dataDir: string; env?: Record<string, string>; tty?: boolean }): DemoProcess {
  const argv = [process.execPath, 'bin/civicnet.js', 'demo']
  // `exec`: script runs the command through $SHELL -c, and dash (Debian's /bin/sh, used
  // when SHELL is unset, as under CI) stays as the demo's parent, takes the Ctrl-C itself
  // and exits 130 whatever the demo does; bash execs a lone command by itself.
  const [cmd, ...args] = opts.tty ? ['script', '-qfec', `exec ${argv.map(shellQuote).join(' ')}`, '/dev/null'] : argv
  const env: NodeJS.ProcessEnv = { ...process.env, ...demoEnv(opts.dataDir, opts.env) }
  // a variable set to '' in opts.env means "unset" (e.g. LOG_FORMAT: '')
  for (const [k, v] of Object.entries(opts.env ?? {})) if (v === '') delete env[k]
  const child = spawn(cmd!, args, { cwd: root, env, stdio: ['pipe', 'pipe', 'pipe'] })
  let stdout = ''
  let stderr = ''
  let stopAt: { ms: number; stdoutLength: number; stderrLength: number } | null = null
  let stoppedAfterMs: number | null = null
  let killed = false
  child.stdout!.setEncoding('utf8')
  child.stderr!.setEncoding('utf8')
  const exited = new Promise<number | null>((resolve, reject) => {
    child.on('error', reject)
    child.on('close', (code) => resolve(code))
  })
  const url = new Promise<string>((resolve, reject) => {
    child.stdout!.on('data', (d: string) => {
      stdout += d
      const u = listeningUrl(stdout)
      if (u) resolve(u)
    })
    child.stderr!.on('data', (d: string) => (stderr += d))
    exited.then(
      (code) => reject(new Error(`demo exited (${code}) before listening\nstdout:\n${stdout.slice(-3000)}\nstderr:\n${stderr.slice(-3000)}`)),
      reject,
    )
  })
  url.catch(() => {}) // a caller that never asks for the URL must not see an unhandled rejection
  return {
    child,
    url,
    stdout: () => stdout,
    stderr: () => stderr,
    exited,
    async stop(timeoutMs = 30_000) {
      if (child.exitCode === null && child.signalCode === null) {
        stopAt = { ms: Date.now(), stdoutLength: stdout.length, stderrLength: stderr.length }
        // Ctrl-C: on a terminal the line discipline turns it into SIGINT for the demo
        if (opts.tty) child.stdin!.write('\x03')
        else child.kill('SIGINT')
      }
      const t = setTimeout(() => {
        killed = true
        child.kill('SIGKILL')
      }, timeoutMs)
      try {
        return await exited
      } finally {
        clearTimeout(t)
        if (stopAt && stoppedAfterMs === null) stoppedAfterMs = Date.now() - stopAt.ms
      }
    },
    stopReport() {
      // eslint-disable-next-line no-control-regex -- the terminal's erase-line sequence
      const progress = /^\s*(\x1b\[K)?history: \d+\/\d+ steps/
      const lines = (s: string) => s.split(/\r?\n|\r/).filter((l) => l.trim() !== '' && !progress.test(l))
      const after = stopAt ? lines(stdout.slice(stopAt.stdoutLength) + '\n' + stderr.slice(stopAt.stderrLength)) : []
      return [
        `exit code ${child.exitCode}, signal ${child.signalCode}, ${opts.tty ? 'Ctrl-C typed on a pseudo-terminal' : 'SIGINT sent'}` +
          (stoppedAfterMs === null ? ', never asked to stop' : `, ended ${stoppedAfterMs} ms after it${killed ? ' (SIGKILLed: it did not end in time)' : ''}`),
        `after the stop (${after.length} lines):`,
        ...after.slice(0, 40).map((l) => `  | ${l.slice(0, 400)}`),
        'stderr, the end:',
        ...lines(stderr).slice(-15).map((l) => `  | ${l.slice(0, 400)}`),
        'stdout before the stop, the end:',
        ...lines(stopAt ? stdout.slice(0, stopAt.stdoutLength) : stdout).slice(-10).map((l) => `  | ${l.slice(0, 400)}`),
      ].join('\n')
    },
  }
}
