/**
 * The app-state database: relational state that is not a metric (the inventory snapshot
 * today; tokens, incidents, report runs and the audit log add their own tables through
 * `db`). SQLite in WAL mode, so the API can read while an import writes. Kept small on
 * purpose: all access goes through this module, so moving to PostgreSQL stays one step.
 *
 * Inventory layout: one row per neighborhood/site/device/link (JSON body plus the columns
 * lookups need), and every accepted version kept whole in `inventory_versions` for history.
 */
import Database from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { Value } from '@sinclair/typebox/value'
import { Inventory, type Device } from '../core/inventory.ts'

export interface InventoryVersionInfo {
  version: number
  source: string
  createdMs: number
  counts: { neighborhoods: number; sites: number; devices: number; links: number }
}

export interface AppState {
  /** the raw database, for modules that add their own tables (use their own name prefix) */
  readonly db: Database.Database
  /**
   * Current inventory; throws if none was ever stored (see ensureInventory). The same
   * frozen object is returned until the version changes, so callers can compare by identity
   * to know when to rebuild their indexes. Copy before changing it.
   */
  inventory(): Inventory
  /** 0 when no inventory was ever stored */
  inventoryVersion(): number
  /** one device by id, straight from its indexed row */
  device(id: string): Device | undefined
  /**
   * Replaces the whole inventory in one transaction and returns the new version.
   * Throws (and changes nothing) when `inv` does not match the Inventory schema.
   */
  replaceInventory(inv: Inventory, source: string): { version: number }
  /** newest first */
  inventoryHistory(limit?: number): InventoryVersionInfo[]
  close(): void
}

/**
 * Migrations run in order, each once, tracked by PRAGMA user_version. Append only: never
 * edit a migration that has shipped.
 */
const MIGRATIONS: string[] = [
  `CREATE TABLE inventory_versions (
     version INTEGER PRIMARY KEY,
     created_ms INTEGER NOT NULL,
     source TEXT NOT NULL,
     counts TEXT NOT NULL,
     snapshot TEXT NOT NULL
   );
   CREATE TABLE inventory_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
   CREATE TABLE inv_neighborhoods (pos INTEGER NOT NULL, id TEXT PRIMARY KEY, served INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE TABLE inv_sites (pos INTEGER NOT NULL, id TEXT PRIMARY KEY, neighborhood TEXT NOT NULL, body TEXT NOT NULL);
   CREATE TABLE inv_devices (pos INTEGER NOT NULL, id TEXT PRIMARY KEY, kind TEXT NOT NULL, site TEXT NOT NULL, body TEXT NOT NULL);
   CREATE INDEX inv_devices_site ON inv_devices (site);
   CREATE TABLE inv_links (pos INTEGER NOT NULL, id TEXT PRIMARY KEY, a_device TEXT NOT NULL, b_device TEXT NOT NULL, body TEXT NOT NULL);`,
]

/** The schema version (PRAGMA user_version) this CivicNet migrates the app state to; `civicnet doctor` compares against it. */
export const APP_STATE_SCHEMA_VERSION = MIGRATIONS.length

/** How many whole snapshots to keep; the version numbers of older ones stay in the log. */
const KEEP_SNAPSHOTS = 50

/**
 * Opens (and creates, and migrates) the app state. `readonly`: an existing file as it is,
 * for a check that must change nothing (civicnet doctor): no migration, no journal mode,
 * every write refused by SQLite.
 */
export function openAppState(file: string, opts: { readonly?: boolean } = {}): AppState {
  if (file !== ':memory:' && !opts.readonly) mkdirSync(dirname(file), { recursive: true })
  const db = opts.readonly ? new Database(file, { readonly: true, fileMustExist: true }) : new Database(file)
  if (!opts.readonly) db.pragma('journal_mode = WAL')
  // Another process (an import) may hold the write lock for a moment: wait, do not fail.
  db.pragma('busy_timeout = 5000')
  db.pragma('foreign_keys = ON')
  try {
    if (!opts.readonly) migrate(db)
  } catch (err) {
    db.close()
    throw err
  }

  const q = {
    version: db.prepare('SELECT max(version) AS v FROM inventory_versions'),
    city: db.prepare(`SELECT value FROM inventory_meta WHERE key = 'city'`),
    neighborhoods: db.prepare('SELECT body FROM inv_neighborhoods ORDER BY pos'),
    sites: db.prepare('SELECT body FROM inv_sites ORDER BY pos'),
    devices: db.prepare('SELECT body FROM inv_devices ORDER BY pos'),
    links: db.prepare('SELECT body FROM inv_links ORDER BY pos'),
    device: db.prepare('SELECT body FROM inv_devices WHERE id = ?'),
    history: db.prepare('SELECT version, created_ms, source, counts FROM inventory_versions ORDER BY version DESC LIMIT ?'),
  }
  const ins = {
    version: db.prepare('INSERT INTO inventory_versions (version, created_ms, source, counts, snapshot) VALUES (?, ?, ?, ?, ?)'),
    city: db.prepare(`INSERT INTO inventory_meta (key, value) VALUES ('city', ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value`),
    neighborhood: db.prepare('INSERT INTO inv_neighborhoods (pos, id, served, body) VALUES (?, ?, ?, ?)'),
    site: db.prepare('INSERT INTO inv_sites (pos, id, neighborhood, body) VALUES (?, ?, ?, ?)'),
    device: db.prepare('INSERT INTO inv_devices (pos, id, kind, site, body) VALUES (?, ?, ?, ?, ?)'),
    link: db.prepare('INSERT INTO inv_links (pos, id, a_device, b_device, body) VALUES (?, ?, ?, ?, ?)'),
    prune: db.prepare(`UPDATE inventory_versions SET snapshot = '' WHERE version <= ? AND snapshot <> ''`),
  }

  const currentVersion = (): number => (q.version.get() as { v: number | null }).v ?? 0
  let cache: { version: number; inv: Inventory } | undefined

  const replace = db.transaction((inv: Inventory, source: string): number => {
    const version = currentVersion() + 1
    for (const t of ['inv_neighborhoods', 'inv_sites', 'inv_devices', 'inv_links']) db.exec(`DELETE FROM ${t}`)
    ins.city.run(JSON.stringify(inv.city))
    inv.neighborhoods.forEach((n, i) => ins.neighborhood.run(i, n.id, n.served ? 1 : 0, JSON.stringify(n)))
    inv.sites.forEach((s, i) => ins.site.run(i, s.id, s.neighborhood, JSON.stringify(s)))
    inv.devices.forEach((d, i) => ins.device.run(i, d.id, d.kind, d.site, JSON.stringify(d)))
    inv.links.forEach((l, i) => ins.link.run(i, l.id, l.a.device, l.b.device, JSON.stringify(l)))
    const counts = { neighborhoods: inv.neighborhoods.length, sites: inv.sites.length, devices: inv.devices.length, links: inv.links.length }
    ins.version.run(version, Date.now(), source, JSON.stringify(counts), JSON.stringify(inv))
    ins.prune.run(version - KEEP_SNAPSHOTS)
    return version
  })

  return {
    db,
    inventoryVersion: currentVersion,
    inventory() {
      const version = currentVersion()
      if (version === 0) throw new Error(`app state ${file} holds no inventory yet (call ensureInventory first)`)
      if (cache?.version === version) return cache.inv
      const read = db.transaction((): { version: number; inv: Inventory } => {
        const body = (rows: unknown[]) => rows.map((r) => JSON.parse((r as { body: string }).body))
        return { version: currentVersion(), inv: {
          city: JSON.parse((q.city.get() as { value: string }).value),
          neighborhoods: body(q.neighborhoods.all()),
          sites: body(q.sites.all()),
          devices: body(q.devices.all()),
          links: body(q.links.all()),
        } }
      })
      // Read version and rows in one snapshot so a concurrent import cannot mix two versions.
      const fresh = read()
      cache = { version: fresh.version, inv: deepFreeze(fresh.inv) }
      return cache.inv
    },
    device(id) {
      const row = q.device.get(id) as { body: string } | undefined
      return row ? (JSON.parse(row.body) as Device) : undefined
    },
    replaceInventory(inv, source) {
      if (!Value.Check(Inventory, inv)) {
        const first = [...Value.Errors(Inventory, inv)][0]
        throw new Error(`inventory rejected: ${first?.path || '/'}: ${first?.message ?? 'does not match the schema'}`)
      }
      const ids = new Set<string>()
      for (const d of inv.devices) {
        if (ids.has(d.id)) throw new Error(`inventory rejected: device id '${d.id}' appears twice`)
        ids.add(d.id)
      }
      return { version: replace.immediate(inv, source) }
    },
    inventoryHistory(limit = 20) {
      return (q.history.all(limit) as { version: number; created_ms: number; source: string; counts: string }[]).map((r) => ({
        version: r.version,
        createdMs: r.created_ms,
        source: r.source,
        counts: JSON.parse(r.counts),
      }))
    },
    close() {
      db.close()
    },
  }
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o)
    for (const v of Object.values(o)) deepFreeze(v)
  }
  return o
}

function migrate(db: Database.Database): void {
  const have = db.pragma('user_version', { simple: true }) as number
  if (have > MIGRATIONS.length) {
    throw new Error(`app state schema version ${have} is newer than this CivicNet knows (${MIGRATIONS.length}): upgrade CivicNet`)
  }
  for (let v = have; v < MIGRATIONS.length; v++) {
    db.transaction(() => {
      db.exec(MIGRATIONS[v]!)
      db.pragma(`user_version = ${v + 1}`)
    }).immediate()
  }
}

/**
 * Seeds the inventory on first start: when the state holds none, stores `seed()` as
 * version 1 (source 'seed'). Returns the current version either way.
 */
export function ensureInventory(state: AppState, seed: () => Inventory): { version: number; seeded: boolean } {
  // Under the write lock, so two processes starting at once seed only one version.
  return state.db
    .transaction(() => {
      const version = state.inventoryVersion()
      if (version > 0) return { version, seeded: false }
      return { ...state.replaceInventory(seed(), 'seed'), seeded: true }
    })
    .immediate()
}
