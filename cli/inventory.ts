/**
 * `civicnet inventory show|validate|import|export|history`: the city as data, from the
 * command line. The app state lives in $CIVICNET_DATA_DIR/state.sqlite (default ./data);
 * on first use it is seeded with the generated Hartford inventory.
 */
import { existsSync, mkdirSync, writeFileSync } from 'node:fs'
import { basename, join, resolve } from 'node:path'
import type { Command } from './main.ts'
import { auditCliAct } from './actor.ts'
import type { Inventory } from '../core/inventory.ts'
import { hartfordInventory } from '../provisioning/city/hartford.ts'
import { importInventoryFiles } from '../provisioning/import/index.ts'
import { inventoryToCsv, inventoryToGeoJson } from '../provisioning/import/export.ts'
import { ensureInventory, openAppState, type AppState } from '../store/app-state.ts'

const USAGE = `usage: civicnet inventory <subcommand>

  show [--summary] [--generated [--seed N]]   the stored inventory as JSON, or counts per
                                              neighborhood and kind (--generated: the
                                              Hartford generator's output, state untouched)
  validate FILE...                            check CSV/GeoJSON files; exit 1 on errors
  import FILE... [--dry-run]                  check, then replace the stored inventory
                                              (a rejected import changes nothing)
  export --format geojson|csv [--out PATH]    write the stored inventory (csv: a directory)
  history                                     stored inventory versions

Files: see docs/INVENTORY.md. State: $CIVICNET_DATA_DIR/state.sqlite (default ./data).`

export function stateFile(): string {
  return join(resolve(process.env.CIVICNET_DATA_DIR || 'data'), 'state.sqlite')
}

/** Opens the app state, seeding Hartford on first use. */
function openState(): AppState {
  const state = openAppState(stateFile())
  ensureInventory(state, () => hartfordInventory())
  return state
}

function flag(args: string[], name: string): string | undefined {
  const i = args.indexOf(name)
  if (i < 0) return undefined
  const v = args[i + 1]
  args.splice(i, 2)
  return v
}

function summary(inv: Inventory, version?: number): string {
  const kinds = ['ap', 'controller', 'switch', 'olt', 'router'] as const
  const siteOf = new Map(inv.sites.map((s) => [s.id, s]))
  const rows = new Map<string, Record<string, number>>()
  const nameOf = new Map(inv.neighborhoods.map((n) => [n.id, n.name]))
  for (const n of inv.neighborhoods) rows.set(n.id, {})
  for (const d of inv.devices) {
    const hood = siteOf.get(d.site)?.neighborhood ?? ''
    const row = rows.get(hood) ?? {}
    row[d.kind] = (row[d.kind] ?? 0) + 1
    rows.set(hood, row)
  }
  const served = new Set(inv.neighborhoods.filter((n) => n.served).map((n) => n.id))
  const lines = [
    `${inv.city.name}${version ? ` (inventory version ${version})` : ''}: ${inv.neighborhoods.length} neighborhoods (${served.size} served), ` +
      `${inv.sites.length} sites, ${inv.devices.length} devices, ${inv.links.length} fiber links ` +
      `(${(inv.links.reduce((s, l) => s + l.lengthM, 0) / 1000).toFixed(1)} km)`,
    '',
    `${'neighborhood'.padEnd(24)}${'served'.padEnd(8)}${kinds.map((k) => k.padStart(11)).join('')}`,
  ]
  const total: Record<string, number> = {}
  for (const [id, row] of rows) {
    if (Object.keys(row).length === 0 && !served.has(id)) continue
    lines.push(`${(nameOf.get(id) ?? (id || '(outside every polygon)')).padEnd(24)}${(served.has(id) ? 'yes' : 'no').padEnd(8)}${kinds.map((k) => String(row[k] ?? 0).padStart(11)).join('')}`)
    for (const k of kinds) total[k] = (total[k] ?? 0) + (row[k] ?? 0)
  }
  lines.push(`${'total'.padEnd(32)}${kinds.map((k) => String(total[k] ?? 0).padStart(11)).join('')}`)
  const behind = inv.devices.filter((d) => d.controller).length
  lines.push('', `APs behind a controller: ${behind}; standalone APs: ${inv.devices.filter((d) => d.kind === 'ap' && !d.controller).length}`)
  return lines.join('\n')
}

function printIssues(errors: string[], warnings: string[]): void {
  for (const w of warnings) console.error(`warning: ${w}`)
  for (const e of errors) console.error(`error: ${e}`)
}

async function run(argv: string[]): Promise<number> {
  const args = [...argv]
  const sub = args.shift()
  switch (sub) {
    case 'show': {
      const wantSummary = args.includes('--summary')
      let inv: Inventory
      let version: number | undefined
      if (args.includes('--generated')) {
        const seed = Number(flag(args, '--seed') ?? 1)
        if (!Number.isInteger(seed)) {
          console.error('civicnet inventory show: --seed must be an integer')
          return 2
        }
        inv = hartfordInventory(seed)
      } else {
        const state = openState()
        try {
          inv = state.inventory()
          version = state.inventoryVersion()
        } finally {
          state.close()
        }
      }
      console.log(wantSummary ? summary(inv, version) : JSON.stringify(inv, null, 2))
      return 0
    }
    case 'validate':
    case 'import': {
      const dryRun = args.includes('--dry-run')
      const files = args.filter((a) => !a.startsWith('--'))
      if (files.length === 0) {
        console.error(`civicnet inventory ${sub}: give at least one FILE (.csv, .geojson)\n\n${USAGE}`)
        return 2
      }
      // Validation reads the state without creating it; with no state yet, the base is
      // what the first import would seed.
      const state = sub === 'import' ? openState() : existsSync(stateFile()) ? openState() : undefined
      try {
        const base = state ? state.inventory() : hartfordInventory()
        const result = importInventoryFiles(files, base)
        printIssues(result.errors, result.warnings)
        if (!result.inventory) {
          console.error(`${files.join(', ')}: ${result.errors.length} error${result.errors.length === 1 ? '' : 's'}${sub === 'import' ? '; nothing imported' : ''}`)
          return 1
        }
        const inv = result.inventory
        const counts = `${inv.neighborhoods.length} neighborhoods, ${inv.sites.length} sites, ${inv.devices.length} devices, ${inv.links.length} links`
        if (sub === 'validate' || dryRun) {
          console.log(`valid: ${counts}${result.warnings.length ? ` (${result.warnings.length} warnings)` : ''}`)
          return 0
        }
        const { version } = state!.replaceInventory(inv, `import ${files.join(' ')}`)
        auditCliAct(state!.db, 'inventory.import', `inventory:v${version}`, `${files.map((f) => basename(f)).join(', ')}: ${counts}`)
        console.log(`imported inventory version ${version}: ${counts}`)
        return 0
      } finally {
        state?.close()
      }
    }
    case 'export': {
      const format = flag(args, '--format') ?? 'geojson'
      const out = flag(args, '--out')
      const state = openState()
      let inv: Inventory
      try {
        inv = state.inventory()
      } finally {
        state.close()
      }
      if (format === 'geojson') {
        const text = JSON.stringify(inventoryToGeoJson(inv)) + '\n'
        if (out) writeFileSync(out, text)
        else process.stdout.write(text)
        return 0
      }
      if (format === 'csv') {
        if (!out) {
          console.error('civicnet inventory export --format csv writes four files: give --out DIR')
          return 2
        }
        mkdirSync(out, { recursive: true })
        for (const [name, text] of Object.entries(inventoryToCsv(inv))) writeFileSync(join(out, name), text)
        console.log(`wrote ${['neighborhoods.csv', 'sites.csv', 'devices.csv', 'links.csv'].map((n) => join(out, n)).join(', ')}`)
        return 0
      }
      console.error(`civicnet inventory export: --format must be geojson or csv, got '${format}'`)
      return 2
    }
    case 'history': {
      const state = openState()
      try {
        for (const h of state.inventoryHistory(50)) {
          const c = h.counts
          console.log(`${String(h.version).padStart(4)}  ${new Date(h.createdMs).toISOString()}  ${c.devices} devices, ${c.sites} sites, ${c.links} links  ${h.source}`)
        }
      } finally {
        state.close()
      }
      return 0
    }
    default:
      console.error(sub ? `civicnet inventory: unknown subcommand '${sub}'\n\n${USAGE}` : USAGE)
      return 2
  }
}

export const command: Command = {
  summary: 'show, validate, import and export the city inventory (neighborhoods, sites, devices, fiber)',
  usage: USAGE,
  run,
}
