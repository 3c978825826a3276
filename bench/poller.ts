/**
 * Collector poller benchmark: 20,000 device entries per 60-second interval, spread by the
 * real scheduler (collector/scheduler.ts, wall clock, node-cron ticks), each poll one
 * GETBULK of sysUpTime + 60 ifTable varbinds against private Debian snmpd instances on
 * loopback, turned into samples (counters, self-metrics) as in production. Beside it, in
 * the same run, the C tool `snmpbulkwalk` walks the same table for a bounded number of
 * devices as the baseline.
 *
 *   node --import tsx bench/poller.ts
 *   BENCH_DEVICES=20000 BENCH_SECONDS=70 BENCH_INTERVAL_MS=60000 BENCH_SNMPD=2
 *   BENCH_MAX_IN_FLIGHT=256 BENCH_BASELINE_WALKS=400
 *   BENCH_POLL=probe   polls through collector/probe.ts's probeDevice instead (the production
 *                      path: one session per poll, sysObjectID match, the generic profile's
 *                      walks), to show what a real poll of an snmpd costs
 *
 * Prints polls/s, missed polls, collector CPU per poll (µs) and as a share of one core,
 * p99 poll duration; then the snmpbulkwalk figures. Samples go to a counting sink: this
 * measures the collector, not the store (the store has its own benchmark).
 */
import { execFileSync, spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import pino from 'pino'
import { wallClock } from '../core/clock.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import { snmp, type Session, type Varbind } from '../collector/net-snmp.ts'
import { probeDevice } from '../collector/probe.ts'
import type { ReadingInput } from '../collector/samples.ts'
import { createPoller, type PollFn } from '../collector/scheduler.ts'
import { startSnmpd, type RunningSnmpd } from '../test/support/snmpd.ts'

const env = (name: string, dflt: number) => {
  const v = process.env[name]
  if (v === undefined || v === '') return dflt
  const n = Number(v)
  if (!Number.isFinite(n) || n <= 0) throw new Error(`${name} must be a positive number, got '${v}'`)
  return n
}
const DEVICES = env('BENCH_DEVICES', 20_000)
const SECONDS = env('BENCH_SECONDS', 70)
const INTERVAL_MS = env('BENCH_INTERVAL_MS', 60_000)
const SNMPD = env('BENCH_SNMPD', 2)
const MAX_IN_FLIGHT = env('BENCH_MAX_IN_FLIGHT', 256)
const BASELINE_WALKS = env('BENCH_BASELINE_WALKS', 400)
const REPS = 60
const MODE = process.env.BENCH_POLL === 'probe' ? 'probe' : 'bulk'

const sysUpTime = '1.3.6.1.2.1.1.3' // SNMPv2-MIB sysUpTime (non-repeater: sysUpTime.0)
const ifEntry = '1.3.6.1.2.1.2.2.1' // IF-MIB ifEntry: 22 columns x the agent's interfaces
const ifInOctets = '1.3.6.1.2.1.2.2.1.10.' // IF-MIB ifInOctets (Counter32)
const ifOutOctets = '1.3.6.1.2.1.2.2.1.16.' // IF-MIB ifOutOctets (Counter32)
const ifOperStatus = '1.3.6.1.2.1.2.2.1.8.' // IF-MIB ifOperStatus

/** Child CPU (user+sys) of this process so far, µs, from /proc/self/stat (cutime, cstime). */
function childCpuUs(): number {
  const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]!.split(' ')
  const ticks = Number(fields[13]) + Number(fields[14]) // fields 16 and 17 of the full line
  const hz = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
  return (ticks / hz) * 1e6
}

function pct(sorted: number[], p: number): number {
  return sorted.length === 0 ? NaN : sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!
}

async function main() {
  const agents: RunningSnmpd[] = []
  const log = pino({ level: 'warn' })
  try {
    for (let i = 0; i < SNMPD; i++) agents.push(await startSnmpd({ community: 'bench' }))
    // One shared socket per snmpd (net-snmp matches answers by request id), so 20,000
    // entries need SNMPD descriptors, not 20,000.
    const sessions = new Map<number, Session>()
    for (const a of agents) sessions.set(a.port, snmp.createSession('127.0.0.1', 'bench', { port: a.port, version: snmp.Version2c, timeout: 2000, retries: 1 }))

    const devices: Device[] = Array.from({ length: DEVICES }, (_, i) => ({
      id: `bench-${i}`, name: `bench ${i}`, kind: 'switch', site: 'bench', credential: 'bench',
      mgmt: { host: '127.0.0.1', port: agents[i % agents.length]!.port },
    }))
    const inventory: Inventory = {
      city: { name: 'Bench', timezone: 'UTC' }, neighborhoods: [], links: [], devices,
      sites: [{ id: 'bench', kind: 'cabinet', lon: 0, lat: 0, neighborhood: '' }],
    }

    let varbindsTotal = 0
    const poll: PollFn = (d) =>
      new Promise<ReadingInput>((resolve, reject) => {
        sessions.get(d.mgmt.port)!.getBulk([sysUpTime, ifEntry], 1, REPS, (err, answer?: (Varbind | Varbind[])[]) => {
          if (err || !answer) return reject(err ?? new Error('no varbinds'))
          try {
            resolve(toReading(answer))
          } catch (e) {
            reject(e) // never throw inside net-snmp's callback: it would kill the run and orphan snmpd
          }
        })
      })
    const toReading = (answer: (Varbind | Varbind[])[]): ReadingInput => {
          // net-snmp answers the non-repeaters flat, then one array per repetition.
          const vbs = answer.flat()
          varbindsTotal += vbs.length
          const byIf = new Map<string, { in?: bigint; out?: bigint; oper?: number }>()
          for (const vb of vbs) {
            for (const [prefix, key] of [[ifInOctets, 'in'], [ifOutOctets, 'out'], [ifOperStatus, 'oper']] as const) {
              if (!vb.oid.startsWith(prefix)) continue
              const idx = vb.oid.slice(prefix.length)
              const row = byIf.get(idx) ?? {}
              if (key === 'oper') row.oper = Number(vb.value)
              else row[key] = BigInt(vb.value as number)
              byIf.set(idx, row)
            }
          }
          return {
            sysUpTimeTicks: Number(vbs[0]!.value),
            clients: { total: 0, breakdown: [] },
            optics: [],
            interfaces: [...byIf].map(([idx, r]) => ({ ifIndex: Number(idx), name: `if${idx}`, operStatus: r.oper ?? 4, inOctets: r.in ?? null, outOctets: r.out ?? null, counter32: true })),
          }
    }

    let samples = 0
    let requests = 0
    const durations: number[] = []
    const probePoll: PollFn = async (d, o) => {
      const r = await probeDevice({ host: d.mgmt.host, port: d.mgmt.port, credential: { version: 'v2c', community: 'bench' }, timeoutMs: o.timeoutMs, retries: o.retries })
      requests += r.requests
      return r
    }
    const poller = createPoller(
      { intervalMs: INTERVAL_MS, maxInFlight: MAX_IN_FLIGHT, timeoutMs: 2000, retries: 1 },
      { inventory, clock: wallClock, log, poll: MODE === 'probe' ? probePoll : poll, sink: { write: (s) => (samples += s.length) }, onPoll: (r) => durations.push(r.durationMs) },
    )
    console.log(`load average before the run: ${(await import('node:os')).loadavg().map((x) => x.toFixed(1)).join(' ')} (2 cores, shared)`)
    console.log(`poller bench (${MODE === 'probe' ? 'probeDevice per poll' : 'one 61-varbind GETBULK per poll'}): ${DEVICES} devices per ${INTERVAL_MS / 1000} s interval (${(DEVICES / (INTERVAL_MS / 1000)).toFixed(0)} polls/s due), ${SNMPD} snmpd, maxInFlight ${MAX_IN_FLIGHT}, ${SECONDS} s`)
    const cpu0 = process.cpuUsage()
    const t0 = performance.now()
    poller.start()
    await new Promise((r) => setTimeout(r, SECONDS * 1000))
    await poller.stop(5000)
    const wallS = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(cpu0)
    const st = poller.stats()
    const cpuUs = cpu.user + cpu.system
    const polls = st.ok + st.timeouts + st.errors
    const sorted = durations.slice().sort((a, b) => a - b)

    console.log(`collector: ${polls} polls in ${wallS.toFixed(1)} s = ${(polls / wallS).toFixed(0)} polls/s; ok ${st.ok}, timeouts ${st.timeouts}, errors ${st.errors}, missed ${st.missed}`)
    if (MODE === 'probe') console.log(`collector: probeDevice path, ${(requests / Math.max(1, st.ok)).toFixed(1)} SNMP requests per poll, ${samples} samples`)
    else console.log(`collector: ${(varbindsTotal / Math.max(1, st.ok)).toFixed(1)} varbinds per poll, ${samples} samples`)
    console.log(`collector: CPU ${(cpuUs / Math.max(1, polls)).toFixed(1)} µs per poll (user ${(cpu.user / Math.max(1, polls)).toFixed(1)} + system ${(cpu.system / Math.max(1, polls)).toFixed(1)}; whole process: scheduler, SNMP, samples), ${((cpuUs / 1e6 / wallS) * 100).toFixed(1)} % of one core`)
    console.log(`collector: poll duration p50 ${pct(sorted, 50).toFixed(2)} ms, p99 ${pct(sorted, 99).toFixed(2)} ms, max ${(sorted.at(-1) ?? NaN).toFixed(2)} ms`)

    // Baseline 1: the same GETBULKs through net-snmp alone (no scheduler, no samples),
    // 64 in flight, to show what the runtime adds to the library's own cost.
    {
      const n = Math.min(20_000, Math.max(2_000, Math.round(polls / 4)))
      const ports = [...sessions.keys()]
      const raw0 = process.cpuUsage()
      const r0 = performance.now()
      let sent = 0
      let ok = 0
      await Promise.all(Array.from({ length: 64 }, async () => {
        while (sent < n) {
          const port = ports[sent++ % ports.length]!
          await new Promise<void>((res) => sessions.get(port)!.getBulk([sysUpTime, ifEntry], 1, REPS, (err) => {
            if (!err) ok++
            res()
          }))
        }
      }))
      const rawS = (performance.now() - r0) / 1000
      const rawCpu = process.cpuUsage(raw0)
      console.log(`baseline net-snmp getBulk alone: ${ok}/${n} in ${rawS.toFixed(1)} s = ${(n / rawS).toFixed(0)} polls/s flat out; CPU ${((rawCpu.user + rawCpu.system) / n).toFixed(1)} µs per poll (user ${(rawCpu.user / n).toFixed(1)} + system ${(rawCpu.system / n).toFixed(1)})`)
    }
    for (const s of sessions.values()) s.close()

    // Baseline 2: the C tool, one process per device walk, two at a time (two cores).
    const c0 = childCpuUs()
    const b0 = performance.now()
    let walked = 0
    let vbLines = 0
    const one = (i: number) =>
      new Promise<void>((resolve, reject) => {
        const a = agents[i % agents.length]!
        const child = spawn('snmpbulkwalk', ['-v2c', '-c', 'bench', `-Cr${REPS}`, '-On', '-Oq', `127.0.0.1:${a.port}`, ifEntry], { stdio: ['ignore', 'pipe', 'ignore'] })
        let out = ''
        child.stdout.on('data', (d) => (out += d))
        child.on('error', reject)
        child.on('close', () => {
          walked++
          vbLines += out.split('\n').filter(Boolean).length
          resolve()
        })
      })
    let next = 0
    await Promise.all(Array.from({ length: 2 }, async () => {
      while (next < BASELINE_WALKS) await one(next++)
    }))
    const bS = (performance.now() - b0) / 1000
    const bCpu = childCpuUs() - c0
    console.log(`baseline snmpbulkwalk: ${walked} walks (${(vbLines / walked).toFixed(1)} varbinds each) in ${bS.toFixed(1)} s = ${(walked / bS).toFixed(0)} walks/s with 2 in parallel; CPU ${(bCpu / walked).toFixed(0)} µs per walk (process start-up included); ${DEVICES} walks would take ${((DEVICES / walked) * bS).toFixed(0)} s (extrapolated)`)
  } finally {
    for (const a of agents) await a.stop()
  }
}

await main()
