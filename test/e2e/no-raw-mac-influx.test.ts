/**
 * No raw client MAC anywhere, on InfluxDB (see no-raw-mac.ts): the real `civicnet demo`
 * with INFLUX_URL on a real influxd, a day of history every 3 h and live polls every 5 s; then
 * influxd stops mid-run, so live samples and sightings go to the spool, and the demo stops
 * with them there. Searched: every measurement of the database as text (SELECT *, SHOW
 * SERIES), influxd's data, wal and meta dirs as bytes, the app-state SQLite file, the spool
 * segments, stdout and stderr (LOG_LEVEL=debug), and every API answer.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { spawnDemo } from '../support/demo-cli.ts'
import { startInfluxd } from '../support/influxd.ts'
import { askEveryRoute, createMacScanner, filesUnder, scanFiles, simulatorMacs } from './no-raw-mac.ts'

test('the demo on InfluxDB leaves no client MAC in the database, its files, the spool, app state, logs or any API answer', async () => {
  const { macs, inventory } = simulatorMacs(1)
  const influxd = await startInfluxd()
  const dataDir = mkdtempSync(join(tmpdir(), 'civicnet-nomac-'))
  const demo = spawnDemo({ dataDir, env: { INFLUX_URL: influxd.url, LOG_LEVEL: 'debug', LOG_FORMAT: 'json', CIVICNET_DEMO_HISTORY_STEP_MS: String(3 * 3_600_000) } })
  const scanner = createMacScanner(macs)
  try {
    const url = await demo.url
    const token = readFileSync(join(dataDir, 'demo-admin-token'), 'utf8').trim()
    await new Promise((r) => setTimeout(r, 6_000))
    const now = Date.now()
    const answers = await askEveryRoute(url, token, inventory, { fromMs: now - 86_400_000, toMs: now })
    for (const a of answers) scanner.scan(`API ${a.asked} (${a.status})`, a.body)
    assert.ok(answers.filter((a) => a.status === 200).length > 200, `${answers.length} answers`)

    // the database's contents as text
    const q = async (ql: string) => {
      const res = await fetch(`${influxd.url}/query?db=civicnet&epoch=ms&q=${encodeURIComponent(ql)}`)
      assert.is(res.status, 200, ql)
      return res.text()
    }
    const measurements = (JSON.parse(await q('SHOW MEASUREMENTS')) as { results: { series?: { values: string[][] }[] }[] }).results[0]!.series![0]!.values.map((v) => v[0]!)
    assert.ok(measurements.includes('civicnet_sightings') && measurements.includes('station_key'), measurements.join(', '))
    scanner.scan('influx SHOW SERIES', await q('SHOW SERIES'))
    let sightings = 0
    for (const m of measurements) {
      const text = await q(`SELECT * FROM "${m.replace(/"/g, '\\"')}"`)
      if (m === 'civicnet_sightings') sightings = (text.match(/"[0-9a-f]{64}"/g) ?? []).length
      scanner.scan(`influx ${m}`, text)
    }
    assert.ok(sightings > 1000, `${sightings} sightings stored (digests)`)

    // the store goes away: live polls spool their samples and sightings, and stay spooled
    await influxd.halt()
    await new Promise((r) => setTimeout(r, 8_000))
    assert.is(await demo.stop(), 0, `the demo did not stop cleanly with the store gone: ${demo.stopReport()}`)
    const spool = filesUnder(join(dataDir, 'spool')).filter((f) => f.endsWith('.jsonl'))
    assert.ok(spool.length > 0, 'live polls were spooled while influxd was down')
    const spooled = spool.map((f) => readFileSync(f, 'utf8')).join('')
    const spooledSightings = spooled.split('\n').filter((l) => l.startsWith('{"k":"s"')).length

    scanner.scan('stdout', demo.stdout())
    scanner.scan('stderr', demo.stderr())
    const files = scanFiles(scanner, dataDir, 'data') + scanFiles(scanner, influxd.dir, 'influxd')
    const { bytes, texts } = scanner.scanned()
    assert.ok(bytes > 1_000_000, `${bytes} bytes scanned`)
    assert.equal(scanner.hits(), [], 'client MACs found')
    console.log(`  ${macs.size} MACs in 4 notations, either case; ${answers.length} API answers, ${measurements.length} measurements (${sightings} sightings), ${files} files (spool: ${spooled.split('\n').length - 1} lines, ${spooledSightings} sightings); ${(bytes / 1e6).toFixed(1)} MB in ${texts} texts: none found`)
  } finally {
    await demo.stop()
    await influxd.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

test.run()
