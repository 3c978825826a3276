/**
 * `civicnet plan`: the planning ranking for scripts (planning/, the same as GET
 * /api/planning). Opens the app state (the inventory) and the metric store (the use of the
 * last 28 days), takes the census tracts as serve does (cli/planning-data.ts), prints JSON,
 * CSV or GeoJSON. Every refusal names the flag.
 */
import { writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { wallClock } from '../core/clock.ts'
import { assessPlan, DEFAULT_PLAN_CONFIG, parseRadiusByModel, parseWeights, rankPlan, type PlanConfig } from '../planning/index.ts'
import { PLAN_FORMATS, renderPlan, type PlanFormat } from '../planning/render.ts'
import { apUse } from '../planning/use.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { ensureInventory, openAppState } from '../store/app-state.ts'
import { describeStore, loadStoreConfig, openMetricStore } from '../store/index.ts'
import { parseValueFlags, UsageError } from './flags.ts'
import type { Command } from './main.ts'
import { planningData } from './planning-data.ts'

const USAGE = `usage: civicnet plan [--format json|csv|geojson|html|pdf] [--weights need=0.4,gap=0.3,use=0.1,cost=0.2]
                    [--radius M] [--ap-cost USD] [--fiber-cost-km USD] [--saturation CLIENTS] [--out FILE]

Neighborhoods (and the census tracts within them) ranked by a weighted score of need,
coverage gap, use and cost, each with its reasons, the APs and fiber it would take and a
cost estimate (docs/PLANNING.md). The same as GET /api/planning.

options:
  --format F                  json, csv, geojson, html or pdf (default json)
  --weights F=W,...           factor weights (need, gap, use, cost; ':' works too); normalised to sum 1
  --radius M                  an AP's service radius, metres (default ${DEFAULT_PLAN_CONFIG.radiusM})
  --radius-by-model M:R,...   the radius per AP model (the inventory's model), over --radius
  --ap-cost USD               installed cost of one AP (default ${DEFAULT_PLAN_CONFIG.apCostUsd})
  --fiber-cost-km USD         fiber construction per km (default ${DEFAULT_PLAN_CONFIG.fiberCostPerKmUsd})
  --saturation CLIENTS        an AP-hour above this many clients is saturated (default ${DEFAULT_PLAN_CONFIG.saturationClients})
  --out FILE                  write to FILE (default: standard output)

Environment: CIVICNET_DATA_DIR (app state and the embedded store, default ./data),
CIVICNET_TRACTS_FILE (census tracts, GeoJSON), INFLUX_URL ... (store/index.ts).`

const FLAGS = ['format', 'weights', 'radius', 'radius-by-model', 'ap-cost', 'fiber-cost-km', 'saturation', 'out'] as const
type Flag = (typeof FLAGS)[number]

const parseFlags = (args: string[]) => parseValueFlags(args, FLAGS)

function intFlag(flags: Partial<Record<Flag, string>>, name: Flag, min: number, max: number): number | undefined {
  const v = flags[name]
  if (v === undefined) return undefined
  if (!/^\d{1,9}$/.test(v) || +v < min || +v > max) throw new UsageError(`--${name}: '${v.slice(0, 20)}' must be a whole number from ${min} to ${max}`)
  return +v
}

export const command: Command = {
  summary: 'rank neighborhoods for expansion: need, coverage gap, use, cost (JSON, CSV, GeoJSON)',
  usage: USAGE,
  async run(args) {
    if (args.includes('--help') || args.includes('-h')) {
      console.log(USAGE)
      return 0
    }
    let flags: Partial<Record<Flag, string>>
    let config: PlanConfig
    let format: PlanFormat
    let storeConfig
    try {
      flags = parseFlags(args)
      format = (flags.format ?? 'json') as PlanFormat
      if (!(PLAN_FORMATS as readonly string[]).includes(format)) throw new UsageError(`--format: '${flags.format}' is not one of ${PLAN_FORMATS.join(', ')}`)
      let weights
      let radiusByModel
      try {
        weights = parseWeights(flags.weights)
      } catch (err) {
        throw new UsageError(`--weights: ${(err as Error).message}`)
      }
      try {
        radiusByModel = parseRadiusByModel(flags['radius-by-model'])
      } catch (err) {
        throw new UsageError(`--radius-by-model: ${(err as Error).message}`)
      }
      const radiusM = intFlag(flags, 'radius', 10, 2000)
      const apCostUsd = intFlag(flags, 'ap-cost', 0, 1_000_000)
      const fiberCostPerKmUsd = intFlag(flags, 'fiber-cost-km', 0, 10_000_000)
      const saturationClients = intFlag(flags, 'saturation', 1, 1000)
      config = {
        ...DEFAULT_PLAN_CONFIG,
        weights,
        radiusByModel,
        ...(radiusM !== undefined ? { radiusM } : {}),
        ...(apCostUsd !== undefined ? { apCostUsd } : {}),
        ...(fiberCostPerKmUsd !== undefined ? { fiberCostPerKmUsd } : {}),
        ...(saturationClients !== undefined ? { saturationClients } : {}),
      }
      storeConfig = loadStoreConfig()
    } catch (err) {
      console.error(`civicnet plan: ${(err as Error).message}\n(civicnet plan --help for usage)`)
      return 2
    }
    const dataDir = resolve(process.env.CIVICNET_DATA_DIR || 'data')
    const state = openAppState(join(dataDir, 'state.sqlite'))
    try {
      ensureInventory(state, () => hartfordInventory())
      const inv = state.inventory()
      const planning = planningData(() => inv)
      let tracts
      try {
        tracts = planning.tracts()
      } catch (err) {
        console.error(`civicnet plan: CIVICNET_TRACTS_FILE: ${(err as Error).message}`)
        return 1
      }
      let store
      try {
        store = await openMetricStore(storeConfig)
      } catch (err) {
        console.error(`civicnet plan: cannot open the metric store (${describeStore(storeConfig)}): ${(err as Error).message}`)
        return 1
      }
      try {
        const now = wallClock.now()
        const use = await apUse(store, { aps: inv.devices.filter((d) => d.kind === 'ap').map((d) => d.id), nowMs: now, thresholdClients: config.saturationClients })
        const plan = rankPlan(assessPlan({ inventory: inv, tracts, use, config }), config.weights, now, planning.cityEstimate)
        if (format === 'pdf' && flags.out === undefined && process.stdout.isTTY) {
          console.error('civicnet plan: --out: a PDF is not written to a terminal: give --out FILE')
          return 2
        }
        const body = await renderPlan(plan, format, inv)
        if (flags.out !== undefined) writeFileSync(flags.out, body)
        else process.stdout.write(format === 'json' ? `${body}\n` : body)
        return 0
      } finally {
        await store.close()
      }
    } finally {
      state.close()
    }
  },
}
