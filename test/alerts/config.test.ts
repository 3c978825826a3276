/**
 * alerts/config.ts: the example file parses to what it says; each kind of mistake is an
 * error naming the file, line, column and field; secrets come from the environment only.
 */
import { readFileSync } from 'node:fs'
import { suite } from 'uvu'
import * as assert from 'uvu/assert'
import { AlertConfigError, parseAlertsConfig } from '../../alerts/config.ts'

const test = suite('alerts/config')
const example = readFileSync(new URL('../../provisioning/alerts.example.yml', import.meta.url), 'utf8')
const env = { CIVICNET_ALERT_WEBHOOK_SECRET: 'hook-secret-1', CIVICNET_SMTP_USER: 'civicnet', CIVICNET_SMTP_PASSWORD: 'mail-secret-2' }

test('the example file: every field read as written', () => {
  const c = parseAlertsConfig(example, 'alerts.example.yml', env)
  assert.is(c.timezone, 'America/New_York')
  assert.is(c.publicUrl, 'https://wifi.example.gov')
  assert.is(c.evaluateMs, 15_000)
  assert.equal(c.delivery, { retryMs: 30_000, maxRetryMs: 900_000, giveUpMs: 86_400_000 })
  assert.equal(c.channels[0], { name: 'noc-webhook', type: 'webhook', url: 'https://hooks.example.gov/civicnet', secret: 'hook-secret-1', headers: {}, timeoutMs: 10_000 })
  assert.equal(c.channels[1], { name: 'noc-mail', type: 'email', host: 'smtp.example.gov', port: 587, secure: false, requireTls: true, user: 'civicnet', password: 'mail-secret-2', from: 'CivicNet <civicnet@example.gov>', to: ['noc@example.gov'], timeoutMs: 30_000 })
  assert.equal(c.rules.map((r) => [r.name, r.kind, r.channels.join('+'), r.repeatMs, r.forMs]), [
    ['incidents', 'incident', 'noc-webhook+noc-mail', 14_400_000, 0],
    ['sla', 'sla', 'noc-mail', null, 0],
    ['optics', 'optics', 'noc-mail', null, 120_000],
    ['collector', 'collector', 'noc-webhook', null, 0],
    ['availability', 'availability', 'noc-mail', null, 0],
  ])
  assert.equal(c.rules[0]!.quietHours, { fromMin: 22 * 60, toMin: 7 * 60, except: ['critical'] })
  assert.equal([c.rules[1]!.beforeMs, c.rules[2]!.belowDbm, c.rules[2]!.fallingDb, c.rules[2]!.windowMs, c.rules[3]!.missedPct, c.rules[3]!.windowMs, c.rules[4]!.targetPct, c.rules[4]!.minSeverity], [1_800_000, -25, 3, 86_400_000, 5, 900_000, 99, 'major'])
})

/** the error a changed example gives */
function errorOf(edit: (text: string) => string, e: Record<string, string> = env): AlertConfigError {
  try {
    parseAlertsConfig(edit(example), 'alerts.yml', e)
  } catch (err) {
    assert.instance(err, AlertConfigError)
    return err as AlertConfigError
  }
  throw new Error('no error')
}
const lineOf = (needle: string) => example.split('\n').findIndex((l) => l.includes(needle)) + 1

test('a misspelt channel in a rule: its line, column and field', () => {
  const e = errorOf((t) => t.replace('channels: [noc-mail]\n    before', 'channels: [noc-mial]\n    before'))
  assert.is(e.message, `alerts.yml:${lineOf('before: 30m') - 1}:16: rules[1].channels[0]: no channel named 'noc-mial' (channels: noc-webhook, noc-mail)`)
})

test('an unknown field is an error at its key, listing the known ones', () => {
  const e = errorOf((t) => t.replace('    before: 30m', '    befor: 30m'))
  assert.is(e.message, `alerts.yml:${lineOf('before: 30m')}:5: rules[1].befor: unknown field (known: name, kind, channels, for, repeatEvery, minSeverity, quietHours, before)`)
})

test('bad values: each names what is wrong', () => {
  const cases: [string, string, string][] = [
    ['    repeatEvery: 4h', '    repeatEvery: 4 hours', `rules[0].repeatEvery: '4 hours' is not a duration like 30s, 15m, 4h or 1d (units ms, s, m, h, d)`],
    ["from: '22:00'", "from: '25:00'", `rules[0].quietHours.from: '25:00' is not a local time like 22:00`],
    ['    kind: optics', '    kind: optic', `rules[2].kind: 'optic' is not a rule kind (incident, sla, optics, collector, availability)`],
    ['    belowDbm: -25', '    belowDbm: -99', 'rules[2].belowDbm: -99 is out of range (-60 to 10)'],
    ['    type: webhook', '    type: slack', `channels[0].type: 'slack' is not a channel type (webhook, email)`],
    ['    to: [noc@example.gov]', '    to: [noc.example.gov]', `channels[1].to[0]: 'noc.example.gov' is not an e-mail address`],
    ['timezone: America/New_York', 'timezone: America/Hartford', `timezone: 'America/Hartford' is not an IANA time zone (like America/New_York)`],
    ['    minSeverity: major', '    minSeverity: urgent', `rules[4].minSeverity: 'urgent' is not a severity (critical, major, minor)`],
  ]
  for (const [from, to, want] of cases) {
    const e = errorOf((t) => t.replace(from, to))
    assert.is(e.message.replace(/^alerts\.yml:\d+:\d+: /, ''), want)
    assert.is(e.line, lineOf(from.trim()), `${want}: the line`)
  }
})

test('a secret is read from the variable the file names, and a missing one is an error naming the variable, never a value', () => {
  const e = errorOf((t) => t, { ...env, CIVICNET_SMTP_PASSWORD: '' })
  assert.is(e.message, `alerts.yml:${lineOf('passwordEnv: CIVICNET')}:18: channels[1].passwordEnv: the environment variable CIVICNET_SMTP_PASSWORD is not set`)
  const header = errorOf((t) => t.replace('    timeout: 10s', '    timeout: 10s\n    headers: { Authorization: Bearer abc }'))
  assert.is(header.field, 'channels[0].headers.Authorization')
  assert.not.match(header.message, /abc/)
})

test('not YAML at all: the line of the fault', () => {
  const e = errorOf((t) => t.replace('  - name: noc-mail', '  - name: noc-mail\n   bad: [unclosed'))
  assert.match(e.message, /^alerts\.yml:\d+:\d+: not valid YAML: /)
  assert.ok(e.line >= lineOf('- name: noc-mail'), `line ${e.line}`)
})

test('a second channel of one name, and a rule with no channel', () => {
  assert.match(errorOf((t) => t.replace('name: noc-mail', 'name: noc-webhook')).message, /channels\[1\]\.name: a second channel named 'noc-webhook'/)
  assert.match(errorOf((t) => t.replace('channels: [noc-webhook]', 'channels: []')).message, /rules\[3\]\.channels: lists no channel/)
})

test.run()
