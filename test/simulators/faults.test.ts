import snmp from 'net-snmp'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { TRAP_OID, createSimulatedCity, type SimulatedCity } from '../../simulators/city.ts'
import { manualClock, type ManualClock } from '../../core/clock.ts'
import { startControlApi, type ControlServer } from '../../simulators/control.ts'
import { MINUTE_MS } from '../../simulators/model.ts'
import { smallCity, silentLog } from './fixture.ts'
import { answers, endpoint, freeUdpPort, snmp as tool, timedRawGet } from './helpers.ts'

const START = Date.parse('2026-11-20T21:00:00Z')

interface Trap {
  oid: string
  from: { address: string; port: number }
  varbinds: { oid: string; value: unknown }[]
}
interface Ctx {
  city: SimulatedCity
  clock: ManualClock
  traps: Trap[]
  receiver: { close(cb?: () => void): void }
  control: ControlServer
}

const faults = suite<Ctx>('faults on demand')
faults.before(async (ctx) => {
  const trapPort = await freeUdpPort()
  ctx.traps = []
  // collector/snmp/net-snmp.d.ts types only the client side of net-snmp
  const { createReceiver } = snmp as unknown as { createReceiver(options: object, cb: (err: Error | null, data: never) => void): Ctx['receiver'] }
  ctx.receiver = createReceiver({ port: trapPort, address: '127.0.0.1', disableAuthorization: true }, (err: Error | null, data: { pdu: { varbinds: { oid: string; value: unknown }[] }; rinfo: { address: string; port: number } }) => {
    if (err) return
    const vbs = data.pdu.varbinds
    ctx.traps.push({ oid: String(vbs[1]?.value), from: data.rinfo, varbinds: vbs })
  })
  ctx.clock = manualClock(START)
  ctx.city = createSimulatedCity(smallCity(), { seed: 11, clock: ctx.clock, bindHostOverride: '127.0.0.1', ephemeralPorts: true, trapTarget: `127.0.0.1:${trapPort}` }, silentLog)
  await ctx.city.start()
  ctx.control = await startControlApi(ctx.city, 0)
})
faults.after(async (ctx) => {
  await ctx.control.close()
  await ctx.city.stop()
  await new Promise<void>((r) => ctx.receiver.close(() => r()))
})

async function waitTrap(ctx: Ctx, pred: (t: Trap) => boolean, ms = 3000): Promise<Trap> {
  const until = Date.now() + ms
  for (;;) {
    const t = ctx.traps.find(pred)
    if (t) return t
    if (Date.now() > until) throw new Error(`no such trap; got ${ctx.traps.map((x) => x.oid).join(', ')}`)
    await new Promise((r) => setTimeout(r, 20))
  }
}
async function timedGet(ctx: Ctx, device: string): Promise<number> {
  const ms = await timedRawGet(ctx.city, device, 2000)
  if (ms === null) throw new Error(`${device} did not answer`)
  return ms
}
const fromDevice = (ctx: Ctx, device: string) => (t: Trap) => t.from.port === endpoint(ctx.city, device).port

faults('AP down: that agent stops answering while the others still answer promptly', async (ctx) => {
  const f = ctx.city.faults.inject({ type: 'ap-down', device: 'ap-s2' })
  assert.is(f.type, 'device-down')
  assert.is(await answers(ctx.city, 'ap-s2', 0.3), false)
  for (const d of ['ap-s1', 'ap-s3', 'sw-south', 'wlc-1', 'core-1']) assert.ok((await timedGet(ctx, d)) < 250, `${d} answers promptly`)
  assert.is(ctx.city.truth.clientsAt('ap-s2', ctx.clock.now() + MINUTE_MS), 0)
  // the switch port it hangs from goes down, and the switch says so
  const down = await waitTrap(ctx, (t) => t.oid === TRAP_OID.linkDown && fromDevice(ctx, 'sw-south')(t))
  assert.is(Number(down.varbinds[2]!.value), 2, 'ifIndex of Gi1/0/2')
  ctx.clock.advance(5 * MINUTE_MS)
  ctx.city.faults.clear(f.id)
  assert.is(await answers(ctx.city, 'ap-s2', 1), true)
  const o = ctx.city.truth.outages().find((x) => x.device === 'ap-s2')!
  assert.equal({ start: o.startMs, end: o.endMs, causes: o.causes }, { start: START, end: START + 5 * MINUTE_MS, causes: [`${f.id} device-down ap-s2`] })
})

faults('a controller AP going down: the WLC sends bsnAPDisassociated with its MAC and name, and drops it from bsnAPTable', async (ctx) => {
  const f = ctx.city.faults.inject({ type: 'device-down', device: 'ap-n1' })
  const trap = await waitTrap(ctx, (t) => t.oid === TRAP_OID.bsnAPDisassociated)
  assert.ok(fromDevice(ctx, 'wlc-1')(trap), 'sent by the controller')
  const mac = trap.varbinds.find((v) => v.oid === '1.3.6.1.4.1.14179.2.6.2.20.0')!.value as Buffer // bsnAPMacAddrTrapVariable
  assert.equal([...mac], [...ctx.city.model.apMac('ap-n1')])
  assert.is(String(trap.varbinds.find((v) => v.oid === '1.3.6.1.4.1.14179.2.2.1.1.3.0')!.value), 'AP-NORTH-1') // bsnAPName
  const names = await tool('snmpwalk', ctx.city, 'wlc-1', ['1.3.6.1.4.1.14179.2.2.1.1.3'])
  assert.equal(names.map(([, v]) => v.replace(/"/g, '')).sort(), ['AP-NORTH-2', 'AP-NORTH-3'])
  ctx.city.faults.clear(f.id)
  await waitTrap(ctx, (t) => t.oid === TRAP_OID.bsnAPAssociated)
})

faults('fiber cut: every device behind the link goes dark, the core sends linkDown, truth records start and end', async (ctx) => {
  ctx.clock.advance(MINUTE_MS)
  const t1 = ctx.clock.now()
  const f = ctx.city.faults.inject({ type: 'fiber-cut', link: 'fl-south' })
  for (const d of ['sw-south', 'ap-s1', 'ap-s2', 'ap-s3']) assert.is(await answers(ctx.city, d, 0.3), false, `${d} is dark`)
  for (const d of ['core-1', 'sw-north', 'wlc-1']) assert.ok((await timedGet(ctx, d)) < 250, `${d} still answers`)
  const corePort = ctx.city.model.topo.ports.get('core-1')!.find((p) => p.name === 'Te0/0/2')!.ifIndex
  const trap = await waitTrap(ctx, (t) => t.oid === TRAP_OID.linkDown && fromDevice(ctx, 'core-1')(t))
  assert.is(Number(trap.varbinds[2]!.value), corePort)
  const oper = await tool('snmpget', ctx.city, 'core-1', [`1.3.6.1.2.1.2.2.1.8.${corePort}`]) // ifOperStatus
  assert.is(oper[0]![1], '2')
  ctx.clock.advance(10 * MINUTE_MS)
  const t2 = ctx.clock.now()
  ctx.city.faults.clear(f.id)
  await waitTrap(ctx, (t) => t.oid === TRAP_OID.linkUp && fromDevice(ctx, 'core-1')(t))
  assert.is(await answers(ctx.city, 'ap-s1', 1), true)
  const cut = ctx.city.truth.outages().filter((o) => o.causes.includes(`${f.id} link-cut fl-south`))
  assert.equal(
    cut.map((o) => [o.device, o.startMs, o.endMs]),
    ['ap-s1', 'ap-s2', 'ap-s3', 'sw-south'].map((d) => [d, t1, t2]),
  )
  // no clients were served behind the cut
  assert.is(ctx.city.truth.uniqueClients('south', t1 + MINUTE_MS, t2), 0)
})

faults('reboot: counters and sysUpTime start again from 0, and the agent sends coldStart', async (ctx) => {
  const hc = '1.3.6.1.2.1.31.1.1.1.6.2' // ifHCInOctets eth0
  const before = new Map(await tool('snmpget', ctx.city, 'ap-s3', ['1.3.6.1.2.1.1.3.0', hc]))
  assert.ok(Number(before.get('1.3.6.1.2.1.1.3.0')) > 8_640_000, 'up for more than a day')
  ctx.clock.advance(30_000)
  const tReboot = ctx.clock.now()
  ctx.city.faults.inject({ type: 'reboot', device: 'ap-s3' })
  const trap = await waitTrap(ctx, (t) => t.oid === TRAP_OID.coldStart)
  assert.ok(fromDevice(ctx, 'ap-s3')(trap))
  const after = new Map(await tool('snmpget', ctx.city, 'ap-s3', ['1.3.6.1.2.1.1.3.0', hc]))
  assert.is(after.get('1.3.6.1.2.1.1.3.0'), '0')
  assert.is(after.get(hc), '0')
  ctx.clock.advance(3 * MINUTE_MS)
  const later = new Map(await tool('snmpget', ctx.city, 'ap-s3', ['1.3.6.1.2.1.1.3.0', hc]))
  assert.is(later.get('1.3.6.1.2.1.1.3.0'), '18000')
  const m = Math.floor(tReboot / MINUTE_MS) * MINUTE_MS
  assert.is(later.get(hc), String(ctx.city.truth.bytes('ap-s3', m, m + 3 * MINUTE_MS).down))
})

faults('slow agent: answers only after the delay', async (ctx) => {
  const f = ctx.city.faults.inject({ type: 'slow', device: 'ap-s1', delayMs: 400 })
  const ms = await timedGet(ctx, 'ap-s1')
  assert.ok(ms >= 400 && ms < 1000, `took ${ms.toFixed(0)} ms`)
  assert.is(await answers(ctx.city, 'ap-s1', 0.2), false, 'too slow for a 200 ms timeout')
  ctx.city.faults.clear(f.id)
  assert.ok((await timedGet(ctx, 'ap-s1')) < 250)
})

faults('malformed answers: Counter64 sent as OctetString, or garbage that no client can parse', async (ctx) => {
  const hc = '1.3.6.1.2.1.31.1.1.1.6.2'
  const good = await tool('snmpget', ctx.city, 'ap-s1', [hc])
  const f = ctx.city.faults.inject({ type: 'malformed', device: 'ap-s1', mode: 'wrong-type' })
  const bad = await tool('snmpget', ctx.city, 'ap-s1', [hc])
  assert.is(bad[0]![1], `"${good[0]![1]}"`, 'the same number, as a string')
  ctx.city.faults.clear(f.id)
  const g = ctx.city.faults.inject({ type: 'malformed', device: 'ap-s1', mode: 'garbage' })
  assert.is(await answers(ctx.city, 'ap-s1', 0.3), false)
  ctx.city.faults.clear(g.id)
  assert.is(await answers(ctx.city, 'ap-s1', 1), true)
})

faults('optics degrading: Rx power falls by the rate, then the link is lost and the switch goes dark', async (ctx) => {
  const port = ctx.city.model.topo.ports.get('sw-north')!.find((p) => p.name === 'Te1/1/1')!
  const rxOid = `1.3.6.1.4.1.9.9.91.1.1.1.1.4.${1000 + port.ifIndex * 10 + 6}` // entSensorValue Rx power
  const rx0 = Number((await tool('snmpget', ctx.city, 'sw-north', [rxOid]))[0]![1])
  const t0 = ctx.clock.now()
  const f = ctx.city.faults.inject({ type: 'optics-degrade', link: 'fl-north', dbPerHour: 4 })
  ctx.clock.advance(30 * MINUTE_MS)
  const rx1 = Number((await tool('snmpget', ctx.city, 'sw-north', [rxOid]))[0]![1])
  assert.ok(Math.abs(rx0 - 20 - rx1) <= 1, `-2 dB in 30 min: ${rx0} -> ${rx1} (tenths of dBm)`)
  // below -25 dBm the receiver loses the link
  ctx.clock.advance(6 * 60 * MINUTE_MS)
  assert.is(await answers(ctx.city, 'sw-north', 0.3), false)
  const o = ctx.city.truth.outages().find((x) => x.device === 'sw-north' && x.causes.includes(`${f.id} optics-degrade fl-north`))!
  assert.ok(o && o.startMs > t0 + 30 * MINUTE_MS && o.endMs === null, 'an open outage that began when the light fell below sensitivity')
  ctx.city.faults.clear(f.id)
  assert.is(await answers(ctx.city, 'sw-north', 1), true)
})

faults('control API: POST /faults, GET /faults, DELETE /faults/:id and the truth endpoints', async (ctx) => {
  const url = ctx.control.url
  const json = { 'content-type': 'application/json' }
  const bad = await fetch(`${url}/faults`, { method: 'POST', headers: json, body: JSON.stringify({ type: 'ap-down', device: 'nope' }) })
  assert.is(bad.status, 400)
  assert.is((await bad.json()).code, 'CN_ERR_FAULT_TARGET')
  const res = await fetch(`${url}/faults`, { method: 'POST', headers: json, body: JSON.stringify({ type: 'ap-down', device: 'ap-s1' }) })
  assert.is(res.status, 201)
  const f = await res.json()
  assert.is(await answers(ctx.city, 'ap-s1', 0.3), false)
  assert.ok(((await (await fetch(`${url}/faults`)).json()) as { id: string }[]).some((x) => x.id === f.id))
  assert.is((await fetch(`${url}/faults/${f.id}`, { method: 'DELETE' })).status, 200)
  assert.is(await answers(ctx.city, 'ap-s1', 1), true)
  const now = ctx.clock.now()
  const clients = await (await fetch(`${url}/truth/clients?target=ap-s3&at=${now}`)).json()
  assert.is(clients.clients, ctx.city.truth.clientsAt('ap-s3', now))
  const uniq = await (await fetch(`${url}/truth/unique?neighborhood=south&from=${START}&to=${now}`)).json()
  assert.is(uniq.uniqueClients, ctx.city.truth.uniqueClients('south', START, now))
  const bytes = await (await fetch(`${url}/truth/bytes?target=south&from=${START}&to=${now}`)).json()
  assert.is(bytes.total, ctx.city.truth.bytes('south', START, now).total)
  const outages = await (await fetch(`${url}/truth/outages`)).json()
  assert.is(outages.length, ctx.city.truth.outages().length)
  assert.is((await fetch(`${url}/truth/clients?target=nowhere`)).status, 404)
})

faults.run()
