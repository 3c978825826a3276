/** Shared by the simulator tests: run the Debian net-snmp tools without blocking the event loop. */
import { execFile } from 'node:child_process'
import dgram from 'node:dgram'
import { promisify } from 'node:util'
import type { Endpoint, SimulatedCity } from '../../simulators/city.ts'

const run = promisify(execFile)

export function endpoint(city: SimulatedCity, device: string): Endpoint {
  const e = city.endpoints().find((x) => x.device === device)
  if (!e) throw new Error(`no agent for ${device}`)
  return e
}

/**
 * Runs snmpwalk/snmpget/snmpbulkget/snmpbulkwalk against a device with numeric OIDs and
 * quick printing (-On -Oq -Ot -Oe): returns [oid, value] pairs in order.
 */
export async function snmp(tool: string, city: SimulatedCity, device: string, args: string[], opts: { timeoutS?: number } = {}): Promise<[string, string][]> {
  const e = endpoint(city, device)
  const { stdout } = await run(tool, ['-v2c', '-c', 'public', '-On', '-Oq', '-Ot', '-Oe', '-t', String(opts.timeoutS ?? 2), '-r', '0', ...args.filter((a) => a.startsWith('-')), `${e.host}:${e.port}`, ...args.filter((a) => !a.startsWith('-'))], { encoding: 'utf8' })
  return stdout
    .split('\n')
    .filter((l) => l.startsWith('.'))
    .map((l) => {
      const i = l.indexOf(' ')
      return [l.slice(1, i), l.slice(i + 1).trim()] as [string, string]
    })
}

export async function walk(city: SimulatedCity, device: string, oid: string): Promise<Map<string, string>> {
  return new Map(await snmp('snmpwalk', city, device, [oid]))
}

/** true when the device answers a GET within timeoutS */
export async function answers(city: SimulatedCity, device: string, timeoutS = 0.5): Promise<boolean> {
  try {
    await snmp('snmpget', city, device, ['1.3.6.1.2.1.1.3.0'], { timeoutS })
    return true
  } catch {
    return false
  }
}

/** quick-print strings are quoted; MACs and binary come as hex "FC EC ..." */
export const unquote = (v: string) => v.replace(/^"|"$/g, '')
export const hexToMac = (v: string) =>
  unquote(v)
    .trim()
    .split(/\s+/)
    .map((b) => b.toLowerCase())
    .join(':')

export function freeUdpPort(): Promise<number> {
  return new Promise((resolve) => {
    const s = dgram.createSocket('udp4')
    s.bind(0, '127.0.0.1', () => {
      const p = s.address().port
      s.close(() => resolve(p))
    })
  })
}

/**
 * One GET of sysUpTime.0 over raw UDP from this process; resolves with the milliseconds
 * until the answer, or null after timeoutMs. Times the agent, not a tool's start-up.
 */
export async function timedRawGet(city: SimulatedCity, device: string, timeoutMs = 1000): Promise<number | null> {
  const { encMessage, encVarBind, Pdu, Tag } = await import('../../simulators/snmp/ber.ts')
  const e = endpoint(city, device)
  const sock = dgram.createSocket('udp4')
  await new Promise<void>((r) => sock.bind(0, '127.0.0.1', () => r()))
  try {
    return await new Promise<number | null>((resolve) => {
      const t0 = performance.now()
      const timer = setTimeout(() => resolve(null), timeoutMs)
      sock.once('message', () => {
        clearTimeout(timer)
        resolve(performance.now() - t0)
      })
      sock.send(encMessage(1, 'public', Pdu.Get, 1, 0, 0, [encVarBind({ oid: '1.3.6.1.2.1.1.3.0', value: { type: Tag.Null } })]), e.port, e.host)
    })
  } finally {
    sock.close()
  }
}
