/**
 * `civicnet restore FROM [--force]`: a backup (civicnet backup) into the data dir
 * ($CIVICNET_DATA_DIR), verified first (backup/restore.ts).
 */
import { resolve } from 'node:path'
import { restoreBackup } from '../backup/index.ts'
import { UsageError } from './flags.ts'
import type { Command } from './main.ts'

const USAGE = `usage: civicnet restore FROM [--force]

Restores the backup dir FROM (a civicnet-backup-<UTC time>/ made by civicnet backup) into the
data dir ($CIVICNET_DATA_DIR, default ./data). Every file is checked against the manifest's
SHA-256 first. Stop the CivicNet that uses the data dir first: a restore is refused while a
process holds its metrics.duckdb.

  --force   replace a data dir that holds CivicNet data: its state.sqlite, metrics.duckdb
            and spool/ are moved into replaced-<UTC time>/ in the data dir (never deleted).
            keys/ stays: the collector erases each key when its period closes.

Exit 0: restored; 1: refused or failed (the message says why; nothing was changed);
2: bad usage.`

function parse(args: readonly string[]): { from: string; force: boolean } {
  let force = false
  const positional: string[] = []
  for (const a of args) {
    if (a === '--force') {
      if (force) throw new UsageError('--force is given twice')
      force = true
    } else if (a.startsWith('-')) throw new UsageError(`unknown option '${a.slice(0, 40)}'`)
    else positional.push(a)
  }
  if (positional.length !== 1) throw new UsageError(positional.length === 0 ? 'FROM (the backup dir) is missing' : `one backup dir, not ${positional.length}`)
  return { from: positional[0]!, force }
}

export const command: Command = {
  summary: 'restore a backup into the data dir (verified first)',
  usage: USAGE,
  async run(args) {
    let opts: { from: string; force: boolean }
    try {
      opts = parse(args)
    } catch (err) {
      console.error(`civicnet restore: ${(err as Error).message}\n(civicnet restore --help for usage)`)
      return 2
    }
    const dataDir = resolve(process.env.CIVICNET_DATA_DIR || 'data')
    try {
      const r = await restoreBackup(opts.from, dataDir, { force: opts.force })
      const m = r.manifest
      console.log(
        [
          `restored ${resolve(opts.from)} (made ${m.createdAt} by CivicNet ${m.civicnetVersion}) into ${dataDir}: ${r.restored.join(', ')}`,
          r.asideDir ? `  the files it replaced (${r.movedAside.join(', ')}) are in ${r.asideDir}` : '  the data dir held no CivicNet data',
          `  inventory version ${m.appState.inventoryVersion}, ${m.counts.incidents} incidents, ${m.counts.reportRuns} report runs, ` +
            (m.metrics.kind === 'duckdb' ? `${m.counts.samples} samples` : 'metrics: restore InfluxDB from its own backup (docs/OPERATIONS.md)'),
          '  keys/ was not in the backup: the collector starts new digest keys, and a day or period read under two keys has no unique figure',
        ].join('\n'),
      )
      return 0
    } catch (err) {
      console.error(`civicnet restore: ${(err as Error).message}`)
      return 1
    }
  },
}
