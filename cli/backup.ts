/**
 * `civicnet backup`: a backup of the data dir (backup/). When no process holds the data
 * dir, this command makes it. When a running CivicNet (demo, serve) holds the embedded
 * store (DuckDB admits one process), only that process can copy it: `--url` asks it
 * through POST /api/backups with an admin token, and without --url the command refuses
 * and says so. On InfluxDB the metrics are the database's own job and the app state is
 * copied here even while serve runs (SQLite's online backup).
 */
import { existsSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { wallClock } from '../core/clock.ts'
import { MANIFEST_FILE, STATE_FILE, createBackupService, loadBackupConfig, type BackupConfig, type BackupResult } from '../backup/index.ts'
import { openAppState } from '../store/app-state.ts'
import { StoreLockedError, loadStoreConfig, openMetricStore, type StoreConfig } from '../store/index.ts'
import type { MetricStore } from '../store/types.ts'
import { httpUrlFlag, parseValueFlags, UsageError } from './flags.ts'
import { createCliLogger } from './log.ts'
import type { Command } from './main.ts'

const USAGE = `usage: civicnet backup [--to DIR]
       civicnet backup --url URL

Backs up the data dir ($CIVICNET_DATA_DIR, default ./data) into DIR/civicnet-backup-<UTC time>/:
state.sqlite (incidents, report runs, tokens, inventory versions), metrics.duckdb (the
embedded store) and manifest.json (versions, counts, SHA-256 of every file). keys/ is never
backed up (docs/OPERATIONS.md says why); on InfluxDB only the app state is (the metrics are
the database's own backup: influxd backup -portable).

  --to DIR    where the backup goes (default $CIVICNET_BACKUP_DIR, else $CIVICNET_DATA_DIR/backups);
              only that default dir is pruned to the newest $CIVICNET_BACKUP_KEEP (7)
  --url URL   ask the running CivicNet at URL (civicnet demo / serve) to make the backup into
              its own CIVICNET_BACKUP_DIR: the only way while it holds metrics.duckdb.
              The admin token is read from CIVICNET_TOKEN (never from the command line).

Exit 0: made and verified; 1: it could not be made (the message says why); 2: bad usage.`

const fail = (msg: string, code: 1 | 2): number => {
  console.error(`civicnet backup: ${msg}${code === 2 ? '\n(civicnet backup --help for usage)' : ''}`)
  return code
}

function printMade(made: BackupResult): void {
  const m = made.manifest
  const lines = [
    `backup written: ${made.dir}`,
    `  ${made.bytes} bytes in ${made.durationMs} ms: ${m.files.map((f) => `${f.name} (${f.bytes} bytes)`).join(', ')}`,
    `  inventory version ${m.appState.inventoryVersion}, ${m.counts.incidents} incidents, ${m.counts.reportRuns} report runs, ` +
      (m.counts.samples === null ? 'metrics in InfluxDB (its own backup)' : `${m.counts.samples} samples`),
    `  left out: keys/ (never backed up), spool/ (${m.counts.pendingSpoolFiles} files waiting): see ${join(made.dir, MANIFEST_FILE)}`,
  ]
  console.log(lines.join('\n'))
}

/** Asks the CivicNet at `url` for a backup (POST /api/backups). */
async function askRunning(url: string, token: string): Promise<number> {
  let res: Response
  try {
    res = await fetch(new URL('/api/backups', url), { method: 'POST', headers: { authorization: `Bearer ${token}` }, redirect: 'error' })
  } catch (err) {
    return fail(`cannot reach the CivicNet at ${url}: ${(err as Error).cause instanceof Error ? ((err as Error).cause as Error).message : (err as Error).message}`, 1)
  }
  const body = (await res.json().catch(() => null)) as Record<string, unknown> | null
  if (res.status !== 201 || !body) return fail(`the CivicNet at ${url} made no backup: ${res.status} ${String(body?.code ?? '')}: ${String(body?.message ?? 'no answer body')}`, 1)
  const counts = body.counts as { incidents: number; reportRuns: number; samples: number | null; pendingSpoolFiles: number }
  console.log(
    [
      `backup written by the CivicNet at ${url}: ${String(body.dir)}`,
      `  ${String(body.bytes)} bytes in ${String(body.durationMs)} ms: ${(body.files as { name: string; bytes: number }[]).map((f) => `${f.name} (${f.bytes} bytes)`).join(', ')}`,
      `  ${counts.incidents} incidents, ${counts.reportRuns} report runs, ${counts.samples === null ? 'metrics in InfluxDB (its own backup)' : `${counts.samples} samples`}`,
    ].join('\n'),
  )
  return 0
}

/** The refusal when a running process holds the embedded store. */
function heldMessage(file: string, why: string): string {
  return (
    `${file} is held by a running CivicNet (${why}): only that process can copy it consistently. ` +
    'Ask it: civicnet backup --url http://HOST:PORT with an admin token in CIVICNET_TOKEN (it is POST /api/backups), ' +
    'or let it back up on a schedule (CIVICNET_BACKUP_CRON, e.g. "30 3 * * *")'
  )
}

export const command: Command = {
  summary: 'back up the data dir (app state, embedded store, manifest)',
  usage: USAGE,
  async run(args) {
    let flags: { to?: string; url?: string }
    let config: BackupConfig
    let storeConfig: StoreConfig
    const dataDir = resolve(process.env.CIVICNET_DATA_DIR || 'data')
    try {
      flags = parseValueFlags(args, ['to', 'url'] as const)
      if (flags.url !== undefined) {
        if (flags.to !== undefined) throw new UsageError("--to and --url: the running CivicNet writes into its own CIVICNET_BACKUP_DIR; give one of them")
        httpUrlFlag('--url', flags.url, 'http://127.0.0.1:8080', 'the admin token goes in CIVICNET_TOKEN')
        if (!process.env.CIVICNET_TOKEN) throw new UsageError('--url needs an admin token in CIVICNET_TOKEN')
      }
      config = loadBackupConfig(process.env, dataDir)
      storeConfig = loadStoreConfig()
    } catch (err) {
      return fail((err as Error).message, 2)
    }
    if (flags.url !== undefined) return askRunning(flags.url, process.env.CIVICNET_TOKEN!)

    const stateFile = join(dataDir, STATE_FILE)
    if (!existsSync(stateFile)) return fail(`data dir ${dataDir} holds no state.sqlite: nothing to back up (CIVICNET_DATA_DIR names the data dir)`, 1)
    let store: Pick<MetricStore, 'kind' | 'backup' | 'close'>
    if (storeConfig.kind === 'duckdb') {
      if (!existsSync(storeConfig.path)) return fail(`data dir ${dataDir} holds no metrics.duckdb: nothing of the embedded store to back up`, 1)
      try {
        store = await openMetricStore(storeConfig)
      } catch (err) {
        if (err instanceof StoreLockedError) return fail(heldMessage(storeConfig.path, err.pid !== null ? `pid ${err.pid}` : 'another process'), 1)
        return fail(`cannot open ${storeConfig.path}: ${(err as Error).message}`, 1)
      }
    } else {
      // the metrics are InfluxDB's own backup: the store is not even opened
      store = { kind: 'influxdb', close: async () => undefined }
    }
    const appState = openAppState(stateFile)
    try {
      const log = createCliLogger({ level: process.env.LOG_LEVEL || 'warn' })
      const service = createBackupService(config, { appState, store, dataDir, clock: wallClock, log })
      const made = await service.run('cli', flags.to !== undefined ? { to: resolve(flags.to) } : {})
      printMade(made)
      return 0
    } catch (err) {
      return fail((err as Error).message, 1)
    } finally {
      await store.close()
      appState.close()
    }
  },
}
