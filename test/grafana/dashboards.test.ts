/**
 * The generated dashboards and Grafana's provisioning files: the committed JSON is what
 * build.ts makes now (regenerated in memory; a stale file fails), each is marked generated
 * and names only CivicNet's datasource uid, and every YAML has the fields Grafana's file
 * provisioning requires with secrets only by $__env{}/$__file{} reference.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { readdirSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { parse } from 'yaml'
import { renderDashboards } from '../../provisioning/grafana/build.ts'
import { GENERATED_NOTE } from '../../provisioning/grafana/dashboards.ts'
import { DATASOURCE_NAME, DATASOURCE_UID, datasourceBody } from '../../provisioning/grafana/datasource.ts'
import { DASHBOARDS_DIR, readDashboardFiles } from '../../provisioning/grafana/files.ts'

const dir = fileURLToPath(new URL('../../provisioning/grafana/', import.meta.url))
const yamlOf = (file: string) => parse(readFileSync(dir + file, 'utf8')) as Record<string, any>

test('the committed dashboards/*.json are exactly what build.ts generates (run it when this fails)', () => {
  const fresh = renderDashboards()
  assert.equal(readdirSync(DASHBOARDS_DIR).filter((f) => f.endsWith('.json')).sort(), [...fresh.keys()].sort())
  for (const [name, body] of fresh) assert.is(readFileSync(DASHBOARDS_DIR + name, 'utf8'), body, `${name} is stale: node --import tsx provisioning/grafana/build.ts`)
  assert.equal([...fresh.keys()], ['civicnet-overview.json', 'civicnet-ap-detail.json', 'civicnet-fiber.json', 'civicnet-collector.json'])
})

test('every dashboard is marked generated, read-only, and queries only the CivicNet datasource', () => {
  for (const d of readDashboardFiles()) {
    assert.ok(d.description?.endsWith(`(${GENERATED_NOTE})`), d.uid)
    assert.equal(d.tags, ['civicnet', 'generated'])
    assert.is(d.editable, false)
    const panels = d.panels ?? []
    assert.equal(panels.map((p) => p.id), panels.map((_, i) => i + 1), 'panel ids 1..n')
    for (const p of panels as any[]) {
      for (const t of p.targets ?? []) assert.equal(t.datasource, { type: 'influxdb', uid: DATASOURCE_UID }, `${d.uid} ${p.title}`)
      assert.ok(p.gridPos.x + p.gridPos.w <= 24, `${d.uid} ${p.title} fits the 24-column grid`)
    }
    for (const v of (d.templating?.list ?? []) as any[]) assert.equal(v.datasource, { type: 'influxdb', uid: DATASOURCE_UID })
  }
})

test('the datasource YAML files have what Grafana requires, the dashboards\' uid, and secrets by reference only', () => {
  const one = yamlOf('datasources/influxdb-1x.yaml')
  const two = yamlOf('datasources/influxdb-v2-v3.yaml')
  for (const y of [one, two]) {
    assert.is(y.apiVersion, 1)
    assert.is(y.datasources.length, 1)
    const ds = y.datasources[0]
    assert.equal([ds.name, ds.uid, ds.type, ds.access, ds.url], [DATASOURCE_NAME, DATASOURCE_UID, 'influxdb', 'proxy', '$__env{INFLUX_URL}'])
    assert.equal([ds.jsonData.version, ds.jsonData.dbName, ds.jsonData.httpMode], ['InfluxQL', '$__env{INFLUX_DB}', 'POST'])
    for (const v of Object.values(ds.secureJsonData) as string[]) assert.match(v, /\$__(file|env)\{[^}]+\}$/)
  }
  assert.is(one.datasources[0].user, '$__env{INFLUX_USERNAME}')
  assert.equal(Object.keys(one.datasources[0].secureJsonData), ['password'])
  assert.equal([two.datasources[0].jsonData.httpHeaderName1, Object.keys(two.datasources[0].secureJsonData)], ['Authorization', ['httpHeaderValue1']])
  assert.match(two.datasources[0].secureJsonData.httpHeaderValue1, /^Token \$__file\{/)
  // the command creates the same datasource as the files do
  const api1 = datasourceBody({ url: 'u', database: 'd', user: 'x', password: 'p' })
  const api2 = datasourceBody({ url: 'u', database: 'd', token: 't' })
  assert.equal(Object.keys(api1.jsonData).sort(), Object.keys(one.datasources[0].jsonData).sort())
  assert.equal(Object.keys(api2.jsonData).sort(), Object.keys(two.datasources[0].jsonData).sort())
  assert.equal(Object.keys(api1.secureJsonData!), Object.keys(one.datasources[0].secureJsonData))
  assert.equal(Object.keys(api2.secureJsonData!), Object.keys(two.datasources[0].secureJsonData))
})

test('the dashboards provider YAML loads files into the folder the command uses', () => {
  const y = yamlOf('dashboards.yaml')
  assert.is(y.apiVersion, 1)
  assert.is(y.providers.length, 1)
  const p = y.providers[0]
  assert.equal([p.name, p.type, p.folder, p.folderUid, p.allowUiUpdates, typeof p.options.path], ['civicnet', 'file', 'CivicNet', 'civicnet', false, 'string'])
})

test.run()
