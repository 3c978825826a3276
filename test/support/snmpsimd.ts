/**
 * snmpsimd (Debian snmpsim 0.4.x) serving a folder of .snmprec recordings on 127.0.0.1 and
 * a free UDP port. The community string picks the recording (file name without .snmprec).
 * As root it must drop to nobody/nogroup, with a cache dir that user owns, and nobody must
 * be able to read the recordings: a checkout under /root (or any directory other users
 * cannot enter) would hide them. So it serves copies, in a temp dir of its own (dirs 0755,
 * files 0644), removed at stop.
 */
import { chmodSync, chownSync, copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freeUdpPort } from './ports.ts'
import { startSnmpPeer } from './snmp-peer.ts'

export interface RunningSnmpsimd {
  port: number
  /** the copy snmpsimd serves (removed at stop) */
  servedDir: string
  stop(): Promise<void>
}

const NOBODY_UID = 65534
const NOGROUP_GID = 65534

/** Copies the tree at from into to, dirs 0755 and files 0644, whatever the originals' modes. */
function copyReadable(from: string, to: string): void {
  for (const entry of readdirSync(from, { withFileTypes: true })) {
    const src = join(from, entry.name)
    const dst = join(to, entry.name)
    if (entry.isDirectory()) {
      mkdirSync(dst)
      chmodSync(dst, 0o755)
      copyReadable(src, dst)
    } else if (entry.isFile()) {
      copyFileSync(src, dst)
      chmodSync(dst, 0o644)
    }
  }
}

export async function startSnmpsimd(dataDir: string, options: { startTimeoutMs?: number } = {}): Promise<RunningSnmpsimd> {
  const recordings = readdirSync(dataDir).filter((f) => f.endsWith('.snmprec'))
  if (recordings.length === 0) throw new Error(`no .snmprec files in ${dataDir}`)
  const probeCommunity = recordings[0]!.replace(/\.snmprec$/, '')
  const served = mkdtempSync(join(tmpdir(), 'civicnet-snmprec-'))
  let cache: string | null = null
  try {
    chmodSync(served, 0o755)
    copyReadable(dataDir, served)
    cache = mkdtempSync(join(tmpdir(), 'civicnet-snmpsim-'))
    const port = await freeUdpPort()
    const args = [`--data-dir=${served}`, `--agent-udpv4-endpoint=127.0.0.1:${port}`, `--cache-dir=${cache}`]
    if (process.getuid?.() === 0) {
      chownSync(cache, NOBODY_UID, NOGROUP_GID)
      args.push('--process-user=nobody', '--process-group=nogroup')
    }
    const dir = cache
    cache = null // startSnmpPeer owns it from here: removed at its stop, or when it fails to start
    const peer = await startSnmpPeer({
      command: 'snmpsimd',
      args,
      dir,
      port,
      community: probeCommunity,
      probeOid: '1.3.6.1.2.1.1.2.0', // sysObjectID
      probeTimeoutMs: 500,
      startTimeoutMs: options.startTimeoutMs ?? 30_000,
    })
    return {
      port,
      servedDir: served,
      async stop() {
        try {
          await peer.stop()
        } finally {
          rmSync(served, { recursive: true, force: true })
        }
      },
    }
  } catch (err) {
    if (cache) rmSync(cache, { recursive: true, force: true })
    rmSync(served, { recursive: true, force: true })
    throw err
  }
}
