/**
 * Each backup made (or failed) in the app state's `backup_runs` table, so the last good one
 * is known to the process that serves metrics (civicnet_backup_last_success_timestamp_seconds)
 * and to an operator reading the state.
 */
import type Database from 'better-sqlite3'

export type BackupTrigger = 'schedule' | 'api' | 'cli'

export interface BackupRun {
  startedMs: number
  finishedMs: number
  trigger: BackupTrigger
  ok: boolean
  /** the backup dir (ok) or the dir it was to go in (failed) */
  dir: string
  bytes: number
  /** why it failed; null when ok */
  error: string | null
}

const ready = new WeakSet<Database.Database>()
function table(db: Database.Database): Database.Database {
  if (!ready.has(db)) {
    db.exec(`CREATE TABLE IF NOT EXISTS backup_runs (
      id INTEGER PRIMARY KEY AUTOINCREMENT,
      started_ms INTEGER NOT NULL,
      finished_ms INTEGER NOT NULL,
      trigger TEXT NOT NULL,
      ok INTEGER NOT NULL,
      dir TEXT NOT NULL,
      bytes INTEGER NOT NULL,
      error TEXT
    )`)
    ready.add(db)
  }
  return db
}

/** Runs kept; older rows are dropped as new ones come. */
const KEEP_RUNS = 1000

export function recordBackupRun(appState: { db: Database.Database }, run: BackupRun): void {
  const db = table(appState.db)
  db.transaction(() => {
    const r = db.prepare('INSERT INTO backup_runs (started_ms, finished_ms, trigger, ok, dir, bytes, error) VALUES (?, ?, ?, ?, ?, ?, ?)')
      .run(run.startedMs, run.finishedMs, run.trigger, run.ok ? 1 : 0, run.dir, run.bytes, run.error)
    db.prepare('DELETE FROM backup_runs WHERE id <= ?').run(Number(r.lastInsertRowid) - KEEP_RUNS)
  })()
}

/** The newest backup that was made and verified, or null when none was. */
export function lastGoodBackup(appState: { db: Database.Database }): { finishedMs: number; dir: string; bytes: number } | null {
  const row = table(appState.db).prepare('SELECT finished_ms, dir, bytes FROM backup_runs WHERE ok = 1 ORDER BY finished_ms DESC, id DESC LIMIT 1').get() as
    | { finished_ms: number; dir: string; bytes: number }
    | undefined
  return row ? { finishedMs: row.finished_ms, dir: row.dir, bytes: row.bytes } : null
}
