/**
 * `civicnet users` and `civicnet audit` as real processes (node bin/civicnet.js) on a temp
 * data dir, at the real scrypt cost: the first admin of a fresh install (its one-time password
 * printed once, the accounts key made 0600), an engineer, the list as table and JSON (never a
 * hash), the last admin kept, a role change, an MFA and a password reset (the old password no
 * longer signs in, the new one does: checked through createAccounts on the same database and
 * key), every usage error and refusal as one exact stderr line with its exit code; then the
 * audit log as table, CSV and JSON Lines with actor cli:<OS user> in order, filtered by time,
 * action and limit, never holding a one-time password, and pruned past its retention.
 */
import { mkdtempSync, readFileSync, rmSync, statSync } from 'node:fs'
import { tmpdir, userInfo } from 'node:os'
import { join } from 'node:path'
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { createAccounts } from '../../accounts/index.ts'
import { parseCsv } from '../../reports/render/csv.ts'
import { openAppState } from '../../store/app-state.ts'
import { runCli, type CliResult } from '../support/cli.ts'

const OTP = /^[a-z2-7]{4}(-[a-z2-7]{4}){5}$/
const ACTOR = `cli:${userInfo().username}`
const ADDR = '198.51.100.7'
const DAY = 86_400_000

/** The one-time password of an `add` or `reset-password` answer: the line that carries it. */
function oneTimePassword(r: CliResult): string {
  const line = r.stdout.split('\n').find((l) => l.startsWith('one-time password: '))
  assert.ok(line, r.stdout)
  const otp = line!.slice('one-time password: '.length)
  assert.match(otp, OTP)
  return otp
}

/** Columns padded to the widest cell, two spaces apart, the last unpadded: what the CLI prints. */
function padded(rows: string[][]): string {
  const widths = rows[0]!.map((_, i) => Math.max(...rows.map((r) => r[i]!.length)))
  return rows.map((r) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]!))).join('  ')).join('\n') + '\n'
}

const iso = (ms: number) => new Date(ms).toISOString()
const isoSeconds = (ms: number) => iso(ms).replace(/\.\d{3}Z$/, 'Z')

test('users add|list|disable|role|reset-mfa|reset-password and audit, as an admin runs them', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'civicnet-users-cli-'))
  // the ambient environment must not change what is checked: each setting to its default
  const env = { CIVICNET_DATA_DIR: dir, CIVICNET_ACCOUNTS_KEY_FILE: '', CIVICNET_MFA_ROLES: '', CIVICNET_AUDIT_RETENTION: '', CIVICNET_LOCKOUT: '' }
  const cli = (...args: string[]) => runCli(args, { env, timeoutMs: 60_000 })
  const every: CliResult[] = []
  const run = async (...args: string[]) => {
    const r = await cli(...args)
    every.push(r)
    return r
  }
  try {
    // the first admin of a fresh install: the key is made, the password shown once
    const alice = await run('users', 'add', 'alice', '--name', 'Alice Admin', '--role', 'admin')
    assert.is(alice.code, 0, alice.stderr)
    const aliceOtp = oneTimePassword(alice)
    assert.is(
      alice.stdout,
      [
        'added alice: Alice Admin, role admin',
        `one-time password: ${aliceOtp}`,
        'It is shown only this once. It must be changed at first sign-in, and admin and engineer accounts enrol MFA (an authenticator app) at first sign-in: alice (admin) will.',
      ].join('\n') + '\n',
    )
    assert.is(alice.stderr, `civicnet users add: made a new accounts key ${join(dir, 'accounts.key')} (mode 0600); keep a copy like a password: it is not in backups\n`)
    assert.is(statSync(join(dir, 'accounts.key')).mode & 0o777, 0o600)
    const key = Buffer.from(readFileSync(join(dir, 'accounts.key'), 'utf8').trim(), 'hex')
    assert.is(key.length, 32)

    const bob = await run('users', 'add', 'bob', '--name', 'Bob Engineer', '--role', 'engineer', '--email', 'bob@example.org')
    assert.is(bob.code, 0, bob.stderr)
    const bobOtp = oneTimePassword(bob)
    assert.is(bob.stdout.split('\n')[0], 'added bob: Bob Engineer, role engineer, bob@example.org')
    assert.is(bob.stderr, '')
    assert.is.not(bobOtp, aliceOtp)

    const state = openAppState(join(dir, 'state.sqlite'))
    try {
      const accounts = createAccounts({ db: state.db, key })
      const created = Object.fromEntries(accounts.listUsers().map((u) => [u.username, u.createdMs]))

      const list = await run('users', 'list')
      assert.is(list.code, 0, list.stderr)
      assert.is(
        list.stdout,
        padded([
          ['username', 'name', 'role', 'mfa', 'must change password', 'disabled', 'created'],
          ['alice', 'Alice Admin', 'admin', 'no', 'yes', 'no', isoSeconds(created.alice!)],
          ['bob', 'Bob Engineer', 'engineer', 'no', 'yes', 'no', isoSeconds(created.bob!)],
        ]),
      )
      const json = await run('users', 'list', '--json')
      assert.is(json.code, 0, json.stderr)
      assert.equal(JSON.parse(json.stdout), [
        { username: 'alice', name: 'Alice Admin', email: null, role: 'admin', mfa: false, mustChangePassword: true, disabled: false, created: isoSeconds(created.alice!), createdMs: created.alice },
        { username: 'bob', name: 'Bob Engineer', email: 'bob@example.org', role: 'engineer', mfa: false, mustChangePassword: true, disabled: false, created: isoSeconds(created.bob!), createdMs: created.bob },
      ])

      // the only admin cannot be disabled: nobody could manage accounts after
      const lastAdmin = await run('users', 'disable', 'alice')
      assert.equal([lastAdmin.code, lastAdmin.stdout, lastAdmin.stderr], [1, '', "civicnet users disable: refused (last-admin): 'alice' is the last enabled admin: make another admin first\n"])
      assert.is(accounts.user('alice')!.disabled, false)

      const role = await run('users', 'role', 'bob', 'planner')
      assert.equal([role.code, role.stdout], [0, 'bob: role engineer -> planner; its sessions have ended, the new role applies from the next sign-in\n'])
      const mfa = await run('users', 'reset-mfa', 'bob')
      assert.equal([mfa.code, mfa.stdout], [0, 'bob: MFA and recovery codes removed, its sessions have ended; it enrols again at the next sign-in\n'])
      const reset = await run('users', 'reset-password', 'bob')
      assert.is(reset.code, 0, reset.stderr)
      const bobNewOtp = oneTimePassword(reset)
      assert.is(
        reset.stdout,
        [
          'bob: new password set, the old one no longer works and its sessions have ended',
          `one-time password: ${bobNewOtp}`,
          'It is shown only this once. It must be changed at first sign-in, and admin and engineer accounts enrol MFA (an authenticator app) at first sign-in: bob (planner) need not.',
        ].join('\n') + '\n',
      )
      assert.is(accounts.user('bob')!.role, 'planner')

      // usage errors exit 2, refused acts 1, each one line naming what is wrong
      const bad: [string[], 1 | 2, string][] = [
        [['users', 'add', 'carol', '--name', 'Carol', '--role', 'boss'], 2, "civicnet users add: --role: 'boss' is not a role (admin, engineer, analyst, planner) (civicnet users add --help)"],
        [['users', 'add', 'carol', '--role', 'admin'], 2, 'civicnet users add: --name "Display Name" is required (civicnet users add --help)'],
        [['users', 'add', '--name', 'Carol', '--role', 'admin'], 2, 'civicnet users add: USERNAME is missing (civicnet users add --help)'],
        [['users', 'add', 'carol', '--name', 'Carol', '--role', 'admin', '--password', 'x'], 2, "civicnet users add: unknown option '--password' (civicnet users add --help)"],
        [['users', 'add', 'c!', '--name', 'Carol', '--role', 'admin'], 2, 'civicnet users add: username must be 2 to 64 letters, digits, dots, dashes or underscores, starting with a letter or digit'],
        [['users', 'add', 'alice', '--name', 'Another Alice', '--role', 'analyst'], 1, "civicnet users add: refused (username-taken): an account named 'alice' exists already"],
        [['users', 'frob', 'bob'], 2, "civicnet users: unknown subcommand 'frob' (add, list, disable, enable, role, reset-mfa, reset-password) (civicnet users --help)"],
        [['users', 'disable', 'nobody'], 1, "civicnet users disable: refused (no-such-user): no account named 'nobody'"],
        [['users', 'reset-password', 'nobody'], 1, "civicnet users reset-password: refused (no-such-user): no account named 'nobody'"],
        [['users', 'role', 'bob'], 2, 'civicnet users role: ROLE is missing (civicnet users role --help)'],
        [['users', 'role', 'bob', 'root'], 2, "civicnet users role: ROLE: 'root' is not a role (admin, engineer, analyst, planner) (civicnet users role --help)"],
        [['users', 'list', 'extra'], 2, "civicnet users list: unexpected argument 'extra' (civicnet users list --help)"],
        [['audit', '--since', '5x'], 2, "civicnet audit: --since: '5x' is not a duration like 30s, 15m, 4h or 1d (units ms, s, m, h, d) (civicnet audit --help)"],
        [['audit', '--since', '1d', '--from', '2026-03-01'], 2, 'civicnet audit: --since and --from/--to: give one of them (civicnet audit --help)'],
        [['audit', '--from', '2026-03-01T10:00'], 2, "civicnet audit: --from: '2026-03-01T10:00' is not a date YYYY-MM-DD or a time like 2026-03-01T14:00:00Z (with its zone) (civicnet audit --help)"],
        [['audit', '--format', 'xml'], 2, "civicnet audit: --format: 'xml' is not one of table, csv, jsonl (civicnet audit --help)"],
        [['audit', '--limit', '0'], 2, "civicnet audit: --limit: '0' must be a whole number from 1 to 100000 (civicnet audit --help)"],
        [['audit', 'prune', 'now'], 2, "civicnet audit prune: unexpected argument 'now' (prune takes none) (civicnet audit --help)"],
      ]
      const answers = await Promise.all(bad.map(([args]) => run(...args)))
      bad.forEach(([args, code, line], i) => assert.equal([answers[i]!.code, answers[i]!.stdout, answers[i]!.stderr], [code, '', line + '\n'], args.join(' ')))

      const help = await run('users', 'reset-password', '--help')
      assert.equal([help.code, help.stdout.split('\n')[0]], [0, 'usage: civicnet users reset-password USERNAME'])

      // the audit log: every act above, newest first, by cli:<OS user>; refusals changed nothing
      const expected = [
        ['user.reset-password', 'user:bob', null],
        ['user.reset-mfa', 'user:bob', null],
        ['user.role', 'user:bob', 'engineer -> planner'],
        ['user.add', 'user:bob', 'role engineer'],
        ['user.add', 'user:alice', 'role admin'],
      ]
      const log = accounts.auditLog()
      assert.equal(log.map((e) => [e.actor, e.address, e.action, e.target, e.outcome, e.detail]), expected.map(([action, target, detail]) => [ACTOR, null, action, target, 'ok', detail]))
      const times = log.map((e) => e.timeMs)

      const table = await run('audit')
      assert.is(table.code, 0, table.stderr)
      assert.is(
        table.stdout,
        padded([['time', 'actor', 'address', 'action', 'target', 'outcome', 'detail'], ...expected.map(([action, target, detail], i) => [iso(times[i]!), ACTOR, '-', action!, target!, 'ok', detail ?? '-'])]),
      )
      const csv = await run('audit', '--format', 'csv')
      assert.is(csv.code, 0, csv.stderr)
      assert.ok(csv.stdout.startsWith('time,actor,address,action,target,outcome,detail\r\n'))
      assert.equal(
        parseCsv(csv.stdout),
        expected.map(([action, target, detail], i) => ({ time: iso(times[i]!), actor: ACTOR, address: '', action, target, outcome: 'ok', detail: detail ?? '' })),
      )
      const lastAdd = await run('audit', '--action', 'user.add', '--limit', '1', '--format', 'jsonl')
      assert.is(lastAdd.code, 0, lastAdd.stderr)
      assert.equal(lastAdd.stdout.trimEnd().split('\n').map((l) => JSON.parse(l)), [
        { time: iso(times[3]!), timeMs: times[3], actor: ACTOR, address: null, action: 'user.add', target: 'user:bob', outcome: 'ok', detail: 'role engineer' },
      ])
      // --from is inclusive, --to exclusive: alice's add up to (not with) the role change
      const window = await run('audit', '--from', iso(times[4]!), '--to', iso(times[2]!), '--format', 'csv')
      assert.equal(parseCsv(window.stdout).map((r) => [r.action, r.target]), [['user.add', 'user:bob'], ['user.add', 'user:alice']])
      const recent = await run('audit', '--since', '1h', '--actor', ACTOR, '--format', 'jsonl')
      assert.is(recent.stdout.trimEnd().split('\n').length, 5)
      const none = await run('audit', '--actor', 'user:alice')
      assert.equal([none.code, none.stdout], [0, 'no audit entries match\n'])

      // the old password no longer signs in, the new one does (bob, a planner, needs no MFA);
      // alice's one-time password leads to MFA enrolment. Two days ago, so prune drops them.
      const old = Date.now() - 2 * DAY
      const refused = await accounts.signIn('bob', bobOtp, ADDR, old)
      assert.equal([refused.kind, (refused as { reason: string }).reason], ['refused', 'invalid'])
      const aliceIn = await accounts.signIn('alice', aliceOtp, ADDR, old)
      assert.is(aliceIn.kind, 'needs-mfa-enrolment')
      const bobIn = await accounts.signIn('bob', bobNewOtp, ADDR, Date.now())
      assert.ok(bobIn.kind === 'session')
      assert.equal([bobIn.user.role, bobIn.user.mustChangePassword], ['planner', true])

      // default retention (365d): the expired enrolment ticket and the old failure counter of the
      // address go (bob's own was cleared by his good sign-in)
      const first = await run('audit', 'prune')
      assert.equal([first.code, first.stdout, first.stderr], [0, 'pruned: dropped 0 audit entries older than 365d, 1 session, 1 failure counter\n', ''])
      const pruned = await runCli(['audit', 'prune'], { env: { ...env, CIVICNET_AUDIT_RETENTION: '1d' }, timeoutMs: 60_000 })
      assert.equal([pruned.code, pruned.stdout, pruned.stderr], [0, 'pruned: dropped 2 audit entries older than 1d, 0 sessions, 0 failure counters\n', ''])
      const prunes = await run('audit', '--action', 'audit.prune', '--format', 'csv')
      assert.equal(parseCsv(prunes.stdout).map((r) => [r.actor, r.detail]), [
        [ACTOR, 'dropped 2 audit entries older than 1d, 0 sessions, 0 failure counters'],
        [ACTOR, 'dropped 0 audit entries older than 365d, 1 session, 1 failure counter'],
      ])
      assert.equal(accounts.auditLog().filter((e) => e.timeMs <= old).length, 0)

      // no hash anywhere, and each one-time password only in the answer that handed it over
      const handedOver = new Map([[aliceOtp, alice], [bobOtp, bob], [bobNewOtp, reset]])
      for (const r of every) {
        const text = r.stdout + r.stderr
        assert.not.ok(text.includes('$scrypt$'), 'a password hash was printed')
        for (const [otp, own] of handedOver) assert.ok(r === own || !text.includes(otp), `a one-time password in a later answer: ${r.stdout.slice(0, 80)}`)
      }
      assert.is(every.filter((r) => /^(time|\{)/.test(r.stdout)).length, 6)
    } finally {
      state.close()
    }
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
})

test.run()
