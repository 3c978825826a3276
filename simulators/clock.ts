/**
 * A clock tests move by hand, so a test can read an agent and the truth at the same
 * simulated minute without racing a running clock. Implements core/clock.ts Clock.
 */
import type { Clock } from '../core/clock.ts'

export interface ManualClock extends Clock {
  /** moves time forward by ms and runs every `after` callback that falls due */
  advance(ms: number): void
  /** jumps to an absolute time (never backwards) */
  set(ms: number): void
}

export function manualClock(startMs: number): ManualClock {
  let now = startMs
  let seq = 0
  const timers = new Map<number, { at: number; fn: () => void }>()
  const fire = () => {
    for (;;) {
      const due = [...timers.entries()].filter(([, t]) => t.at <= now).sort((a, b) => a[1].at - b[1].at)[0]
      if (!due) return
      timers.delete(due[0])
      due[1].fn()
    }
  }
  return {
    now: () => now,
    speed: 1,
    after(ms, fn) {
      const id = ++seq
      timers.set(id, { at: now + Math.max(0, ms), fn })
      return () => timers.delete(id)
    },
    advance(ms) {
      now += ms
      fire()
    },
    set(ms) {
      if (ms < now) throw new RangeError(`manual clock cannot go back from ${now} to ${ms}`)
      now = ms
      fire()
    },
  }
}
