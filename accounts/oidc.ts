/**
 * Optional sign-in through the city's identity provider (IdP) by OpenID Connect: the
 * authorization code flow with PKCE (S256), state and nonce, through openid-client. The IdP
 * authenticates the person (and does the second factor); a group claim in its ID token says
 * which CivicNet role they get. No HTTP server here: the API's routes call `start` (redirect
 * the browser to `url`, keep `pending` server-side or in an HttpOnly cookie) and `finish`
 * (with the callback's URL and that `pending`), then `accounts.signInExternal(identity, 'oidc', …)`.
 *
 * The settings (all in the environment, .env.example), read once by `oidcConfigFromEnv`:
 *
 *   CIVICNET_OIDC_ISSUER             the IdP's issuer URL: https, or http for a loopback host only
 *   CIVICNET_OIDC_CLIENT_ID          CivicNet's client id at the IdP
 *   CIVICNET_OIDC_CLIENT_SECRET_FILE a file holding the client secret (mode 0600; one line)
 *   CIVICNET_OIDC_REDIRECT_URL       the public URL of /api/session/oidc/callback
 *   CIVICNET_OIDC_ROLE_MAP           "<group>=<role>,…" (roles admin, engineer, analyst, planner);
 *                                    a person in several mapped groups gets the most powerful
 *                                    role: admin > engineer > analyst > planner
 *   CIVICNET_OIDC_GROUPS_CLAIM       the ID token claim listing the person's groups (default groups)
 *   CIVICNET_OIDC_USERNAME_CLAIM     the claim that is the CivicNet username (default
 *                                    preferred_username; falls back to email unless the
 *                                    IdP marks it email_verified false)
 *   CIVICNET_OIDC_SCOPES             scopes asked for (default "openid profile email"; openid always)
 *   CIVICNET_OIDC_LABEL              the sign-in button's text (default "Sign in with the city's account")
 *
 * The username is the claim lower-cased, and an email's '@' becomes '.' (ana@hartford.gov is
 * `ana.hartford.gov`: the domain is kept so two domains' "ana" stay two people); anything
 * else outside the accounts username pattern is refused, not rewritten. The ID token's
 * signature is checked against the IdP's published keys (openid-client's non-repudiation
 * checks), not only trusted for having come over TLS, and its times against `nowMs`.
 *
 * Errors (`OidcError`) carry a message fit to show the person: never a token, code or secret.
 */
import { readFileSync } from 'node:fs'
import { resolve } from 'node:path'
import { timingSafeEqual } from 'node:crypto'
import * as client from 'openid-client'
import { othersMayRead } from './key.ts'
import { hasControlChars, isEmail, isUsername, withoutControlChars } from './names.ts'
import { ROLES, type Role } from './store.ts'

/** The path the redirect URL must end with (the API's callback route). */
export const OIDC_CALLBACK_PATH = '/api/session/oidc/callback'
/** How long a started sign-in waits for its callback. */
export const PENDING_LOGIN_MS = 10 * 60_000
/** Roles from the most powerful down: the first one a person's groups map to wins. */
export const ROLE_STRENGTH: readonly Role[] = ['admin', 'engineer', 'analyst', 'planner']
export const DEFAULT_OIDC_LABEL = "Sign in with the city's account"


export interface OidcConfig {
  issuer: URL
  clientId: string
  /** not enumerable, so logging or serialising the config does not show it */
  readonly clientSecret: string
  redirectUrl: URL
  scopes: readonly string[]
  groupsClaim: string
  usernameClaim: string
  /** group name → role */
  roleMap: ReadonlyMap<string, Role>
  label: string
}

/** What `start` hands the caller to keep until the callback; plain JSON (a cookie or a map value). */
export interface PendingLogin {
  state: string
  nonce: string
  codeVerifier: string
  createdMs: number
}

/** The person the IdP vouched for, and the role their groups map to. */
export interface OidcIdentity {
  /** the IdP's `sub` */
  subject: string
  username: string
  displayName: string
  email: string | null
  /** every group the ID token listed, mapped or not */
  groups: string[]
  role: Role
}

export type OidcErrorCode = 'no-role' | 'bad-state' | 'token-refused' | 'idp-error' | 'no-username'

/** A refused OIDC sign-in; `message` is for the person, `reason` (an openid-client code, if any) for the log. */
export class OidcError extends Error {
  constructor(readonly code: OidcErrorCode, message: string, readonly reason: string | null = null) {
    super(message)
    this.name = 'OidcError'
  }
}

export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname)
}

function httpsOrLoopback(name: string, raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new RangeError(`${name} must be a URL (got '${raw.slice(0, 80)}')`)
  }
  if (url.protocol !== 'https:' && !(url.protocol === 'http:' && isLoopbackHost(url.hostname))) throw new RangeError(`${name} must be an https URL (http only for 127.0.0.1 or localhost), got ${url.protocol}//${url.host}`)
  if (url.search || url.hash) throw new RangeError(`${name} must have no query or fragment`)
  if (url.username || url.password) throw new RangeError(`${name} must not hold a user or password`)
  return url
}

/** Reads the client secret; throws naming the file (never its content). */
function readSecretFile(name: string, path: string): string {
  let raw: string
  try {
    raw = readFileSync(path, 'utf8')
  } catch (err) {
    throw new RangeError(`${name}: cannot read ${path}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`)
  }
  const others = othersMayRead(path)
  if (others) throw new RangeError(`${name}: ${others}`)
  const secret = raw.replace(/[\r\n]+$/, '')
  if (secret.length === 0) throw new RangeError(`${name}: ${path} is empty`)
  if (/[\r\n]/.test(secret)) throw new RangeError(`${name}: ${path} must hold the secret on one line`)
  return secret
}

/** "<group>=<role>,…": each entry split at its last '=', so a group may hold '=' but not ','. */
export function parseRoleMap(name: string, raw: string): Map<string, Role> {
  const map = new Map<string, Role>()
  for (const entry of raw.split(',').map((e) => e.trim()).filter(Boolean)) {
    const at = entry.lastIndexOf('=')
    const group = entry.slice(0, at).trim()
    const role = entry.slice(at + 1).trim().toLowerCase()
    if (at <= 0 || group === '') throw new RangeError(`${name}: '${entry.slice(0, 80)}' is not "<group>=<role>"`)
    if (!(ROLES as readonly string[]).includes(role)) throw new RangeError(`${name}: '${role}' (for group '${group}') is not a role (${ROLES.join(', ')})`)
    if (map.has(group) && map.get(group) !== role) throw new RangeError(`${name}: group '${group}' is mapped twice (${map.get(group)} and ${role})`)
    map.set(group, role as Role)
  }
  if (map.size === 0) throw new RangeError(`${name} maps no group to a role: nobody could sign in`)
  return map
}

const CLAIM_NAME = /^[A-Za-z0-9_.:/-]{1,100}$/

/**
 * The OIDC settings from the environment, or null when CIVICNET_OIDC_ISSUER is unset (OIDC
 * sign-in off). A wrong value throws a RangeError naming the variable; an incomplete set
 * names every variable missing.
 */
export function oidcConfigFromEnv(env: NodeJS.ProcessEnv = process.env): OidcConfig | null {
  const get = (name: string): string | undefined => {
    const v = env[name]
    return v === undefined || v.trim() === '' ? undefined : v.trim()
  }
  const issuerRaw = get('CIVICNET_OIDC_ISSUER')
  if (issuerRaw === undefined) return null
  const required = ['CIVICNET_OIDC_CLIENT_ID', 'CIVICNET_OIDC_CLIENT_SECRET_FILE', 'CIVICNET_OIDC_REDIRECT_URL', 'CIVICNET_OIDC_ROLE_MAP']
  const missing = required.filter((n) => get(n) === undefined)
  if (missing.length > 0) throw new RangeError(`CIVICNET_OIDC_ISSUER is set but ${missing.join(', ')} ${missing.length === 1 ? 'is' : 'are'} missing`)

  const issuer = httpsOrLoopback('CIVICNET_OIDC_ISSUER', issuerRaw)
  const clientId = get('CIVICNET_OIDC_CLIENT_ID')!
  if (clientId.length > 255 || hasControlChars(clientId)) throw new RangeError('CIVICNET_OIDC_CLIENT_ID must be 1 to 255 characters without control characters')
  const clientSecret = readSecretFile('CIVICNET_OIDC_CLIENT_SECRET_FILE', resolve(get('CIVICNET_OIDC_CLIENT_SECRET_FILE')!))
  const redirectUrl = httpsOrLoopback('CIVICNET_OIDC_REDIRECT_URL', get('CIVICNET_OIDC_REDIRECT_URL')!)
  if (!redirectUrl.pathname.endsWith(OIDC_CALLBACK_PATH)) throw new RangeError(`CIVICNET_OIDC_REDIRECT_URL must be the public URL of ${OIDC_CALLBACK_PATH} (got path ${redirectUrl.pathname})`)
  const roleMap = parseRoleMap('CIVICNET_OIDC_ROLE_MAP', get('CIVICNET_OIDC_ROLE_MAP')!)
  const claim = (name: string, fallback: string): string => {
    const v = get(name) ?? fallback
    if (!CLAIM_NAME.test(v)) throw new RangeError(`${name} must be a claim name (letters, digits, _ . : / -), got '${v.slice(0, 80)}'`)
    return v
  }
  const groupsClaim = claim('CIVICNET_OIDC_GROUPS_CLAIM', 'groups')
  const usernameClaim = claim('CIVICNET_OIDC_USERNAME_CLAIM', 'preferred_username')
  const scopesRaw = get('CIVICNET_OIDC_SCOPES') ?? 'openid profile email'
  const scopes = [...new Set(['openid', ...scopesRaw.split(/[\s,]+/).filter(Boolean)])]
  for (const s of scopes) if (!/^[\x21\x23-\x5b\x5d-\x7e]{1,100}$/.test(s)) throw new RangeError(`CIVICNET_OIDC_SCOPES: '${s.slice(0, 80)}' is not a scope`)
  const label = get('CIVICNET_OIDC_LABEL') ?? DEFAULT_OIDC_LABEL
  if (label.length > 80 || hasControlChars(label)) throw new RangeError('CIVICNET_OIDC_LABEL must be 1 to 80 characters without control characters')

  const config: Omit<OidcConfig, 'clientSecret'> = { issuer, clientId, redirectUrl, scopes, groupsClaim, usernameClaim, roleMap, label }
  return Object.defineProperty(config, 'clientSecret', { value: clientSecret, enumerable: false }) as OidcConfig
}

/** The strongest role any of `groups` maps to, or null. */
export function roleForGroups(groups: readonly string[], roleMap: ReadonlyMap<string, Role>): Role | null {
  const roles = new Set(groups.map((g) => roleMap.get(g)).filter((r): r is Role => r !== undefined))
  return ROLE_STRENGTH.find((r) => roles.has(r)) ?? null
}

/** A PendingLogin read back from where the caller kept it (a JSON string, say), or null if it is not one. */
export function parsePendingLogin(value: unknown): PendingLogin | null {
  let v = value
  if (typeof v === 'string') {
    try {
      v = JSON.parse(v)
    } catch {
      return null
    }
  }
  if (typeof v !== 'object' || v === null) return null
  const p = v as Record<string, unknown>
  const token = (x: unknown) => typeof x === 'string' && /^[A-Za-z0-9_-]{32,128}$/.test(x)
  if (!token(p.state) || !token(p.nonce) || !token(p.codeVerifier) || !Number.isSafeInteger(p.createdMs)) return null
  return { state: p.state as string, nonce: p.nonce as string, codeVerifier: p.codeVerifier as string, createdMs: p.createdMs as number }
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a)
  const y = Buffer.from(b)
  return x.length === y.length && timingSafeEqual(x, y)
}

/** A value from the IdP made safe to show: no control characters, at most `max` characters. */
function shown(v: unknown, max: number): string {
  return withoutControlChars(String(v)).trim().slice(0, max)
}

/** The CivicNet username from the ID token's claims, or null when none fits. */
export function usernameFromClaims(claims: Record<string, unknown>, usernameClaim: string): string | null {
  const candidates: unknown[] = [claims[usernameClaim]]
  // An email stands in unless the IdP marks it unverified: an unverified one could be anyone's.
  if (usernameClaim !== 'email' && claims.email_verified !== false) candidates.push(claims.email)
  for (const c of candidates) {
    if (typeof c !== 'string' || c.trim() === '') continue
    const name = c.trim().toLowerCase().normalize('NFKC')
    const parts = name.split('@')
    if (parts.length > 2) return null
    const username = parts.join('.')
    return isUsername(username) ? username : null
  }
  return null
}

function groupsFromClaims(value: unknown): string[] {
  if (typeof value === 'string') return [value]
  if (Array.isArray(value)) return value.filter((g): g is string => typeof g === 'string')
  return []
}

/** Turns what openid-client threw into an OidcError fit to show; never its message (it may quote a response). */
function refusal(err: unknown): OidcError {
  if (err instanceof OidcError) return err
  if (err instanceof client.ResponseBodyError) {
    const code = shown(err.error, 60)
    return new OidcError('token-refused', `the identity provider refused the sign-in code (${code}): it was used already or has expired; sign in again`, err.code ?? null)
  }
  if (err instanceof client.AuthorizationResponseError) return new OidcError('idp-error', `the identity provider refused the sign-in (${shown(err.error, 60)})`, err.code ?? null)
  const code = (err as { code?: unknown })?.code
  switch (code) {
    case 'OAUTH_JWT_TIMESTAMP_CHECK_FAILED':
      return new OidcError('token-refused', "the identity provider's ID token has expired or is not valid yet (check this server's clock); sign in again", code)
    case 'OAUTH_JWT_CLAIM_COMPARISON_FAILED':
      return new OidcError('token-refused', "the identity provider's ID token was not issued for this sign-in (issuer, audience or nonce differ); sign in again", code)
    case 'OAUTH_INVALID_RESPONSE':
    case 'OAUTH_KEY_SELECTION_FAILED':
    case 'OAUTH_PARSE_ERROR':
    case 'OAUTH_JSON_ATTRIBUTE_COMPARISON_FAILED':
      return new OidcError('token-refused', "the identity provider's answer could not be verified (its ID token is not signed by the provider's keys or is malformed)", code)
    case 'OAUTH_TIMEOUT':
    case 'OAUTH_ABORT':
      return new OidcError('idp-error', 'the identity provider did not answer in time; try again', code)
  }
  if (err instanceof TypeError) return new OidcError('idp-error', 'the identity provider cannot be reached; try again later', (err.cause as { code?: string } | undefined)?.code ?? 'fetch')
  return new OidcError('idp-error', 'the identity provider gave an answer CivicNet cannot use', typeof code === 'string' ? code : null)
}

export interface OidcDeps {
  /** the fetch the IdP is called with (tests read or change answers through it) */
  fetch?: typeof fetch
  /** seconds each call to the IdP may take (default 10) */
  timeoutSec?: number
}

export function createOidc(config: OidcConfig, deps: OidcDeps = {}) {
  // openid-client refuses http; a loopback issuer is a test's or a developer's own provider.
  const insecure = config.issuer.protocol === 'http:' && isLoopbackHost(config.issuer.hostname)
  const timeout = deps.timeoutSec ?? 10
  let server: Promise<client.ServerMetadata> | null = null
  let jwksCache: client.ExportedJWKSCache | undefined

  /** The IdP's metadata, fetched once; a failure is not kept, so the next sign-in tries again. */
  function serverMetadata(): Promise<client.ServerMetadata> {
    server ??= client
      .discovery(config.issuer, config.clientId, undefined, undefined, {
        execute: insecure ? [client.allowInsecureRequests] : [],
        ...(deps.fetch ? { [client.customFetch]: deps.fetch as client.CustomFetch } : {}),
        timeout,
      })
      .then((c) => c.serverMetadata())
      .catch((err: unknown) => {
        server = null
        const why = refusal(err)
        throw new OidcError('idp-error', `the identity provider at ${config.issuer.origin} cannot be used: ${why.message}`, why.reason)
      })
    return server
  }

  /** A client configuration whose clock is `nowMs` (openid-client checks exp/iat against it). */
  async function configuration(nowMs: number): Promise<client.Configuration> {
    const metadata: Partial<client.ClientMetadata> = { client_secret: config.clientSecret, [client.clockSkew]: Math.round((nowMs - Date.now()) / 1000) }
    const c = new client.Configuration(await serverMetadata(), config.clientId, metadata, client.ClientSecretBasic(config.clientSecret))
    if (insecure) client.allowInsecureRequests(c)
    client.enableNonRepudiationChecks(c)
    if (deps.fetch) c[client.customFetch] = deps.fetch as client.CustomFetch
    if (jwksCache) client.setJwksCache(c, jwksCache)
    c.timeout = timeout
    return c
  }

  return {
    label: config.label,

    /** Where to send the browser, and what to keep (server-side or in an HttpOnly cookie) until the callback. */
    async start(nowMs: number = Date.now()): Promise<{ url: string; pending: PendingLogin }> {
      const c = await configuration(nowMs)
      const codeVerifier = client.randomPKCECodeVerifier()
      const pending: PendingLogin = { state: client.randomState(), nonce: client.randomNonce(), codeVerifier, createdMs: nowMs }
      const url = client.buildAuthorizationUrl(c, {
        redirect_uri: config.redirectUrl.href,
        scope: config.scopes.join(' '),
        code_challenge: await client.calculatePKCECodeChallenge(codeVerifier),
        code_challenge_method: 'S256',
        state: pending.state,
        nonce: pending.nonce,
      })
      return { url: url.href, pending }
    },

    /**
     * Checks the callback (`callbackUrl`: only its query is read; the redirect URL is the
     * configured one, whatever host the request came in on), redeems the code with the PKCE
     * verifier, verifies the ID token (signature, issuer, audience, nonce, times at `nowMs`)
     * and maps its claims. Throws OidcError; the caller drops `pending` either way.
     */
    async finish(callbackUrl: URL, pending: PendingLogin, nowMs: number = Date.now()): Promise<OidcIdentity> {
      const given = parsePendingLogin(pending)
      const state = callbackUrl.searchParams.get('state')
      if (!given || state === null || !sameText(state, given.state)) throw new OidcError('bad-state', 'this sign-in was not started here or was started again elsewhere: sign in again')
      if (nowMs - given.createdMs > PENDING_LOGIN_MS || nowMs < given.createdMs - 60_000) throw new OidcError('bad-state', `this sign-in took longer than ${PENDING_LOGIN_MS / 60_000} minutes: sign in again`)
      const idpError = callbackUrl.searchParams.get('error')
      if (idpError !== null) {
        const description = callbackUrl.searchParams.get('error_description')
        throw new OidcError('idp-error', `the identity provider refused the sign-in (${shown(idpError, 60)}${description ? `: ${shown(description, 200)}` : ''})`, 'OAUTH_AUTHORIZATION_RESPONSE_ERROR')
      }
      const current = new URL(config.redirectUrl)
      current.search = callbackUrl.search
      let claims: client.IDToken | undefined
      try {
        const c = await configuration(nowMs)
        const tokens = await client.authorizationCodeGrant(c, current, {
          pkceCodeVerifier: given.codeVerifier,
          expectedState: given.state,
          expectedNonce: given.nonce,
          idTokenExpected: true,
        })
        jwksCache = client.getJwksCache(c) ?? jwksCache
        claims = tokens.claims()
      } catch (err) {
        throw refusal(err)
      }
      if (!claims) throw new OidcError('token-refused', 'the identity provider sent no ID token')

      const username = usernameFromClaims(claims, config.usernameClaim)
      if (!username) throw new OidcError('no-username', `the identity provider gave no username CivicNet can use (claim ${config.usernameClaim}, or email unless marked unverified): 2 to 64 letters, digits, dots, dashes or underscores`)
      const groups = groupsFromClaims(claims[config.groupsClaim])
      const role = roleForGroups(groups, config.roleMap)
      if (!role) throw new OidcError('no-role', `your account is in none of the groups CivicNet maps to a role (${[...config.roleMap.keys()].join(', ')}): ask an administrator to add you to one`)
      const given_ = [claims.given_name, claims.family_name].filter((x) => typeof x === 'string' && x.trim() !== '').join(' ')
      const displayName = shown(typeof claims.name === 'string' && claims.name.trim() !== '' ? claims.name : given_ || username, 100) || username
      const email = isEmail(claims.email) ? claims.email : null
      return { subject: claims.sub, username, displayName, email, groups, role }
    },
  }
}

/** What createOidc returns. */
export type Oidc = ReturnType<typeof createOidc>
