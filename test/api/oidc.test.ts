/**
 * Signing in with the city's identity provider through the API: a real OpenID Connect
 * provider (oidc-provider on loopback) and the real routes. The group claim is the role, the
 * session cookie is the same as a password sign-in's, and a callback without the browser's
 * state cookie, or for a person in no mapped group, lands on the map with the reason, never
 * with a session. (Forged and expired ID tokens: test/accounts/oidc.test.ts, against the same
 * provider.)
 */
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createOidc, oidcConfigFromEnv } from '../../accounts/oidc.ts'
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.ts'
import { harness, type Harness } from './support.ts'

const REDIRECT = 'http://localhost/api/session/oidc/callback'
const SECRET = 'api-test-client-secret-0123456789'

interface Ctx {
  h: Harness
  idp: TestOidcProvider
  dir: string
}

const test = suite<Ctx>('OIDC sign-in through the API', {} as Ctx)
test.before(async (ctx) => {
  ctx.dir = mkdtempSync(join(tmpdir(), 'civicnet-oidc-api-'))
  const secretFile = join(ctx.dir, 'secret')
  writeFileSync(secretFile, SECRET, { mode: 0o600 })
  chmodSync(secretFile, 0o600)
  ctx.idp = await startOidcProvider({
    clientId: 'civicnet',
    clientSecret: SECRET,
    redirectUris: [REDIRECT],
    accounts: {
      nia: { preferred_username: 'nia', name: 'Nia Okafor', groups: ['city-netops'] },
      cy: { preferred_username: 'cy', name: 'Cy Ward', groups: ['everyone'] },
    },
  })
  const config = oidcConfigFromEnv({
    CIVICNET_OIDC_ISSUER: ctx.idp.issuer,
    CIVICNET_OIDC_CLIENT_ID: 'civicnet',
    CIVICNET_OIDC_CLIENT_SECRET_FILE: secretFile,
    CIVICNET_OIDC_REDIRECT_URL: REDIRECT,
    CIVICNET_OIDC_ROLE_MAP: 'city-netops=engineer,city-grants=analyst',
    CIVICNET_OIDC_SCOPES: 'openid profile email groups',
  })!
  ctx.h = await harness({}, undefined, {}, { oidc: createOidc(config) })
})
test.after(async (ctx) => {
  await ctx.h.close()
  await ctx.idp.stop()
  rmSync(ctx.dir, { recursive: true, force: true })
})

/** GET /api/session/oidc, the provider's pages as `who`, and the callback with the state cookie. */
async function signInAs(ctx: Ctx, who: string, withStateCookie = true) {
  const start = await ctx.h.app.inject({ method: 'GET', url: '/api/session/oidc' })
  assert.is(start.statusCode, 302)
  const stateCookie = String(start.headers['set-cookie']).split(';')[0]!
  assert.match(stateCookie, /^civicnet_oidc_state=[A-Za-z0-9_-]+$/)
  assert.match(String(start.headers['set-cookie']), /; Path=\/api\/session\/oidc; HttpOnly; SameSite=Lax; Max-Age=600$/)
  const location = new URL(String(start.headers.location))
  assert.equal([location.origin, location.searchParams.get('code_challenge_method'), location.searchParams.get('response_type')], [ctx.idp.issuer, 'S256', 'code'])
  const back = await ctx.idp.browse(location.href, who)
  assert.is(back.origin + back.pathname, REDIRECT)
  return ctx.h.app.inject({ method: 'GET', url: back.pathname + back.search, headers: withStateCookie ? { cookie: stateCookie } : {} })
}

test('GET /api/session offers the button; the group claim maps to the role and a session cookie is set', async (ctx) => {
  const who = await ctx.h.app.inject({ method: 'GET', url: '/api/session' })
  assert.equal(who.json().oidc, { label: "Sign in with the city's account", start: '/api/session/oidc' })
  const cb = await signInAs(ctx, 'nia')
  assert.equal([cb.statusCode, cb.headers.location], [303, '/'])
  const cookies = cb.headers['set-cookie'] as string[]
  const session = cookies.find((c) => c.startsWith('civicnet_session='))!
  assert.match(session, /^civicnet_session=[A-Za-z0-9_-]{43}; Path=\/; HttpOnly; SameSite=Strict; Max-Age=43200$/)
  assert.ok(cookies.includes('civicnet_oidc_state=; Path=/api/session/oidc; HttpOnly; SameSite=Lax; Max-Age=0'))
  assert.is(cookies.length, 2, cookies.join('\n'))
  const me = await ctx.h.app.inject({ method: 'GET', url: '/api/session', headers: { cookie: session.split(';')[0]! } })
  assert.equal([me.json().user, me.json().scope], [{ username: 'nia', displayName: 'Nia Okafor', role: 'engineer', mfaEnrolled: false, mustChangePassword: false }, 'engineer'])
  // the IdP did the second factor: an engineer is in at once
  assert.is((await ctx.h.app.inject({ method: 'GET', url: '/api/devices', headers: { cookie: session.split(';')[0]! } })).statusCode, 200)
  const audit = ctx.h.accounts.auditLog({ actor: 'user:nia', action: 'sign-in' })[0]!
  assert.equal([audit.outcome, audit.detail, audit.address], ['ok', 'oidc', '127.0.0.1'])
  assert.equal(ctx.h.accounts.auditLog({ action: 'user.add' }).map((e) => [e.actor, e.target, e.detail]), [['idp:oidc', 'user:nia', 'role engineer']])
})

test('a person in no mapped group, and a callback without the state cookie, get no session', async (ctx) => {
  const none = await signInAs(ctx, 'cy')
  assert.is(none.statusCode, 303)
  assert.match(String(none.headers.location), /^\/#signin-error=your%20account%20is%20in%20none%20of%20the%20groups/)
  assert.not.ok(String(none.headers['set-cookie']).includes('civicnet_session='))
  const stray = await signInAs(ctx, 'nia', false)
  assert.equal([stray.statusCode, decodeURIComponent(String(stray.headers.location))], [303, '/#signin-error=this sign-in was not started in this browser, or took over 10 minutes: try again'])
  assert.is(ctx.h.accounts.user('cy'), undefined)
  // no code, state or secret in a log line
  const logs = JSON.stringify(ctx.h.logs)
  assert.not.ok(logs.includes(SECRET))
  assert.not.match(logs, /[?&]code=(?!\[REDACTED\])/)
})

test.run()
