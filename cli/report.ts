/**
 * `civicnet report`: the grant report from the command line. Parses flags, opens the app
 * state and the metric store, calls reports/ buildReport, renders the format asked, saves
 * the run, writes the file. Every refusal names the flag.
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { wallClock } from '../core/clock.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { buildReport, ReportInputError, type BuildReportQuery } from '../reports/index.ts'
import { FORMATS, renderReport, type ReportFormat } from '../reports/render/index.ts'
import { getRun, listRuns, saveRun } from '../reports/runs.ts'
import { ensureInventory, openAppState } from '../store/app-state.ts'
import { parseSlaTargets } from '../incidents/sla.ts'
import { openIncidentStore } from '../incidents/store.ts'
import { buildOperationsReport } from '../operations/index.ts'
import { renderOperations } from '../operations/render.ts'
import { openResidentReportStore } from '../residents/store.ts'
import { describeStore, loadStoreConfig, openMetricStore } from '../store/index.ts'
import type { Command } from './main.ts'
import { auditCliAct, cliActor } from './actor.ts'

const USAGE = `usage: civicnet report --from YYYY-MM-DD --to YYYY-MM-DD [options]
       civicnet report --quarter 2026Q3 [options]
       civicnet report --year 2026 [options]
       civicnet report --list [--limit N]
       civicnet report --run ID [--out FILE]
       civicnet report --operations 2026-11 [--format json|csv|html|pdf] [--out FILE]

The report grant writers sign (docs/REPORTS.md): unique clients, data used, peak
concurrent clients and availability per neighborhood and in total, over days of the
city's local calendar. --to is the LAST day, inclusive (--from 2026-07-01 --to 2026-09-30
is --quarter 2026Q3). A period still open runs to now and says so. Each run is saved in
the app state (parameters, data version, the JSON); --list shows saved runs, --run ID
prints one run's saved JSON. --operations YYYY-MM is the monthly operations report instead
(operations/: incidents, time to restore, SLA, client-hours lost and resident reports per
neighborhood, from the app state; CIVICNET_INCIDENT_SLA sets the targets).

options:
  --neighborhoods all|ID,...   neighborhoods (default all: every served one)
  --format json|csv|html|pdf   output format (default json)
  --out FILE                   write to FILE (default: standard output; a PDF needs --out
                               on a terminal)
  --target PCT                 availability target, percent (default 99.45: BEAD's 48 h a year)

Environment: CIVICNET_DATA_DIR (app state and the embedded store, default ./data),
CIVICNET_COLLECT_INTERVAL_MS (the collector's poll interval, default 60000), INFLUX_URL ...
(store/index.ts; without it the embedded DuckDB file, which no other process may hold:
stop the demo first, or use InfluxDB), CIVICNET_CHROMIUM (for PDF, default /usr/bin/chromium).`

const VALUE_FLAGS = ['from', 'to', 'quarter', 'year', 'neighborhoods', 'format', 'out', 'target', 'limit', 'run', 'operations'] as const
type Flag = (typeof VALUE_FLAGS)[number] | 'list'

class UsageError extends Error {}

function parseFlags(args: string[]): Partial<Record<Flag, string>> {
  const out: Partial<Record<Flag, string>> = {}
  for (let i = 0; i < args.length; i++) {
    const a = args[i]!
    const m = /^--([a-z]+)(?:=(.*))?$/.exec(a)
    if (!m) throw new UsageError(`unexpected argument '${a}'`)
    const name = m[1]! as Flag
    if (name === 'list') {
      if (m[2] !== undefined) throw new UsageError('--list takes no value')
      out.list = 'true'
      continue
    }
    if (!(VALUE_FLAGS as readonly string[]).includes(name)) throw new UsageError(`unknown option '--${name}'`)
    if (out[name] !== undefined) throw new UsageError(`--${name} is given twice`)
    const v = m[2] ?? args[++i]
    if (v === undefined || (m[2] === undefined && v.startsWith('--'))) throw new UsageError(`--${name} needs a value`)
    out[name] = v
  }
  return out
}

function intEnv(name: string, def: number, min: number, max: number): number {
  const raw = process.env[name]
  if (raw === undefined || raw === '') return def
  const n = Number(raw)
  if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${name} must be an integer in ${min}..${max}, got '${raw}'`)
  return n
}

export const command: Command = {
  summary: 'the grant report: unique clients, data used, availability per neighborhood (json, csv, html, pdf)',
  usage: USAGE,
  async run(args) {
    let flags: Partial<Record<Flag, string>>
    let format: ReportFormat
    let pollIntervalMs: number
    let storeConfig
    try {
      flags = parseFlags(args)
      format = (flags.format ?? 'json') as ReportFormat
      if (!(FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: '${flags.format}' is not one of ${FORMATS.join(', ')}`)
      if (flags.target !== undefined && !/^\d{1,3}(\.\d+)?$/.test(flags.target)) throw new UsageError(`--target: '${flags.target}' is not a percentage`)
      if (flags.limit !== undefined && !/^\d{1,4}$/.test(flags.limit)) throw new UsageError(`--limit: '${flags.limit}' is not a count (1..1000)`)
      if (flags.run !== undefined && !/^\d{1,15}$/.test(flags.run)) throw new UsageError(`--run: '${flags.run}' is not a run id`)
      if (format === 'pdf' && flags.out === undefined && process.stdout.isTTY) throw new UsageError('--out: a PDF is not written to a terminal: give --out FILE')
      pollIntervalMs = intEnv('CIVICNET_COLLECT_INTERVAL_MS', 60_000, 1000, 86_400_000)
      storeConfig = loadStoreConfig()
    } catch (err) {
      console.error(`civicnet report: ${(err as Error).message}\n(civicnet report --help for usage)`)
      return 2
    }
    const dataDir = resolve(process.env.CIVICNET_DATA_DIR || 'data')
    const state = openAppState(join(dataDir, 'state.sqlite'))
    try {
      const write = (body: Buffer | string) => {
        if (flags.out !== undefined) writeFileSync(flags.out, body)
        else process.stdout.write(body)
      }
      if (flags.list !== undefined) {
        const runs = listRuns(state.db, { limit: flags.limit === undefined ? 50 : Math.max(1, +flags.limit) })
        const lines = runs.map((r) => [
          String(r.id).padStart(5),
          new Date(r.runAtMs).toISOString().slice(0, 19) + 'Z',
          r.door.padEnd(3),
          r.format.padEnd(4),
          `${r.params.from}..${r.params.to}${r.params.name ? ` (${r.params.name})` : ''}`,
          r.params.neighborhoods === 'all' ? 'all' : r.params.neighborhoods.join(','),
          r.dataVersion,
          r.open ? 'open' : '',
        ].join('  '))
        write(`${['   id  run at                door fmt   period  neighborhoods  data version', ...lines].join('\n')}\n`)
        return 0
      }
      if (flags.run !== undefined) {
        const saved = getRun(state.db, +flags.run)
        if (!saved) {
          console.error(`civicnet report: --run: no saved run ${flags.run} (civicnet report --list)`)
          return 2
        }
        write(saved.json)
        return 0
      }
      ensureInventory(state, () => hartfordInventory())
      if (flags.operations !== undefined) {
        let report
        try {
          report = buildOperationsReport(flags.operations, {
            incidents: openIncidentStore(state.db),
            reports: openResidentReportStore(state.db),
            inventory: state.inventory(),
            slaTargets: parseSlaTargets(process.env.CIVICNET_INCIDENT_SLA),
            nowMs: wallClock.now(),
          })
        } catch (err) {
          console.error(`civicnet report: --operations: ${(err as Error).message}`)
          return 2
        }
        write(await renderOperations(report, format))
        if (!report.complete) console.error(`civicnet report: ${report.month} is still running: figures are as of now`)
        return 0
      }
      let store
      try {
        store = await openMetricStore(storeConfig)
      } catch (err) {
        console.error(`civicnet report: cannot open the metric store (${describeStore(storeConfig)}): ${(err as Error).message}`)
        return 1
      }
      try {
        const q: BuildReportQuery = {
          ...(flags.from !== undefined ? { from: flags.from } : {}),
          ...(flags.to !== undefined ? { to: flags.to } : {}),
          ...(flags.quarter !== undefined ? { quarter: flags.quarter } : {}),
          ...(flags.year !== undefined ? { year: flags.year } : {}),
          neighborhoods: flags.neighborhoods ?? 'all',
          ...(flags.target !== undefined ? { availabilityTargetPct: Number(flags.target) } : {}),
        }
        const report = await buildReport(q, { store, inventory: state.inventory(), inventoryVersion: state.inventoryVersion(), clock: wallClock, pollIntervalMs })
        const json = (await renderReport(report, 'json')).toString('utf8')
        const body = format === 'json' ? json : await renderReport(report, format)
        const run = saveRun(state.db, {
          door: 'cli',
          format,
          requestedBy: cliActor().name,
          params: { from: report.period.from, to: report.period.to, kind: report.period.kind, name: report.period.name, neighborhoods: report.method.neighborhoodsAsked, availabilityTargetPct: report.method.availabilityTarget.pct },
          dataVersion: report.dataVersion,
          generatedAt: report.generatedAt,
          open: report.period.open,
          json,
        })
        auditCliAct(state.db, 'report.run', `report-run:${run.id}`, `${format} ${report.period.from}..${report.period.to}`)
        write(body)
        if (report.period.open) console.error(`civicnet report: the period is still open: figures run to ${report.generatedAt}`)
        return 0
      } catch (err) {
        if (err instanceof ReportInputError) {
          console.error(`civicnet report: --${err.param}: ${err.detail}`)
          return 2
        }
        console.error(`civicnet report: ${(err as Error).message}`)
        return 1
      } finally {
        await store.close()
      }
    } catch (err) {
      console.error(`civicnet report: ${(err as Error).message}`)
      return 1
    } finally {
      state.close()
    }
  },
}

