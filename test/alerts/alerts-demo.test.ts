/**
 * Alerts in the running demo (a smaller Hartford polled every 2 s over real SNMP), sent to
 * a real SMTP server (smtp-server on loopback) and a real HTTP receiver, configured by a
 * YAML file through CIVICNET_ALERTS_FILE as a user would:
 * - a fiber cut sends one alert per channel (its incident's; the dark port's optics alert is
 *   suppressed), and one recovery when the link is back; the public status page shows its
 *   neighborhood out by the APs behind the link, with no device name, and then resolved;
 *   a resident's report at an AP behind the cut is attached to its incident and closes with
 *   it, one far from it stays open and is flagged unmatched for engineers;
 * - an AP down while the SMTP server is down: the webhook has it at once, the e-mail when the
 *   server is back;
 * - optics falling fast on a healthy link: its own alert and recovery;
 * - quiet hours (a second engine on the same demo, its clock moved): nothing for an incident
 *   that begins and ends inside them; one that outlasts them is sent when they end.
 */
import { createHmac } from 'node:crypto'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import pino from 'pino'
import { SMTPServer } from 'smtp-server'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parseAlertsConfig } from '../../alerts/config.ts'
import { createAlertEngine, type AlertEngine } from '../../alerts/engine.ts'
import { openAlertStore, type AlertMessage } from '../../alerts/store.ts'
import { loadDemoConfig, startDemo, type Demo } from '../../cli/demo.ts'
import { utcOffsetMs } from '../../core/calendar.ts'
import type { Inventory } from '../../core/inventory.ts'
import { buildNetworkTree, subtree } from '../../core/topology.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { openAppState } from '../../store/app-state.ts'
import { smallHartford } from '../support/small-hartford.ts'

const POLL_MS = 2000
const SECRET = 'test-webhook-secret-0123456789'
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

interface Mail { subject: string; text: string }
interface Ctx {
  dir: string
  inv: Inventory
  demo: Demo
  hooks: { message: AlertMessage; signatureOk: boolean; path: string }[]
  mails: Mail[]
  http: Server
  smtp: SMTPServer | null
  smtpPort: number
}

function startSmtp(ctx: Ctx, port: number): Promise<SMTPServer> {
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, _session, done) {
      let raw = ''
      stream.setEncoding('utf8')
      stream.on('data', (d: string) => (raw += d))
      stream.on('end', () => {
        const [head, ...body] = raw.split('\r\n\r\n')
        const subject = /^Subject: (.*)$/m.exec(head!.replace(/\r\n[ \t]+/g, ' '))?.[1] ?? ''
        ctx.mails.push({ subject, text: body.join('\r\n\r\n') })
        done()
      })
    },
  })
  return new Promise((resolve, reject) => {
    server.once('error', reject)
    server.listen(port, '127.0.0.1', () => resolve(server))
  })
}

const test = suite<Ctx>('alerts in the demo', {} as Ctx)
test.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-alerts-demo-'))
  ctx.hooks = []
  ctx.mails = []
  ctx.http = createServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (d: string) => (body += d))
    req.on('end', () => {
      const want = `sha256=${createHmac('sha256', SECRET).update(body).digest('hex')}`
      ctx.hooks.push({ message: JSON.parse(body) as AlertMessage, signatureOk: req.headers['x-civicnet-signature'] === want, path: req.url ?? '' })
      res.writeHead(204).end()
    })
  })
  await new Promise<void>((r) => ctx.http.listen(0, '127.0.0.1', r))
  ctx.smtp = await startSmtp(ctx, 0)
  ctx.smtpPort = (ctx.smtp.server.address() as AddressInfo).port
  const hookPort = (ctx.http.address() as AddressInfo).port
  const file = join(ctx.dir, 'alerts.yml')
  writeFileSync(
    file,
    `publicUrl: http://localhost:8080
evaluateEvery: 1s
delivery: { retryAfter: 250ms, maxRetryAfter: 1s, giveUpAfter: 10m }
channels:
  - { name: hook, type: webhook, url: 'http://127.0.0.1:${hookPort}/civicnet', secretEnv: TEST_ALERT_SECRET }
  - { name: mail, type: email, host: 127.0.0.1, port: ${ctx.smtpPort}, requireTls: false, from: civicnet@test.example, to: [noc@test.example], timeout: 2s }
rules:
  - { name: incidents, kind: incident, channels: [hook, mail] }
  - { name: optics, kind: optics, channels: [hook, mail], belowDbm: -25, fallingDb: 1, window: 1m, for: 6s }
`,
  )
  ctx.inv = smallHartford()
  const state = openAppState(join(ctx.dir, 'state.sqlite'))
  state.replaceInventory(ctx.inv, 'test: a smaller Hartford')
  state.close()
  const config = loadDemoConfig({
    CIVICNET_DATA_DIR: ctx.dir, PORT: '0', CIVICNET_SIM_CONTROL_PORT: '0', CIVICNET_TRAP_PORT: '0', CIVICNET_DEMO_EPHEMERAL_PORTS: '1',
    CIVICNET_DEMO_HISTORY_DAYS: '0', CIVICNET_COLLECT_INTERVAL_MS: String(POLL_MS), CIVICNET_INCIDENT_SETTLE_MS: '20000',
    CIVICNET_ALERTS_FILE: file, TEST_ALERT_SECRET: SECRET,
  })
  ctx.demo = await startDemo(config, pino({ level: process.env.CIVICNET_TEST_LOG ?? 'warn' }))
})
test.after(async (ctx) => {
  await ctx.demo?.stop()
  await new Promise((r) => ctx.smtp?.close(() => r(undefined)) ?? r(undefined))
  ctx.http?.close()
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
})

async function until<T>(what: string, f: () => T | undefined | Promise<T | undefined>, ms = 60_000): Promise<T> {
  const end = Date.now() + ms
  for (;;) {
    const v = await f()
    if (v !== undefined && v !== false) return v
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`)
    await sleep(200)
  }
}
const openIncidents = (demo: Demo) => openIncidentStore(demo.appState.db).list({ state: 'open' })
const summary = (ctx: Ctx) =>
  JSON.stringify({
    hooks: ctx.hooks.map((h) => `${h.message.status} ${h.message.key}`),
    mails: ctx.mails.map((m) => m.subject),
    // what the incident engine saw, for a failure's diagnosis
    incidents: openIncidentStore(ctx.demo.appState.db).list().map((i) => [i.id, i.state, i.history.map((h) => `${new Date(h.timeMs).toISOString().slice(14, 23)} ${h.kind} ${h.text.slice(0, 240)}`)]),
  })

test('a fiber cut: one alert per channel, its optics suppressed; one recovery when the link is back', async (ctx) => {
  const { demo, inv } = ctx
  // a steady start: every device's newest poll answered, twice a few polls apart, and no
  // incident open (a loaded machine can time out a poll or two right after the start)
  const allUp = async () => (await demo.store.latest({ metric: 'device_up', sinceMs: Date.now() - 3 * POLL_MS })).every((v) => v.value === 1) && openIncidents(demo).length === 0
  await until('a steady start', async () => (await allUp()) && (await sleep(2 * POLL_MS), await allUp()), 90_000)
  assert.equal(ctx.hooks, [], 'all up: nothing sent')
  const tree = buildNetworkTree(inv)
  const kind = new Map(inv.devices.map((d) => [d.id, d.kind]))
  const apsBehind = (id: string) => subtree(tree, tree.edges.get(id)!.child).filter((d) => kind.get(d) === 'ap').length
  const link = inv.links.filter((l) => tree.edges.has(l.id) && apsBehind(l.id) >= 5).sort((a, b) => apsBehind(a.id) - apsBehind(b.id) || a.id.localeCompare(b.id))[0]!
  const cut = demo.city.faults.inject({ type: 'link-cut', target: link.id })
  const [incident] = await until('the incident', () => (openIncidents(demo).length > 0 ? openIncidents(demo) : undefined))
  await until('the alert on both channels', () => ctx.hooks.length >= 1 && ctx.mails.length >= 1)
  // the near end reads -40 dBm while the cut lasts: longer than the optics rule's 6 s
  await sleep(10_000)
  assert.is(ctx.hooks.length, 1, `one webhook message: ${summary(ctx)}`)
  assert.is(ctx.mails.length, 1, `one e-mail: ${summary(ctx)}`)
  const m = ctx.hooks[0]!
  assert.ok(m.signatureOk, 'the body is signed with the channel secret')
  assert.is(m.path, '/civicnet')
  assert.equal([m.message.status, m.message.rule, m.message.key, m.message.severity, m.message.incident, m.message.repeat], ['firing', 'incidents', `incident:${incident!.id}`, 'critical', incident!.id, false])
  assert.is(m.message.url, `http://localhost:8080/#incident=${incident!.id}`)
  assert.match(m.message.title, new RegExp(`^Incident #${incident!.id}: fiber link ${link.id} \\(.*\\) down, ${apsBehind(link.id)} APs out in Blue Hills$`))
  assert.is(ctx.mails[0]!.subject, `[CivicNet] FIRING critical: ${m.message.title}`)
  assert.match(ctx.mails[0]!.text, /Root cause: fiber link/)

  // the public status page, with no token: Blue Hills out by the APs the cut takes out,
  // and not one device name, id, link or address
  const bhAps = inv.devices.filter((d) => d.kind === 'ap' && inv.sites.find((x) => x.id === d.site)!.neighborhood === 'blue-hills').length
  const pub = (await (await fetch(`${demo.baseUrl}/api/status`)).json()) as { neighborhoods: { id: string; state: string; apsOut: { value: number | null } }[]; open: { id: number; cause: string; neighborhoods: { id: string }[] }[] }
  const bh = pub.neighborhoods.find((n) => n.id === 'blue-hills')!
  assert.equal([bh.state, bh.apsOut.value], [2 * apsBehind(link.id) >= bhAps ? 'outage' : 'partial', apsBehind(link.id)])
  assert.equal(pub.open.map((i) => [i.id, i.cause, i.neighborhoods.map((n) => n.id)]), [[incident!.id, 'fiber', ['blue-hills']]])
  assert.equal(pub.neighborhoods.filter((n) => n.id !== 'blue-hills').map((n) => n.state), pub.neighborhoods.filter((n) => n.id !== 'blue-hills').map(() => 'working'))
  const page = await (await fetch(`${demo.baseUrl}/status`)).text()
  assert.match(page, /Blue Hills: A fiber line is damaged/)
  const names = [...inv.devices.flatMap((d) => [d.id, d.name]), ...inv.links.map((l) => l.id), ...inv.sites.map((x) => x.id)].filter((x) => x.length >= 4)
  assert.equal(names.filter((x) => page.includes(x) || JSON.stringify(pub).includes(x)), [], 'no device, link or site on the public page')

  // residents report it: one at an AP behind the cut (told the known problem, attached to
  // it), one at an AP in a neighborhood with no incident (not attached)
  const siteOf = (ap: string) => inv.sites.find((x) => x.id === inv.devices.find((d) => d.id === ap)!.site)!
  const behindAp = subtree(tree, tree.edges.get(link.id)!.child).find((d) => kind.get(d) === 'ap')!
  const farAp = inv.devices.find((d) => d.kind === 'ap' && siteOf(d.id).neighborhood === 'northeast')!.id
  const report = async (ap: string) => {
    const r = await fetch(`${demo.baseUrl}/api/resident-reports`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ kind: 'no-wifi', lon: siteOf(ap).lon, lat: siteOf(ap).lat }) })
    assert.is(r.status, 201)
    return (await r.json()) as { tracking: string; known: { incident: { id: number } | null } }
  }
  const near = await report(behindAp)
  const far = await report(farAp)
  assert.equal([near.known.incident?.id, far.known.incident], [incident!.id, null])

  demo.city.faults.clear(cut.id)
  await until('the recovery on both channels', () => ctx.hooks.length >= 2 && ctx.mails.length >= 2)
  await sleep(3000)
  assert.is(ctx.hooks.length, 2, summary(ctx))
  assert.is(ctx.mails.length, 2, summary(ctx))
  const closed = openIncidentStore(demo.appState.db).get(incident!.id)!
  const r = ctx.hooks[1]!.message
  assert.equal([r.status, r.key, r.endsMs !== null], ['resolved', `incident:${incident!.id}`, true])
  assert.ok(r.text.startsWith(`Service restored at ${new Date(closed.closedMs!).toISOString()}, after ${Math.round((closed.closedMs! - closed.openedMs) / 60_000)} min.`), r.text)
  assert.is(ctx.mails[1]!.subject, `[CivicNet] RESOLVED critical: Resolved: ${m.message.title}`)
  // the report near the cut closed with it; the far one stays open, on the engineers' list as unmatched
  const track = async (t: string) => (await (await fetch(`${demo.baseUrl}/api/resident-reports/track/${t}`)).json()) as { state: string; resolvedMs: number | null }
  assert.equal(await track(near.tracking), { ...(await track(near.tracking)), state: 'resolved', resolvedMs: closed.closedMs })
  assert.equal([(await track(far.tracking)).state], ['open'])
  const eng = (await (await fetch(`${demo.baseUrl}/api/resident-reports`, { headers: { authorization: `Bearer ${demo.token}` } })).json()) as { clusters: { tracking: string[]; unmatched: number; incidents: number[] }[] }
  assert.equal(eng.clusters.find((c) => c.tracking.includes(far.tracking))!.unmatched, 1)
  assert.equal(eng.clusters.find((c) => c.tracking.includes(near.tracking))!.incidents, [incident!.id])
  // resolved on the public page with the incident's own time to restore
  const after = (await (await fetch(`${demo.baseUrl}/api/status`)).json()) as { neighborhoods: { id: string; state: string }[]; open: unknown[]; resolved: { id: number; restoreMinutes: number; endedMs: number }[] }
  assert.equal([after.open, after.neighborhoods.find((n) => n.id === 'blue-hills')!.state], [[], 'working'])
  assert.equal(after.resolved.map((i) => [i.id, i.restoreMinutes, i.endedMs]), [[incident!.id, Math.round((closed.closedMs! - closed.openedMs) / 60_000), closed.closedMs]])
})

/** a standalone AP whose switch stays up */
const loneAp = (inv: Inventory, n: number) => inv.devices.filter((d) => d.kind === 'ap' && !d.controller).map((d) => d.id).sort()[n]!

/** A second engine on the demo's stores with quiet hours around "now" and its own clock. */
function quietEngine(ctx: Ctx, clock: { offsetMs: number }, sent: AlertMessage[]): AlertEngine {
  const now = Date.now()
  const tz = ctx.inv.city.timezone
  const local = Math.floor((((now + utcOffsetMs(now, tz)) % 86_400_000) + 86_400_000) % 86_400_000 / 60_000)
  const hhmm = (m: number) => `${String(Math.floor((((m % 1440) + 1440) % 1440) / 60)).padStart(2, '0')}:${String((((m % 1440) + 1440) % 1440) % 60).padStart(2, '0')}`
  const config = parseAlertsConfig(
    `channels: [{ name: quiet-hook, type: webhook, url: 'http://127.0.0.1:9/unused' }]
rules: [{ name: quiet-incidents, kind: incident, channels: [quiet-hook], quietHours: { from: '${hhmm(local - 1)}', to: '${hhmm(local + 60)}' } }]
`,
    'quiet.yml',
    {},
  )
  return createAlertEngine({
    config,
    alerts: openAlertStore(ctx.demo.appState.db),
    store: ctx.demo.store,
    incidents: openIncidentStore(ctx.demo.appState.db),
    inventory: () => ctx.demo.appState.inventory(),
    slaTargets: { critical: 4 * 3_600_000, major: 8 * 3_600_000, minor: 24 * 3_600_000 },
    pollIntervalMs: POLL_MS,
    clock: { now: () => Date.now() + clock.offsetMs },
    log: pino({ level: 'silent' }),
    senders: { 'quiet-hook': async (msg) => void sent.push(msg) },
  })
}

test('an AP down while the SMTP server is down: the webhook at once, the e-mail when the server is back; quiet hours send nothing of it', async (ctx) => {
  const { demo } = ctx
  const quietSent: AlertMessage[] = []
  const quiet = quietEngine(ctx, { offsetMs: 0 }, quietSent)
  await new Promise((r) => ctx.smtp!.close(() => r(undefined)))
  ctx.smtp = null
  const before = { hooks: ctx.hooks.length, mails: ctx.mails.length }
  const ap = loneAp(ctx.inv, 0)
  const down = demo.city.faults.inject({ type: 'device-down', target: ap })
  const [incident] = await until('the AP\'s incident', () => (openIncidents(demo).length > 0 ? openIncidents(demo) : undefined))
  assert.equal([incident!.rootCause.kind, incident!.rootCause.id, incident!.affected.aps], ['device', ap, [ap]])
  await quiet.evaluate()
  await until('the webhook message', () => ctx.hooks.length > before.hooks)
  assert.equal([ctx.hooks.at(-1)!.message.key, ctx.hooks.at(-1)!.message.severity], [`incident:${incident!.id}`, 'minor'])
  // the e-mail is retried while the server is away
  await sleep(2000)
  assert.is(ctx.mails.length, before.mails, 'no e-mail while the server is down')
  const pending = openAlertStore(demo.appState.db).recent(10).find((o) => o.channel === 'mail' && o.message.key === `incident:${incident!.id}`)!
  assert.ok(pending.deliveredMs === null && pending.attempts >= 1 && /ECONNREFUSED/.test(pending.lastError ?? ''), JSON.stringify(pending))
  ctx.smtp = await startSmtp(ctx, ctx.smtpPort)
  await until('the e-mail once the server is back', () => ctx.mails.length > before.mails, 10_000)
  assert.is(ctx.mails.at(-1)!.subject, `[CivicNet] FIRING minor: ${ctx.hooks.at(-1)!.message.title}`)
  // engineers see the delivery and its retries in the API
  const res = await fetch(`${demo.baseUrl}/api/alerts`, { headers: { authorization: `Bearer ${demo.token}` } })
  assert.is(res.status, 200)
  const { deliveries } = (await res.json()) as { deliveries: { channel: string; key: string; state: string; attempts: number; lastError: string | null }[] }
  const mail = deliveries.find((d) => d.channel === 'mail' && d.key === `incident:${incident!.id}`)!
  assert.equal([mail.state, mail.attempts > 1, mail.lastError], ['delivered', true, null])
  assert.equal(deliveries.find((d) => d.channel === 'hook' && d.key === `incident:${incident!.id}`)!.state, 'delivered')

  demo.city.faults.clear(down.id)
  await until('the recovery', () => ctx.hooks.some((h) => h.message.status === 'resolved' && h.message.key === `incident:${incident!.id}`))
  await until('the recovery e-mail', () => ctx.mails.some((m) => m.subject.startsWith('[CivicNet] RESOLVED minor')), 10_000)
  await quiet.evaluate()
  await quiet.deliver()
  assert.equal(quietSent, [], 'began and ended in quiet hours: nothing sent')
  const held = openAlertStore(demo.appState.db).conditions({ limit: 20 }).find((c) => c.rule === 'quiet-incidents' && c.key === `incident:${incident!.id}`)!
  assert.equal([held.resolvedMs !== null, held.notifiedMs, held.resolvedNotified], [true, null, true])
  await quiet.stop()
})

test('quiet hours: an incident that outlasts them is sent when they end, and its recovery after', async (ctx) => {
  const { demo } = ctx
  const clock = { offsetMs: 0 }
  const sent: AlertMessage[] = []
  const quiet = quietEngine(ctx, clock, sent)
  const ap = loneAp(ctx.inv, 1)
  const down = demo.city.faults.inject({ type: 'device-down', target: ap })
  const incident = await until('the AP\'s incident', () => openIncidents(demo).find((i) => i.rootCause.id === ap))
  await quiet.evaluate()
  await quiet.deliver()
  assert.equal(sent, [], 'inside quiet hours: held')
  clock.offsetMs = 62 * 60_000 // past the quiet hours' end
  await quiet.evaluate()
  await quiet.deliver()
  assert.equal(sent.map((m) => [m.status, m.key]), [['firing', `incident:${incident!.id}`]])
  demo.city.faults.clear(down.id)
  await until('the close', () => openIncidentStore(demo.appState.db).get(incident!.id)!.state === 'closed' || undefined)
  await quiet.evaluate()
  await quiet.deliver()
  assert.equal(sent.map((m) => [m.status, m.key]), [['firing', `incident:${incident!.id}`], ['resolved', `incident:${incident!.id}`]])
  await quiet.stop()
  // the demo's own engine (no quiet hours) told it at once, and its end
  await until('the demo engine\'s recovery', () => ctx.hooks.some((h) => h.message.status === 'resolved' && h.message.key === `incident:${incident!.id}`))
  await until('the demo engine\'s recovery e-mail', () => ctx.mails.filter((m) => m.subject.startsWith('[CivicNet] RESOLVED')).length === 3)
})

test('optics falling fast on a healthy link: its own alert, and a recovery when it stops', async (ctx) => {
  const { demo, inv } = ctx
  const tree = buildNetworkTree(inv)
  const link = inv.links.filter((l) => tree.edges.has(l.id)).map((l) => l.id).sort().at(-1)!
  const before = ctx.hooks.length
  // 400 dB an hour of live time; the simulated agents' readings change once a minute, so
  // at the first or second minute boundary the reading is 1 dB or more (the rule's
  // fallingDb) below the window's highest, and still above the -25 dBm threshold
  const f = demo.city.faults.inject({ type: 'optics-degrade', target: link, dbPerHour: 400, end: 'b' })
  const m = await until('the optics alert', () => ctx.hooks.slice(before).find((h) => h.message.rule === 'optics')?.message, 150_000)
  const far = inv.links.find((l) => l.id === link)!.b
  assert.is(m.key, `optics-falling:${far.device}:${far.port}`)
  assert.match(m.title, /^Optics falling: .* down \d+\.\d dB$/)
  assert.is(ctx.hooks.slice(before).filter((h) => h.message.rule !== 'optics').length, 0, summary(ctx))
  demo.city.faults.clear(f.id)
  // the reading is back to nominal: more than fallingDb above the window's lowest, and the
  // window's highest is the nominal again
  const r = await until('the optics recovery', () => ctx.hooks.slice(before).find((h) => h.message.rule === 'optics' && h.message.status === 'resolved')?.message)
  assert.is(r.key, m.key)
})

test.run()
