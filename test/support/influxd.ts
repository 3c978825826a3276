/**
 * A private, real InfluxDB (Debian's influxd 1.6.7) for tests and benchmarks: free
 * loopback ports for HTTP and the 8088 RPC bind address, its own temp dir, waits for
 * /ping. stop() kills it and removes the dir. Used by the store, collector and API tests.
 */
import { spawn, execFileSync } from 'node:child_process'
import type { ChildProcess } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

export interface Influxd {
  /** http://127.0.0.1:PORT */
  url: string
  port: number
  /** its temp dir: meta/, data/, wal/ (tests that inspect what it wrote) */
  dir: string
  /** kills influxd (SIGTERM, then SIGKILL after 5 s) and removes its temp dir */
  stop(): Promise<void>
  /** stops influxd but keeps its data dir and ports, so restart() brings the same store back (outage tests) */
  halt(): Promise<void>
  /** starts influxd again on the same data dir and ports and waits for /ping */
  restart(): Promise<void>
}

/** A port the kernel just handed out on 127.0.0.1 (free at that moment). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address()
      const port = typeof addr === 'object' && addr ? addr.port : 0
      srv.close(() => resolve(port))
    })
  })
}

/** Rewrites `influxd config` output: dirs into `dir`, binds onto loopback ports, quiet. */
function makeConfig(base: string, dir: string, httpPort: number, rpcPort: number, authEnabled: boolean): string {
  let section = ''
  return base.split('\n').map((line) => {
    const sec = /^\s*\[+([^\]]+)\]+/.exec(line)
    if (sec) section = sec[1]!
    const key = /^\s*([a-z0-9-]+)\s*=/.exec(line)?.[1]
    if (!key) return line
    const set = (v: string) => line.replace(/=.*$/, `= ${v}`)
    if (section === '' && key === 'bind-address') return set(`"127.0.0.1:${rpcPort}"`)
    if (section === '' && key === 'reporting-enabled') return set('false')
    if (section === 'meta' && key === 'dir') return set(JSON.stringify(join(dir, 'meta')))
    if (section === 'data' && key === 'dir') return set(JSON.stringify(join(dir, 'data')))
    if (section === 'data' && key === 'wal-dir') return set(JSON.stringify(join(dir, 'wal')))
    if (section === 'data' && key === 'query-log-enabled') return set('false')
    if (section === 'http' && key === 'bind-address') return set(`"127.0.0.1:${httpPort}"`)
    if (section === 'http' && key === 'log-enabled') return set('false')
    if (section === 'http' && key === 'auth-enabled') return set(String(authEnabled))
    if (section === 'http' && key === 'pprof-enabled') return set('false')
    // the _internal database would cost CPU every 10 s on a shared 2-core machine
    if (section === 'monitor' && key === 'store-enabled') return set('false')
    if (section === 'continuous_queries' && key === 'log-enabled') return set('false')
    if (section === 'ifql' && key === 'enabled') return set('false')
    return line
  }).join('\n')
}

async function waitForPing(url: string, child: ChildProcess, timeoutMs: number, stderr: () => string): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`influxd exited with code ${child.exitCode} before answering /ping: ${stderr().slice(-2000)}`)
    try {
      const res = await fetch(`${url}/ping`)
      if (res.status === 204) return
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 100))
  }
  throw new Error(`influxd did not answer ${url}/ping within ${timeoutMs} ms: ${stderr().slice(-2000)}`)
}

/**
 * authEnabled: HTTP auth on; with no user yet, influxd accepts only `CREATE USER … WITH ALL
 * PRIVILEGES` (send it without credentials), then Basic auth for everything.
 */
export async function startInfluxd(options: { timeoutMs?: number; authEnabled?: boolean } = {}): Promise<Influxd> {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-influxd-'))
  const base = execFileSync('influxd', ['config'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] })
  let lastError: unknown
  // a free port can be taken between probing and binding: try a few pairs
  for (let attempt = 0; attempt < 3; attempt++) {
    const port = await freePort()
    const rpcPort = await freePort()
    const conf = join(dir, 'influxd.conf')
    writeFileSync(conf, makeConfig(base, dir, port, rpcPort, options.authEnabled ?? false))
    let err = ''
    const launch = () => {
      const c = spawn('influxd', ['-config', conf], { stdio: ['ignore', 'ignore', 'pipe'] })
      c.stderr!.on('data', (d: Buffer) => {
        err = (err + d.toString()).slice(-8000)
      })
      return { c, exited: new Promise<void>((resolve) => c.once('exit', () => resolve())) }
    }
    let { c: child, exited } = launch()
    const url = `http://127.0.0.1:${port}`
    const kill = async (): Promise<void> => {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM')
        const t = setTimeout(() => child.kill('SIGKILL'), 5000)
        await exited
        clearTimeout(t)
      }
    }
    try {
      await waitForPing(url, child, options.timeoutMs ?? 20_000, () => err)
    } catch (e) {
      lastError = e
      await kill()
      continue
    }
    // if the test process dies, do not leave influxd behind
    const onExit = () => child.kill('SIGKILL')
    process.once('exit', onExit)
    return {
      url,
      port,
      dir,
      async stop() {
        process.off('exit', onExit)
        await kill()
        rmSync(dir, { recursive: true, force: true })
      },
      halt: kill,
      async restart() {
        await kill()
        ;({ c: child, exited } = launch())
        await waitForPing(url, child, options.timeoutMs ?? 20_000, () => err)
      },
    }
  }
  rmSync(dir, { recursive: true, force: true })
  throw lastError
}
