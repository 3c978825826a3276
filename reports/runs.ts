/**
 * Saved report runs, in the app-state database (store/app-state.ts's `db`; tables prefixed
 * report_). Each run keeps who asked through which door, the parameters, the format, the
 * data version and the report JSON. A re-run over the same stored data gives the same JSON
 * byte for byte, so bodies are kept once by their SHA-256 and runs point at them.
 */
import { createHash } from 'node:crypto'
import type { Database } from 'better-sqlite3'

export interface RunParams {
  from: string
  to: string
  kind: string
  name: string
  neighborhoods: 'all' | string[]
  availabilityTargetPct: number
}

export interface SavedRun {
  id: number
  /** wall-clock time of the run, epoch ms */
  runAtMs: number
  /** 'cli' | 'api' */
  door: string
  /** json | csv | html | pdf */
  format: string
  /** who asked: a token label, or the CLI user */
  requestedBy: string
  params: RunParams
  dataVersion: string
  /** the data runs to here (the report's generatedAt) */
  generatedAt: string
  open: boolean
  /** SHA-256 of the saved JSON (hex) */
  reportSha256: string
}

/** Runs kept; older ones (and bodies no run points at) are removed on save. */
export const KEEP_RUNS = 10_000

const ready = new WeakSet<Database>()
function table(db: Database): Database {
  if (!ready.has(db)) {
    db.exec(`CREATE TABLE IF NOT EXISTS report_bodies (
      sha256 TEXT PRIMARY KEY,
      json TEXT NOT NULL
    );
    CREATE TABLE IF NOT EXISTS report_runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      run_at_ms INTEGER NOT NULL,
      door TEXT NOT NULL,
      format TEXT NOT NULL,
      requested_by TEXT NOT NULL,
      params TEXT NOT NULL,
      data_version TEXT NOT NULL,
      generated_at TEXT NOT NULL,
      open INTEGER NOT NULL,
      report_sha256 TEXT NOT NULL REFERENCES report_bodies (sha256)
    );
    CREATE INDEX IF NOT EXISTS report_runs_sha ON report_runs (report_sha256);`)
    ready.add(db)
  }
  return db
}

export function saveRun(
  db: Database,
  run: { door: string; format: string; requestedBy: string; params: RunParams; dataVersion: string; generatedAt: string; open: boolean; json: string },
  nowMs = Date.now(),
): SavedRun {
  const t = table(db)
  const sha = createHash('sha256').update(run.json).digest('hex')
  const id = t.transaction(() => {
    t.prepare('INSERT OR IGNORE INTO report_bodies (sha256, json) VALUES (?, ?)').run(sha, run.json)
    const r = t.prepare('INSERT INTO report_runs (run_at_ms, door, format, requested_by, params, data_version, generated_at, open, report_sha256) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)')
      .run(nowMs, run.door, run.format, run.requestedBy.slice(0, 100), JSON.stringify(run.params), run.dataVersion, run.generatedAt, run.open ? 1 : 0, sha)
    const rid = Number(r.lastInsertRowid)
    if (rid > KEEP_RUNS) {
      t.prepare('DELETE FROM report_runs WHERE id <= ?').run(rid - KEEP_RUNS)
      t.prepare('DELETE FROM report_bodies WHERE sha256 NOT IN (SELECT report_sha256 FROM report_runs)').run()
    }
    return rid
  }).immediate()
  return { id, runAtMs: nowMs, door: run.door, format: run.format, requestedBy: run.requestedBy.slice(0, 100), params: run.params, dataVersion: run.dataVersion, generatedAt: run.generatedAt, open: run.open, reportSha256: sha }
}

interface Row {
  id: number
  run_at_ms: number
  door: string
  format: string
  requested_by: string
  params: string
  data_version: string
  generated_at: string
  open: number
  report_sha256: string
}
const toRun = (r: Row): SavedRun => ({
  id: r.id,
  runAtMs: r.run_at_ms,
  door: r.door,
  format: r.format,
  requestedBy: r.requested_by,
  params: JSON.parse(r.params) as RunParams,
  dataVersion: r.data_version,
  generatedAt: r.generated_at,
  open: r.open === 1,
  reportSha256: r.report_sha256,
})

/** Newest first. */
export function listRuns(db: Database, opts: { limit?: number; beforeId?: number } = {}): SavedRun[] {
  const limit = Math.max(1, Math.min(1000, opts.limit ?? 50))
  const rows = table(db).prepare('SELECT * FROM report_runs WHERE id < ? ORDER BY id DESC LIMIT ?').all(opts.beforeId ?? Number.MAX_SAFE_INTEGER, limit) as Row[]
  return rows.map(toRun)
}

/** One run with its report JSON (the exact bytes saved); undefined when unknown. */
export function getRun(db: Database, id: number): { run: SavedRun; json: string } | undefined {
  const r = table(db).prepare('SELECT r.*, b.json AS json FROM report_runs r JOIN report_bodies b ON b.sha256 = r.report_sha256 WHERE r.id = ?').get(id) as (Row & { json: string }) | undefined
  return r ? { run: toRun(r), json: r.json } : undefined
}
