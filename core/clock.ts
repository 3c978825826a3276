/**
 * Time as a dependency. Production uses the wall clock; the simulated city runs a faster
 * clock shared by the simulators and the collector in the same process, so a simulated
 * day passes in minutes through the real SNMP path.
 */
export interface Clock {
  /** current time, epoch ms (simulated time for a simulated clock) */
  now(): number
  /** how many simulated ms pass per real ms (1 for the wall clock) */
  readonly speed: number
  /** run fn after `ms` of this clock's time; returns a cancel function */
  after(ms: number, fn: () => void): () => void
}

export const wallClock: Clock = {
  now: () => Date.now(),
  speed: 1,
  after(ms, fn) {
    const t = setTimeout(fn, Math.max(0, ms))
    return () => clearTimeout(t)
  },
}

/** A clock that starts at `startMs` and runs `speed` times faster than real time. */
export function fastClock(startMs: number, speed: number): Clock {
  if (!(speed > 0)) throw new RangeError(`clock speed must be > 0, got ${speed}`)
  const realStart = Date.now()
  const now = () => startMs + (Date.now() - realStart) * speed
  return {
    now,
    speed,
    after(ms, fn) {
      const t = setTimeout(fn, Math.max(0, ms / speed))
      return () => clearTimeout(t)
    },
  }
}
