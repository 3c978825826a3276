/**
 * `civicnet users add|list|enable|disable|role|reset-mfa|reset-password`: staff accounts made
 * and managed by an admin at the server's shell (accounts/index.ts does the work; this only
 * parses, opens the app state and the accounts key, and prints). The first admin of a fresh
 * install is made here.
 *
 * A one-time password (add, reset-password) is printed on stdout once and nowhere else: not
 * on stderr, not in the audit log; no hash, key or other secret is ever printed. Passwords
 * are never taken from the command line (shell history). The audit log names the actor
 * `cli:<OS user>` (os.userInfo(), `cli` when the OS cannot say), so it says who ran it.
 *
 * Exit 0: done; 1: refused or failed (last admin, unknown user, name taken, unreadable key);
 * 2: bad usage (unknown subcommand or option, missing or bad value, bad role).
 */
import { join, resolve } from 'node:path'
import { AccountError, PasswordPolicyError, ROLES, type Accounts, type Role, type User } from '../accounts/index.ts'
import { accountsSetupFromEnv, openDeploymentAccounts } from '../accounts/setup.ts'
import { openAppState, type AppState } from '../store/app-state.ts'
import { parseArgs, UsageError } from './flags.ts'
import type { Command } from './main.ts'
import { cliActor } from './actor.ts'

const ACTOR_NOTE = 'The audit log names the actor cli:<OS user> (who ran the command, from os.userInfo()), or cli when the OS cannot say.'

const STATE_NOTE = `State: $CIVICNET_DATA_DIR/state.sqlite (default ./data); the accounts key $CIVICNET_ACCOUNTS_KEY_FILE
(default $CIVICNET_DATA_DIR/accounts.key, made 0600 when missing; it is not in backups: keep a copy).`

const SUBCOMMANDS: Record<string, { usage: string; summary: string }> = {
  add: {
    usage: 'civicnet users add USERNAME --name "Display Name" --role ROLE [--email E]',
    summary: `makes an account and prints its one-time password once (ROLE: ${ROLES.join(', ')});
it must be changed at first sign-in, when admin and engineer accounts (and the roles in
CIVICNET_MFA_ROLES) also enrol MFA. No password is ever taken from the command line.`,
  },
  list: { usage: 'civicnet users list [--json]', summary: 'every account: username, name, role, MFA, must change password, disabled, created (never a hash)' },
  disable: { usage: 'civicnet users disable USERNAME', summary: 'the account cannot sign in and its sessions end (refused for the last enabled admin)' },
  enable: { usage: 'civicnet users enable USERNAME', summary: 'a disabled account can sign in again' },
  role: { usage: 'civicnet users role USERNAME ROLE', summary: `changes the role (${ROLES.join(', ')}); the sessions end (refused when it demotes the last enabled admin)` },
  'reset-mfa': { usage: 'civicnet users reset-mfa USERNAME', summary: 'removes the second factor and recovery codes (a lost phone); the user enrols again at next sign-in' },
  'reset-password': { usage: 'civicnet users reset-password USERNAME', summary: 'prints a new one-time password once; the old one stops working and the sessions end' },
}

const USAGE = [
  'usage: civicnet users <subcommand> [options]',
  '',
  ...Object.values(SUBCOMMANDS).map((s) => `  ${s.usage}`),
  '',
  'civicnet users <subcommand> --help says more about one.',
  ACTOR_NOTE,
  STATE_NOTE,
  'Exit 0: done; 1: refused (e.g. the last admin) or failed; 2: bad usage.',
].join('\n')

function subUsage(name: string): string {
  const s = SUBCOMMANDS[name]!
  return [`usage: ${s.usage}`, '', s.summary, '', ACTOR_NOTE, STATE_NOTE].join('\n')
}

/** The accounts domain over the data dir's app state, for the CLI commands (users, audit). */
export interface CliAccounts {
  accounts: Accounts
  state: AppState
  close(): void
}

/**
 * Opens $CIVICNET_DATA_DIR/state.sqlite and the accounts key (made when missing: nothing the
 * CLI does decrypts a secret, and a fresh install needs one for its first admin). A key made
 * while accounts with MFA exist means it was lost: those users must enrol again, said on stderr.
 * Through accounts/setup.ts, as serve and demo open them. Throws a UsageError for a bad
 * CIVICNET_* setting, an Error for an unreadable key.
 */
export function openCliAccounts(who: string): CliAccounts {
  const dataDir = resolve(process.env.CIVICNET_DATA_DIR || 'data')
  let setup
  try {
    setup = accountsSetupFromEnv(dataDir, process.env)
  } catch (err) {
    throw new UsageError((err as Error).message)
  }
  const state = openAppState(join(dataDir, 'state.sqlite'))
  let opened
  try {
    opened = openDeploymentAccounts(state.db, setup)
  } catch (err) {
    state.close()
    // a RangeError is a setting that does not fit (e.g. CIVICNET_SESSION_IDLE above CIVICNET_SESSION_MAX)
    throw err instanceof RangeError ? new UsageError(err.message) : err
  }
  const { accounts, keyPath, keyCreated } = opened
  if (keyCreated) {
    const withMfa = accounts.listUsers().filter((u) => u.mfaEnrolled).length
    console.error(`${who}: made a new accounts key ${keyPath} (mode 0600); keep a copy like a password: it is not in backups`)
    if (withMfa > 0) console.error(`${who}: warning: ${withMfa} account(s) have MFA under a key that was missing: put the old key back, or they must enrol again (civicnet users reset-mfa USERNAME)`)
  }
  return { accounts, state, close: () => state.close() }
}

/** Exactly `names` positionals, else a UsageError naming the first missing or the extra one. */
function positionals(got: string[], names: readonly string[]): string[] {
  if (got.length < names.length) throw new UsageError(`${names[got.length]} is missing`)
  if (got.length > names.length) throw new UsageError(`unexpected argument '${got[names.length]}'`)
  return got
}

function roleArg(what: string, v: string): Role {
  if (!(ROLES as readonly string[]).includes(v)) throw new UsageError(`${what}: '${v.slice(0, 40)}' is not a role (${ROLES.join(', ')})`)
  return v as Role
}

function isoSeconds(ms: number): string {
  return new Date(ms).toISOString().replace(/\.\d{3}Z$/, 'Z')
}

const yesNo = (b: boolean) => (b ? 'yes' : 'no')

/** Columns padded to their widest cell; the last one is not padded. */
export function table(rows: readonly (readonly string[])[]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n')
}

function listText(users: readonly User[]): string {
  if (users.length === 0) return 'no accounts yet: civicnet users add USERNAME --name "Display Name" --role admin makes the first admin'
  const head = ['username', 'name', 'role', 'mfa', 'must change password', 'disabled', 'created']
  return table([head, ...users.map((u) => [u.username, u.displayName, u.role, yesNo(u.mfaEnrolled), yesNo(u.mustChangePassword), yesNo(u.disabled), isoSeconds(u.createdMs)])])
}

function listJson(users: readonly User[]): string {
  const out = users.map((u) => ({
    username: u.username,
    name: u.displayName,
    email: u.email,
    role: u.role,
    mfa: u.mfaEnrolled,
    mustChangePassword: u.mustChangePassword,
    disabled: u.disabled,
    created: isoSeconds(u.createdMs),
    createdMs: u.createdMs,
  }))
  return JSON.stringify(out, null, 2)
}

/** The lines that hand a one-time password over: printed once, on stdout only. */
function passwordLines(accounts: Accounts, user: User, password: string): string[] {
  const mfa = accounts.config.mfaRequiredRoles
  return [
    `one-time password: ${password}`,
    `It is shown only this once. It must be changed at first sign-in, and ${mfa.length > 1 ? `${mfa.slice(0, -1).join(', ')} and ${mfa.at(-1)}` : mfa[0]} accounts enrol MFA (an authenticator app) at first sign-in: ` +
      (user.mfaEnrolled ? `${user.username} has MFA enrolled already.` : mfa.includes(user.role) ? `${user.username} (${user.role}) will.` : `${user.username} (${user.role}) need not.`),
  ]
}

/** Runs one subcommand; returns its output lines. Throws UsageError, AccountError ... */
async function runSub(sub: string, args: string[]): Promise<string[]> {
  const now = () => Date.now()
  if (sub === 'add') {
    const { positional, flags } = parseArgs(args, ['name', 'role', 'email'])
    const [username] = positionals(positional, ['USERNAME'])
    if (flags.name === undefined) throw new UsageError('--name "Display Name" is required')
    if (flags.role === undefined) throw new UsageError(`--role is required (${ROLES.join(', ')})`)
    const role = roleArg('--role', flags.role as string)
    const opened = openCliAccounts('civicnet users add')
    try {
      const { user, oneTimePassword } = await opened.accounts.addUser(cliActor(), { username: username!, displayName: flags.name as string, email: (flags.email as string | undefined) ?? null, role }, now())
      return [`added ${user.username}: ${user.displayName}, role ${user.role}${user.email ? `, ${user.email}` : ''}`, ...passwordLines(opened.accounts, user, oneTimePassword!)]
    } finally {
      opened.close()
    }
  }
  if (sub === 'list') {
    const { positional, flags } = parseArgs(args, [], ['json'])
    positionals(positional, [])
    const opened = openCliAccounts('civicnet users list')
    try {
      const users = opened.accounts.listUsers()
      return [flags.json ? listJson(users) : listText(users)]
    } finally {
      opened.close()
    }
  }
  const acts: Record<string, readonly string[]> = { disable: ['USERNAME'], enable: ['USERNAME'], role: ['USERNAME', 'ROLE'], 'reset-mfa': ['USERNAME'], 'reset-password': ['USERNAME'] }
  const names = acts[sub]
  if (!names) throw new UsageError(`unknown subcommand '${sub}' (${Object.keys(SUBCOMMANDS).join(', ')})`)
  const { positional } = parseArgs(args, [])
  const [username, roleText] = positionals(positional, names)
  const role = sub === 'role' ? roleArg('ROLE', roleText!) : undefined
  const opened = openCliAccounts(`civicnet users ${sub}`)
  const { accounts } = opened
  try {
    const actor = cliActor()
    switch (sub) {
      case 'disable':
        accounts.disableUser(actor, username!, now())
        return [`disabled ${username}: it cannot sign in, and its sessions have ended`]
      case 'enable':
        accounts.enableUser(actor, username!, now())
        return [`enabled ${username}`]
      case 'role': {
        const before = accounts.user(username!)?.role
        accounts.changeRole(actor, username!, role!, now())
        return [`${username}: role ${before} -> ${role}; its sessions have ended, the new role applies from the next sign-in`]
      }
      case 'reset-mfa':
        accounts.resetMfa(actor, username!, now())
        return [`${username}: MFA and recovery codes removed, its sessions have ended; it enrols again at the next sign-in`]
      default: {
        const password = await accounts.resetPassword(actor, username!, now())
        return [`${username}: new password set, the old one no longer works and its sessions have ended`, ...passwordLines(accounts, accounts.user(username!)!, password)]
      }
    }
  } finally {
    opened.close()
  }
}

export const command: Command = {
  summary: 'staff accounts: add, list, disable, enable, role, reset-mfa, reset-password',
  usage: USAGE,
  subcommandHelp: true,
  async run(args) {
    const [sub, ...rest] = args
    if (!sub) {
      console.error(USAGE)
      return 2
    }
    if (SUBCOMMANDS[sub] && (rest.includes('--help') || rest.includes('-h'))) {
      console.log(subUsage(sub))
      return 0
    }
    const who = SUBCOMMANDS[sub] ? `civicnet users ${sub}` : 'civicnet users'
    try {
      console.log((await runSub(sub, rest)).join('\n'))
      return 0
    } catch (err) {
      if (err instanceof UsageError) return console.error(`${who}: ${err.message} (civicnet users${SUBCOMMANDS[sub] ? ` ${sub}` : ''} --help)`), 2
      if (err instanceof AccountError) {
        const usage = err.code.startsWith('invalid-')
        return console.error(`${who}: ${usage ? '' : `refused (${err.code}): `}${err.message}`), usage ? 2 : 1
      }
      if (err instanceof PasswordPolicyError) return console.error(`${who}: ${err.message}`), 1
      return console.error(`${who}: ${(err as Error).message}`), 1
    }
  },
}
