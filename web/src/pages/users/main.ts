/**
 * The admins' page: the accounts (add one, disable, enable, reset its second factor or its
 * password, change its role; a one-time password the server makes is shown once, in a box
 * that forgets it when closed) and the audit log (newest first, filtered by action and
 * actor, downloaded as CSV by a plain link: the session cookie goes with a same-origin GET).
 * Everything is what GET/POST /api/users and GET /api/audit answer; nothing is decided here.
 *
 * Test hooks (stable): window.__civicnetUsers = { ready, loads, users, audit, lastError };
 * data-testid: users-status, users-section, user-add-form (add-username, add-display,
 * add-email, add-role, add-submit), users-table (tr[data-username][data-disabled] with
 * buttons [data-action=disable|enable|reset-mfa|reset-password|role] and select user-role),
 * otp-box (otp-user, otp-value, otp-done), audit-section, audit-filter (audit-action,
 * audit-actor, audit-apply), audit-csv, audit-table (tr with td[data-field]).
 */
import { auditQuery, createAdminClient } from '../../api-client.ts'
import { createSessionBox, dropUrlToken, h, pageRefusal } from '../../session.ts'
import type { AuditRow, Role, UserRow } from '../../types.ts'

interface UsersHooks {
  ready: boolean
  loads: number
  users: UserRow[]
  audit: AuditRow[]
  lastError: string | null
}
declare global {
  interface Window {
    __civicnetUsers: UsersHooks
  }
}
const hooks: UsersHooks = { ready: false, loads: 0, users: [], audit: [], lastError: null }
window.__civicnetUsers = hooks

const urlNote = dropUrlToken()
const $ = <T extends HTMLElement = HTMLElement>(sel: string) => document.querySelector<T>(sel)!
const admin = createAdminClient({ baseUrl: '' })
const ROLES: Role[] = ['admin', 'engineer', 'analyst', 'planner']
const status = (text: string) => ($('[data-testid=users-status]').textContent = text)
const fail = (err: unknown) => {
  hooks.lastError = (err as Error).message
  status((err as Error).message.replace(/^./, (c) => c.toUpperCase()))
}

/** Shows a one-time password once; closing the box removes it from the page. */
function showOneTimePassword(username: string, password: string) {
  $('[data-testid=otp-user]').textContent = username
  $('[data-testid=otp-value]').textContent = password
  const box = $('[data-testid=otp-box]')
  box.hidden = false
  $('[data-testid=otp-done]').focus()
}
$('[data-testid=otp-done]').addEventListener('click', () => {
  $('[data-testid=otp-value]').textContent = ''
  $('[data-testid=otp-user]').textContent = ''
  $('[data-testid=otp-box]').hidden = true
})

const when = (ms: number) => new Date(ms).toLocaleString('en-US', { hour12: false })

function drawUsers(users: UserRow[]) {
  const me = session.info()?.user?.username
  $('[data-testid=users-table] tbody').replaceChildren(...users.map((u) => {
    const act = (action: string, label: string) => h('button', { type: 'button', class: 'small', 'data-action': action, 'data-username': u.username }, label)
    const role = h('select', { 'data-testid': 'user-role', 'aria-label': `Role of ${u.username}` }, ...ROLES.map((r) => h('option', { value: r, ...(r === u.role ? { selected: true } : {}) }, r)))
    return h('tr', { 'data-username': u.username, 'data-disabled': String(u.disabled), 'data-role': u.role },
      h('th', { scope: 'row' }, u.username, u.username === me ? h('span', { class: 'muted' }, ' (you)') : null),
      h('td', {}, u.displayName, u.email ? h('span', { class: 'muted' }, ` · ${u.email}`) : null),
      h('td', { 'data-field': 'role' }, role, ' ', act('role', 'Change role')),
      h('td', { 'data-field': 'state' }, u.disabled ? 'disabled' : u.mustChangePassword ? 'enabled, one-time password' : 'enabled'),
      h('td', { 'data-field': 'mfa' }, u.mfaEnrolled ? 'set up' : 'none'),
      h('td', { class: 'row-actions' },
        u.disabled ? act('enable', 'Enable') : act('disable', 'Disable'),
        ' ', act('reset-mfa', 'Reset second factor'),
        ' ', act('reset-password', 'Reset password'),
      ),
    )
  }))
}

function drawAudit(entries: AuditRow[]) {
  const cell = (field: string, text: string) => h('td', { 'data-field': field }, text)
  $('[data-testid=audit-table] tbody').replaceChildren(...(entries.length
    ? entries.map((e) => h('tr', { 'data-action': e.action, 'data-outcome': e.outcome },
        h('td', { 'data-field': 'timeMs', 'data-value': String(e.timeMs) }, when(e.timeMs)),
        cell('actor', e.actor ?? '–'), cell('action', e.action), cell('target', e.target ?? '–'),
        cell('outcome', e.outcome), cell('address', e.address ?? '–'), cell('detail', e.detail ?? '')))
    : [h('tr', {}, h('td', { colspan: '7', class: 'muted' }, 'No entry matches.'))]))
}

const filters = () => ({ action: $<HTMLInputElement>('#audit-action').value.trim(), actor: $<HTMLInputElement>('#audit-actor').value.trim(), limit: 200 })

async function loadAudit() {
  const f = filters()
  hooks.audit = await admin.audit(f)
  drawAudit(hooks.audit)
  const q = auditQuery({ action: f.action, actor: f.actor }, 'csv')
  $<HTMLAnchorElement>('[data-testid=audit-csv]').href = `/api/audit?${q}`
}

async function load() {
  const no = pageRefusal(session, 'users', 'an admin account')
  $('[data-testid=users-section]').hidden = no !== null
  $('[data-testid=audit-section]').hidden = no !== null
  if (no) {
    hooks.lastError = no
    status(no)
    return
  }
  try {
    hooks.users = await admin.users()
    drawUsers(hooks.users)
    await loadAudit()
    hooks.loads++
    hooks.lastError = null
  } catch (err) {
    fail(err)
  }
}

$<HTMLFormElement>('[data-testid=user-add-form]').addEventListener('submit', (e) => {
  e.preventDefault()
  const form = e.target as HTMLFormElement
  const email = $<HTMLInputElement>('#add-email').value.trim()
  const body = { username: $<HTMLInputElement>('#add-username').value.trim(), displayName: $<HTMLInputElement>('#add-display').value.trim(), role: $<HTMLSelectElement>('#add-role').value as Role, ...(email ? { email } : {}) }
  admin.addUser(body).then(async (r) => {
    form.reset()
    showOneTimePassword(r.user.username, r.oneTimePassword)
    status(`Account ${r.user.username} (${r.user.role}) added.`)
    await load()
  }, fail)
})

document.addEventListener('click', (e) => {
  const b = (e.target as HTMLElement).closest<HTMLButtonElement>('[data-testid=users-table] button[data-action]')
  if (!b) return
  const username = b.dataset.username!
  const action = b.dataset.action!
  b.disabled = true
  const run = async () => {
    if (action === 'reset-password') {
      const r = await admin.resetPassword(username)
      showOneTimePassword(username, r.oneTimePassword)
      return `${username} has a new one-time password; their sessions ended.`
    }
    if (action === 'role') {
      const role = b.closest('tr')!.querySelector<HTMLSelectElement>('[data-testid=user-role]')!.value as Role
      await admin.setRole(username, role)
      return `${username} is ${role} now; their sessions ended.`
    }
    const act = action as 'disable' | 'enable' | 'reset-mfa'
    await admin.act(username, act)
    return act === 'disable' ? `${username} is disabled; their sessions ended.` : act === 'enable' ? `${username} is enabled.` : `${username}'s second factor is reset; they set up a new one at their next sign-in.`
  }
  run().then(async (text) => {
    status(text)
    await load()
  }, fail).finally(() => (b.disabled = false))
})

$<HTMLFormElement>('[data-testid=audit-filter]').addEventListener('submit', (e) => {
  e.preventDefault()
  loadAudit().catch(fail)
})

const session = createSessionBox({
  root: $('[data-testid=session]'),
  nav: $('[data-testid=nav]'),
  pageId: 'users',
  onChange: () => void load(),
})
void session.ready.then(() => {
  if (urlNote) status(urlNote)
  hooks.ready = true
})
