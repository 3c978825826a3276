/**
 * The alert engine: every `evaluateMs` each rule says what holds (rules.ts); each condition
 * is kept in the app state (store.ts) under its key, so it is sent once when it begins,
 * again every `repeatEvery` while it holds (when the rule asks), and once more when it ends
 * (the recovery). Quiet hours hold a message back; when they end, a condition still firing
 * is sent, and one that began and ended inside them is never sent (its recovery is owed
 * only for what was sent). Conditions below the rule's minSeverity are not sent.
 *
 * Delivery (every second): per channel the oldest message first, and nothing behind it until
 * it went through, so a recovery never overtakes its alert; a failed attempt waits
 * retryAfter, doubling up to maxRetryAfter; after giveUpAfter (or a refusal no retry can
 * cure) the message is given up on, logged as an error. Messages are in the database, so a
 * receiver that is down gets them when it returns, even across a restart.
 */
import { utcOffsetMs } from '../core/calendar.ts'
import type { Inventory } from '../core/inventory.ts'
import type { SlaTargets } from '../incidents/sla.ts'
import { ALERT_SEVERITIES, type AlertSeverity, type AlertsConfig, type RuleConfig } from './config.ts'
import { createSender, DeliveryError, type Sender } from './channels.ts'
import { evaluateRule, type RuleContext } from './rules.ts'
import type { AlertCondition, AlertMessage, AlertStore } from './store.ts'

export interface AlertEngineDeps {
  config: AlertsConfig
  alerts: AlertStore
  store: RuleContext['store']
  incidents: RuleContext['incidents']
  inventory: () => Inventory
  slaTargets: SlaTargets
  pollIntervalMs: number
  clock: { now(): number }
  log: { info(o: object, msg: string): void; warn(o: object, msg: string): void; error(o: object, msg: string): void }
  /** for tests: senders by channel name instead of the configured ones */
  senders?: Record<string, Sender>
}

export interface AlertEngine {
  /** one evaluation of every rule now; resolves with the messages queued */
  evaluate(): Promise<AlertMessage[]>
  /** one delivery pass now; resolves with how many messages went through */
  deliver(): Promise<number>
  start(): void
  stop(): Promise<void>
}

/** The availability rule reads a whole window of polls: at most every 5 minutes. */
const SLOW_RULE_MS = 5 * 60_000
/** minutes after local midnight in the zone */
const localMinutes = (ms: number, tz: string) => Math.floor((((ms + utcOffsetMs(ms, tz)) % 86_400_000) + 86_400_000) % 86_400_000 / 60_000)
const rank = (s: AlertSeverity) => ALERT_SEVERITIES.length - ALERT_SEVERITIES.indexOf(s)

export function createAlertEngine(deps: AlertEngineDeps): AlertEngine {
  const { config, alerts, log } = deps
  const startedMs = deps.clock.now()
  const owned = new Map(config.channels.map((c) => [c.name, createSender(c)]))
  const senders = new Map<string, Sender>(config.channels.map((c) => [c.name, deps.senders?.[c.name] ?? owned.get(c.name)!.send]))
  const lastRun = new Map<string, number>()
  const seen = new Map<string, Map<string, { timeMs: number; value: number }[]>>()
  const tz = () => config.timezone ?? deps.inventory().city.timezone

  function quiet(r: RuleConfig, severity: AlertSeverity, nowMs: number): boolean {
    const q = r.quietHours
    if (!q || q.except.includes(severity)) return false
    const m = localMinutes(nowMs, tz())
    return q.fromMin < q.toMin ? m >= q.fromMin && m < q.toMin : m >= q.fromMin || m < q.toMin
  }

  function message(r: RuleConfig, c: AlertCondition, status: 'firing' | 'resolved', repeat: boolean, incident: number | null, text?: string): AlertMessage {
    return {
      version: 1,
      status,
      repeat,
      rule: r.name,
      kind: r.kind,
      key: c.key,
      severity: c.severity,
      title: status === 'resolved' ? `Resolved: ${c.title}` : c.title,
      text: text ?? c.text,
      startsMs: c.firingSinceMs,
      endsMs: c.resolvedMs,
      incident,
      url: config.publicUrl === null ? null : incident !== null ? `${config.publicUrl}/#incident=${incident}` : `${config.publicUrl}/`,
    }
  }

  const incidentOf = (key: string) => {
    const m = /^(?:incident|sla-due|sla-breached):(\d+)$/.exec(key)
    return m ? Number(m[1]) : null
  }

  /** the recovery's words: for an incident, how it ended */
  function recoveryText(c: AlertCondition, nowMs: number): string {
    const id = incidentOf(c.key)
    const i = id === null ? undefined : deps.incidents.get(id)
    const took = `${Math.round(((c.resolvedMs ?? nowMs) - c.firingSinceMs) / 60_000)} min`
    if (!i || i.state !== 'closed') return `No longer holds (after ${took}).`
    // closed as merged into another incident: not a restore, the other goes on
    const merged = i.history.find((h) => h.kind === 'merged')
    if (merged) return `No longer an incident of its own: ${merged.text}.`
    const lost = i.clientHoursLost ? ` About ${i.clientHoursLost.value.toFixed(1)} client-hours lost.` : ''
    return `Service restored at ${new Date(i.closedMs!).toISOString()}, after ${Math.round((i.closedMs! - i.openedMs) / 60_000)} min.${lost}`
  }

  async function evaluate(): Promise<AlertMessage[]> {
    const nowMs = deps.clock.now()
    const base = { nowMs, store: deps.store, incidents: deps.incidents, inventory: deps.inventory(), slaTargets: deps.slaTargets, pollIntervalMs: deps.pollIntervalMs, startedMs }
    const queued: AlertMessage[] = []
    for (const r of config.rules) {
      if (!seen.has(r.name)) seen.set(r.name, new Map())
      const ctx: RuleContext = { ...base, seen: seen.get(r.name)! }
      const every = r.kind === 'availability' ? Math.max(SLOW_RULE_MS, config.evaluateMs) : 0
      const found = every > 0 && nowMs - (lastRun.get(r.name) ?? -Infinity) < every ? null : await evaluateRule(r, ctx)
      if (found !== null) {
        lastRun.set(r.name, nowMs)
        const holds = new Map(found.filter((c) => rank(c.severity) >= rank(r.minSeverity)).map((c) => [c.key, c]))
        for (const c of alerts.open(r.name)) {
          const now = holds.get(c.key)
          if (!now) alerts.resolve(c.id, nowMs)
          else if (now.title !== c.title || now.text !== c.text || now.severity !== c.severity) alerts.refresh(c.id, now)
          holds.delete(c.key)
        }
        for (const c of holds.values()) alerts.insert({ rule: r.name, key: c.key, severity: c.severity, title: c.title, text: c.text, firingSinceMs: c.sinceMs ?? nowMs })
      }
      // what to send: first messages, reminders, recoveries, each unless quiet
      for (const c of alerts.open(r.name)) {
        const first = c.notifiedMs === null
        const due = first || (r.repeatMs !== null && nowMs - c.notifiedMs! >= r.repeatMs)
        if (!due || (first && nowMs - c.firingSinceMs < r.forMs) || quiet(r, c.severity, nowMs)) continue
        const m = message(r, c, 'firing', !first, incidentOf(c.key))
        alerts.enqueue(m, r.channels, nowMs)
        alerts.markNotified(c.id, nowMs)
        queued.push(m)
      }
      for (const c of alerts.pendingRecovery(r.name)) {
        if (c.notifiedMs === null) {
          // never sent (quiet hours): no recovery is owed
          alerts.markRecoveryDone(c.id)
          log.info({ rule: r.name, key: c.key }, 'alert began and ended in quiet hours: not sent')
          continue
        }
        if (quiet(r, c.severity, nowMs)) continue
        const m = message(r, c, 'resolved', false, incidentOf(c.key), recoveryText(c, nowMs))
        alerts.enqueue(m, r.channels, nowMs)
        alerts.markRecoveryDone(c.id)
        queued.push(m)
      }
    }
    for (const m of queued) log.info({ rule: m.rule, key: m.key, status: m.status, repeat: m.repeat, severity: m.severity }, 'alert queued')
    return queued
  }

  async function deliver(): Promise<number> {
    let sent = 0
    // per channel its oldest pending message; a channel whose head went through goes again
    for (let progress = true; progress; ) {
      progress = false
      const nowMs = deps.clock.now()
      for (const row of alerts.heads()) {
        if (row.nextMs > nowMs) continue
        const send = senders.get(row.channel)
        if (!send) {
          alerts.gaveUp(row.id, nowMs, `no channel named '${row.channel}' in ${config.file} any more`)
          log.error({ channel: row.channel, key: row.message.key }, 'alert dropped: its channel is no longer configured')
          continue
        }
        try {
          await send(row.message)
          alerts.delivered(row.id, deps.clock.now())
          sent++
          progress = true
        } catch (err) {
          const e = err instanceof DeliveryError ? err : new DeliveryError((err as Error).message, true)
          const at = deps.clock.now()
          if (!e.retriable || at - row.createdMs >= config.delivery.giveUpMs) {
            alerts.gaveUp(row.id, at, e.message)
            log.error({ channel: row.channel, key: row.message.key, attempts: row.attempts + 1, error: e.message }, 'alert given up on: not delivered')
            progress = true
          } else {
            const wait = Math.min(config.delivery.maxRetryMs, config.delivery.retryMs * 2 ** Math.min(20, row.attempts))
            alerts.retryLater(row.id, at + wait, e.message)
            if (row.attempts === 0) log.warn({ channel: row.channel, key: row.message.key, error: e.message, retryInMs: wait }, 'alert not delivered yet: trying again')
          }
        }
      }
    }
    return sent
  }

  /** runs `fn` every `ms`, never two at once (a slow round is not overtaken); stop() waits for the last */
  function loop(ms: number, fn: () => Promise<unknown>, failed: string) {
    let timer: NodeJS.Timeout | undefined
    let busy = false
    let running: Promise<unknown> = Promise.resolve()
    return {
      start() {
        timer = setInterval(() => {
          if (busy) return
          busy = true
          running = fn()
            .catch((err: unknown) => log.warn({ err: (err as Error).message }, failed))
            .finally(() => (busy = false))
        }, ms)
        timer.unref()
      },
      async stop() {
        clearInterval(timer)
        timer = undefined
        await running
      },
      get started() {
        return timer !== undefined
      },
    }
  }
  const evaluating = loop(config.evaluateMs, evaluate, 'alert evaluation failed; trying again next round')
  const delivering = loop(1000, deliver, 'alert delivery pass failed')
  return {
    evaluate,
    deliver,
    start() {
      if (evaluating.started) return
      const names = config.rules.map((r) => `${r.name} (${r.kind} -> ${r.channels.join(', ')})`)
      log.info({ file: config.file, rules: names, channels: config.channels.map((c) => `${c.name} (${c.type})`) }, 'alerts started')
      evaluating.start()
      delivering.start()
    },
    async stop() {
      await Promise.all([evaluating.stop(), delivering.stop()])
      for (const s of owned.values()) s.close()
    },
  }
}
