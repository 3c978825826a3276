/**
 * A private Debian snmpd for tests: own config, own persistent dir (so the v3 user and
 * engine id never touch /var/lib/snmp), bound to 127.0.0.1 on a free UDP port.
 *   const agent = await startSnmpd({ v3User: { user: 'civic', authKey: '...', privKey: '...' } })
 *   ... agent.port, agent.community ...
 *   await agent.stop()
 */
import { mkdtempSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freeUdpPort } from './ports.ts'
import { startSnmpPeer } from './snmp-peer.ts'

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
  const { stop } = await startSnmpPeer({
    command: 'snmpd',
    args: ['-f', '-Lo', '-C', '-c', conf, '-I', '-smux'],
    env: { ...process.env, SNMP_PERSISTENT_DIR: join(dir, 'persist'), MIBS: '' },
    dir,
    port,
    community,
    probeOid: '1.3.6.1.2.1.1.1.0', // sysDescr
    probeTimeoutMs: 300,
    startTimeoutMs: 15_000,
  })
  return { port, community, v3, stop }
}
