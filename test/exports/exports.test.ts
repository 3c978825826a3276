/**
 * Open data over the real app and the report fixture (test/reports/fixture.ts: known polls,
 * ap-n2 down 10:00-11:30 EST on 2026-03-06): the daily CSV equals buildReport's daily
 * figures with counts of 1-9 suppressed, and North's availability that day is the fixture's
 * truth (90 of 2 x 1,440 AP-minutes down: 96.875 %); the Parquet file read back by DuckDB
 * and by a second reader (hyparquet) holds the CSV's values; the schema beside each file and
 * docs/DATA-DICTIONARY.md list exactly the file's fields; the neighborhoods GeoJSON is
 * RFC 7946 with the CSV's rows as properties; an incident's 1-9 APs out are suppressed; the
 * staff file needs a staff token; bad parameters are named.
 */
import { readFileSync, writeFileSync, mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { DuckDBInstance } from '@duckdb/node-api'
import { parquetReadObjects } from 'hyparquet'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DATASET_DEFS } from '../../exports/datasets.ts'
import { dataDictionary } from '../../exports/dictionary.ts'
import { openIncidentStore } from '../../incidents/store.ts'
import { buildReport } from '../../reports/index.ts'
import { parseCsv } from '../../reports/render/csv.ts'
import { FROM, TO, openApiFixture } from '../reports/fixture.ts'

async function duckRows(bytes: Buffer): Promise<Record<string, unknown>[]> {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-parquet-'))
  try {
    const file = join(dir, 'x.parquet')
    writeFileSync(file, bytes)
    const db = await DuckDBInstance.create(':memory:')
    const con = await db.connect()
    try {
      await con.run("SET TimeZone = 'UTC'")
      const r = await con.runAndReadAll(`SELECT * FROM read_parquet('${file}')`)
      return r.getRowObjectsJson() as Record<string, unknown>[]
    } finally {
      con.closeSync()
      db.closeSync()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
const hyRows = async (bytes: Buffer) => (await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer })) as Record<string, unknown>[]

test('daily: the report\'s figures with small counts suppressed, the truth\'s availability; Parquet read back by DuckDB and hyparquet; schema and dictionary match the files', async () => {
  const f = await openApiFixture()
  try {
    const get = (url: string, token?: string) => f.app.inject({ method: 'GET', url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) })
    const res = await get(`/api/exports/daily?from=${FROM}&to=${TO}`)
    assert.equal([res.statusCode, res.headers['content-type'], res.headers['content-disposition']], [200, 'text/csv; charset=utf-8; header=present', 'attachment; filename="testville-daily.csv"'])
    const rows = parseCsv(res.body)
    const report = await buildReport({ from: FROM, to: TO }, f.deps)
    const expected = report.daily.flatMap((d) => report.neighborhoods.map((n) => {
      const u = d.uniqueClients[n.id] ?? null
      const p = d.peakConcurrentClients[n.id] ?? null
      const show = (x: number | null) => (x === null || (x > 0 && x < 10) ? '' : String(x))
      return [d.date, n.id, show(u), d.bytes[n.id] === null || d.bytes[n.id] === undefined ? '' : String(d.bytes[n.id]), show(p)]
    }))
    assert.equal(rows.map((r) => [r.date, r.neighborhood, r.unique_devices, r.bytes, r.peak_concurrent_clients]), expected)
    assert.is(rows.length, 10)
    assert.ok(rows.some((r) => r.unique_devices === '') && rows.some((r) => r.unique_devices !== ''), 'some counts shown, some suppressed')
    const n6 = rows.find((r) => r.date === '2026-03-06' && r.neighborhood === 'north')!
    assert.is(n6.availability_pct, '96.875', 'ap-n2 down 90 of the 2 x 1,440 AP-minutes of North that day')
    assert.is(rows.find((r) => r.date === '2026-03-05' && r.neighborhood === 'north')!.availability_pct, '100')

    // the header, the schema and the dictionary: the same fields, in order
    const header = res.body.split('\r\n')[0]!.split(',')
    const schema = JSON.parse((await get(`/api/exports/daily?from=${FROM}&to=${TO}&format=schema`)).body)
    assert.equal(schema.fields.map((x: { name: string }) => x.name), header)
    assert.equal(DATASET_DEFS.daily.fields.map((x) => x.name), header)
    assert.is(schema.rows, 10)
    assert.match(schema.suppression, /from 1 to 9 empty/)
    assert.is(readFileSync(new URL('../../docs/DATA-DICTIONARY.md', import.meta.url), 'utf8'), dataDictionary(), 'docs/DATA-DICTIONARY.md is exports/dictionary.ts\'s output (node --import tsx exports/dictionary.ts)')
    for (const x of DATASET_DEFS.daily.fields) assert.match(dataDictionary(), new RegExp(`\\| \`${x.name}\` \\| ${x.type} \\|`))

    // Parquet: DuckDB and hyparquet read the same values as the CSV holds
    const pq = await get(`/api/exports/daily?from=${FROM}&to=${TO}&format=parquet`)
    assert.equal([pq.statusCode, pq.headers['content-type'], pq.rawPayload.subarray(0, 4).toString()], [200, 'application/vnd.apache.parquet', 'PAR1'])
    const asCsv = (v: unknown) => (v === null || v === undefined ? '' : typeof v === 'bigint' ? String(v) : v instanceof Date ? v.toISOString().slice(0, 10) : String(v))
    const duck = await duckRows(pq.rawPayload)
    const hy = await hyRows(pq.rawPayload)
    for (const [reader, got] of [['duckdb', duck], ['hyparquet', hy]] as const) {
      assert.equal(Object.keys(got[0]!), header, `${reader}: the columns`)
      assert.equal(got.map((r) => header.map((h) => asCsv(r[h]))), rows.map((r) => header.map((h) => r[h])), `${reader}: the values`)
    }
  } finally {
    await f.close()
  }
})

test('neighborhoods GeoJSON is RFC 7946 with the CSV rows as properties; incidents suppress 1-9 APs out; aps is staff only; bad parameters named', async () => {
  const f = await openApiFixture()
  try {
    const get = (url: string, token?: string) => f.app.inject({ method: 'GET', url, ...(token ? { headers: { authorization: `Bearer ${token}` } } : {}) })
    const csv = parseCsv((await get('/api/exports/neighborhoods')).body)
    const geo = await get('/api/exports/neighborhoods?format=geojson')
    assert.equal([geo.statusCode, geo.headers['content-type']], [200, 'application/geo+json'])
    const fc = JSON.parse(geo.body)
    assert.is(fc.type, 'FeatureCollection')
    assert.equal(fc.features.map((x: { properties: { id: string } }) => x.properties.id), csv.map((r) => r.id))
    for (const [i, x] of fc.features.entries()) {
      const [lon, lat] = x.geometry.coordinates[0][0]
      assert.ok(lon > -73 && lon < -72 && lat > 41 && lat < 42, 'lon, lat')
      for (const [k, v] of Object.entries(x.properties)) assert.is(v === null ? '' : String(v), csv[i]![k], `${x.properties.id}.${k}`)
    }
    // the fixture's north has 2 APs: suppressed in a public file
    assert.is(csv.find((r) => r.id === 'north')!.aps, '')

    // an incident of one AP: its APs out are suppressed; its cause and times given
    const incidents = openIncidentStore(f.appState.db)
    incidents.update([{ rootCause: { kind: 'device', id: 'ap-n2', probable: false, why: 'test' }, top: 'ap-n2', devices: ['ap-n2'], aps: ['ap-n2'], neighborhoods: ['north'] }], Date.parse('2026-03-06T15:00:00Z'))
    incidents.update([], Date.parse('2026-03-06T16:30:00Z'), { recoveredMs: () => Date.parse('2026-03-06T16:30:00Z') })
    const inc = parseCsv((await get('/api/exports/incidents')).body)
    assert.equal(inc.map((r) => [r.opened, r.closed, r.minutes, r.neighborhoods, r.cause, r.aps_out]), [['2026-03-06T15:00:00.000Z', '2026-03-06T16:30:00.000Z', '90', 'north', 'access-point', '']])
    assert.not.match((await get('/api/exports/incidents')).body, /ap-n2/, 'no device id in a public file')

    // staff only
    assert.is((await get('/api/exports/aps')).statusCode, 401)
    const aps = await get('/api/exports/aps', f.tokens.analyst)
    assert.is(aps.statusCode, 200)
    assert.equal(parseCsv(aps.body).map((r) => r.id).sort(), ['ap-e1', 'ap-n1', 'ap-n2'])

    const bad: [string, number, RegExp][] = [
      ['/api/exports/daily?format=geojson', 400, /format: daily has no geometry: ask for csv or parquet/],
      ['/api/exports/daily?from=2026-3-5', 400, /querystring\.from must be a date YYYY-MM-DD/],
      ['/api/exports/daily?from=2026-03-09&to=2026-03-05', 400, /to/],
      ['/api/exports/people', 400, /params\.what/],
      ['/api/exports/daily?from=2026-03-04&to=2026-06-30', 400, /from: at most 92 days at once \(2026-03-04 to 2026-06-30 is more\): ask for each quarter/],
      ['/api/exports/neighborhoods?format=xlsx', 400, /querystring\.format/],
    ]
    for (const [url, status, message] of bad) {
      const r = await get(url)
      assert.is(r.statusCode, status, url)
      assert.match(r.json().message, message, `${url}: ${r.json().message}`)
    }
    // without a token, 20 files per address in 10 minutes; a token is not limited
    let n = 0
    for (; n < 30; n++) if ((await get('/api/exports/incidents')).statusCode !== 200) break
    const over = await get('/api/exports/incidents')
    assert.equal([over.statusCode, over.json().code], [429, 'CN_ERR_TOO_MANY_EXPORTS'])
    assert.match(over.json().message, /^too many open-data files asked from this address \(20 in 10 min\): try again in \d+ s, or use a token$/)
    assert.ok(n >= 5 && n < 20, `${n} more answered before the limit (the earlier public asks counted)`)
    assert.is((await get('/api/exports/incidents', f.tokens.planner)).statusCode, 200)
  } finally {
    await f.close()
  }
})

test("every dataset round-trips: CSV, Parquet (DuckDB and hyparquet) and GeoJSON hold the same rows, the schema the file's fields; the staff day-by-day history is the fixture's truth", async () => {
  const f = await openApiFixture()
  try {
    const get = (url: string) => f.app.inject({ method: 'GET', url, headers: { authorization: `Bearer ${f.tokens.analyst}` } })
    // how each reader gives a value back, as the CSV writes it (DuckDB's JSON gives a
    // timestamp as 'YYYY-MM-DD HH:MM:SS' in UTC; hyparquet gives a Date)
    const asCsv = (v: unknown) =>
      v === null || v === undefined ? ''
        : typeof v === 'bigint' ? String(v)
          : v instanceof Date ? (v.toISOString().endsWith('T00:00:00.000Z') ? v.toISOString().slice(0, 10) : v.toISOString())
            : typeof v === 'string' && /^\d{4}-\d{2}-\d{2} \d{2}:\d{2}:\d{2}$/.test(v) ? new Date(`${v.replace(' ', 'T')}Z`).toISOString()
              : String(v)
    // an incident, so its timestamps go through every format too
    const incidents = openIncidentStore(f.appState.db)
    incidents.update([{ rootCause: { kind: 'device', id: 'ap-n2', probable: false, why: 'test' }, top: 'ap-n2', devices: ['ap-n2'], aps: ['ap-n2'], neighborhoods: ['north'] }], Date.parse('2026-03-06T15:00:00Z'))
    incidents.update([], Date.parse('2026-03-06T16:30:00Z'), { recoveredMs: () => Date.parse('2026-03-06T16:30:00Z') })
    const counted: string[] = []
    for (const [what, name] of Object.entries(DATASET_DEFS)) {
      const q = `from=${FROM}&to=${TO}`
      const csvRes = await get(`/api/exports/${what}?${q}`)
      assert.is(csvRes.statusCode, 200, `${what}: ${csvRes.body.slice(0, 200)}`)
      const header = csvRes.body.split('\r\n')[0]!.split(',')
      assert.equal(header, name.fields.map((x) => x.name), `${what}: the header is the dictionary's fields`)
      const rows = parseCsv(csvRes.body)
      const schema = JSON.parse((await get(`/api/exports/${what}?${q}&format=schema`)).body)
      assert.equal([schema.fields.map((x: { name: string }) => x.name), schema.rows, schema.audience], [header, rows.length, name.audience], what)
      const pq = (await get(`/api/exports/${what}?${q}&format=parquet`)).rawPayload
      for (const [reader, got] of [['duckdb', await duckRows(pq)], ['hyparquet', rows.length ? await hyRows(pq) : []]] as const) {
        assert.equal(got.map((r) => header.map((h) => asCsv(r[h]))), rows.map((r) => header.map((h) => r[h])), `${what}: ${reader} reads the CSV's values`)
      }
      if (name.spatial) {
        const fc = JSON.parse((await get(`/api/exports/${what}?${q}&format=geojson`)).body)
        assert.equal(fc.features.map((x: { properties: Record<string, unknown> }) => header.map((h) => asCsv(x.properties[h]))), rows.map((r) => header.map((h) => r[h])), `${what}: GeoJSON properties`)
        for (const x of fc.features) assert.ok(x.geometry === null || ['Point', 'Polygon', 'MultiPolygon'].includes(x.geometry.type), `${what}: a geometry`)
      }
      counted.push(`${what} ${rows.length}`)
    }
    assert.equal(counted, ['neighborhoods 3', 'tracts 0', 'daily 10', 'incidents 1', 'aps 3', 'ap_days 15'])

    // the day-by-day history against the fixture: ap-n2 down 90 min on 03-06, ap-e1 not polled 02:00-05:00 on 03-07
    const days = parseCsv((await get(`/api/exports/ap_days?from=${FROM}&to=${TO}`)).body)
    const day = (id: string, date: string) => days.find((r) => r.id === id && r.date === date)!
    assert.equal([day('ap-n2', '2026-03-06').down_minutes, day('ap-n2', '2026-03-06').availability_pct, day('ap-n2', '2026-03-06').outages], ['90', '93.75', '1'])
    assert.equal([day('ap-n2', '2026-03-05').down_minutes, day('ap-n2', '2026-03-05').availability_pct], ['0', '100'])
    assert.equal([day('ap-e1', '2026-03-07').unknown_minutes, day('ap-e1', '2026-03-07').down_minutes, day('ap-e1', '2026-03-07').availability_pct], ['180', '0', '100'])
    assert.is(Number(day('ap-e1', '2026-03-07').up_minutes), 1440 - 180)
    assert.is((await f.app.inject({ method: 'GET', url: '/api/exports/ap_days' })).statusCode, 401, 'staff only')
    // a date that is no calendar day is named, never a 500
    for (const [q, message] of [['from=2026-13-45&to=2026-13-50', "bad request: from: '2026-13-45' is not a date (YYYY-MM-DD)"], ['from=2026-03-05&to=2026-02-30', "bad request: to: '2026-02-30' is not a date (YYYY-MM-DD)"]]) {
      const r = await get(`/api/exports/ap_days?${q}`)
      assert.equal([r.statusCode, r.json().message], [400, message], q)
    }
  } finally {
    await f.close()
  }
})

test.run()
