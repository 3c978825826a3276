/**
 * The sign-in part every page shares, in its header: signed out, a form (username and
 * password, and "sign in with the city's account" when the server offers OIDC); then the
 * steps the server asks for (a code from the authenticator app, setting one up with its QR
 * code and ten recovery codes shown once, setting one's own password); signed in, who and
 * in which role, "Sign out", and the nav of exactly the pages that role may use (GET
 * /api/session `pages`). The session lives in an HttpOnly cookie the page never sees; this
 * module only keeps the CSRF token of it (api-client.ts). When any answer says the session
 * ended (idle, too old, the account disabled or its role changed), the form comes back with
 * a note saying why.
 *
 * Test hooks (data-testid): session, nav (a[data-page]), signin-form (#signin-username,
 * #signin-password, signin-submit), signin-oidc, session-note, session-error, mfa-form
 * (#mfa-code), enrol-step (enrol-qr, enrol-secret, enrol-form with #enrol-code),
 * recovery-step (recovery-codes li, recovery-saved), password-form (#pw-current, #pw-new,
 * #pw-repeat, password-policy), whoami, sign-out. A failed sign-in with the identity
 * provider comes back as /#signin-error=<why>: shown as the note, then dropped from the address.
 */
import { ApiError, createSessionClient, onSessionTrouble } from './api-client.ts'
import type { SessionInfo, SignInStep } from './types.ts'

type Child = Node | string | null | false
/** An element with attributes and children; text is always text (never parsed as HTML). */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string | boolean> = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag)
  for (const [k, v] of Object.entries(attrs)) {
    if (v === false) continue
    el.setAttribute(k, v === true ? '' : v)
  }
  for (const c of children) if (c !== null && c !== false) el.append(c)
  return el
}

const ROLE_WORDS: Record<string, string> = { admin: 'admin', engineer: 'engineer', analyst: 'analyst', planner: 'planner' }

export const PASSWORD_POLICY = 'At least 12 characters, and not a common password.'

/** The secret in groups of four, to type by hand into an authenticator app. */
export const groupSecret = (s: string): string => s.replace(/(.{4})(?=.)/g, '$1 ')

/** Base64 of a UTF-8 string (for a data: URL of the QR code's SVG). */
function base64Utf8(text: string): string {
  const bytes = new TextEncoder().encode(text)
  let bin = ''
  for (const b of bytes) bin += String.fromCharCode(b)
  return btoa(bin)
}

/** Drops a token from the address unread (it has been sent in the clear already); returns the note to show, or null. */
export function dropUrlToken(): string | null {
  const params = new URLSearchParams(location.search)
  if (!params.has('token') && !params.has('access_token')) return null
  params.delete('token')
  params.delete('access_token')
  history.replaceState(null, '', `${location.pathname}${params.size ? `?${params}` : ''}${location.hash}`)
  return 'A token in the address was ignored: tokens never go in URLs (they are for scripts). Sign in with the form instead, and ask an admin to revoke the token if the link was shared.'
}

/**
 * The refusal the identity provider's return leaves in the fragment (/#signin-error=...,
 * api/routes/session/oidc.ts), as the note to show; the fragment is removed from the address.
 */
function signinErrorFromUrl(): string | null {
  const fragment = new URLSearchParams(location.hash.slice(1))
  const why = fragment.get('signin-error')
  if (why === null) return null
  fragment.delete('signin-error')
  history.replaceState(null, '', `${location.pathname}${location.search}${fragment.size ? `#${fragment}` : ''}`)
  return `Signing in with the city's account failed: ${why}`
}

/** Saves a blob as a download with the server's file name. */
export function saveBlob(blob: Blob, fileName: string): void {
  const a = document.createElement('a')
  a.href = URL.createObjectURL(blob)
  a.download = fileName
  document.body.append(a)
  a.click()
  a.remove()
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000)
}

export interface SessionBox {
  /** the newest GET /api/session answer (null before the first) */
  info(): SessionInfo | null
  /** resolves once the first answer is shown */
  ready: Promise<SessionInfo | null>
  /** true when the signed-in role may use page `id` */
  allows(id: string): boolean
  /** asks the server again and redraws (after a refusal, say) */
  refresh(note?: string): Promise<SessionInfo | null>
}

export interface SessionBoxOptions {
  /** the header element the box renders into */
  root: HTMLElement
  /** the nav element that lists the pages */
  nav: HTMLElement
  /** this page's id ('map', 'report', ...: api/auth/pages.ts) */
  pageId: string
  /** called after each change of who is signed in (and once at start) */
  onChange?: (info: SessionInfo | null) => void
  baseUrl?: string
}

export function createSessionBox(opts: SessionBoxOptions): SessionBox {
  const client = createSessionClient({ baseUrl: opts.baseUrl ?? '' })
  let info: SessionInfo | null = null
  /** the one-time (or current) password typed at sign-in, kept in memory for the change-password step only */
  let typedPassword: string | null = null
  let note: string | null = signinErrorFromUrl()
  let lastKey = ''

  const setBox = (...children: Child[]) => {
    opts.root.replaceChildren(...children.filter((c): c is Node | string => c !== null && c !== false))
  }
  const noteEl = () => (note ? h('p', { class: 'session-note', 'data-testid': 'session-note', role: 'status' }, note) : null)
  const errorEl = () => h('p', { class: 'session-error', 'data-testid': 'session-error', role: 'alert' })
  const showError = (err: unknown) => {
    const el = opts.root.querySelector<HTMLElement>('[data-testid=session-error]')
    const text = err instanceof Error ? err.message : String(err)
    if (el) el.textContent = text.charAt(0).toUpperCase() + text.slice(1)
  }
  /** Runs a step's request with its form's button disabled, then goes on with the answer. */
  const submitting = (form: HTMLFormElement, run: () => Promise<void>) => {
    form.addEventListener('submit', (e) => {
      e.preventDefault()
      const button = form.querySelector<HTMLButtonElement>('button[type=submit]')
      if (button) button.disabled = true
      run()
        .catch((err: unknown) => {
          if (err instanceof ApiError && err.code === 'CN_ERR_SIGNIN_EXPIRED') {
            note = 'That sign-in took too long or is not valid any more: sign in again.'
            void refresh()
            return
          }
          showError(err)
        })
        .finally(() => {
          if (button?.isConnected) button.disabled = false
        })
    })
  }

  function drawNav() {
    const pages = info?.pages ?? [{ id: 'map', path: '/', title: 'Map' }, { id: 'status', path: '/status', title: 'Status' }]
    const key = pages.map((p) => p.id).join(',')
    if (key === lastKey && opts.nav.childElementCount > 0) return
    lastKey = key
    opts.nav.replaceChildren(...pages.map((p) => h('a', { href: p.path, 'data-page': p.id, ...(p.id === opts.pageId ? { 'aria-current': 'page' } : {}) }, p.title)))
  }

  function drawSignedOut() {
    const form = h('form', { class: 'signin', 'data-testid': 'signin-form', method: 'post', action: location.pathname, autocomplete: 'on' },
      h('label', { for: 'signin-username' }, 'Username'),
      h('input', { id: 'signin-username', name: 'username', autocomplete: 'username', required: true, spellcheck: 'false', autocapitalize: 'none' }),
      h('label', { for: 'signin-password' }, 'Password'),
      h('input', { id: 'signin-password', name: 'password', type: 'password', autocomplete: 'current-password', required: true }),
      h('button', { type: 'submit', 'data-testid': 'signin-submit' }, 'Sign in'),
      info?.oidc ? h('a', { class: 'oidc', href: info.oidc.start, 'data-testid': 'signin-oidc' }, info.oidc.label) : null,
    )
    submitting(form, async () => {
      const username = form.querySelector<HTMLInputElement>('#signin-username')!.value.trim()
      const password = form.querySelector<HTMLInputElement>('#signin-password')!.value
      const step = await client.signIn(username, password)
      typedPassword = password
      note = null
      await onStep(step)
    })
    setBox(form, noteEl(), errorEl())
  }

  function drawCard(title: string, ...children: Child[]) {
    setBox(h('section', { class: 'session-card', 'aria-label': title }, h('h2', {}, title), ...children, errorEl(), h('button', { type: 'button', class: 'link', 'data-testid': 'signin-cancel' }, 'Cancel')))
    opts.root.querySelector('[data-testid=signin-cancel]')!.addEventListener('click', () => void signOut())
  }

  function drawMfa() {
    const form = h('form', { 'data-testid': 'mfa-form', method: 'post', action: location.pathname },
      h('label', { for: 'mfa-code' }, 'The 6-digit code from your authenticator app, or a recovery code'),
      h('input', { id: 'mfa-code', name: 'code', autocomplete: 'one-time-code', inputmode: 'text', required: true, spellcheck: 'false', maxlength: '20' }),
      h('button', { type: 'submit' }, 'Verify'),
    )
    submitting(form, async () => onStep(await client.mfa(form.querySelector<HTMLInputElement>('#mfa-code')!.value.trim())))
    drawCard('Second factor', form)
    form.querySelector<HTMLInputElement>('#mfa-code')!.focus()
  }

  async function drawEnrol() {
    const e = await client.beginEnrolment()
    const form = h('form', { 'data-testid': 'enrol-form', method: 'post', action: location.pathname },
      h('label', { for: 'enrol-code' }, 'Then type the 6-digit code it shows'),
      h('input', { id: 'enrol-code', name: 'code', autocomplete: 'one-time-code', inputmode: 'numeric', required: true, maxlength: '6', pattern: '[0-9]{6}' }),
      h('button', { type: 'submit' }, 'Confirm'),
    )
    submitting(form, async () => {
      const r = await client.confirmEnrolment(form.querySelector<HTMLInputElement>('#enrol-code')!.value.trim())
      drawRecovery(r.recoveryCodes, r)
    })
    drawCard('Set up your second factor',
      h('div', { 'data-testid': 'enrol-step' },
        h('p', {}, 'Your role signs in with a code from an authenticator app as well. Scan this QR code with the app, or type the key by hand.'),
        h('img', { class: 'qr', 'data-testid': 'enrol-qr', src: `data:image/svg+xml;base64,${base64Utf8(e.qrSvg)}`, alt: 'QR code of the authenticator key', width: '180', height: '180' }),
        h('p', {}, 'Key: ', h('code', { 'data-testid': 'enrol-secret', class: 'secret' }, groupSecret(e.secret))),
        form,
      ),
    )
  }

  function drawRecovery(codes: string[], step: SignInStep) {
    const done = h('button', { type: 'button', 'data-testid': 'recovery-saved' }, 'I have saved them')
    done.addEventListener('click', () => void onStep(step).catch(showError))
    drawCard('Your recovery codes',
      h('div', { 'data-testid': 'recovery-step' },
        h('p', {}, 'Each works once in place of a code, if you lose your phone. They are shown this once: save them somewhere safe now.'),
        h('ol', { class: 'recovery', 'data-testid': 'recovery-codes' }, ...codes.map((c) => h('li', {}, h('code', {}, c)))),
        done,
      ),
    )
    done.focus()
  }

  function drawPassword() {
    const form = h('form', { 'data-testid': 'password-form', method: 'post', action: location.pathname },
      h('input', { type: 'text', name: 'username', autocomplete: 'username', value: info?.user?.username ?? '', hidden: true, readonly: true }),
      h('label', { for: 'pw-current' }, typedPassword ? 'Your one-time (current) password' : 'Your current password'),
      h('input', { id: 'pw-current', type: 'password', autocomplete: 'current-password', required: true }),
      h('label', { for: 'pw-new' }, 'New password'),
      h('input', { id: 'pw-new', type: 'password', autocomplete: 'new-password', required: true, 'aria-describedby': 'pw-policy' }),
      h('label', { for: 'pw-repeat' }, 'New password again'),
      h('input', { id: 'pw-repeat', type: 'password', autocomplete: 'new-password', required: true }),
      h('p', { id: 'pw-policy', class: 'muted', 'data-testid': 'password-policy' }, PASSWORD_POLICY),
      h('button', { type: 'submit' }, 'Set password'),
    )
    if (typedPassword) form.querySelector<HTMLInputElement>('#pw-current')!.value = typedPassword
    submitting(form, async () => {
      const current = form.querySelector<HTMLInputElement>('#pw-current')!.value
      const next = form.querySelector<HTMLInputElement>('#pw-new')!.value
      if (next !== form.querySelector<HTMLInputElement>('#pw-repeat')!.value) throw new Error('The two new passwords differ: type the same one twice.')
      const step = await client.changePassword(current, next)
      typedPassword = null
      await onStep(step)
    })
    drawCard('Set your own password', h('p', {}, 'The password you were given works once: choose your own to go on.'), form)
  }

  function drawSignedIn(s: SessionInfo) {
    const who = s.user
      ? h('span', { class: 'whoami', 'data-testid': 'whoami' }, 'Signed in as ', h('strong', {}, s.user.displayName), ` (${ROLE_WORDS[s.user.role] ?? s.user.role})`)
      : h('span', { class: 'whoami', 'data-testid': 'whoami' }, 'Signed in with a token as ', h('strong', {}, s.scope), s.tokenLabel ? ` (${s.tokenLabel})` : '')
    const out = h('button', { type: 'button', class: 'secondary', 'data-testid': 'sign-out' }, 'Sign out')
    out.addEventListener('click', () => void signOut())
    setBox(who, out, noteEl())
  }

  async function signOut() {
    try {
      await client.signOut()
    } catch {
      // the cookie is cleared or was never there: the page shows the form either way
    }
    typedPassword = null
    note = null
    await refresh()
  }

  /** What a step's answer asks for next. */
  async function onStep(step: SignInStep) {
    if (step.next === 'mfa') return drawMfa()
    if (step.next === 'enrol') return drawEnrol()
    await refresh()
  }

  function draw() {
    document.body.classList.toggle('signed-in', Boolean(info?.signedIn))
    drawNav()
    if (info?.user?.mustChangePassword) return drawPassword()
    if (info?.signedIn) return drawSignedIn(info)
    drawSignedOut()
  }

  let refreshing: Promise<SessionInfo | null> | null = null
  async function refresh(withNote?: string): Promise<SessionInfo | null> {
    if (withNote) note = withNote
    if (refreshing) return refreshing
    refreshing = (async () => {
      const before = info ? `${info.user?.username ?? info.scope}:${info.signedIn}:${info.user?.mustChangePassword}` : ''
      try {
        info = await client.session()
        if (info.sessionEnded && !note) note = `Your session has ended (${info.sessionEnded}): sign in again.`
        if (info.signedIn && !info.user?.mustChangePassword) note = withNote ?? null
      } catch (err) {
        info = null
        note = `Could not ask the server who is signed in: ${(err as Error).message}`
      }
      draw()
      const after = info ? `${info.user?.username ?? info.scope}:${info.signedIn}:${info.user?.mustChangePassword}` : ''
      if (after !== before || !started) opts.onChange?.(info)
      started = true
      return info
    })().finally(() => (refreshing = null))
    return refreshing
  }
  let started = false

  onSessionTrouble((err) => {
    if (err.code === 'CN_ERR_UNAUTHENTICATED') {
      // the server no longer knows the session (ended and already reported elsewhere)
      if (info?.signedIn && info.via === 'session') void refresh(note ?? 'Your session has ended: sign in again.')
    } else if (err.code === 'CN_ERR_SESSION_ENDED') {
      const text = err.message.charAt(0).toUpperCase() + err.message.slice(1)
      void refresh(text.endsWith('.') ? text : `${text}.`)
    } else void refresh()
  })

  const ready = refresh()
  return {
    info: () => info,
    ready,
    allows: (id) => Boolean(info?.pages.some((p) => p.id === id)),
    refresh,
  }
}

/** What a page that the caller may not use says instead of its content, or null when they may. */
export function pageRefusal(box: SessionBox, id: string, who: string): string | null {
  const s = box.info()
  if (box.allows(id)) return null
  if (!s?.signedIn) return `Sign in to use this page: it needs ${who}.`
  if (s.user?.mustChangePassword) return 'Set your own password first (above).'
  return `Your role (${s.user?.role ?? s.scope}) may not use this page: it needs ${who}.`
}
