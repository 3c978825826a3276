/**
 * Residents' problem reports in the app-state database: table resident_reports (what, where,
 * when, the incident it is attached to, its state) and, apart, resident_contacts (the
 * optional contact a resident left: never public, never logged, removed with the report).
 * A tracking number is random (40 bits, Crockford base32), so one resident's number says
 * nothing about another's.
 */
import { randomBytes } from 'node:crypto'
import type Database from 'better-sqlite3'

export const REPORT_KINDS = ['no-wifi', 'slow', 'cant-connect'] as const
export type ReportKind = (typeof REPORT_KINDS)[number]

export interface ResidentReport {
  id: number
  tracking: string
  createdMs: number
  kind: ReportKind
  neighborhood: string
  /** where, when the resident gave a point (a map pin); null: the neighborhood only */
  lon: number | null
  lat: number | null
  /** the resident's words for the place ("corner of Main and Albany"), up to 120 characters */
  near: string | null
  /** the incident it is attached to (an open incident covering the place when it came in) */
  incidentId: number | null
  state: 'open' | 'resolved'
  resolvedMs: number | null
  /** 'incident': closed with its incident */
  resolvedBy: 'incident' | null
}

export interface NewReport {
  kind: ReportKind
  neighborhood: string
  lon: number | null
  lat: number | null
  near: string | null
  contact: string | null
  incidentId: number | null
}

export interface ResidentReportStore {
  create(r: NewReport, nowMs: number): ResidentReport
  byTracking(tracking: string): ResidentReport | undefined
  /** newest first; created in [fromMs, toMs) */
  list(q: { fromMs: number; toMs: number; state?: 'open' | 'resolved' }): ResidentReport[]
  /** the contact a resident left (engineers only) */
  contactOf(id: number): string | null
  /** attaches open reports that are part of no incident to an incident (one opened by hand from them) */
  attach(ids: readonly number[], incidentId: number): void
  /** reports attached to incidents that have closed since are resolved with them */
  resolveWithIncidents(closed: (incidentId: number) => number | null): number
}

const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ' // Crockford base32: no I, L, O, U
export const TRACKING_PATTERN = '^R-[0-9A-HJKMNP-TV-Z]{4}-[0-9A-HJKMNP-TV-Z]{4}$'

function newTracking(): string {
  const b = randomBytes(5)
  let n = BigInt('0x' + b.toString('hex'))
  let s = ''
  for (let i = 0; i < 8; i++) {
    s = ALPHABET[Number(n & 31n)] + s
    n >>= 5n
  }
  return `R-${s.slice(0, 4)}-${s.slice(4)}`
}

interface Row {
  id: number
  tracking: string
  created_ms: number
  kind: ReportKind
  neighborhood: string
  lon: number | null
  lat: number | null
  near: string | null
  incident_id: number | null
  state: 'open' | 'resolved'
  resolved_ms: number | null
  resolved_by: 'incident' | null
}
const report = (r: Row): ResidentReport => ({
  id: r.id,
  tracking: r.tracking,
  createdMs: r.created_ms,
  kind: r.kind,
  neighborhood: r.neighborhood,
  lon: r.lon,
  lat: r.lat,
  near: r.near,
  incidentId: r.incident_id,
  state: r.state,
  resolvedMs: r.resolved_ms,
  resolvedBy: r.resolved_by,
})

export function openResidentReportStore(db: Database.Database): ResidentReportStore {
  db.exec(`
    CREATE TABLE IF NOT EXISTS resident_reports (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      tracking TEXT NOT NULL UNIQUE,
      created_ms INTEGER NOT NULL,
      kind TEXT NOT NULL,
      neighborhood TEXT NOT NULL,
      lon REAL,
      lat REAL,
      near TEXT,
      incident_id INTEGER,
      state TEXT NOT NULL DEFAULT 'open' CHECK (state IN ('open', 'resolved')),
      resolved_ms INTEGER,
      resolved_by TEXT
    );
    CREATE INDEX IF NOT EXISTS resident_reports_created ON resident_reports (created_ms);
    CREATE INDEX IF NOT EXISTS resident_reports_incident ON resident_reports (incident_id) WHERE state = 'open';
    CREATE TABLE IF NOT EXISTS resident_contacts (
      report INTEGER PRIMARY KEY REFERENCES resident_reports (id) ON DELETE CASCADE,
      contact TEXT NOT NULL
    );`)
  const s = {
    insert: db.prepare('INSERT INTO resident_reports (tracking, created_ms, kind, neighborhood, lon, lat, near, incident_id) VALUES (?, ?, ?, ?, ?, ?, ?, ?)'),
    contact: db.prepare('INSERT INTO resident_contacts (report, contact) VALUES (?, ?)'),
    byId: db.prepare('SELECT * FROM resident_reports WHERE id = ?'),
    byTracking: db.prepare('SELECT * FROM resident_reports WHERE tracking = ?'),
    list: db.prepare('SELECT * FROM resident_reports WHERE created_ms >= ? AND created_ms < ? ORDER BY created_ms DESC, id DESC'),
    contactOf: db.prepare('SELECT contact FROM resident_contacts WHERE report = ?'),
    attachedOpen: db.prepare("SELECT DISTINCT incident_id FROM resident_reports WHERE state = 'open' AND incident_id IS NOT NULL"),
    attach: db.prepare("UPDATE resident_reports SET incident_id = ? WHERE id = ? AND state = 'open' AND incident_id IS NULL"),
    resolve: db.prepare("UPDATE resident_reports SET state = 'resolved', resolved_ms = ?, resolved_by = 'incident' WHERE state = 'open' AND incident_id = ?"),
  }
  const create = db.transaction((r: NewReport, nowMs: number): ResidentReport => {
    for (let attempt = 0; ; attempt++) {
      const tracking = newTracking()
      if (s.byTracking.get(tracking)) {
        if (attempt > 5) throw new Error('could not make a unique tracking number')
        continue
      }
      const id = Number(s.insert.run(tracking, nowMs, r.kind, r.neighborhood, r.lon, r.lat, r.near, r.incidentId).lastInsertRowid)
      if (r.contact !== null) s.contact.run(id, r.contact)
      return report(s.byId.get(id) as Row)
    }
  })
  return {
    create: (r, nowMs) => create(r, nowMs),
    byTracking: (t) => {
      const r = s.byTracking.get(t) as Row | undefined
      return r ? report(r) : undefined
    },
    list: (q) => (s.list.all(q.fromMs, q.toMs) as Row[]).map(report).filter((r) => !q.state || r.state === q.state),
    attach: db.transaction((ids: readonly number[], incidentId: number) => {
      for (const id of ids) if (s.attach.run(incidentId, id).changes !== 1) throw new Error(`report ${id} is not open and free to attach`)
    }),
    contactOf: (id) => (s.contactOf.get(id) as { contact: string } | undefined)?.contact ?? null,
    resolveWithIncidents(closed) {
      let n = 0
      for (const { incident_id } of s.attachedOpen.all() as { incident_id: number }[]) {
        const at = closed(incident_id)
        if (at !== null) n += s.resolve.run(at, incident_id).changes
      }
      return n
    },
  }
}
