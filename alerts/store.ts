/**
 * Alerts in the app-state database: the conditions each rule found (tables alert_conditions:
 * firing from when, resolved when, when it was last sent) and the outbox of messages to send
 * (alert_outbox: one row per message and channel, with its attempts and the last error).
 * A restart finds both as they were: a condition already sent is not sent again, a message
 * not yet delivered still is.
 */
import type Database from 'better-sqlite3'
import type { AlertSeverity } from './config.ts'

export interface AlertCondition {
  id: number
  rule: string
  key: string
  severity: AlertSeverity
  title: string
  text: string
  firingSinceMs: number
  resolvedMs: number | null
  /** when a firing message (first or repeat) was last queued; null: never (held by quiet hours) */
  notifiedMs: number | null
  /** the recovery was queued, or was not needed (it was never sent as firing) */
  resolvedNotified: boolean
}

export interface AlertMessage {
  version: 1
  status: 'firing' | 'resolved'
  /** a reminder of a condition still firing */
  repeat: boolean
  rule: string
  kind: string
  key: string
  severity: AlertSeverity
  title: string
  text: string
  startsMs: number
  endsMs: number | null
  /** the incident it is about, when it is about one */
  incident: number | null
  /** a link for people, when the config has a publicUrl */
  url: string | null
}

export interface OutboxRow {
  id: number
  createdMs: number
  channel: string
  message: AlertMessage
  attempts: number
  nextMs: number
  deliveredMs: number | null
  failedMs: number | null
  lastError: string | null
}

export interface AlertStore {
  open(rule: string): AlertCondition[]
  /** resolved but their recovery not yet queued */
  pendingRecovery(rule: string): AlertCondition[]
  insert(c: Omit<AlertCondition, 'id' | 'resolvedMs' | 'notifiedMs' | 'resolvedNotified'>): AlertCondition
  refresh(id: number, c: { severity: AlertSeverity; title: string; text: string }): void
  resolve(id: number, atMs: number): void
  markNotified(id: number, atMs: number): void
  markRecoveryDone(id: number): void
  /** queues one message per channel */
  enqueue(message: AlertMessage, channels: readonly string[], nowMs: number): void
  /** per channel, its oldest message neither delivered nor given up on */
  heads(): OutboxRow[]
  delivered(id: number, atMs: number): void
  retryLater(id: number, nextMs: number, error: string): void
  gaveUp(id: number, atMs: number, error: string): void
  /** newest first */
  recent(limit: number): OutboxRow[]
  /** per channel, its messages neither delivered nor given up on (channels with none are absent) */
  outboxDepth(): { channel: string; messages: number }[]
  conditions(q: { state?: 'firing' | 'resolved'; limit: number }): AlertCondition[]
}

interface ConditionRow {
  id: number
  rule: string
  key: string
  severity: AlertSeverity
  title: string
  text: string
  firing_since_ms: number
  resolved_ms: number | null
  notified_ms: number | null
  resolved_notified: number
}
interface OutboxDbRow {
  id: number
  created_ms: number
  channel: string
  body: string
  attempts: number
  next_ms: number
  delivered_ms: number | null
  failed_ms: number | null
  last_error: string | null
}

const condition = (r: ConditionRow): AlertCondition => ({
  id: r.id,
  rule: r.rule,
  key: r.key,
  severity: r.severity,
  title: r.title,
  text: r.text,
  firingSinceMs: r.firing_since_ms,
  resolvedMs: r.resolved_ms,
  notifiedMs: r.notified_ms,
  resolvedNotified: r.resolved_notified === 1,
})
const outbox = (r: OutboxDbRow): OutboxRow => ({
  id: r.id,
  createdMs: r.created_ms,
  channel: r.channel,
  message: JSON.parse(r.body) as AlertMessage,
  attempts: r.attempts,
  nextMs: r.next_ms,
  deliveredMs: r.delivered_ms,
  failedMs: r.failed_ms,
  lastError: r.last_error,
})

export function openAlertStore(db: Database.Database): AlertStore {
  db.exec(`
    CREATE TABLE IF NOT EXISTS alert_conditions (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      rule TEXT NOT NULL,
      key TEXT NOT NULL,
      severity TEXT NOT NULL,
      title TEXT NOT NULL,
      text TEXT NOT NULL,
      firing_since_ms INTEGER NOT NULL,
      resolved_ms INTEGER,
      notified_ms INTEGER,
      resolved_notified INTEGER NOT NULL DEFAULT 0
    );
    CREATE UNIQUE INDEX IF NOT EXISTS alert_conditions_firing ON alert_conditions (rule, key) WHERE resolved_ms IS NULL;
    CREATE TABLE IF NOT EXISTS alert_outbox (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      created_ms INTEGER NOT NULL,
      channel TEXT NOT NULL,
      body TEXT NOT NULL,
      attempts INTEGER NOT NULL DEFAULT 0,
      next_ms INTEGER NOT NULL,
      delivered_ms INTEGER,
      failed_ms INTEGER,
      last_error TEXT
    );
    CREATE INDEX IF NOT EXISTS alert_outbox_pending ON alert_outbox (channel, id) WHERE delivered_ms IS NULL AND failed_ms IS NULL;`)
  const s = {
    open: db.prepare('SELECT * FROM alert_conditions WHERE rule = ? AND resolved_ms IS NULL ORDER BY id'),
    pending: db.prepare('SELECT * FROM alert_conditions WHERE rule = ? AND resolved_ms IS NOT NULL AND resolved_notified = 0 ORDER BY id'),
    insert: db.prepare('INSERT INTO alert_conditions (rule, key, severity, title, text, firing_since_ms) VALUES (?, ?, ?, ?, ?, ?)'),
    get: db.prepare('SELECT * FROM alert_conditions WHERE id = ?'),
    refresh: db.prepare('UPDATE alert_conditions SET severity = ?, title = ?, text = ? WHERE id = ?'),
    resolve: db.prepare('UPDATE alert_conditions SET resolved_ms = ? WHERE id = ?'),
    notified: db.prepare('UPDATE alert_conditions SET notified_ms = ? WHERE id = ?'),
    recoveryDone: db.prepare('UPDATE alert_conditions SET resolved_notified = 1 WHERE id = ?'),
    enqueue: db.prepare('INSERT INTO alert_outbox (created_ms, channel, body, next_ms) VALUES (?, ?, ?, ?)'),
    heads: db.prepare(`SELECT o.* FROM alert_outbox o WHERE o.id IN (
      SELECT min(id) FROM alert_outbox WHERE delivered_ms IS NULL AND failed_ms IS NULL GROUP BY channel) ORDER BY o.id`),
    delivered: db.prepare('UPDATE alert_outbox SET delivered_ms = ?, attempts = attempts + 1, last_error = NULL WHERE id = ?'),
    retry: db.prepare('UPDATE alert_outbox SET next_ms = ?, attempts = attempts + 1, last_error = ? WHERE id = ?'),
    gaveUp: db.prepare('UPDATE alert_outbox SET failed_ms = ?, attempts = attempts + 1, last_error = ? WHERE id = ?'),
    recent: db.prepare('SELECT * FROM alert_outbox ORDER BY id DESC LIMIT ?'),
    depth: db.prepare('SELECT channel, count(*) AS messages FROM alert_outbox WHERE delivered_ms IS NULL AND failed_ms IS NULL GROUP BY channel ORDER BY channel'),
    firing: db.prepare('SELECT * FROM alert_conditions WHERE resolved_ms IS NULL ORDER BY id DESC LIMIT ?'),
    resolved: db.prepare('SELECT * FROM alert_conditions WHERE resolved_ms IS NOT NULL ORDER BY id DESC LIMIT ?'),
    all: db.prepare('SELECT * FROM alert_conditions ORDER BY id DESC LIMIT ?'),
  }
  const enqueueAll = db.transaction((message: AlertMessage, channels: readonly string[], nowMs: number) => {
    const body = JSON.stringify(message)
    for (const c of channels) s.enqueue.run(nowMs, c, body, nowMs)
  })
  return {
    open: (rule) => (s.open.all(rule) as ConditionRow[]).map(condition),
    pendingRecovery: (rule) => (s.pending.all(rule) as ConditionRow[]).map(condition),
    insert(c) {
      const id = Number(s.insert.run(c.rule, c.key, c.severity, c.title, c.text, c.firingSinceMs).lastInsertRowid)
      return condition(s.get.get(id) as ConditionRow)
    },
    refresh: (id, c) => void s.refresh.run(c.severity, c.title, c.text, id),
    resolve: (id, atMs) => void s.resolve.run(atMs, id),
    markNotified: (id, atMs) => void s.notified.run(atMs, id),
    markRecoveryDone: (id) => void s.recoveryDone.run(id),
    enqueue: (message, channels, nowMs) => enqueueAll(message, channels, nowMs),
    heads: () => (s.heads.all() as OutboxDbRow[]).map(outbox),
    delivered: (id, atMs) => void s.delivered.run(atMs, id),
    retryLater: (id, nextMs, error) => void s.retry.run(nextMs, error, id),
    gaveUp: (id, atMs, error) => void s.gaveUp.run(atMs, error, id),
    recent: (limit) => (s.recent.all(limit) as OutboxDbRow[]).map(outbox),
    outboxDepth: () => s.depth.all() as { channel: string; messages: number }[],
    conditions: (q) => ((q.state === 'firing' ? s.firing : q.state === 'resolved' ? s.resolved : s.all).all(q.limit) as ConditionRow[]).map(condition),
  }
}
