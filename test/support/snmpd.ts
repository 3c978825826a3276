/**
 * A private Debian snmpd for tests: own config, own persistent dir (so the v3 user and
 * engine id never touch /var/lib/snmp), bound to 127.0.0.1 on a free UDP port.
 *   const agent = await startSnmpd({ v3User: { user: 'civic', authKey: '...', privKey: '...' } })
 *   ... agent.port, agent.community ...
 *   await agent.stop()
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openSession } from '../../collector/snmp/session.ts'
import { freeUdpPort } from './ports.ts'

export interface SnmpdV3User {
  user: string
  /** auth pass phrase, at least 8 characters */
  authKey: string
  /** privacy pass phrase, at least 8 characters */
  privKey: string
  /** snmpd's names: SHA (default), MD5, SHA-224, SHA-256, SHA-384, SHA-512 */
  authProtocol?: string
  /** snmpd's names: AES (default, AES-128), DES, AES-192, AES-256 */
  privProtocol?: string
}

export interface RunningSnmpd {
  port: number
  community: string
  v3: SnmpdV3User | null
  stop(): Promise<void>
}

export async function startSnmpd(options: { v3User?: SnmpdV3User; moreV3Users?: SnmpdV3User[]; community?: string } = {}): Promise<RunningSnmpd> {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-snmpd-'))
  const port = await freeUdpPort()
  const community = options.community ?? 'civic-test'
  const v3 = options.v3User ?? null
  const conf = join(dir, 'snmpd.conf')
  const lines = [
    `agentAddress udp:127.0.0.1:${port}`,
    `rocommunity ${community} 127.0.0.1`,
    'sysLocation CivicNet test bench',
    'sysContact noc@civicnet.invalid',
    'sysName civicnet-snmpd',
  ]
  for (const u of [...(v3 ? [v3] : []), ...(options.moreV3Users ?? [])]) {
    lines.push(`createUser ${u.user} ${u.authProtocol ?? 'SHA'} "${u.authKey}" ${u.privProtocol ?? 'AES'} "${u.privKey}"`, `rouser ${u.user} authPriv`)
  }
  writeFileSync(conf, lines.join('\n') + '\n')
  const logPath = join(dir, 'snmpd.log')
  const logFd = openSync(logPath, 'w')
  const child: ChildProcess = spawn('snmpd', ['-f', '-Lo', '-C', '-c', conf, '-I', '-smux'], {
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), MIBS: '' },
    stdio: ['ignore', logFd, logFd],
  })
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
    rmSync(dir, { recursive: true, force: true })
  }

  // wait until it answers a GET of sysDescr
  const deadline = Date.now() + 15_000
  for (;;) {
    if (exited) {
      await stop()
      throw new Error(`snmpd exited at start-up: ${output().trim().slice(-500)}`)
    }
    const s = openSession({ host: '127.0.0.1', port, credential: { version: 'v2c', community }, timeoutMs: 300, retries: 0 })
    try {
      await s.get(['1.3.6.1.2.1.1.1.0']) // sysDescr
      break
    } catch {
      if (Date.now() > deadline) {
        await stop()
        throw new Error(`snmpd on 127.0.0.1:${port} did not answer within 15 s: ${output().trim().slice(-500)}`)
      }
    } finally {
      s.close()
    }
  }
  return { port, community, v3, stop }
}
