// The promise that matters most to a city engineer: a rejected import changes nothing.
// Tested through the real command in a child process, against a real state file.
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { spawnSync } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { userInfo } from 'node:os'
import { openAccountStore } from '../../accounts/store.ts'
import { openAppState } from '../../store/app-state.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'

const bin = resolve('bin/civicnet.js')
const t = suite<{ dir: string; data: string }>('civicnet inventory (child process)')

t.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-cli-'))
  ctx.data = join(ctx.dir, 'data')
})
t.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }))

function civicnet(ctx: { dir: string; data: string }, ...args: string[]) {
  const r = spawnSync(process.execPath, [bin, 'inventory', ...args], {
    cwd: ctx.dir,
    env: { ...process.env, CIVICNET_DATA_DIR: ctx.data, FORCE_COLOR: '0' },
    encoding: 'utf8',
    timeout: 30_000,
  })
  return { code: r.status, out: r.stdout, err: r.stderr }
}

/** Version, history and content of the stored inventory, read straight from the state file. */
function stored(ctx: { data: string }) {
  const state = openAppState(join(ctx.data, 'state.sqlite'))
  try {
    return { version: state.inventoryVersion(), history: state.inventoryHistory().length, json: JSON.stringify(state.inventory()) }
  } finally {
    state.close()
  }
}

t('validate on a fresh directory checks files without creating the state', (ctx) => {
  // A links file replaces all links; the rest is checked against what the first import would seed.
  writeFileSync(join(ctx.dir, 'links-ok.csv'), 'a_device,a_port,b_device,b_port,route\nsw-downtown-1,Te1/1/2,core-1,Te0/0/20,-72.675 41.765;-72.6729 41.7637\n')
  const r = civicnet(ctx, 'validate', 'links-ok.csv')
  assert.is(r.err, '')
  assert.is(r.out, 'valid: 17 neighborhoods, 233 sites, 235 devices, 1 links\n')
  assert.is(r.code, 0)
  assert.is(existsSync(join(ctx.data, 'state.sqlite')), false)
})

t('show --summary seeds Hartford on first use and prints the counts per neighborhood and kind', (ctx) => {
  const r = civicnet(ctx, 'show', '--summary')
  assert.is(r.code, 0)
  const lines = r.out.split('\n')
  assert.is(lines[0], 'Hartford, CT (inventory version 1): 17 neighborhoods (6 served), 233 sites, 235 devices, 8 fiber links (27.2 km)')
  assert.is(lines[3], 'Blue Hills              yes              48          0          2          0          0')
  assert.ok(lines.includes('total                                   224          2          8          0          1'), r.out)
  assert.ok(lines.includes('APs behind a controller: 98; standalone APs: 126'), r.out)
  assert.equal(JSON.parse(stored(ctx).json), hartfordInventory())
})

t('a rejected CSV import exits 1, names every problem, and leaves version and content identical', (ctx) => {
  const before = stored(ctx)
  assert.is(civicnet(ctx, 'export', '--format', 'csv', '--out', 'exp').code, 0)
  const lines = readFileSync(join(ctx.dir, 'exp/devices.csv'), 'utf8').split('\n')
  lines[13] = lines[13]!.replace(',1161,', ',abc,') // line 14
  lines[5] = lines[5]!.replace(',ap,', ',tower,') // line 6
  writeFileSync(join(ctx.dir, 'devices.csv'), lines.join('\n'))
  const r = civicnet(ctx, 'import', 'devices.csv', 'exp/sites.csv', 'exp/links.csv')
  assert.is(r.code, 1)
  assert.is(r.out, '')
  assert.is(
    r.err,
    [
      "error: devices.csv:6: field 'kind': must be one of ap, controller, switch, olt, router, got 'tower'",
      "error: devices.csv:14: field 'port': must be an integer 1-65535, got 'abc'",
      'devices.csv, exp/sites.csv, exp/links.csv: 2 errors; nothing imported',
      '',
    ].join('\n'),
  )
  assert.equal(stored(ctx), before)
})

t('a rejected GeoJSON import (malformed JSON, or a dangling reference) leaves the state identical', (ctx) => {
  const before = stored(ctx)
  writeFileSync(join(ctx.dir, 'broken.geojson'), '{"type": "FeatureCollection", "features": [}')
  const a = civicnet(ctx, 'import', 'broken.geojson')
  assert.is(a.code, 1)
  assert.is(a.err, "error: broken.geojson:1:45: invalid JSON: Unexpected token '}', ...\"atures\": [}\" is not valid JSON\nbroken.geojson: 1 error; nothing imported\n")
  const fc = { type: 'FeatureCollection', features: [] as object[] }
  fc.features.push({
    type: 'Feature',
    properties: { a_device: 'sw-downtown-1', a_port: 'Te1/1/2', b_device: 'core-9', b_port: 'Te0/0/9' },
    geometry: { type: 'LineString', coordinates: [[-72.675, 41.765], [-72.6729, 41.7637]] },
  })
  writeFileSync(join(ctx.dir, 'links.geojson'), JSON.stringify(fc))
  const b = civicnet(ctx, 'import', 'links.geojson')
  assert.is(b.code, 1)
  assert.is(b.err, "error: links.geojson: features[0]: field 'b_device': device 'core-9' does not exist\nlinks.geojson: 1 error; nothing imported\n")
  assert.equal(stored(ctx), before)
})

t('a valid import stores version 2; export then import gives the same inventory', (ctx) => {
  const before = stored(ctx)
  const r = civicnet(ctx, 'import', 'exp/neighborhoods.csv', 'exp/sites.csv', 'exp/devices.csv', 'exp/links.csv')
  assert.is(r.err, '')
  assert.is(r.out, 'imported inventory version 2: 17 neighborhoods, 233 sites, 235 devices, 8 links\n')
  assert.is(r.code, 0)
  const after = stored(ctx)
  assert.is(after.version, 2)
  assert.is(after.json, before.json)
  const g = civicnet(ctx, 'export', '--format', 'geojson', '--out', 'all.geojson')
  assert.is(g.code, 0)
  assert.is(civicnet(ctx, 'import', 'all.geojson').code, 0)
  assert.equal(stored(ctx), { version: 3, history: 3, json: before.json })
  // each import is in the audit log, with who ran it (a refused one changed nothing and is not)
  const state = openAppState(join(ctx.data, 'state.sqlite'))
  try {
    const entries = openAccountStore(state.db).audit({ action: 'inventory.import' }).map((e) => [e.actor, e.address, e.target, e.outcome, e.detail])
    const actor = `cli:${userInfo().username}`
    assert.equal(entries, [
      [actor, null, 'inventory:v3', 'ok', 'all.geojson: 17 neighborhoods, 233 sites, 235 devices, 8 links'],
      [actor, null, 'inventory:v2', 'ok', 'neighborhoods.csv, sites.csv, devices.csv, links.csv: 17 neighborhoods, 233 sites, 235 devices, 8 links'],
    ])
  } finally {
    state.close()
  }
})

t.run()
