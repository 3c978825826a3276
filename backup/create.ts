/**
 * createBackup: one data dir's state into `<to>/civicnet-backup-<UTC stamp>/`, written
 * under a hidden temp name and renamed when whole, so a half backup is never taken for one.
 *
 * - state.sqlite through SQLite's online backup API (better-sqlite3 `db.backup`): a
 *   consistent copy while the process goes on writing it.
 * - the embedded store through its own connection (MetricStore.backup), consistent while
 *   the collector writes; on InfluxDB the metrics are the database's own job and only the
 *   app state is copied.
 * - manifest.json last: versions, times, counts, every file's size and SHA-256.
 */
import Database from 'better-sqlite3'
import { existsSync, mkdirSync, openSync, closeSync, fsyncSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Logger } from 'pino'
import type { Clock } from '../core/clock.ts'
import type { MetricStore } from '../store/types.ts'
import { BackupError } from './errors.ts'
import {
  ACCOUNTS_KEY_LEFT_OUT, KEYS_LEFT_OUT, MANIFEST_FILE, MANIFEST_FORMAT, METRICS_FILE, SPOOL_LEFT_OUT, STATE_FILE, describeFile, type BackupManifest,
} from './manifest.ts'

/** The part of store/app-state.ts's AppState a backup reads. */
export interface BackupAppState {
  db: Database.Database
}

export interface BackupDeps {
  appState: BackupAppState
  /** the metric store: an embedded one copies itself (backup()); InfluxDB's metrics are left to the database */
  store: Pick<MetricStore, 'kind' | 'backup'>
  /** the data dir backed up (CIVICNET_DATA_DIR): its spool is counted, its keys left out */
  dataDir: string
  /** where the backup dir goes */
  to: string
  clock: Clock
  log: Logger
}

export interface BackupResult {
  dir: string
  manifest: BackupManifest
  /** bytes of every file, manifest included */
  bytes: number
  durationMs: number
}

/** civicnet-backup-20261202T003512345Z: sorts as it was made, one name per millisecond. */
export const BACKUP_DIR_PATTERN = /^civicnet-backup-\d{8}T\d{9}Z$/

export function backupDirName(ms: number): string {
  return `civicnet-backup-${new Date(ms).toISOString().replace(/[-:.]/g, '')}`
}

const PACKAGE_VERSION = (JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as { version: string }).version

/** Rows of a table the copy may not have yet (a module that never ran makes none): 0 then. */
function countRows(db: Database.Database, table: string): number {
  const has = db.prepare(`SELECT count(*) AS n FROM sqlite_master WHERE type = 'table' AND name = ?`).get(table) as { n: number }
  return has.n === 0 ? 0 : (db.prepare(`SELECT count(*) AS n FROM "${table}"`).get() as { n: number }).n
}

/** What the copy of the app state holds, read from the copy itself. */
function readStateCopy(file: string): { userVersion: number; inventoryVersion: number; incidents: number; reportRuns: number } {
  // read-write, so closing it checkpoints and removes the -wal and -shm files a WAL-mode reader makes
  const db = new Database(file, { fileMustExist: true })
  try {
    const inv = countRows(db, 'inventory_versions') === 0 ? 0 : ((db.prepare('SELECT max(version) AS v FROM inventory_versions').get() as { v: number | null }).v ?? 0)
    return {
      userVersion: db.pragma('user_version', { simple: true }) as number,
      inventoryVersion: inv,
      incidents: countRows(db, 'incident_incidents'),
      reportRuns: countRows(db, 'report_runs'),
    }
  } finally {
    db.close()
  }
}

function fsyncFile(path: string): void {
  const fd = openSync(path, 'r')
  try {
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

export async function createBackup(deps: BackupDeps): Promise<BackupResult> {
  const { appState, store, dataDir, to, clock, log } = deps
  const started = clock.now()
  const t0 = Date.now()
  const name = backupDirName(started)
  const dir = join(to, name)
  if (existsSync(dir)) throw new BackupError(`backup dir ${dir} exists already`)
  if (store.kind === 'duckdb' && !store.backup) throw new BackupError('this embedded store cannot make a copy of itself')
  const partial = join(to, `.${name}.partial`)
  try {
    mkdirSync(to, { recursive: true })
    rmSync(partial, { recursive: true, force: true })
    mkdirSync(partial, { mode: 0o700 })
    await appState.db.backup(join(partial, STATE_FILE))
    const copied = store.kind === 'duckdb' ? await store.backup!(join(partial, METRICS_FILE)) : null
    const state = readStateCopy(join(partial, STATE_FILE))
    const spoolDir = join(dataDir, 'spool')
    // segments waiting (collector/spool.ts names them seg-<12 digits>.jsonl; backup/ may not import the collector),
    // not their .acked side files or the set-aside rejected.jsonl
    const pendingSpoolFiles = existsSync(spoolDir) ? readdirSync(spoolDir).filter((f) => /^seg-\d{12}\.jsonl$/.test(f)).length : 0
    const files = [await describeFile(partial, STATE_FILE), ...(copied ? [await describeFile(partial, METRICS_FILE)] : [])]
    const manifest: BackupManifest = {
      format: MANIFEST_FORMAT,
      civicnetVersion: PACKAGE_VERSION,
      createdAt: new Date(started).toISOString(),
      createdMs: started,
      finishedMs: clock.now(),
      appState: { file: STATE_FILE, userVersion: state.userVersion, inventoryVersion: state.inventoryVersion },
      metrics: copied
        ? { kind: 'duckdb', file: METRICS_FILE, duckdbVersion: copied.engineVersion, newestSampleMs: copied.newestSampleMs }
        : {
            kind: 'influxdb',
            note: "the metrics are in InfluxDB and are its own job to back up (1.x: influxd backup -portable; docs/OPERATIONS.md): this backup holds CivicNet's app state only",
          },
      counts: { incidents: state.incidents, reportRuns: state.reportRuns, samples: copied?.samples ?? null, pendingSpoolFiles },
      files,
      leftOut: { keys: KEYS_LEFT_OUT, spool: SPOOL_LEFT_OUT, accountsKey: ACCOUNTS_KEY_LEFT_OUT },
    }
    const manifestPath = join(partial, MANIFEST_FILE)
    writeFileSync(manifestPath, JSON.stringify(manifest, null, 2) + '\n', { mode: 0o600 })
    for (const f of [...files.map((x) => x.name), MANIFEST_FILE]) fsyncFile(join(partial, f))
    renameSync(partial, dir)
    const bytes = files.reduce((s, f) => s + f.bytes, 0) + (await describeFile(dir, MANIFEST_FILE)).bytes
    return { dir, manifest, bytes, durationMs: Date.now() - t0 }
  } catch (err) {
    try {
      rmSync(partial, { recursive: true, force: true })
    } catch (cleanupErr) {
      log.warn({ err: cleanupErr, dir: partial }, 'backup cut short: its temp dir could not be removed (the next pruning does)')
    }
    throw err instanceof BackupError ? err : new BackupError(`backup into ${to} failed: ${(err as Error).message}`, { cause: err })
  }
}
