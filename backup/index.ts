/**
 * Backups and restore of a CivicNet data dir (docs/OPERATIONS.md, "Backups"): the one
 * entry the CLI, the API and the long-running processes import.
 */
export { createBackup, type BackupResult } from './create.ts'
export { verifyBackup } from './verify.ts'
export { restoreBackup } from './restore.ts'
export { lastGoodBackup, recordBackupRun } from './runs.ts'
export { createBackupScheduler, createBackupService, loadBackupConfig, type BackupConfig, type BackupService } from './schedule.ts'
export { BackupBusyError, BackupError } from './errors.ts'
export { MANIFEST_FILE, STATE_FILE, type BackupManifest } from './manifest.ts'
