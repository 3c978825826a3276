/**
 * Backups and restore of a CivicNet data dir (docs/OPERATIONS.md, "Backups"): the one
 * entry the CLI, the API and the long-running processes import.
 */
export { createBackup, backupDirName, BACKUP_DIR_PATTERN, type BackupAppState, type BackupDeps, type BackupResult } from './create.ts'
export { verifyBackup } from './verify.ts'
export { restoreBackup, type RestoreResult } from './restore.ts'
export { lastGoodBackup, recordBackupRun, type BackupRun, type BackupTrigger } from './runs.ts'
export {
  createBackupScheduler, createBackupService, loadBackupConfig, pruneBackups, DEFAULT_BACKUP_KEEP,
  type BackupConfig, type BackupScheduler, type BackupService,
} from './schedule.ts'
export { BackupBusyError, BackupError } from './errors.ts'
export { MANIFEST_FILE, METRICS_FILE, STATE_FILE, type BackupFile, type BackupManifest } from './manifest.ts'
