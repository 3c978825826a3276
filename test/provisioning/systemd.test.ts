/**
 * The production install's files (docs/OPERATIONS.md): the systemd units in
 * provisioning/systemd/ pass `systemd-analyze verify` with no warning, carry the hardening the
 * doc promises, start real `civicnet` commands with flags the CLI lists, and score the
 * exposure the doc records (`systemd-analyze security --offline`); the nginx example in
 * provisioning/reverse-proxy/ passes `nginx -t`, and a real nginx running it in front of the
 * real API passes the public name through the API's Host check.
 * No systemd runs as PID 1 on these machines: the units are checked, not started.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, cpSync, mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs'
import { request as httpRequest } from 'node:http'
import { request } from 'node:https'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import pino from 'pino'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { allowedHostsFromEnv } from '../../api/config.ts'
import { createApiServer } from '../../api/server.ts'
import { loadCollectorConfig } from '../../collector/config.ts'
import { harness } from '../api/support.ts'
import { runCli } from '../support/cli.ts'
import { freePort } from '../support/influxd.ts'

const run = promisify(execFile)
const root = fileURLToPath(new URL('../..', import.meta.url))
const unitDir = join(root, 'provisioning/systemd')
const UNITS = ['civicnet-api.service', 'civicnet-collector@.service', 'civicnet.target']
/** the collector instances checked: the whole city in one shard, and shard 1 of 4 */
const INSTANCES = ['civicnet-collector@0-1.service', 'civicnet-collector@1-4.service']

/** A unit file as [section, key, value] entries in order (repeated keys kept). */
function parseUnit(text: string): Array<[string, string, string]> {
  const out: Array<[string, string, string]> = []
  let section = ''
  for (const raw of text.split('\n')) {
    const line = raw.trim()
    if (line === '' || line.startsWith('#') || line.startsWith(';')) continue
    const s = /^\[(.+)\]$/.exec(line)
    if (s) section = s[1]!
    else {
      const eq = line.indexOf('=')
      out.push([section, line.slice(0, eq), line.slice(eq + 1)])
    }
  }
  return out
}

const unit = (name: string) => parseUnit(readFileSync(join(unitDir, name), 'utf8'))
/** Every value of a [Service] key, in order. */
const values = (entries: Array<[string, string, string]>, key: string, section = 'Service') => entries.filter(([s, k]) => s === section && k === key).map(([, , v]) => v)

/**
 * A root for `systemd-analyze verify --root`: the host's own units (sysinit.target ...), ours
 * in /etc/systemd/system with the two collector instances, and the ExecStart binary
 * /usr/bin/node, here a script that runs this test's node (verify only checks it exists).
 */
function verifyRoot(): string {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-units-'))
  mkdirSync(join(dir, 'lib/systemd'), { recursive: true })
  cpSync('/lib/systemd/system', join(dir, 'lib/systemd/system'), { recursive: true })
  mkdirSync(join(dir, 'etc/systemd/system'), { recursive: true })
  for (const u of UNITS) cpSync(join(unitDir, u), join(dir, 'etc/systemd/system', u))
  for (const i of INSTANCES) symlinkSync('civicnet-collector@.service', join(dir, 'etc/systemd/system', i))
  mkdirSync(join(dir, 'usr/bin'), { recursive: true })
  writeFileSync(join(dir, 'usr/bin/node'), `#!/bin/sh\nexec ${process.execPath} "$@"\n`)
  chmodSync(join(dir, 'usr/bin/node'), 0o755)
  return dir
}

async function verify(dir: string, names: string[]): Promise<{ code: number; out: string }> {
  try {
    const r = await run('systemd-analyze', ['verify', '--man=no', `--root=${dir}`, ...names])
    return { code: 0, out: r.stdout + r.stderr }
  } catch (err) {
    const e = err as { code: number; stdout: string; stderr: string }
    return { code: e.code, out: e.stdout + e.stderr }
  }
}

const units = suite('provisioning/systemd: the unit files')

units('systemd-analyze verify passes every unit and both collector instances with no output at all', async () => {
  const dir = verifyRoot()
  try {
    const r = await verify(dir, [...UNITS.filter((u) => !u.includes('@')), ...INSTANCES])
    assert.is(r.out, '')
    assert.is(r.code, 0)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

units('the same verify reports a misspelt key and a missing ExecStart binary (so silence above means something)', async () => {
  const dir = verifyRoot()
  try {
    const api = join(dir, 'etc/systemd/system/civicnet-api.service')
    writeFileSync(api, readFileSync(api, 'utf8').replace('NoNewPrivileges=yes', 'NoNewPrivilege=yes'))
    const typo = await verify(dir, ['civicnet-api.service'])
    assert.match(typo.out, /Unknown key 'NoNewPrivilege' in section \[Service\]/)
    rmSync(join(dir, 'usr/bin/node'))
    const missing = await verify(dir, ['civicnet-api.service'])
    assert.match(missing.out, /Command \/usr\/bin\/node is not executable/)
    assert.is(missing.code, 1)
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

/** The hardening docs/OPERATIONS.md promises for both services, key by key. */
const HARDENING: Record<string, string> = {
  User: 'civicnet',
  Group: 'civicnet',
  DynamicUser: 'no',
  UMask: '0077',
  NoNewPrivileges: 'yes',
  ProtectSystem: 'strict',
  ReadWritePaths: '/var/lib/civicnet',
  ProtectHome: 'yes',
  PrivateTmp: 'yes',
  PrivateDevices: 'yes',
  PrivateMounts: 'yes',
  ProtectKernelTunables: 'yes',
  ProtectKernelModules: 'yes',
  ProtectKernelLogs: 'yes',
  ProtectControlGroups: 'yes',
  ProtectClock: 'yes',
  ProtectHostname: 'yes',
  ProtectProc: 'invisible',
  ProcSubset: 'pid',
  RestrictNamespaces: 'yes',
  RestrictRealtime: 'yes',
  RestrictSUIDSGID: 'yes',
  LockPersonality: 'yes',
  MemoryDenyWriteExecute: 'no',
  SystemCallArchitectures: 'native',
  SystemCallErrorNumber: 'EPERM',
  EnvironmentFile: '/etc/civicnet/civicnet.env',
  WorkingDirectory: '/opt/civicnet',
  Restart: 'on-failure',
  RestartPreventExitStatus: '2',
}

for (const name of ['civicnet-api.service', 'civicnet-collector@.service']) {
  units(`${name} has every hardening key with the value the doc promises, each once`, () => {
    const u = unit(name)
    for (const [key, want] of Object.entries(HARDENING)) assert.equal(values(u, key), [want], key)
    assert.equal(values(u, 'SystemCallFilter'), ['@system-service', '~@privileged'])
    assert.equal(values(u, 'PartOf', 'Unit'), ['civicnet.target'])
    assert.equal(values(u, 'WantedBy', 'Install'), ['civicnet.target'])
    assert.ok(values(u, 'Environment').some((v) => v.split(' ').includes('CIVICNET_DATA_DIR=/var/lib/civicnet')))
  })
}

units('the API may open IP, local and netlink sockets (nodemailer reads the interface table); the collector IP and local ones only', () => {
  assert.equal(values(unit('civicnet-api.service'), 'RestrictAddressFamilies'), ['AF_INET AF_INET6 AF_UNIX AF_NETLINK'])
  assert.equal(values(unit('civicnet-collector@.service'), 'RestrictAddressFamilies'), ['AF_INET AF_INET6 AF_UNIX'])
})

units('the API has no capability at all; the collector only CAP_NET_BIND_SERVICE, for the trap port 162', () => {
  assert.equal(values(unit('civicnet-api.service'), 'CapabilityBoundingSet'), [''])
  assert.equal(values(unit('civicnet-api.service'), 'AmbientCapabilities'), [''])
  assert.equal(values(unit('civicnet-collector@.service'), 'CapabilityBoundingSet'), ['CAP_NET_BIND_SERVICE'])
  assert.equal(values(unit('civicnet-collector@.service'), 'AmbientCapabilities'), ['CAP_NET_BIND_SERVICE'])
})

units('each collector shard has its own spool and key directory, and its SNMP credentials file through LoadCredential', () => {
  const u = unit('civicnet-collector@.service')
  assert.equal(values(u, 'LoadCredential'), ['snmp.json:/etc/civicnet/snmp.json'])
  const env = values(u, 'Environment').flatMap((v) => v.split(' '))
  assert.ok(env.includes('CIVICNET_SNMP_CREDENTIALS=%d/snmp.json'))
  assert.ok(env.includes('CIVICNET_SPOOL_DIR=/var/lib/civicnet/collector-%i/spool'))
  assert.ok(env.includes('CIVICNET_KEY_DIR=/var/lib/civicnet/collector-%i/keys'))
})

units('civicnet.target is wanted by multi-user.target', () => {
  assert.equal(values(unit('civicnet.target'), 'WantedBy', 'Install'), ['multi-user.target'])
})

/** ExecStart split into the civicnet command and its arguments, after `node bin/civicnet.js`. */
function execStart(name: string): string[] {
  const [line] = values(unit(name), 'ExecStart')
  const words = line!.split(' ')
  assert.equal(words.slice(0, 2), ['/usr/bin/node', '/opt/civicnet/bin/civicnet.js'])
  return words.slice(2)
}

const commands = suite('provisioning/systemd: ExecStart runs real civicnet commands')

commands('the API runs `civicnet serve`, a command the CLI knows, with no argument', async () => {
  assert.equal(execStart('civicnet-api.service'), ['serve'])
  const help = await runCli(['serve', '--help'])
  assert.is(help.code, 0)
  assert.match(help.stdout, /^usage: civicnet serve\n/)
})

commands('a collector runs `civicnet collect --shard %I`; --help lists --shard, and %I of each instance is a shard the collector accepts', async () => {
  assert.equal(execStart('civicnet-collector@.service'), ['collect', '--shard', '%I'])
  const help = await runCli(['collect', '--help'])
  assert.is(help.code, 0)
  assert.match(help.stdout, /^usage: civicnet collect \[--shard i\/n\]/)
  assert.match(help.stdout, /\n {2}--shard i\/n {8}poll only devices/)
  const expect: Record<string, { index: number; count: number }> = { '0/1': { index: 0, count: 1 }, '1/4': { index: 1, count: 4 } }
  for (const [shard, want] of Object.entries(expect)) {
    // the instance name systemd gives the shard, and %I (the instance unescaped) of that name
    const name = (await run('systemd-escape', ['--template=civicnet-collector@.service', shard])).stdout.trim()
    assert.ok(INSTANCES.includes(name), name)
    const instance = name.slice('civicnet-collector@'.length, -'.service'.length)
    const unescaped = (await run('systemd-escape', ['--unescape', instance])).stdout.trim()
    assert.is(unescaped, shard)
    assert.equal(loadCollectorConfig({}, ['--shard', unescaped]).poller?.shard, want)
  }
})

/** The exposure score `systemd-analyze security --offline=yes` gives a unit. */
async function exposure(dir: string, name: string): Promise<string> {
  const r = await run('systemd-analyze', ['security', '--offline=yes', '--man=no', `--root=${dir}`, name])
  const m = /Overall exposure level for \S+: (\d+\.\d) (\S+)/.exec(r.stdout)
  assert.ok(m, r.stdout.slice(-300))
  return `${m![1]} ${m![2]}`
}

commands('systemd-analyze security --offline scores each service as docs/OPERATIONS.md records it', async () => {
  const dir = verifyRoot()
  const doc = readFileSync(join(root, 'docs/OPERATIONS.md'), 'utf8')
  try {
    for (const name of ['civicnet-api.service', 'civicnet-collector@1-4.service']) {
      const score = await exposure(dir, name)
      console.log(`  exposure ${name}: ${score}`)
      const recorded = new RegExp(`\\| \`${name.replace(/[.@-]/g, '\\$&')}\` \\| (\\d+\\.\\d \\S+) \\|`).exec(doc)
      assert.ok(recorded, `docs/OPERATIONS.md records no exposure for ${name}`)
      assert.is(score, recorded![1])
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

/**
 * The nginx example made runnable in a temp dir: its own certificate (openssl), ports and
 * upstream port swapped for free ones, the IPv6 listens dropped (loopback IPv4 only here).
 */
async function nginxSite(dir: string, ports: { http: number; https: number; api: number }): Promise<string> {
  await run('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem'), '-days', '1', '-subj', '/CN=wifi.example.gov'])
  const site = readFileSync(join(root, 'provisioning/reverse-proxy/civicnet.nginx.conf'), 'utf8')
    .replace('/etc/letsencrypt/live/wifi.example.gov/fullchain.pem', join(dir, 'cert.pem'))
    .replace('/etc/letsencrypt/live/wifi.example.gov/privkey.pem', join(dir, 'key.pem'))
    .replace('server 127.0.0.1:8080;', `server 127.0.0.1:${ports.api};`)
    .replace('listen 80;', `listen 127.0.0.1:${ports.http};`)
    .replace('listen 443 ssl http2;', `listen 127.0.0.1:${ports.https} ssl http2;`)
    .replace(/\n\s*listen \[::\]:\d+[^;]*;/g, '')
  writeFileSync(join(dir, 'site.conf'), site)
  const conf = join(dir, 'nginx.conf')
  writeFileSync(conf, [
    `pid ${dir}/nginx.pid;`, 'error_log stderr;', 'daemon off;', 'events {}',
    'http {', '  access_log off;',
    ...['client_body', 'proxy', 'fastcgi', 'uwsgi', 'scgi'].map((t) => `  ${t}_temp_path ${dir}/${t};`),
    `  include ${dir}/site.conf;`, '}', '',
  ].join('\n'))
  return conf
}

/** An HTTPS GET to 127.0.0.1:port naming `host` (SNI and Host header), trusting the test's certificate. */
function get(port: number, host: string, path: string, ca: Buffer): Promise<{ status: number; headers: Record<string, unknown>; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path, servername: host, headers: { host }, ca, checkServerIdentity: () => undefined }, (res) => {
      let body = ''
      res.on('data', (d) => (body += d))
      res.on('end', () => resolve({ status: res.statusCode!, headers: res.headers, body }))
    })
    req.on('error', reject)
    req.end()
  })
}

const proxy = suite('provisioning/reverse-proxy: the nginx example')

proxy('nginx -t accepts it, and nginx running it passes wifi.example.gov through the API Host check and refuses other names', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-nginx-'))
  const h = await harness()
  const allowedHosts = allowedHostsFromEnv({ CIVICNET_ALLOWED_HOSTS: 'wifi.example.gov' })!
  const server = createApiServer({ host: '127.0.0.1', port: 0, webDir: null, allowedHosts }, { store: h.store, appState: h.appState, clock: h.clock, log: pino({ level: 'silent' }) })
  let nginx: ChildProcess | undefined
  try {
    const api = Number(new URL(await server.start()).port)
    const ports = { http: await freePort(), https: await freePort(), api }
    const conf = await nginxSite(dir, ports)
    const t = await run('nginx', ['-t', '-p', `${dir}/`, '-c', conf, '-e', 'stderr'])
    assert.match(t.stderr, /test is successful/)

    const proc = spawn('nginx', ['-p', `${dir}/`, '-c', conf, '-e', 'stderr'], { stdio: ['ignore', 'ignore', 'pipe'] })
    nginx = proc
    let log = ''
    proc.stderr!.on('data', (d) => (log += d))
    const ca = readFileSync(join(dir, 'cert.pem'))
    // nginx is up once its HTTPS port answers
    let first
    for (let i = 0; i < 100 && !first; i++) {
      first = await get(ports.https, 'wifi.example.gov', '/api/neighborhoods', ca).catch(() => undefined)
      if (!first) await new Promise((r) => setTimeout(r, 50))
    }
    assert.ok(first, `nginx did not answer: ${log}`)
    assert.is(first!.status, 200)
    assert.is(JSON.parse(first!.body).features[0].properties.clientsNow, 19)
    assert.is(first!.headers['strict-transport-security'], 'max-age=31536000')
    assert.is(first!.headers['x-frame-options'], 'DENY')

    const other = await get(ports.https, 'evil.example', '/api/neighborhoods', ca)
    assert.is(other.status, 421)
    assert.is(JSON.parse(other.body).code, 'CN_ERR_HOST_NOT_ALLOWED')

    const plain = await new Promise<{ status: number; location: string }>((resolve, reject) => {
      httpRequest({ host: '127.0.0.1', port: ports.http, path: '/status', headers: { host: 'wifi.example.gov' } }, (res) => {
        res.resume()
        resolve({ status: res.statusCode!, location: String(res.headers.location) })
      }).on('error', reject).end()
    })
    assert.equal(plain, { status: 301, location: 'https://wifi.example.gov/status' })
  } finally {
    nginx?.kill('SIGTERM')
    if (nginx && nginx.exitCode === null) await new Promise((r) => nginx!.once('exit', r))
    await server.stop()
    await h.close()
    rmSync(dir, { recursive: true, force: true })
  }
})

units.run()
commands.run()
proxy.run()
