/**
 * `civicnet collect --metrics-port`, the real command in a child process: bad metrics
 * settings stop it with exit 2 naming the flag or variable; a good one serves GET /metrics
 * on 127.0.0.1 with the collector's and the process's families (read with the strict
 * parser), and a SIGTERM ends it with exit 0. The embedded store in a temp data dir and
 * Hartford's inventory with no agents answering (its 136 SNMP devices; the UniFi API
 * controller is read apart): only the endpoint and its wiring are under test here.
 */
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { isApiController } from '../../collector/unifi/source.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { freePort } from '../support/influxd.ts'
import { runCli } from '../support/cli.ts'
import { parsePrometheusText, sampleValue } from '../support/prom-text.ts'

const root = fileURLToPath(new URL('../..', import.meta.url))
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

const test = suite<{ dir: string }>('civicnet collect --metrics-port', { dir: '' })
test.before((ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-collect-metrics-'))
})
test.after((ctx) => rmSync(ctx.dir, { recursive: true, force: true }))

/** the embedded store in `dir`, none of the caller's metrics settings (undefined: left out of the child's environment) */
const env = (dir: string, more: Record<string, string> = {}): Record<string, string | undefined> => ({
  CIVICNET_DATA_DIR: dir, INFLUX_URL: undefined, CIVICNET_METRICS_PORT: undefined, CIVICNET_METRICS_HOST: undefined, CIVICNET_METRICS_TOKEN: undefined, CIVICNET_METRICS_TOKEN_FILE: undefined, ...more,
})

test('bad metrics settings stop it with exit 2, naming the flag or the variable', async ({ dir }) => {
  const cases: [string[], Record<string, string>, string][] = [
    [['--metrics-port', 'abc'], {}, "civicnet collect: --metrics-port: must be a port from 1 to 65535, got 'abc'"],
    [['--metrics-port', '9464', '--metrics-host', '0.0.0.0'], {}, "civicnet collect: --metrics-host: binding the metrics endpoint to '0.0.0.0' (not loopback) needs CIVICNET_METRICS_TOKEN or CIVICNET_METRICS_TOKEN_FILE: scrapes must send it as a bearer token"],
    [['--metrics-port', '9464'], { CIVICNET_METRICS_TOKEN: 'short' }, 'civicnet collect: CIVICNET_METRICS_TOKEN: the token must be at least 16 characters without spaces'],
    [[], { CIVICNET_METRICS_HOST: '10.0.0.5' }, 'civicnet collect: CIVICNET_METRICS_HOST: needs a port too (--metrics-port or CIVICNET_METRICS_PORT)'],
  ]
  for (const [args, more, message] of cases) {
    const r = await runCli(['collect', '--no-traps', ...args], { env: env(dir, more) })
    assert.equal([r.code, r.stderr.trim()], [2, message], args.join(' '))
  }
})

test('serves the collector and process families on 127.0.0.1 (token from a file), and stops on SIGTERM', async ({ dir }) => {
  const port = await freePort()
  const tokenFile = join(dir, 'metrics-token')
  writeFileSync(tokenFile, 'a-scrape-token-from-a-file-0123\n', { mode: 0o600 })
  const child = spawn(process.execPath, ['bin/civicnet.js', 'collect', '--no-traps', '--metrics-port', String(port)], {
    cwd: root,
    env: { ...process.env, ...env(dir, { CIVICNET_METRICS_TOKEN_FILE: tokenFile, CIVICNET_SNMP_TIMEOUT_MS: '100', CIVICNET_SNMP_RETRIES: '0', LOG_LEVEL: 'warn' }) },
  })
  let stderr = ''
  child.stderr.on('data', (d) => (stderr += d))
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)))
  try {
    let res: Response | undefined
    for (let i = 0; i < 200 && !res; i++) {
      res = await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: 'Bearer a-scrape-token-from-a-file-0123' } }).catch(() => undefined)
      if (!res) await sleep(100)
    }
    assert.ok(res, `the endpoint never answered: ${stderr}`)
    assert.equal([res!.status, res!.headers.get('content-type')], [200, 'text/plain; version=0.0.4; charset=utf-8'])
    const m = parsePrometheusText(await res!.text())
    assert.is(sampleValue(m, 'civicnet_collector_info', { collector: 'collector-1-of-1' }), 1)
    assert.is(sampleValue(m, 'civicnet_collector_devices_scheduled'), hartfordInventory().devices.filter((d) => !d.controller && !isApiController(d)).length)
    assert.ok(sampleValue(m, 'process_resident_memory_bytes') > 0)
    assert.is((await fetch(`http://127.0.0.1:${port}/metrics`)).status, 401)
  } finally {
    child.kill('SIGTERM')
  }
  assert.is(await exited, 0, stderr)
})

test.run()
