/**
 * Signing in to the web app as the README says, with the real demo (`civicnet demo` in a
 * child process, one for the whole file) and real Chromium: the demo admin signs in by the
 * form with the banner's one-time password, sets up the second factor (the code computed
 * here from the secret the page shows) and a password of their own; an engineer before
 * setting up a second factor sees only the public pages; a wrong code and a replayed one
 * are refused; an idle session ends (on a second, small API with a 3 s idle limit); a
 * disabled user's open page is signed out at its next request; a cross-site form post is
 * refused; the users page adds, disables and enables an account and lists the audit log.
 * Then the demo's whole log: no token, password, one-time password, TOTP secret, recovery
 * code or session id in it, and none in any URL a browser asked for.
 */
import { createHash, randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { FastifyInstance } from 'fastify'
import pino from 'pino'
import type { Page } from 'playwright-core'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createAccounts } from '../../accounts/index.ts'
import { base32Decode, totp } from '../../accounts/totp.ts'
import { buildApp } from '../../api/app.ts'
import { wallClock } from '../../core/clock.ts'
import { createToken } from '../../api/auth/tokens.ts'
import { openAppState, type AppState } from '../../store/app-state.ts'
import { openDuckDbStore } from '../../store/duckdb/index.ts'
import type { MetricStore } from '../../store/types.ts'
import { hartfordInventory } from '../../provisioning/city/hartford.ts'
import { launchBrowser, type Browser } from '../support/browser.ts'
import { spawnDemo, type DemoProcess } from '../support/demo-cli.ts'
import { ensureWebBuilt } from '../support/web-server.ts'
import { createStaffSession, postJson, useSession } from '../support/staff-session.ts'

interface Ctx {
  dataDir: string
  demo: DemoProcess
  /** http://localhost:<port>, as the banner says */
  baseUrl: string
  adminToken: string
  adminOneTime: string
  /** the admin's browser */
  browser: Browser
  /** the engineer's browser (another profile: its own cookies) */
  other: Browser
  /** every URL either browser asked for (but the page opened with a token on purpose) */
  urls: string[]
  /** plaintext secrets this test saw: none may be in a URL or the demo's log */
  secrets: Set<string>
  engineer: { username: string; password: string; secret: string; stepMs: number; recovery: string[] }
  analyst: string
  attacker: Server
}
const test = suite<Ctx>('signing in to the web app: form, second factor, sessions, CSRF; no secret in a URL or a log line', {} as Ctx)

const OTP = /[a-z2-7]{4}(?:-[a-z2-7]{4}){5}/
const ADMIN_PASSWORD = 'Lantern-Admin-Orchard-2718'
const ENGINEER_PASSWORD = 'Copper-Kettle-Riverside-31'
const $text = async (page: Page, testid: string) => ((await page.textContent(`[data-testid=${testid}]`)) ?? '').trim()
const visible = (page: Page, testid: string, timeout = 30_000) => page.waitForSelector(`[data-testid=${testid}]`, { state: 'visible', timeout })
const code = (secret: string, ms: number) => totp(base32Decode(secret), ms)
/** A 6-digit code none of the three steps around now has. */
function wrongCode(secret: string): string {
  const near = new Set([-30_000, 0, 30_000].map((d) => code(secret, Date.now() + d)))
  for (const c of ['000000', '111111', '222222']) if (!near.has(c)) return c
  throw new Error('unreachable')
}

async function signInByForm(page: Page, username: string, password: string) {
  await visible(page, 'signin-form')
  await page.fill('#signin-username', username)
  await page.fill('#signin-password', password)
  await page.click('[data-testid=signin-submit]')
}

/** On the enrolment step: reads the key off the page, types its code, returns the secret and the recovery codes. */
async function enrolByForm(page: Page): Promise<{ secret: string; stepMs: number; recovery: string[] }> {
  await visible(page, 'enrol-step')
  assert.match((await page.getAttribute('[data-testid=enrol-qr]', 'src'))!, /^data:image\/svg\+xml;base64,[A-Za-z0-9+/=]{200,}$/)
  const secret = (await $text(page, 'enrol-secret')).replace(/\s+/g, '')
  assert.match(secret, /^[A-Z2-7]{32}$/)
  const stepMs = Date.now()
  await page.fill('#enrol-code', code(secret, stepMs))
  await page.click('[data-testid=enrol-form] button[type=submit]')
  await visible(page, 'recovery-step')
  const recovery = await page.$$eval('[data-testid=recovery-codes] li', (lis) => lis.map((li) => li.textContent!.trim()))
  return { secret, stepMs, recovery }
}

async function setPasswordByForm(page: Page, next: string) {
  await visible(page, 'password-form')
  assert.is(await $text(page, 'password-policy'), 'At least 12 characters, and not a common password.')
  await page.fill('#pw-new', next)
  await page.fill('#pw-repeat', next)
  await page.click('[data-testid=password-form] button[type=submit]')
}

test.before(async (ctx) => {
  ctx.dataDir = mkdtempSync(join(tmpdir(), 'civicnet-signin-'))
  ctx.secrets = new Set()
  ctx.urls = []
  ctx.demo = spawnDemo({ dataDir: ctx.dataDir, env: { CIVICNET_DEMO_HISTORY_DAYS: '0', CIVICNET_COLLECT_INTERVAL_MS: '60000' } })
  await ctx.demo.url
  const deadline = Date.now() + 120_000
  while (!/Ctrl-C stops everything/.test(ctx.demo.stdout()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  const up = /CivicNet demo is up: (http:\/\/localhost:\d+)/.exec(ctx.demo.stdout())
  assert.ok(up, `the banner says where the demo is:\n${ctx.demo.stdout().slice(-2000)}`)
  ctx.baseUrl = up![1]!
  const otp = new RegExp(`admin sign-in: username admin, one-time password (${OTP.source}) \\(set your own at first sign-in\\)`).exec(ctx.demo.stdout())
  assert.ok(otp, `the banner has the admin's one-time password:\n${ctx.demo.stdout().slice(-2000)}`)
  ctx.adminOneTime = otp![1]!
  ctx.adminToken = readFileSync(join(ctx.dataDir, 'demo-admin-token'), 'utf8').trim()
  for (const s of [ctx.adminOneTime, ctx.adminToken, ADMIN_PASSWORD, ENGINEER_PASSWORD]) ctx.secrets.add(s)
  ctx.browser = await launchBrowser()
  ctx.other = await launchBrowser()
  for (const b of [ctx.browser, ctx.other]) b.context.on('request', (r) => ctx.urls.push(r.url()))
})
test.after(async (ctx) => {
  await ctx.browser?.close()
  await ctx.other?.close()
  await new Promise((r) => (ctx.attacker ? ctx.attacker.close(r) : r(null)))
  await ctx.demo?.stop()
  rmSync(ctx.dataDir, { recursive: true, force: true })
})

test('the banner prints the admin sign-in with a one-time password and where the admin token is, never a token', async (ctx) => {
  const banner = ctx.demo.stdout().slice(ctx.demo.stdout().indexOf('CivicNet demo is up'))
  assert.match(ctx.adminToken, /^cn_[A-Za-z0-9_-]{43}$/)
  assert.is(statSync(join(ctx.dataDir, 'demo-admin-token')).mode & 0o777, 0o600)
  assert.not.match(banner, ctx.adminToken)
  assert.not.match(banner, /cn_[A-Za-z0-9_-]{20,}/)
  assert.not.match(banner, /[?&#](token|signin|password)=/)
  assert.match(banner, `admin API token, for scripts: in ${join(ctx.dataDir, 'demo-admin-token')} (owner-only)`)
})

test('the demo admin signs in by the form: one-time password, second factor, own password; the nav offers the users page', async (ctx) => {
  const page = await ctx.browser.newPage()
  try {
    await page.goto(`${ctx.baseUrl}/`)
    await page.waitForFunction(() => window.__civicnet?.ready === true, null, { timeout: 60_000 })
    assert.equal(await page.$$eval('[data-testid=nav] a', (as) => as.map((a) => a.getAttribute('href'))), ['/', '/status'])
    await signInByForm(page, 'admin', ctx.adminOneTime)
    const e = await enrolByForm(page)
    ctx.secrets.add(e.secret)
    for (const c of e.recovery) ctx.secrets.add(c)
    assert.is(e.recovery.length, 10)
    assert.is(new Set(e.recovery).size, 10)
    await page.click('[data-testid=recovery-saved]')
    // a password the policy refuses is said on the form
    await visible(page, 'password-form')
    await page.fill('#pw-new', 'short')
    await page.fill('#pw-repeat', 'short')
    await page.click('[data-testid=password-form] button[type=submit]')
    await page.waitForFunction(() => /^The new password is refused: /.test(document.querySelector('[data-testid=session-error]')?.textContent ?? ''), null, { timeout: 15_000 })
    await setPasswordByForm(page, ADMIN_PASSWORD)
    await page.waitForFunction(() => document.querySelector('[data-testid=whoami]')?.textContent === 'Signed in as Demo admin (admin)', null, { timeout: 30_000 })
    assert.equal(await page.$$eval('[data-testid=nav] a', (as) => as.map((a) => a.getAttribute('href'))), ['/', '/status', '/operations', '/report', '/planning', '/users'])
    // the admin sees what engineers see, by the session cookie alone
    await page.waitForFunction(() => Object.keys(window.__civicnet.markers).length > 0, null, { timeout: 30_000 })
    assert.is(page.url(), `${ctx.baseUrl}/`)
    const cookies = await ctx.browser.context.cookies(ctx.baseUrl)
    const session = cookies.find((c) => c.name === 'civicnet_session')!
    assert.ok(session, 'the session cookie is set')
    assert.equal([session.httpOnly, session.sameSite, session.path], [true, 'Strict', '/'])
    ctx.secrets.add(session.value)
    assert.is(await page.evaluate(() => document.cookie), '', 'no script can read the session cookie')
    assert.equal(await page.evaluate(() => Object.keys(localStorage)), [], 'nothing kept in localStorage')
  } finally {
    await page.close()
  }
})

test('the users page: the admin adds an analyst (the one-time password shown once), disables and enables it; the audit log lists it', async (ctx) => {
  const page = await ctx.browser.newPage()
  try {
    await page.goto(`${ctx.baseUrl}/users`)
    await page.waitForFunction(() => window.__civicnetUsers?.loads >= 1, null, { timeout: 30_000 })
    ctx.analyst = 'grants1'
    await page.fill('#add-username', ctx.analyst)
    await page.fill('#add-display', 'Grant Writer')
    await page.fill('#add-email', 'grants@example.org')
    await page.selectOption('#add-role', 'analyst')
    await page.click('[data-testid=add-submit]')
    await visible(page, 'otp-box')
    const otp = await $text(page, 'otp-value')
    assert.match(otp, new RegExp(`^${OTP.source}$`))
    ctx.secrets.add(otp)
    assert.is(await $text(page, 'otp-user'), ctx.analyst)
    await page.click('[data-testid=otp-done]')
    assert.ok(await page.locator('[data-testid=otp-box]').isHidden())
    assert.not.match((await page.content()), otp, 'the one-time password is gone from the page once closed')
    const row = `[data-testid=users-table] tr[data-username=${ctx.analyst}]`
    await page.waitForSelector(`${row}[data-disabled=false][data-role=analyst]`)
    await page.click(`${row} button[data-action=disable]`)
    await page.waitForSelector(`${row}[data-disabled=true]`)
    const api = async () => (await (await fetch(`${ctx.baseUrl}/api/users/${ctx.analyst}`, { headers: { authorization: `Bearer ${ctx.adminToken}` } })).json()).disabled
    assert.is(await api(), true)
    await page.click(`${row} button[data-action=enable]`)
    await page.waitForSelector(`${row}[data-disabled=false]`)
    assert.is(await api(), false)
    // the audit log, newest first: the add by the admin, then (filtered) only it
    const audit = await page.$$eval('[data-testid=audit-table] tbody tr', (trs) => trs.map((tr) => [...tr.querySelectorAll('td[data-field]')].map((td) => td.textContent)))
    assert.equal(audit.slice(0, 3).map((r) => [r[1], r[2], r[3]]), [['user:admin', 'user.enable', `user:${ctx.analyst}`], ['user:admin', 'user.disable', `user:${ctx.analyst}`], ['user:admin', 'user.add', `user:${ctx.analyst}`]])
    await page.fill('#audit-action', 'user.add')
    await page.click('[data-testid=audit-apply]')
    await page.waitForFunction(() => window.__civicnetUsers.audit.every((e) => e.action === 'user.add'))
    const adds = await page.evaluate(() => window.__civicnetUsers.audit.map((e) => [e.actor, e.target, e.outcome]))
    // (the demo made its admin account at its first start)
    assert.equal(adds, [['user:admin', `user:${ctx.analyst}`, 'ok'], ['demo', 'user:admin', 'ok']])
    assert.is(await page.getAttribute('[data-testid=audit-csv]', 'href'), '/api/audit?action=user.add&format=csv')
    const [csv] = await Promise.all([page.waitForEvent('download'), page.click('[data-testid=audit-csv]')])
    assert.match(csv.suggestedFilename(), /^civicnet-audit-\d{4}-\d\d-\d\d\.csv$/)
    const lines = readFileSync((await csv.path())!, 'utf8').trim().split(/\r?\n/)
    assert.is(lines.length, 3, lines.join('\n'))
    assert.is(lines[0], 'time,actor,address,action,target,outcome,detail')
    assert.match(lines[1]!, `user:admin`)
    assert.match(lines[1]!, `user:${ctx.analyst}`)
    assert.match(lines[2]!, /^[^,]+,demo,/)
  } finally {
    await page.close()
  }
})

test('an engineer before setting up a second factor gets the public pages only; then enrols and signs in', async (ctx) => {
  const made = await postJson(ctx.baseUrl, '/api/users', { username: 'eng1', displayName: 'Field Engineer', role: 'engineer' }, { bearer: ctx.adminToken, want: 201 })
  const oneTime = made.body.oneTimePassword as string
  ctx.secrets.add(oneTime)
  const page = await ctx.other.newPage()
  try {
    await page.goto(`${ctx.baseUrl}/`)
    await signInByForm(page, 'eng1', oneTime)
    await visible(page, 'enrol-step')
    // password right, no second factor yet: nothing but the public pages
    const ops = await ctx.other.newPage()
    try {
      await ops.goto(`${ctx.baseUrl}/operations`)
      await ops.waitForFunction(() => window.__civicnetOps?.ready === true, null, { timeout: 30_000 })
      assert.ok(await ops.locator('[data-testid=signin-form]').isVisible(), '/operations shows the sign-in form')
      assert.is(await $text(ops, 'ops-status'), 'Sign in to use this page: it needs an engineer, analyst or admin account.')
      assert.equal(await ops.evaluate(async () => (await fetch('/api/devices')).status), 401)
      assert.equal(await ops.evaluate(async () => (await fetch('/api/session')).json().then((s) => [s.signedIn, s.scope, s.pages.map((p: { id: string }) => p.id)])), [false, 'public', ['map', 'status']])
      const status = await ops.goto(`${ctx.baseUrl}/status`)
      assert.is(status?.status(), 200, 'the status page needs no sign-in')
    } finally {
      await ops.close()
    }
    const e = await enrolByForm(page)
    ctx.secrets.add(e.secret)
    for (const c of e.recovery) ctx.secrets.add(c)
    await page.click('[data-testid=recovery-saved]')
    await setPasswordByForm(page, ENGINEER_PASSWORD)
    await page.waitForFunction(() => document.querySelector('[data-testid=whoami]')?.textContent === 'Signed in as Field Engineer (engineer)', null, { timeout: 30_000 })
    assert.equal(await page.$$eval('[data-testid=nav] a', (as) => as.map((a) => a.getAttribute('href'))), ['/', '/status', '/operations'])
    ctx.engineer = { username: 'eng1', password: ENGINEER_PASSWORD, secret: e.secret, stepMs: e.stepMs, recovery: e.recovery }
    // the admins' page says the role may not use it, with no table
    await page.goto(`${ctx.baseUrl}/users`)
    await page.waitForFunction(() => window.__civicnetUsers?.ready === true && window.__civicnetUsers.lastError !== null, null, { timeout: 30_000 })
    assert.is(await $text(page, 'users-status'), 'Your role (engineer) may not use this page: it needs an admin account.')
    assert.ok(await page.locator('[data-testid=users-section]').isHidden())
  } finally {
    await page.close()
  }
})

test('a wrong code is refused, a code used once is refused the second time, a recovery code works once', async (ctx) => {
  const eng = ctx.engineer
  const page = await ctx.other.newPage()
  try {
    await page.goto(`${ctx.baseUrl}/?refresh=600`)
    await visible(page, 'sign-out')
    await page.click('[data-testid=sign-out]')
    await signInByForm(page, eng.username, eng.password)
    await visible(page, 'mfa-form')
    await page.fill('#mfa-code', wrongCode(eng.secret))
    await page.click('[data-testid=mfa-form] button[type=submit]')
    await page.waitForFunction(() => document.querySelector('[data-testid=session-error]')?.textContent === 'Wrong code', null, { timeout: 15_000 })
    // a code of a step after the enrolment's (the next step's is in the server's window)
    const stepMs = Math.floor(Date.now() / 30_000) > Math.floor(eng.stepMs / 30_000) ? Date.now() : Date.now() + 30_000
    const right = code(eng.secret, stepMs)
    await page.fill('#mfa-code', right)
    await page.click('[data-testid=mfa-form] button[type=submit]')
    await visible(page, 'whoami')
    assert.is(await $text(page, 'whoami'), 'Signed in as Field Engineer (engineer)')
    // signed out and in again, the same code within its 30 s: used already
    await page.click('[data-testid=sign-out]')
    await signInByForm(page, eng.username, eng.password)
    await visible(page, 'mfa-form')
    await page.fill('#mfa-code', right)
    await page.click('[data-testid=mfa-form] button[type=submit]')
    await page.waitForFunction(() => document.querySelector('[data-testid=session-error]')?.textContent === 'That code was used already: wait for the next one', null, { timeout: 15_000 })
    assert.ok(await page.locator('[data-testid=whoami]').count() === 0, 'not signed in')
    // a recovery code stands in for the code
    await page.fill('#mfa-code', eng.recovery[0]!)
    await page.click('[data-testid=mfa-form] button[type=submit]')
    await visible(page, 'whoami')
    assert.is(await $text(page, 'whoami'), 'Signed in as Field Engineer (engineer)')
  } finally {
    await page.close()
  }
})

test("a disabled user's open page is signed out at its next request, saying why", async (ctx) => {
  const page = await ctx.other.newPage()
  const refusals: string[] = []
  page.on('response', (r) => {
    if (r.status() === 401) r.json().then((b) => refusals.push(`${new URL(r.url()).pathname} ${b.code}`), () => {})
  })
  try {
    await page.goto(`${ctx.baseUrl}/?refresh=2&tiles=0`)
    await page.waitForFunction(() => Object.keys(window.__civicnet.markers).length > 0, null, { timeout: 30_000 })
    assert.is(await $text(page, 'whoami'), 'Signed in as Field Engineer (engineer)')
    await postJson(ctx.baseUrl, `/api/users/${ctx.engineer.username}/disable`, {}, { bearer: ctx.adminToken })
    await visible(page, 'signin-form', 15_000)
    assert.is(await $text(page, 'session-note'), 'Your session has ended (revoked): sign in again.')
    await page.waitForFunction(() => Object.keys(window.__civicnet.markers).length === 0, null, { timeout: 15_000 })
    assert.ok(refusals.some((r) => / CN_ERR_SESSION_ENDED$/.test(r)), refusals.join('\n'))
  } finally {
    await page.close()
  }
})

test('CSRF: a cross-site form post does not act, and with the cookie but without the token it is refused', async (ctx) => {
  const port = new URL(ctx.baseUrl).port
  const target = `${ctx.baseUrl}/api/users/${ctx.analyst}/disable`
  ctx.attacker = createServer((_req, res) => {
    res.writeHead(200, { 'content-type': 'text/html' })
    res.end(`<!doctype html><form method="post" action="${target}"><input name="x" value="1"></form><script>document.forms[0].submit()</script>`)
  })
  await new Promise<void>((r) => ctx.attacker.listen(0, '127.0.0.1', () => r()))
  const evil = `http://127.0.0.1:${(ctx.attacker.address() as AddressInfo).port}`
  assert.is.not(new URL(evil).port, port)
  const page = await ctx.browser.newPage()
  try {
    const [req] = await Promise.all([page.waitForRequest((r) => r.url() === target, { timeout: 30_000 }), page.goto(evil)])
    const res = await req.response()
    const sent = await req.allHeaders()
    assert.not.match(sent.cookie ?? '', 'civicnet_session', 'SameSite=Strict: the browser does not send the cookie from another site')
    assert.is(res?.status(), 401)
  } finally {
    await page.close()
  }
  const enabled = async () => (await (await fetch(`${ctx.baseUrl}/api/users/${ctx.analyst}`, { headers: { authorization: `Bearer ${ctx.adminToken}` } })).json()).disabled === false
  assert.ok(await enabled(), 'the account is still enabled')
  // the same post with the admin's cookie (as a browser without SameSite would send it)
  const cookie = (await ctx.browser.context.cookies(ctx.baseUrl)).find((c) => c.name === 'civicnet_session')!
  const asForm = await fetch(target, { method: 'POST', headers: { cookie: `${cookie.name}=${cookie.value}`, origin: evil, 'content-type': 'application/x-www-form-urlencoded' }, body: 'x=1' })
  assert.equal([asForm.status, (await asForm.json()).code], [403, 'CN_ERR_CSRF'])
  // and a same-site JSON post with the cookie but no X-CSRF-Token
  const noToken = await fetch(target, { method: 'POST', headers: { cookie: `${cookie.name}=${cookie.value}`, 'content-type': 'application/json' }, body: '{}' })
  const body = await noToken.json()
  assert.equal([noToken.status, body.code, body.message], [403, 'CN_ERR_CSRF', 'refused as a possible cross-site request forgery: the X-CSRF-Token header is missing or is not the one of this session'])
  assert.ok(await enabled(), 'the account is still enabled')
})

test('an idle session ends: the next request is refused and the sign-in form comes back with the note', async (ctx) => {
  // a second, small API with a 3 s idle limit (the demo's sessions keep the default)
  const appState: AppState = openAppState(':memory:')
  appState.replaceInventory(hartfordInventory(1), 'test')
  const store: MetricStore = await openDuckDbStore({ path: ':memory:' })
  await store.init()
  const accounts = createAccounts({ db: appState.db, key: randomBytes(32), config: { sessionIdleMs: 3000 } })
  const app: FastifyInstance = await buildApp({ summaryCacheMs: 0, webDir: await ensureWebBuilt() }, { store, appState, accounts, clock: wallClock, log: pino({ level: 'silent' }) })
  try {
    await app.listen({ host: '127.0.0.1', port: 0 })
    const base = `http://127.0.0.1:${(app.server.address() as AddressInfo).port}`
    const s = await createStaffSession(base, createToken(appState.db, 'admin', 'idle test'), { username: 'idle-eng', role: 'engineer' })
    await useSession(ctx.other.context, base, s)
    const page = await ctx.other.newPage()
    try {
      await page.goto(`${base}/operations`)
      await page.waitForFunction(() => window.__civicnetOps?.ready === true, null, { timeout: 30_000 })
      assert.is(await $text(page, 'whoami'), 'Signed in as Test engineer idle-eng (engineer)')
      await new Promise((r) => setTimeout(r, 4000))
      await page.click('[data-testid=ops-build]')
      await visible(page, 'signin-form', 15_000)
      assert.is(await $text(page, 'session-note'), 'Your session has ended (idle): sign in again.')
      assert.ok(await page.locator('[data-testid=ops-output]').isHidden())
    } finally {
      await page.close()
    }
  } finally {
    await ctx.other.context.clearCookies()
    await app.close()
    await store.close()
    appState.close()
  }
})

test('no token, password, code or session id in any URL a browser asked for', async (ctx) => {
  assert.ok(ctx.urls.length > 50, `${ctx.urls.length} requests`)
  for (const u of ctx.urls) {
    assert.not.match(u, /[?&#](token|access_token|password|code|signin)=/i, u)
    for (const s of ctx.secrets) assert.not.ok(u.includes(s) || u.includes(encodeURIComponent(s)), `a secret in ${u}`)
  }
})

test('a token in the address is ignored, dropped from the address bar, and redacted in the log', async (ctx) => {
  await ctx.browser.context.clearCookies()
  const page = await ctx.browser.newPage()
  try {
    await page.goto(`${ctx.baseUrl}/?token=${ctx.adminToken}&refresh=600`)
    await page.waitForFunction(() => window.__civicnet?.ready === true, null, { timeout: 60_000 })
    assert.is(page.url(), `${ctx.baseUrl}/?refresh=600`)
    assert.equal(await page.evaluate(() => window.__civicnet.markers), {})
    assert.match((await page.textContent('[data-testid=public-note]'))!, 'A token in the address was ignored')
  } finally {
    await page.close()
  }
  await fetch(`${ctx.baseUrl}/api/health?access_token=${ctx.adminToken}`)
})

test('after all that, no token, password, code or session id is in the log or the terminal', async (ctx) => {
  const code = await ctx.demo.stop()
  assert.is(code, 0, `the demo did not stop cleanly on SIGINT: ${ctx.demo.stopReport()}`)
  const db = new Database(join(ctx.dataDir, 'state.sqlite'), { readonly: true })
  let hashes: string[]
  try {
    hashes = (db.prepare('SELECT sha256 FROM api_tokens').all() as { sha256: string }[]).map((r) => r.sha256)
  } finally {
    db.close()
  }
  // the only API token is the demo admin's, for scripts: the web app made none
  assert.equal(hashes, [createHash('sha256').update(ctx.adminToken).digest('hex')])
  const out = ctx.demo.stdout() + ctx.demo.stderr()
  assert.ok(out.length > 1000, `the log has ${out.length} characters`)
  // (the banner prints the admin's first one-time password: that is its one place)
  const logged = out.replace(`one-time password ${ctx.adminOneTime} (set your own`, '')
  // the token, 3 one-time passwords, 2 chosen passwords, 2 TOTP secrets, 20 recovery codes, a session id
  assert.is(ctx.secrets.size, 29)
  for (const s of ctx.secrets) assert.not.ok(logged.includes(s), `a secret in the log (${s.length} characters, starting ${s.slice(0, 3)})`)
  assert.not.match(out, /cn_[A-Za-z0-9_-]{43}/)
  // the requests that carried a token in the query were logged, redacted
  assert.match(out, '/?token=[REDACTED]&refresh=600')
  assert.match(out, '/api/health?access_token=[REDACTED]')
})

test.run()
