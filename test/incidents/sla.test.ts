/**
 * The SLA clock (incidents/sla.ts): severity by what an incident takes out, the target per
 * severity, and the breach flag on both sides of the target, exactly.
 */
import { test } from 'uvu'
import * as assert from 'uvu/assert'
import { DEFAULT_SLA_TARGETS, parseSlaTargets, severityOf, slaClock } from '../../incidents/sla.ts'

const H = 3_600_000
const inc = (kind: 'device' | 'link', devices: string[], neighborhoods = ['north']) => ({
  rootCause: { kind, id: 'x', probable: false, why: '' },
  affected: { devices, aps: devices.filter((d) => d.startsWith('ap-')), neighborhoods },
  openedMs: 1_000_000,
  closedMs: null as number | null,
})
const aps = (n: number) => Array.from({ length: n }, (_, i) => `ap-${i}`)

test('severity: a link, 10 APs or several neighborhoods is critical; 2-9 APs or a switch major; one AP minor', () => {
  assert.is(severityOf(inc('link', ['sw-1'])), 'critical')
  assert.is(severityOf(inc('device', aps(10))), 'critical')
  assert.is(severityOf(inc('device', aps(2), ['north', 'south'])), 'critical')
  assert.is(severityOf(inc('device', aps(9))), 'major')
  assert.is(severityOf(inc('device', ['sw-1'])), 'major')
  assert.is(severityOf(inc('device', aps(2))), 'major')
  assert.is(severityOf(inc('device', aps(1))), 'minor')
})

test('the breach flag on both sides of the target: exactly the target is met, 1 ms more is breached', () => {
  const i = inc('device', aps(1)) // minor: 24 h
  const due = i.openedMs + 24 * H
  assert.equal(slaClock(i, due - 1), { severity: 'minor', targetMs: 24 * H, dueMs: due, elapsedMs: 24 * H - 1, remainingMs: 1, breached: false })
  assert.equal(slaClock(i, due), { severity: 'minor', targetMs: 24 * H, dueMs: due, elapsedMs: 24 * H, remainingMs: 0, breached: false })
  assert.equal(slaClock(i, due + 1), { severity: 'minor', targetMs: 24 * H, dueMs: due, elapsedMs: 24 * H + 1, remainingMs: -1, breached: true })
  // closed: the clock stopped at the close, whatever now is
  assert.equal(slaClock({ ...i, closedMs: due - 5 }, due + 10 * H), { severity: 'minor', targetMs: 24 * H, dueMs: due, elapsedMs: 24 * H - 5, remainingMs: null, breached: false })
  assert.is(slaClock({ ...i, closedMs: due + 5 }, due + 10 * H).breached, true)
  // a configured target
  assert.is(slaClock(inc('link', ['sw-1']), 1_000_000 + 30 * 60_000 + 1, { ...DEFAULT_SLA_TARGETS, critical: 30 * 60_000 }).breached, true)
})

test('CIVICNET_INCIDENT_SLA: any subset, units ms s m h d; a bad part is named', () => {
  assert.equal(parseSlaTargets(undefined), DEFAULT_SLA_TARGETS)
  assert.equal(parseSlaTargets('critical=2h, minor=3d'), { critical: 2 * H, major: 8 * H, minor: 72 * H })
  assert.equal(parseSlaTargets('major=90m'), { ...DEFAULT_SLA_TARGETS, major: 90 * 60_000 })
  assert.throws(() => parseSlaTargets('critical=4'), /CIVICNET_INCIDENT_SLA: 'critical=4' must be severity=duration, like critical=4h/)
  assert.throws(() => parseSlaTargets('urgent=1h'), /unknown severity 'urgent' \(one of critical, major, minor\)/)
  assert.throws(() => parseSlaTargets('minor=0h'), /the target of minor must be more than 0/)
})

test.run()
