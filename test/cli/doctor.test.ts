import { chmodSync, mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import type { Inventory } from '../../core/inventory.ts'
import { formatCheck, runDoctor } from '../../doctor/index.ts'
import { runProvisionInfluxdb } from '../../cli/provision-influxdb.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import Database from 'better-sqlite3'
import { accountsSetupFromEnv, openDeploymentAccounts } from '../../accounts/setup.ts'
import { openAppState } from '../../store/app-state.ts'
import { startInfluxd } from '../support/influxd.ts'
import type { Influxd } from '../support/influxd.ts'
import { freeUdpPort } from '../support/ports.ts'
import { startSnmpd } from '../support/snmpd.ts'
import type { RunningSnmpd } from '../support/snmpd.ts'
import { runCli } from '../support/cli.ts'
import { capture } from '../support/capture.ts'

interface Ctx { influxd: Influxd; snmpd: RunningSnmpd; dir: string; env: NodeJS.ProcessEnv; inv: Inventory }
const test = suite<Ctx>('civicnet doctor on a real deployment (influxd 1.x, snmpd, state.sqlite)')

/** Three switches/routers of Hartford, all answered by one real snmpd, credential 'lab'. */
function labInventory(port: number): Inventory {
  const inv = hartfordInventory(1)
  const devices = inv.devices.filter((d) => !d.controller && !d.api && d.kind !== 'ap').slice(0, 3)
    .map(({ uplink: _u, managedBy: _m, ...d }) => ({ ...d, mgmt: { host: '127.0.0.1', port }, credential: 'lab' }))
  return { ...inv, devices, links: [] }
}

const lines = async (env: NodeJS.ProcessEnv) => (await runDoctor(env, { sample: 5, snmpTimeoutMs: 800 })).map(formatCheck)

test.before(async (ctx) => {
  ;[ctx.influxd, ctx.snmpd] = await Promise.all([startInfluxd(), startSnmpd()])
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-doctor-'))
  ctx.inv = labInventory(ctx.snmpd.port)
  const state = openAppState(join(ctx.dir, 'state.sqlite'))
  state.replaceInventory(ctx.inv, 'test')
  // one admin, not yet signed in (no second factor yet), and the key made as serve makes it
  await openDeploymentAccounts(state.db, accountsSetupFromEnv(ctx.dir, {})).accounts.addUser({ name: 'cli:test', address: null }, { username: 'ops', displayName: 'Ops', role: 'admin' }, Date.now())
  state.close()
  ctx.env = { CIVICNET_DATA_DIR: ctx.dir, INFLUX_URL: ctx.influxd.url, INFLUX_DB: 'civicnet', INFLUX_RP: 'civicnet', INFLUX_RP_5M: 'civicnet_5m', INFLUX_RP_1H: 'civicnet_1h', INFLUX_RP_1D: 'civicnet_1d', CIVICNET_SNMP_COMMUNITY_LAB: ctx.snmpd.community, CIVICNET_SPOOL_MAX_BYTES: '4096' }
  const p = await capture(() => runProvisionInfluxdb(['--url', ctx.influxd.url], {}))
  assert.is(p.code, 0, p.err.join('\n'))
})
test.after(async ({ influxd, snmpd, dir }) => {
  await Promise.all([influxd.stop(), snmpd.stop()])
  rmSync(dir, { recursive: true, force: true })
})

const ids = (inv: Inventory) => inv.devices.map((d) => d.id).sort().join(', ')

test('a healthy deployment: every check ok, exit 0 (through the real CLI)', async ({ env, dir, influxd, inv }) => {
  const got = await lines(env)
  const disk = got.splice(5, 1)[0]!
  assert.match(disk, new RegExp(`^ok    disk: [0-9.]+ [kMG]B free at ${dir}, room for the whole spool \\(4\\.1 kB\\)$`))
  assert.equal(got, [
    `ok    store: InfluxDB at ${influxd.url} db=civicnet rp=civicnet rp_5m=civicnet_5m rp_1h=civicnet_1h rp_1d=civicnet_1d (InfluxDB 1.6.7~rc0): wrote, read back and deleted a probe point in civicnet_doctor`,
    'ok    retention: on civicnet: raw data civicnet INF, rollup 5m civicnet_5m 400d, rollup 1h civicnet_1h INF, rollup 1d civicnet_1d INF',
    'ok    clock: skew against InfluxDB under 2 s (warn at 5 s, FAIL at 60 s)',
    `ok    app state: ${join(dir, 'state.sqlite')}: schema 1 (current), inventory version 1 with 3 devices`,
    `ok    spool: nothing waiting in ${join(dir, 'spool')}`,
    `ok    accounts: 1 enabled account (1 admin), 0 of 1 admins and engineers have set up their second factor; key at ${join(dir, 'accounts.key')} (0600)`,
    'ok    credentials: all 1 credential references of 3 SNMP devices resolve (lab)',
    `ok    snmp sample: 3 of 3 sampled devices answered sysUpTime (${ids(inv)})`,
  ])
  const cli = await runCli(['doctor', '--json'], { env })
  assert.is(cli.code, 0, cli.stderr)
  const j = JSON.parse(cli.stdout) as { ok: boolean; checks: { status: string }[] }
  assert.equal([j.ok, j.checks.map((c) => c.status)], [true, ['ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok', 'ok']])
  assert.not.ok(cli.stdout.includes(String(env.CIVICNET_SNMP_COMMUNITY_LAB)), 'the community is never printed')
})

test('influxd stopped: the store FAILs in words and the checks that need it are skipped', async ({ env, influxd }) => {
  await influxd.halt()
  try {
    const got = await lines(env)
    assert.equal(got.slice(0, 3), [
      `FAIL  store: cannot reach InfluxDB at ${influxd.url} (ECONNREFUSED) — start InfluxDB or fix INFLUX_URL; until then the collector spools samples`,
      'skip  retention: the store did not answer',
      'skip  clock: the store did not answer',
    ])
  } finally {
    await influxd.restart()
  }
})

test('retention: a raw policy under 400 days warns (the grant report reads a year of raw data); a missing tier policy FAILs naming its variable', async ({ env, influxd }) => {
  const alter = (q: string) => fetch(`${influxd.url}/query?q=${encodeURIComponent(q)}`, { method: 'POST' })
  await alter('ALTER RETENTION POLICY "civicnet" ON "civicnet" DURATION 90d SHARD DURATION 1d')
  try {
    assert.is((await lines(env))[1], 'warn  retention: on civicnet: raw data civicnet 90d, rollup 5m civicnet_5m 400d, rollup 1h civicnet_1h INF, rollup 1d civicnet_1d INF; the raw policy keeps less than 400 days — the yearly grant report reads a year of raw device_up and sightings: lengthen civicnet (civicnet provision influxdb --raw-duration INF, or 400d)')
  } finally {
    await alter('ALTER RETENTION POLICY "civicnet" ON "civicnet" DURATION INF SHARD DURATION 7d')
  }
  assert.is((await lines({ ...env, INFLUX_RP_1H: 'hourly' }))[1], 'FAIL  retention: retention policies missing on civicnet: hourly (rollup 1h, INFLUX_RP_1H) — run civicnet provision influxdb, or point the variable at an existing policy')
})

test('a credential removed from the environment FAILs naming its id, never a secret', async ({ env }) => {
  const { CIVICNET_SNMP_COMMUNITY_LAB: _gone, ...rest } = env
  const got = await lines(rest)
  assert.equal(got.slice(-2), [
    "FAIL  credentials: 1 of 1 credential references do not resolve: 'lab' (3 devices) — set CIVICNET_SNMP_COMMUNITY_<ID> (or the v3 variables) or add them to CIVICNET_SNMP_CREDENTIALS",
    'skip  snmp sample: no device with a resolvable credential',
  ])
})

test('accounts: a key file others can read, and a lost key under enrolled second factors, FAIL naming the file', async ({ env, dir }) => {
  const key = join(dir, 'accounts.key')
  chmodSync(key, 0o644)
  try {
    assert.is((await lines(env)).find((l) => l.includes('accounts:')), `FAIL  accounts: the accounts key ${key} is readable by others (mode 644): chmod 600 it — restore the key file kept apart from the backups, or chmod 600 it`)
  } finally {
    chmodSync(key, 0o600)
  }
  const state = new Database(join(dir, 'state.sqlite'))
  state.prepare("UPDATE account_users SET mfa_enrolled = 1 WHERE username = 'ops'").run()
  state.close()
  renameSync(key, key + '.away')
  try {
    assert.is((await lines(env)).find((l) => l.includes('accounts:')), `FAIL  accounts: no accounts key at ${key}, and 1 account has a second factor encrypted under it — put back the accounts.key kept apart from the backups (docs/OPERATIONS.md, "Accounts and sign-in"); without it they set up MFA again at their next sign-in`)
  } finally {
    renameSync(key + '.away', key)
    const back = new Database(join(dir, 'state.sqlite'))
    back.prepare("UPDATE account_users SET mfa_enrolled = 0 WHERE username = 'ops'").run()
    back.close()
  }
})

test('a full spool FAILs with its depth; the real CLI exits 1', async ({ env, dir }) => {
  mkdirSync(join(dir, 'spool'), { recursive: true })
  writeFileSync(join(dir, 'spool', 'seg-000000000001.jsonl'), 'x'.repeat(3600))
  try {
    const got = await lines(env)
    assert.is(got[4], `FAIL  spool: 1 file, 3.6 kB waiting in ${join(dir, 'spool')}: 88 % of CIVICNET_SPOOL_MAX_BYTES (4.1 kB) — the oldest samples are dropped at the limit: make the store accept writes (see the store line)`)
    const cli = await runCli(['doctor', '--sample', '0'], { env })
    assert.is(cli.code, 1)
    assert.ok(cli.stdout.split('\n').includes(got[4]!))
  } finally {
    rmSync(join(dir, 'spool'), { recursive: true, force: true })
  }
})

test('a spool setting the collector would refuse FAILs, named as collect names it', async ({ env }) => {
  const got = await lines({ ...env, CIVICNET_SPOOL_MAX_BYTES: 'lots' })
  assert.ok(got.some((l) => /^FAIL {2}spool: .*CIVICNET_SPOOL_MAX_BYTES.*'lots'/.test(l)), got.join('\n'))
})

test('an agent that does not answer FAILs naming the device and its address', async ({ env, dir, inv }) => {
  const silentPort = await freeUdpPort()
  const broken = { ...inv, devices: inv.devices.map((d, i) => (i === 0 ? { ...d, mgmt: { host: '127.0.0.1', port: silentPort } } : d)) }
  const state = openAppState(join(dir, 'state.sqlite'))
  state.replaceInventory(broken, 'test')
  state.close()
  const got = await lines(env)
  assert.is(got.at(-1), `FAIL  snmp sample: 2 of 3 sampled devices answered sysUpTime; no answer within 800 ms from ${inv.devices[0]!.id} (127.0.0.1:${silentPort}) — check each is up, its mgmt address and port in the inventory, and its community/v3 user`)
})

test('a bad flag exits 2 naming it', async () => {
  const r = await capture(async () => (await import('../../cli/doctor.ts')).command.run(['--sample', 'many']))
  assert.equal([r.code, r.err], [2, ["civicnet doctor: --sample needs a whole number 0..1000, got 'many' (see --help)"]])
})

test.run()
