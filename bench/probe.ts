/**
 * What a probe costs a device: SNMP requests, varbinds and collector CPU per poll, for every
 * real recording in test/fixtures/snmprec, served by snmpsimd on loopback.
 *
 *   node --import tsx bench/probe.ts            BENCH_PROBE_RUNS=5 (polls per recording)
 *
 * Side by side, in the same run and against the same agent:
 * - probe:    collector/probe.ts's probeWithSession with every built-in profile loaded;
 * - own only: the same with only the matched profile (and generic) loaded: equal requests
 *             mean more profiles do not mean more requests to a device;
 * - net-snmp: the baseline, net-snmp alone doing the same walks (session.subtree, GETBULK,
 *             the same max-repetitions) and GETs the probe made, with no interpretation;
 * - walk all: what a poller that walks the whole tree (1.3.6.1) would send the device.
 * CPU is this process's user+system time (snmpsimd runs in its own process), per poll, the
 * median of the runs after one warm-up.
 */
import { readdirSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { snmp, type Session, type Varbind } from '../collector/net-snmp.ts'
import { probeWithSession } from '../collector/probe.ts'
import { GENERIC_PROFILE, PROFILES, getProfile } from '../collector/profiles/index.ts'
import { GET_CHUNK, openSession, SESSION_DEFAULTS, type SnmpSession } from '../collector/snmp/session.ts'
import { startSnmpsimd } from '../test/support/snmpsimd.ts'

const RUNS = Number(process.env.BENCH_PROBE_RUNS ?? 5)
const dir = fileURLToPath(new URL('../test/fixtures/snmprec/recordings/', import.meta.url))
const only = process.env.BENCH_PROBE_RECORDINGS?.split(',').filter(Boolean)
const names = readdirSync(dir)
  .filter((f) => f.endsWith('.snmprec'))
  .map((f) => f.replace(/\.snmprec$/, ''))
  .filter((n) => !only || only.includes(n))
  .sort()

interface Calls {
  walks: string[]
  gets: string[][]
}

/** A session that records what it was asked to walk and GET (the probe's plan, replayed by the baseline). */
function recording(session: SnmpSession, calls: Calls): SnmpSession {
  return {
    ...session,
    get stats() {
      return session.stats
    },
    get bulkDisabled() {
      return session.bulkDisabled
    },
    get: (oids: string[]) => {
      calls.gets.push([...oids])
      return session.get(oids)
    },
    walk: (subtree: string, options?: Parameters<SnmpSession['walk']>[1]) => {
      calls.walks.push(subtree)
      return session.walk(subtree, options)
    },
  } as SnmpSession
}

const cpuMs = (u: NodeJS.CpuUsage) => (u.user + u.system) / 1000
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!

function rawSession(port: number, community: string): Session {
  return snmp.createSession('127.0.0.1', community, { port, version: snmp.Version2c, timeout: 5000, retries: 1 })
}

/** net-snmp alone: subtree() per walk and get() per batch; requests counted as datagrams sent. */
async function baseline(port: number, community: string, calls: Calls): Promise<{ requests: number; varbinds: number }> {
  const s = rawSession(port, community)
  let requests = 0
  let varbinds = 0
  const socket = s.dgram!
  const send = socket.send.bind(socket)
  socket.send = (...args: unknown[]) => {
    requests++
    send(...args)
  }
  try {
    for (const oids of calls.gets) {
      // in batches of GET_CHUNK OIDs, as the collector sends them
      for (let i = 0; i < oids.length; i += GET_CHUNK) {
        const vbs = await new Promise<Varbind[]>((res, rej) => s.get(oids.slice(i, i + GET_CHUNK), (e, v) => (e ? rej(e) : res(v ?? []))))
        varbinds += vbs.length
      }
    }
    for (const oid of calls.walks) {
      await new Promise<void>((res, rej) =>
        s.subtree(
          oid,
          SESSION_DEFAULTS.maxRepetitions,
          (vbs: Varbind[]) => {
            varbinds += vbs.length
          },
          (e?: Error) => (e ? rej(e) : res()),
        ),
      )
    }
  } finally {
    s.close()
  }
  return { requests, varbinds }
}

/** Requests to walk the whole tree; null when the agent gave up on it (snmpsimd times out on some large recordings). */
async function walkAll(port: number, community: string): Promise<number | null> {
  const s = openSession({ host: '127.0.0.1', port, credential: { version: 'v2c', community }, timeoutMs: 10_000 })
  try {
    await s.walk('1.3.6.1')
    return s.stats.requests
  } catch (err) {
    console.error(`${community}: walk of the whole tree failed: ${(err as Error).message}`)
    return null
  } finally {
    s.close()
  }
}

const agent = await startSnmpsimd(dir)
try {
  console.log(`probe cost per poll, ${names.length} recordings, ${RUNS} polls each after a warm-up (snmpsimd on loopback, max-repetitions ${SESSION_DEFAULTS.maxRepetitions})`)
  console.log(
    'recording'.padEnd(36) +
      'profile'.padEnd(26) +
      'req probe'.padStart(10) +
      'req own'.padStart(9) +
      'req n-snmp'.padStart(11) +
      'req all'.padStart(9) +
      'cpu ms probe'.padStart(13) +
      'cpu ms n-snmp'.padStart(14) +
      'varbinds'.padStart(9),
  )
  const totals = { probe: 0, own: 0, base: 0, all: 0, cpuProbe: 0, cpuBase: 0 }
  for (const name of names) {
    const target = { host: '127.0.0.1', port: agent.port, credential: { version: 'v2c' as const, community: name }, timeoutMs: 10_000 }
    const cpu: number[] = []
    let requests = 0
    let profileId = ''
    let calls: Calls = { walks: [], gets: [] }
    for (let run = 0; run <= RUNS; run++) {
      const session = openSession(target)
      const c: Calls = { walks: [], gets: [] }
      try {
        const t0 = process.cpuUsage()
        const r = await probeWithSession(recording(session, c), { profiles: PROFILES })
        const used = cpuMs(process.cpuUsage(t0))
        if (run > 0) cpu.push(used)
        requests = r.requests
        profileId = r.profile
        calls = c
      } finally {
        session.close()
      }
    }
    const own = openSession(target)
    let ownRequests: number
    try {
      const own1 = getProfile(profileId)
      ownRequests = (await probeWithSession(own, { profiles: profileId === 'generic' ? [GENERIC_PROFILE] : [own1, GENERIC_PROFILE] })).requests
    } finally {
      own.close()
    }
    const baseCpu: number[] = []
    let base = { requests: 0, varbinds: 0 }
    for (let run = 0; run <= RUNS; run++) {
      const t0 = process.cpuUsage()
      base = await baseline(agent.port, name, calls)
      const used = cpuMs(process.cpuUsage(t0))
      if (run > 0) baseCpu.push(used)
    }
    const all = await walkAll(agent.port, name)
    const cp = median(cpu)
    const cb = median(baseCpu)
    totals.probe += requests
    totals.own += ownRequests
    totals.base += base.requests
    totals.all += all ?? 0
    totals.cpuProbe += cp
    totals.cpuBase += cb
    console.log(
      name.padEnd(36) +
        profileId.padEnd(26) +
        String(requests).padStart(10) +
        String(ownRequests).padStart(9) +
        String(base.requests).padStart(11) +
        String(all ?? '-').padStart(9) +
        cp.toFixed(1).padStart(13) +
        cb.toFixed(1).padStart(14) +
        String(base.varbinds).padStart(9),
    )
  }
  console.log(
    'all recordings'.padEnd(62) +
      String(totals.probe).padStart(10) +
      String(totals.own).padStart(9) +
      String(totals.base).padStart(11) +
      String(totals.all).padStart(9) + // recordings whose whole-tree walk failed count 0

      totals.cpuProbe.toFixed(1).padStart(13) +
      totals.cpuBase.toFixed(1).padStart(14),
  )
} finally {
  await agent.stop()
}
