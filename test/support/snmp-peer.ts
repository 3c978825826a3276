/**
 * Runs a real SNMP agent program (snmpd, snmpsimd) for a test: output to a log file (a pipe
 * nobody drains would fill up and stall it), ready once it answers an SNMP GET on
 * 127.0.0.1, stopped with SIGTERM (SIGKILL after 3 s) with its temp dir removed. A peer
 * that cannot start fails with an error naming the program, how it ended (exit code or
 * signal, or still running) and the last lines of its log.
 */
import { spawn } from 'node:child_process'
import { closeSync, openSync, readFileSync, rmSync } from 'node:fs'
import { join } from 'node:path'
import { openSession } from '../../collector/snmp/session.ts'

export interface SnmpPeerSpec {
  /** program name, for messages and the log file */
  command: string
  args: string[]
  env?: NodeJS.ProcessEnv
  /** the peer's temp dir: holds the log, removed on stop */
  dir: string
  /** where and what to ask to know it is up */
  port: number
  community: string
  probeOid: string
  probeTimeoutMs: number
  startTimeoutMs: number
}

/** lines of the peer's log quoted in a start-up error */
const LOG_TAIL_LINES = 20

/** The last lines of a log, indented, or a note that there are none. */
export function logTail(text: string, lines = LOG_TAIL_LINES): string {
  const all = text.trimEnd().split('\n').filter((l) => l.trim() !== '')
  if (all.length === 0) return '  (its log is empty)'
  return all
    .slice(-lines)
    .map((l) => `  | ${l.length > 400 ? l.slice(0, 400) + '...' : l}`)
    .join('\n')
}

/** Starts the peer and resolves once it answers; returns its stop(). */
export async function startSnmpPeer(spec: SnmpPeerSpec): Promise<{ stop(): Promise<void> }> {
  const logPath = join(spec.dir, `${spec.command}.log`)
  const logFd = openSync(logPath, 'w')
  const child = spawn(spec.command, spec.args, { ...(spec.env ? { env: spec.env } : {}), stdio: ['ignore', logFd, logFd] })
  closeSync(logFd)
  const readLog = () => {
    try {
      return readFileSync(logPath, 'utf8')
    } catch {
      return ''
    }
  }
  let ended: { code: number | null; signal: NodeJS.Signals | null } | null = null
  let spawnError: Error | null = null
  child.once('exit', (code, signal) => (ended = { code, signal }))
  child.once('error', (err) => (spawnError = err))
  const gone = () => ended !== null || spawnError !== null

  const stop = async () => {
    if (!gone()) {
      const exited = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([exited, new Promise((r) => setTimeout(r, 3000))])
      if (!gone()) child.kill('SIGKILL')
    }
    rmSync(spec.dir, { recursive: true, force: true })
  }
  /** stops the peer and returns the error to throw; the log is read before stop() removes it */
  const failure = async (what: string) => {
    const log = readLog()
    await stop()
    return new Error(`${what}\n  command: ${[spec.command, ...spec.args].join(' ')}\n  last lines of its log:\n${logTail(log)}`)
  }

  const deadline = Date.now() + spec.startTimeoutMs
  for (;;) {
    if (spawnError) throw await failure(`${spec.command} could not be started: ${(spawnError as Error).message} (is it installed? scripts/setup.sh installs it)`)
    if (ended) {
      const { code, signal } = ended
      throw await failure(`${spec.command} exited ${signal ? `on signal ${signal}` : `with exit code ${code}`} before it answered on 127.0.0.1:${spec.port}`)
    }
    const s = openSession({ host: '127.0.0.1', port: spec.port, credential: { version: 'v2c', community: spec.community }, timeoutMs: spec.probeTimeoutMs, retries: 0 })
    try {
      await s.get([spec.probeOid])
      return { stop }
    } catch {
      if (Date.now() > deadline) {
        throw await failure(
          `${spec.command} (pid ${child.pid}, still running: no exit code) did not answer a GET of ${spec.probeOid} (community '${spec.community}') on 127.0.0.1:${spec.port} within ${spec.startTimeoutMs / 1000} s`,
        )
      }
      await new Promise((r) => setTimeout(r, 200))
    } finally {
      s.close()
    }
  }
}
