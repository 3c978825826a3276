/**
 * manifest.json of a backup: what it holds, from which versions, with the checksum of
 * every file, and what it leaves out on purpose.
 */
import { createHash } from 'node:crypto'
import { createReadStream, statSync } from 'node:fs'

/** The manifest's format; a reader refuses any other. */
export const MANIFEST_FORMAT = 'civicnet-backup/1'
export const MANIFEST_FILE = 'manifest.json'
/** The app-state file in a backup and a data dir. */
export const STATE_FILE = 'state.sqlite'
/** The embedded store's file in a backup and a data dir. */
export const METRICS_FILE = 'metrics.duckdb'

export interface BackupFile {
  name: string
  bytes: number
  sha256: string
}

export interface BackupManifest {
  format: typeof MANIFEST_FORMAT
  /** package.json version of the CivicNet that made it */
  civicnetVersion: string
  /** when the copy began (ISO 8601 UTC) and its epoch ms */
  createdAt: string
  createdMs: number
  /** when the last file was written */
  finishedMs: number
  appState: {
    file: typeof STATE_FILE
    /** PRAGMA user_version of the copy (store/app-state.ts's migrations) */
    userVersion: number
    /** the current inventory version in the copy (0: none) */
    inventoryVersion: number
  }
  metrics:
    | { kind: 'duckdb'; file: typeof METRICS_FILE; duckdbVersion: string; newestSampleMs: number | null }
    | { kind: 'influxdb'; note: string }
  counts: {
    incidents: number
    reportRuns: number
    /** rows of the embedded store's samples table; null on InfluxDB */
    samples: number | null
    /** files in the data dir's spool/ when the backup was made (not backed up: leftOut.spool) */
    pendingSpoolFiles: number
  }
  files: BackupFile[]
  /** what a data dir holds that the backup does not, and why */
  leftOut: { keys: string; spool: string; accountsKey?: string }
}

/** SHA-256 (hex) of a file, streamed. */
export function sha256File(path: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const h = createHash('sha256')
    createReadStream(path)
      .on('error', reject)
      .on('data', (d) => h.update(d))
      .on('end', () => resolve(h.digest('hex')))
  })
}

/** Name, size and checksum of a file of the backup. */
export async function describeFile(dir: string, name: string): Promise<BackupFile> {
  const path = `${dir}/${name}`
  return { name, bytes: statSync(path).size, sha256: await sha256File(path) }
}

export const KEYS_LEFT_OUT =
  'keys/ (the HMAC keys of MAC digests) is never backed up: each key is erased when its period closes so digests can never be re-linked, ' +
  'and a copy would undo that. After a restore the collector starts new keys: a day or period read under two keys has no unique figure (uniques/ says so).'

export const ACCOUNTS_KEY_LEFT_OUT =
  'accounts.key (the key of staff accounts\' MFA secrets, accounts/key.ts) is not backed up: a backup holding both the encrypted secrets and their key would protect nothing. ' +
  'Keep a copy of it apart (a vault, a sealed envelope) and put it back beside the restored data dir; without it every account sets up its second factor again at its next sign-in.'

export const SPOOL_LEFT_OUT =
  'spool/ (samples waiting for a store that refused them) is not backed up: it is in flight, written while the copy is made, and on InfluxDB it drains into the database, ' +
  'whose backups are its own; counts.pendingSpoolFiles says how many files were waiting when this backup was made.'
