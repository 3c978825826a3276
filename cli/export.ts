/**
 * `civicnet export`: the open-data files (exports/, docs/DATA-DICTIONARY.md) from the
 * command line, each with its schema beside it. Opens the app state and the metric store as
 * `civicnet report` does; the census tracts as `civicnet serve` takes them.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { wallClock } from '../core/clock.ts'
import { DATASET_DEFS, DATASETS, exportTable, ExportInputError, type DatasetName } from '../exports/datasets.ts'
import { EXPORT_FORMATS, renderExport, schemaOf, type ExportFormat } from '../exports/render.ts'
import { openIncidentStore } from '../incidents/store.ts'
import { assessPlan, DEFAULT_PLAN_CONFIG } from '../planning/index.ts'
import { apUse } from '../planning/use.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { citySlug } from '../reports/render/index.ts'
import { ensureInventory, openAppState } from '../store/app-state.ts'
import { describeStore, loadStoreConfig, openMetricStore } from '../store/index.ts'
import { parseValueFlags, UsageError } from './flags.ts'
import type { Command } from './main.ts'
import { planningData } from './planning-data.ts'

const USAGE = `usage: civicnet export --what ${DATASETS.join('|')} [--format ${EXPORT_FORMATS.join('|')}] [--out DIR]
                      [--from YYYY-MM-DD --to YYYY-MM-DD]   (daily; default the 30 days before today)

Writes an open-data file and its schema beside it (DIR/<city>-<what>.<format> and
.schema.json), or the file alone to standard output without --out (not parquet). The fields,
types, units, definitions and sources: docs/DATA-DICTIONARY.md. neighborhoods, tracts, daily
and incidents hold aggregates only, with counts of 1-9 left empty; aps names devices (staff).

Environment: CIVICNET_DATA_DIR (default ./data), CIVICNET_TRACTS_FILE, INFLUX_URL ...
(store/index.ts; the embedded DuckDB file cannot be read while the demo holds it).`

const FLAGS = ['what', 'format', 'out', 'from', 'to'] as const
type Flag = (typeof FLAGS)[number]
const parseFlags = (args: string[]) => parseValueFlags(args, FLAGS)

export const command: Command = {
  summary: 'write open-data files (neighborhoods, tracts, daily, incidents, aps) as CSV, GeoJSON or Parquet with their schema',
  usage: USAGE,
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      console.log(USAGE)
      return 0
    }
    let flags: Partial<Record<Flag, string>>
    let what: DatasetName
    let format: ExportFormat
    let storeConfig
    try {
      flags = parseFlags(args)
      if (flags.what === undefined) throw new UsageError(`--what is required: one of ${DATASETS.join(', ')}`)
      if (!(DATASETS as readonly string[]).includes(flags.what)) throw new UsageError(`--what: '${flags.what.slice(0, 30)}' is not one of ${DATASETS.join(', ')}`)
      what = flags.what as DatasetName
      format = (flags.format ?? 'csv') as ExportFormat
      if (!(EXPORT_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: '${flags.format}' is not one of ${EXPORT_FORMATS.join(', ')}`)
      if (format === 'geojson' && !DATASET_DEFS[what].spatial) throw new UsageError(`--format: ${what} has no geometry: use csv or parquet`)
      if (format === 'parquet' && flags.out === undefined) throw new UsageError('--out: a Parquet file needs a directory to go to')
      for (const k of ['from', 'to'] as const) if (flags[k] !== undefined && !/^\d{4}-\d{2}-\d{2}$/.test(flags[k]!)) throw new UsageError(`--${k}: '${flags[k]!.slice(0, 20)}' is not a date YYYY-MM-DD`)
      storeConfig = loadStoreConfig()
    } catch (err) {
      console.error(`civicnet export: ${(err as Error).message}\n(civicnet export --help for usage)`)
      return 2
    }
    const dataDir = resolve(process.env.CIVICNET_DATA_DIR || 'data')
    const state = openAppState(join(dataDir, 'state.sqlite'))
    try {
      ensureInventory(state, () => hartfordInventory())
      const inv = state.inventory()
      let tracts
      try {
        tracts = planningData(() => inv).tracts()
      } catch (err) {
        console.error(`civicnet export: CIVICNET_TRACTS_FILE: ${(err as Error).message}`)
        return 1
      }
      let store
      try {
        store = await openMetricStore(storeConfig)
      } catch (err) {
        console.error(`civicnet export: cannot open the metric store (${describeStore(storeConfig)}): ${(err as Error).message}`)
        return 1
      }
      try {
        const now = wallClock.now()
        const geo = new Map(tracts.map((t) => [t.id, t.geometry]))
        const incidents = openIncidentStore(state.db)
        let table
        try {
          table = await exportTable(what, { ...(flags.from ? { from: flags.from } : {}), ...(flags.to ? { to: flags.to } : {}) }, {
            inventory: inv,
            assessed: async () => assessPlan({ inventory: inv, tracts, use: await apUse(store, { aps: inv.devices.filter((d) => d.kind === 'ap').map((d) => d.id), nowMs: now, thresholdClients: DEFAULT_PLAN_CONFIG.saturationClients }), config: DEFAULT_PLAN_CONFIG }),
            tractGeometry: (id) => geo.get(id),
            report: { store, inventoryVersion: state.inventoryVersion(), clock: wallClock, pollIntervalMs: Number(process.env.CIVICNET_COLLECT_INTERVAL_MS || 60_000) },
            incidents: () => incidents.list(),
            nowMs: now,
          })
        } catch (err) {
          if (err instanceof ExportInputError) {
            console.error(`civicnet export: --${err.field === 'to' ? 'to' : 'from'}: ${err.message}`)
            return 2
          }
          throw err
        }
        const body = await renderExport(table, format)
        if (flags.out === undefined) {
          process.stdout.write(body)
          return 0
        }
        mkdirSync(flags.out, { recursive: true })
        const base = join(flags.out, `${citySlug(inv.city.name)}-${what}`)
        writeFileSync(`${base}.${format}`, body)
        writeFileSync(`${base}.schema.json`, schemaOf(table, format))
        console.log(`wrote ${base}.${format} (${table.rows.length} rows) and ${base}.schema.json`)
        return 0
      } finally {
        await store.close()
      }
    } finally {
      state.close()
    }
  },
}
