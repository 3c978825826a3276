/**
 * `civicnet provision grafana`, the real CLI in a child process, against the FAKE Grafana
 * of test/support/fake-grafana.ts (a loopback server implementing Grafana's documented
 * HTTP API; Grafana itself cannot run here): the first run creates the datasource, the
 * folder and the four dashboards; a second run writes nothing and says so; a dashboard
 * changed in Grafana and a datasource moved are updated; a bad token, a Viewer token, a
 * title clash and an unreachable port give their messages; no token or password is printed.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { parseProvisionGrafanaArgs } from '../../cli/provision-grafana.ts'
import { UsageError } from '../../cli/flags.ts'
import { dashboardJson } from '../../provisioning/grafana/build.ts'
import { runCli } from '../support/cli.ts'
import type { CliResult } from '../support/cli.ts'
import { startFakeGrafana } from '../support/fake-grafana.ts'
import type { FakeGrafana } from '../support/fake-grafana.ts'
import { freePort } from '../support/influxd.ts'

const ADMIN = 'glsa_admin_0123456789abcdef'
const EDITOR = 'glsa_editor_0123456789abcdef'
const VIEWER = 'glsa_viewer_0123456789abcdef'
const INFLUX_PASSWORD = 'influx-pass-5f3e9a'
const SECRETS = [ADMIN, EDITOR, VIEWER, INFLUX_PASSWORD]
// the order the command reads dashboards/*.json in (by file name)
const UIDS = ['civicnet-ap-detail', 'civicnet-collector', 'civicnet-fiber', 'civicnet-overview']

interface Ctx {
  grafana: FakeGrafana
  dir: string
  passwordFile: string
}
const test = suite<Ctx>('civicnet provision grafana against a fake Grafana (documented HTTP API)', {} as Ctx)

test.before(async (ctx) => {
  ctx.grafana = await startFakeGrafana({ [ADMIN]: 'Admin', [EDITOR]: 'Editor', [VIEWER]: 'Viewer' })
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-grafana-'))
  ctx.passwordFile = join(ctx.dir, 'influx-password')
  writeFileSync(ctx.passwordFile, INFLUX_PASSWORD + '\n', { mode: 0o600 })
})
test.after(async (ctx) => {
  await ctx.grafana?.close()
  if (ctx.dir) rmSync(ctx.dir, { recursive: true, force: true })
})

/** Runs the command with the InfluxDB 1.x settings; GRAFANA_TOKEN carries the token unless a flag does. */
async function provision(ctx: Ctx, extra: string[], token = ADMIN): Promise<CliResult> {
  const r = await runCli(
    ['provision', 'grafana', '--url', ctx.grafana.url, '--influx-url', 'http://influx.internal:8086', '--influx-db', 'civicnet', '--influx-user', 'grafana', '--influx-password-file', ctx.passwordFile, ...extra],
    { env: { GRAFANA_TOKEN: token, INFLUX_URL: undefined, INFLUX_DB: undefined, INFLUX_USERNAME: undefined, INFLUX_PASSWORD: undefined, INFLUX_TOKEN: undefined } },
  )
  for (const s of SECRETS) assert.not.ok(r.stdout.includes(s) || r.stderr.includes(s), 'a secret was printed')
  return r
}
const writes = (g: FakeGrafana, from: number) => g.requests.slice(from).filter((r) => !r.startsWith('GET '))

test('the first run creates the datasource, the folder and the four dashboards', async (ctx) => {
  const r = await provision(ctx, [])
  assert.is(r.stderr, '')
  assert.is(r.code, 0)
  assert.equal(r.stdout.trim().split('\n'), [
    `grafana 11.3.0-fake at ${ctx.grafana.url}`,
    'datasource civicnet-influxdb: created',
    'folder civicnet: created ("CivicNet")',
    ...UIDS.map((u) => `dashboard ${u}: created (version 1)`),
    '6 created, 0 updated, 0 unchanged',
  ])
  assert.equal(writes(ctx.grafana, 0), ['POST /api/datasources', 'POST /api/folders', 'POST /api/dashboards/db', 'POST /api/dashboards/db', 'POST /api/dashboards/db', 'POST /api/dashboards/db'])
  const ds = ctx.grafana.datasources.get('civicnet-influxdb')!
  assert.equal([ds.name, ds.type, ds.url, ds.user, ds.jsonData], ['CivicNet InfluxDB', 'influxdb', 'http://influx.internal:8086', 'grafana', { version: 'InfluxQL', dbName: 'civicnet', httpMode: 'POST' }])
  assert.equal(ctx.grafana.folders.get('civicnet')!.title, 'CivicNet')
  // what Grafana holds is exactly the generated JSON, in the folder
  for (const d of dashboardJson()) {
    const held = ctx.grafana.dashboards.get(d.uid!)!
    const { id: _id, version, ...content } = held.dashboard
    assert.equal(content, d)
    assert.is(version, 1)
    assert.is(held.folderUid, 'civicnet')
  }
})

test('a second run changes nothing and says so', async (ctx) => {
  const before = ctx.grafana.requests.length
  const r = await provision(ctx, [])
  assert.is(r.code, 0)
  assert.equal(r.stdout.trim().split('\n'), [
    `grafana 11.3.0-fake at ${ctx.grafana.url}`,
    'datasource civicnet-influxdb: unchanged (password already set in Grafana, not compared: --rotate-secrets sends it again)',
    'folder civicnet: unchanged',
    ...UIDS.map((u) => `dashboard ${u}: unchanged`),
    'nothing to change',
  ])
  assert.equal(writes(ctx.grafana, before), [])
})

test('a dashboard edited in Grafana is put back and a new folder title is set, the rest left alone', async (ctx) => {
  const held = ctx.grafana.dashboards.get('civicnet-fiber')!
  held.dashboard = { ...held.dashboard, title: 'edited by hand', version: 2 }
  const before = ctx.grafana.requests.length
  const r = await provision(ctx, [])
  assert.is(r.code, 0)
  assert.equal(r.stdout.trim().split('\n').slice(1), [
    'datasource civicnet-influxdb: unchanged (password already set in Grafana, not compared: --rotate-secrets sends it again)',
    'folder civicnet: unchanged',
    'dashboard civicnet-ap-detail: unchanged',
    'dashboard civicnet-collector: unchanged',
    'dashboard civicnet-fiber: updated (version 2 -> 3)',
    'dashboard civicnet-overview: unchanged',
    '0 created, 1 updated, 5 unchanged',
  ])
  assert.equal(writes(ctx.grafana, before), ['POST /api/dashboards/db'])
  assert.is(ctx.grafana.dashboards.get('civicnet-fiber')!.dashboard.title, 'CivicNet: fiber and optics')

  const tokenFile = join(ctx.dir, 'token')
  writeFileSync(tokenFile, ADMIN + '\n', { mode: 0o600 })
  const renamed = await provision(ctx, ['--token-file', tokenFile, '--folder', 'City network'], '')
  assert.is(renamed.code, 0)
  assert.equal(renamed.stdout.trim().split('\n').slice(2), [
    'folder civicnet: updated (title "CivicNet" -> "City network")',
    ...UIDS.map((u) => `dashboard ${u}: unchanged`),
    '0 created, 1 updated, 5 unchanged',
  ])
})

test('a moved InfluxDB URL updates the datasource and keeps its password', async (ctx) => {
  const r = await runCli(['provision', 'grafana', '--url', ctx.grafana.url, '--token-file', join(ctx.dir, 'token'), '--influx-url', 'http://influx-2.internal:8086', '--influx-user', 'grafana', '--folder', 'City network'], {
    env: { GRAFANA_TOKEN: undefined, INFLUX_URL: undefined, INFLUX_DB: undefined, INFLUX_PASSWORD: undefined, INFLUX_TOKEN: undefined },
  })
  assert.is(r.stderr, '')
  assert.is(r.code, 0)
  assert.equal(r.stdout.trim().split('\n').slice(1), [
    'datasource civicnet-influxdb: updated (url)',
    'folder civicnet: unchanged',
    ...UIDS.map((u) => `dashboard ${u}: unchanged`),
    '0 created, 1 updated, 5 unchanged',
  ])
  assert.is(ctx.grafana.datasources.get('civicnet-influxdb')!.url, 'http://influx-2.internal:8086')
  assert.is(ctx.grafana.datasources.get('civicnet-influxdb')!.version, 2)
})

test('a bad token is refused with exit 1 and says which flag to check', async (ctx) => {
  const r = await provision(ctx, [], 'glsa_not_a_token')
  assert.is(r.code, 1)
  assert.is(r.stdout.trim(), `grafana 11.3.0-fake at ${ctx.grafana.url}`)
  assert.is(r.stderr.trim(), 'civicnet provision grafana: Grafana refused the token (401): check --token')
  assert.not.ok(r.stderr.includes('glsa_not_a_token'))
})

test('a Viewer token gets 403 naming the permission and the role; an Editor can do all but the datasource', async (ctx) => {
  const viewer = await provision(ctx, [], VIEWER)
  assert.is(viewer.code, 1)
  assert.is(viewer.stderr.trim(), "civicnet provision grafana: Grafana denied reading datasource civicnet-influxdb (403): the token needs datasources:read, datasources:create and datasources:write (an Admin role, or --no-datasource to leave the datasource alone). Grafana said: You'll need additional permissions to perform this action. Permissions needed: datasources:read")
  ctx.grafana.dashboards.get('civicnet-overview')!.dashboard.refresh = '5s'
  const viewerWrite = await runCli(['provision', 'grafana', '--url', ctx.grafana.url, '--no-datasource', '--folder', 'City network'], { env: { GRAFANA_TOKEN: VIEWER } })
  assert.is(viewerWrite.code, 1)
  assert.ok(viewerWrite.stdout.includes('dashboard civicnet-fiber: unchanged\n'), 'a Viewer may read: every unchanged item passes')
  assert.is(viewerWrite.stderr.trim(), "civicnet provision grafana: Grafana denied saving dashboard civicnet-overview (403): the token needs dashboards:read, dashboards:create and dashboards:write on the folder (an Editor or Admin role). Grafana said: You'll need additional permissions to perform this action. Permissions needed: dashboards:write")
  const editor = await runCli(['provision', 'grafana', '--url', ctx.grafana.url, '--no-datasource', '--folder', 'City network'], { env: { GRAFANA_TOKEN: EDITOR } })
  assert.is(editor.code, 0)
  assert.ok(editor.stdout.includes('dashboard civicnet-overview: updated (version 1 -> 2)\n'))
  for (const s of SECRETS) assert.not.ok(viewerWrite.stderr.includes(s) || editor.stdout.includes(s))
})

test('a dashboard of the same title in the folder is a 412 name-exists, reported with Grafana\'s message', async (ctx) => {
  const mine = ctx.grafana.dashboards.get('civicnet-collector')!
  ctx.grafana.dashboards.delete('civicnet-collector')
  ctx.grafana.dashboards.set('someone-elses', { dashboard: { ...mine.dashboard, uid: 'someone-elses', id: 999 }, folderUid: 'civicnet' })
  const r = await provision(ctx, ['--folder', 'City network'])
  assert.is(r.code, 1)
  assert.is(r.stderr.trim(), 'civicnet provision grafana: Grafana refused saving dashboard civicnet-collector (412 name-exists): A dashboard with the same name in the folder already exists')
  assert.ok(r.stdout.includes('dashboard civicnet-ap-detail: unchanged\n'), 'the items before it are done and said')
  const forced = await provision(ctx, ['--folder', 'City network', '--force'])
  assert.is(forced.code, 0)
  assert.ok(forced.stdout.includes('dashboard civicnet-collector: created (version 1)\n'))
  assert.not.ok(ctx.grafana.dashboards.has('someone-elses'), 'overwrite replaces the dashboard of the same title, as Grafana does')
})

test('an unreachable Grafana is exit 1 and bad usage exit 2, each with its message', async () => {
  const port = await freePort()
  const down = await runCli(['provision', 'grafana', '--url', `http://127.0.0.1:${port}`, '--no-datasource'], { env: { GRAFANA_TOKEN: ADMIN } })
  assert.is(down.code, 1)
  assert.is(down.stderr.trim(), `civicnet provision grafana: cannot reach Grafana at http://127.0.0.1:${port}: ECONNREFUSED`)
  const usage = await runCli(['provision', 'grafana', '--no-datasource'], { env: { GRAFANA_TOKEN: ADMIN } })
  assert.is(usage.code, 2)
  assert.is(usage.stderr.trim(), "civicnet provision grafana: --url is required (Grafana's base URL) (civicnet provision grafana --help)")
})

test('each bad flag or setting is named (the parser the command runs, in process)', async (ctx) => {
  const env = { GRAFANA_TOKEN: ADMIN }
  const cases: [string[], NodeJS.ProcessEnv, string][] = [
    [['--url', 'grafana.local', '--no-datasource'], env, "--url: 'grafana.local' is not a URL (expected e.g. http://127.0.0.1:3000)"],
    [['--url', 'http://admin:pw@grafana.local', '--no-datasource'], env, '--url: must not carry credentials (use the token or password options)'],
    // a value that is no URL is echoed without the part that may hold a password
    [['--url', 'http://admin:s3cret@grafana local', '--no-datasource'], env, "--url: '…@grafana local' is not a URL (expected e.g. http://127.0.0.1:3000)"],
    [['--url', 'ftp://grafana.local', '--no-datasource'], env, "--url: must be http:// or https://, got 'ftp:'"],
    [['--url', ctx.grafana.url, '--no-datasource'], {}, 'a token is required: --token, --token-file or GRAFANA_TOKEN'],
    [['--url', ctx.grafana.url, '--no-datasource', '--token', 'a', '--token-file', 'b'], env, '--token and --token-file are both given: use one'],
    [['--url', ctx.grafana.url, '--token-file', join(ctx.dir, 'nope')], {}, `--token-file: cannot read '${join(ctx.dir, 'nope')}' (ENOENT)`],
    [['--url', ctx.grafana.url], env, '--influx-url (or INFLUX_URL) is required for the datasource; --no-datasource leaves it alone'],
    [['--url', ctx.grafana.url, '--no-datasource', '--influx-db', 'x'], env, '--influx-db and --no-datasource are both given'],
    [['--url', ctx.grafana.url], { ...env, INFLUX_URL: 'http://i:8086', INFLUX_TOKEN: 't', INFLUX_USERNAME: 'u' }, 'the InfluxDB token (2.x/3.x) and user/password (1.x) are both given: use one'],
    [['--url', ctx.grafana.url, '--influx-url', 'http://i:8086'], { ...env, INFLUX_PASSWORD: 'p' }, 'an InfluxDB password is given without --influx-user (or INFLUX_USERNAME)'],
    [['--url', ctx.grafana.url, '--no-datasource', '--timeout-ms', 'soon'], env, "--timeout-ms: 'soon' is not a whole number of ms from 1 to 600000"],
    [['--url', ctx.grafana.url, '--no-datasource', '--folder', ' '], env, '--folder: the folder title is empty'],
    [['--url', ctx.grafana.url, '--no-datasource', '--colour', 'red'], env, "unknown option '--colour'"],
  ]
  for (const [args, e, message] of cases) {
    assert.throws(() => parseProvisionGrafanaArgs(args, e), (err: Error) => err instanceof UsageError && err.message === message, message)
  }
  // 2.x/3.x: the token goes into the Authorization header Grafana sends, as its docs provision it
  const v2 = parseProvisionGrafanaArgs(['--url', ctx.grafana.url, '--influx-url', 'http://i:8086', '--influx-db', 'civicnet'], { ...env, INFLUX_TOKEN: 'tok' })
  assert.equal([v2.datasource!.jsonData, v2.datasource!.secureJsonData], [{ version: 'InfluxQL', dbName: 'civicnet', httpMode: 'POST', httpHeaderName1: 'Authorization' }, { httpHeaderValue1: 'Token tok' }])
})

test.run()
