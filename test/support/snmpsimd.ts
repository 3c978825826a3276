/**
 * snmpsimd (Debian snmpsim 0.4.x) serving a folder of .snmprec recordings on 127.0.0.1 and
 * a free UDP port. The community string picks the recording (file name without .snmprec).
 * As root it must drop to nobody/nogroup, with a cache dir that user owns.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { chownSync, closeSync, mkdtempSync, openSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSession } from '../../collector/snmp/session.ts'
import { freeUdpPort } from './ports.ts'

export interface RunningSnmpsimd {
  port: number
  stop(): Promise<void>
}

const NOBODY_UID = 65534
const NOGROUP_GID = 65534

export async function startSnmpsimd(dataDir: string, options: { startTimeoutMs?: number } = {}): Promise<RunningSnmpsimd> {
  const recordings = readdirSync(dataDir).filter((f) => f.endsWith('.snmprec'))
  if (recordings.length === 0) throw new Error(`no .snmprec files in ${dataDir}`)
  const probeCommunity = recordings[0]!.replace(/\.snmprec$/, '')
  const cache = mkdtempSync(join(tmpdir(), 'civicnet-snmpsim-'))
  const port = await freeUdpPort()
  const args = [`--data-dir=${dataDir}`, `--agent-udpv4-endpoint=127.0.0.1:${port}`, `--cache-dir=${cache}`]
  if (process.getuid?.() === 0) {
    chownSync(cache, NOBODY_UID, NOGROUP_GID)
    args.push('--process-user=nobody', '--process-group=nogroup')
  }
  // output goes to a file: a pipe that nobody drains (a test blocked in execFileSync)
  // fills up and stalls snmpsimd, which logs every request
  const logPath = join(cache, 'snmpsimd.log')
  const logFd = openSync(logPath, 'w')
  const child: ChildProcess = spawn('snmpsimd', args, { stdio: ['ignore', logFd, logFd] })
  closeSync(logFd)
  const output = () => {
    try {
      return readFileSync(logPath, 'utf8')
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
    rmSync(cache, { recursive: true, force: true })
  }

  const deadline = Date.now() + (options.startTimeoutMs ?? 30_000)
  for (;;) {
    if (exited) {
      await stop()
      throw new Error(`snmpsimd exited at start-up: ${output().trim().slice(-800)}`)
    }
    const s = openSession({ host: '127.0.0.1', port, credential: { version: 'v2c', community: probeCommunity }, timeoutMs: 500, retries: 0 })
    try {
      await s.get(['1.3.6.1.2.1.1.2.0']) // sysObjectID
      break
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`snmpsimd on 127.0.0.1:${port} did not answer in time: ${output().trim().slice(-800)}`)
      }
      await new Promise((r) => setTimeout(r, 200))
    } finally {
      s.close()
    }
  }
  return { port, stop }
}
