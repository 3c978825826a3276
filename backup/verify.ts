/**
 * verifyBackup: a backup dir is whole and unchanged, or a BackupError names what is not:
 * the manifest (missing, unreadable, another format) or the file (missing, another size,
 * another checksum).
 */
import { existsSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { BackupError } from './errors.ts'
import { MANIFEST_FILE, MANIFEST_FORMAT, METRICS_FILE, STATE_FILE, sha256File, type BackupManifest } from './manifest.ts'

function readManifest(dir: string): BackupManifest {
  if (!existsSync(dir) || !statSync(dir).isDirectory()) throw new BackupError(`backup ${dir} is not a directory`)
  const path = join(dir, MANIFEST_FILE)
  if (!existsSync(path)) throw new BackupError(`backup ${dir} has no ${MANIFEST_FILE}: not a CivicNet backup, or one that was never finished`)
  let m: BackupManifest
  try {
    m = JSON.parse(readFileSync(path, 'utf8')) as BackupManifest
  } catch (err) {
    throw new BackupError(`backup ${dir}: ${MANIFEST_FILE} is not valid JSON (${(err as Error).message})`, { cause: err })
  }
  if (m?.format !== MANIFEST_FORMAT) throw new BackupError(`backup ${dir}: ${MANIFEST_FILE} field 'format' is '${String(m?.format)}', not '${MANIFEST_FORMAT}'`)
  if (!Array.isArray(m.files)) throw new BackupError(`backup ${dir}: ${MANIFEST_FILE} field 'files' is not a list`)
  const kind = m.metrics?.kind
  if (kind !== 'duckdb' && kind !== 'influxdb') throw new BackupError(`backup ${dir}: ${MANIFEST_FILE} field 'metrics.kind' is '${String(kind)}', not duckdb or influxdb`)
  const want = kind === 'duckdb' ? [STATE_FILE, METRICS_FILE] : [STATE_FILE]
  const listed = m.files.map((f) => f?.name).sort()
  if (JSON.stringify(listed) !== JSON.stringify([...want].sort())) {
    throw new BackupError(`backup ${dir}: ${MANIFEST_FILE} field 'files' lists ${listed.join(', ') || 'nothing'}; a ${kind} backup holds ${want.join(', ')}`)
  }
  return m
}

/**
 * Checks the manifest and that every file it lists is there with its size; returns the
 * manifest. What createBackup just wrote and hashed needs no more; verifyBackup adds the
 * checksums.
 */
export function checkBackupFiles(dir: string): BackupManifest {
  const m = readManifest(dir)
  for (const f of m.files) {
    const path = join(dir, f.name)
    if (!existsSync(path)) throw new BackupError(`backup ${dir}: ${f.name} is missing`)
    const bytes = statSync(path).size
    if (bytes !== f.bytes) throw new BackupError(`backup ${dir}: ${f.name} is ${bytes} bytes, the manifest says ${f.bytes}: the file is damaged`)
  }
  return m
}

/** The SHA-256 of `path` against the manifest's for backup `dir`'s file `f`, or a BackupError naming the file. */
export async function checkChecksum(dir: string, f: { name: string; sha256: string }, path = join(dir, f.name)): Promise<void> {
  const sha = await sha256File(path)
  if (sha !== f.sha256) throw new BackupError(`backup ${dir}: ${f.name} does not match its checksum (SHA-256 ${sha}, the manifest says ${f.sha256}): the file is damaged`)
}

/** Checks the manifest and every file's size and SHA-256; returns the manifest. */
export async function verifyBackup(dir: string): Promise<BackupManifest> {
  const m = checkBackupFiles(dir)
  for (const f of m.files) await checkChecksum(dir, f)
  return m
}
