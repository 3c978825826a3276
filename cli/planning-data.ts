/**
 * What planning needs beside the inventory, for `civicnet serve`, `demo` and `plan`: the
 * census tracts from CIVICNET_TRACTS_FILE (a GeoJSON of tracts with their ACS figures,
 * provisioning/import/tracts.ts); without it, Hartford's 41 tracts and the city's own
 * $30.1M estimate when the inventory is Hartford's (the demo city); else no tracts (the
 * plan then takes each area's population share as its area share, and says so).
 */
import { readFileSync } from 'node:fs'
import type { Inventory, Tract } from '../core/inventory.ts'
import { HARTFORD_CITY, HARTFORD_CITY_ESTIMATE, hartfordTracts } from '../provisioning/city/hartford.ts'
import { tractsFromGeoJson } from '../provisioning/import/tracts.ts'

export interface PlanningData {
  tracts(): readonly Tract[]
  cityEstimate: { usd: number; label: string } | null
}

export function planningData(inventory: () => Inventory, env: NodeJS.ProcessEnv = process.env): PlanningData {
  const file = env.CIVICNET_TRACTS_FILE
  const hartford = () => inventory().city.name === HARTFORD_CITY.name
  let cached: { inv: Inventory; tracts: readonly Tract[] } | null = null
  return {
    tracts() {
      const inv = inventory()
      if (cached?.inv === inv) return cached.tracts
      const tracts = file ? tractsFromGeoJson(readFileSync(file, 'utf8'), inv.neighborhoods, file) : hartford() ? hartfordTracts() : []
      cached = { inv, tracts }
      return tracts
    },
    get cityEstimate() {
      return !file && hartford() ? HARTFORD_CITY_ESTIMATE : null
    },
  }
}
