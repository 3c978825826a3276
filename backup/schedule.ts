/**
 * Backups inside a running CivicNet (demo, serve): the config (CIVICNET_BACKUP_*), the
 * service that makes one backup at a time into the configured dir (the schedule, the API
 * and the CLI all go through it), keep-last-N pruning, and the node-cron schedule.
 */
import { readdirSync, rmSync, statSync } from 'node:fs'
import { join, resolve } from 'node:path'
import cron from 'node-cron'
import type { ScheduledTask } from 'node-cron'
import type { Logger } from 'pino'
import { BACKUP_DIR_PATTERN, createBackup, type BackupDeps, type BackupResult } from './create.ts'
import { BackupBusyError } from './errors.ts'
import { recordBackupRun, type BackupTrigger } from './runs.ts'
import { checkBackupFiles } from './verify.ts'

export interface BackupConfig {
  /** node-cron expression of scheduled backups (CIVICNET_BACKUP_CRON); null: none scheduled */
  cron: string | null
  /** backup dirs kept in `dir`, the newest (CIVICNET_BACKUP_KEEP, default 7) */
  keep: number
  /** where backups go (CIVICNET_BACKUP_DIR, default <data dir>/backups) */
  dir: string
}

export const DEFAULT_BACKUP_KEEP = 7

/** Reads and checks CIVICNET_BACKUP_CRON, CIVICNET_BACKUP_KEEP and CIVICNET_BACKUP_DIR; errors name the variable. */
export function loadBackupConfig(env: NodeJS.ProcessEnv, dataDir: string): BackupConfig {
  const expr = env.CIVICNET_BACKUP_CRON?.trim() || null
  if (expr !== null && !cron.validate(expr)) {
    throw new Error(
      `CIVICNET_BACKUP_CRON is not a valid cron expression: '${expr}' (node-cron: 5 fields, or 6 with seconds first; e.g. '30 3 * * *' is 03:30 every day)`,
    )
  }
  const rawKeep = env.CIVICNET_BACKUP_KEEP?.trim()
  const keep = rawKeep ? Number(rawKeep) : DEFAULT_BACKUP_KEEP
  if (!Number.isInteger(keep) || keep < 1 || keep > 1000) throw new Error(`CIVICNET_BACKUP_KEEP must be an integer in 1..1000, got '${rawKeep}'`)
  const dir = resolve(env.CIVICNET_BACKUP_DIR?.trim() || join(dataDir, 'backups'))
  return Object.freeze({ cron: expr, keep, dir })
}

/** An unfinished temp dir older than this is left from a crash (another process may be writing a newer one). */
const STALE_PARTIAL_MS = 6 * 3_600_000

/**
 * Removes the oldest complete backup dirs in `dir` past the newest `keep`, and temp dirs
 * of backups cut short over STALE_PARTIAL_MS ago. Only names a backup has: nothing else in
 * `dir` is touched. Returns the names removed.
 */
export function pruneBackups(dir: string, keep: number, nowMs = Date.now()): string[] {
  const entries = readdirSync(dir)
  const done = entries.filter((e) => BACKUP_DIR_PATTERN.test(e)).sort()
  const old = done.slice(0, Math.max(0, done.length - keep))
  const stale = entries.filter((e) => /^\.civicnet-backup-\d{8}T\d{9}Z\.partial$/.test(e) && nowMs - statSync(join(dir, e)).mtimeMs > STALE_PARTIAL_MS)
  for (const e of [...old, ...stale]) rmSync(join(dir, e), { recursive: true, force: true })
  return [...old, ...stale]
}

export interface BackupService {
  readonly config: BackupConfig
  /**
   * Makes a backup into config.dir (or `to`), verifies it, records it in backup_runs, then
   * prunes config.dir to config.keep (only once the new one is verified; another `to` is
   * never pruned). One at a time: a second call while one runs throws BackupBusyError. A
   * failure is recorded and logged, then thrown.
   */
  run(trigger: BackupTrigger, opts?: { to?: string }): Promise<BackupResult>
  /** true while a backup is being made */
  readonly busy: boolean
}

export function createBackupService(config: BackupConfig, deps: Omit<BackupDeps, 'to'> & { log: Logger }): BackupService {
  let running = false
  return {
    config,
    get busy() {
      return running
    },
    async run(trigger, opts = {}) {
      const to = resolve(opts.to ?? config.dir)
      if (running) throw new BackupBusyError(to)
      running = true
      const startedMs = deps.clock.now()
      try {
        const made = await createBackup({ ...deps, to })
        // createBackup hashed each file as it wrote the manifest: what is left to see is that they are all there, whole
        checkBackupFiles(made.dir)
        recordBackupRun(deps.appState, { startedMs, finishedMs: deps.clock.now(), trigger, ok: true, dir: made.dir, bytes: made.bytes, error: null })
        const pruned = to === config.dir ? pruneBackups(config.dir, config.keep) : []
        deps.log.info({ dir: made.dir, bytes: made.bytes, durationMs: made.durationMs, trigger, pruned: pruned.length }, 'backup made')
        return made
      } catch (err) {
        const error = (err as Error).message
        try {
          recordBackupRun(deps.appState, { startedMs, finishedMs: deps.clock.now(), trigger, ok: false, dir: to, bytes: 0, error })
        } catch (recordErr) {
          deps.log.warn({ err: recordErr }, 'backup failure not recorded in backup_runs')
        }
        deps.log.error({ err, dir: to, trigger }, 'backup failed')
        throw err
      } finally {
        running = false
      }
    },
  }
}

export interface BackupScheduler {
  start(): void
  /** stops the schedule and waits for a backup in progress */
  stop(): Promise<void>
}

/** Runs service.run('schedule') on config.cron (node-cron, wall clock); a run that fails is logged and the next one tries again. */
export function createBackupScheduler(service: BackupService): BackupScheduler {
  const expr = service.config.cron
  if (expr === null) throw new Error('no backup schedule: CIVICNET_BACKUP_CRON is not set')
  let task: ScheduledTask | undefined
  let current: Promise<unknown> | undefined
  return {
    start() {
      if (task) return
      task = cron.schedule(expr, async () => {
        // logged (and recorded) by the service; a busy service means a backup is already being made
        current = service.run('schedule').catch(() => undefined)
        await current
      }, { name: 'civicnet-backups', noOverlap: true })
    },
    async stop() {
      if (task) {
        await task.stop()
        await task.destroy()
        task = undefined
      }
      await current
    },
  }
}
