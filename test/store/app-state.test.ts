import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import { ensureInventory, openAppState, type AppState } from '../../store/app-state.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import type { Inventory } from '../../core/inventory.ts'

const hartford = hartfordInventory()
const t = suite<{ dir: string; file: string; state: AppState }>('app state')

t.before.each((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-appstate-'))
  ctx.file = join(ctx.dir, 'state.sqlite')
  ctx.state = openAppState(ctx.file)
})
t.after.each((ctx) => {
  try {
    ctx.state.close()
  } catch {
    // already closed by the test
  }
  rmSync(ctx.dir, { recursive: true, force: true })
})

t('a new state holds no inventory: version 0, and inventory() says to seed first', ({ state, file }) => {
  assert.is(state.inventoryVersion(), 0)
  assert.throws(() => state.inventory(), (e: Error) => e.message === `app state ${file} holds no inventory yet (call ensureInventory first)`)
})

t('opened read-only, the app state reads as it is and refuses every write', ({ state, file }) => {
  ensureInventory(state, () => hartfordInventory())
  state.close()
  const ro = openAppState(file, { readonly: true })
  try {
    assert.is(ro.inventoryVersion(), 1)
    assert.is(ro.inventory().devices.length, 235)
    assert.throws(() => ro.replaceInventory(hartford, 'a write'), /readonly/)
  } finally {
    ro.close()
  }
  assert.throws(() => openAppState(join(file, '..', 'none.sqlite'), { readonly: true }), /unable to open database file/)
})

t('ensureInventory seeds Hartford once as version 1, and the stored inventory deep-equals the generated one', ({ state }) => {
  assert.equal(ensureInventory(state, () => hartfordInventory()), { version: 1, seeded: true })
  assert.equal(ensureInventory(state, () => assert.unreachable('seeded twice') as never), { version: 1, seeded: false })
  assert.equal(state.inventory(), hartford)
  assert.is(JSON.stringify(state.inventory()), JSON.stringify(hartford))
  assert.equal(state.inventoryHistory().map((h) => [h.version, h.source, h.counts.devices]), [[1, 'seed', 235]])
})

t('the database runs in WAL mode with its migrations recorded in user_version', ({ state }) => {
  assert.is(state.db.pragma('journal_mode', { simple: true }), 'wal')
  assert.is(state.db.pragma('user_version', { simple: true }), 1)
})

t('device(id) reads one row; unknown ids give undefined', ({ state }) => {
  ensureInventory(state, () => hartford)
  assert.equal(state.device('ap-frog-hollow-007'), hartford.devices.find((d) => d.id === 'ap-frog-hollow-007'))
  assert.is(state.device('nope'), undefined)
  const plan = state.db.prepare('EXPLAIN QUERY PLAN SELECT body FROM inv_devices WHERE id = ?').all('x') as { detail: string }[]
  assert.match(plan[0]!.detail, /USING INDEX sqlite_autoindex_inv_devices_1/)
})

t('replaceInventory stores a new version; inventory() returns one frozen object per version', ({ state }) => {
  ensureInventory(state, () => hartford)
  const first = state.inventory()
  assert.is(state.inventory(), first)
  assert.is(Object.isFrozen(first.devices[0]!.mgmt), true)
  const next: Inventory = structuredClone(hartford)
  next.devices = next.devices.filter((d) => d.kind !== 'ap')
  assert.equal(state.replaceInventory(next, 'test'), { version: 2 })
  assert.is(state.inventoryVersion(), 2)
  assert.is.not(state.inventory(), first)
  assert.is(state.inventory().devices.length, 11)
  assert.is(state.device('ap-frog-hollow-007'), undefined)
})

t('a replacement that breaks the schema is refused and changes nothing', ({ state }) => {
  ensureInventory(state, () => hartford)
  const bad = structuredClone(hartford) as Inventory
  bad.devices[3]!.mgmt.port = 70000
  assert.throws(() => state.replaceInventory(bad, 'bad'), /inventory rejected: \/devices\/3\/mgmt\/port: Expected integer to be less or equal to 65535/)
  const dup = structuredClone(hartford) as Inventory
  dup.devices.push(dup.devices[0]!)
  assert.throws(() => state.replaceInventory(dup, 'dup'), /inventory rejected: device id 'core-1' appears twice/)
  assert.is(state.inventoryVersion(), 1)
  assert.equal(state.inventory(), hartford)
})

t('a failure inside the transaction rolls the whole replacement back', ({ state }) => {
  ensureInventory(state, () => hartford)
  // A trigger stands in for a disk error half-way through the device rows.
  state.db.exec(`CREATE TEMP TRIGGER fail_half AFTER INSERT ON inv_devices WHEN NEW.pos = 100 BEGIN SELECT RAISE(ABORT, 'disk on fire'); END`)
  const next = structuredClone(hartford) as Inventory
  next.city.name = 'Changed'
  assert.throws(() => state.replaceInventory(next, 'boom'), /disk on fire/)
  assert.is(state.inventoryVersion(), 1)
  assert.equal(state.inventory(), hartford)
})

t('the inventory survives closing and reopening, and a second connection sees a new version', ({ state, file }) => {
  ensureInventory(state, () => hartford)
  const other = openAppState(file)
  try {
    assert.equal(other.inventory(), hartford)
    const next = structuredClone(hartford) as Inventory
    next.city.name = 'Hartford (test)'
    other.replaceInventory(next, 'other')
    assert.is(state.inventoryVersion(), 2)
    assert.is(state.inventory().city.name, 'Hartford (test)')
  } finally {
    other.close()
  }
  state.close()
  const again = openAppState(file)
  try {
    assert.is(again.inventoryVersion(), 2)
  } finally {
    again.close()
  }
})

t('a state written by a newer CivicNet is refused with a clear message', ({ state, file }) => {
  state.close()
  const raw = new Database(file)
  raw.pragma('user_version = 99')
  raw.close()
  assert.throws(() => openAppState(file), /app state schema version 99 is newer than this CivicNet knows \(1\): upgrade CivicNet/)
})

t.run()
