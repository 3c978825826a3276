/**
 * accounts/oidc.ts and accounts.signInExternal against a real OpenID Connect provider
 * (oidc-provider on 127.0.0.1, test/support/oidc-provider.ts), no mocks: the settings from
 * the environment, a whole sign-in (start, the provider's login and consent, the callback,
 * finish) mapping the groups claim to a role, the strongest of two roles, no mapped group,
 * a wrong state, a replayed code, a forged ID token (re-signed with a key that is not the
 * provider's, swapped in through the fetch option), an expired one (checked at a clock two
 * hours on), then the account made, changed, its old sessions ended, refused when disabled,
 * and the audit log of it all.
 */
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { createSign, generateKeyPairSync } from 'node:crypto'
import { chmodSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { openAppState } from '../../store/app-state.ts'
import { createAccounts } from '../../accounts/index.ts'
import { createOidc, oidcConfigFromEnv, OidcError, roleForGroups, type OidcConfig, type OidcDeps } from '../../accounts/oidc.ts'
import { startOidcProvider, type TestOidcProvider } from '../support/oidc-provider.ts'

const CLIENT_ID = 'civicnet-test'
const CLIENT_SECRET = 'test-client-secret-0123456789abcdef'
const REDIRECT = 'http://127.0.0.1:8080/api/session/oidc/callback'
const ROLE_MAP = 'city-it-admins=admin, city-netops=engineer, city-grants=analyst, city-planning=planner'
const ADDR = '203.0.113.10'
const CLI = { name: 'cli', address: null }
const HOUR = 3_600_000

const dir = mkdtempSync(join(tmpdir(), 'civicnet-oidc-'))
const secretFile = join(dir, 'oidc-client-secret')
writeFileSync(secretFile, CLIENT_SECRET + '\n', { mode: 0o600 })

const PEOPLE = (): Record<string, Record<string, unknown>> => ({
  ana: { preferred_username: 'Ana.Lopez', name: 'Ana López', email: 'ana.lopez@hartford.example', email_verified: true, groups: ['everyone', 'city-netops'] },
  bo: { preferred_username: 'bo', name: 'Bo Chen', groups: ['city-netops', 'city-it-admins'] },
  cy: { preferred_username: 'cy', name: 'Cy Ward', groups: ['everyone'] },
  dee: { email: 'dee@hartford.example', given_name: 'Dee', family_name: 'Mars', groups: 'city-planning' },
  eve: { preferred_username: 'eve smith', groups: ['city-netops'] },
})

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    CIVICNET_OIDC_ISSUER: 'http://127.0.0.1:9/',
    CIVICNET_OIDC_CLIENT_ID: CLIENT_ID,
    CIVICNET_OIDC_CLIENT_SECRET_FILE: secretFile,
    CIVICNET_OIDC_REDIRECT_URL: REDIRECT,
    CIVICNET_OIDC_ROLE_MAP: ROLE_MAP,
    CIVICNET_OIDC_SCOPES: 'openid profile email groups',
    ...extra,
  }
}

async function refusedWith(p: Promise<unknown>, code: string, message?: string | RegExp): Promise<OidcError> {
  try {
    await p
  } catch (err) {
    assert.instance(err, OidcError)
    const e = err as OidcError
    assert.is(e.code, code, e.message)
    if (typeof message === 'string') assert.is(e.message, message)
    else if (message) assert.match(e.message, message)
    assert.not.match(e.message, CLIENT_SECRET)
    return e
  }
  throw new Error(`expected an OidcError ${code}`)
}

const config = suite('oidcConfigFromEnv')

config('is null when CIVICNET_OIDC_ISSUER is unset, and reads every setting', () => {
  assert.is(oidcConfigFromEnv({}), null)
  const c = oidcConfigFromEnv(env())!
  assert.is(c.issuer.href, 'http://127.0.0.1:9/')
  assert.is(c.clientId, CLIENT_ID)
  assert.is(c.clientSecret, CLIENT_SECRET)
  assert.is(c.redirectUrl.href, REDIRECT)
  assert.equal([...c.roleMap], [['city-it-admins', 'admin'], ['city-netops', 'engineer'], ['city-grants', 'analyst'], ['city-planning', 'planner']])
  assert.equal(c.scopes, ['openid', 'profile', 'email', 'groups'])
  assert.is(c.groupsClaim, 'groups')
  assert.is(c.usernameClaim, 'preferred_username')
  assert.is(c.label, "Sign in with the city's account")
  // the secret is not enumerable: serialising or logging the config does not show it
  assert.not.match(JSON.stringify(c), CLIENT_SECRET)
  assert.equal(oidcConfigFromEnv(env({ CIVICNET_OIDC_SCOPES: '' }))!.scopes, ['openid', 'profile', 'email'])
})

config('an incomplete set names what is missing; a wrong value names its variable', () => {
  assert.throws(() => oidcConfigFromEnv({ CIVICNET_OIDC_ISSUER: 'https://id.hartford.example' }), (e: Error) => e instanceof RangeError && e.message === 'CIVICNET_OIDC_ISSUER is set but CIVICNET_OIDC_CLIENT_ID, CIVICNET_OIDC_CLIENT_SECRET_FILE, CIVICNET_OIDC_REDIRECT_URL, CIVICNET_OIDC_ROLE_MAP are missing')
  const wrong: [Record<string, string>, string][] = [
    [{ CIVICNET_OIDC_ISSUER: 'http://id.hartford.example' }, 'CIVICNET_OIDC_ISSUER must be an https URL (http only for 127.0.0.1 or localhost), got http://id.hartford.example'],
    [{ CIVICNET_OIDC_ISSUER: 'not a url' }, "CIVICNET_OIDC_ISSUER must be a URL (got 'not a url')"],
    [{ CIVICNET_OIDC_REDIRECT_URL: 'https://civicnet.example/callback' }, 'CIVICNET_OIDC_REDIRECT_URL must be the public URL of /api/session/oidc/callback (got path /callback)'],
    [{ CIVICNET_OIDC_ROLE_MAP: 'city-netops=superuser' }, "CIVICNET_OIDC_ROLE_MAP: 'superuser' (for group 'city-netops') is not a role (admin, engineer, analyst, planner)"],
    [{ CIVICNET_OIDC_ROLE_MAP: 'city-netops' }, 'CIVICNET_OIDC_ROLE_MAP: \'city-netops\' is not "<group>=<role>"'],
    [{ CIVICNET_OIDC_ROLE_MAP: 'a=admin,a=planner' }, "CIVICNET_OIDC_ROLE_MAP: group 'a' is mapped twice (admin and planner)"],
    [{ CIVICNET_OIDC_GROUPS_CLAIM: 'my groups' }, "CIVICNET_OIDC_GROUPS_CLAIM must be a claim name (letters, digits, _ . : / -), got 'my groups'"],
    [{ CIVICNET_OIDC_CLIENT_SECRET_FILE: join(dir, 'missing') }, `CIVICNET_OIDC_CLIENT_SECRET_FILE: cannot read ${join(dir, 'missing')}: ENOENT`],
  ]
  for (const [extra, message] of wrong) {
    assert.throws(() => oidcConfigFromEnv(env(extra)), (e: Error) => e instanceof RangeError && e.message === message, message)
  }
})

config('a client secret file others can read is refused, without showing the secret', () => {
  const open = join(dir, 'open-secret')
  writeFileSync(open, CLIENT_SECRET)
  chmodSync(open, 0o644)
  assert.throws(() => oidcConfigFromEnv(env({ CIVICNET_OIDC_CLIENT_SECRET_FILE: open })), (e: Error) => e instanceof RangeError && e.message === `CIVICNET_OIDC_CLIENT_SECRET_FILE: ${open} is readable by others (mode 644): chmod 600 it`)
})

config('several mapped groups give the most powerful role', () => {
  const map = oidcConfigFromEnv(env())!.roleMap
  assert.is(roleForGroups(['city-planning', 'city-grants'], map), 'analyst')
  assert.is(roleForGroups(['city-planning', 'city-it-admins', 'city-netops'], map), 'admin')
  assert.is(roleForGroups(['everyone'], map), null)
})

config.run()

interface Ctx {
  idp: TestOidcProvider
  cfg: OidcConfig
}

const flow = suite<Ctx>('OIDC sign-in against a real provider')
flow.before(async (ctx) => {
  ctx.idp = await startOidcProvider({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, redirectUris: [REDIRECT], accounts: PEOPLE() })
  ctx.cfg = oidcConfigFromEnv(env({ CIVICNET_OIDC_ISSUER: ctx.idp.issuer }))!
})
flow.after(async (ctx) => {
  await ctx.idp.stop()
})

/** start → the provider's login and consent as `who` → the callback URL. */
async function authorize(ctx: Ctx, who: string, deps: OidcDeps = {}, nowMs = Date.now()) {
  const oidc = createOidc(ctx.cfg, deps)
  const { url, pending } = await oidc.start(nowMs)
  const callback = await ctx.idp.browse(url, who)
  return { oidc, url: new URL(url), pending, callback }
}

flow('a whole sign-in maps the groups claim to the role', async (ctx) => {
  const { oidc, url, pending, callback } = await authorize(ctx, 'ana')
  assert.is(url.origin + url.pathname, `${ctx.idp.issuer}/auth`)
  assert.is(url.searchParams.get('code_challenge_method'), 'S256')
  assert.match(url.searchParams.get('code_challenge')!, /^[A-Za-z0-9_-]{43}$/)
  assert.is(url.searchParams.get('state'), pending.state)
  assert.is(url.searchParams.get('nonce'), pending.nonce)
  assert.is(url.searchParams.get('scope'), 'openid profile email groups')
  assert.is(url.searchParams.get('redirect_uri'), REDIRECT)
  assert.not.ok(url.href.includes(pending.codeVerifier))
  // the pending login survives being kept as a JSON string (a cookie)
  const kept = JSON.parse(JSON.stringify(pending))
  assert.is(callback.origin + callback.pathname, REDIRECT)
  const identity = await oidc.finish(callback, kept)
  assert.equal(identity, { subject: 'ana', username: 'ana.lopez', displayName: 'Ana López', email: 'ana.lopez@hartford.example', groups: ['everyone', 'city-netops'], role: 'engineer' })
})

flow('a person in two mapped groups gets the stronger role; an email stands in for a missing username', async (ctx) => {
  const bo = await authorize(ctx, 'bo')
  assert.equal(await bo.oidc.finish(bo.callback, bo.pending), { subject: 'bo', username: 'bo', displayName: 'Bo Chen', email: null, groups: ['city-netops', 'city-it-admins'], role: 'admin' })
  const dee = await authorize(ctx, 'dee')
  assert.equal(await dee.oidc.finish(dee.callback, dee.pending), { subject: 'dee', username: 'dee.hartford.example', displayName: 'Dee Mars', email: 'dee@hartford.example', groups: ['city-planning'], role: 'planner' })
})

flow('a person in no mapped group is refused, naming the groups configured', async (ctx) => {
  const { oidc, pending, callback } = await authorize(ctx, 'cy')
  await refusedWith(oidc.finish(callback, pending), 'no-role', 'your account is in none of the groups CivicNet maps to a role (city-it-admins, city-netops, city-grants, city-planning): ask an administrator to add you to one')
})

flow('a username that does not fit the accounts pattern is refused', async (ctx) => {
  const { oidc, pending, callback } = await authorize(ctx, 'eve')
  await refusedWith(oidc.finish(callback, pending), 'no-username', /^the identity provider gave no username CivicNet can use \(claim preferred_username/)
})

flow('a wrong state, a sign-in kept too long and an IdP error are refused', async (ctx) => {
  const { oidc, pending, callback } = await authorize(ctx, 'ana')
  const other = createOidc(ctx.cfg)
  const elsewhere = (await other.start()).pending
  await refusedWith(oidc.finish(callback, elsewhere), 'bad-state', 'this sign-in was not started here or was started again elsewhere: sign in again')
  const tampered = new URL(callback)
  tampered.searchParams.set('state', elsewhere.state)
  await refusedWith(oidc.finish(tampered, pending), 'bad-state')
  await refusedWith(oidc.finish(callback, { ...pending, createdMs: Date.now() - 11 * 60_000 }), 'bad-state', 'this sign-in took longer than 10 minutes: sign in again')
  const denied = new URL(`${REDIRECT}?error=access_denied&error_description=End-User+aborted+interaction&state=${pending.state}`)
  await refusedWith(oidc.finish(denied, pending), 'idp-error', 'the identity provider refused the sign-in (access_denied: End-User aborted interaction)')
  // the code was never redeemed above: it still works once
  assert.is((await oidc.finish(callback, pending)).role, 'engineer')
})

flow('a code replayed a second time is refused', async (ctx) => {
  const { oidc, pending, callback } = await authorize(ctx, 'ana')
  assert.is((await oidc.finish(callback, pending)).username, 'ana.lopez')
  const e = await refusedWith(oidc.finish(callback, pending), 'token-refused', 'the identity provider refused the sign-in code (invalid_grant): it was used already or has expired; sign in again')
  assert.is(e.reason, 'OAUTH_RESPONSE_BODY_ERROR')
})

/** Signs `payload` as an RS256 JWT with a key that is not the provider's, under the provider's kid. */
function forge(payload: Record<string, unknown>, kid: string): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const b64 = (o: unknown) => Buffer.from(JSON.stringify(o)).toString('base64url')
  const input = `${b64({ alg: 'RS256', typ: 'JWT', kid })}.${b64(payload)}`
  return `${input}.${createSign('RSA-SHA256').update(input).sign(privateKey).toString('base64url')}`
}

flow('an ID token signed with a key that is not the provider\'s is refused', async (ctx) => {
  let swapped = 0
  let claims: Record<string, unknown> = {}
  const swapping: typeof fetch = async (input, init) => {
    const res = await fetch(input, init)
    if (!new URL(String(input instanceof Request ? input.url : input)).pathname.endsWith('/token')) return res
    const body = (await res.json()) as { id_token: string }
    claims = JSON.parse(Buffer.from(body.id_token.split('.')[1]!, 'base64url').toString())
    // the same claims, a stronger group, another key
    body.id_token = forge({ ...claims, groups: ['city-it-admins'] }, ctx.idp.kid)
    swapped++
    return new Response(JSON.stringify(body), { status: res.status, headers: res.headers })
  }
  const { oidc, pending, callback } = await authorize(ctx, 'ana', { fetch: swapping })
  const e = await refusedWith(oidc.finish(callback, pending), 'token-refused', "the identity provider's answer could not be verified (its ID token is not signed by the provider's keys or is malformed)")
  assert.is(e.reason, 'OAUTH_INVALID_RESPONSE')
  assert.is(swapped, 1)
  assert.is(claims.sub, 'ana')
  assert.is(claims.nonce, pending.nonce)
})

flow('an expired ID token is refused', async (ctx) => {
  // The provider's ID tokens live an hour; this sign-in is checked on a clock two hours on.
  const later = Date.now() + 2 * HOUR
  const { oidc, pending, callback } = await authorize(ctx, 'ana', {}, later)
  const e = await refusedWith(oidc.finish(callback, pending, later), 'token-refused', "the identity provider's ID token has expired or is not valid yet (check this server's clock); sign in again")
  assert.is(e.reason, 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED')
})

flow('signInExternal makes the account, follows the IdP\'s role, ends old sessions on a change, refuses a disabled account', async (ctx) => {
  const state = openAppState(':memory:')
  const accounts = createAccounts({ db: state.db, key: Buffer.alloc(32, 9), config: { scrypt: { logN: 10, r: 8, p: 1 } }, allowTestCost: true })
  const signIn = async (who: string, nowMs: number) => {
    const { oidc, pending, callback } = await authorize(ctx, who, {}, nowMs)
    return accounts.signInExternal(await oidc.finish(callback, pending, nowMs), 'oidc', ADDR, nowMs)
  }
  const t0 = Date.now()
  const first = await signIn('ana', t0)
  assert.is(first.kind, 'session')
  const s1 = (first as { sessionId: string }).sessionId
  const made = accounts.user('ana.lopez')!
  assert.equal({ ...made, id: 0 }, { id: 0, username: 'ana.lopez', displayName: 'Ana López', email: 'ana.lopez@hartford.example', role: 'engineer', mustChangePassword: false, mfaEnrolled: false, disabled: false, createdMs: t0, updatedMs: t0, roleVersion: 1 })
  assert.equal((first as { user: unknown }).user, made)
  assert.is(accounts.validateSession(s1, t0 + 1000).ok, true)
  // no password opens it: the stored hash is random
  assert.is((await accounts.signIn('ana.lopez', 'plain kettle morning 42', ADDR, t0 + 1000)).kind, 'refused')

  // the IdP moves her to the grants team: the next sign-in makes her an analyst and ends the old session
  ctx.idp.accounts.ana!.groups = ['city-grants']
  const second = await signIn('ana', t0 + 2000)
  const s2 = (second as { sessionId: string }).sessionId
  assert.is(accounts.user('ana.lopez')!.role, 'analyst')
  assert.is(accounts.user('ana.lopez')!.roleVersion, 2)
  assert.equal(accounts.validateSession(s1, t0 + 3000), { ok: false, reason: 'revoked' })
  assert.is(accounts.validateSession(s2, t0 + 3000).ok, true)

  // the same role again changes nothing and keeps sessions
  const third = await signIn('ana', t0 + 4000)
  assert.is(third.kind, 'session')
  assert.is(accounts.user('ana.lopez')!.roleVersion, 2)
  assert.is(accounts.validateSession(s2, t0 + 5000).ok, true)

  accounts.disableUser(CLI, 'ana.lopez', t0 + 6000)
  assert.equal(await signIn('ana', t0 + 7000), { kind: 'refused', reason: 'disabled', message: 'this account is disabled in CivicNet: ask an administrator' })
  assert.is(accounts.user('ana.lopez')!.role, 'analyst')

  const log = accounts.auditLog().reverse().map((e) => [e.actor, e.address, e.action, e.target, e.outcome, e.detail])
  assert.equal(log, [
    ['idp:oidc', ADDR, 'user.add', 'user:ana.lopez', 'ok', 'role engineer'],
    ['user:ana.lopez', ADDR, 'sign-in', 'user:ana.lopez', 'ok', 'oidc'],
    [null, ADDR, 'sign-in', 'user:ana.lopez', 'refused', 'wrong password'],
    ['idp:oidc', ADDR, 'user.role', 'user:ana.lopez', 'ok', 'engineer -> analyst'],
    ['user:ana.lopez', ADDR, 'sign-in', 'user:ana.lopez', 'ok', 'oidc'],
    ['user:ana.lopez', ADDR, 'sign-in', 'user:ana.lopez', 'ok', 'oidc'],
    ['cli', null, 'user.disable', 'user:ana.lopez', 'ok', null],
    [null, ADDR, 'sign-in', 'user:ana.lopez', 'refused', 'oidc: account disabled'],
  ])
  const text = JSON.stringify(accounts.auditLog())
  for (const secret of [s1, s2, (third as { sessionId: string }).sessionId, CLIENT_SECRET]) assert.not.ok(text.includes(secret))
  ctx.idp.accounts.ana!.groups = ['everyone', 'city-netops']
  state.close()
})

flow.after(() => rmSync(dir, { recursive: true, force: true }))

flow.run()
