/**
 * snmpsimd (Debian snmpsim 0.4.x) serving a folder of .snmprec recordings on 127.0.0.1 and
 * a free UDP port. The community string picks the recording (file name without .snmprec).
 * As root it must drop to nobody/nogroup, with a cache dir that user owns.
 */
import { chownSync, mkdtempSync, readdirSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freeUdpPort } from './ports.ts'
import { startSnmpPeer } from './snmp-peer.ts'

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
  const { stop } = await startSnmpPeer({
    command: 'snmpsimd',
    args,
    dir: cache,
    port,
    community: probeCommunity,
    probeOid: '1.3.6.1.2.1.1.2.0', // sysObjectID
    probeTimeoutMs: 500,
    startTimeoutMs: options.startTimeoutMs ?? 30_000,
  })
  return { port, stop }
}
