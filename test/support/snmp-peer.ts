/**
 * Runs a real SNMP agent program (snmpd, snmpsimd) for a test: output to a log file (a pipe
 * nobody drains would fill up and stall it), ready once it answers an SNMP GET on
 * 127.0.0.1, stopped with SIGTERM (SIGKILL after 3 s) with its temp dir removed.
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

/** Starts the peer and resolves once it answers; returns its stop(). */
export async function startSnmpPeer(spec: SnmpPeerSpec): Promise<{ stop(): Promise<void> }> {
  const logPath = join(spec.dir, `${spec.command}.log`)
  const logFd = openSync(logPath, 'w')
  const child = spawn(spec.command, spec.args, { ...(spec.env ? { env: spec.env } : {}), stdio: ['ignore', logFd, logFd] })
  closeSync(logFd)
  const output = () => {
    try {
      return readFileSync(logPath, 'utf8').trim().slice(-800)
    } catch {
      return ''
    }
  }
  let exited = false
  child.once('exit', () => (exited = true))

  const stop = async () => {
    if (!exited) {
      const gone = new Promise((r) => child.once('exit', r))
      child.kill('SIGTERM')
      await Promise.race([gone, new Promise((r) => setTimeout(r, 3000))])
      if (!exited) child.kill('SIGKILL')
    }
    rmSync(spec.dir, { recursive: true, force: true })
  }

  const deadline = Date.now() + spec.startTimeoutMs
  for (;;) {
    if (exited) {
      await stop()
      throw new Error(`${spec.command} exited at start-up: ${output()}`)
    }
    const s = openSession({ host: '127.0.0.1', port: spec.port, credential: { version: 'v2c', community: spec.community }, timeoutMs: spec.probeTimeoutMs, retries: 0 })
    try {
      await s.get([spec.probeOid])
      return { stop }
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`${spec.command} on 127.0.0.1:${spec.port} did not answer within ${spec.startTimeoutMs / 1000} s: ${output()}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    } finally {
      s.close()
    }
  }
}
