/**
 * The simulated city under load: how many agents one process hosts, memory per agent, and
 * how many 61-varbind GETBULK polls (1 + 15x4, the poller's shape) per second it answers.
 * The load comes from a separate process (this file with --load-worker) that sends raw
 * SNMP datagrams with a window of requests in flight, so the client costs little and does
 * not share the simulator's event loop. A Debian snmpd on the same machine is the baseline.
 *
 *   node --import tsx bench/simulator.ts [--seconds 5] [--synthetic 1000]
 */
import { spawn } from 'node:child_process'
import dgram from 'node:dgram'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { fastClock } from '../core/clock.ts'
import type { Device, Inventory } from '../core/inventory.ts'
import { createSimulatedCity } from '../simulators/city.ts'
import { manualClock } from '../core/clock.ts'
import { Pdu, Tag, encMessage, encVarBind } from '../simulators/snmp/ber.ts'

const arg = (name: string, fallback: number) => {
  const i = process.argv.indexOf(name)
  return i >= 0 ? Number(process.argv[i + 1]) : fallback
}

// ---------------------------------------------------------------- load worker

const POLL_OIDS = ['1.3.6.1.2.1.1.3', '1.3.6.1.2.1.2.2.1.2', '1.3.6.1.2.1.2.2.1.3', '1.3.6.1.2.1.2.2.1.10', '1.3.6.1.2.1.2.2.1.16'] // sysUpTime; ifDescr, ifType, ifInOctets, ifOutOctets

async function loadWorker(): Promise<void> {
  const targets = JSON.parse(process.argv[process.argv.indexOf('--load-worker') + 1]!) as { host: string; port: number }[]
  const seconds = arg('--seconds', 5)
  const window = arg('--window', 64)
  const sock = dgram.createSocket({ type: 'udp4' })
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()))
  let sent = 0
  let got = 0
  let bytes = 0
  let inFlight = 0
  let next = 0
  const end = Date.now() + seconds * 1000
  const pending = new Map<number, NodeJS.Timeout>()
  const fire = () => {
    while (inFlight < window && Date.now() < end) {
      const id = ++sent
      const t = targets[next++ % targets.length]!
      const msg = encMessage(1, 'public', Pdu.GetBulk, id, 1, 15, POLL_OIDS.map((oid) => encVarBind({ oid, value: { type: Tag.Null } })))
      inFlight++
      // a lost reply must not stall the window
      pending.set(id, setTimeout(() => {
        pending.delete(id)
        inFlight--
        fire()
      }, 1000))
      sock.send(msg, t.port, t.host)
    }
  }
  sock.on('message', (buf) => {
    // the request id sits after version and community; find it by decoding the header cheaply
    const id = readRequestId(buf)
    const t = pending.get(id)
    if (!t) return
    clearTimeout(t)
    pending.delete(id)
    inFlight--
    got++
    bytes += buf.length
    fire()
  })
  const t0 = Date.now()
  fire()
  await new Promise((r) => setTimeout(r, seconds * 1000 + 200))
  for (const t of pending.values()) clearTimeout(t)
  sock.close()
  process.stdout.write(JSON.stringify({ sent, got, seconds: (Date.now() - t0) / 1000, meanBytes: got ? bytes / got : 0 }))
}

function readRequestId(buf: Buffer): number {
  let p = 0
  const len = () => {
    let l = buf[p++]!
    if (l & 0x80) {
      const n = l & 0x7f
      l = 0
      for (let i = 0; i < n; i++) l = l * 256 + buf[p++]!
    }
    return l
  }
  p++ // SEQUENCE
  len()
  p++ // version INTEGER
  const vl = len() // (not `p += len()`: that reads p before len() moves it)
  p += vl
  p++ // community
  const cl = len()
  p += cl
  p++ // PDU tag
  len()
  p++ // request-id INTEGER
  const n = len()
  let v = 0
  for (let i = 0; i < n; i++) v = v * 256 + buf[p++]!
  return v
}

// ---------------------------------------------------------------- main

interface LoadResult {
  sent: number
  got: number
  seconds: number
  meanBytes: number
}

function runLoad(targets: { host: string; port: number }[], seconds: number): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', new URL(import.meta.url).pathname, '--load-worker', JSON.stringify(targets), '--seconds', String(seconds)], { stdio: ['ignore', 'pipe', 'inherit'] })
    let out = ''
    child.stdout.on('data', (d) => (out += d))
    child.on('close', (code) => (code === 0 ? resolve(JSON.parse(out) as LoadResult) : reject(new Error(`load worker exited ${code}`))))
  })
}

function syntheticCity(nAps: number): Inventory {
  const base = { credential: 'sim-v2c', mgmt: { host: '127.0.0.1', port: 1 } }
  const devices: Device[] = [{ ...base, id: 'core-1', name: 'CORE-1', kind: 'router', site: 'hub' }]
  const switches = Math.ceil(nAps / 40)
  for (let s = 0; s < switches; s++) devices.push({ ...base, id: `sw-${s}`, name: `SW-${s}`, kind: 'switch', site: 'hub', uplink: { device: 'core-1', port: `Gi0/0/${s + 1}` } })
  for (let a = 0; a < nAps; a++) devices.push({ ...base, id: `ap-${a}`, name: `AP-${a}`, kind: 'ap', site: `nb${a % 10}`, uplink: { device: `sw-${Math.floor(a / 40)}`, port: `Gi1/0/${(a % 40) + 1}` } })
  const sq = { type: 'Polygon' as const, coordinates: [[[0, 0], [1, 0], [1, 1], [0, 0]] as [number, number][]] }
  const census = { population: 1, households: 1, householdsWithoutBroadband: 0, pctWithoutBroadband: 0, povertyRatePct: 0 }
  return {
    city: { name: 'Synthetic', timezone: 'America/New_York' },
    neighborhoods: Array.from({ length: 10 }, (_, i) => ({ id: `nb${i}`, name: `NB ${i}`, served: true, census, geometry: sq })),
    sites: [{ id: 'hub', kind: 'hub', lon: 0, lat: 0, neighborhood: '' }, ...Array.from({ length: 10 }, (_, i) => ({ id: `nb${i}`, kind: 'pole' as const, lon: 0, lat: 0, neighborhood: `nb${i}` }))],
    devices,
    links: [],
  }
}

async function snmpdBaseline(seconds: number): Promise<LoadResult> {
  const dir = mkdtempSync(join(tmpdir(), 'bench-snmpd-'))
  const port = 20000 + Math.floor(Math.random() * 20000)
  const conf = join(dir, 'snmpd.conf')
  writeFileSync(conf, `agentAddress udp:127.0.0.1:${port}\nrocommunity public 127.0.0.1\n`)
  const child = spawn('snmpd', ['-f', '-Lo', '-C', '-c', conf, '-I', '-smux'], { env: { ...process.env, SNMP_PERSISTENT_DIR: dir }, stdio: 'ignore' })
  await new Promise((r) => setTimeout(r, 800))
  try {
    return await runLoad([{ host: '127.0.0.1', port }], seconds)
  } finally {
    const exited = new Promise((r) => child.once('exit', r))
    child.kill('SIGTERM')
    await exited
    rmSync(dir, { recursive: true, force: true, maxRetries: 3 })
  }
}

function cpuPerPoll(cpu0: NodeJS.CpuUsage, polls: number): string {
  const d = process.cpuUsage(cpu0)
  return polls ? `${((d.user + d.system) / polls).toFixed(0)} µs` : '-'
}

async function main(): Promise<void> {
  const seconds = arg('--seconds', 5)
  const synthetic = arg('--synthetic', 1000)
  const log = pino({ level: 'silent' })
  const mb = (n: number) => (n / 1048576).toFixed(1)
  const rows: string[] = []

  // 1. Hartford, every agent on its own loopback address (free ports), minute fixed
  const { hartfordInventory } = await import('../provisioning/city/hartford.ts')
  const inv = hartfordInventory(1)
  for (const [label, clock] of [
    ['Hartford, clock fixed', manualClock(Date.parse('2026-11-20T21:00:00Z'))],
    ['Hartford, fast clock 60x', fastClock(Date.parse('2026-11-20T21:00:00Z'), 60)],
  ] as const) {
    global.gc?.()
    const rss0 = process.memoryUsage().rss
    const city = createSimulatedCity(inv, { seed: 1, clock, ephemeralPorts: true }, log)
    const t0 = performance.now()
    await city.start()
    const startMs = performance.now() - t0
    const eps = city.endpoints()
    const cpu0 = process.cpuUsage()
    const r = await runLoad(eps, seconds)
    const rss1 = process.memoryUsage().rss
    rows.push(`| ${label} | ${eps.length} (${new Set(eps.map((e) => e.host)).size} addresses) | ${startMs.toFixed(0)} ms | ${mb(rss1 - rss0)} MB (${((rss1 - rss0) / eps.length / 1024).toFixed(0)} KB/agent) | ${(r.got / r.seconds).toFixed(0)} | ${cpuPerPoll(cpu0, r.got)} | ${r.sent - r.got} |`)
    await city.stop()
  }

  // 2. synthetic: many UniFi APs in one process
  {
    global.gc?.()
    const rss0 = process.memoryUsage().rss
    const inv2 = syntheticCity(synthetic)
    const city = createSimulatedCity(inv2, { seed: 1, clock: manualClock(Date.parse('2026-11-20T21:00:00Z')), bindHostOverride: '127.0.0.1', ephemeralPorts: true, clientsPerAp: 40 }, log)
    const t0 = performance.now()
    await city.start()
    const startMs = performance.now() - t0
    const eps = city.endpoints()
    const cpu0 = process.cpuUsage()
    const r = await runLoad(eps, seconds)
    const rss1 = process.memoryUsage().rss
    rows.push(`| synthetic ${synthetic} UniFi APs, clock fixed | ${eps.length} (1 address) | ${startMs.toFixed(0)} ms | ${mb(rss1 - rss0)} MB (${((rss1 - rss0) / eps.length / 1024).toFixed(0)} KB/agent) | ${(r.got / r.seconds).toFixed(0)} | ${cpuPerPoll(cpu0, r.got)} | ${r.sent - r.got} |`)
    await city.stop()
  }

  const base = await snmpdBaseline(seconds)
  rows.push(`| baseline: Debian snmpd, 1 agent | 1 | - | - | ${(base.got / base.seconds).toFixed(0)} | - | ${base.sent - base.got} |`)

  console.log(`simulator bench: ${seconds} s of 1+15x4 GETBULK per case, window 64, load from a separate process`)
  console.log('| case | agents | start | resident memory after load | polls/s answered | simulator CPU per poll | unanswered |')
  console.log('|---|---:|---:|---:|---:|---:|---:|')
  for (const r of rows) console.log(r)
}

if (process.argv.includes('--load-worker')) await loadWorker()
else await main()
