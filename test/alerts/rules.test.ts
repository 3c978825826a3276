/**
 * The alert rules and the engine's sending rules on the small test city, with polls written
 * into a real DuckDB store, incidents in a real app-state database and messages delivered to
 * a real HTTP receiver on loopback; the clock is stepped, so each boundary is tried on both
 * sides.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { parseAlertsConfig, type RuleConfig } from '../../alerts/config.ts'
import { createAlertEngine } from '../../alerts/engine.ts'
import { evaluateRule, type RuleContext } from '../../alerts/rules.ts'
import { openAlertStore, type AlertMessage } from '../../alerts/store.ts'
import type { Sample } from '../../core/metrics.ts'
import { buildNetworkTree } from '../../core/topology.ts'
import { DEFAULT_SLA_TARGETS } from '../../incidents/sla.ts'
import { groupFailures, type PortStatus, type Status } from '../../incidents/root-cause.ts'
import { openIncidentStore, type IncidentStore } from '../../incidents/store.ts'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { silentLog, smallCity } from '../simulators/fixture.ts'

const MIN = 60_000
const HOUR = 60 * MIN
const T = Date.parse('2026-11-24T12:00:00Z') // 07:00 in the city
const inv = smallCity()
const tree = buildNetworkTree(inv)
const hood = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
const nbOf = (id: string) => hood.get(inv.devices.find((d) => d.id === id)!.site) ?? ''

interface Ctx { dir: string; state: AppState; store: MetricStore; incidents: IncidentStore }
const test = suite<Ctx>('alert rules', {} as Ctx)
test.before.each(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-alert-rules-'))
  ctx.state = openAppState(join(ctx.dir, 'state.sqlite'))
  ctx.store = await openDuckDbStore({ path: ':memory:' })
  await ctx.store.init()
  ctx.incidents = openIncidentStore(ctx.state.db)
})
test.after.each(async (ctx) => {
  await ctx.store.close()
  ctx.state.close()
  rmSync(ctx.dir, { recursive: true, force: true })
})

const rule = (yaml: string): RuleConfig => parseAlertsConfig(`channels: [{ name: h, type: webhook, url: 'http://127.0.0.1:9/' }]\nrules: [${yaml}]\n`, 'test.yml', {}).rules[0]!
const context = (ctx: Ctx, nowMs: number, startedMs = T - 2 * 24 * HOUR): RuleContext => ({ nowMs, store: ctx.store, incidents: ctx.incidents, inventory: inv, slaTargets: DEFAULT_SLA_TARGETS, pollIntervalMs: MIN, startedMs, seen: new Map() })
/** an incident of one AP down (minor: 24 h to restore), opened at openedMs */
function apIncident(ctx: Ctx, ap: string, openedMs: number) {
  const groups = groupFailures(tree, inv, { status: (d): Status => (d === ap ? 'down' : 'up'), port: () => 'up' })
  ctx.incidents.update(groups, openedMs, { sinceMs: () => openedMs })
  return ctx.incidents.list({ state: 'open' }).find((i) => i.rootCause.id === ap)!
}
/** device_up of every polled device once a minute over [fromMs, toMs), 0 where down() says */
async function polls(ctx: Ctx, fromMs: number, toMs: number, opts: { skip?: (d: string, t: number) => boolean; down?: (d: string, t: number) => boolean } = {}) {
  const devices = inv.devices.filter((d) => d.kind !== 'ap' || !d.controller).map((d) => d.id)
  const out: Sample[] = []
  for (let t = fromMs; t < toMs; t += MIN) for (const d of devices) if (!opts.skip?.(d, t)) out.push({ metric: 'device_up', device: d, neighborhood: nbOf(d), instance: '', value: opts.down?.(d, t) ? 0 : 1, timeMs: t })
  await ctx.store.write(out)
}

test('sla: due from `before` ahead of the target, breached only past it', async (ctx) => {
  const r = rule('{ name: s, kind: sla, channels: [h], before: 30m }')
  const i = apIncident(ctx, 'ap-s2', T)
  const at = async (ms: number) => (await evaluateRule(r, context(ctx, ms)))!.map((c) => [c.key, c.severity])
  assert.equal(await at(T + 23.5 * HOUR - 1), [])
  assert.equal(await at(T + 23.5 * HOUR), [[`sla-due:${i.id}`, 'minor']])
  assert.equal(await at(T + 24 * HOUR), [[`sla-due:${i.id}`, 'minor']], 'exactly the target is met')
  assert.equal(await at(T + 24 * HOUR + 1), [[`sla-breached:${i.id}`, 'minor']])
})

test('collector: the share of polls not made in the window, from its start', async (ctx) => {
  const r = rule('{ name: c, kind: collector, channels: [h], missedPct: 5, window: 15m }')
  // 7 polled devices, 15 polls each in the window [T, T + 15 min); sw-south made 7 of them
  const now = T + 15 * MIN
  await polls(ctx, T, now + 1, { skip: (d, t) => d === 'sw-south' && t >= T + 5 * MIN && t < T + 13 * MIN })
  const [c] = (await evaluateRule(r, context(ctx, now)))!
  assert.equal([c!.key, c!.severity], ['collector-behind', 'major'])
  assert.is(c!.title, 'Collector behind: 7.6 % of polls missed in the last 15 min')
  assert.is(c!.text.split(' (')[0], '8 of 105 expected polls were not made')
  // under the threshold: 4 missed of 105 is 3.8 %
  const other = await openDuckDbStore({ path: ':memory:' })
  await other.init()
  try {
    await polls({ ...ctx, store: other }, T, now + 1, { skip: (d, t) => d === 'sw-south' && t >= T + 5 * MIN && t < T + 9 * MIN })
    assert.equal(await evaluateRule(r, { ...context(ctx, now), store: other }), [])
  } finally {
    await other.close()
  }
  // a window the engine has not yet run through says nothing
  assert.is(await evaluateRule(r, context(ctx, now, now - 2 * MIN)), null)
})

test('availability: a served neighborhood under its target over the window; none while an incident there is open', async (ctx) => {
  const r = rule('{ name: a, kind: availability, channels: [h], targetPct: 99, window: 1d }')
  const now = T + 24 * HOUR
  // ap-s1 down for 60 of the day's 1440 minutes: South is (3 * 1440 - 60) / (3 * 1440) = 98.61 %
  await polls(ctx, T - 2 * HOUR, now + 1, { down: (d, t) => d === 'ap-s1' && t >= T + 6 * HOUR && t < T + 7 * HOUR })
  const found = (await evaluateRule(r, context(ctx, now)))!
  assert.equal(found.map((c) => [c.key, c.title]), [['availability:south', 'South availability 98.61 % over 24.0 h, under the 99 % target']])
  apIncident(ctx, 'ap-s3', now - MIN)
  assert.equal(await evaluateRule(r, context(ctx, now)), [], 'an open incident in South says it already')
})

test('the engine: below minSeverity nothing; a reminder every repeatEvery; a receiver that fails is retried, one that refuses is given up on', async (ctx) => {
  const got: { status: number; message: AlertMessage }[] = []
  let answer = 500
  const server: Server = createServer((req, res) => {
    let body = ''
    req.on('data', (d: Buffer) => (body += d))
    req.on('end', () => {
      got.push({ status: answer, message: JSON.parse(body) as AlertMessage })
      res.writeHead(answer).end()
    })
  })
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r))
  const port = (server.address() as AddressInfo).port
  const config = parseAlertsConfig(
    `delivery: { retryAfter: 1s, maxRetryAfter: 4s, giveUpAfter: 1h }
channels: [{ name: h, type: webhook, url: 'http://127.0.0.1:${port}/x' }]
rules:
  - { name: minor-ok, kind: incident, channels: [h], repeatEvery: 1m }
  - { name: major-only, kind: incident, channels: [h], minSeverity: major }
`,
    'engine.yml',
    {},
  )
  let now = T
  const engine = createAlertEngine({ config, alerts: openAlertStore(ctx.state.db), store: ctx.store, incidents: ctx.incidents, inventory: () => inv, slaTargets: DEFAULT_SLA_TARGETS, pollIntervalMs: MIN, clock: { now: () => now }, log: silentLog })
  try {
    const i = apIncident(ctx, 'ap-s2', T)
    assert.equal((await engine.evaluate()).map((m) => [m.rule, m.status, m.repeat]), [['minor-ok', 'firing', false]], 'a minor incident: nothing from the major-only rule')
    // the receiver fails (500): retried after 1 s, then 2 s; nothing behind it goes first
    assert.is(await engine.deliver(), 0)
    now += 500
    assert.is(await engine.deliver(), 0, 'not before retryAfter')
    now += 500
    assert.is(await engine.deliver(), 0)
    assert.is(got.length, 2)
    answer = 200
    now += 1999
    assert.is(await engine.deliver(), 0, 'the second wait doubles')
    now += 1
    assert.is(await engine.deliver(), 1)
    assert.equal(got.map((g) => [g.status, g.message.key]), [[500, `incident:${i.id}`], [500, `incident:${i.id}`], [200, `incident:${i.id}`]])
    // a minute later, still firing: a reminder
    now = T + 59_999
    assert.equal(await engine.evaluate(), [])
    now = T + 60_000
    assert.equal((await engine.evaluate()).map((m) => [m.status, m.repeat]), [['firing', true]])
    // a refusal (400) is not retried
    answer = 400
    assert.is(await engine.deliver(), 0)
    now += 10_000
    assert.is(await engine.deliver(), 0)
    assert.is(got.length, 4)
    const [last] = openAlertStore(ctx.state.db).recent(1)
    assert.equal([last!.deliveredMs, last!.failedMs !== null, last!.lastError], [null, true, 'webhook h: the receiver answered 400 (refused: not retried)'])
  } finally {
    await engine.stop()
    server.close()
  }
})

test('an incident merged into another is recovered as merged, not as restored', async (ctx) => {
  const config = parseAlertsConfig(`channels: [{ name: h, type: webhook, url: 'http://127.0.0.1:9/' }]\nrules: [{ name: i, kind: incident, channels: [h] }]\n`, 'merged.yml', {})
  let now = T
  const sent: AlertMessage[] = []
  const engine = createAlertEngine({ config, alerts: openAlertStore(ctx.state.db), store: ctx.store, incidents: ctx.incidents, inventory: () => inv, slaTargets: DEFAULT_SLA_TARGETS, pollIntervalMs: MIN, clock: { now: () => now }, log: silentLog, senders: { h: async (m) => void sent.push(m) } })
  try {
    const cut = { 'core-1 Te0/0/1': 'down' as PortStatus }
    const g = (down: string[], ports: Record<string, PortStatus>) => groupFailures(tree, inv, { status: (d): Status => (down.includes(d) ? 'down' : 'up'), port: (d, p) => ports[`${d} ${p}`] })
    ctx.incidents.update(g(['sw-north'], cut), T, { sinceMs: () => T })
    ctx.incidents.update([...g(['sw-north'], cut), ...g(['ap-s2'], { 'sw-south Gi1/0/2': 'up' })], T + MIN, { sinceMs: () => T })
    await engine.evaluate()
    // ap-s2 turns out to hang from the cut too (a tree edit): its incident merges into the cut
    const ap = ctx.incidents.list({ state: 'open' }).find((i) => i.rootCause.id === 'ap-s2')!
    ctx.incidents.update([{ ...g(['sw-north'], cut)[0]!, devices: ['sw-north', 'ap-s2'] }], T + 2 * MIN, { sinceMs: () => T })
    now = T + 2 * MIN
    await engine.evaluate()
    await engine.deliver()
    const recovery = sent.find((m) => m.status === 'resolved' && m.key === `incident:${ap.id}`)!
    assert.match(recovery.text, /^No longer an incident of its own: part of incident \d+ now: fiber link fl-north/)
  } finally {
    await engine.stop()
  }
})

test.run()
