/**
 * Signing in as the README says, with the real demo (`civicnet demo` in a child process) and
 * a real browser, and then reading the demo's whole log: no token the app-state database
 * knows appears in it, nor in the terminal banner; tokens never ride in a URL.
 */
import { createHash } from 'node:crypto'
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import Database from 'better-sqlite3'
import type { Page } from 'playwright-core'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { launchBrowser, type Browser } from '../support/browser.ts'
import { spawnDemo, type DemoProcess } from '../support/demo-cli.ts'

interface Ctx {
  dataDir: string
  demo: DemoProcess
  baseUrl: string
  browser: Browser
  /** plaintext tokens seen in this test: the admin's file, the browser's storage */
  tokens: Set<string>
  signinLink: string
}
const test = suite<Ctx>('signing in to the demo: no token in a URL or a log line', {} as Ctx)

async function ready(page: Page) {
  await page.waitForFunction(() => window.__civicnet?.ready === true, null, { timeout: 60_000 })
}

test.before(async (ctx) => {
  ctx.dataDir = mkdtempSync(join(tmpdir(), 'civicnet-signin-'))
  ctx.tokens = new Set()
  ctx.demo = spawnDemo({ dataDir: ctx.dataDir, env: { CIVICNET_DEMO_HISTORY_DAYS: '0', CIVICNET_COLLECT_INTERVAL_MS: '60000' } })
  await ctx.demo.url
  const deadline = Date.now() + 120_000
  while (!/demo is up/.test(ctx.demo.stdout()) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 100))
  const m = /engineer sign-in \(one-time link, works once\): (http:\/\/localhost:\d+\/#signin=cs_[A-Za-z0-9_-]+)/.exec(ctx.demo.stdout())
  assert.ok(m, `the banner has a sign-in link:\n${ctx.demo.stdout().slice(-2000)}`)
  ctx.signinLink = m![1]!
  ctx.baseUrl = new URL(ctx.signinLink).origin
  ctx.browser = await launchBrowser()
})
test.after(async (ctx) => {
  await ctx.browser?.close()
  await ctx.demo?.stop()
  rmSync(ctx.dataDir, { recursive: true, force: true })
})

test('the banner prints a one-time engineer link and where the admin token is, never a token', async (ctx) => {
  const banner = ctx.demo.stdout().slice(ctx.demo.stdout().indexOf('CivicNet demo is up'))
  const admin = readFileSync(join(ctx.dataDir, 'demo-admin-token'), 'utf8').trim()
  ctx.tokens.add(admin)
  assert.match(admin, /^cn_[A-Za-z0-9_-]{43}$/)
  assert.is(statSync(join(ctx.dataDir, 'demo-admin-token')).mode & 0o777, 0o600)
  assert.not.match(banner, admin)
  assert.not.match(banner, /cn_[A-Za-z0-9_-]{20,}/)
  assert.not.match(banner, /[?&]token=/)
  assert.match(banner, `admin token: in ${join(ctx.dataDir, 'demo-admin-token')} (owner-only)`)
})

test('the sign-in link signs an engineer in once, and leaves the address bar clean', async (ctx) => {
  const page = await ctx.browser.newPage()
  try {
    await page.goto(ctx.signinLink)
    await ready(page)
    await page.waitForFunction(() => document.querySelector('[data-testid=whoami]')?.textContent?.startsWith('Signed in as engineer'), null, { timeout: 30_000 })
    assert.is(page.url(), `${ctx.baseUrl}/`)
    await page.waitForFunction(() => Object.keys(window.__civicnet.markers).length > 0, null, { timeout: 30_000 })
    const token = await page.evaluate(() => localStorage.getItem('civicnet.token'))
    assert.match(token!, /^cn_[A-Za-z0-9_-]{43}$/)
    ctx.tokens.add(token!)
    // the engineer token sees devices and may not manage tokens
    const devices = await fetch(`${ctx.baseUrl}/api/devices`, { headers: { authorization: `Bearer ${token}` } })
    assert.is(devices.status, 200)
    const tokens = await fetch(`${ctx.baseUrl}/api/tokens`, { headers: { authorization: `Bearer ${token}` } })
    assert.is(tokens.status, 403)
  } finally {
    await page.close()
  }
  // the same link again, in a browser that has no token: used up
  const again = await ctx.browser.newPage()
  try {
    await again.addInitScript(() => localStorage.removeItem('civicnet.token'))
    await again.goto(ctx.signinLink)
    await ready(again)
    await again.waitForFunction(() => /used already or has expired/.test(document.querySelector('[data-testid=public-note]')?.textContent ?? ''), null, { timeout: 30_000 })
    assert.equal(await again.evaluate(() => window.__civicnet.markers), {})
    assert.is(again.url(), `${ctx.baseUrl}/`)
  } finally {
    await again.close()
  }
})

test('a token in the address is ignored, dropped from the address bar, and redacted in the log', async (ctx) => {
  const admin = readFileSync(join(ctx.dataDir, 'demo-admin-token'), 'utf8').trim()
  const page = await ctx.browser.newPage()
  try {
    await page.addInitScript(() => localStorage.removeItem('civicnet.token'))
    await page.goto(`${ctx.baseUrl}/?token=${admin}&refresh=600`)
    await ready(page)
    assert.is(page.url(), `${ctx.baseUrl}/?refresh=600`)
    assert.is(await page.evaluate(() => localStorage.getItem('civicnet.token')), null)
    assert.equal(await page.evaluate(() => window.__civicnet.markers), {})
    assert.match((await page.textContent('[data-testid=public-note]'))!, 'A token in the address was ignored')
  } finally {
    await page.close()
  }
  await fetch(`${ctx.baseUrl}/api/health?access_token=${admin}`)
})

test('pasting the admin token from the file into the sign-in box signs in as admin', async (ctx) => {
  const admin = readFileSync(join(ctx.dataDir, 'demo-admin-token'), 'utf8').trim()
  const page = await ctx.browser.newPage()
  try {
    await page.addInitScript(() => localStorage.removeItem('civicnet.token'))
    await page.goto(`${ctx.baseUrl}/`)
    await ready(page)
    await page.fill('#token-input', admin)
    await page.click('[data-testid=token-save]')
    await page.waitForFunction(() => document.querySelector('[data-testid=whoami]')?.textContent?.startsWith('Signed in as admin'), null, { timeout: 30_000 })
    assert.is(page.url(), `${ctx.baseUrl}/`)
  } finally {
    await page.close()
  }
})

test('after all that, no token the app-state database knows is in the log or the terminal', async (ctx) => {
  const code = await ctx.demo.stop()
  assert.is(code, 0, `the demo did not stop cleanly on SIGINT: ${ctx.demo.stopReport()}`)
  const db = new Database(join(ctx.dataDir, 'state.sqlite'), { readonly: true })
  let hashes: string[]
  try {
    hashes = (db.prepare('SELECT sha256 FROM api_tokens').all() as { sha256: string }[]).map((r) => r.sha256)
  } finally {
    db.close()
  }
  // every token the database knows is one this test holds the plaintext of
  const held = new Map([...ctx.tokens].map((t) => [createHash('sha256').update(t).digest('hex'), t]))
  assert.equal([...hashes].sort(), [...held.keys()].sort())
  const out = ctx.demo.stdout() + ctx.demo.stderr()
  assert.ok(out.length > 1000, `the log has ${out.length} characters`)
  for (const [hash, plain] of held) {
    assert.not.match(out, plain, 'a token in the log')
    assert.not.match(out, hash, "a token's hash in the log")
  }
  assert.not.match(out, /cn_[A-Za-z0-9_-]{43}/)
  // the requests that carried a token in the query were logged, redacted
  assert.match(out, '/?token=[REDACTED]&refresh=600')
  assert.match(out, '/api/health?access_token=[REDACTED]')
})

test.run()
