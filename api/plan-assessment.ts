/**
 * The plan's assessment (planning/: coverage geometry, need, cost, use), shared by the
 * planning and export routes: computed on a worker thread once per inventory, radius,
 * costs, saturation threshold and hour, per app.
 */
import type { Inventory } from '../core/inventory.ts'
import type { AssessedPlan, PlanConfig } from '../planning/index.ts'
import { assessPlanOffThread } from '../planning/off-thread.ts'
import { apUse } from '../planning/use.ts'
import type { ApiContext } from './context.ts'

const HOUR = 3_600_000
const caches = new WeakMap<object, { key: string; inv: Inventory; value: Promise<AssessedPlan> } | null>()

export function planAssessment(civic: Pick<ApiContext, 'store' | 'planning'>, config: PlanConfig, nowMs: number, inv: Inventory): Promise<AssessedPlan> {
  const key = JSON.stringify([config.radiusM, config.radiusByModel, config.apCostUsd, config.fiberCostPerKmUsd, config.saturationClients, Math.floor(nowMs / HOUR)])
  const cached = caches.get(civic)
  if (cached && cached.key === key && cached.inv === inv) return cached.value
  const value = (async () => {
    const aps = inv.devices.filter((d) => d.kind === 'ap').map((d) => d.id)
    const use = await apUse(civic.store, { aps, nowMs, thresholdClients: config.saturationClients })
    // on a worker thread: seconds of geometry must not stall every other request
    return assessPlanOffThread({ inventory: inv, tracts: civic.planning.tracts(), use, config })
  })()
  value.catch(() => caches.set(civic, null)) // a failed read is tried again at the next request
  caches.set(civic, { key, inv, value })
  return value
}
