/**
 * What each rule kind finds now. A rule returns the conditions that hold (each with a key
 * that stays the same while it holds, so it is sent once), or null when it was not looked
 * at this round (nothing changes then). The engine (engine.ts) decides what to send.
 *
 * Children of an incident are suppressed: a device, port or neighborhood an open incident
 * already covers raises no optics or availability alert of its own, so a fiber cut sends
 * one alert (the incident's), not one per dark port or darkened neighborhood.
 */
import type { Inventory } from '../core/inventory.ts'
import type { MetricStore } from '../store/types.ts'
import { availability, summarize } from '../availability/index.ts'
import { severityOf, slaClock, type SlaTargets } from '../incidents/sla.ts'
import { apsTakenOut } from '../incidents/scope.ts'
import type { Incident, IncidentStore } from '../incidents/store.ts'
import type { AlertSeverity, RuleConfig } from './config.ts'

export interface Condition {
  key: string
  severity: AlertSeverity
  title: string
  text: string
  /** when it began, when known (else: when first seen) */
  sinceMs?: number
  incident?: number
}

export interface RuleContext {
  nowMs: number
  store: Pick<MetricStore, 'latest' | 'aggregate' | 'events'>
  incidents: Pick<IncidentStore, 'list' | 'get'>
  inventory: Inventory
  slaTargets: SlaTargets
  pollIntervalMs: number
  /** when the engine started: the collector rule does not count polls before it */
  startedMs: number
  /**
   * the optics readings this engine saw, per port, within the rule's window (kept by the
   * engine between rounds; a restart starts the window again)
   */
  seen: Map<string, { timeMs: number; value: number }[]>
}

/** Adds a reading to a port's list, drops what is older than fromMs, returns the highest. */
function remember(seen: RuleContext['seen'], key: string, v: { timeMs: number; value: number }, fromMs: number): number {
  const list = (seen.get(key) ?? []).filter((x) => x.timeMs >= fromMs)
  if (list.at(-1)?.timeMs !== v.timeMs) list.push({ timeMs: v.timeMs, value: v.value })
  seen.set(key, list)
  return Math.max(...list.map((x) => x.value))
}

const minutes = (ms: number) => (ms < 3_600_000 ? `${Math.round(ms / 60_000)} min` : `${(ms / 3_600_000).toFixed(1)} h`)

/** Names for people: a device's name, a neighborhood's name. */
function namer(inv: Inventory) {
  const dev = new Map(inv.devices.map((d) => [d.id, d]))
  const hood = new Map(inv.neighborhoods.map((n) => [n.id, n.name]))
  const site = new Map(inv.sites.map((s) => [s.id, s.neighborhood]))
  return {
    device: (id: string) => dev.get(id)?.name ?? id,
    hood: (id: string) => hood.get(id) ?? id,
    hoodOf: (device: string) => site.get(dev.get(device)?.site ?? '') ?? '',
    isAp: (id: string) => dev.get(id)?.kind === 'ap',
  }
}

/**
 * Words for people about an incident. The title says what its root cause takes out by the
 * topology (every AP behind it, and their neighborhoods), known the moment it opens, so it
 * stays the same while the devices behind it miss their polls one by one.
 */
export function describeIncident(i: Incident, inv: Inventory): { title: string; text: string } {
  const n = namer(inv)
  const link = i.rootCause.kind === 'link' ? inv.links.find((l) => l.id === i.rootCause.id) : undefined
  const what =
    i.rootCause.kind === 'link'
      ? `fiber link ${i.rootCause.id}${link ? ` (${n.device(link.a.device)} ${link.a.port} - ${n.device(link.b.device)} ${link.b.port})` : ''}`
      : i.rootCause.kind === 'reported'
        ? `a problem reported in ${n.hood(i.rootCause.id)}`
        : n.device(i.rootCause.id)
  const aps = [...new Set([...apsTakenOut({ ...i, state: 'open' }, inv), ...i.affected.aps])]
  const hoods = [...new Set([...aps.map(n.hoodOf), ...i.affected.neighborhoods])].filter((h) => h !== '').sort().map(n.hood).join(', ') || 'no neighborhood'
  if (i.rootCause.kind === 'reported') {
    return {
      title: `Incident #${i.id}: ${what}, opened by hand: ${i.rootCause.why}`,
      text: [
        `Opened by ${i.openedBy ?? 'an engineer'} from what residents reported: ${i.rootCause.why}`,
        `In ${hoods}; ${aps.length ? `APs named: ${aps.map(n.device).join(', ')}` : 'no AP named'}. The polls do not see it: it closes when an engineer closes it.`,
        `Open since ${new Date(i.openedMs).toISOString()}.`,
      ].join('\n'),
    }
  }
  const title = `Incident #${i.id}: ${what} ${i.rootCause.probable ? 'probably ' : ''}down, ${aps.length} AP${aps.length === 1 ? '' : 's'} out in ${hoods}`
  const text = [
    `${i.rootCause.probable ? 'Probable cause' : 'Root cause'}: ${what}. ${i.rootCause.why}`,
    `Out: ${aps.length} access point(s) behind it, in ${hoods}; ${i.down.length} device(s) seen down so far.`,
    `Open since ${new Date(i.openedMs).toISOString()}.`,
  ].join('\n')
  return { title, text }
}

type Rule = (r: RuleConfig, ctx: RuleContext) => Promise<Condition[] | null>

/** What open incidents cover: their devices, and the ports at the ends of a root-cause link. */
function covered(ctx: RuleContext, open: readonly Incident[]) {
  const devices = new Set(open.flatMap((i) => i.affected.devices))
  const ports = new Set<string>()
  const hoods = new Set(open.flatMap((i) => i.affected.neighborhoods))
  for (const i of open) {
    if (i.rootCause.kind !== 'link') continue
    const l = ctx.inventory.links.find((x) => x.id === i.rootCause.id)
    if (l) for (const e of [l.a, l.b]) ports.add(`${e.device}\u0000${e.port}`)
  }
  return { devices, ports, hoods }
}

const rules: Record<RuleConfig['kind'], Rule> = {
  async incident(_r, ctx) {
    return ctx.incidents.list({ state: 'open' }).map((i) => ({ key: `incident:${i.id}`, severity: severityOf(i), ...describeIncident(i, ctx.inventory), sinceMs: i.openedMs, incident: i.id }))
  },

  async sla(r, ctx) {
    const out: Condition[] = []
    for (const i of ctx.incidents.list({ state: 'open' })) {
      const c = slaClock(i, ctx.nowMs, ctx.slaTargets)
      if (c.remainingMs === null || c.remainingMs > r.beforeMs) continue
      const { title } = describeIncident(i, ctx.inventory)
      const due = new Date(c.dueMs).toISOString()
      out.push(
        c.breached
          ? { key: `sla-breached:${i.id}`, severity: c.severity, title: `SLA breached: ${title}`, text: `The ${c.severity} target of ${minutes(c.targetMs)} to restore passed at ${due}; open for ${minutes(c.elapsedMs)}.`, sinceMs: c.dueMs, incident: i.id }
          : { key: `sla-due:${i.id}`, severity: c.severity, title: `SLA due in ${minutes(c.remainingMs)}: ${title}`, text: `The ${c.severity} target of ${minutes(c.targetMs)} to restore is due at ${due}.`, incident: i.id },
      )
    }
    return out
  },

  async optics(r, ctx) {
    const n = namer(ctx.inventory)
    const open = ctx.incidents.list({ state: 'open' })
    const cover = covered(ctx, open)
    const fresh = ctx.nowMs - 3 * ctx.pollIntervalMs
    const latest = await ctx.store.latest({ metric: 'optics_rx_dbm', sinceMs: fresh })
    const out: Condition[] = []
    for (const v of latest) {
      if (cover.devices.has(v.device) || cover.ports.has(`${v.device}\u0000${v.instance}`)) {
        ctx.seen.delete(`${v.device}\u0000${v.instance}`) // a cut is not a fall: start again after it
        continue
      }
      const where = `${n.device(v.device)} port ${v.instance}`
      if (v.value < r.belowDbm) {
        out.push({ key: `optics-low:${v.device}:${v.instance}`, severity: 'major', title: `Optics low: ${where} receives ${v.value.toFixed(1)} dBm`, text: `Receive power ${v.value.toFixed(2)} dBm is below the ${r.belowDbm} dBm threshold (read ${new Date(v.timeMs).toISOString()}).` })
        continue
      }
      // falling fast: the highest reading this engine saw in the window against the newest
      const peak = remember(ctx.seen, `${v.device}\u0000${v.instance}`, v, ctx.nowMs - r.windowMs)
      if (peak - v.value >= r.fallingDb) {
        out.push({ key: `optics-falling:${v.device}:${v.instance}`, severity: 'minor', title: `Optics falling: ${where} down ${(peak - v.value).toFixed(1)} dB`, text: `Receive power fell from ${peak.toFixed(2)} dBm to ${v.value.toFixed(2)} dBm within ${minutes(r.windowMs)} (the rule warns at ${r.fallingDb} dB).` })
      }
    }
    return out
  },

  async collector(r, ctx) {
    const fromMs = Math.max(ctx.nowMs - r.windowMs, ctx.startedMs)
    // a window shorter than three intervals says nothing yet
    if (ctx.nowMs - fromMs < 3 * ctx.pollIntervalMs) return null
    const expected = Math.floor((ctx.nowMs - fromMs) / ctx.pollIntervalMs)
    const polled = ctx.inventory.devices.filter((d) => d.kind !== 'ap' || d.controller === undefined)
    const counts = await ctx.store.aggregate({ metric: 'device_up', groupBy: 'device', fn: 'count', fromMs, toMs: ctx.nowMs, stepMs: ctx.nowMs - fromMs, where: { device: polled.map((d) => d.id) } })
    // (steps are aligned to the epoch: the window can span two of them)
    const got = new Map<string, number>()
    for (const c of counts) got.set(c.group, (got.get(c.group) ?? 0) + c.value)
    // a device one poll short is at the window's edge (its polls fall late in each
    // interval), not behind: it counts no miss
    const missed = polled.reduce((m, d) => {
      const short = expected - (got.get(d.id) ?? 0)
      return m + (short > 1 ? short : 0)
    }, 0)
    const pct = (100 * missed) / (polled.length * expected)
    if (polled.length === 0 || pct < r.missedPct) return []
    return [{ key: 'collector-behind', severity: 'major', title: `Collector behind: ${pct.toFixed(1)} % of polls missed in the last ${minutes(ctx.nowMs - fromMs)}`, text: `${missed} of ${polled.length * expected} expected polls were not made (the rule warns at ${r.missedPct} %). Check the collector's load, its poll timeouts and the store's write rate.` }]
  },

  async availability(r, ctx) {
    const n = namer(ctx.inventory)
    const open = ctx.incidents.list({ state: 'open' })
    const cover = covered(ctx, open)
    const served = ctx.inventory.neighborhoods.filter((h) => h.served)
    const aps = ctx.inventory.devices.filter((d) => d.kind === 'ap').map((d) => ({ id: d.id, neighborhood: n.hoodOf(d.id) }))
    const result = await availability({ fromMs: ctx.nowMs - r.windowMs, asOfMs: ctx.nowMs, aps }, { store: ctx.store as MetricStore })
    const out: Condition[] = []
    for (const h of served) {
      if (cover.hoods.has(h.id)) continue // an open incident there says it already
      const s = summarize(aps.filter((a) => a.neighborhood === h.id).map((a) => result.aps.get(a.id)!))
      if (s.availabilityPct === null || s.availabilityPct >= r.targetPct) continue
      out.push({ key: `availability:${h.id}`, severity: 'major', title: `${h.name} availability ${s.availabilityPct.toFixed(2)} % over ${minutes(r.windowMs)}, under the ${r.targetPct} % target`, text: `${(s.outageMinutes ?? 0).toFixed(0)} AP-minutes down in ${s.outages} outage(s) in ${h.name} over the last ${minutes(r.windowMs)}.` })
    }
    return out
  },
}

export function evaluateRule(r: RuleConfig, ctx: RuleContext): Promise<Condition[] | null> {
  return rules[r.kind](r, ctx)
}
