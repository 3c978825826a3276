/**
 * The SLA clock of an incident: its severity from what it takes out, the target time to
 * restore for that severity, and where the clock stands. Pure: incident and "now" in.
 *
 * Severity (the most that applies):
 * - critical: a fiber link, or 10 APs or more, or devices in more than one neighborhood;
 * - major: 2 to 9 APs, or a switch, controller or router (no AP of its own counted yet);
 * - minor: one AP.
 *
 * Targets are configurable (`CIVICNET_INCIDENT_SLA`, e.g. "critical=4h,major=8h,minor=24h",
 * the defaults). The clock runs from the incident's open time to its close (or now):
 * breached when it ran longer than the target (exactly the target is met).
 */
import { parseDuration } from '../core/duration.ts'
import type { Incident } from './store.ts'

export const SEVERITIES = ['critical', 'major', 'minor'] as const
export type Severity = (typeof SEVERITIES)[number]
export type SlaTargets = Record<Severity, number>

const HOUR = 3_600_000
export const DEFAULT_SLA_TARGETS: SlaTargets = { critical: 4 * HOUR, major: 8 * HOUR, minor: 24 * HOUR }

export interface SlaClock {
  severity: Severity
  /** target time to restore, ms */
  targetMs: number
  /** openedMs + targetMs */
  dueMs: number
  /** time the clock ran: to the close, or to now while open */
  elapsedMs: number
  /** ms left before the target while open (negative once past it); null once closed */
  remainingMs: number | null
  breached: boolean
}

export function severityOf(i: Pick<Incident, 'rootCause' | 'affected'>): Severity {
  if (i.rootCause.kind === 'link' || i.affected.aps.length >= 10 || i.affected.neighborhoods.length > 1) return 'critical'
  if (i.affected.aps.length >= 2 || i.affected.devices.length > i.affected.aps.length) return 'major'
  return 'minor'
}

export function slaClock(i: Pick<Incident, 'rootCause' | 'affected' | 'openedMs' | 'closedMs'>, nowMs: number, targets: SlaTargets = DEFAULT_SLA_TARGETS): SlaClock {
  const severity = severityOf(i)
  const targetMs = targets[severity]
  const end = i.closedMs ?? nowMs
  const elapsedMs = Math.max(0, end - i.openedMs)
  return {
    severity,
    targetMs,
    dueMs: i.openedMs + targetMs,
    elapsedMs,
    remainingMs: i.closedMs === null ? targetMs - elapsedMs : null,
    breached: elapsedMs > targetMs,
  }
}

/**
 * Parses "critical=4h,major=8h,minor=24h" (units ms, s, m, h, d; any subset, the rest
 * default). Throws naming the part that is wrong.
 */
export function parseSlaTargets(text: string | undefined, name = 'CIVICNET_INCIDENT_SLA'): SlaTargets {
  const out: SlaTargets = { ...DEFAULT_SLA_TARGETS }
  if (text === undefined || text.trim() === '') return out
  for (const part of text.split(',')) {
    const m = /^\s*([a-z]+)\s*=\s*(.*)$/.exec(part)
    let ms = NaN
    try {
      if (m) ms = parseDuration(m[2]!)
    } catch {
      // named below
    }
    if (!m || !Number.isFinite(ms)) throw new Error(`${name}: '${part.trim().slice(0, 40)}' must be severity=duration, like critical=4h (units ms, s, m, h, d)`)
    if (!(SEVERITIES as readonly string[]).includes(m[1]!)) throw new Error(`${name}: unknown severity '${m[1]}' (one of ${SEVERITIES.join(', ')})`)
    if (ms <= 0) throw new Error(`${name}: the target of ${m[1]} must be more than 0`)
    out[m[1] as Severity] = ms
  }
  return out
}
