/**
 * Incidents in the app-state database (tables incident_*), with their whole history: what
 * opened them, which devices joined and recovered, root-cause changes, acknowledgements,
 * notes, the close. `update(groups, nowMs)` reconciles the open incidents with the current
 * failure groups (root-cause.ts) in one transaction:
 *
 * - a group whose root cause is an open incident's is that incident (devices join and
 *   recover in it);
 * - else a group that shares a device with open incidents is the oldest of them: its root
 *   cause moves (a probable cause seen at last, or a failure higher up that now explains
 *   it), and the others are closed as merged into it;
 * - else the group opens a new incident;
 * - an open incident no group matches is closed: service is back.
 *
 * An engineer can also open one by hand (`openByHand`): a problem the polls cannot see,
 * such as residents reporting a captive-portal fault or a coverage hole. Its root cause is
 * `reported`, the engine never matches or closes it, and an engineer closes it
 * (`closeByHand`) when it is fixed.
 *
 * Nothing is ever deleted: a restart reads them back as they were.
 */
import type Database from 'better-sqlite3'
import type { FailureGroup, RootCause } from './root-cause.ts'

export type IncidentState = 'open' | 'closed'

/**
 * What caused an incident: a device or a fiber link the engine found (root-cause.ts), or
 * `reported`: opened by hand from what residents reported (id: the neighborhood; why: the
 * engineer's summary).
 */
export type IncidentRootCause = Omit<RootCause, 'kind'> & { kind: RootCause['kind'] | 'reported' }

export interface IncidentEvent {
  timeMs: number
  kind: 'opened' | 'joined' | 'recovered' | 'root-cause' | 'merged' | 'closed' | 'ack' | 'note' | 'eta'
  /** who, for acknowledgements and notes (a token's label or role); null for the system */
  actor: string | null
  text: string
}

export interface Incident {
  id: number
  state: IncidentState
  openedMs: number
  closedMs: number | null
  rootCause: IncidentRootCause
  /** who opened it by hand (a token's role and label); null: the engine, from polls and traps */
  openedBy: string | null
  /** where the problem is, for one opened by hand from reports with pins (their mean); else null */
  place: { lon: number; lat: number } | null
  /** every device the incident ever covered, and their APs and neighborhoods */
  affected: { devices: string[]; aps: string[]; neighborhoods: string[] }
  /** the devices still down (empty once closed) */
  down: string[]
  acknowledged: { by: string; atMs: number } | null
  /** when an engineer expects service back (shown on the public status page); null: not said */
  expectedRestoreMs: number | null
  /** client-hours the incident took (client-hours.ts), as of atMs; null until first computed */
  clientHoursLost: { value: number; unknownApHours: number; atMs: number } | null
  /** oldest first */
  history: IncidentEvent[]
}

export interface IncidentQuery {
  state?: IncidentState
  /** incidents open at some time in [fromMs, toMs) */
  fromMs?: number
  toMs?: number
}

export interface IncidentChange {
  id: number
  change: 'opened' | 'changed' | 'closed'
}

export interface IncidentStore {
  /**
   * Reconciles the open incidents with the failure groups seen at nowMs. `sinceMs` says when
   * each device's failure began (its first failed poll), for an incident's open time;
   * `recoveredMs` when it answered again (its first good poll), for the close time, and
   * undefined while it is not up (down, or no fresh poll: an incident never closes on an
   * unknown status).
   */
  update(groups: readonly FailureGroup[], nowMs: number, times?: { sinceMs?: (device: string) => number | undefined; recoveredMs?: (device: string) => number | undefined }): IncidentChange[]
  list(q?: IncidentQuery): Incident[]
  get(id: number): Incident | undefined
  /** records the incident's client-hours lost as of atMs */
  setClientHours(id: number, value: number, unknownApHours: number, atMs: number): void
  /** throws IncidentNotFoundError */
  acknowledge(id: number, actor: string, nowMs: number): Incident
  /** throws IncidentNotFoundError */
  note(id: number, actor: string, text: string, nowMs: number): Incident
  /** sets (or with null clears) the expected restore time; throws IncidentNotFoundError */
  setExpectedRestore(id: number, actor: string, restoreByMs: number | null, nowMs: number): Incident
  /** opens an incident by hand (root cause `reported`); the engine leaves it alone */
  openByHand(o: ManualIncident, actor: string, nowMs: number): Incident
  /** closes an incident opened by hand, with the engineer's words; throws IncidentNotFoundError, IncidentStateError */
  closeByHand(id: number, actor: string, text: string, nowMs: number): Incident
}

export interface ManualIncident {
  /** the neighborhood it is in (the root cause's id) */
  neighborhood: string
  /** what is wrong, in the engineer's words (the root cause's why) */
  summary: string
  /** the APs it takes out, when the engineer names them (they may still answer polls) */
  aps: string[]
  /** every neighborhood it touches: the neighborhood's and the APs' */
  neighborhoods: string[]
  place: { lon: number; lat: number } | null
}

export class IncidentStateError extends Error {
  constructor(
    readonly id: number,
    readonly reason: 'closed' | 'not-manual',
  ) {
    super(reason === 'closed' ? `incident ${id} is closed already` : `incident ${id} was opened from polls and traps: it closes by itself when its devices answer again`)
    this.name = 'IncidentStateError'
  }
}

export class IncidentNotFoundError extends Error {
  constructor(readonly id: number) {
    super(`no incident ${id}`)
    this.name = 'IncidentNotFoundError'
  }
}

interface Row {
  id: number
  state: IncidentState
  opened_ms: number
  closed_ms: number | null
  root_kind: IncidentRootCause['kind']
  root_id: string
  probable: number
  why: string
  affected: string
  down: string
  ack_by: string | null
  ack_ms: number | null
  client_hours: number | null
  client_hours_unknown: number | null
  client_hours_at_ms: number | null
  expected_restore_ms: number | null
  opened_by: string | null
  place: string | null
}

const sameRoot = (a: IncidentRootCause, b: IncidentRootCause) => a.kind === b.kind && a.id === b.id
const union = (a: readonly string[], b: readonly string[]) => [...new Set([...a, ...b])]
const list = (xs: readonly string[]) => (xs.length <= 10 ? xs.join(', ') : `${xs.slice(0, 10).join(', ')} and ${xs.length - 10} more`)

export function openIncidentStore(db: Database.Database): IncidentStore {
  db.exec(`CREATE TABLE IF NOT EXISTS incident_incidents (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      state TEXT NOT NULL CHECK (state IN ('open', 'closed')),
      opened_ms INTEGER NOT NULL,
      closed_ms INTEGER,
      root_kind TEXT NOT NULL,
      root_id TEXT NOT NULL,
      probable INTEGER NOT NULL,
      why TEXT NOT NULL,
      affected TEXT NOT NULL,
      down TEXT NOT NULL,
      ack_by TEXT,
      ack_ms INTEGER,
      client_hours REAL,
      client_hours_unknown INTEGER,
      client_hours_at_ms INTEGER
    );
    CREATE INDEX IF NOT EXISTS incident_incidents_state ON incident_incidents (state, opened_ms);
    CREATE TABLE IF NOT EXISTS incident_history (
      incident INTEGER NOT NULL REFERENCES incident_incidents (id),
      seq INTEGER PRIMARY KEY AUTOINCREMENT,
      time_ms INTEGER NOT NULL,
      kind TEXT NOT NULL,
      actor TEXT,
      text TEXT NOT NULL
    );
    CREATE INDEX IF NOT EXISTS incident_history_incident ON incident_history (incident, seq);`)
  // added after the first release of the table: a database from before gets the column
  const columns = (db.prepare('PRAGMA table_info(incident_incidents)').all() as { name: string }[]).map((c) => c.name)
  if (!columns.includes('expected_restore_ms')) db.exec('ALTER TABLE incident_incidents ADD COLUMN expected_restore_ms INTEGER')
  if (!columns.includes('opened_by')) db.exec('ALTER TABLE incident_incidents ADD COLUMN opened_by TEXT')
  if (!columns.includes('place')) db.exec('ALTER TABLE incident_incidents ADD COLUMN place TEXT')

  const insert = db.prepare(`INSERT INTO incident_incidents (state, opened_ms, closed_ms, root_kind, root_id, probable, why, affected, down, ack_by, ack_ms)
    VALUES ('open', ?, NULL, ?, ?, ?, ?, ?, ?, NULL, NULL)`)
  const save = db.prepare(`UPDATE incident_incidents SET state = ?, closed_ms = ?, root_kind = ?, root_id = ?, probable = ?, why = ?, affected = ?, down = ? WHERE id = ?`)
  const saveAck = db.prepare('UPDATE incident_incidents SET ack_by = ?, ack_ms = ? WHERE id = ?')
  const saveOpened = db.prepare('UPDATE incident_incidents SET opened_ms = ? WHERE id = ?')
  const saveEta = db.prepare('UPDATE incident_incidents SET expected_restore_ms = ? WHERE id = ?')
  const saveClientHours = db.prepare('UPDATE incident_incidents SET client_hours = ?, client_hours_unknown = ?, client_hours_at_ms = ? WHERE id = ?')
  const log = db.prepare('INSERT INTO incident_history (incident, time_ms, kind, actor, text) VALUES (?, ?, ?, ?, ?)')
  const insertManual = db.prepare(`INSERT INTO incident_incidents (state, opened_ms, closed_ms, root_kind, root_id, probable, why, affected, down, opened_by, place)
    VALUES ('open', ?, NULL, 'reported', ?, 0, ?, ?, '[]', ?, ?)`)
  const saveClosed = db.prepare("UPDATE incident_incidents SET state = 'closed', closed_ms = ? WHERE id = ?")
  // the engine's: an incident opened by hand is never matched or closed by polls
  const openRows = db.prepare("SELECT * FROM incident_incidents WHERE state = 'open' AND opened_by IS NULL ORDER BY opened_ms, id")
  const byId = db.prepare('SELECT * FROM incident_incidents WHERE id = ?')
  const historyOf = db.prepare('SELECT time_ms, kind, actor, text FROM incident_history WHERE incident = ? ORDER BY seq')

  const toIncident = (r: Row): Incident => {
    const affected = JSON.parse(r.affected) as Incident['affected']
    return {
      id: r.id,
      state: r.state,
      openedMs: r.opened_ms,
      closedMs: r.closed_ms,
      rootCause: { kind: r.root_kind, id: r.root_id, probable: r.probable === 1, why: r.why },
      openedBy: r.opened_by ?? null,
      place: r.place ? (JSON.parse(r.place) as { lon: number; lat: number }) : null,
      affected,
      down: JSON.parse(r.down) as string[],
      acknowledged: r.ack_by === null ? null : { by: r.ack_by, atMs: r.ack_ms! },
      expectedRestoreMs: r.expected_restore_ms ?? null,
      clientHoursLost: r.client_hours === null ? null : { value: r.client_hours, unknownApHours: r.client_hours_unknown ?? 0, atMs: r.client_hours_at_ms! },
      history: (historyOf.all(r.id) as { time_ms: number; kind: IncidentEvent['kind']; actor: string | null; text: string }[]).map((h) => ({ timeMs: h.time_ms, kind: h.kind, actor: h.actor, text: h.text })),
    }
  }
  const write = (i: Incident) => save.run(i.state, i.closedMs, i.rootCause.kind, i.rootCause.id, i.rootCause.probable ? 1 : 0, i.rootCause.why, JSON.stringify(i.affected), JSON.stringify(i.down), i.id)
  const describe = (c: IncidentRootCause) => `${c.kind === 'link' ? 'fiber link' : c.kind === 'reported' ? 'reported in' : 'device'} ${c.id}${c.probable ? ' (probable)' : ''}: ${c.why}`

  const update = db.transaction((groups: readonly FailureGroup[], nowMs: number, times: Parameters<IncidentStore['update']>[2] = {}): IncidentChange[] => {
    const open = (openRows.all() as Row[]).map(toIncident)
    const taken = new Set<number>()
    const changes = new Map<number, IncidentChange['change']>()
    const earliest = (devices: readonly string[]) => {
      const ts = devices.map((d) => times.sinceMs?.(d)).filter((t): t is number => t !== undefined && t <= nowMs)
      return ts.length > 0 ? Math.min(...ts) : nowMs
    }
    for (const g of groups) {
      let inc = open.find((i) => !taken.has(i.id) && sameRoot(i.rootCause, g.rootCause))
      const overlapping = open.filter((i) => !taken.has(i.id) && i !== inc && i.down.some((d) => g.devices.includes(d)))
      if (!inc) inc = overlapping.shift()
      if (!inc) {
        // Devices still down in an incident another group of this round already matched
        // stay that incident's: after a cut link is back, the APs behind it whose polls are
        // still timing out are seen one by one under a healthy switch, and each is no new
        // failure (nor is its open time the cut's).
        const host = open.find((i) => taken.has(i.id) && i.state === 'open' && i.down.some((d) => g.devices.includes(d)))
        if (host) {
          const joined = g.devices.filter((d) => !host.down.includes(d))
          if (joined.length > 0) log.run(host.id, nowMs, 'joined', null, `${joined.length} more device(s) down: ${list(joined)}`)
          host.down = union(host.down, g.devices)
          host.affected.devices = union(host.affected.devices, g.devices)
          host.affected.aps = union(host.affected.aps, g.aps)
          host.affected.neighborhoods = union(host.affected.neighborhoods, g.neighborhoods).sort()
          write(host)
          if (joined.length > 0) changes.set(host.id, 'changed')
          continue
        }
        const affected = { devices: [...g.devices], aps: [...g.aps], neighborhoods: [...g.neighborhoods] }
        const openedMs = earliest(g.devices)
        const id = Number(insert.run(openedMs, g.rootCause.kind, g.rootCause.id, g.rootCause.probable ? 1 : 0, g.rootCause.why, JSON.stringify(affected), JSON.stringify(g.devices)).lastInsertRowid)
        log.run(id, openedMs, 'opened', null, `${g.devices.length} device(s) down (${list(g.devices)}) in ${g.neighborhoods.join(', ') || 'no neighborhood'}; root cause ${describe(g.rootCause)}`)
        taken.add(id)
        changes.set(id, 'opened')
        continue
      }
      taken.add(inc.id)
      let changed = false
      // A root cause moves up (a failure higher up explains it now) or from probable to seen,
      // never down to a device the incident already covers: when a cut link is back and an
      // AP behind it still times out, the link is still why.
      const below = !inc.rootCause.probable && g.rootCause.kind === 'device' && g.rootCause.id !== inc.rootCause.id && inc.affected.devices.includes(g.rootCause.id)
      if (!below) {
        if (!sameRoot(inc.rootCause, g.rootCause) || inc.rootCause.probable !== g.rootCause.probable) {
          log.run(inc.id, nowMs, 'root-cause', null, `root cause now ${describe(g.rootCause)}`)
          changed = true
        }
        inc.rootCause = g.rootCause // (when only the words differ, the newest words)
      }
      const openedBefore = inc.openedMs
      for (const other of overlapping) {
        taken.add(other.id)
        other.state = 'closed'
        other.closedMs = nowMs
        other.down = []
        write(other)
        log.run(other.id, nowMs, 'merged', null, `part of incident ${inc.id} now: ${describe(g.rootCause)}`)
        changes.set(other.id, 'closed')
        inc.affected.devices = union(inc.affected.devices, other.affected.devices)
        inc.affected.aps = union(inc.affected.aps, other.affected.aps)
        inc.affected.neighborhoods = union(inc.affected.neighborhoods, other.affected.neighborhoods).sort()
        inc.openedMs = Math.min(inc.openedMs, other.openedMs)
        changed = true
      }
      const joined = g.devices.filter((d) => !inc.down.includes(d))
      // a device leaves the incident when it answers again; one whose status is unknown (no
      // fresh poll) stays in it
      const recovered = inc.down.filter((d) => !g.devices.includes(d) && times.recoveredMs?.(d) !== undefined)
      const stillOut = inc.down.filter((d) => !g.devices.includes(d) && !recovered.includes(d))
      if (joined.length > 0) log.run(inc.id, nowMs, 'joined', null, `${joined.length} more device(s) down: ${list(joined)}`)
      if (recovered.length > 0) log.run(inc.id, nowMs, 'recovered', null, `${recovered.length} device(s) answer again: ${list(recovered)}`)
      if (joined.length > 0 || recovered.length > 0) changed = true
      inc.down = [...g.devices, ...stillOut]
      inc.affected.devices = union(inc.affected.devices, g.devices)
      inc.affected.aps = union(inc.affected.aps, g.aps)
      inc.affected.neighborhoods = union(inc.affected.neighborhoods, g.neighborhoods).sort()
      write(inc)
      if (inc.openedMs !== openedBefore) saveOpened.run(inc.openedMs, inc.id)
      if (changed) changes.set(inc.id, 'changed')
    }
    for (const inc of open) {
      if (taken.has(inc.id)) continue
      // closed when every device of it answers again; while any has no fresh poll, the
      // incident stays open as it was (unknown is not back)
      const back = inc.down.map((d) => times.recoveredMs?.(d))
      if (back.some((t) => t === undefined)) {
        const up = inc.down.filter((_, i) => back[i] !== undefined)
        if (up.length > 0) {
          inc.down = inc.down.filter((d) => !up.includes(d))
          write(inc)
          log.run(inc.id, nowMs, 'recovered', null, `${up.length} device(s) answer again: ${list(up)}`)
          changes.set(inc.id, 'changed')
        }
        continue
      }
      // the last device's first good poll; when that predates the opening (the incident came
      // from a trap and no poll ever failed), the round that saw it back
      const last = Math.max(...(back as number[]))
      inc.closedMs = last >= inc.openedMs ? Math.min(nowMs, last) : nowMs
      inc.state = 'closed'
      inc.down = []
      write(inc)
      log.run(inc.id, inc.closedMs, 'closed', null, `service back: every device answers (${Math.round((inc.closedMs - inc.openedMs) / 60_000)} min after it began)`)
      changes.set(inc.id, 'closed')
    }
    return [...changes].map(([id, change]) => ({ id, change }))
  })

  const get = (id: number) => {
    const r = byId.get(id) as Row | undefined
    return r ? toIncident(r) : undefined
  }
  const must = (id: number) => {
    const i = get(id)
    if (!i) throw new IncidentNotFoundError(id)
    return i
  }

  return {
    update: (groups, nowMs, times) => update(groups, nowMs, times),
    list(q = {}) {
      const where: string[] = []
      const params: (string | number)[] = []
      const and = (sql: string, v: string | number) => {
        where.push(sql)
        params.push(v)
      }
      if (q.state) and('state = ?', q.state)
      if (q.toMs !== undefined) and('opened_ms < ?', q.toMs)
      if (q.fromMs !== undefined) and('(closed_ms IS NULL OR closed_ms >= ?)', q.fromMs)
      const rows = db.prepare(`SELECT * FROM incident_incidents ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY opened_ms DESC, id DESC`).all(...params) as Row[]
      return rows.map(toIncident)
    },
    get,
    setClientHours(id, value, unknownApHours, atMs) {
      saveClientHours.run(value, unknownApHours, atMs, id)
    },
    acknowledge: db.transaction((id: number, actor: string, nowMs: number) => {
      const i = must(id)
      if (!i.acknowledged) saveAck.run(actor, nowMs, id)
      log.run(id, nowMs, 'ack', actor, i.acknowledged ? `acknowledged again (first by ${i.acknowledged.by})` : 'acknowledged')
      return must(id)
    }),
    note: db.transaction((id: number, actor: string, text: string, nowMs: number) => {
      must(id)
      log.run(id, nowMs, 'note', actor, text)
      return must(id)
    }),
    setExpectedRestore: db.transaction((id: number, actor: string, restoreByMs: number | null, nowMs: number) => {
      must(id)
      saveEta.run(restoreByMs, id)
      log.run(id, nowMs, 'eta', actor, restoreByMs === null ? 'expected restore time cleared' : `service expected back by ${new Date(restoreByMs).toISOString()}`)
      return must(id)
    }),
    openByHand: db.transaction((o: ManualIncident, actor: string, nowMs: number) => {
      const affected = { devices: [...o.aps], aps: [...o.aps], neighborhoods: [...new Set([o.neighborhood, ...o.neighborhoods])].sort() }
      const id = Number(insertManual.run(nowMs, o.neighborhood, o.summary, JSON.stringify(affected), actor, o.place && JSON.stringify(o.place)).lastInsertRowid)
      log.run(id, nowMs, 'opened', actor, `opened by hand in ${affected.neighborhoods.join(', ')}: ${o.summary}${o.aps.length ? `; APs named: ${list(o.aps)}` : ''}`)
      return must(id)
    }),
    closeByHand: db.transaction((id: number, actor: string, text: string, nowMs: number) => {
      const i = must(id)
      if (i.openedBy === null) throw new IncidentStateError(id, 'not-manual')
      if (i.state === 'closed') throw new IncidentStateError(id, 'closed')
      saveClosed.run(nowMs, id)
      log.run(id, nowMs, 'closed', actor, `closed by hand (${Math.round((nowMs - i.openedMs) / 60_000)} min after it was opened): ${text}`)
      return must(id)
    }),
  }
}
