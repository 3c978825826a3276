/**
 * `civicnet simulate`: brings up the whole inventory as real SNMP agents on loopback,
 * with a fast clock, a control API for faults and truth, and traps to a receiver.
 * `civicnet simulate fault <type> <target> --control URL` posts a fault to a running one.
 */
import { readFileSync } from 'node:fs'
import { createCliLogger } from './log.ts'
import type { Command } from './main.ts'
import { fastClock, wallClock } from '../core/clock.ts'
import type { Inventory } from '../core/inventory.ts'

const USAGE = `usage: civicnet simulate [options]
       civicnet simulate fault <type> <target> --control URL [--delay-ms N] [--mode wrong-type|garbage] [--db-per-hour X] [--duration-ms N]
       civicnet simulate clear <fault-id> --control URL
       civicnet simulate faults --control URL

Brings up every device of the inventory as an SNMP agent on its mgmt host:port
(lightweight APs are answered for by their controller).

options:
  --seed N               seed of clients, traffic and MACs (default 1)
  --speed X              simulated ms per real ms (default 60: a day in 24 minutes)
  --start ISO            simulated start time (default: now)
  --control-port P       control API port on 127.0.0.1 (default 8161; 0 = any free port)
  --trap-target H:P      send SNMPv2c traps there
  --inventory FILE       an inventory JSON file (default: the generated Hartford inventory)
  --community S          community the agents accept (default public)
  --bind-host H          bind every agent to H instead of its mgmt host
  --ephemeral-ports      bind every agent to a free port (printed, and at GET /agents)
  --truth-file FILE      append one JSON line of ground truth per simulated minute

fault types: device-down (ap-down), link-cut (fiber-cut), optics-degrade, reboot, slow, malformed`

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const v = args[i + 1]
  if (v === undefined || v.startsWith('--')) throw new Error(`option ${name} needs a value`)
  return v
}
function num(args: string[], name: string, fallback: number): number {
  const v = flag(args, name)
  if (v === undefined) return fallback
  const n = Number(v)
  if (!Number.isFinite(n)) throw new Error(`option ${name} must be a number, got '${v}'`)
  return n
}

async function loadInventory(file: string | undefined, seed: number): Promise<Inventory> {
  if (file) {
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as Inventory
    } catch (err) {
      throw new Error(`cannot read inventory '${file}': ${(err as Error).message}`, { cause: err })
    }
  }
  try {
    const mod = (await import('../provisioning/city/hartford.ts')) as { hartfordInventory(seed: number): Inventory }
    return mod.hartfordInventory(seed)
  } catch (err) {
    throw new Error(`the default Hartford inventory (provisioning/city/hartford.ts) is not available: ${(err as Error).message}; pass --inventory FILE`, { cause: err })
  }
}

async function control(url: string, method: string, path: string, body?: unknown): Promise<number> {
  const res = await fetch(new URL(path, url), { method, headers: body ? { 'content-type': 'application/json' } : {}, ...(body ? { body: JSON.stringify(body) } : {}) })
  const text = await res.text()
  console.log(text)
  return res.ok ? 0 : 1
}

async function runFaultCommand(sub: string, args: string[]): Promise<number> {
  const url = flag(args, '--control') ?? 'http://127.0.0.1:8161'
  if (sub === 'faults') return control(url, 'GET', '/faults')
  if (sub === 'clear') {
    const id = args[0]
    if (!id || id.startsWith('--')) throw new Error('usage: civicnet simulate clear <fault-id> --control URL')
    return control(url, 'DELETE', `/faults/${encodeURIComponent(id)}`)
  }
  const [type, target] = args
  if (!type || !target || type.startsWith('--') || target.startsWith('--')) throw new Error('usage: civicnet simulate fault <type> <target> --control URL')
  const body: Record<string, unknown> = { type, target }
  const d = flag(args, '--delay-ms')
  if (d !== undefined) body.delayMs = Number(d)
  const mode = flag(args, '--mode')
  if (mode !== undefined) body.mode = mode
  const rate = flag(args, '--db-per-hour')
  if (rate !== undefined) body.dbPerHour = Number(rate)
  const dur = flag(args, '--duration-ms')
  if (dur !== undefined) body.durationMs = Number(dur)
  const end = flag(args, '--end')
  if (end !== undefined) body.end = end
  return control(url, 'POST', '/faults', body)
}

export const command: Command = {
  summary: 'run the city as real SNMP agents on loopback, with faults and ground truth',
  usage: USAGE,
  async run(args) {
    try {
      const sub = args[0]
      if (sub === 'fault' || sub === 'clear' || sub === 'faults') return await runFaultCommand(sub, args.slice(1))
      const seed = num(args, '--seed', 1)
      const speed = num(args, '--speed', 60)
      const startIso = flag(args, '--start')
      const startMs = startIso ? Date.parse(startIso) : Date.now()
      if (!Number.isFinite(startMs)) throw new Error(`--start is not an ISO time: '${startIso}'`)
      const clock = speed === 1 && !startIso ? wallClock : fastClock(startMs, speed)
      const inventory = await loadInventory(flag(args, '--inventory'), seed)
      const log = createCliLogger()
      const { createSimulatedCity } = await import('../simulators/city.ts')
      const { startControlApi } = await import('../simulators/control.ts')
      const trapTarget = flag(args, '--trap-target')
      const bindHost = flag(args, '--bind-host')
      const truthFile = flag(args, '--truth-file')
      const community = flag(args, '--community')
      const city = createSimulatedCity(
        inventory,
        {
          seed,
          clock,
          ...(trapTarget ? { trapTarget } : {}),
          ...(bindHost ? { bindHostOverride: bindHost } : {}),
          ...(args.includes('--ephemeral-ports') ? { ephemeralPorts: true } : {}),
          ...(truthFile ? { truthFile } : {}),
          ...(community ? { community } : {}),
        },
        log,
      )
      await city.start()
      const ctl = await startControlApi(city, num(args, '--control-port', 8161))
      const eps = city.endpoints()
      const hosts = new Set(eps.map((e) => e.host))
      const byKind = new Map<string, number>()
      for (const e of eps) byKind.set(e.kind, (byKind.get(e.kind) ?? 0) + 1)
      const lightweight = inventory.devices.filter((d) => d.kind === 'ap' && d.controller).length
      console.log(`simulating ${inventory.city.name}: ${eps.length} SNMP agents listening on ${hosts.size} loopback address(es) (${[...byKind].map(([k, n]) => `${n} ${k}`).join(', ')}), ${lightweight} lightweight APs answered by their controller`)
      const first = eps[0]
      if (first) console.log(`  e.g. snmpwalk -v2c -c ${community ?? 'public'} ${first.host}:${first.port} 1.3.6.1.2.1.1   (${first.device}); all: GET ${ctl.url}/agents`)
      console.log(`  seed ${seed}, speed ${speed}x, simulated now ${new Date(clock.now()).toISOString()}`)
      console.log(`  control API: ${ctl.url}  (POST /faults, DELETE /faults/:id, GET /truth/clients|unique|bytes|outages)`)
      if (trapTarget) console.log(`  traps to ${trapTarget}`)
      await new Promise<void>((resolve) => {
        const done = () => resolve()
        process.once('SIGINT', done)
        process.once('SIGTERM', done)
      })
      await ctl.close()
      await city.stop()
      return 0
    } catch (err) {
      console.error(`civicnet simulate: ${(err as Error).message}`)
      return 1
    }
  },
}
