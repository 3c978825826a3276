/**
 * A real OpenID Connect provider (oidc-provider) on 127.0.0.1 for the OIDC sign-in tests: one
 * confidential client (client_secret_basic, PKCE required), the accounts the test gives
 * (claims incl. `groups` and `preferred_username`, changeable between sign-ins), the groups
 * claim released in the ID token under a `groups` scope, and its RSA signing key known
 * (its kid, so a test can forge a token that claims to be the provider's).
 *
 * `browse` plays the browser: it follows the authorization redirects by hand with a cookie
 * jar and submits the provider's own development login and consent forms (devInteractions)
 * with fetch POSTs, until the provider redirects to the client's redirect URL.
 */
import { generateKeyPairSync, type JsonWebKey } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import Provider from 'oidc-provider'

export interface TestOidcProviderOptions {
  clientId: string
  clientSecret: string
  redirectUris: string[]
  /** account id (the login typed in the dev form, and `sub`) → its claims */
  accounts: Record<string, Record<string, unknown>>
  /** seconds an ID token is valid (default 3600) */
  idTokenTtlSec?: number
}

export interface TestOidcProvider {
  issuer: string
  /** the kid of the provider's signing key */
  kid: string
  /** mutable: a test changes a person's groups between sign-ins */
  accounts: Record<string, Record<string, unknown>>
  /** from an authorization URL to the callback URL the provider redirects to, signed in as `accountId` */
  browse(authorizationUrl: string, accountId: string): Promise<URL>
  stop(): Promise<void>
}

export async function startOidcProvider(opts: TestOidcProviderOptions): Promise<TestOidcProvider> {
  const kid = 'civicnet-test-key'
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 })
  const jwk = { ...(privateKey.export({ format: 'jwk' }) as JsonWebKey), kid, alg: 'RS256', use: 'sig' }
  const accounts = opts.accounts

  const server: Server = createServer()
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => resolve())
  })
  const issuer = `http://127.0.0.1:${(server.address() as AddressInfo).port}`

  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: opts.clientId,
        client_secret: opts.clientSecret,
        redirect_uris: opts.redirectUris,
        token_endpoint_auth_method: 'client_secret_basic',
        response_types: ['code'],
        grant_types: ['authorization_code'],
      },
    ],
    jwks: { keys: [jwk as never] },
    cookies: { keys: ['civicnet-test-cookie-key'] },
    pkce: { required: () => true },
    features: { devInteractions: { enabled: true } },
    scopes: ['openid', 'profile', 'email', 'groups'],
    claims: {
      openid: ['sub'],
      profile: ['name', 'given_name', 'family_name', 'preferred_username'],
      email: ['email', 'email_verified'],
      groups: ['groups'],
    },
    // The claims the scopes grant go into the ID token too, not only to userinfo.
    conformIdTokenClaims: false,
    ttl: { IdToken: opts.idTokenTtlSec ?? 3600 },
    async findAccount(_ctx, sub) {
      if (!accounts[sub]) return undefined
      return { accountId: sub, claims: async () => ({ ...accounts[sub], sub }) }
    },
  })
  server.on('request', provider.callback())

  async function browse(authorizationUrl: string, accountId: string): Promise<URL> {
    const jar = new Map<string, string>()
    const redirects = opts.redirectUris
    let url = new URL(authorizationUrl)
    let body: URLSearchParams | null = null
    for (let hop = 0; hop < 20; hop++) {
      const res: Response = await fetch(url, {
        method: body ? 'POST' : 'GET',
        redirect: 'manual',
        headers: { cookie: [...jar].map(([k, v]) => `${k}=${v}`).join('; '), ...(body ? { 'content-type': 'application/x-www-form-urlencoded' } : {}) },
        body,
      })
      for (const c of res.headers.getSetCookie()) {
        const [pair] = c.split(';')
        const eq = pair!.indexOf('=')
        const name = pair!.slice(0, eq)
        const value = pair!.slice(eq + 1)
        if (value === '' || /expires=Thu, 01 Jan 1970/i.test(c)) jar.delete(name)
        else jar.set(name, value)
      }
      body = null
      const location = res.headers.get('location')
      if (res.status >= 300 && res.status < 400 && location) {
        await res.arrayBuffer()
        const next = new URL(location, url)
        if (redirects.some((r) => next.href.startsWith(r))) return next
        url = next
        continue
      }
      const html: string = await res.text()
      if (res.status !== 200) throw new Error(`the test provider answered ${res.status} at ${url.pathname}: ${html.slice(0, 300)}`)
      // A dev interaction page: the login form, or the consent form.
      const action: string | undefined = /<form[^>]*action="([^"]+)"/.exec(html)?.[1]
      const prompt: string | undefined = /name="prompt" value="([a-z]+)"/.exec(html)?.[1]
      if (!action || !prompt) throw new Error(`the test provider's page at ${url.pathname} has no interaction form`)
      url = new URL(action.replace(/&amp;/g, '&'), url)
      body = new URLSearchParams(prompt === 'login' ? { prompt, login: accountId, password: 'any' } : { prompt })
    }
    throw new Error('the test provider redirected more than 20 times')
  }

  return {
    issuer,
    kid,
    accounts,
    browse,
    stop: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections()
        server.close((err) => (err ? reject(err) : resolve()))
      }),
  }
}
