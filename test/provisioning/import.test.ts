import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Inventory } from '../../core/inventory.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { importInventoryFiles, importInventoryTexts } from '../../provisioning/import/index.ts'
import { CSV_COLUMNS, inventoryToCsv, inventoryToGeoJson } from '../../provisioning/import/export.ts'

const hartford = hartfordInventory()
const csv = inventoryToCsv(hartford)
const cityOnly: Inventory = { city: hartford.city, neighborhoods: [], sites: [], devices: [], links: [] }

const t = suite<{ dir: string }>('inventory import')
t.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-import-'))
})
t.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }))

/** Writes a file into the temp dir and returns its path. */
function put(dir: string, name: string, text: string): string {
  const p = join(dir, name)
  writeFileSync(p, text)
  return p
}
/** The exported devices.csv with some lines (1-based, header = 1) changed. */
function devicesCsv(edit: (cols: string[], lines: string[][]) => void): string {
  const lines = csv['devices.csv'].trimEnd().split('\n').map((l) => l.split(','))
  edit(CSV_COLUMNS.devices, lines)
  return lines.map((l) => l.join(',')).join('\n') + '\n'
}
const col = (name: string) => CSV_COLUMNS.devices.indexOf(name)

t('the four exported CSV files import back to the same inventory', ({ dir }) => {
  const files = Object.entries(csv).map(([name, text]) => put(dir, name, text))
  const result = importInventoryFiles(files, cityOnly)
  assert.equal(result.errors, [])
  assert.equal(result.warnings, [])
  assert.equal(result.inventory, hartford)
})

t('the exported GeoJSON imports back to the same inventory, city included', ({ dir }) => {
  const file = put(dir, 'city.geojson', JSON.stringify(inventoryToGeoJson(hartford)))
  const result = importInventoryFiles([file])
  assert.equal(result.errors, [])
  assert.equal(result.inventory, hartford)
})

t('files that leave a collection out keep it from the base inventory', ({ dir }) => {
  const devices = put(dir, 'devices-only.csv', csv['devices.csv'])
  const result = importInventoryFiles([devices], hartford)
  assert.equal(result.errors, [])
  assert.equal(result.inventory, hartford)
})

t('the city ACS GeoJSON imports as 17 neighborhoods with slug ids and the CSV census figures', () => {
  const result = importInventoryFiles(['provisioning/city/data/hartford_neighborhoods_acs2023.geojson'], hartford)
  assert.equal(result.errors, [])
  const inv = result.inventory!
  assert.is(inv.neighborhoods.length, 17)
  assert.equal(inv.neighborhoods.find((n) => n.id === 'clay-arsenal')!.census, hartford.neighborhoods.find((n) => n.id === 'clay-arsenal')!.census)
  assert.is(inv.neighborhoods.filter((n) => n.served).length, 0)
})

t('a bad devices.csv gets one error per problem, each naming file, line and field', ({ dir }) => {
  const text = devicesCsv((c, lines) => {
    lines[13]![col('port')] = 'abc' // line 14
    lines[5]![c.indexOf('kind')] = 'tower' // line 6
    lines[7]![c.indexOf('site')] = 'pole-nowhere' // line 8
    lines[9] = [...lines[3]!] // line 10 repeats line 4
    lines[11]!.pop() // line 12: one field short
    lines[15]![col('uplink_device')] = 'sw-ghost' // line 16
    lines[16]![col('controller')] = 'core-1' // line 17
  })
  const file = put(dir, 'devices.csv', text)
  const sites = put(dir, 'sites.csv', csv['sites.csv'])
  const result = importInventoryFiles([file, sites], hartford)
  assert.is(result.inventory, undefined)
  const names = result.errors.map((e) => e.replaceAll(dir + '/', ''))
  assert.equal(names, [
    "devices.csv:6: field 'kind': must be one of ap, controller, switch, olt, router, got 'tower'",
    "devices.csv:8: field 'site': site 'pole-nowhere' does not exist",
    "devices.csv:10: field 'id': duplicate device id 'sw-northeast-1' (first at devices.csv:4)",
    "devices.csv:12: has 22 fields, the header has 23",
    "devices.csv:14: field 'port': must be an integer 1-65535, got 'abc'",
    "devices.csv:16: field 'uplink_device': device 'sw-ghost' does not exist",
    "devices.csv:17: field 'controller': device 'core-1' is a router, not a controller",
  ])
})

t('a bad links.csv names unknown ends and unreadable routes; WKT routes are accepted', ({ dir }) => {
  const file = put(
    dir,
    'links.csv',
    [
      'a_device,a_port,b_device,b_port,route',
      'sw-downtown-1,Te1/1/2,core-1,Te0/0/20,"LINESTRING (-72.675 41.765, -72.6729 41.7637)"',
      'sw-downtown-1,Te1/1/3,ghost-9,Te0/0/21,-72.675 41.765;-72.6729 41.7637',
      'sw-downtown-1,Te1/1/4,core-1,Te0/0/22,-72.675 41.765;north',
      'sw-downtown-1,Te1/1/5,core-1,Te0/0/23,-72.675 41.765',
    ].join('\n'),
  )
  const result = importInventoryFiles([file], hartford)
  assert.equal(result.errors.map((e) => e.replaceAll(dir + '/', '')), [
    "links.csv:3: field 'b_device': device 'ghost-9' does not exist",
    "links.csv:4: field 'route': must be 'lon lat;lon lat;...' or WKT LINESTRING, and 'north' is not 'lon lat'",
    "links.csv:5: field 'route': has 1 position, a route needs at least 2",
  ])
  const ok = importInventoryFiles([put(dir, 'one-link.csv', [
    'a_device,a_port,b_device,b_port,route',
    'sw-downtown-1,Te1/1/2,core-1,Te0/0/20,"LINESTRING (-72.675 41.765, -72.6729 41.7637)"',
  ].join('\n'))], hartford)
  assert.equal(ok.inventory!.links, [{
    id: 'fiber-sw-downtown-1-te1-1-2',
    a: { device: 'sw-downtown-1', port: 'Te1/1/2' },
    b: { device: 'core-1', port: 'Te0/0/20' },
    route: { type: 'LineString', coordinates: [[-72.675, 41.765], [-72.6729, 41.7637]] },
    // 0.0021 deg east (174.4 m) and 0.0013 deg south (144.6 m)
    lengthM: 226.3,
  }])
})

t('a bad GeoJSON names the feature by index and id: short polygon, bad port, unknown kind, missing site', ({ dir }) => {
  const fc = {
    type: 'FeatureCollection',
    features: [
      { type: 'Feature', properties: { id: 'tri', name: 'Tri', population: 1, households: 1, hh_without_broadband_est: 0 }, geometry: { type: 'Polygon', coordinates: [[[-72.68, 41.76], [-72.67, 41.76], [-72.68, 41.76]]] } },
      { type: 'Feature', properties: { id: 'ap-9', kind: 'ap', host: '127.0.0.1', port: 'abc', credential: 'sim-v2c', site: 'pole-x' }, geometry: { type: 'Point', coordinates: [-72.68, 41.76] } },
      { type: 'Feature', properties: { id: 't1', kind: 'tower' }, geometry: { type: 'Point', coordinates: [-72.68, 41.76] } },
      { type: 'Feature', properties: { id: 'ap-10', kind: 'ap', host: '127.0.0.1', port: 1161, credential: 'sim-v2c', site: 'pole-x' }, geometry: { type: 'Point', coordinates: [-72.68, 41.76] } },
    ],
  }
  const file = put(dir, 'bad.geojson', JSON.stringify(fc))
  // Without stored links: the file's devices replace all devices, and links would name the old ones.
  const result = importInventoryFiles([file], { ...hartford, links: [] })
  assert.equal(result.errors.map((e) => e.replaceAll(dir + '/', '')), [
    "bad.geojson: features[0] (id 'tri'): field 'geometry': polygon ring 1 has 3 positions, a closed ring needs at least 4",
    "bad.geojson: features[1] (id 'ap-9'): field 'port': must be an integer 1-65535, got 'abc'",
    "bad.geojson: features[2] (id 't1'): field 'kind': must be one of pole, rooftop, cabinet, hub (a site) or ap, controller, switch, olt, router (a device), got 'tower'",
    "bad.geojson: features[3] (id 'ap-10'): field 'site': site 'pole-x' does not exist",
  ])
})

t('malformed JSON is reported at its line and column', ({ dir }) => {
  const file = put(dir, 'broken.geojson', '{"type":"FeatureCollection","features":[\n{"type":"Feature","properties":{"id":"x"},\n"geometry":{"type":"Point" "coordinates":[1,2]}}]}')
  const result = importInventoryFiles([file], hartford)
  assert.equal(result.errors.map((e) => e.replaceAll(dir + '/', '')), ["broken.geojson:3:28: invalid JSON: Expected ',' or '}' after property value"])
})

t('a CSV whose header names no known columns, or lacks a required one, is refused as a whole', ({ dir }) => {
  const a = put(dir, 'what.csv', 'foo,bar\n1,2\n')
  const b = put(dir, 'devs.csv', 'id,kind,host,credential\nap-1,ap,127.0.0.1,sim-v2c\n')
  const result = importInventoryFiles([a, b], hartford)
  assert.equal(result.errors.map((e) => e.replaceAll(dir + '/', '')), [
    "devs.csv:1: missing column 'port' (a devices file needs id, kind, host, port, credential)",
    "what.csv:1: cannot tell what this file holds from its header: a neighborhoods file has 'geometry', a links file 'a_device', a devices file 'host', a sites file 'kind' and 'lon' (see docs/INVENTORY.md)",
  ])
})

t('files replace whole collections: a devices file without the switches orphans the stored links', ({ dir }) => {
  // Drops core-1, wlc-1, both Northeast switches and 6 Northeast APs.
  const file = put(dir, 'aps-only.csv', devicesCsv((_, lines) => lines.splice(1, 10)))
  const result = importInventoryFiles([file], hartford)
  // 45 Northeast APs lose their switch, 98 APs their controller, 6 switches and the UniFi controller core-1; links: 8 core-1 ends + 2 switch ends.
  assert.is(result.errors.length, 45 + 98 + 7 + 10)
  assert.is(result.errors.filter((e) => e.startsWith('stored inventory: link')).length, 10)
  assert.equal(result.errors.at(-1), "stored inventory: link 'fiber-sw-northeast-2': field 'b_device': device 'core-1' does not exist")
})

t('a device with lon/lat and a blank site gets a pole of its own, with its neighborhood derived', ({ dir }) => {
  const file = put(dir, 'new-ap.csv', devicesCsv((c, lines) => {
    const row = (id: string, lon: string, host: string, port: string) => {
      const r = new Array<string>(c.length).fill('')
      Object.assign(r, { [c.indexOf('id')]: id, [c.indexOf('kind')]: 'ap', [c.indexOf('lon')]: lon, [c.indexOf('lat')]: '41.7645' })
      Object.assign(r, { [c.indexOf('host')]: host, [c.indexOf('port')]: '1161', [c.indexOf('credential')]: 'sim-v2c' })
      Object.assign(r, { [c.indexOf('uplink_device')]: 'sw-downtown-1', [c.indexOf('uplink_port')]: port })
      return r
    }
    lines.push(row('ap-park-1', '-72.6805', '127.10.9.1', 'Gi1/0/40'), row('ap-far-1', '-73.5', '127.10.9.2', 'Gi1/0/41'))
  }))
  const result = importInventoryFiles([file], hartford)
  assert.equal(result.errors, [])
  assert.equal(result.warnings.map((e) => e.replaceAll(dir + '/', '')), [
    "new-ap.csv:238: field 'lon': [-73.5, 41.7645] is outside the city's bounding box [-72.7182, 41.7237, -72.6421, 41.8074] (lon and lat swapped?)",
  ])
  const inv = result.inventory!
  assert.equal(inv.sites.find((s) => s.id === 'site-ap-park-1'), { id: 'site-ap-park-1', kind: 'pole', lon: -72.6805, lat: 41.7645, neighborhood: 'downtown' })
  assert.equal(inv.devices.slice(-2).map((d) => [d.id, d.site]), [['ap-park-1', 'site-ap-park-1'], ['ap-far-1', 'site-ap-far-1']])
  assert.is(inv.devices.length, 237)
})

t('texts in memory (an upload) import the same as files, the format told by the name', () => {
  const result = importInventoryTexts(Object.entries(csv).map(([name, text]) => ({ name, text })), cityOnly)
  assert.equal(result.inventory, hartford)
  const odd = importInventoryTexts([{ name: 'inventory.xlsx', text: '' }], hartford)
  assert.equal(odd.errors, ['inventory.xlsx: unknown file type: expected .csv, .geojson or .json'])
})

t.run()
