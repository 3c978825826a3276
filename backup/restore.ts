/**
 * restoreBackup: a verified backup into a data dir. An empty (or missing) dir takes it
 * at once; a dir that holds CivicNet data is refused unless `force`, and then its files
 * are moved aside to `replaced-<stamp>/` (never deleted) before the new ones are renamed
 * in. The backup's files are copied to a temp dir inside the data dir first and checked
 * again there, so what lands is what the manifest names. keys/ stays where it is: it is
 * the live collector's, erased by it when each period closes, and a copy aside would
 * outlive that erasure.
 */
import { copyFileSync, existsSync, mkdirSync, readdirSync, renameSync, rmSync, statSync } from 'node:fs'
import { join, relative, resolve, sep } from 'node:path'
import { openDuckDbStore } from '../store/duckdb/index.ts'
import { StoreLockedError } from '../store/query.ts'
import { backupDirName } from './create.ts'
import { BackupError } from './errors.ts'
import { METRICS_FILE, STATE_FILE, type BackupManifest } from './manifest.ts'
import { checkBackupFiles, checkChecksum } from './verify.ts'

export interface RestoreResult {
  manifest: BackupManifest
  /** the files put in place */
  restored: string[]
  /** where the replaced files went; null when the dir held none */
  asideDir: string | null
  /** what was moved there */
  movedAside: string[]
}

/** The data dir's entries a restore replaces (and --force moves aside). */
const REPLACED = [STATE_FILE, `${STATE_FILE}-wal`, `${STATE_FILE}-shm`, METRICS_FILE, `${METRICS_FILE}.wal`, 'spool']

/** CivicNet's own files first, in REPLACED's order, then the rest by name. */
const rank = (e: string) => (REPLACED.includes(e) ? REPLACED.indexOf(e) : REPLACED.length)

/** Entries of the data dir that make it "not empty": all but the backups dir and earlier restores' leftovers. */
function occupants(dataDir: string, from: string): string[] {
  if (!existsSync(dataDir)) return []
  const inside = relative(dataDir, from)
  const holder = !inside.startsWith('..') && inside !== '' ? inside.split(sep)[0] : null
  return readdirSync(dataDir)
    .filter((e) => e !== holder && !(e === 'backups' && statSync(join(dataDir, e)).isDirectory()) && !e.startsWith('replaced-'))
    .sort((a, b) => rank(a) - rank(b) || a.localeCompare(b))
}

/** Refuses when another process holds the data dir's embedded store (DuckDB's file lock). */
async function refuseIfHeld(dataDir: string): Promise<void> {
  const file = join(dataDir, METRICS_FILE)
  if (!existsSync(file)) return
  try {
    const s = await openDuckDbStore({ path: file })
    await s.close()
  } catch (err) {
    // a damaged file is what --force replaces; only a holder stops the restore
    if (err instanceof StoreLockedError) {
      throw new BackupError(`data dir ${dataDir} is in use: DuckDB file ${err.path} is in use by another process (pid ${err.pid ?? 'unknown'}?): stop that CivicNet (demo or serve) before a restore`, { cause: err })
    }
  }
}

export async function restoreBackup(from: string, dataDir: string, opts: { force?: boolean; nowMs?: number } = {}): Promise<RestoreResult> {
  const src = resolve(from)
  const dst = resolve(dataDir)
  // the manifest and sizes now; the checksums on the copies below, one read of each file
  const manifest = checkBackupFiles(src)
  const present = occupants(dst, src)
  if (present.length > 0 && !opts.force) {
    throw new BackupError(`data dir ${dst} is not empty (${present.join(', ')}): pass --force to replace it (its files are moved aside, not deleted)`)
  }
  await refuseIfHeld(dst)
  const stamp = backupDirName(opts.nowMs ?? Date.now()).replace('civicnet-backup-', '')
  mkdirSync(dst, { recursive: true })
  const staging = join(dst, `.restore-${stamp}`)
  mkdirSync(staging, { mode: 0o700 })
  const movedAside: string[] = []
  let asideDir: string | null = null
  try {
    for (const f of manifest.files) {
      copyFileSync(join(src, f.name), join(staging, f.name))
      await checkChecksum(src, f, join(staging, f.name))
    }
    const toMove = REPLACED.filter((e) => existsSync(join(dst, e)))
    if (toMove.length > 0) {
      asideDir = join(dst, `replaced-${stamp}`)
      mkdirSync(asideDir, { mode: 0o700 })
      for (const e of toMove) {
        renameSync(join(dst, e), join(asideDir, e))
        movedAside.push(e)
      }
    }
    for (const f of manifest.files) renameSync(join(staging, f.name), join(dst, f.name))
    rmSync(staging, { recursive: true, force: true })
    return { manifest, restored: manifest.files.map((f) => f.name), asideDir, movedAside }
  } catch (err) {
    rmSync(staging, { recursive: true, force: true })
    const kept = movedAside.length > 0 ? ` (the replaced files ${movedAside.join(', ')} are in ${asideDir})` : ''
    if (err instanceof BackupError && !kept) throw err
    throw new BackupError(`restore into ${dst} failed: ${(err as Error).message}${kept}`, { cause: err })
  }
}
