/**
 * `runDoctor(env, options)`: checks a deployment from the same environment `civicnet serve`
 * and `collect` read, and says per check what is wrong and what to do. Nothing it reads is
 * changed: the app state is opened read-only, the spool is only listed, and the store probe
 * (a point in `civicnet_doctor`) is deleted again on 1.x.
 */
import { existsSync, statSync, statfsSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import Database from 'better-sqlite3'
import type { Device, Inventory } from '../core/inventory.ts'
import { createCredentialResolver } from '../collector/credentials.ts'
import { loadCollectorConfig } from '../collector/config.ts'
import { normalizeCredential } from '../collector/index.ts'
import { SYSTEM_OIDS } from '../collector/probe.ts'
import { REJECTED_FILE, scanSpool } from '../collector/spool.ts'
import { openSession } from '../collector/snmp/session.ts'
import type { SnmpCredential } from '../collector/snmp/session.ts'
import { InfluxSetupError, RAW_MIN_DAYS, detectInflux, influxQl, influxRequest, partName, retentionPolicies, shownMs } from '../provisioning/influxdb/index.ts'
import type { DetectedInflux, InfluxAuth } from '../provisioning/influxdb/index.ts'
import { APP_STATE_SCHEMA_VERSION, openAppState } from '../store/app-state.ts'
import { accountsKeyPath, readAccountsKey } from '../accounts/key.ts'
import { POLICY_PARTS, TIER_RP_VARS, describeStore, loadStoreConfig, storePolicies } from '../store/index.ts'
import type { PolicyPart } from '../store/index.ts'
import type { StoreConfig } from '../store/index.ts'

export type CheckStatus = 'ok' | 'warn' | 'FAIL' | 'skip'
export interface CheckResult {
  check: string
  status: CheckStatus
  message: string
  /** what to do, when something is wrong */
  fix?: string
}

export interface DoctorOptions {
  /** devices to GET sysUpTime from (default 5) */
  sample: number
  /** SNMP wait per device, ms (default 1500, one try) */
  snmpTimeoutMs?: number
}

/** Clock skew against the store: warn from 5 s (Date headers have 1 s resolution), FAIL from 60 s (one poll interval: samples land in the wrong minute). */
export const SKEW_WARN_MS = 5_000
export const SKEW_FAIL_MS = 60_000
/** The spool is FAIL from this share of CIVICNET_SPOOL_MAX_BYTES: the collector drops the oldest segments at the limit. */
export const SPOOL_FAIL_SHARE = 0.8
const PROBE = 'civicnet_doctor'

const mb = (n: number) => (n >= 1e9 ? `${(n / 1e9).toFixed(1)} GB` : n >= 1e6 ? `${(n / 1e6).toFixed(1)} MB` : `${(n / 1e3).toFixed(1)} kB`)

/** A line as printed: `FAIL  store: ... — what to do`. */
export function formatCheck(r: CheckResult): string {
  return `${r.status.padEnd(5)} ${r.check}: ${r.message}${r.fix ? ` — ${r.fix}` : ''}`
}

function authOf(c: Extract<StoreConfig, { kind: 'influxdb' }>): InfluxAuth {
  if (c.token) return { kind: 'token', token: c.token }
  if (c.username) return { kind: 'basic', username: c.username, password: c.password ?? '' }
  return { kind: 'none' }
}

const DAY_MS = 86_400_000
/** A duration as SHOW RETENTION POLICIES gives it, in the words provisioning takes: INF, 400d, else as shown. */
const durationWords = (shown: string) => {
  const ms = shownMs(shown)
  return ms === 0 ? 'INF' : ms % DAY_MS === 0 ? `${ms / DAY_MS}d` : shown
}
const RP_VAR: Record<PolicyPart, string> = { raw: 'INFLUX_RP', ...TIER_RP_VARS }

/**
 * 1.x: every policy the store is configured to use exists (FAIL names the missing ones and
 * their variables); warns when the raw one keeps less than RAW_MIN_DAYS, because the yearly
 * grant report reads a year of raw device_up and sightings.
 */
export function retentionCheck(database: string, policies: Record<PolicyPart, string | undefined>, rows: { name: string; duration: string; default: boolean }[]): CheckResult {
  const found = POLICY_PARTS.map((part) => {
    const name = policies[part]
    return { part, name, row: name === undefined ? rows.find((r) => r.default) : rows.find((r) => r.name === name) }
  })
  const missing = found.filter((f) => !f.row)
  if (missing.length > 0) {
    return {
      check: 'retention', status: 'FAIL',
      message: `retention policies missing on ${database}: ${missing.map((m) => `${m.name ?? '(the database default)'} (${partName(m.part)}, ${RP_VAR[m.part]})`).join(', ')}`,
      fix: 'run civicnet provision influxdb, or point the variable at an existing policy',
    }
  }
  const words = found.map((f) => `${partName(f.part)} ${f.row!.name}${f.name === undefined ? ' (default)' : ''} ${durationWords(f.row!.duration)}`).join(', ')
  const raw = found[0]!.row!
  const rawMs = shownMs(raw.duration)
  if (rawMs !== 0 && !(rawMs >= RAW_MIN_DAYS * DAY_MS)) {
    return {
      check: 'retention', status: 'warn', message: `on ${database}: ${words}; the raw policy keeps less than ${RAW_MIN_DAYS} days`,
      fix: `the yearly grant report reads a year of raw device_up and sightings: lengthen ${raw.name} (civicnet provision influxdb --raw-duration INF, or ${RAW_MIN_DAYS}d)`,
    }
  }
  return { check: 'retention', status: 'ok', message: `on ${database}: ${words}` }
}

async function storeChecks(config: StoreConfig): Promise<CheckResult[]> {
  if (config.kind === 'duckdb') {
    const there = existsSync(config.path)
    return [
      there
        ? { check: 'store', status: 'ok', message: `DuckDB file ${config.path} (${mb(statSync(config.path).size)}); it is held by the demo process, so no write probe` }
        : { check: 'store', status: 'warn', message: `no DuckDB file at ${config.path} yet`, fix: 'start civicnet demo, or set INFLUX_URL for InfluxDB' },
      { check: 'retention', status: 'skip', message: 'DuckDB keeps everything (no retention policies)' },
      { check: 'clock', status: 'skip', message: 'the embedded store has no clock of its own' },
    ]
  }
  const auth = authOf(config)
  const where = `InfluxDB at ${describeStore(config).replace(/^influxdb /, '').replace(/ \((token|basic) auth\)$/, '')}`
  let d: DetectedInflux
  try {
    d = await detectInflux(config.url, auth, 3000)
  } catch (err) {
    const msg = err instanceof InfluxSetupError ? err.message : (err as Error).message
    return [
      { check: 'store', status: 'FAIL', message: msg.replace(/: check --url.*$/, ''), fix: 'start InfluxDB or fix INFLUX_URL; until then the collector spools samples' },
      { check: 'retention', status: 'skip', message: 'the store did not answer' },
      { check: 'clock', status: 'skip', message: 'the store did not answer' },
    ]
  }
  const out: CheckResult[] = []
  // write, read back and (1.x) delete a probe point, as the store's own writes go
  const nowMs = Date.now()
  const q = { db: config.database, ...(config.retentionPolicy ? { rp: config.retentionPolicy } : {}) }
  const bearer = d.generation === 3
  try {
    const w = await influxRequest(config.url, 'POST', 'write', { auth, bearer, query: { ...q, precision: 'ms' }, body: `${PROBE} ok=1 ${nowMs}` })
    if (w.status !== 204) throw new Error(`write refused (${w.status} ${w.text.trim().slice(0, 160)})`)
    const r = await influxRequest(config.url, 'GET', 'query', { auth, bearer, query: { ...q, epoch: 'ms', q: `SELECT "ok" FROM "${PROBE}" WHERE time >= ${nowMs - 1}ms` } })
    if (r.status !== 200 || !r.text.includes(String(nowMs))) throw new Error(`the probe point did not read back (${r.status} ${r.text.trim().slice(0, 160)})`)
    let deleted = ''
    if (d.generation === 1) {
      await influxQl(config.url, auth, `DELETE FROM "${PROBE}"`, config.database)
      deleted = ' and deleted'
    }
    out.push({ check: 'store', status: 'ok', message: `${where} (InfluxDB ${d.version}): wrote, read back${deleted} a probe point in ${PROBE}` })
  } catch (err) {
    out.push({ check: 'store', status: 'FAIL', message: `${where} (InfluxDB ${d.version}) answers but ${(err as Error).message}`, fix: 'check the credentials (INFLUX_USERNAME/INFLUX_PASSWORD or INFLUX_TOKEN) and their write and read permissions; run civicnet provision influxdb' })
  }
  if (d.generation === 1) {
    try {
      out.push(retentionCheck(config.database, storePolicies(config), await retentionPolicies(config.url, auth, config.database)))
    } catch (err) {
      out.push({ check: 'retention', status: 'FAIL', message: `cannot read the retention policies: ${(err as Error).message}`, fix: 'run civicnet provision influxdb' })
    }
  } else out.push({ check: 'retention', status: 'skip', message: `InfluxDB ${d.generation}.x has bucket/database retention, set by civicnet provision influxdb` })
  if (Number.isNaN(d.serverDateMs)) out.push({ check: 'clock', status: 'warn', message: 'InfluxDB sent no Date header on /ping: skew unknown' })
  else {
    // the Date header is truncated to the second: its middle is the best estimate
    const skew = d.serverDateMs + 500 - d.localMidMs
    const abs = Math.abs(skew)
    const fix = 'run NTP (systemd-timesyncd or chrony) on this host and the InfluxDB host'
    const said = abs < 2000 ? 'under 2 s' : `${(skew / 1000).toFixed(0)} s (InfluxDB ${skew > 0 ? 'ahead' : 'behind'})`
    const thresholds = `warn at ${SKEW_WARN_MS / 1000} s, FAIL at ${SKEW_FAIL_MS / 1000} s`
    out.push(abs >= SKEW_FAIL_MS ? { check: 'clock', status: 'FAIL', message: `skew against InfluxDB ${said} (${thresholds})`, fix }
      : abs >= SKEW_WARN_MS ? { check: 'clock', status: 'warn', message: `skew against InfluxDB ${said} (${thresholds})`, fix }
      : { check: 'clock', status: 'ok', message: `skew against InfluxDB ${said} (${thresholds})` })
  }
  return out
}

function appStateCheck(file: string): { result: CheckResult; inventory?: Inventory } {
  if (!existsSync(file)) return { result: { check: 'app state', status: 'FAIL', message: `no app state at ${file}`, fix: 'set CIVICNET_DATA_DIR to the deployment\'s data dir, or start civicnet collect/serve once (they create and seed it)' } }
  let version: number
  try {
    const db = new Database(file, { readonly: true, fileMustExist: true })
    try {
      version = db.pragma('user_version', { simple: true }) as number
    } finally {
      db.close()
    }
  } catch (err) {
    return { result: { check: 'app state', status: 'FAIL', message: `${file} does not open as SQLite: ${(err as Error).message}`, fix: 'restore it from the last backup (civicnet restore)' } }
  }
  if (version < APP_STATE_SCHEMA_VERSION) return { result: { check: 'app state', status: 'FAIL', message: `${file} is at schema version ${version}, this CivicNet needs ${APP_STATE_SCHEMA_VERSION}`, fix: 'start civicnet serve or collect once: they migrate it' } }
  if (version > APP_STATE_SCHEMA_VERSION) return { result: { check: 'app state', status: 'FAIL', message: `${file} is at schema version ${version}, newer than this CivicNet (${APP_STATE_SCHEMA_VERSION})`, fix: 'upgrade CivicNet' } }
  // the schema is current: read it as it is, read-only (no journal mode set, nothing migrated or written)
  const state = openAppState(file, { readonly: true })
  try {
    const inventoryVersion = state.inventoryVersion()
    if (inventoryVersion === 0) return { result: { check: 'app state', status: 'FAIL', message: `${file} holds no inventory`, fix: 'civicnet inventory import FILE, or start civicnet collect once to seed Hartford' } }
    const inv = state.inventory()
    return { result: { check: 'app state', status: 'ok', message: `${file}: schema ${version} (current), inventory version ${inventoryVersion} with ${inv.devices.length} devices` }, inventory: inv }
  } finally {
    state.close()
  }
}

/** Staff accounts: is there an admin, and is the key the MFA secrets are under where it should be. */
export function accountsCheck(stateFile: string, env: NodeJS.ProcessEnv): CheckResult {
  const keyPath = accountsKeyPath(dirname(stateFile), env)
  let rows: { role: string; mfa: number; disabled: number }[] = []
  const db = new Database(stateFile, { readonly: true, fileMustExist: true })
  try {
    const has = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'account_users'").get()
    if (has) rows = db.prepare('SELECT role, mfa_enrolled AS mfa, disabled FROM account_users').all() as typeof rows
  } finally {
    db.close()
  }
  let key: Buffer | null
  try {
    key = readAccountsKey(keyPath)
  } catch (err) {
    return { check: 'accounts', status: 'FAIL', message: (err as Error).message, fix: 'restore the key file kept apart from the backups, or chmod 600 it' }
  }
  const enrolled = rows.filter((r) => r.mfa === 1).length
  if (!key && enrolled > 0) {
    return { check: 'accounts', status: 'FAIL', message: `no accounts key at ${keyPath}, and ${enrolled} account${enrolled === 1 ? ' has' : 's have'} a second factor encrypted under it`, fix: 'put back the accounts.key kept apart from the backups (docs/OPERATIONS.md, "Accounts and sign-in"); without it they set up MFA again at their next sign-in' }
  }
  const enabled = rows.filter((r) => r.disabled === 0)
  const admins = enabled.filter((r) => r.role === 'admin').length
  if (admins === 0) return { check: 'accounts', status: 'warn', message: `no enabled admin account (${enabled.length} enabled accounts)`, fix: 'civicnet users add NAME --name "Full Name" --role admin' }
  const must = enabled.filter((r) => r.role === 'admin' || r.role === 'engineer')
  const keyNote = key ? `key at ${keyPath} (0600)` : `key ${keyPath} is made at the first start of serve or demo`
  return { check: 'accounts', status: 'ok', message: `${enabled.length} enabled account${enabled.length === 1 ? '' : 's'} (${admins} admin${admins === 1 ? '' : 's'}), ${must.filter((r) => r.mfa === 1).length} of ${must.length} admins and engineers have set up their second factor; ${keyNote}` }
}

function spoolChecks(env: NodeJS.ProcessEnv): CheckResult[] {
  // where the collector spools and how much it may: its own config, so a bad value is named as collect would name it
  let writer: { spoolDir: string; spoolMaxBytes: number }
  try {
    writer = loadCollectorConfig(env, []).writer as { spoolDir: string; spoolMaxBytes: number }
  } catch (err) {
    return [{ check: 'spool', status: 'FAIL', message: (err as Error).message, fix: 'fix the variable: civicnet collect refuses to start with it' }]
  }
  const { spoolDir: dir, spoolMaxBytes: maxBytes } = writer
  const out: CheckResult[] = []
  const { segments: files, bytes, rejectedBytes: rejected } = scanSpool(dir)
  const share = bytes / maxBytes
  const waiting = `${files} file${files === 1 ? '' : 's'}, ${mb(bytes)} waiting in ${dir}`
  if (share >= SPOOL_FAIL_SHARE) out.push({ check: 'spool', status: 'FAIL', message: `${waiting}: ${Math.round(share * 100)} % of CIVICNET_SPOOL_MAX_BYTES (${mb(maxBytes)})`, fix: 'the oldest samples are dropped at the limit: make the store accept writes (see the store line)' })
  else if (files > 0) out.push({ check: 'spool', status: 'warn', message: `${waiting} (${Math.round(share * 100)} % of ${mb(maxBytes)})`, fix: 'the collector replays them once the store accepts writes; if this stays, check the store' })
  else out.push({ check: 'spool', status: 'ok', message: `nothing waiting in ${dir}` })
  if (rejected > 0) out.push({ check: 'spool rejected', status: 'warn', message: `${mb(rejected)} of samples the store refused as malformed in ${join(dir, REJECTED_FILE)}`, fix: 'read the reasons there; the file is never replayed' })
  // disk free where the spool lives (its nearest existing parent before the first spool)
  let at = dir
  while (!existsSync(at) && dirname(at) !== at) at = dirname(at)
  const fs = statfsSync(at)
  const free = fs.bavail * fs.bsize
  if (free < maxBytes - bytes) out.push({ check: 'disk', status: 'FAIL', message: `${mb(free)} free at ${at}, less than the spool may still grow (${mb(maxBytes - bytes)} to CIVICNET_SPOOL_MAX_BYTES)`, fix: 'free disk space or lower CIVICNET_SPOOL_MAX_BYTES' })
  else out.push({ check: 'disk', status: 'ok', message: `${mb(free)} free at ${at}, room for the whole spool (${mb(maxBytes)})` })
  return out
}

/** The devices the SNMP poller itself polls: not lightweight APs (their controller answers) nor API-read controllers. */
const snmpPolled = (inv: Inventory) => inv.devices.filter((d) => !d.controller && !d.api)

function credentialCheck(env: NodeJS.ProcessEnv, devices: Device[]): { result: CheckResult; resolved: Map<string, SnmpCredential> } {
  const resolved = new Map<string, SnmpCredential>()
  let resolver
  try {
    resolver = createCredentialResolver(env)
  } catch (err) {
    return { result: { check: 'credentials', status: 'FAIL', message: (err as Error).message, fix: 'fix the file CIVICNET_SNMP_CREDENTIALS names' }, resolved }
  }
  const uses = new Map<string, number>()
  for (const d of devices) uses.set(d.credential, (uses.get(d.credential) ?? 0) + 1)
  const missing: string[] = []
  for (const id of [...uses.keys()].sort()) {
    try {
      const c = resolver(id)
      resolved.set(id, normalizeCredential(c))
    } catch {
      missing.push(`'${id}' (${uses.get(id)} device${uses.get(id) === 1 ? '' : 's'})`)
    }
  }
  if (missing.length > 0) {
    return { result: { check: 'credentials', status: 'FAIL', message: `${missing.length} of ${uses.size} credential references do not resolve: ${missing.join(', ')}`, fix: 'set CIVICNET_SNMP_COMMUNITY_<ID> (or the v3 variables) or add them to CIVICNET_SNMP_CREDENTIALS' }, resolved }
  }
  return { result: { check: 'credentials', status: 'ok', message: `all ${uses.size} credential references of ${devices.length} SNMP devices resolve (${[...uses.keys()].sort().join(', ')})` }, resolved }
}

async function snmpSampleCheck(devices: Device[], creds: Map<string, SnmpCredential>, options: DoctorOptions): Promise<CheckResult> {
  const candidates = devices.filter((d) => creds.has(d.credential))
  if (candidates.length === 0) return { check: 'snmp sample', status: 'skip', message: 'no device with a resolvable credential' }
  // a random sample (Fisher-Yates), reported in id order
  const pool = [...candidates]
  for (let i = pool.length - 1; i > 0; i--) {
    const j = Math.floor(Math.random() * (i + 1))
    ;[pool[i], pool[j]] = [pool[j]!, pool[i]!]
  }
  const chosen = pool.slice(0, options.sample).sort((a, b) => (a.id < b.id ? -1 : 1))
  const timeoutMs = options.snmpTimeoutMs ?? 1500
  const answers = await Promise.all(chosen.map(async (d) => {
    const s = openSession({ host: d.mgmt.host, port: d.mgmt.port, credential: creds.get(d.credential)!, timeoutMs, retries: 0 })
    try {
      const [vb] = await s.get([SYSTEM_OIDS.sysUpTime])
      return typeof vb?.value === 'number' ? null : `${d.id} (${d.mgmt.host}:${d.mgmt.port}): no sysUpTime in the answer`
    } catch {
      return `${d.id} (${d.mgmt.host}:${d.mgmt.port})`
    } finally {
      s.close()
    }
  }))
  const silent = answers.filter((a): a is string => a !== null)
  const of = `${chosen.length - silent.length} of ${chosen.length} sampled devices answered sysUpTime`
  if (silent.length > 0) return { check: 'snmp sample', status: 'FAIL', message: `${of}; no answer within ${timeoutMs} ms from ${silent.join(', ')}`, fix: 'check each is up, its mgmt address and port in the inventory, and its community/v3 user' }
  return { check: 'snmp sample', status: 'ok', message: `${of} (${chosen.map((d) => d.id).join(', ')})` }
}

/** Every check, in a fixed order. */
export async function runDoctor(env: NodeJS.ProcessEnv, options: DoctorOptions): Promise<CheckResult[]> {
  const results: CheckResult[] = []
  let storeConfig: StoreConfig | undefined
  try {
    storeConfig = loadStoreConfig(env)
  } catch (err) {
    results.push({ check: 'store', status: 'FAIL', message: (err as Error).message, fix: 'fix that variable (see .env.example)' })
  }
  if (storeConfig) results.push(...(await storeChecks(storeConfig)))
  const stateFile = join(resolve(env.CIVICNET_DATA_DIR || 'data'), 'state.sqlite')
  const app = appStateCheck(stateFile)
  results.push(app.result)
  results.push(...spoolChecks(env))
  results.push(app.result.status === 'FAIL' ? { check: 'accounts', status: 'skip', message: 'the app state did not open' } : accountsCheck(stateFile, env))
  if (!app.inventory) {
    results.push({ check: 'credentials', status: 'skip', message: 'no inventory to read credential references from' })
    results.push({ check: 'snmp sample', status: 'skip', message: 'no inventory' })
    return results
  }
  const devices = snmpPolled(app.inventory)
  const creds = credentialCheck(env, devices)
  results.push(creds.result)
  results.push(await snmpSampleCheck(devices, creds.resolved, options))
  return results
}
