/**
 * The first minutes of a new user: a fresh clone of this repository's HEAD (committed files
 * only: no web/dist, no data/) under a private directory, its packages copied in, and the
 * README's Quick start command, `npm start`, run as a child process. The demo must come up
 * whole, map included, and stop cleanly on Ctrl-C (SIGINT).
 *
 * The packages are copied (cp -a), never symlinked: `npm ci` through a symlinked
 * node_modules empties the original tree. The copy's .package-lock.json is touched so the
 * prestart step (scripts/setup.sh --runtime) finds them current and runs no `npm ci`.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process'
import { chmodSync, existsSync, mkdtempSync, readFileSync, rmSync, utimesSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'

const run = promisify(execFile)
const ROOT = fileURLToPath(new URL('../../', import.meta.url))
const UP_TIMEOUT_MS = 75_000
const STOP_TIMEOUT_MS = 20_000

interface Ctx {
  parent: string
  clone: string
  child: ChildProcess | null
  output: string
  baseUrl: string
  startError: unknown
  startedMs: number
}

const test = suite<Ctx>('a fresh clone: npm start brings up the whole demo', {
  parent: '',
  clone: '',
  child: null,
  output: '',
  baseUrl: '',
  startError: null,
  startedMs: 0,
})

const tail = (text: string, lines = 30) => text.trimEnd().split('\n').slice(-lines).join('\n')

/** The environment of a new user's shell: none of this process's npm or CivicNet settings. */
function freshEnv(clone: string): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {}
  for (const [k, v] of Object.entries(process.env)) {
    if (/^(npm_|CIVICNET_|INFLUX_|WEB_)/i.test(k) || ['PORT', 'HOST', 'LOG_LEVEL', 'INIT_CWD'].includes(k)) continue
    env[k] = v
  }
  return {
    ...env,
    // the README's Quick start, on free ports and a short history (tests share the host)
    PORT: '0',
    CIVICNET_SIM_CONTROL_PORT: '0',
    CIVICNET_TRAP_PORT: '0',
    CIVICNET_DEMO_EPHEMERAL_PORTS: '1',
    CIVICNET_DEMO_HISTORY_DAYS: '1',
    // hourly: 24 steps, as test/support/demo-cli.ts; the default 5-minute step is 288 here,
    // over two minutes (docs/PERFORMANCE.md, "Demo history step")
    CIVICNET_DEMO_HISTORY_STEP_MS: '3600000',
    CIVICNET_DATA_DIR: join(clone, 'data'),
  }
}

/** Resolves with the banner's URL once the demo says it is up; rejects when it exits or times out. */
function waitForBanner(ctx: Ctx): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = ctx.child!
    const timer = setTimeout(() => reject(new Error(`no "demo is up" line within ${UP_TIMEOUT_MS / 1000} s; output:\n${tail(ctx.output)}`)), UP_TIMEOUT_MS)
    const onData = () => {
      const m = /CivicNet demo is up: (\S+)/.exec(ctx.output)
      if (m) {
        clearTimeout(timer)
        child.off('exit', onExit)
        resolve(m[1]!)
      }
    }
    const onExit = (code: number | null, signal: string | null) => {
      clearTimeout(timer)
      reject(new Error(`npm start exited (code ${code}, signal ${signal}) before the demo was up; output:\n${tail(ctx.output)}`))
    }
    child.stdout!.on('data', onData)
    child.once('exit', onExit)
  })
}

test.before(async (ctx) => {
  ctx.startedMs = Date.now()
  try {
    ctx.parent = mkdtempSync(join(tmpdir(), 'civicnet-fresh-'))
    chmodSync(ctx.parent, 0o700)
    ctx.clone = join(ctx.parent, 'civicnet')
    await run('git', ['clone', '--no-local', '--quiet', ROOT, ctx.clone])
    await run('cp', ['-a', join(ROOT, 'node_modules'), join(ctx.clone, 'node_modules')])
    const now = new Date()
    utimesSync(join(ctx.clone, 'node_modules', '.package-lock.json'), now, now)
    if (existsSync(join(ctx.clone, 'web', 'dist'))) throw new Error('the clone has a web/dist: it is meant to be git-ignored')

    // its own process group, like a terminal's foreground job: Ctrl-C signals the group
    ctx.child = spawn('npm', ['start'], { cwd: ctx.clone, env: freshEnv(ctx.clone), stdio: ['ignore', 'pipe', 'pipe'], detached: true })
    ctx.child.stdout!.setEncoding('utf8').on('data', (d: string) => (ctx.output += d))
    ctx.child.stderr!.setEncoding('utf8').on('data', (d: string) => (ctx.output += d))
    ctx.baseUrl = await waitForBanner(ctx)
  } catch (err) {
    ctx.startError = err
  }
})

/** true while any process of the group led by pid is alive */
function groupAlive(pid: number): boolean {
  try {
    process.kill(-pid, 0)
    return true
  } catch {
    return false
  }
}

test.after(async (ctx) => {
  const child = ctx.child
  // whatever is left of npm, its shell and the demo: killed by the group's id
  if (child?.pid && groupAlive(child.pid)) {
    process.kill(-child.pid, 'SIGKILL')
    for (let i = 0; i < 50 && groupAlive(child.pid); i++) await new Promise((r) => setTimeout(r, 100))
  }
  child?.stdout?.destroy()
  child?.stderr?.destroy()
  if (ctx.parent) rmSync(ctx.parent, { recursive: true, force: true })
  console.log(`  fresh clone to stopped demo: ${((Date.now() - ctx.startedMs) / 1000).toFixed(1)} s`)
})

test('npm start says the demo is up, with its URL', (ctx) => {
  if (ctx.startError) throw ctx.startError
  assert.match(ctx.baseUrl, /^http:\/\/(localhost|127\.0\.0\.1):\d+$/)
})

test('GET / answers the map page, and the script it references answers JavaScript', async (ctx) => {
  if (ctx.startError) throw ctx.startError
  const page = await fetch(`${ctx.baseUrl}/`)
  const html = await page.text()
  assert.is(page.status, 200, `GET / answered ${page.status}: ${html.slice(0, 200)}\nnpm start output:\n${tail(ctx.output)}`)
  assert.match(page.headers.get('content-type') ?? '', /^text\/html/)
  assert.match(html, /<div id="map"/, 'the page has the map element')
  const src = /<script[^>]*\ssrc="([^"]+)"/.exec(html)?.[1]
  assert.ok(src, 'the page references a script')
  const script = await fetch(new URL(src!, `${ctx.baseUrl}/`))
  const js = await script.text()
  assert.is(script.status, 200, `GET ${src} answered ${script.status}`)
  assert.match(script.headers.get('content-type') ?? '', /javascript/)
  assert.ok(js.length > 10_000 && !js.trimStart().startsWith('<'), `${src} is a bundle (${js.length} bytes)`)
  // a production build carries no source map unless WEB_SOURCEMAP=1 asked for one
  assert.not.match(js, /sourceMappingURL=/, 'no source map comment in the served bundle')
  const map = await fetch(new URL(`${src!}.map`, `${ctx.baseUrl}/`))
  await map.arrayBuffer()
  assert.is(map.status, 404, `GET ${src}.map`)
  // nor the build's own record of what it was built from
  const stamp = await fetch(`${ctx.baseUrl}/.build.json`)
  await stamp.arrayBuffer()
  assert.is(stamp.status, 404, 'GET /.build.json')
  // built by npm start itself, and said so in one line
  const built = ctx.output.split('\n').filter((l) => l.includes('web: built the map'))
  assert.is(built.length, 1, `one 'web: built the map' line in:\n${tail(ctx.output)}`)
})

test('GET /api/neighborhoods answers the 17 Hartford neighborhoods', async (ctx) => {
  if (ctx.startError) throw ctx.startError
  const res = await fetch(`${ctx.baseUrl}/api/neighborhoods`)
  assert.is(res.status, 200)
  const body = (await res.json()) as { features: unknown[] }
  assert.is(body.features.length, 17)
})

test('GET /api/devices with the token from data/demo-admin-token shows no device down', async (ctx) => {
  if (ctx.startError) throw ctx.startError
  const token = readFileSync(join(ctx.clone, 'data', 'demo-admin-token'), 'utf8').trim()
  assert.ok(token.length > 0, 'the token file is not empty')
  const res = await fetch(`${ctx.baseUrl}/api/devices`, { headers: { authorization: `Bearer ${token}` } })
  assert.is(res.status, 200)
  const { devices } = (await res.json()) as { devices: Array<{ id: string; status: string }> }
  assert.ok(devices.length > 200, `${devices.length} devices`)
  const down = devices.filter((d) => d.status === 'down').map((d) => d.id)
  assert.equal(down, [], 'devices down')
})

test('SIGINT (Ctrl-C) stops it with exit code 0', async (ctx) => {
  if (ctx.startError) throw ctx.startError
  const child = ctx.child!
  const exited = new Promise<{ code: number | null; signal: string | null }>((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })))
  // what Ctrl-C in a terminal does: SIGINT to every process of the foreground group
  process.kill(-child.pid!, 'SIGINT')
  let timer: NodeJS.Timeout | undefined
  const result = await Promise.race([exited, new Promise<null>((r) => (timer = setTimeout(() => r(null), STOP_TIMEOUT_MS)))])
  clearTimeout(timer)
  assert.ok(result, `npm start still running ${STOP_TIMEOUT_MS / 1000} s after SIGINT; output:\n${tail(ctx.output)}`)
  assert.equal(result, { code: 0, signal: null }, `exit after SIGINT; output:\n${tail(ctx.output)}`)
  for (let i = 0; i < 50 && groupAlive(child.pid!); i++) await new Promise((r) => setTimeout(r, 100))
  assert.not.ok(groupAlive(child.pid!), 'no process of npm start is left running')
})

test.run()
